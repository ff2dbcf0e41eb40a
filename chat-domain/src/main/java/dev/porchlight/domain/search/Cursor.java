package dev.porchlight.domain.search;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;

import dev.porchlight.domain.common.DomainException;

/**
 * Where a page of search results ended: the sort key and id of its last row. Opaque to
 * clients (URL-safe base64), checked strictly when it comes back.
 *
 * @param order the sort order it belongs to
 * @param key the sort key of the last row (rank, or activity time in microseconds)
 * @param id the last row's conversation id
 */
public record Cursor(ConversationQuery.Order order, double key, UUID id) {

	public Cursor {
		Objects.requireNonNull(order, "order");
		Objects.requireNonNull(id, "id");
		// Ranks are small and activity keys are microseconds since 1970: anything else is
		// forged.
		if (Double.isNaN(key) || Double.isInfinite(key) || Math.abs(key) > 1e17) {
			throw invalid();
		}
	}

	public String encode() {
		String raw = this.order.name() + "|" + Double.toString(this.key) + "|" + this.id;
		return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
	}

	public static Cursor decode(String text) {
		try {
			if (text.length() > 200) {
				throw invalid();
			}
			String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
			String[] parts = raw.split("\\|");
			if (parts.length != 3 || parts[2].length() != 36) {
				throw invalid();
			}
			return new Cursor(ConversationQuery.Order.valueOf(parts[0]), Double.parseDouble(parts[1]),
					UUID.fromString(parts[2]));
		}
		catch (IllegalArgumentException ex) {
			throw invalid();
		}
	}

	private static DomainException invalid() {
		return new DomainException("invalid_cursor", "The cursor is not one this server handed out.");
	}

}
