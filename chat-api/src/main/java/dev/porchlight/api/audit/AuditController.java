package dev.porchlight.api.audit;

import java.util.List;
import java.util.Map;

import dev.porchlight.domain.audit.AuditEvent;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.common.DomainException;
import org.jspecify.annotations.Nullable;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit log, for the owner.
 */
@RestController
class AuditController {

	static final int MAX_LIMIT = 1000;

	private final AuditLog audit;

	AuditController(AuditLog audit) {
		this.audit = audit;
	}

	@GetMapping("/api/v1/audit")
	List<AuditEntry> latest(@RequestParam(defaultValue = "100") int limit) {
		// Refused rather than clamped: a client asking for 5000 must learn it got at most
		// 1000.
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new DomainException("invalid_limit", "The limit is between 1 and " + MAX_LIMIT + ".");
		}
		return this.audit.latest(limit).stream().map(AuditController::view).toList();
	}

	private static AuditEntry view(AuditEvent event) {
		return new AuditEntry(event.at().toString(), (event.actor() != null) ? event.actor().toString() : null,
				event.actorLabel(), event.action(), event.target(), event.address(), event.details());
	}

	/**
	 * One entry of the audit log.
	 *
	 * @param at when it happened (ISO-8601)
	 * @param actorId the account that acted, if known
	 * @param actor how the actor identified themselves (e.g. the email typed at sign-in)
	 * @param action a stable action name such as {@code account.created}
	 * @param target the kind and id of what was touched, e.g. {@code account:UUID}
	 * @param address the client's network address, if known
	 * @param details further facts, short strings only
	 */
	record AuditEntry(String at, @Nullable String actorId, String actor, String action, @Nullable String target,
			@Nullable String address, Map<String, String> details) {
	}

}
