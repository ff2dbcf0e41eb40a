package dev.porchlight.domain.conversation;

import java.util.Objects;
import java.util.UUID;

import dev.porchlight.domain.common.Ids;

/**
 * Identifies an uploaded file. Random, so one id says nothing about another; knowing an
 * id never grants the file (see the signed links of the API).
 *
 * @param value a random UUID
 */
public record AttachmentId(UUID value) {

	public AttachmentId {
		Objects.requireNonNull(value, "attachment id");
	}

	public static AttachmentId random() {
		return new AttachmentId(Ids.random());
	}

	public static AttachmentId parse(String text) {
		return new AttachmentId(Ids.parse("attachment", text));
	}

	@Override
	public String toString() {
		return this.value.toString();
	}

}
