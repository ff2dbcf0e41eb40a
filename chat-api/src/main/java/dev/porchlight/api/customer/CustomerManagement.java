package dev.porchlight.api.customer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.porchlight.api.security.Actor;
import dev.porchlight.api.visitor.UnverifiedIdentity;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.api.web.PorchlightProperties;
import dev.porchlight.domain.attachment.AttachmentFiles;
import dev.porchlight.domain.attachment.Attachments;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.common.Text;
import dev.porchlight.domain.conversation.AttachmentId;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LiveEvent;
import dev.porchlight.domain.conversation.LiveEvents;
import dev.porchlight.domain.conversation.Stories;
import dev.porchlight.domain.conversation.Transcripts;
import dev.porchlight.domain.customer.Customer;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.visitor.Revocations;
import dev.porchlight.domain.visitor.VisitorId;
import dev.porchlight.domain.visitor.Visitors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Customers as the owner works with them: identified by an email the visitor left,
 * edited, merged, erased — every change by staff audited. An email a visitor leaves
 * creates (or updates) a customer record of that visitor's own; it never links them to an
 * existing customer, so nobody can reach a customer's history by typing their email.
 * Staff may link a conversation of a site they serve to any customer they may see: that
 * moves the conversation into the customer's story, and grants its visitor nothing. Every
 * change reaches open dashboards of staff who serve every site at once.
 */
@Service
public class CustomerManagement {

	private static final Logger log = LoggerFactory.getLogger(CustomerManagement.class);

	private final Customers customers;

	private final Stories stories;

	private final Visitors visitors;

	private final LiveConversations live;

	private final AuditLog audit;

	private final Revocations revocations;

	private final Duration revokeFor;

	private final Transcripts transcripts;

	private final LiveEvents events;

	private final Clock clock = Clock.systemUTC();

	private final Attachments attachments;

	private final AttachmentFiles files;

	CustomerManagement(Customers customers, Stories stories, Visitors visitors, LiveConversations live, AuditLog audit,
			Revocations revocations, Transcripts transcripts, LiveEvents events, Attachments attachments,
			AttachmentFiles files, PorchlightProperties porchlight) {
		// A day, or twice a token's life if that is longer: no token of an erased visitor
		// may outlive the revocation.
		Duration ttl = porchlight.visitorTokenTtl().multipliedBy(2);
		this.revokeFor = (ttl.compareTo(Duration.ofDays(1)) > 0) ? ttl : Duration.ofDays(1);
		this.attachments = attachments;
		this.files = files;
		this.revocations = revocations;
		this.customers = customers;
		this.stories = stories;
		this.visitors = visitors;
		this.live = live;
		this.audit = audit;
		this.transcripts = transcripts;
		this.events = events;
	}

	/**
	 * A visitor left their email (pre-chat or away form).
	 * @param visitor the visitor
	 * @param vouched the customer the site vouches for in this visitor's session (what
	 * their token carries), null for none: a browser's link from an earlier session does
	 * not count
	 * @param email the email
	 * @param name the name, if given
	 * @return the visitor's customer
	 */
	public CustomerId contactLeft(VisitorId visitor, @Nullable CustomerId vouched, EmailAddress email,
			@Nullable String name, @Nullable String browser) {
		return ownRecord(visitor, vouched, email, name, browser);
	}

	/**
	 * A visitor's page claimed who they are without a valid signature: what it claimed
	 * goes into a record of the visitor's own, as if they had typed it.
	 * @param claim the claim
	 */
	@EventListener
	void unverifiedIdentity(UnverifiedIdentity claim) {
		EmailAddress email = null;
		try {
			email = (claim.email() != null && !claim.email().isBlank()) ? new EmailAddress(claim.email()) : null;
		}
		catch (DomainException ex) {
			// Not an email: nothing to keep of it.
		}
		String name = Text.optional("name", claim.name(), Customer.MAX_NAME);
		if (email != null || name != null) {
			// The claim came with no identity the site vouched for.
			ownRecord(claim.visitor(), null, email, name, null);
		}
	}

