package dev.porchlight.domain.conversation;

/**
 * Whether a conversation is going on or was closed by either side.
 */
public enum ConversationStatus {

	OPEN, CLOSED

}
