package dev.porchlight.persistence.attachment;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.porchlight.domain.attachment.AttachmentFiles;
import dev.porchlight.domain.attachment.Variant;
import dev.porchlight.domain.conversation.AttachmentId;
import dev.porchlight.persistence.testing.FreePorts;
import dev.porchlight.persistence.testing.ProcessLogs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static dev.porchlight.persistence.attachment.StoreChecks.failingAfter;
import static dev.porchlight.persistence.attachment.StoreChecks.random;
import static dev.porchlight.persistence.attachment.StoreChecks.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The s3 store against a real S3-compatible server: Adobe's S3Mock, the runnable jar the
 * build copies to {@code target/s3mock} (generate-test-resources), started as a process
 * of its own on free ports and stopped at the end. The same checks as the other stores
 * (AttachmentStoresIntegrationTests), plus what only an object store can get wrong.
 */
class S3AttachmentFilesIntegrationTests {

	private static final String BUCKET = "porchlight-attachments";

	private static final Path JAR = Path.of("target", "s3mock", "s3mock.jar");

	/** Far above S3Mock's start on a busy machine (about 10 s idle, 30 s loaded). */
	private static final Duration START = Duration.ofSeconds(90);

	@TempDir
	static Path work;

	private static Process server;

	private static AutoCloseable logRegistration;

	private static String endpoint;

	private static S3Client inspector;

	private static S3AttachmentFiles store;

