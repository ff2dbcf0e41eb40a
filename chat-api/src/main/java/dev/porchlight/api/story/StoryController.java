package dev.porchlight.api.story;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.api.web.ClientAddress;
import dev.porchlight.domain.annotation.Annotations;
import dev.porchlight.domain.annotation.Note;
import dev.porchlight.domain.audit.AuditEvent;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LiveEvent;
import dev.porchlight.domain.conversation.LiveEvents;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.Stories;
import dev.porchlight.domain.conversation.Transcripts;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.site.BusinessHours;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import org.jspecify.annotations.Nullable;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What staff keep about a story: tags and private notes on conversations and customers,
 * and exports of one conversation or of everything a customer ever said (audited).
 */
@RestController
class StoryController {

	private final Annotations annotations;

	private final LiveConversations live;

	private final Transcripts transcripts;

	private final Customers customers;

	private final Stories stories;

	private final Exports exports;

	private final AuditLog audit;

	private final LiveEvents events;

	StoryController(Annotations annotations, LiveConversations live, Transcripts transcripts, Customers customers,
			Stories stories, Exports exports, AuditLog audit, LiveEvents events) {
		this.events = events;
		this.annotations = annotations;
		this.live = live;
		this.transcripts = transcripts;
		this.customers = customers;
		this.stories = stories;
		this.exports = exports;
		this.audit = audit;
	}

	@GetMapping("/api/v1/conversations/{id}/tags")
	List<String> conversationTags(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id) {
		return this.annotations.tags(archived(staff, id));
	}

	@PutMapping("/api/v1/conversations/{id}/tags/{tag}")
	List<String> tagConversation(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			@PathVariable String tag) {
		ConversationId conversation = archived(staff, id);
		this.annotations.tag(conversation, tag);
		return tagsChanged(conversation, null, this.annotations.tags(conversation));
	}

	@DeleteMapping("/api/v1/conversations/{id}/tags/{tag}")
	List<String> untagConversation(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			@PathVariable String tag) {
		ConversationId conversation = archived(staff, id);
		this.annotations.untag(conversation, tag);
		return tagsChanged(conversation, null, this.annotations.tags(conversation));
	}

	@GetMapping("/api/v1/conversations/{id}/notes")
	List<NoteView> conversationNotes(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id) {
		return this.annotations.notes(archived(staff, id)).stream().map(StoryController::note).toList();
	}

	@PostMapping("/api/v1/conversations/{id}/notes")
	NoteView noteConversation(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			@Valid @RequestBody NewNote body) {
		Note note = new Note(UUID.randomUUID(), staff.id(), body.body(), Instant.now());
		this.annotations.addNote(archived(staff, id), note);
		return note(note);
	}

	@GetMapping("/api/v1/customers/{id}/tags")
	List<String> customerTags(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id) {
		return this.annotations.tags(customer(staff, id));
	}

	@PutMapping("/api/v1/customers/{id}/tags/{tag}")
	List<String> tagCustomer(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			@PathVariable String tag) {
		CustomerId customer = customer(staff, id);
		this.annotations.tag(customer, tag);
		return tagsChanged(null, customer, this.annotations.tags(customer));
	}

	@DeleteMapping("/api/v1/customers/{id}/tags/{tag}")
	List<String> untagCustomer(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			@PathVariable String tag) {
		CustomerId customer = customer(staff, id);
		this.annotations.untag(customer, tag);
		return tagsChanged(null, customer, this.annotations.tags(customer));
	}

	/**
	 * Dashboards of staff who serve every site learn the tags at once (the inbox's tag
	 * filter, an open panel); the others on their next load.
	 */
	private List<String> tagsChanged(@Nullable ConversationId conversation, @Nullable CustomerId customer,
			List<String> tags) {
		this.events.publish(new LiveEvent.TagsChanged(conversation, customer, tags));
		return tags;
	}

	@GetMapping("/api/v1/customers/{id}/notes")
	List<NoteView> customerNotes(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id) {
		return this.annotations.notes(customer(staff, id)).stream().map(StoryController::note).toList();
	}

	@PostMapping("/api/v1/customers/{id}/notes")
	NoteView noteCustomer(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			@Valid @RequestBody NewNote body) {
		Note note = new Note(UUID.randomUUID(), staff.id(), body.body(), Instant.now());
		this.annotations.addNote(customer(staff, id), note);
		return note(note);
	}

