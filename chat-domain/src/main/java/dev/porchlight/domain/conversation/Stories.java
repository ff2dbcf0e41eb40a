package dev.porchlight.domain.conversation;

import java.util.Collection;
import java.util.List;

import dev.porchlight.domain.account.SiteScope;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.visitor.VisitorId;

/**
 * Customers' stories in the archive: which conversations are whose, and moving or
 * removing them when customers are identified, merged or erased.
 */
public interface Stories {

	/**
	 * The customer's conversations in the archive, newest first: their story.
	 * @param customer the customer
	 * @return the conversations' ids
	 */
	List<ConversationId> conversations(CustomerId customer);

	/**
	 * The customer's conversations on some sites, newest first: their story as a staff
	 * member limited to those sites sees it.
	 * @param customer the customer
	 * @param scope the sites
	 * @return the conversations' ids
	 */
	List<ConversationId> conversations(CustomerId customer, SiteScope scope);

	/**
	 * Attaches every conversation of a visitor that has no customer yet to this customer.
	 * @param visitor the visitor
	 * @param customer the customer
	 * @return the conversations attached
	 */
	List<ConversationId> attachConversationsOf(VisitorId visitor, CustomerId customer);

	/**
	 * Makes an archived conversation part of a customer's story (staff linked it), in
	 * place of the customer it had, if any.
	 * @param conversation the conversation
	 * @param customer the customer
	 * @return false when the archive does not know the conversation
	 */
	boolean link(ConversationId conversation, CustomerId customer);

	/**
	 * Moves everything of {@code source} to {@code target} — conversations, visitors,
	 * site ids, notes, tags, missing contact details — and deletes {@code source}, in one
	 * transaction.
	 * @param source the customer that disappears
	 * @param target the customer that stays
	 * @return what moved
	 */
	Merged merge(CustomerId source, CustomerId target);

	/**
	 * Deletes the customer with every conversation, message, note and visitor of theirs.
	 * @param customer the customer
	 * @return what was deleted
	 */
	Erased erase(CustomerId customer);

	/**
	 * Deletes what email kept of erased conversations that were only in Redis (no row of
	 * theirs to delete in PostgreSQL yet): their queued and sent emails with the
	 * addresses they went to, the record of mail taken into them, and staff notices.
	 * {@link #erase} does the same for the archived ones.
	 * @param conversations the conversations
	 */
	void eraseEmailsOf(Collection<ConversationId> conversations);

	/**
	 * What an erasure deleted.
	 *
	 * @param conversations the conversations
	 * @param visitors the visitors
	 */
	record Erased(List<ConversationId> conversations, List<VisitorId> visitors) {
	}

	/**
	 * What a merge moved.
	 *
	 * @param conversations conversations moved
	 * @param visitors the visitors moved
	 * @param externalIds site ids moved
	 */
	record Merged(List<ConversationId> conversations, List<VisitorId> visitors, int externalIds) {
	}

}
