package dev.porchlight.api.story;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.porchlight.api.security.Actor;
import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.annotation.CannedResponse;
import dev.porchlight.domain.annotation.CannedResponses;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.common.Ids;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * The team's canned responses: every staff member uses and manages them (a small shop's
 * team shares its replies); changes are audited.
 */
@RestController
class CannedResponseController {

	private final CannedResponses responses;

	private final AuditLog audit;

	CannedResponseController(CannedResponses responses, AuditLog audit) {
		this.responses = responses;
		this.audit = audit;
	}

	@GetMapping("/api/v1/canned-responses")
	List<CannedResponse> all() {
		return this.responses.all();
	}

	@PostMapping("/api/v1/canned-responses")
	@ResponseStatus(HttpStatus.CREATED)
	ResponseEntity<CannedResponse> save(@AuthenticationPrincipal StaffPrincipal staff,
			@Valid @RequestBody NewResponse request, HttpServletRequest http) {
		CannedResponse saved = this.responses.save(CannedResponse.create(request.shortcut(), request.body()));
		this.audit.record(Actor.of(staff, http)
			.did(Instant.now(), "canned_response.saved", "canned_response:" + saved.id(),
					Map.of("shortcut", saved.shortcut())));
		return ResponseEntity.status(HttpStatus.CREATED).body(saved);
	}

	@DeleteMapping("/api/v1/canned-responses/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	ResponseEntity<Void> remove(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			HttpServletRequest http) {
		UUID uuid = Ids.parse("canned response", id);
		if (!this.responses.remove(uuid)) {
			throw ApiException.notFound("canned response");
		}
		this.audit.record(Actor.of(staff, http)
			.did(Instant.now(), "canned_response.removed", "canned_response:" + uuid, Map.of()));
		return ResponseEntity.noContent().build();
	}

	/**
	 * A canned response to save.
	 *
	 * @param shortcut what follows the slash, e.g. {@code shipping}
	 * @param body the text
	 */
	record NewResponse(@NotNull @Size(max = 31) String shortcut, @Nullable String body) {
	}

}
