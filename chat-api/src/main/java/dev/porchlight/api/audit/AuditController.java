package dev.porchlight.api.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.porchlight.domain.audit.AuditEvent;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.common.DomainException;

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
	List<Map<String, Object>> latest(@RequestParam(defaultValue = "100") int limit) {
		// Refused rather than clamped: a client asking for 5000 must learn it got at most
		// 1000.
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new DomainException("invalid_limit", "The limit is between 1 and " + MAX_LIMIT + ".");
		}
		return this.audit.latest(limit).stream().map(AuditController::view).toList();
	}

	private static Map<String, Object> view(AuditEvent event) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("at", event.at().toString());
		view.put("actorId", (event.actor() != null) ? event.actor().toString() : null);
		view.put("actor", event.actorLabel());
		view.put("action", event.action());
		view.put("target", event.target());
		view.put("address", event.address());
		view.put("details", event.details());
		return view;
	}

}
