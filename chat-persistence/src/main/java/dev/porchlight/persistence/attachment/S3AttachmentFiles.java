package dev.porchlight.persistence.attachment;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.porchlight.domain.attachment.AttachmentFiles;
import dev.porchlight.domain.attachment.Variant;
import dev.porchlight.domain.common.ConfigurationProblem;
import dev.porchlight.domain.conversation.AttachmentId;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Repository;

/**
 * The bytes of attachments in an S3 bucket, or in the bucket of an S3-compatible server
 * ({@code porchlight.attachments.s3.*}): each variant is one object,
 * {@code attachments/<id>/<variant letter>}. A put is atomic, so a reader sees a whole
 * object or none, and an upload that breaks off leaves nothing; bodies are streamed both
 * ways, never held whole in memory. The client is closed with the application.
 */
@Repository
@ConditionalOnProperty(name = "porchlight.attachments.store", havingValue = "s3")
class S3AttachmentFiles implements AttachmentFiles, AutoCloseable {

	/** Keys one DeleteObjects request may name. */
	static final int DELETE_BATCH = 1000;

	private final S3Client client;

	private final String bucket;

	@Autowired
	S3AttachmentFiles(@Value("${porchlight.attachments.s3.bucket:}") String bucket,
			@Value("${porchlight.attachments.s3.endpoint:}") String endpoint,
			@Value("${porchlight.attachments.s3.region:us-east-1}") String region,
			@Value("${porchlight.attachments.s3.path-style:false}") boolean pathStyle,
			@Value("${porchlight.attachments.s3.access-key:}") String accessKey,
			@Value("${porchlight.attachments.s3.secret-key:}") String secretKey) {
		this(client(endpoint, region, pathStyle, credentials(accessKey, secretKey)), bucket);
	}

	S3AttachmentFiles(S3Client client, String bucket) {
		if (bucket.isBlank()) {
			client.close();
			throw new ConfigurationProblem(
					"porchlight.attachments.s3.bucket must be set when porchlight.attachments.store is s3",
					"Set porchlight.attachments.s3.bucket to the bucket's name, or choose another "
							+ "porchlight.attachments.store (postgres, filesystem).");
		}
		this.client = client;
		this.bucket = bucket;
	}

	private static S3Client client(String endpoint, String region, boolean pathStyle,
			AwsCredentialsProvider credentials) {
		S3ClientBuilder builder = S3Client.builder()
			.httpClientBuilder(Apache5HttpClient.builder())
			.region(Region.of(region))
			.forcePathStyle(pathStyle)
			.credentialsProvider(credentials);
		if (!endpoint.isBlank()) {
			builder.endpointOverride(URI.create(endpoint));
		}
		return builder.build();
	}

