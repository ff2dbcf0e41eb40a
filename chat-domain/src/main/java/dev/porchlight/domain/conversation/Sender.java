package dev.porchlight.domain.conversation;

import java.util.Objects;
import java.util.UUID;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.visitor.VisitorId;
import org.jspecify.annotations.Nullable;

/**
 * Who wrote a message. Always taken from the authenticated connection, never from what a
 * client sends.
 *
 * @param kind visitor, staff or the system itself
 * @param visitorId the visitor, when {@code kind} is {@link Kind#VISITOR}
 * @param accountId the staff account, when {@code kind} is {@link Kind#STAFF}
 */
public record Sender(Kind kind, @Nullable VisitorId visitorId, @Nullable AccountId accountId) {

	public Sender {
		Objects.requireNonNull(kind, "kind");
		boolean consistent = switch (kind) {
			case VISITOR -> visitorId != null && accountId == null;
			case STAFF -> accountId != null && visitorId == null;
			case SYSTEM -> visitorId == null && accountId == null;
		};
		if (!consistent) {
			throw new IllegalArgumentException("sender " + kind + " with wrong ids");
		}
	}

	public static Sender visitor(VisitorId id) {
		return new Sender(Kind.VISITOR, id, null);
	}

	public static Sender staff(AccountId id) {
		return new Sender(Kind.STAFF, null, id);
	}

	public static Sender system() {
		return new Sender(Kind.SYSTEM, null, null);
	}

	/**
	 * A sender as stored: its kind and the id of the visitor or account.
	 * @param kind the kind
	 * @param id the visitor's or account's id; ignored for the system
	 * @return the sender
	 */
	public static Sender of(Kind kind, @Nullable UUID id) {
		return switch (kind) {
			case VISITOR -> visitor(new VisitorId(Objects.requireNonNull(id, "id")));
			case STAFF -> staff(new AccountId(Objects.requireNonNull(id, "id")));
			case SYSTEM -> system();
		};
	}

	/**
	 * @return the visitor's or account's id, null for the system
	 */
	public @Nullable UUID id() {
		if (this.visitorId != null) {
			return this.visitorId.value();
		}
		return (this.accountId != null) ? this.accountId.value() : null;
	}

	/**
	 * The kinds of sender.
	 */
	public enum Kind {

		VISITOR, STAFF, SYSTEM

	}

}
