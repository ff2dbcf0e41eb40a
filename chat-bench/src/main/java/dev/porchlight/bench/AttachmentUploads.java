package dev.porchlight.bench;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.FileImageOutputStream;

import tools.jackson.databind.JsonNode;

/**
 * Issue 22, acceptance 3: many visitors upload a file of almost 10 MB each at the same
 * moment (docs/attachments.md), in two rounds: documents (a PDF is stored as it is, so
 * the round measures streaming to a temporary file and the chunked store) and photos
 * (real JPEGs, decoded and encoded again by at most
 * {@code porchlight.attachments.image-workers} at once). The client streams every body
 * from disk; the node's resident memory and heap are sampled every 100 ms meanwhile, and
 * every collection the node makes is logged, so what the node holds while files arrive
 * can be set against the bytes arriving.
 */
final class AttachmentUploads {

	/** {@code porchlight.attachments.max-file-size}: 10 MB. */
	static final long LIMIT = 10L * 1024 * 1024;

	/** A document's size: just under the limit. */
	static final long DOCUMENT_BYTES = LIMIT - 4096;

	/** A photo's size at least (and at most {@link #LIMIT} less 4 KiB). */
	static final long PHOTO_MIN_BYTES = LIMIT - 512 * 1024;

	static final int PHOTO_WIDTH = 5000;

	static final int PHOTO_HEIGHT = 3750;

	static final float PHOTO_QUALITY = 0.95f;

	private static final Pattern PAUSE = Pattern
		.compile("^\\[(\\d+)ms\\].*GC\\(\\d+\\) Pause (Young|Full|Remark|Cleanup)(.*?) (\\d+)M->(\\d+)M\\((\\d+)M\\)");

	private AttachmentUploads() {
	}

	/**
	 * A visitor with a conversation of its own: the socket that started it stays open
	 * while the visitor uploads, as in the widget.
	 *
	 * @param token the visitor token ({@code Authorization: Bearer})
	 * @param conversationId the conversation
	 * @param conn the visitor's socket
	 */
	record Visitor(String token, String conversationId, Conn conn) {
	}

