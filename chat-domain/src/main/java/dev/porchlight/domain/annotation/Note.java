package dev.porchlight.domain.annotation;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.common.Text;
import org.jspecify.annotations.Nullable;

/**
 * A private note by staff on a conversation or a customer. Never shown to visitors.
 *
 * @param id random identifier
 * @param author who wrote it (null if that account was deleted)
 * @param body the text, 1 to 4000 characters
 * @param at when it was written
 */
public record Note(UUID id, @Nullable AccountId author, String body, Instant at) {

	public static final int MAX_LENGTH = 4000;

	public Note {
		Objects.requireNonNull(id, "id");
		body = Text.required("note", body, MAX_LENGTH);
		Objects.requireNonNull(at, "at");
	}

}
