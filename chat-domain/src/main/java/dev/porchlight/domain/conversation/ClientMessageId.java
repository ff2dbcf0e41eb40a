package dev.porchlight.domain.conversation;

import java.util.Objects;
import java.util.regex.Pattern;

import dev.porchlight.domain.common.DomainException;

/**
 * The id a client gives its own message before sending it. Sending the same id twice in a
 * conversation stores the message once, which makes retries safe.
 *
 * @param value 1 to 64 characters from {@code [A-Za-z0-9_-]}
 */
public record ClientMessageId(String value) {

	private static final Pattern SHAPE = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

	public ClientMessageId {
		Objects.requireNonNull(value, "client message id");
		if (!SHAPE.matcher(value).matches()) {
			throw new DomainException("invalid_client_id",
					"A client message id is 1 to 64 letters, digits, '-' or '_'.");
		}
	}

	@Override
	public String toString() {
		return this.value;
	}

}
