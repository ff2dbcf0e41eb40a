package dev.porchlight.api.live;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;

import org.springframework.stereotype.Component;

/**
 * How log entries and conversations look on the wire, for each side. Visitors never see
 * staff account ids, only display names; staff see everything.
 */
@Component
class Encoding {

	private final Accounts accounts;

	private final Map<AccountId, String> staffNames = new ConcurrentHashMap<>();

	Encoding(Accounts accounts) {
		this.accounts = accounts;
	}

	String event(LogEntry entry, boolean forStaff) {
		Map<String, Object> frame = Frame.out("event");
		frame.put("conversationId", entry.conversationId().toString());
		frame.put("seq", entry.seq());
		frame.put("kind", entry.kind().name().toLowerCase(Locale.ROOT));
		frame.put("at", entry.at().toString());
		frame.put("by", sender(entry.sender(), forStaff));
		if (entry.kind() == LogEntry.Kind.MESSAGE && entry.body() != null && entry.clientId() != null) {
			Map<String, Object> message = new LinkedHashMap<>();
			message.put("clientId", entry.clientId().value());
			message.put("body", entry.body().text());
			frame.put("message", message);
		}
		return Frame.write(frame);
	}

	Map<String, Object> sender(Sender sender, boolean forStaff) {
		Map<String, Object> by = new LinkedHashMap<>();
		by.put("kind", sender.kind().name().toLowerCase(Locale.ROOT));
		if (sender.accountId() != null) {
			by.put("name", staffName(sender.accountId()));
			if (forStaff) {
				by.put("id", sender.accountId().toString());
			}
		}
		if (sender.visitorId() != null && forStaff) {
			by.put("id", sender.visitorId().toString());
		}
		return by;
	}

	Map<String, Object> conversation(LiveConversation live, boolean forStaff) {
		Conversation conversation = live.conversation();
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("id", conversation.id().toString());
		view.put("status", conversation.status().name().toLowerCase(Locale.ROOT));
		view.put("startedAt", conversation.startedAt().toString());
		view.put("lastActivityAt", conversation.lastActivityAt().toString());
		view.put("lastSeq", live.lastSeq());
		view.put("preview", live.preview());
		view.put("lastSender", (live.lastSender() != null) ? live.lastSender().name().toLowerCase(Locale.ROOT) : null);
		if (forStaff) {
			view.put("siteId", conversation.siteId().toString());
			view.put("visitorId", conversation.visitorId().toString());
			view.put("customerId", (conversation.customerId() != null) ? conversation.customerId().toString() : null);
			view.put("unread", live.unreadForStaff());
			view.put("awaitingReply", live.awaitingReply());
			view.put("readByVisitor", live.readByVisitor());
			view.put("readByStaff", live.readByStaff());
			view.put("assignee", (live.assignee() != null) ? live.assignee().toString() : null);
			view.put("assigneeName", (live.assignee() != null) ? staffName(live.assignee()) : null);
			PageContext context = conversation.context();
			Map<String, Object> page = new LinkedHashMap<>();
			page.put("url", context.url());
			page.put("title", context.title());
			page.put("referrer", context.referrer());
			page.put("locale", context.locale());
			view.put("context", page);
		}
		else {
			view.put("unread", live.unreadForVisitor());
			view.put("readByStaff", live.readByStaff());
			view.put("readByVisitor", live.readByVisitor());
		}
		return view;
	}

	String staffName(AccountId id) {
		return this.staffNames.computeIfAbsent(id,
				(key) -> Optional.ofNullable(this.accounts.findById(key).orElse(null))
					.map(Account::displayName)
					.orElse("Staff"));
	}

}
