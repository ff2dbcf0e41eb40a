package dev.porchlight.domain.conversation;

import java.util.Objects;
import java.util.UUID;

import dev.porchlight.domain.common.Ids;

/**
 * Identifies a conversation. Random, so that one id says nothing about another.
 *
 * @param value a random UUID
 */
public record ConversationId(UUID value) {

	public ConversationId {
		Objects.requireNonNull(value, "conversation id");
	}

	public static ConversationId random() {
		return new ConversationId(Ids.random());
	}

	public static ConversationId parse(String text) {
		return new ConversationId(Ids.parse("conversation", text));
	}

	@Override
	public String toString() {
		return this.value.toString();
	}

}
