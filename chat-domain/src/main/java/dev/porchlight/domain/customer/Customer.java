package dev.porchlight.domain.customer;

import java.time.Instant;
import java.util.Objects;

import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.common.Text;
import org.jspecify.annotations.Nullable;

/**
 * A person the business knows: created when a visitor leaves an email or a site vouches
 * for them. Conversations attach to customers, so a customer's record is their story.
 *
 * @param id random identifier
 * @param name the name they gave, if any
 * @param email their email, if known
 * @param phone their phone number, if known
 * @param firstSeenAt first contact
 * @param lastSeenAt latest contact
 */
public record Customer(CustomerId id, @Nullable String name, @Nullable EmailAddress email, @Nullable String phone,
		Instant firstSeenAt, Instant lastSeenAt) {

	public static final int MAX_NAME = 120;

	public static final int MAX_PHONE = 40;

	public Customer {
		Objects.requireNonNull(id, "id");
		name = Text.optional("name", name, MAX_NAME);
		phone = Text.optional("phone", phone, MAX_PHONE);
		Objects.requireNonNull(firstSeenAt, "firstSeenAt");
		Objects.requireNonNull(lastSeenAt, "lastSeenAt");
		if (lastSeenAt.isBefore(firstSeenAt)) {
			throw new IllegalArgumentException("lastSeenAt before firstSeenAt");
		}
	}

	/**
	 * How the dashboard names this customer: their name, else their email, else a neutral
	 * label.
	 * @return a label, never empty
	 */
	public String label() {
		if (this.name != null) {
			return this.name;
		}
		return (this.email != null) ? this.email.value() : "Unnamed customer";
	}

}
