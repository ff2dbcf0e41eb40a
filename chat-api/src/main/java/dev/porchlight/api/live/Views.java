package dev.porchlight.api.live;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.porchlight.api.attachment.AttachmentLinks;
import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveEvent;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.visitor.VisitorNames;

import org.springframework.stereotype.Component;

/**
 * How log entries and conversations look on the wire, for each side. Visitors never see
 * staff account ids, only display names; staff see everything.
 */
@Component
class Views {

	/** Staff names shown with their messages are looked up again after this long. */
	private static final long NAME_TTL_MILLIS = 60_000;

	private final Accounts accounts;

	private final AttachmentLinks links;

	private final Map<AccountId, CachedName> staffNames = new ConcurrentHashMap<>();

	Views(Accounts accounts, AttachmentLinks links) {
		this.accounts = accounts;
		this.links = links;
	}

	ServerFrame.Event event(LogEntry entry, boolean forStaff) {
		Sender sender = entry.sender();
		String name = (sender.accountId() != null) ? staffName(sender.accountId()) : null;
		String id = (forStaff && sender.id() != null) ? sender.id().toString() : null;
		ServerFrame.Message message = (entry.kind() == LogEntry.Kind.MESSAGE && entry.body() != null
				&& entry.clientId() != null)
						? new ServerFrame.Message(entry.clientId().value(), entry.body().text(),
								entry.attachments().isEmpty() ? List.of() : this.links.views(entry.attachments()))
						: null;
		return new ServerFrame.Event(entry.conversationId().toString(), entry.seq(), lower(entry.kind()),
				entry.at().toString(), new ServerFrame.By(lower(sender.kind()), name, id), message);
	}

	String eventText(LogEntry entry, boolean forStaff) {
		return Wire.write(event(entry, forStaff));
	}

	ConversationView view(LiveConversation live, boolean forStaff) {
		return forStaff ? staff(live) : visitor(live);
	}

	ConversationView.Visitor visitor(LiveConversation live) {
		Conversation conversation = live.conversation();
		return new ConversationView.Visitor(conversation.id().toString(), lower(conversation.status()),
				conversation.startedAt().toString(), conversation.lastActivityAt().toString(), live.lastSeq(),
				live.preview(), (live.lastSender() != null) ? lower(live.lastSender()) : null, live.unreadForVisitor(),
				live.readByStaff(), live.readByVisitor());
	}

	ConversationView.Staff staff(LiveConversation live) {
		Conversation conversation = live.conversation();
		PageContext context = conversation.context();
		return new ConversationView.Staff(conversation.id().toString(), lower(conversation.status()),
				conversation.startedAt().toString(), conversation.lastActivityAt().toString(), live.lastSeq(),
				live.preview(), (live.lastSender() != null) ? lower(live.lastSender()) : null,
				conversation.siteId().toString(), conversation.visitorId().toString(),
				VisitorNames.of(conversation.visitorId()),
				(conversation.customerId() != null) ? conversation.customerId().toString() : null,
				live.unreadForStaff(), live.awaitingReply(), live.readByVisitor(), live.readByStaff(),
				(live.assignee() != null) ? live.assignee().toString() : null,
				(live.assignee() != null) ? staffName(live.assignee()) : null,
				new ConversationView.Context(context.url(), context.title(), context.referrer(), context.locale()));
	}

	/**
	 * A staff member's display name, kept for a minute so that a rename shows soon
	 * without a lookup per message.
	 */
	String staffName(AccountId id) {
		long now = System.currentTimeMillis();
		CachedName cached = this.staffNames.get(id);
		if (cached != null && cached.until() > now) {
			return cached.name();
		}
		String name = this.accounts.findById(id).map(Account::displayName).orElse("Staff");
		this.staffNames.put(id, new CachedName(name, now + NAME_TTL_MILLIS));
		return name;
	}

	/**
	 * Takes the team's names as they are now (a rename, heard by every node), so the next
	 * message carries the new name without waiting for the cache to expire.
	 * @param team the enabled staff members
	 */
	void rename(List<LiveEvent.TeamChanged.Member> team) {
		long until = System.currentTimeMillis() + NAME_TTL_MILLIS;
		team.forEach((member) -> this.staffNames.put(member.id(), new CachedName(member.displayName(), until)));
	}

	private static String lower(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

	private record CachedName(String name, long until) {
	}

}
