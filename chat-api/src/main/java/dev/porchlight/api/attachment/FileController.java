package dev.porchlight.api.attachment;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.attachment.AttachmentFiles;
import dev.porchlight.domain.attachment.Attachments;
import dev.porchlight.domain.attachment.Variant;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.conversation.AttachmentId;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves files by their signed links (docs/attachments.md#fetching-a-file). The link is
 * the authorisation: it was only ever given to someone who may read the conversation, and
 * it expires. Images are shown inline, everything else downloads; nothing is sniffed and
 * nothing served can run (the chain's {@code sandbox} policy).
 */
@RestController
@Hidden
class FileController {

	private static final Logger log = LoggerFactory.getLogger(FileController.class);

	private final Attachments attachments;

	private final AttachmentFiles files;

	private final AttachmentLinks links;

	FileController(Attachments attachments, AttachmentFiles files, AttachmentLinks links) {
		this.attachments = attachments;
		this.files = files;
		this.links = links;
	}

	@GetMapping("/files/{id}/{variant}")
	void file(@PathVariable String id, @PathVariable String variant,
			@RequestParam(name = "exp", required = false) @Nullable String expiry,
			@RequestParam(required = false) @Nullable String sig,
			@RequestParam(required = false, defaultValue = "0") String download, HttpServletResponse response)
			throws IOException {
		AttachmentId attachmentId;
		Variant which;
		Long exp;
		try {
			attachmentId = AttachmentId.parse(id);
			which = Variant.of(variant);
			exp = (expiry != null) ? Long.valueOf(expiry) : null;
		}
		catch (DomainException | IllegalArgumentException ex) {
			throw invalid();
		}
		AttachmentLinks.Verdict verdict = this.links.check(attachmentId, which, (exp != null) ? exp : -1, sig);
		if (verdict == AttachmentLinks.Verdict.INVALID || exp == null) {
			throw invalid();
		}
		if (verdict == AttachmentLinks.Verdict.EXPIRED) {
			throw ApiException.forbidden("link_expired", "This link has expired: open the conversation again.");
		}
		Attachments.Stored stored;
		Optional<AttachmentFiles.Content> opened;
		try {
			stored = this.attachments.find(attachmentId).orElseThrow(() -> ApiException.notFound("file"));
			opened = this.files.open(attachmentId, which);
		}
		catch (DataAccessException | IOException ex) {
			log.warn("A file could not be read: {}", ex.getClass().getSimpleName());
			throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "storage_unavailable",
					"The file cannot be read right now. Try again.");
		}
		AttachmentFiles.Content content = opened.orElseThrow(() -> ApiException.notFound("file"));
		try (content) {
			send(stored, which, exp, download, content, response);
		}
		catch (IOException | RuntimeException ex) {
			if (response.isCommitted()) {
				// The answer has begun: nothing more can be said. Usually the client went
				// away (a closed tab, a cancelled download).
				log.debug("A file was not sent whole: {}", ex.getClass().getSimpleName());
				return;
			}
			log.warn("A file could not be read: {}", ex.getClass().getSimpleName());
			response.reset();
			throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "storage_unavailable",
					"The file cannot be read right now. Try again.");
		}
	}

	private void send(Attachments.Stored stored, Variant which, long exp, String download,
			AttachmentFiles.Content content, HttpServletResponse response) throws IOException {
		String type = stored.attachment().mediaType();
		boolean thumbnail = which == Variant.THUMBNAIL;
		boolean inline = stored.attachment().image() && which != Variant.ORIGINAL && !"1".equals(download);
		InputStream in = new BufferedInputStream(content.stream(), 64 * 1024);
		response.setStatus(HttpStatus.OK.value());
		response.setContentType(thumbnail ? thumbnailType(in) : contentType(type, which));
		response.setContentLengthLong(content.size());
		response.setHeader(HttpHeaders.CONTENT_DISPOSITION,
				(inline ? ContentDisposition.inline() : ContentDisposition.attachment())
					.filename(thumbnail ? "thumbnail-" + stored.attachment().name() : stored.attachment().name(),
							StandardCharsets.UTF_8)
					.build()
					.toString());
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
		response.setHeader(HttpHeaders.CACHE_CONTROL, "private, max-age=" + this.links.secondsLeft(exp));
		try (OutputStream out = response.getOutputStream()) {
			copy(in, out);
		}
	}

	private static void copy(InputStream in, OutputStream out) throws IOException {
		byte[] buffer = new byte[64 * 1024];
		int read;
		while ((read = in.read(buffer)) > 0) {
			out.write(buffer, 0, read);
		}
	}

	/** The original is served as what it was found to be, as a download below. */
	private static String contentType(String type, Variant variant) {
		if (type.equals("text/plain")) {
			return "text/plain; charset=utf-8";
		}
		return (variant == Variant.ORIGINAL) ? "application/octet-stream" : type;
	}

	/**
	 * Thumbnails are JPEG, or PNG for pictures with transparency: their first bytes say
	 * which.
	 */
	private static String thumbnailType(InputStream stream) throws IOException {
		stream.mark(1);
		int first = stream.read();
		stream.reset();
		return (first == 0x89) ? "image/png" : "image/jpeg";
	}

	private static ApiException invalid() {
		return ApiException.forbidden("invalid_link", "This link is not valid.");
	}

}