	@BeforeAll
	static void startS3Mock() throws Exception {
		assertThat(JAR).as("S3Mock's jar (copied by mvn generate-test-resources)").isRegularFile();
		int port = FreePorts.next();
		endpoint = "http://127.0.0.1:" + port;
		Path log = work.resolve("s3mock.log");
		String java = ProcessHandle.current()
			.info()
			.command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		long started = System.nanoTime();
		server = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-jar",
				JAR.toAbsolutePath().toString(), "--server.address=127.0.0.1", "--http.port=" + port, "--server.port=0",
				"--com.adobe.testing.s3mock.store.initial-buckets=" + BUCKET,
				"--com.adobe.testing.s3mock.store.root=" + work.resolve("store"),
				"--com.adobe.testing.s3mock.store.retain-files-on-exit=false")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		logRegistration = ProcessLogs.register("S3Mock", () -> {
			try {
				return Files.readString(log);
			}
			catch (IOException ex) {
				return "(no log: " + ex + ")";
			}
		});
		inspector = S3Client.builder()
			.endpointOverride(URI.create(endpoint))
			.region(Region.US_EAST_1)
			.forcePathStyle(true)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
			.build();
		awaitBucket(log, started);
		store = new S3AttachmentFiles(BUCKET, endpoint, "us-east-1", true, "test", "test");
	}

	private static void awaitBucket(Path log, long started) throws Exception {
		long deadline = started + START.toNanos();
		while (true) {
			if (!server.isAlive()) {
				throw new AssertionError("S3Mock ended (" + server.exitValue() + "):\n" + Files.readString(log));
			}
			if (System.nanoTime() > deadline) {
				throw new AssertionError("S3Mock did not answer within " + START + ":\n" + Files.readString(log));
			}
			if (listening(URI.create(endpoint).getPort())) {
				try {
					inspector.headBucket((head) -> head.bucket(BUCKET));
					System.out.printf("S3Mock answered after %d ms%n",
							TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
					return;
				}
				catch (SdkException ex) {
					// Up, not ready yet.
				}
			}
			Thread.sleep(200);
		}
	}

	@AfterAll
	static void stopS3Mock() throws Exception {
		try {
			if (store != null) {
				store.close();
			}
			if (inspector != null) {
				inspector.close();
			}
		}
		finally {
			if (server != null) {
				server.destroy();
				if (!server.waitFor(20, TimeUnit.SECONDS)) {
					server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
			if (logRegistration != null) {
				logRegistration.close();
			}
		}
	}

	@Test
	void keepsEveryVariantByteForByte() throws IOException {
		AttachmentId broken = StoreChecks.keepsEveryVariant(store);
		assertThat(objects("attachments/" + broken + "/")).isEmpty();
		assertThat(objects("attachments/")).as("nothing left behind").isEmpty();
	}

	@Test
	void streamsWhatCannotBeReadTwiceAndKeepsTheOldObjectWhenAnUploadBreaksOff() throws IOException {
		// As uploads hand it over: a file's stream, which cannot be reset.
		AttachmentId id = AttachmentId.random();
		byte[] file = random(PostgresAttachmentFiles.CHUNK * 3 + 17, 4);
		Path path = work.resolve("upload");
		Files.write(path, file);
		try (InputStream in = Files.newInputStream(path)) {
			assertThat(store.write(id, Variant.FILE, in, file.length)).isEqualTo(file.length);
		}
		assertThat(read(store, id, Variant.FILE)).contains(file);
		assertThat(objects("attachments/" + id + "/")).containsExactly(S3AttachmentFiles.key(id, Variant.FILE));
		// A put is atomic: one that breaks off, or has a byte too many, leaves the
		// object that was there.
		// The caller hears what broke, not the SDK's retry that could not resend.
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> store.write(id, Variant.FILE,
				failingAfter(PostgresAttachmentFiles.CHUNK + 10), PostgresAttachmentFiles.CHUNK * 2))
			.withMessage("the upload broke off");
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> store.write(id, Variant.FILE, new ByteArrayInputStream(file), file.length - 1))
			.withMessageContaining("more than");
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> store.write(id, Variant.FILE, new ByteArrayInputStream(file), 0))
			.withMessageContaining("more than");
		assertThat(read(store, id, Variant.FILE)).contains(file);
		store.delete(List.of(id));
		assertThat(objects("attachments/" + id + "/")).isEmpty();
	}

	@Test
	void deletesInBatchesOfAThousandKeys() throws IOException {
		// 334 files, 1002 keys: two requests.
		List<AttachmentId> ids = new ArrayList<>();
		for (int i = 0; i < 334; i++) {
			ids.add(AttachmentId.random());
		}
		byte[] bytes = random(10, 5);
		for (AttachmentId id : List.of(ids.get(0), ids.get(333))) {
			store.write(id, Variant.ORIGINAL, new ByteArrayInputStream(bytes), bytes.length);
		}
		store.delete(ids);
		assertThat(read(store, ids.get(0), Variant.ORIGINAL)).isEmpty();
		assertThat(read(store, ids.get(333), Variant.ORIGINAL)).isEmpty();
		store.delete(List.of());
	}

	@Test
	void aMissingBucketIsAnIOExceptionNotAnEmptyFile() {
		try (S3AttachmentFiles elsewhere = new S3AttachmentFiles("no-such-bucket", endpoint, "us-east-1", true, "test",
				"test")) {
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> elsewhere.write(AttachmentId.random(),
					Variant.FILE, new ByteArrayInputStream(new byte[3]), 3));
			assertThatExceptionOfType(IOException.class)
				.isThrownBy(() -> elsewhere.open(AttachmentId.random(), Variant.FILE));
		}
	}

	@Test
	void isTheStoreWhenTheSettingsSaySo() {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withBean(JdbcClient.class, () -> JdbcClient.create(new SimpleDriverDataSource()))
			.withUserConfiguration(PostgresAttachmentFiles.class, DirectoryAttachmentFiles.class,
					S3AttachmentFiles.class);
		runner
			.withPropertyValues("porchlight.attachments.store=s3", "porchlight.attachments.s3.bucket=" + BUCKET,
					"porchlight.attachments.s3.endpoint=" + endpoint, "porchlight.attachments.s3.path-style=true",
					"porchlight.attachments.s3.access-key=test", "porchlight.attachments.s3.secret-key=test")
			.run((context) -> {
				assertThat(context).hasSingleBean(AttachmentFiles.class).hasSingleBean(S3AttachmentFiles.class);
				AttachmentFiles files = context.getBean(AttachmentFiles.class);
				AttachmentId id = AttachmentId.random();
				files.write(id, Variant.THUMBNAIL, new ByteArrayInputStream(new byte[] { 1, 2 }), 2);
				assertThat(read(files, id, Variant.THUMBNAIL)).contains(new byte[] { 1, 2 });
				files.delete(List.of(id));
			});
		runner.withPropertyValues("porchlight.attachments.store=s3")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("porchlight.attachments.s3.bucket"));
		runner.run((context) -> assertThat(context).hasSingleBean(AttachmentFiles.class)
			.hasSingleBean(PostgresAttachmentFiles.class));
	}

	private static List<String> objects(String prefix) {
		return inspector.listObjectsV2Paginator((list) -> list.bucket(BUCKET).prefix(prefix))
			.contents()
			.stream()
			.map((object) -> object.key())
			.toList();
	}

	private static boolean listening(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