	@ApiResponse(responseCode = "200", description = "The file (Content-Disposition: attachment)",
			content = {
					@Content(mediaType = "application/json",
							schema = @Schema(implementation = Exports.ExportFile.class)),
					@Content(mediaType = "text/csv", schema = @Schema(type = "string")),
					@Content(mediaType = "text/plain", schema = @Schema(type = "string")) })
	@GetMapping("/api/v1/conversations/{id}/export")
	ResponseEntity<byte[]> exportConversation(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			@RequestParam(defaultValue = "json") String format, @RequestParam(defaultValue = "UTC") String zone,
			HttpServletRequest http) {
		ConversationId conversation = archived(staff, id);
		Exports.Format chosen = format(format);
		ZoneId timeZone = BusinessHours.zone(zone);
		List<LogEntry> entries = this.exports.entries(conversation);
		audit(staff, http, "conversation.exported", "conversation:" + conversation, chosen, entries.size());
		return file(this.exports.render(chosen, Map.of(conversation, entries), timeZone), chosen,
				"conversation-" + conversation);
	}

	@ApiResponse(responseCode = "200", description = "The file (Content-Disposition: attachment)",
			content = {
					@Content(mediaType = "application/json",
							schema = @Schema(implementation = Exports.ExportFile.class)),
					@Content(mediaType = "text/csv", schema = @Schema(type = "string")),
					@Content(mediaType = "text/plain", schema = @Schema(type = "string")) })
	@GetMapping("/api/v1/customers/{id}/export")
	ResponseEntity<byte[]> exportCustomer(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			@RequestParam(defaultValue = "json") String format, @RequestParam(defaultValue = "UTC") String zone,
			HttpServletRequest http) {
		CustomerId customer = customer(staff, id);
		Exports.Format chosen = format(format);
		ZoneId timeZone = BusinessHours.zone(zone);
		Map<ConversationId, List<LogEntry>> all = new LinkedHashMap<>();
		// A staff member limited to some sites exports the story on those.
		this.stories.conversations(customer, staff.siteScope())
			.forEach((conversation) -> all.put(conversation, this.exports.entries(conversation)));
		int count = all.values().stream().mapToInt(List::size).sum();
		audit(staff, http, "customer.exported", "customer:" + customer, chosen, count);
		return file(this.exports.render(chosen, all, timeZone), chosen, "customer-" + customer);
	}

	/**
	 * The conversation, made sure to exist in PostgreSQL (a brand-new one may not have
	 * been archived yet), since tags and notes refer to it there.
	 */
	private ConversationId archived(StaffPrincipal staff, String id) {
		ConversationId conversation = ConversationId.parse(id);
		LiveConversation state = this.live.find(conversation)
			// Another site's conversation is "not found" to an agent who does not serve
			// it, so ids cannot be probed.
			.filter((found) -> staff.serves(found.conversation().siteId()))
			.orElseThrow(() -> ApiException.notFound("conversation"));
		if (this.transcripts.archivedSeq(conversation) == 0) {
			this.transcripts.archive(state.conversation(), state.version(), List.of());
		}
		return conversation;
	}

	private CustomerId customer(StaffPrincipal staff, String id) {
		CustomerId customer = CustomerId.parse(id);
		this.customers.findById(customer)
			.filter((found) -> staff.servesAnyOf(this.customers.sites(customer)))
			.orElseThrow(() -> ApiException.notFound("customer"));
		return customer;
	}

	private void audit(StaffPrincipal staff, HttpServletRequest http, String action, String target,
			Exports.Format format, int entries) {
		this.audit.record(new AuditEvent(Instant.now(), staff.id(), staff.email(), action, target,
				ClientAddress.of(http), Map.of("format", format.extension(), "entries", String.valueOf(entries))));
	}

	private static ResponseEntity<byte[]> file(String content, Exports.Format format, String name) {
		return ResponseEntity.ok()
			.contentType(MediaType.parseMediaType(format.mediaType() + ";charset=UTF-8"))
			.header(HttpHeaders.CONTENT_DISPOSITION,
					ContentDisposition.attachment().filename(name + "." + format.extension()).build().toString())
			.body(content.getBytes(StandardCharsets.UTF_8));
	}

	private static Exports.Format format(String format) {
		try {
			return Exports.Format.valueOf(format.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new DomainException("invalid_format", "The format is json, csv or txt.");
		}
	}

	private static NoteView note(Note note) {
		return new NoteView(note.id().toString(), (note.author() != null) ? note.author().toString() : null,
				note.body(), note.at().toString());
	}

	/**
	 * A private note of staff.
	 *
	 * @param id the note id
	 * @param authorId who wrote it, if the account still exists
	 * @param body its text
	 * @param at when it was written (ISO-8601)
	 */
	record NoteView(String id, @Nullable String authorId, String body, String at) {
	}

	/**
	 * A new note.
	 *
	 * @param body its text
	 */
	record NewNote(@Nullable String body) {
	}

}
