package dev.porchlight.domain.email;

import java.time.Instant;
import java.util.Optional;

import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import org.jspecify.annotations.Nullable;

/**
 * Mail taken in: which mails were seen (so one fetched or posted twice is one message),
 * and which visitor stands for an email sender on a site.
 */
public interface InboundEmails {

	/**
	 * Records a mail as taken in, unless it was before.
	 * @param key a stable key of the mail (a hash of its Message-ID)
	 * @param conversation where it went, if anywhere
	 * @param at now
	 * @return true the first time
	 */
	boolean firstTime(String key, @Nullable ConversationId conversation, Instant at);

	/**
	 * Records which conversation a mail taken in started.
	 */
	void startedConversation(String key, ConversationId conversation);

	/**
	 * Forgets a mail taken in, so it can be taken again (its handling failed).
	 */
	void forget(String key);

	Optional<VisitorId> senderVisitor(SiteId site, String address);

	/**
	 * Records the visitor for a sender; when another node did first, returns theirs.
	 */
	VisitorId rememberSenderVisitor(SiteId site, String address, VisitorId visitor);

}
