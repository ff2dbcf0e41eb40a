package dev.porchlight.domain.annotation;

import java.util.List;

import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.customer.CustomerId;

/**
 * What staff add to conversations and customers for themselves: tags and private notes.
 */
public interface Annotations {

	void tag(ConversationId conversation, String tag);

	void untag(ConversationId conversation, String tag);

	List<String> tags(ConversationId conversation);

	void tag(CustomerId customer, String tag);

	void untag(CustomerId customer, String tag);

	List<String> tags(CustomerId customer);

	void addNote(ConversationId conversation, Note note);

	List<Note> notes(ConversationId conversation);

	void addNote(CustomerId customer, Note note);

	List<Note> notes(CustomerId customer);

}
