package dev.porchlight.persistence.conversation;

import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;

/**
 * Every Redis key of the live path. A conversation's keys share the hash tag
 * {@code {c:ID}}, so on Redis Cluster they live in one slot and one Lua script can change
 * them atomically.
 */
final class RedisKeys {

	static final String INBOX = "pl:inbox";

	/**
	 * Conversations whose log is ahead of the archive, scored by the newest sequence to
	 * archive.
	 */
	static final String AWAITING_ARCHIVE = "pl:archive:pending";

	/** Conversations that could not be archived, for an operator to look at. */
	static final String ARCHIVE_FAILED = "pl:archive:failed";

	private RedisKeys() {
	}

	static String meta(ConversationId id) {
		return "pl:{c:" + id + "}:meta";
	}

	static String log(ConversationId id) {
		return "pl:{c:" + id + "}:log";
	}

	static String dedup(ConversationId id) {
		return "pl:{c:" + id + "}:dedup";
	}

	static String archiveLease(ConversationId id) {
		return "pl:{c:" + id + "}:archive-lease";
	}

	static String ofVisitor(VisitorId id) {
		return "pl:{v:" + id + "}:conversations";
	}

	static String ofCustomer(SiteId site, CustomerId customer) {
		return "pl:{cu:" + customer + "}:" + site + ":conversations";
	}

}
