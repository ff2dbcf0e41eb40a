package dev.porchlight.domain.annotation;

import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.Text;

/**
 * A reply staff use often, typed as {@code /shortcut} in the reply box.
 *
 * @param id its id
 * @param shortcut 1–30 of {@code a-z 0-9 _ -}, unique, lower case
 * @param body the text it puts into the reply box (1–4000 characters)
 */
public record CannedResponse(UUID id, String shortcut, String body) {

	private static final Pattern SHORTCUT = Pattern.compile("^[a-z0-9_-]{1,30}$");

	public CannedResponse {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(shortcut, "shortcut");
		shortcut = shortcut.strip().toLowerCase(Locale.ROOT);
		if (shortcut.startsWith("/")) {
			shortcut = shortcut.substring(1);
		}
		if (!SHORTCUT.matcher(shortcut).matches()) {
			throw new DomainException("invalid_shortcut",
					"A shortcut is 1 to 30 letters, digits, '_' or '-', like 'shipping'.");
		}
		body = Text.required("text", body, 4000);
	}

	public static CannedResponse create(String shortcut, String body) {
		return new CannedResponse(UUID.randomUUID(), shortcut, body);
	}

}
