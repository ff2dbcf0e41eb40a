package dev.porchlight.api.live;

import dev.porchlight.api.attachment.AttachmentProperties;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.presence.Presences;
import dev.porchlight.domain.visitor.VisitorId;
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

	/** Files at most in one message, as the clients are told. */
	private final int maxAttachments;

	private final FrameLimits limits;

	private final MessageCommands messages;

	LiveCommands(ConversationCommands conversations, MessageCommands messages, PresenceCommands presence,
			LiveConversations live, Access access, Views views, Presences presences, LiveProperties properties,
			FrameLimits limits, AttachmentProperties attachments) {
		this.messages = messages;
		this.maxAttachments = attachments.maxPerMessage();
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
	 * @return the direct answer, or null (none, or one that follows later)
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
			// Answered when Redis has stored it; the socket's next frame meanwhile.
			case ClientFrame.Send send -> this.messages.send(connection, send);
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
		if (connection.isVisitor()) {
			return new ServerFrame.Welcome("porchlight.v1", "visitor", this.properties.heartbeatInterval().toMillis(),
					this.properties.maxFrameBytes(), MessageBody.MAX_LENGTH, this.maxAttachments,
					this.presences.anyStaffAvailable(), connection.visitor().visitorId().toString(), null,
					this.access.visible(connection.visitor())
						.stream()
						.map((conversation) -> this.views.view(conversation, false))
						.toList(),
					null);
		}
		List<LiveConversation> inbox = this.access.inbox(connection, 500);
		// Where the inbox's visitors are now, in one round trip: the dashboard shows
		// who is on the site from the start, not only those who move after it
		// connected. Only the inbox's visitors: those of sites this member serves.
		Set<VisitorId> visitors = new LinkedHashSet<>();
		inbox.forEach((conversation) -> visitors.add(conversation.conversation().visitorId()));
		List<ServerFrame.Visitor> present = new ArrayList<>();
		this.presences.visitors(visitors)
			.forEach((visitor, presence) -> present.add(new ServerFrame.Visitor(visitor.toString(), true,
					presence.page(), presence.title(), presence.browser())));
		return new ServerFrame.Welcome("porchlight.v1", "staff", this.properties.heartbeatInterval().toMillis(),
				this.properties.maxFrameBytes(), MessageBody.MAX_LENGTH, this.maxAttachments,
				this.presences.anyStaffAvailable(), null, connection.staff().id().toString(),
				inbox.stream().map((conversation) -> this.views.view(conversation, true)).toList(), present);
	}

}
