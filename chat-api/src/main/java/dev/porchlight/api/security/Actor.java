package dev.porchlight.api.security;

import java.time.Instant;
import java.util.Map;

import dev.porchlight.api.web.ClientAddress;
import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.audit.AuditEvent;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * The staff member behind a change, as the audit log records them.
 *
 * @param id their account
 * @param label their email
 * @param address their network address
 */
public record Actor(AccountId id, String label, @Nullable String address) {

	public static Actor of(StaffPrincipal staff, HttpServletRequest request) {
		return new Actor(staff.id(), staff.email(), ClientAddress.of(request));
	}

	/**
	 * An audit event of something this actor did.
	 * @param at when
	 * @param action the action name
	 * @param target what was touched
	 * @param details further facts (never personal data or secrets)
	 * @return the event
	 */
	public AuditEvent did(Instant at, String action, String target, Map<String, String> details) {
		return new AuditEvent(at, this.id, this.label, action, target, this.address, details);
	}

}
