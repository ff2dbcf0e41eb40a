package dev.porchlight.persistence.conversation;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveEvent;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The live events as they travel over Redis Pub/Sub: which channel each goes to, and
 * their JSON (the entry and state fields are those of {@code redis/live.lua}, read by
 * {@link LiveSchema}). An event of a type this release does not know (from a node of
 * another release) decodes to null and is ignored.
 */
final class LiveEventCodec {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private LiveEventCodec() {
	}

	/**
	 * An event ready to publish.
	 *
	 * @param channel where it goes
	 * @param payload its JSON
	 */
	record Encoded(String channel, String payload) {
	}

	static Encoded encode(LiveEvent.Signal signal) {
		ObjectNode event = JSON.createObjectNode();
		String channel = switch (signal) {
			case LiveEvent.Typing typing -> {
				event.put("t", "y");
				event.put("id", typing.id().toString());
				event.put("side", typing.side().name());
				event.put("typing", typing.typing());
				event.put("draft", typing.draft());
				event.put("name", typing.name());
				event.put("site", (typing.site() != null) ? typing.site().toString() : null);
				// Visitors' typing shows in every staff inbox; staff typing only to the
				// visitor's sockets that follow the conversation.
				yield (typing.side() == Sender.Kind.VISITOR) ? RedisKeys.INBOX_CHANNEL : RedisKeys.channel(typing.id());
			}
			case LiveEvent.StaffAvailability availability -> {
				event.put("t", "a");
				event.put("available", availability.available());
				yield RedisKeys.NODES_CHANNEL;
			}
			case LiveEvent.VisitorPresence presence -> {
				event.put("t", "v");
				event.put("visitor", presence.visitor().toString());
				event.put("online", presence.online());
				event.put("page", presence.page());
				event.put("title", presence.title());
				event.put("site", (presence.site() != null) ? presence.site().toString() : null);
				event.put("browser", presence.browser());
				yield RedisKeys.NODES_CHANNEL;
			}
			case LiveEvent.SessionEnded ended -> {
				event.put("t", "x");
				event.put("session", ended.digest());
				yield RedisKeys.NODES_CHANNEL;
			}
			case LiveEvent.SessionsEnded ended -> {
				event.put("t", "X");
				event.put("account", ended.account().toString());
				yield RedisKeys.NODES_CHANNEL;
			}
			// What staff change outside a log goes where inbox summaries go: to exactly
			// the
			// nodes holding staff sockets.
			case LiveEvent.CustomerChanged changed -> {
				event.put("t", "c");
				event.put("id", changed.customer().toString());
				event.put("name", changed.name());
				event.put("email", changed.email());
				event.put("into", (changed.mergedInto() != null) ? changed.mergedInto().toString() : null);
				yield RedisKeys.INBOX_CHANNEL;
			}
			case LiveEvent.ConversationLinked linked -> {
				// On the conversation's own channel: the nodes whose sockets follow it.
				event.put("t", "L");
				event.put("visitor", linked.visitor().toString());
				event.put("customer", linked.customer().toString());
				yield RedisKeys.channel(linked.conversation());
			}
			case LiveEvent.CustomerErased erased -> {
				event.put("t", "E");
				event.put("id", erased.customer().toString());
				ArrayNode conversations = event.putArray("conversations");
				erased.conversations().forEach((id) -> conversations.add(id.toString()));
				yield RedisKeys.INBOX_CHANNEL;
			}
			case LiveEvent.TagsChanged tags -> {
				event.put("t", "g");
				event.put("conversation", (tags.conversation() != null) ? tags.conversation().toString() : null);
				event.put("customer", (tags.customer() != null) ? tags.customer().toString() : null);
				ArrayNode list = event.putArray("tags");
				tags.tags().forEach(list::add);
				yield RedisKeys.INBOX_CHANNEL;
			}
			// Every node: visitors' nodes name staff in messages too.
			case LiveEvent.TeamChanged team -> {
				event.put("t", "T");
				ArrayNode members = event.putArray("team");
				team.team()
					.forEach((member) -> members.addObject()
						.put("id", member.id().toString())
						.put("name", member.displayName()));
				yield RedisKeys.NODES_CHANNEL;
			}
		};
		return new Encoded(channel, JSON.writeValueAsString(event));
	}