	private CustomerId ownRecord(VisitorId visitor, @Nullable CustomerId vouched, @Nullable EmailAddress email,
			@Nullable String name, @Nullable String browser) {
		Instant now = this.clock.instant();
		CustomerId customer;
		CustomerId own = this.visitors.contactCustomer(visitor).orElse(null);
		if (vouched != null || (own != null
				&& (this.visitors.contactCustomerMerged(visitor) || !this.visitors.holdsOnlyTheirs(visitor, own)))) {
			// Vouched for by the site in this session, or the owner made the visitor's
			// record someone's (merged it into another, merged another into it, linked
			// others' conversations to it): what the visitor types may fill a gap (as
			// unsigned details beside an identity token do: never marked verified), never
			// replace what the site signed or the owner has. A browser vouched for in an
			// earlier
			// session only (a shared computer, an identity refused or switched off since)
			// gets a record of its own below, not the vouched one.
			customer = (vouched != null) ? vouched : own;
			Customer current = this.customers.findById(customer).orElseThrow();
			this.customers.update(new Customer(current.id(), (current.name() != null) ? current.name() : name,
					(current.email() != null) ? current.email() : email, current.phone(), current.firstSeenAt(), now));
		}
		else if (own != null) {
			// The record this visitor's earlier form created.
			Customer current = this.customers.findById(own).orElseThrow();
			this.customers.update(new Customer(current.id(), (name != null) ? name : current.name(),
					(email != null) ? email : current.email(), current.phone(), current.firstSeenAt(), now));
			customer = own;
		}
		else {
			Customer created = new Customer(CustomerId.random(), name, email, null, now, now);
			this.customers.add(created);
			this.visitors.linkCustomer(visitor, created.id(), false);
			this.visitors.setContactCustomer(visitor, created.id());
			customer = created.id();
		}
		// Live conversations (maybe not archived yet) and archived ones both get the
		// customer.
		for (LiveConversation conversation : this.live.ofVisitor(visitor)) {
			if (conversation.conversation().customerId() == null) {
				this.live.assignCustomer(conversation.id(), customer);
			}
			var context = conversation.conversation().context();
			this.customers.recordVisit(customer,
					new Customers.Visit(context.url(), context.title(), context.referrer(), context.locale(), browser));
		}
		for (ConversationId conversation : this.stories.attachConversationsOf(visitor, customer)) {
			this.live.assignCustomer(conversation, customer);
		}
		this.customers.findById(customer).ifPresent((changed) -> changed(changed, null));
		return customer;
	}

	Customer create(Actor actor, @Nullable String name, @Nullable String email, @Nullable String phone) {
		Instant now = this.clock.instant();
		Customer customer = new Customer(CustomerId.random(), name,
				(email != null && !email.isBlank()) ? new EmailAddress(email) : null, phone, now, now);
		if (customer.name() == null && customer.email() == null && customer.phone() == null) {
			throw new DomainException("invalid_customer",
					"A customer needs at least a name, an email or a phone number.");
		}
		this.customers.add(customer);
		record(actor, "customer.created", customer.id(), Map.of());
		return customer;
	}

	Customer get(CustomerId id) {
		return this.customers.findById(id).orElseThrow(() -> ApiException.notFound("customer"));
	}

	Customer update(Actor actor, CustomerId id, @Nullable String name, @Nullable String email, @Nullable String phone) {
		Customer current = get(id);
		Customer changed = new Customer(id, (name != null) ? name : current.name(),
				(email != null) ? (email.isBlank() ? null : new EmailAddress(email)) : current.email(),
				(phone != null) ? phone : current.phone(), current.firstSeenAt(), current.lastSeenAt());
		this.customers.update(changed);
		record(actor, "customer.updated", id, Map.of());
		changed(changed, null);
		return changed;
	}

	Stories.Merged merge(Actor actor, CustomerId source, CustomerId target) {
		Customer from = get(source);
		get(target);
		Stories.Merged merged = this.stories.merge(source, target);
		merged.conversations().forEach((conversation) -> this.live.assignCustomer(conversation, target));
		// Conversations too new to be in PostgreSQL yet move too.
		for (VisitorId visitor : merged.visitors()) {
			for (LiveConversation conversation : this.live.ofVisitor(visitor)) {
				if (source.equals(conversation.conversation().customerId())) {
					this.live.assignCustomer(conversation.id(), target);
				}
			}
		}
		record(actor, "customer.merged", target,
				Map.of("from", source.toString(), "conversations", String.valueOf(merged.conversations().size()),
						"visitors", String.valueOf(merged.visitors().size()), "external_ids",
						String.valueOf(merged.externalIds())));
		// The surviving record may have taken details of the other one.
		this.customers.findById(target).ifPresent((kept) -> changed(kept, null));
		changed(from, target);
		return merged;
	}

