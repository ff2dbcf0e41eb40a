package dev.porchlight.api.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delivery property, checked on randomly generated scenarios: several senders
 * (visitor and staff sockets, some retrying with the same client id) write concurrently
 * while several subscribers disconnect at random moments and resume after the last
 * sequence they saw. For every scenario, every subscriber must have seen every
 * acknowledged message exactly once, in sequence order, and each sequence must carry the
 * message that was acknowledged with it.
 *
 * <p>
 * Scenarios come from a fixed set of seeds, so every run checks the same scenarios and a
 * failure can be replayed: each scenario prints its seed, a failure names it, and
 * {@code -Dporchlight.delivery.seed=N} runs that seed alone. To explore further,
 * {@code -Dporchlight.delivery.explore=K} adds K random seeds (printed as well).
 */
@PorchlightTest(properties = { "porchlight.live.visitor-messages=100000", "porchlight.live.staff-messages=100000",
		"porchlight.live.site-messages=100000" })
class DeliveryPropertyIntegrationTests {

	static final String APP = "https://chat.porchlight.example";

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	/** Runs one scenario alone: the seed a failure names. */
	static final String SEED = "porchlight.delivery.seed";

	/** Adds this many random scenarios to the fixed ones. */
	static final String EXPLORE = "porchlight.delivery.explore";

	/**
	 * How long a subscriber may go without a new event once every message is
	 * acknowledged, reconnects included, before it counts as stuck.
	 */
	static final Duration STUCK_AFTER = Duration.ofSeconds(15);

	/** The longest one subscriber may take over its whole scenario. */
	static final Duration SUBSCRIBER_DEADLINE = Duration.ofSeconds(90);