	private static AwsCredentialsProvider credentials(String accessKey, String secretKey) {
		if (accessKey.isBlank() != secretKey.isBlank()) {
			throw new ConfigurationProblem(
					"porchlight.attachments.s3.access-key and secret-key are set together or not at all",
					"Set both porchlight.attachments.s3.access-key and secret-key, or neither to use the "
							+ "environment's credentials.");
		}
		if (accessKey.isBlank()) {
			return DefaultCredentialsProvider.builder().build();
		}
		return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * One PutObject of exactly {@code size} bytes, streamed from the content. The content
	 * is checked as it is sent: when it ends early, fails, or has a byte more, the upload
	 * breaks off before its last byte and the server keeps nothing (an object that was
	 * there stays as it was).
	 */
	@Override
	public long write(AttachmentId id, Variant variant, InputStream content, long size) throws IOException {
		if (size < 0) {
			throw new IOException("a size cannot be negative: " + size);
		}
		if (size == 0 && content.read() != -1) {
			throw new IOException("the content had more than 0 bytes");
		}
		ExactLength body = new ExactLength(content, size);
		try {
			this.client.putObject((put) -> put.bucket(this.bucket).key(key(id, variant)).contentLength(size),
					RequestBody.fromInputStream(body, size));
		}
		catch (SdkException | UncheckedIOException | IllegalStateException ex) {
			// The SDK retries, and a retry of a stream that cannot be reset fails on its
			// own: what broke first is what the caller needs to hear.
			IOException broke = body.failure;
			if (broke != null) {
				broke.addSuppressed(ex);
				throw broke;
			}
			throw new IOException("the file could not be stored in S3: " + ex.getMessage(), ex);
		}
		return size;
	}

	@Override
	public Optional<Content> open(AttachmentId id, Variant variant) throws IOException {
		ResponseInputStream<GetObjectResponse> stream;
		try {
			stream = this.client.getObject((get) -> get.bucket(this.bucket).key(key(id, variant)));
		}
		catch (NoSuchKeyException ex) {
			return Optional.empty();
		}
		catch (SdkException ex) {
			throw new IOException("the file could not be read from S3: " + ex.getMessage(), ex);
		}
		Long size = stream.response().contentLength();
		if (size == null) {
			stream.abort();
			throw new IOException("S3 did not say how long the file is");
		}
		return Optional.of(new Content(size, stream));
	}

	@Override
	public void delete(Collection<AttachmentId> ids) {
		List<ObjectIdentifier> keys = ids.stream()
			.flatMap((id) -> Arrays.stream(Variant.values())
				.map((variant) -> ObjectIdentifier.builder().key(key(id, variant)).build()))
			.toList();
		for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
			List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH));
			DeleteObjectsResponse response;
			try {
				response = this.client
					.deleteObjects((delete) -> delete.bucket(this.bucket).delete((d) -> d.objects(batch).quiet(true)));
			}
			catch (SdkException ex) {
				throw new UncheckedIOException(
						new IOException("attachment files could not be deleted from S3: " + ex.getMessage(), ex));
			}
			if (response.hasErrors() && !response.errors().isEmpty()) {
				throw new UncheckedIOException(new IOException(response.errors().size()
						+ " attachment files could not be deleted from S3, the first: " + response.errors().get(0)));
			}
		}
	}

	@Override
	public void close() {
		this.client.close();
	}

	static String key(AttachmentId id, Variant variant) {
		return "attachments/" + id + "/" + variant.code();
	}

	/**
	 * The content as sent: exactly {@code size} bytes, or an IOException before the last
	 * of them leaves, so that a body that is not what was announced never becomes an
	 * object. Resettable when the content is (the SDK resends from a mark on a retry).
	 */
	private static final class ExactLength extends FilterInputStream {

		private final long size;

		private long sent;

		private long marked;

		/** The first failure of the content, if any. */
		@Nullable IOException failure;

		ExactLength(InputStream content, long size) {
			super(content);
			this.size = size;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			int n = read(one, 0, 1);
			return (n == -1) ? -1 : (one[0] & 0xff);
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			try {
				return checkedRead(buffer, offset, length);
			}
			catch (IOException ex) {
				if (this.failure == null) {
					this.failure = ex;
				}
				throw ex;
			}
		}

		private int checkedRead(byte[] buffer, int offset, int length) throws IOException {
			long left = this.size - this.sent;
			if (left == 0) {
				return -1;
			}
			if (length == 0) {
				return 0;
			}
			int n = this.in.read(buffer, offset, (int) Math.min(length, left));
			if (n == -1) {
				throw new IOException("the content had " + this.sent + " bytes, not " + this.size);
			}
			this.sent += n;
			if (this.sent == this.size && this.in.read() != -1) {
				// Checked before the last bytes go, so the server never gets a whole
				// body.
				throw new IOException("the content had more than " + this.size + " bytes");
			}
			return n;
		}

		@Override
		public long skip(long n) throws IOException {
			// Read, so that skipped bytes are counted and checked too.
			long skipped = 0;
			byte[] buffer = new byte[8192];
			while (skipped < n) {
				int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
				if (read == -1) {
					break;
				}
				skipped += read;
			}
			return skipped;
		}

		@Override
		public int available() throws IOException {
			return (int) Math.min(this.in.available(), this.size - this.sent);
		}

		@Override
		public synchronized void mark(int readLimit) {
			this.in.mark(readLimit);
			this.marked = this.sent;
		}

		@Override
		public synchronized void reset() throws IOException {
			this.in.reset();
			this.sent = this.marked;
		}

		@Override
		public void close() {
			// The caller's stream: the caller closes it.
		}

	}

}
