package dev.porchlight.domain.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import dev.porchlight.domain.account.AccountId;
import org.jspecify.annotations.Nullable;

/**
 * Something an owner or staff member did, or tried to do, that must be traceable later:
 * sign-ins, account and site changes, exports, merges and erasures. Details name what was
 * touched, never message bodies, passwords or secrets.
 *
 * @param at when it happened
 * @param actor the account that acted, if known
 * @param actorLabel how the actor identified themselves (e.g. the email typed at sign-in)
 * @param action a stable action name such as {@code account.created}
 * @param target the kind and id of what was touched, e.g. {@code account:UUID}
 * @param address the client's network address, if known
 * @param details further facts, short strings only
 */
public record AuditEvent(Instant at, @Nullable AccountId actor, String actorLabel, String action,
		@Nullable String target, @Nullable String address, Map<String, String> details) {

	public AuditEvent {
		Objects.requireNonNull(at, "at");
		Objects.requireNonNull(actorLabel, "actorLabel");
		Objects.requireNonNull(action, "action");
		if (!action.matches("[a-z_]+(\\.[a-z_]+)+")) {
			throw new IllegalArgumentException("action names look like 'account.created'");
		}
		details = Map.copyOf(details);
	}

}