	static Stream<Long> seeds() {
		Long replay = Long.getLong(SEED);
		if (replay != null) {
			return Stream.of(replay);
		}
		Random explore = new Random();
		return Stream.concat(Stream.of(1L, 7L, 42L, 1337L, 20261123L, 86L),
				Stream.generate(explore::nextLong).limit(Integer.getInteger(EXPLORE, 0)));
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void everySubscriberSeesEveryAcknowledgedMessageOnceInOrder(long seed) throws Exception {
		System.out.printf("Delivery property: scenario of seed %d (replay it with -D%s=%d)%n", seed, SEED, seed);
		Random random = new Random(seed);
		Site site = Site.create("Shop " + seed, List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(site);
		String visitorToken = ApiClient.visitorToken(this.port, APP, site.key().value());
		String staffCookie = staffCookie();
		LiveClient opener = LiveClient.visitor(this.port, APP, visitorToken);
		String conversation = LiveProtocolIntegrationTests.start(opener);
		opener.close();

		int senders = 2 + random.nextInt(3);
		int subscribers = 2 + random.nextInt(3);
		Map<Long, String> acked = new ConcurrentHashMap<>();
		List<Map<String, Object>> plan = new ArrayList<>();
		ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
		try {
			List<Subscriber> watching = new ArrayList<>();
			for (int i = 0; i < subscribers; i++) {
				boolean staff = random.nextBoolean();
				watching.add(new Subscriber(
						staff ? () -> LiveClient.staff(this.port, APP, staffCookie)
								: () -> LiveClient.visitor(this.port, APP, visitorToken),
						conversation, new Random(random.nextLong())));
			}
			List<Future<Void>> watchers = watching.stream().map((subscriber) -> pool.submit(subscriber::run)).toList();
			List<Future<?>> writers = new ArrayList<>();
			for (int s = 0; s < senders; s++) {
				boolean staff = random.nextBoolean();
				int messages = 10 + random.nextInt(25);
				Random senderRandom = new Random(random.nextLong());
				String name = "s" + s;
				plan.add(Map.of("sender", name, "staff", staff, "messages", messages));
				writers.add(pool.submit(() -> {
					try (LiveClient socket = staff ? LiveClient.staff(this.port, APP, staffCookie)
							: LiveClient.visitor(this.port, APP, visitorToken)) {
						socket.next("welcome");
						for (int m = 0; m < messages; m++) {
							String clientId = name + "-" + m;
							String body = "seed " + seed + " " + clientId;
							int attempts = senderRandom.nextInt(4) == 0 ? 2 : 1;
							for (int a = 0; a < attempts; a++) {
								socket.send(LiveProtocolIntegrationTests.send(conversation, clientId, body));
								JsonNode ack = socket.next("ack");
								String previous = acked.putIfAbsent(ack.path("seq").asLong(), body);
								assertThat(previous).as("seq reused for another message").isIn(null, body);
							}
						}
					}
					return null;
				}));
			}
			for (Future<?> writer : writers) {
				writer.get(60, TimeUnit.SECONDS);
			}
			long total = acked.size();
			watching.forEach((subscriber) -> subscriber.expect(total));
			for (Future<Void> watcher : watchers) {
				watcher.get(60, TimeUnit.SECONDS);
			}
			List<Long> all = LongStream.rangeClosed(1, total).boxed().toList();
			assertThat(acked.keySet()).as("seed %d, plan %s: acks form a gapless sequence", seed, plan)
				.containsExactlyInAnyOrderElementsOf(all);
			for (Subscriber subscriber : watching) {
				assertThat(subscriber.seen).as("seed %d, plan %s, %s", seed, plan, subscriber)
					.containsExactlyElementsOf(all);
				subscriber.bodies.forEach(
						(seq, body) -> assertThat(body).as("seed %d, seq %d", seed, seq).isEqualTo(acked.get(seq)));
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	private String staffCookie() {
		ApiClient owner = new ApiClient(this.port);
		owner.signIn("owner@shop.example", "owner password 123");
		return owner.cookie("PORCHLIGHT_SESSION").orElseThrow();
	}

	/**
	 * A subscriber that drops its connection at random points and resumes each time after
	 * the last sequence it saw, recording everything it was shown.
	 */
	static final class Subscriber {

		final List<Long> seen = Collections.synchronizedList(new ArrayList<>());

		final Map<Long, String> bodies = new HashMap<>();

		private final java.util.function.Supplier<LiveClient> connect;

		private final String conversation;

		private final Random random;

		private volatile long expected = Long.MAX_VALUE;

		private int reconnects;

		Subscriber(java.util.function.Supplier<LiveClient> connect, String conversation, Random random) {
			this.connect = connect;
			this.conversation = conversation;
			this.random = random;
		}

		void expect(long total) {
			this.expected = total;
		}

		Void run() {
			long last = 0;
			long giveUp = System.nanoTime() + SUBSCRIBER_DEADLINE.toNanos();
			long progressedAt = System.nanoTime();
			while (last < this.expected) {
				if (System.nanoTime() - giveUp > 0) {
					throw new AssertionError(
							"saw seq " + last + " of " + this.expected + " within " + SUBSCRIBER_DEADLINE);
				}
				try (LiveClient socket = this.connect.get()) {
					socket.next("welcome");
					socket.send(Map.of("type", "subscribe", "conversationId", this.conversation, "afterSeq", last));
					int dropAfter = 1 + this.random.nextInt(15);
					int received = 0;
					while (last < this.expected && (received < dropAfter || this.reconnects >= 6)) {
						JsonNode frame;
						try {
							frame = socket.next(
									(node) -> node.path("type").asString().equals("event")
											|| node.path("type").asString().equals("synced"),
									"an event", Duration.ofMillis(500));
						}
						catch (AssertionError quiet) {
							if (last >= this.expected) {
								break;
							}
							// Half a second without an event. While the writers write, or
							// until STUCK_AFTER has passed since the last event (a busy
							// machine), keep waiting; the overall deadline still holds.
							boolean writing = this.expected == Long.MAX_VALUE;
							if (System.nanoTime() - giveUp > 0
									|| (!writing && System.nanoTime() - progressedAt > STUCK_AFTER.toNanos())) {
								throw new AssertionError("stuck after seq " + last + " of " + this.expected, quiet);
							}
							if (writing) {
								// Only time after the last message was acknowledged
								// counts.
								progressedAt = System.nanoTime();
							}
							continue;
						}
						if (frame.path("type").asString().equals("synced")) {
							continue;
						}
						long seq = frame.path("seq").asLong();
						this.seen.add(seq);
						this.bodies.put(seq, frame.path("message").path("body").asString());
						last = seq;
						received++;
						progressedAt = System.nanoTime();
					}
					this.reconnects++;
				}
				catch (AssertionError ex) {
					// Nothing arrived for a while: the writers may be done; the loop
					// condition decides.
					if (this.expected == Long.MAX_VALUE) {
						continue;
					}
					throw ex;
				}
			}
			return null;
		}

		@Override
		public String toString() {
			return "subscriber with " + this.reconnects + " reconnects";
		}

	}

}