	List<ConversationId> erase(Actor actor, CustomerId id) {
		get(id);
		Stories.Erased erased = this.stories.erase(id);
		Set<ConversationId> gone = new LinkedHashSet<>(erased.conversations());
		// Conversations too new to be in PostgreSQL yet go too.
		for (VisitorId visitor : erased.visitors()) {
			this.live.ofVisitor(visitor).forEach((conversation) -> gone.add(conversation.id()));
			// Their tokens stop working now, not when they expire.
			this.revocations.revoke(visitor, this.revokeFor);
		}
		gone.forEach(this.live::forget);
		// A transcript asked for, a mail taken in or a notice about those new ones is in
		// PostgreSQL already: it goes too, or a queued transcript would still be sent.
		this.stories.eraseEmailsOf(gone);
		// Their files: the records, then the bytes (never served again once their record
		// is gone, even if the store cannot delete them now).
		List<AttachmentId> files = this.attachments.removeOf(gone);
		try {
			this.files.delete(files);
		}
		catch (RuntimeException ex) {
			log.warn("The bytes of {} erased files could not be deleted: {}", files.size(),
					ex.getClass().getSimpleName());
		}
		record(actor, "customer.erased", id,
				Map.of("conversations", String.valueOf(gone.size()), "files", String.valueOf(files.size())));
		// Dashboards drop them, the archived and the new alike (those of staff who serve
		// every site; the others on their next load).
		List<ConversationId> all = List.copyOf(gone);
		this.events.publish(new LiveEvent.CustomerErased(id, all));
		return all;
	}

	/**
	 * Links a conversation to a customer, existing or new (by email): it becomes part of
	 * their story (archived and live alike), audited as {@code conversation.linked}. The
	 * visitor who wrote it gains nothing: what a visitor may read is decided by their own
	 * credentials only.
	 * @param actor who links it
	 * @param id the conversation
	 * @param existing the customer, or null to create one
	 * @param email the new customer's email (when {@code existing} is null)
	 * @param name the new customer's name, if given
	 * @param serves whether the staff member linking serves a site (null: a site unknown,
	 * which only staff who serve every site do)
	 * @return the customer the conversation belongs to now
	 */
	Customer link(Actor actor, ConversationId id, @Nullable CustomerId existing, @Nullable String email,
			@Nullable String name, java.util.function.Predicate<dev.porchlight.domain.site.@Nullable SiteId> serves) {
		Optional<LiveConversation> live = this.live.find(id);
		if (live.isEmpty() && !this.transcripts.archivedSeqs(List.of(id)).containsKey(id)) {
			throw ApiException.notFound("conversation");
		}
		// Another site's conversation is "not found" to an agent who does not serve it;
		// one found only in the archive, to any agent limited to sites.
		if (!serves.test(live.map((state) -> state.conversation().siteId()).orElse(null))) {
			throw ApiException.notFound("conversation");
		}
		boolean created = existing == null;
		Customer customer;
		if (created) {
			if (email == null || email.isBlank()) {
				throw new DomainException("invalid_email", "Give the new customer's email, or choose a customer.");
			}
			customer = create(actor, name, email, null);
		}
		else {
			customer = get(existing);
		}
		// Live state first: an archive pass that starts now already writes the new
		// customer; the archived row (which the customer's story reads) follows.
		live.ifPresent((state) -> {
			this.live.assignCustomer(id, customer.id());
			if (this.transcripts.archivedSeq(id) == 0) {
				this.transcripts.archive(state.conversation(), state.version(), List.of());
			}
		});
		this.stories.link(id, customer.id());
		Map<String, String> details = new LinkedHashMap<>();
		details.put("customer", customer.id().toString());
		details.put("created", String.valueOf(created));
		live.map((state) -> state.conversation().customerId())
			.ifPresent((before) -> details.put("before", before.toString()));
		this.audit.record(actor.did(this.clock.instant(), "conversation.linked", "conversation:" + id, details));
		// A vouched browser of the customer it belonged to stops following it (a socket
		// that missed this is refused at its next message and on its next subscribe).
		live.ifPresent((state) -> {
			try {
				this.events
					.publish(new LiveEvent.ConversationLinked(id, state.conversation().visitorId(), customer.id()));
			}
			catch (RuntimeException ex) {
				log.warn("Sockets following conversation {} were not told it was linked: {}", id,
						ex.getClass().getSimpleName());
			}
		});
		return customer;
	}

	/**
	 * Tells dashboards (of staff who serve every site) what a customer is called now, or
	 * where their record went.
	 */
	private void changed(Customer customer, @Nullable CustomerId mergedInto) {
		this.events.publish(new LiveEvent.CustomerChanged(customer.id(), customer.name(),
				(customer.email() != null) ? customer.email().value() : null, mergedInto));
	}

	private void record(Actor actor, String action, CustomerId customer, Map<String, String> details) {
		this.audit.record(actor.did(this.clock.instant(), action, "customer:" + customer, details));
	}

}
