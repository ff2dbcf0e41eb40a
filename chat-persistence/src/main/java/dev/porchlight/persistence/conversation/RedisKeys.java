package dev.porchlight.persistence.conversation;

import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;

/**
 * Every Redis key and Pub/Sub channel of the live path. A conversation's keys and its
 * channel share the hash tag {@code {c:ID}}, so on Redis Cluster they live in one slot
 * (and one Lua script can change them atomically), and the channel is ready for sharded
 * Pub/Sub.
 */
final class RedisKeys {

	static final String INBOX = "pl:inbox";

	/**
	 * The archive queue before it was divided into shards; emptied into the shards when
	 * found (after an upgrade).
	 */
	static final String LEGACY_AWAITING_ARCHIVE = "pl:archive:pending";

	/**
	 * Shards of the archive queue. Fixed: changing it would move conversations between
	 * shards while nodes of both counts run.
	 */
	static final int ARCHIVE_SHARDS = 16;

	/** Conversations that could not be archived, for an operator to look at. */
	static final String ARCHIVE_FAILED = "pl:archive:failed";

	/**
	 * What staff inboxes show: conversation summaries, visitors typing, read markers.
	 * Nodes listen only while they hold staff sockets.
	 */
	static final String INBOX_CHANNEL = "pl:inbox:events";

	/** Events every node hears: availability, presence, ended sessions. */
	static final String NODES_CHANNEL = "pl:events";

	private static final String CONVERSATION_CHANNEL_PREFIX = "pl:{c:";

	private static final String CONVERSATION_CHANNEL_SUFFIX = "}:events";

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

	static int archiveShard(ConversationId id) {
		return Math.floorMod(id.value().hashCode(), ARCHIVE_SHARDS);
	}

	/**
	 * The shard of the archive queue that lists a conversation: conversations whose log
	 * or state is ahead of the archive, scored by the newest state version to archive.
	 */
	static String awaitingArchive(ConversationId id) {
		return awaitingArchive(archiveShard(id));
	}

	static String awaitingArchive(int shard) {
		return "pl:archive:pending:" + shard;
	}

	static String archiveShardLease(int shard) {
		return "pl:archive:lease:" + shard;
	}

	/**
	 * The channel of one conversation's log entries, staff typing and read markers: only
	 * nodes with sockets following the conversation listen.
	 */
	static String channel(ConversationId id) {
		return CONVERSATION_CHANNEL_PREFIX + id + CONVERSATION_CHANNEL_SUFFIX;
	}

	static String ofVisitor(VisitorId id) {
		return "pl:{v:" + id + "}:conversations";
	}

	static String ofCustomer(SiteId site, CustomerId customer) {
		return "pl:{cu:" + customer + "}:" + site + ":conversations";
	}

}