	/**
	 * What one round measured.
	 *
	 * @param kind documents or photos
	 * @param uploads how many uploads were started at once
	 * @param bytes the bytes sent, all uploads together
	 * @param smallestFile the smallest file's size
	 * @param largestFile the largest file's size
	 * @param seconds from the first request to the last answer
	 * @param latenciesMs each upload from its request to its answer, sorted
	 * @param statuses answers by HTTP status
	 * @param problems the first few answers other than 201, or with another type than
	 * expected
	 * @param served the size the node answered, all 201 answers together
	 * @param rssBefore the node's RSS before the round (after a full GC)
	 * @param rssPeak the highest RSS sampled during the round
	 * @param rssAfter RSS after the round, after a full GC
	 * @param heapBefore heap used right before the first request (after a full GC)
	 * @param heapPeak the highest heap used sampled during the round (garbage included)
	 * @param heapAfterGcPeak the largest heap after any collection during the round: what
	 * the node still held at that moment, at most
	 * @param heapAfterRound heap used right after the last answer, before any GC
	 * @param liveAfter live heap after the round and a full GC
	 * @param samples heap samples taken during the round
	 * @param collections young and mixed collections during the round
	 * @param fullCollections full collections during the round
	 * @param humongousCollections collections started by a humongous allocation (an array
	 * of at least half a heap region)
	 * @param evacuationFailures collections that could not move every live object (the
	 * log's "Evacuation Failure": a region pinned by native code, or no free region left)
	 * @param liveBefore live heap before the round, after a full GC
	 * @param snapshots live heap while uploads were still in flight (a full GC and a
	 * class histogram 2 s in, and when the first answer arrived)
	 * @param probesMs the node's health endpoint, asked every 200 ms during the round:
	 * each answer's latency, sorted (what the rest of the node's traffic sees meanwhile)
	 */
	record Round(String kind, int uploads, long bytes, long smallestFile, long largestFile, double seconds,
			List<Double> latenciesMs, Map<Integer, Integer> statuses, List<String> problems, long served,
			long rssBefore, long rssPeak, long rssAfter, long heapBefore, long heapPeak, long heapAfterGcPeak,
			long heapAfterRound, long liveAfter, int samples, int collections, int fullCollections,
			int humongousCollections, int evacuationFailures, long liveBefore, List<Snapshot> snapshots,
			List<Double> probesMs) {

		/** The snapshot that found the most live heap. */
		Snapshot inFlight() {
			return this.snapshots.stream().max(java.util.Comparator.comparingLong(Snapshot::live)).orElseThrow();
		}

		int created() {
			return this.statuses.getOrDefault(201, 0);
		}

		double mebibytesPerSecond() {
			return this.bytes / 1048576.0 / this.seconds;
		}

		/** Nearest-rank percentile of the upload latencies. */
		double latency(double percentile) {
			return percentile(this.latenciesMs, percentile);
		}

		/** Nearest-rank percentile of the health probes' latencies. */
		double probe(double percentile) {
			return percentile(this.probesMs, percentile);
		}

		private static double percentile(List<Double> sorted, double percentile) {
			if (sorted.isEmpty()) {
				return Double.NaN;
			}
			int rank = (int) Math.ceil(percentile / 100 * sorted.size());
			return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
		}

		String line() {
			return String.format(java.util.Locale.ROOT,
					"%s: %d of %d answered 201 %s in %.1f s, %.0f MiB at %.1f MiB/s, latency p50 %.0f p95 %.0f max %.0f ms; "
							+ "RSS %.0f -> peak %.0f MiB; heap %.0f -> peak %.0f MiB (after GC at most %.0f MiB, %d "
							+ "collections, %d full, %d humongous); live heap %.0f before, %.0f with %d in flight at %.1f s "
							+ "(byte[] %.0f), %.0f after; health probe p50 %.0f max %.0f ms",
					this.kind, created(), this.uploads, this.statuses, this.seconds, this.bytes / 1048576.0,
					mebibytesPerSecond(), latency(50), latency(95), latency(100), this.rssBefore / 1048576.0,
					this.rssPeak / 1048576.0, this.heapBefore / 1048576.0, this.heapPeak / 1048576.0,
					this.heapAfterGcPeak / 1048576.0, this.collections, this.fullCollections, this.humongousCollections,
					this.liveBefore / 1048576.0, inFlight().live() / 1048576.0, inFlight().uploads(),
					inFlight().atSeconds(), inFlight().byteArrays() / 1048576.0, this.liveAfter / 1048576.0, probe(50),
					probe(100));
		}

	}

	/**
	 * The node's live heap at one moment of a round: a full GC and a class histogram
	 * ({@code jcmd PID GC.class_histogram}), taken when the first upload was answered.
	 *
	 * @param atSeconds when, from the round's first request
	 * @param uploads uploads not yet answered then
	 * @param live the live heap
	 * @param byteArrays what of it is {@code byte[]}
	 */
	record Snapshot(double atSeconds, int uploads, long live, long byteArrays) {

		static Snapshot read(Path histogram, double atSeconds, int uploads) throws IOException {
			long live = 0;
			long byteArrays = 0;
			for (String line : Files.readAllLines(histogram)) {
				String[] fields = line.trim().split("\\s+");
				if (fields.length >= 3 && fields[0].equals("Total")) {
					live = Long.parseLong(fields[2]);
				}
				else if (fields.length >= 4 && fields[3].equals("[B")) {
					byteArrays = Long.parseLong(fields[2]);
				}
			}
			return new Snapshot(atSeconds, uploads, live, byteArrays);
		}

	}