	/** An event of one conversation's channel: for sockets following it. */
	static @Nullable LiveEvent conversationEvent(ConversationId conversation, byte[] payload) {
		JsonNode event = JSON.readTree(payload);
		return switch (event.path("t").asString("")) {
			case "e" ->
				new LiveEvent.EntryAdded(LiveSchema.entry(conversation, event.path("seq").asLong(), fields(event)));
			case "r" -> readMarked(conversation, event, false);
			case "y" -> typing(conversation, event);
			case "L" ->
				new LiveEvent.ConversationLinked(conversation, VisitorId.parse(event.path("visitor").asString()),
						CustomerId.parse(event.path("customer").asString()));
			default -> null;
		};
	}

	/** An event of the inbox channel: for staff sockets. */
	static @Nullable LiveEvent inboxEvent(byte[] payload) {
		JsonNode event = JSON.readTree(payload);
		return switch (event.path("t").asString("")) {
			case "s" -> {
				ConversationId id = ConversationId.parse(event.path("id").asString());
				yield new LiveEvent.StateChanged(id, state(id, event.path("m")));
			}
			case "r" -> readMarked(ConversationId.parse(event.path("id").asString()), event, true);
			case "y" -> typing(ConversationId.parse(event.path("id").asString()), event);
			case "c" -> new LiveEvent.CustomerChanged(CustomerId.parse(event.path("id").asString()),
					text(event, "name"), text(event, "email"),
					(text(event, "into") != null) ? CustomerId.parse(text(event, "into")) : null);
			case "E" -> new LiveEvent.CustomerErased(CustomerId.parse(event.path("id").asString()),
					event.path("conversations")
						.valueStream()
						.map((id) -> ConversationId.parse(id.asString()))
						.toList());
			case "g" -> new LiveEvent.TagsChanged(
					(text(event, "conversation") != null) ? ConversationId.parse(text(event, "conversation")) : null,
					(text(event, "customer") != null) ? CustomerId.parse(text(event, "customer")) : null,
					event.path("tags").valueStream().map(JsonNode::asString).toList());
			default -> null;
		};
	}

	/** An event of the nodes channel: for every node. */
	static @Nullable LiveEvent nodesEvent(byte[] payload) {
		JsonNode event = JSON.readTree(payload);
		return switch (event.path("t").asString("")) {
			case "a" -> new LiveEvent.StaffAvailability(event.path("available").asBoolean());
			case "v" -> new LiveEvent.VisitorPresence(VisitorId.parse(event.path("visitor").asString()),
					event.path("online").asBoolean(), text(event, "page"), text(event, "title"), text(event, "browser"),
					site(event));
			case "x" -> new LiveEvent.SessionEnded(event.path("session").asString());
			case "X" -> new LiveEvent.SessionsEnded(AccountId.parse(event.path("account").asString()));
			case "T" -> new LiveEvent.TeamChanged(event.path("team")
				.valueStream()
				.map((member) -> new LiveEvent.TeamChanged.Member(AccountId.parse(member.path("id").asString()),
						member.path("name").asString()))
				.toList());
			default -> null;
		};
	}

	private static LiveEvent.ReadMarked readMarked(ConversationId id, JsonNode event, boolean forStaff) {
		return new LiveEvent.ReadMarked(id, Sender.Kind.valueOf(event.path("side").asString()),
				event.path("seq").asLong(), forStaff, site(event));
	}

	private static LiveEvent.Typing typing(ConversationId id, JsonNode event) {
		return new LiveEvent.Typing(id, Sender.Kind.valueOf(event.path("side").asString()),
				event.path("typing").asBoolean(), text(event, "draft"), text(event, "name"), site(event));
	}

	/**
	 * The conversation's state, decoded when first asked for (and then kept): a node that
	 * coalesces many changes of one conversation decodes only the last.
	 */
	private static Supplier<LiveConversation> state(ConversationId id, JsonNode meta) {
		return new Supplier<>() {

			private @Nullable LiveConversation state;

			@Override
			public synchronized LiveConversation get() {
				if (this.state == null) {
					this.state = LiveSchema.state(id, fields(meta));
				}
				return this.state;
			}

		};
	}

	private static Map<String, String> fields(JsonNode object) {
		Map<String, String> fields = new HashMap<>();
		object.properties().forEach((field) -> {
			if (field.getValue().isValueNode()) {
				fields.put(field.getKey(), field.getValue().asString());
			}
		});
		return fields;
	}

	/** The site an event names; events of an earlier release name none. */
	private static @Nullable SiteId site(JsonNode event) {
		String site = text(event, "site");
		return (site != null) ? SiteId.parse(site) : null;
	}

	private static @Nullable String text(JsonNode event, String field) {
		JsonNode value = event.get(field);
		return (value == null || value.isNull()) ? null : value.asString();
	}

}
