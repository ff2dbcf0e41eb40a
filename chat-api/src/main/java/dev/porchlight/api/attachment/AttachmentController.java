package dev.porchlight.api.attachment;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.porchlight.api.security.Actor;
import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.attachment.AttachmentFiles;
import dev.porchlight.domain.attachment.Attachments;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.conversation.AttachmentId;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.site.Sites;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Uploading files into a conversation, listing a conversation's files with fresh links,
 * and a site's choice to keep originals (docs/attachments.md). Who uploads is always the
 * authenticated principal; a conversation the caller may not read answers 404, like one
 * that does not exist.
 */
@RestController
class AttachmentController {

	private static final Logger log = LoggerFactory.getLogger(AttachmentController.class);

	private final LiveConversations live;

	private final Attachments attachments;

	private final AttachmentLinks links;

	private final Uploads uploads;

	private final AttachmentFiles files;

	private final Sites sites;

	private final AuditLog audit;

	private final Clock clock = Clock.systemUTC();

	AttachmentController(LiveConversations live, Attachments attachments, AttachmentFiles files, AttachmentLinks links,
			Uploads uploads, Sites sites, AuditLog audit) {
		this.files = files;
		this.live = live;
		this.attachments = attachments;
		this.links = links;
		this.uploads = uploads;
		this.sites = sites;
		this.audit = audit;
	}

	@PostMapping("/api/v1/visitor/conversations/{id}/attachments")
	@ResponseStatus(HttpStatus.CREATED)
	AttachmentView visitorUpload(@AuthenticationPrincipal VisitorPrincipal visitor, @PathVariable String id,
			@Parameter(description = "The file's name; without one, 400 invalid_file_name",
					required = true) @RequestParam(required = false) @Nullable String name,
			HttpServletRequest request) throws IOException {
		notAForm(request);
		LiveConversation conversation = visitorConversation(visitor, id);
		return this.uploads.upload(conversation, Sender.visitor(visitor.visitorId()), name,
				request.getContentLengthLong(), request.getInputStream());
	}

	@PostMapping("/api/v1/conversations/{id}/attachments")
	@ResponseStatus(HttpStatus.CREATED)
	AttachmentView staffUpload(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			@Parameter(description = "The file's name; without one, 400 invalid_file_name",
					required = true) @RequestParam(required = false) @Nullable String name,
			HttpServletRequest request) throws IOException {
		notAForm(request);
		LiveConversation conversation = staffConversation(staff, id);
		return this.uploads.upload(conversation, Sender.staff(staff.id()), name, request.getContentLengthLong(),
				request.getInputStream());
	}

	@GetMapping("/api/v1/visitor/conversations/{id}/attachments")
	List<AttachmentView> visitorFiles(@AuthenticationPrincipal VisitorPrincipal visitor, @PathVariable String id) {
		LiveConversation conversation = visitorConversation(visitor, id);
		return this.attachments.sentIn(List.of(conversation.id()))
			.stream()
			.map((stored) -> this.links.view(stored, false))
			.toList();
	}

	@GetMapping("/api/v1/conversations/{id}/attachments")
	List<AttachmentView> staffFiles(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id) {
		LiveConversation conversation = staffConversation(staff, id);
		return this.attachments.sentIn(List.of(conversation.id()))
			.stream()
			.map((stored) -> this.links.view(stored, true))
			.toList();
	}

	@DeleteMapping("/api/v1/visitor/conversations/{id}/attachments/{attachmentId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void visitorDiscard(@AuthenticationPrincipal VisitorPrincipal visitor, @PathVariable String id,
			@PathVariable String attachmentId) {
		AttachmentId file = AttachmentId.parse(attachmentId);
		discard(visitorConversation(visitor, id), Sender.visitor(visitor.visitorId()), file);
	}

	@DeleteMapping("/api/v1/conversations/{id}/attachments/{attachmentId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void staffDiscard(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			@PathVariable String attachmentId) {
		AttachmentId file = AttachmentId.parse(attachmentId);
		discard(staffConversation(staff, id), Sender.staff(staff.id()), file);
	}

	/**
	 * An upload is the file's own bytes. A form's body would be stored as a file of its
	 * markup, and reading a URL-encoded one's parameters consumes it: refused with what
	 * to send instead.
	 */
	private static void notAForm(HttpServletRequest request) {
		String type = (request.getContentType() != null) ? request.getContentType().toLowerCase(Locale.ROOT) : "";
		if (type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded")) {
			throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
					"Send the file's bytes as the body, not a form.");
		}
	}

	/**
	 * An upload its uploader took back before sending: gone at once rather than after
	 * {@code unsent-after}. A sent file, or another's, cannot be taken back this way.
	 */
	private void discard(LiveConversation conversation, Sender uploader, AttachmentId id) {
		if (!this.attachments.removeUnsent(id, conversation.id(), uploader)) {
			throw ApiException.notFound("file");
		}
		try {
			this.files.delete(List.of(id));
		}
		catch (RuntimeException ex) {
			// Its record is gone: the bytes are never served again.
			log.warn("The bytes of a file taken back could not be deleted: {}", ex.getClass().getSimpleName());
		}
	}

	@GetMapping("/api/v1/sites/{id}/attachments")
	SitePolicy policy(@PathVariable String id) {
		return new SitePolicy(this.attachments.keepsOriginals(site(id)));
	}

	@PutMapping("/api/v1/sites/{id}/attachments")
	SitePolicy savePolicy(@AuthenticationPrincipal StaffPrincipal owner, @PathVariable String id,
			@RequestBody SitePolicy policy, HttpServletRequest http) {
		SiteId site = site(id);
		if (policy.keepOriginals() == null) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_keep_originals",
					"The field 'keepOriginals' is true or false.");
		}
		this.attachments.keepOriginals(site, policy.keepOriginals());
		this.audit.record(Actor.of(owner, http)
			.did(this.clock.instant(), "site.attachments_changed", "site:" + site,
					Map.of("keepOriginals", String.valueOf(policy.keepOriginals()))));
		return new SitePolicy(policy.keepOriginals());
	}

	private LiveConversation visitorConversation(VisitorPrincipal visitor, String id) {
		return conversation(id).filter(
				(found) -> found.conversation().visibleTo(visitor.visitorId(), visitor.customerId(), visitor.siteId()))
			.orElseThrow(() -> ApiException.notFound("conversation"));
	}

	private LiveConversation staffConversation(StaffPrincipal staff, String id) {
		return conversation(id).filter((found) -> staff.serves(found.conversation().siteId()))
			.orElseThrow(() -> ApiException.notFound("conversation"));
	}

	private Optional<LiveConversation> conversation(String id) {
		return this.live.find(ConversationId.parse(id));
	}

	private SiteId site(String id) {
		return this.sites.findById(SiteId.parse(id)).orElseThrow(() -> ApiException.notFound("site")).id();
	}

	/**
	 * A site's choice about originals.
	 *
	 * @param keepOriginals whether images are kept as uploaded (with their metadata)
	 * beside the re-encoded picture; only staff get links to them
	 */
	record SitePolicy(@NotNull @Nullable Boolean keepOriginals) {
	}

}
