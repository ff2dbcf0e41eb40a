package dev.porchlight.domain.conversation;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened live, as every node hears it. Events about one conversation's
 * log reach only the nodes that follow that conversation; what staff inboxes show
 * (conversation summaries, visitors typing, read markers) reaches every node that holds a
 * staff socket; the rest (availability, presence, ended sessions, the team) reaches every
 * node. What staff change outside a conversation's log (customers edited, merged, linked
 * or erased, tags) travels like inbox summaries, so dashboards show it without a reload
 * (those of staff who serve every site: these events name no site). Delivery is at most
 * once: whoever must not miss a log entry tells gaps by sequence and reads the log.
 */
public sealed interface LiveEvent {

	/**
	 * A new entry in a conversation's log.
	 *
	 * @param entry the entry
	 */
	record EntryAdded(LogEntry entry) implements LiveEvent {

		public EntryAdded {
			Objects.requireNonNull(entry, "entry");
		}

	}

	/**
	 * A conversation's summary changed (new, message, status, read marker, assignment,
	 * customer). The state is decoded only when asked for: a node that coalesces many
	 * changes of one conversation decodes only the last.
	 *
	 * @param id the conversation
	 * @param state its state after the change, decoded on first use
	 */
	record StateChanged(ConversationId id, Supplier<LiveConversation> state) implements LiveEvent {

		public StateChanged {
			Objects.requireNonNull(id, "id");
			Objects.requireNonNull(state, "state");
		}

	}

	/**
	 * One side's read marker moved. The store tells it twice: once to the nodes following
	 * the conversation, for the visitor's sockets there, and once to the nodes with staff
	 * sockets, for every staff socket; each copy says whom it is for, so no socket hears
	 * it twice.
	 *
	 * @param id the conversation
	 * @param side {@link Sender.Kind#VISITOR} or {@link Sender.Kind#STAFF}
	 * @param seq the marker after the change
	 * @param forStaff whether this copy is for staff sockets (otherwise for visitor
	 * sockets following the conversation)
	 * @param site the conversation's site, so it reaches only staff who serve it (null
	 * from a node of an earlier release: then only staff who serve every site)
	 */
	record ReadMarked(ConversationId id, Sender.Kind side, long seq, boolean forStaff,
			@Nullable SiteId site) implements LiveEvent {

		public ReadMarked {
			Objects.requireNonNull(id, "id");
			Objects.requireNonNull(side, "side");
		}

	}

	/**
	 * An event a node publishes itself (the others come from the store, as part of the
	 * change they report).
	 */
	sealed interface Signal extends LiveEvent {

	}

	/**
	 * Someone started or stopped typing.
	 *
	 * @param id the conversation
	 * @param side who types: visitors' typing reaches staff, staff's reaches visitors
	 * following the conversation
	 * @param typing whether they type
	 * @param draft the visitor's draft, only when the site shows drafts to staff
	 * @param name the staff member's display name
	 * @param site the conversation's site, so a visitor's typing reaches only staff who
	 * serve it (null from a node of an earlier release: only staff who serve every site)
	 */
	record Typing(ConversationId id, Sender.Kind side, boolean typing, @Nullable String draft, @Nullable String name,
			@Nullable SiteId site) implements Signal {

		public Typing {
			Objects.requireNonNull(id, "id");
			Objects.requireNonNull(side, "side");
		}

	}

	/**
	 * Whether any staff member is available now.
	 *
	 * @param available the answer
	 */
	record StaffAvailability(boolean available) implements Signal {
	}

	/**
	 * A visitor arrived on a page or left.
	 *
	 * @param visitor the visitor
	 * @param online whether any socket of theirs is open
	 * @param page the page's address
	 * @param title the page's title
	 * @param browser a short description of their browser and device, e.g. "Firefox on
	 * Windows"
	 * @param site the visitor's site, so it reaches only staff who serve it (null from a
	 * node of an earlier release: only staff who serve every site)
	 */
	record VisitorPresence(VisitorId visitor, boolean online, @Nullable String page, @Nullable String title,
			@Nullable String browser, @Nullable SiteId site) implements Signal {

		public VisitorPresence {
			Objects.requireNonNull(visitor, "visitor");
		}

	}

	/**
	 * One staff session ended (signed out); only a digest of its id travels.
	 *
	 * @param digest the session id's SHA-256, hex
	 */
	record SessionEnded(String digest) implements Signal {

		public SessionEnded {
			Objects.requireNonNull(digest, "digest");
		}

	}

	/**
	 * Every session of one staff account ended (password change, disabled).
	 *
	 * @param account the account
	 */
	record SessionsEnded(AccountId account) implements Signal {

		public SessionsEnded {
			Objects.requireNonNull(account, "account");
		}

	}

	/**
	 * A customer's details changed (edited by staff, left by the visitor, or the record
	 * was merged into another), so dashboards showing their name show the new one.
	 *
	 * @param customer the customer
	 * @param name the name now, if any
	 * @param email the email now, if any
	 * @param mergedInto the record that now holds everything of this one, when it was
	 * merged away
	 */
	record CustomerChanged(CustomerId customer, @Nullable String name, @Nullable String email,
			@Nullable CustomerId mergedInto) implements Signal {

		public CustomerChanged {
			Objects.requireNonNull(customer, "customer");
		}

	}

	/**
	 * Staff linked a live conversation to a customer (another than before, perhaps):
	 * visitors' sockets that followed it as the previous customer's, from a browser the
	 * site vouched for, stop following it.
	 *
	 * @param conversation the conversation
	 * @param visitor the visitor who started it (who may always follow it)
	 * @param customer the customer it belongs to now
	 */
	record ConversationLinked(ConversationId conversation, VisitorId visitor, CustomerId customer) implements Signal {

		public ConversationLinked {
			Objects.requireNonNull(conversation, "conversation");
			Objects.requireNonNull(visitor, "visitor");
			Objects.requireNonNull(customer, "customer");
		}

	}

	/**
	 * A customer was erased with every conversation of theirs: dashboards drop them.
	 *
	 * @param customer the customer
	 * @param conversations their conversations, archived and live
	 */
	record CustomerErased(CustomerId customer, List<ConversationId> conversations) implements Signal {

		public CustomerErased {
			Objects.requireNonNull(customer, "customer");
			conversations = List.copyOf(conversations);
		}

	}

	/**
	 * The tags of a conversation or of a customer changed.
	 *
	 * @param conversation the conversation, or null for a customer's tags
	 * @param customer the customer, or null for a conversation's tags
	 * @param tags the tags now
	 */
	record TagsChanged(@Nullable ConversationId conversation, @Nullable CustomerId customer,
			List<String> tags) implements Signal {

		public TagsChanged {
			if ((conversation == null) == (customer == null)) {
				throw new IllegalArgumentException("Tags belong to a conversation or to a customer");
			}
			tags = List.copyOf(tags);
		}

	}

	/**
	 * The team changed: an account was added, enabled, disabled or renamed. Every node
	 * hears it (the names of staff in messages to visitors come from it too).
	 *
	 * @param team the enabled staff members now
	 */
	record TeamChanged(List<Member> team) implements Signal {

		public TeamChanged {
			team = List.copyOf(team);
		}

		/**
		 * One staff member as others see them.
		 *
		 * @param id the account
		 * @param displayName the name shown to colleagues and visitors
		 */
		public record Member(AccountId id, String displayName) {

			public Member {
				Objects.requireNonNull(id, "id");
				Objects.requireNonNull(displayName, "displayName");
			}

		}

	}

}
