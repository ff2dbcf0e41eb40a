package dev.porchlight.api.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.attachment.AttachmentFiles;
import dev.porchlight.domain.attachment.Attachments;
import dev.porchlight.domain.attachment.Variant;
import dev.porchlight.domain.conversation.Attachment;
import dev.porchlight.domain.conversation.AttachmentId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.ratelimit.RateLimit;
import dev.porchlight.domain.ratelimit.RateLimiter;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Takes an upload in: counted against its uploader's hourly allowance, streamed to a
 * temporary file with the size limit enforced while reading, checked and re-encoded
 * ({@link AttachmentProcessor}), stored a chunk at a time, then recorded. Whatever fails
 * leaves nothing behind; nothing is held whole in memory.
 */
@Component
class Uploads {

	private static final Logger log = LoggerFactory.getLogger(Uploads.class);

	private final Attachments attachments;

	private final AttachmentFiles files;

	private final AttachmentProcessor processor;

	private final AttachmentLinks links;

	private final RateLimiter limiter;

	private final RateLimit visitorUploads;

	private final RateLimit staffUploads;

	private final RateLimit siteUploads;

	private final long maxBytes;

	private final Clock clock = Clock.systemUTC();

	Uploads(Attachments attachments, AttachmentFiles files, AttachmentProcessor processor, AttachmentLinks links,
			RateLimiter limiter, AttachmentProperties properties) {
		this.attachments = attachments;
		this.files = files;
		this.processor = processor;
		this.links = links;
		this.limiter = limiter;
		this.visitorUploads = new RateLimit("attachments.uploads.visitor", properties.visitorUploadsPerHour(),
				Duration.ofHours(1));
		this.staffUploads = new RateLimit("attachments.uploads.staff", properties.staffUploadsPerHour(),
				Duration.ofHours(1));
		this.siteUploads = new RateLimit("attachments.uploads.site", properties.siteUploadsPerHour(),
				Duration.ofHours(1));
		this.maxBytes = properties.maxFileSize().toBytes();
	}

	/**
	 * Takes one upload into a conversation the uploader may write in.
	 * @param conversation the conversation
	 * @param uploader who uploads (never from the request)
	 * @param name the file's name as the user knows it
	 * @param declaredLength the request's {@code Content-Length}, -1 when unknown
	 * @param body the bytes
	 * @return the file as its uploader sees it
	 */
	AttachmentView upload(LiveConversation conversation, Sender uploader, @Nullable String name, long declaredLength,
			InputStream body) {
		String cleanName = Attachment.name((name != null) ? name : "");
		if (declaredLength > this.maxBytes) {
			throw tooLarge();
		}
		boolean visitor = uploader.kind() == Sender.Kind.VISITOR;
		limit(visitor ? this.visitorUploads : this.staffUploads, String.valueOf(uploader.id()));
		if (visitor) {
			// After the visitor's own: one refused for their own flood takes nothing from
			// what every visitor of the site shares.
			limit(this.siteUploads, conversation.conversation().siteId().toString());
		}
		Path work = null;
		try {
			work = Files.createTempDirectory("porchlight-upload-");
			Path upload = work.resolve("upload");
			receive(body, upload);
			boolean keepOriginal = keepsOriginals(conversation);
			AttachmentProcessor.Processed processed = process(upload, work, keepOriginal);
			return store(conversation, uploader, cleanName, processed);
		}
		catch (IOException ex) {
			log.warn("An upload could not be written to a temporary file: {}", ex.getClass().getSimpleName());
			throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "storage_unavailable",
					"The file could not be stored; nothing was kept. Try again.");
		}
		finally {
			if (work != null) {
				delete(work);
			}
		}
	}

	private void limit(RateLimit limit, String key) {
		RateLimiter.Decision decision = this.limiter.tryAcquire(limit, key);
		if (!decision.allowed()) {
			throw ApiException.tooManyRequests("rate_limited", "Too many files sent; try again later.",
					decision.retryAfter());
		}
	}

	/**
	 * The request's bytes into a file, refused as soon as they pass the limit.
	 */
	private void receive(InputStream body, Path target) throws IOException {
		byte[] buffer = new byte[64 * 1024];
		long total = 0;
		try (OutputStream out = Files.newOutputStream(target)) {
			int read;
			while ((read = readSome(body, buffer)) > 0) {
				total += read;
				if (total > this.maxBytes) {
					throw tooLarge();
				}
				out.write(buffer, 0, read);
			}
		}
		if (total == 0) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "empty_file", "The file is empty.");
		}
	}

	/**
	 * A read of the request body; a client that goes away mid-upload is not a storage
	 * failure.
	 */
	private static int readSome(InputStream body, byte[] buffer) {
		try {
			return body.read(buffer);
		}
		catch (IOException ex) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "upload_interrupted", "The upload did not arrive whole.");
		}
	}

	private boolean keepsOriginals(LiveConversation conversation) {
		try {
			return this.attachments.keepsOriginals(conversation.conversation().siteId());
		}
		catch (DataAccessException ex) {
			log.warn("An upload could not be taken: {}", ex.getClass().getSimpleName());
			throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "storage_unavailable",
					"The file could not be stored; nothing was kept. Try again.");
		}
	}

	private AttachmentProcessor.Processed process(Path upload, Path work, boolean keepOriginal) throws IOException {
		try {
			return this.processor.process(upload, work, keepOriginal);
		}
		catch (AttachmentRejectedException ex) {
			HttpStatus status = ex.code().equals("unsupported_type") ? HttpStatus.UNSUPPORTED_MEDIA_TYPE
					: HttpStatus.UNPROCESSABLE_CONTENT;
			throw new ApiException(status, ex.code(), ex.getMessage());
		}
	}

	private AttachmentView store(LiveConversation conversation, Sender uploader, String name,
			AttachmentProcessor.Processed processed) throws IOException {
		AttachmentId id = AttachmentId.random();
		try {
			long size = write(id, Variant.FILE, processed.file());
			if (processed.thumbnail() != null) {
				write(id, Variant.THUMBNAIL, processed.thumbnail());
			}
			if (processed.original() != null) {
				write(id, Variant.ORIGINAL, processed.original());
			}
			Attachments.Stored stored = new Attachments.Stored(
					new Attachment(id, name, processed.mediaType(), size, processed.width(), processed.height()),
					conversation.conversation().siteId(), conversation.id(), uploader, processed.original() != null,
					null, this.clock.instant());
			this.attachments.add(stored);
			return this.links.view(stored, uploader.kind() == Sender.Kind.STAFF);
		}
		catch (DataAccessException | IOException ex) {
			log.warn("An upload could not be stored: {}", ex.getClass().getSimpleName());
			try {
				this.files.delete(List.of(id));
			}
			catch (RuntimeException cleanup) {
				// Left for the store's own clean-up: it is recorded nowhere.
				ex.addSuppressed(cleanup);
			}
			throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "storage_unavailable",
					"The file could not be stored; nothing was kept. Try again.");
		}
	}

	private long write(AttachmentId id, Variant variant, Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			return this.files.write(id, variant, in, Files.size(file));
		}
	}

	private ApiException tooLarge() {
		return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "file_too_large",
				"This file is too large: at most " + megabytes(this.maxBytes) + ".");
	}

	static String megabytes(long bytes) {
		if (bytes % (1024 * 1024) == 0) {
			return (bytes / (1024 * 1024)) + " MB";
		}
		return (bytes % 1024 == 0) ? (bytes / 1024) + " KB" : bytes + " bytes";
	}

	private static void delete(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			log.warn("A temporary upload directory could not be removed: {}", ex.getClass().getSimpleName());
		}
	}

}
