package dev.porchlight.api.live;

import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.presence.Presences;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * What each client frame does, and the {@code welcome} every socket starts with. Events
 * for other sockets go out through the store and the {@link LiveRouter}, never from here.
 */
@Component
class LiveCommands {

	private final ConversationCommands conversations;

	private final PresenceCommands presence;

	private final LiveConversations live;

	private final Access access;

	private final Views views;

	private final Presences presences;

	private final LiveProperties properties;

	private final FrameLimits limits;

	LiveCommands(ConversationCommands conversations, PresenceCommands presence, LiveConversations live, Access access,
			Views views, Presences presences, LiveProperties properties, FrameLimits limits) {
		this.limits = limits;
		this.conversations = conversations;
		this.presence = presence;
		this.live = live;
		this.access = access;
		this.views = views;
		this.presences = presences;
		this.properties = properties;
	}

	/**
	 * Handles one frame.
	 * @return the direct answer, or null
	 */
	@Nullable ServerFrame handle(Connection connection, ClientFrame frame) {
		FrameLimits.Kind kind = FrameLimits.kindOf(frame);
		if (kind != null) {
			long now = System.nanoTime();
			long wait = connection.budget(this.limits, now).take(kind, now);
			if (wait > 0) {
				throw new ProtocolException("rate_limited",
						"Too many '" + kind.name().toLowerCase(java.util.Locale.ROOT) + "' frames; slow down.",
						Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(wait)));
			}
		}
		return switch (frame) {
			case ClientFrame.Ping ping -> new ServerFrame.Pong(ping.ref());
			case ClientFrame.Start start -> this.conversations.start(connection, start);
			case ClientFrame.Send send -> this.conversations.send(connection, send);
			case ClientFrame.Subscribe subscribe -> this.conversations.subscribe(connection, subscribe);
			case ClientFrame.Unsubscribe unsubscribe -> this.conversations.unsubscribe(connection, unsubscribe);
			case ClientFrame.Read read -> this.conversations.read(connection, read);
			case ClientFrame.Close close -> this.conversations.status(connection, close, ConversationStatus.CLOSED);
			case ClientFrame.Reopen reopen -> this.conversations.status(connection, reopen, ConversationStatus.OPEN);
			case ClientFrame.Assign assign -> this.conversations.assign(connection, assign);
			case ClientFrame.ListConversations list -> this.conversations.conversations(connection, list);
			case ClientFrame.Typing typing -> this.presence.typing(connection, typing);
			case ClientFrame.Page page -> this.presence.page(connection, page);
			case ClientFrame.Availability availability -> this.presence.availability(connection, availability);
		};
	}

	ServerFrame welcome(Connection connection) {
		boolean staff = !connection.isVisitor();
		return new ServerFrame.Welcome("porchlight.v1", staff ? "staff" : "visitor",
				this.properties.heartbeatInterval().toMillis(), this.properties.maxFrameBytes(), MessageBody.MAX_LENGTH,
				this.presences.anyStaffAvailable(), staff ? null : connection.visitor().visitorId().toString(),
				staff ? connection.staff().id().toString() : null,
				(staff ? this.access.inbox(connection, 500) : this.access.visible(connection.visitor())).stream()
					.map((conversation) -> this.views.view(conversation, staff))
					.toList());
	}

}