	/**
	 * Visitors of one site, each with a token and a conversation, on one node.
	 * @param porchlight the system (its first port is the node)
	 * @param count how many
	 * @return the visitors
	 */
	static List<Visitor> visitors(ChatSystem.Porchlight porchlight, int count) {
		InetAddress loopback = InetAddress.getLoopbackAddress();
		List<Visitor> visitors = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String token = porchlight.token(0, loopback);
			ChatSystem.Visitor visitor = ChatSystem.Porchlight.start(porchlight.visitorSocket(0, loopback, token));
			visitors.add(new Visitor(token, visitor.conversationId(), visitor.conn()));
		}
		return visitors;
	}

	/**
	 * Documents that look like PDFs ({@code %PDF-1.7} and random bytes), just under the
	 * limit, kept between runs.
	 * @param dir where
	 * @param count how many
	 * @return the files
	 */
	static List<Path> documents(Path dir, int count) throws IOException {
		Files.createDirectories(dir);
		List<Path> files = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Path file = dir.resolve(String.format("document-%02d.pdf", i + 1));
			if (!Files.exists(file) || Files.size(file) != DOCUMENT_BYTES) {
				SplittableRandom random = new SplittableRandom(1000 + i);
				byte[] block = new byte[64 * 1024];
				try (OutputStream out = Files.newOutputStream(file)) {
					byte[] head = "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII);
					out.write(head);
					long left = DOCUMENT_BYTES - head.length;
					while (left > 0) {
						random.nextBytes(block);
						int length = (int) Math.min(block.length, left);
						out.write(block, 0, length);
						left -= length;
					}
				}
			}
			files.add(file);
		}
		return files;
	}

	/**
	 * Real JPEG photos of 5000 × 3750 pixels (18.75 million, under the 40 million the
	 * node accepts), each between {@link #PHOTO_MIN_BYTES} and the limit less 4 KiB: a
	 * smooth picture with per-pixel noise, at quality 0.95, the noise calibrated so the
	 * file lands near 10 MB. Kept between runs; only missing or wrong-sized ones are
	 * made.
	 * @param dir where
	 * @param count how many
	 * @return the files
	 */
	static List<Path> photos(Path dir, int count) throws Exception {
		Files.createDirectories(dir);
		List<Path> files = new ArrayList<>();
		List<Integer> missing = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Path file = dir.resolve(String.format("photo-%02d.jpg", i + 1));
			files.add(file);
			if (!Files.exists(file) || !photoSized(Files.size(file))) {
				missing.add(i);
			}
		}
		if (missing.isEmpty()) {
			return files;
		}
		Bench.log("Making " + missing.size() + " JPEG photos of " + PHOTO_WIDTH + " × " + PHOTO_HEIGHT + " in " + dir);
		double noise = calibrate(dir);
		ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
		try {
			List<Future<?>> made = new ArrayList<>();
			for (int i : missing) {
				made.add(pool.submit(() -> {
					double amplitude = noise;
					for (int attempt = 0; attempt < 6; attempt++) {
						long size = photo(files.get(i), PHOTO_WIDTH, PHOTO_HEIGHT, amplitude, 7000 + i);
						if (photoSized(size)) {
							return null;
						}
						amplitude *= Math.pow((LIMIT - 256 * 1024) / (double) size, 1.5);
					}
					throw new IllegalStateException("Could not make " + files.get(i) + " near 10 MB");
				}));
			}
			for (Future<?> photo : made) {
				photo.get();
			}
		}
		finally {
			pool.shutdown();
		}
		return files;
	}

	private static boolean photoSized(long size) {
		return size >= PHOTO_MIN_BYTES && size <= LIMIT - 4096;
	}

	/**
	 * The noise amplitude that makes a full photo about 9.75 MiB, found by bisection on a
	 * tenth of the picture (JPEG's size of noise grows with the area).
	 */
	private static double calibrate(Path dir) throws IOException {
		Path probe = dir.resolve("calibration.jpg");
		int height = PHOTO_HEIGHT / 10;
		double target = (LIMIT - 256 * 1024) * (height / (double) PHOTO_HEIGHT);
		double low = 0;
		double high = 128;
		for (int i = 0; i < 12; i++) {
			double middle = (low + high) / 2;
			long size = photo(probe, PHOTO_WIDTH, height, middle, 1);
			if (size < target) {
				low = middle;
			}
			else {
				high = middle;
			}
		}
		Files.deleteIfExists(probe);
		return (low + high) / 2;
	}

	/**
	 * One photo: slow colour waves across the picture, plus noise of the given amplitude
	 * per pixel and channel.
	 * @return its size in bytes
	 */
	static long photo(Path file, int width, int height, double noise, long seed) throws IOException {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
		SplittableRandom random = new SplittableRandom(seed);
		double phase = random.nextDouble() * Math.PI * 2;
		int[][] columns = new int[3][width];
		int[][] rows = new int[3][height];
		for (int c = 0; c < 3; c++) {
			for (int x = 0; x < width; x++) {
				columns[c][x] = (int) (50 * Math.sin(x / (180.0 + 60 * c) + phase + c));
			}
			for (int y = 0; y < height; y++) {
				rows[c][y] = (int) (50 * Math.cos(y / (140.0 + 50 * c) + phase * c));
			}
		}
		int amplitude = (int) Math.round(noise);
		for (int y = 0; y < height; y++) {
			int offset = y * width;
			for (int x = 0; x < width; x++) {
				int rgb = 0;
				for (int c = 0; c < 3; c++) {
					int value = 128 + columns[c][x] + rows[c][y]
							+ ((amplitude > 0) ? random.nextInt(2 * amplitude + 1) - amplitude : 0);
					rgb = (rgb << 8) | Math.max(0, Math.min(255, value));
				}
				pixels[offset + x] = rgb;
			}
		}
		ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
		try (FileImageOutputStream out = new FileImageOutputStream(file.toFile())) {
			ImageWriteParam param = writer.getDefaultWriteParam();
			param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
			param.setCompressionQuality(PHOTO_QUALITY);
			writer.setOutput(out);
			writer.write(null, new IIOImage(image, null, null), param);
		}
		finally {
			writer.dispose();
		}
		return Files.size(file);
	}

	/**
	 * One round: every visitor uploads one of the files at the same moment, bodies
	 * streamed from disk; the node's memory is sampled meanwhile.
	 * @param kind the round's name
	 * @param node the node
	 * @param visitors the visitors (one upload each)
	 * @param files the files, one per visitor
	 * @param expectedType the type the node must find
	 * @param gcLog the node's collection log ({@link Node#logCollections}); the class
	 * histogram taken in flight is written beside it
	 * @return the figures
	 */
	static Round round(String kind, Node node, List<Visitor> visitors, List<Path> files, String expectedType,
			Path gcLog) throws Exception {
		node.gc();
		LoadGenerator.sleep(Duration.ofSeconds(2));
		long rssBefore = node.rssBytes();
		long liveBefore = (long) node.metric("jvm_memory_used_bytes", "area=\"heap\"");
		long bytes = 0;
		long smallest = Long.MAX_VALUE;
		long largest = 0;
		for (int i = 0; i < visitors.size(); i++) {
			long size = Files.size(files.get(i));
			bytes += size;
			smallest = Math.min(smallest, size);
			largest = Math.max(largest, size);
		}
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))
			.build();
		List<HttpRequest> requests = new ArrayList<>();
		for (int i = 0; i < visitors.size(); i++) {
			Visitor visitor = visitors.get(i);
			Path file = files.get(i);
			requests.add(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + node.port + "/api/v1/visitor/conversations/"
						+ visitor.conversationId() + "/attachments?name="
						+ URLEncoder.encode(kind + " " + file.getFileName(), StandardCharsets.UTF_8)
							.replace("+", "%20")))
				.header("Authorization", "Bearer " + visitor.token())
				.header("Content-Type", "application/octet-stream")
				.timeout(Duration.ofMinutes(10))
				.POST(HttpRequest.BodyPublishers.ofFile(file))
				.build());
		}
		List<HttpResponse<String>> answers = new ArrayList<>();
		List<Double> latencies = new ArrayList<>();
		long started;
		long ended;
		List<Double> probes = java.util.Collections.synchronizedList(new ArrayList<>());
		java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean(true);
		try (Sampler sampler = new Sampler(node)) {
			sampler.awaitFirst();
			Thread prober = Thread.ofPlatform().daemon().name("upload-probe").start(() -> {
				// A client of its own: the uploads' client is busy sending.
				HttpClient probe = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
				HttpRequest health = HttpRequest
					.newBuilder(URI.create("http://127.0.0.1:" + node.port + "/actuator/health/liveness"))
					.timeout(Duration.ofMinutes(5))
					.build();
				while (probing.get()) {
					long at = System.nanoTime();
					try {
						probe.send(health, HttpResponse.BodyHandlers.discarding());
						probes.add((System.nanoTime() - at) / 1e6);
					}
					catch (IOException | InterruptedException ex) {
						return;
					}
					long left = 200 - (System.nanoTime() - at) / 1_000_000;
					if (left > 0) {
						LoadGenerator.sleep(Duration.ofMillis(left));
					}
				}
				probe.close();
			});
			long heapBefore = sampler.lastHeap();
			long from = System.currentTimeMillis();
			started = System.nanoTime();
			List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
			double[] each = new double[requests.size()];
			for (int i = 0; i < requests.size(); i++) {
				int index = i;
				long at = System.nanoTime();
				sent.add(http.sendAsync(requests.get(i), HttpResponse.BodyHandlers.ofString())
					.whenComplete((answer, failure) -> each[index] = (System.nanoTime() - at) / 1e6));
			}
			// What the node holds while files arrive: 2 s in (bodies arriving) and when
			// the first answer comes (the others stored or decoded meanwhile). Each
			// snapshot is a full GC, which pauses them all.
			CompletableFuture<Object> first = CompletableFuture.anyOf(sent.toArray(CompletableFuture[]::new))
				.exceptionally((failure) -> null);
			List<Snapshot> snapshots = new ArrayList<>();
			try {
				first.get(Math.max(1, 2_000_000_000L - (System.nanoTime() - started)), TimeUnit.NANOSECONDS);
			}
			catch (java.util.concurrent.TimeoutException arriving) {
				snapshots.add(snapshot(node, gcLog, kind + "-2s", sent, started));
			}
			first.join();
			if (snapshots.isEmpty() || (System.nanoTime() - started) / 1e9 - snapshots.get(0).atSeconds() > 1) {
				snapshots.add(snapshot(node, gcLog, kind + "-first-answer", sent, started));
			}
			Map<Integer, Integer> statuses = new TreeMap<>();
			List<String> problems = new ArrayList<>();
			long served = 0;
			for (CompletableFuture<HttpResponse<String>> future : sent) {
				try {
					HttpResponse<String> answer = future.join();
					answers.add(answer);
					statuses.merge(answer.statusCode(), 1, Integer::sum);
					if (answer.statusCode() == 201) {
						JsonNode attachment = Api.JSON.readTree(answer.body());
						served += attachment.path("size").asLong();
						if (!attachment.path("type").asString().equals(expectedType) && problems.size() < 5) {
							problems.add("201 " + answer.body());
						}
					}
					else if (problems.size() < 5) {
						problems.add(answer.statusCode() + " " + answer.body());
					}
				}
				catch (java.util.concurrent.CompletionException ex) {
					statuses.merge(0, 1, Integer::sum);
					if (problems.size() < 5) {
						problems.add("no answer: " + ex.getCause());
					}
				}
			}
			ended = System.nanoTime();
			long to = System.currentTimeMillis();
			probing.set(false);
			prober.join();
			List<Double> probeLatencies = new ArrayList<>(probes);
			probeLatencies.sort(null);
			for (double latency : each) {
				latencies.add(latency);
			}
			latencies.sort(null);
			Bench.log("Uploads, " + kind + ": answers at "
					+ latencies.stream()
						.map((latency) -> String.valueOf(Math.round(latency / 100) / 10.0))
						.collect(java.util.stream.Collectors.joining(" "))
					+ " s");
			long heapAfterRound = sampler.lastHeap();
			Sampler.Peaks peaks = sampler.peaks();
			http.close();
			// The collection log is written as the node collects; give it a moment.
			LoadGenerator.sleep(Duration.ofMillis(500));
			long afterGcPeak = 0;
			int collections = 0;
			int full = 0;
			int humongous = 0;
			int evacuationFailures = 0;
			if (Files.exists(gcLog)) {
				for (String line : Files.readAllLines(gcLog)) {
					Matcher pause = PAUSE.matcher(line);
					if (!pause.find()) {
						continue;
					}
					long at = Long.parseLong(pause.group(1));
					if (at < from || at > to) {
						continue;
					}
					afterGcPeak = Math.max(afterGcPeak, Long.parseLong(pause.group(5)) * 1048576);
					switch (pause.group(2)) {
						case "Young" -> collections++;
						case "Full" -> full++;
						default -> {
						}
					}
					if (pause.group(3).contains("Humongous")) {
						humongous++;
					}
					if (line.contains("Evacuation Failure")) {
						evacuationFailures++;
					}
				}
			}
			node.gc();
			LoadGenerator.sleep(Duration.ofSeconds(1));
			long liveAfter = (long) node.metric("jvm_memory_used_bytes", "area=\"heap\"");
			long rssAfter = node.rssBytes();
			Round round = new Round(kind, visitors.size(), bytes, smallest, largest, (ended - started) / 1e9, latencies,
					statuses, problems, served, rssBefore, Math.max(peaks.rss(), rssBefore), rssAfter, heapBefore,
					Math.max(peaks.heap(), heapAfterRound), afterGcPeak, heapAfterRound, liveAfter, peaks.samples(),
					collections, full, humongous, evacuationFailures, liveBefore, snapshots, probeLatencies);
			Bench.log("Uploads, " + round.line());
			problems.forEach((problem) -> Bench.log("  " + problem));
			return round;
		}
	}

	/**
	 * The node's live heap now, with a class histogram written beside the collection log.
	 */
	private static Snapshot snapshot(Node node, Path gcLog, String label,
			List<CompletableFuture<HttpResponse<String>>> sent, long started) throws IOException {
		int unanswered = (int) sent.stream().filter((future) -> !future.isDone()).count();
		double at = (System.nanoTime() - started) / 1e9;
		Path histogram = gcLog.resolveSibling(node.name + "-uploads-" + label + "-histogram.txt");
		node.histogram(histogram);
		return Snapshot.read(histogram, at, unanswered);
	}

	/**
	 * Samples a JVM every 100 ms while open: its heap with {@code jstat -gc} (which reads
	 * the JVM's shared performance counters, so the node does no work for it) and its RSS
	 * from {@code /proc}.
	 */
	static final class Sampler implements AutoCloseable {

		record Peaks(long heap, long rss, int samples) {
		}

		private final Node node;

		private final Process jstat;

		private final Thread reader;

		private final Thread rss;

		private final AtomicLong lastHeap = new AtomicLong(-1);

		private final AtomicLong peakHeap = new AtomicLong();

		private final AtomicLong peakRss = new AtomicLong();

		private final AtomicLong heapSamples = new AtomicLong();

		private volatile boolean counting;

		private volatile boolean open = true;

		Sampler(Node node) throws IOException {
			this.node = node;
			Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
			this.jstat = new ProcessBuilder(jstat.toString(), "-gc", String.valueOf(node.pid()), "100")
				.redirectErrorStream(true)
				.start();
			this.reader = Thread.ofPlatform().daemon().name("jstat").start(this::read);
			this.rss = Thread.ofPlatform().daemon().name("rss").start(() -> {
				while (this.open) {
					if (this.counting) {
						this.peakRss.accumulateAndGet(this.node.rssBytes(), Math::max);
					}
					LoadGenerator.sleep(Duration.ofMillis(100));
				}
			});
		}

		private void read() {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(this.jstat.getInputStream(), StandardCharsets.US_ASCII))) {
				List<String> header = null;
				String line;
				while ((line = lines.readLine()) != null) {
					String[] fields = line.trim().split("\\s+");
					if (fields.length > 0 && fields[0].equals("S0C")) {
						header = List.of(fields);
						continue;
					}
					if (header == null || fields.length != header.size()) {
						continue;
					}
					double kib = 0;
					for (String used : List.of("S0U", "S1U", "EU", "OU")) {
						kib += Double.parseDouble(fields[header.indexOf(used)]);
					}
					long heap = (long) (kib * 1024);
					this.lastHeap.set(heap);
					if (this.counting) {
						this.peakHeap.accumulateAndGet(heap, Math::max);
						this.heapSamples.incrementAndGet();
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				// jstat ended
			}
		}

		/** Waits for jstat's first sample, then starts counting peaks. */
		void awaitFirst() {
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (this.lastHeap.get() < 0) {
				if (System.nanoTime() > deadline || !this.jstat.isAlive()) {
					throw new IllegalStateException("jstat gave no sample for " + this.node.name);
				}
				LoadGenerator.sleep(Duration.ofMillis(20));
			}
			this.counting = true;
		}

		long lastHeap() {
			return this.lastHeap.get();
		}

		Peaks peaks() {
			this.counting = false;
			return new Peaks(this.peakHeap.get(), this.peakRss.get(), (int) this.heapSamples.get());
		}

		@Override
		public void close() {
			this.open = false;
			this.counting = false;
			this.jstat.destroy();
			try {
				this.reader.join(5000);
				this.rss.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	/**
	 * Runs both rounds on one node: visitors set up, files made (or found), documents
	 * then photos.
	 * @param porchlight the system (its first port is the node)
	 * @param node the node
	 * @param count visitors, and uploads per round
	 * @param files where the files are kept between runs
	 * @param work the run's work directory (the collection log)
	 * @return the two rounds
	 */
	static List<Round> run(ChatSystem.Porchlight porchlight, Node node, int count, Path files, Path work)
			throws Exception {
		List<Path> documents = documents(files, count);
		List<Path> photos = photos(files, count);
		Bench.log("Uploads: " + count + " visitors, each with a conversation");
		List<Visitor> visitors = visitors(porchlight, count);
		Path gcLog = work.resolve(node.name + "-uploads-gc.log");
		node.logCollections(gcLog);
		// The widget pings; a socket silent for the node's idle timeout is closed.
		Thread pinger = Thread.ofPlatform().daemon().name("upload-visitors-ping").start(() -> {
			try {
				while (true) {
					Thread.sleep(Duration.ofSeconds(20));
					visitors.forEach((visitor) -> visitor.conn().send(porchlight.pingFrame()));
				}
			}
			catch (InterruptedException ex) {
				// the rounds are over
			}
		});
		try {
			// One upload first, so the first round does not measure the upload path's
			// first use (class loading, the JIT).
			warmUp(node, visitors.get(0), documents.get(0));
			List<Round> rounds = new ArrayList<>();
			rounds.add(round("documents", node, visitors, documents, "application/pdf", gcLog));
			rounds.add(round("photos", node, visitors, photos, "image/jpeg", gcLog));
			node.histogram(work.resolve(node.name + "-uploads-histogram.txt"));
			return rounds;
		}
		finally {
			pinger.interrupt();
			visitors.forEach((visitor) -> visitor.conn().close());
		}
	}

	private static void warmUp(Node node, Visitor visitor, Path file) throws Exception {
		try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
			HttpResponse<String> answer = http.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + node.port + "/api/v1/visitor/conversations/"
						+ visitor.conversationId() + "/attachments?name=warm-up.pdf"))
				.header("Authorization", "Bearer " + visitor.token())
				.timeout(Duration.ofMinutes(2))
				.POST(HttpRequest.BodyPublishers.ofFile(file))
				.build(), HttpResponse.BodyHandlers.ofString());
			if (answer.statusCode() != 201) {
				throw new IllegalStateException("Upload: " + answer.statusCode() + " " + answer.body());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
