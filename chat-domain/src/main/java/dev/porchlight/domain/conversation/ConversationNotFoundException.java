package dev.porchlight.domain.conversation;

import dev.porchlight.domain.common.DomainException;

/**
 * No live conversation with that id exists (or the caller may not know that it does: the
 * same error answers both, so ids cannot be probed).
 */
public class ConversationNotFoundException extends DomainException {

	public ConversationNotFoundException() {
		super("not_found", "No such conversation.");
	}

}
