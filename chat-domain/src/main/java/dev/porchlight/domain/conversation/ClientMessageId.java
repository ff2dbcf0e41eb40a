package dev.porchlight.domain.conversation;

import java.util.Objects;
import java.util.regex.Pattern;

import dev.porchlight.domain.common.DomainException;

/**
 * The id a client gives its own message before sending it. Sending the same id twice in a
 * conversation stores the message once, which makes retries safe.
 *
 * <p>
 * A message that arrived by email has the id {@link #ofEmail} gives it, which no client
 * can send ({@link #fromClient}): it says where the message came from.
 *
 * @param value 1 to 64 characters from {@code [A-Za-z0-9_-]}, or an email's id
 */
public record ClientMessageId(String value) {

	private static final String EMAIL_PREFIX = "~mail-";

	private static final Pattern SHAPE = Pattern.compile("^(?:[A-Za-z0-9_-]{1,64}|~mail-[0-9a-f]{40})$");

	private static final Pattern CLIENT_SHAPE = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

	public ClientMessageId {
		Objects.requireNonNull(value, "client message id");
		if (!SHAPE.matcher(value).matches()) {
			throw new DomainException("invalid_client_id",
					"A client message id is 1 to 64 letters, digits, '-' or '_'.");
		}
	}

	/**
	 * An id a client sent: letters, digits, '-' and '_' only.
	 * @param value the id
	 * @return the id
	 */
	public static ClientMessageId fromClient(String value) {
		Objects.requireNonNull(value, "client message id");
		if (!CLIENT_SHAPE.matcher(value).matches()) {
			throw new DomainException("invalid_client_id",
					"A client message id is 1 to 64 letters, digits, '-' or '_'.");
		}
		return new ClientMessageId(value);
	}

	/**
	 * The id of a message that arrived by email.
	 * @param key 40 lower-case hex digits identifying the email
	 * @return the id
	 */
	public static ClientMessageId ofEmail(String key) {
		return new ClientMessageId(EMAIL_PREFIX + key);
	}

	/**
	 * @param value a client message id
	 * @return whether the message arrived by email
	 */
	public static boolean isEmail(String value) {
		return value.startsWith(EMAIL_PREFIX);
	}

	@Override
	public String toString() {
		return this.value;
	}

}
