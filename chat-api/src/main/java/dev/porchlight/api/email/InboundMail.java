package dev.porchlight.api.email;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.porchlight.api.customer.CustomerManagement;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.email.EmailAddresses;
import dev.porchlight.domain.email.EmailOutbox;
import dev.porchlight.domain.email.InboundEmails;
import dev.porchlight.domain.email.SiteEmails;
import dev.porchlight.domain.ratelimit.Quota;
import dev.porchlight.domain.ratelimit.RateLimit;
import dev.porchlight.domain.ratelimit.RateLimitExceededException;
import dev.porchlight.domain.ratelimit.RateLimiter;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.visitor.Visitor;
import dev.porchlight.domain.visitor.VisitorId;
import dev.porchlight.domain.visitor.Visitors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Takes one received email into Porchlight, whether it came by IMAP or a provider's
 * webhook. A reply, found by its signed reply address or by the Message-ID it answers,
 * becomes the next visitor message of its conversation (marked as by email); a reply
 * address with a wrong signature is refused; any other mail starts a conversation on the
 * site whose address it was sent to, attached to a customer record of the sender's own,
 * unverified: a sender address can be forged, so it never grants access to anything.
 * Bounces mark the email and the address; automatic replies are dropped. A mail seen
 * twice (fetched again, posted again) is one message.
 */
@Component
public class InboundMail {

	private static final Logger log = LoggerFactory.getLogger(InboundMail.class);

	/** Never matches a SHA-256 hex digest: an email sender has no browser credential. */
	static final String NO_CREDENTIAL = "email-sender";

	private final LiveConversations live;

	private final InboundEmails inbound;

	private final EmailOutbox outbox;

	private final EmailAddresses addresses;

	private final SiteEmails siteEmails;

	private final Sites sites;

	private final Visitors visitors;

	private final CustomerManagement customers;

	private final ReplyTokens tokens;

	private final RateLimiter limiter;

	private final RateLimit perConversation;

	private final RateLimit newPerSender;

	private final EmailProperties properties;

	private final Clock clock = Clock.systemUTC();

	InboundMail(LiveConversations live, InboundEmails inbound, EmailOutbox outbox, EmailAddresses addresses,
			SiteEmails siteEmails, Sites sites, Visitors visitors, CustomerManagement customers, ReplyTokens tokens,
			RateLimiter limiter, EmailProperties properties) {
		this.live = live;
		this.inbound = inbound;
		this.outbox = outbox;
		this.addresses = addresses;
		this.siteEmails = siteEmails;
		this.sites = sites;
		this.visitors = visitors;
		this.customers = customers;
		this.tokens = tokens;
		this.limiter = limiter;
		this.properties = properties;
		this.perConversation = new RateLimit("email.inbound.conversation", properties.inboundPerConversationPerHour(),
				Duration.ofHours(1));
		this.newPerSender = new RateLimit("email.inbound.sender", 10, Duration.ofHours(1));
	}

	/**
	 * Takes a mail in.
	 * @param mail the parsed mail
	 * @return what became of it
	 * @throws RuntimeException when storage failed: nothing was kept, the mail may be
	 * offered again
	 */
	public Outcome take(InboundEmail mail) {
		try {
			return takeChecked(mail);
		}
		catch (DomainException | IllegalArgumentException ex) {
			// Something of the mail is not acceptable (an address, a name): it can never
			// be taken, so it must not be offered again and again. A domain message is
			// written for people and quotes nothing; any other may quote the mail's text,
			// which stays out of the log.
			String reason = (ex instanceof DomainException) ? ex.getMessage()
					: "a value in it is not acceptable (" + ex.getClass().getSimpleName() + ")";
			log.warn("An email (Message-ID hash {}) cannot be taken in: {}", key(mail), reason);
			return Outcome.of(Outcome.Kind.IGNORED, null, "The email cannot be taken in: " + reason);
		}
	}

	private Outcome takeChecked(InboundEmail mail) {
		if (mail.bounce() != null) {
			return bounce(mail.bounce());
		}
		if (mail.automatic()) {
			return Outcome.of(Outcome.Kind.IGNORED, null, "An automatic reply.");
		}
		if (mail.messageId() != null && this.outbox.conversationOf(mail.messageId()).isPresent()) {
			// One of our own emails, e.g. a copy to the shop's mailbox: never a message.
			return Outcome.of(Outcome.Kind.IGNORED, null, "An email Porchlight sent.");
		}
		ReplyTokens.Reading reading = this.tokens.read(mail.recipients());
		if (reading.forged()) {
			log.warn("Refused an email with a forged reply address (Message-ID hash {})", key(mail));
			return Outcome.of(Outcome.Kind.REFUSED, null, "The reply address is not one of ours.");
		}
		Optional<LiveConversation> conversation = reading.conversation().flatMap(this.live::find);
		if (conversation.isEmpty() && reading.conversation().isEmpty()) {
			conversation = thread(mail).flatMap(this.live::find);
		}
		String body = body(mail, conversation.isEmpty());
		if (body.isBlank()) {
			return Outcome.of(Outcome.Kind.IGNORED, null, "The email has no text.");
		}
		String key = key(mail);
		return conversation.map((found) -> reply(found, mail, key, body))
			.orElseGet(() -> startConversation(mail, key, body));
	}

	private Outcome reply(LiveConversation conversation, InboundEmail mail, String key, String body) {
		if (!this.inbound.firstTime(key, conversation.id(), this.clock.instant())) {
			return Outcome.of(Outcome.Kind.DUPLICATE, conversation.id(), "Taken in before.");
		}
		try {
			this.live.append(conversation.id(), ClientMessageId.ofEmail(key),
					Sender.visitor(conversation.conversation().visitorId()), MessageBody.typed(body),
					this.clock.instant(), new Quota(this.perConversation, conversation.id().toString()));
		}
		catch (RateLimitExceededException ex) {
			// Not taken: a later post of the same mail is a first time, not a duplicate.
			this.inbound.forget(key);
			return Outcome.of(Outcome.Kind.REFUSED, conversation.id(), "Too many emails to this conversation.");
		}
		catch (RuntimeException ex) {
			this.inbound.forget(key);
			throw ex;
		}
		if (mail.from() != null) {
			this.addresses.deliverable(mail.from());
		}
		return Outcome.of(Outcome.Kind.APPENDED, conversation.id(), null);
	}

	private Outcome startConversation(InboundEmail mail, String key, String body) {
		EmailAddress from;
		try {
			from = (mail.from() != null) ? new EmailAddress(mail.from()) : null;
		}
		catch (DomainException ex) {
			from = null;
		}
		if (from == null) {
			return Outcome.of(Outcome.Kind.IGNORED, null, "The email has no usable sender.");
		}
		Site site = site(mail.recipients()).orElse(null);
		if (site == null) {
			return Outcome.of(Outcome.Kind.IGNORED, null, "There is no site to take it.");
		}
		Instant now = this.clock.instant();
		// A mail taken before is a duplicate whatever the limit says, and uses none of
		// it.
		if (!this.inbound.firstTime(key, null, now)) {
			return Outcome.of(Outcome.Kind.DUPLICATE, null, "Taken in before.");
		}
		try {
			if (!this.limiter.tryAcquire(this.newPerSender, site.id() + ":" + from.normalized()).allowed()) {
				// Not taken: a later post of the same mail is a first time.
				this.inbound.forget(key);
				return Outcome.of(Outcome.Kind.REFUSED, null, "Too many new emails from this sender.");
			}
			VisitorId visitor = senderVisitor(site.id(), from.normalized(), now);
			String name = (mail.fromName() != null && !mail.fromName().isBlank())
					? mail.fromName().substring(0, Math.min(mail.fromName().length(), 120)) : null;
			// A sender is never vouched for: the mail's From can be anyone's.
			CustomerId customer = this.customers.contactLeft(visitor, null, from, name, "Email");
			Conversation conversation = Conversation.start(site.id(), visitor, customer, PageContext.unknown(), now);
			this.live.start(conversation);
			this.live.append(conversation.id(), ClientMessageId.ofEmail(key), Sender.visitor(visitor),
					MessageBody.typed(body), now);
			this.inbound.startedConversation(key, conversation.id());
			this.addresses.deliverable(from.value());
			return Outcome.of(Outcome.Kind.STARTED, conversation.id(), null);
		}
		catch (RuntimeException ex) {
			// Redis or PostgreSQL failed, the limit's check included: nothing was taken,
			// so the mail must not count as a duplicate when it comes again.
			this.inbound.forget(key);
			throw ex;
		}
	}

	private VisitorId senderVisitor(SiteId site, String address, Instant now) {
		Optional<VisitorId> known = this.inbound.senderVisitor(site, address);
		if (known.isPresent() && this.visitors.findById(known.get()).isPresent()) {
			return known.get();
		}
		Visitor visitor = Visitor.arrive(site, now);
		this.visitors.add(visitor, NO_CREDENTIAL);
		return this.inbound.rememberSenderVisitor(site, address, visitor.id());
	}

	/**
	 * The site whose own address (or a plus-address of it) the mail went to, else the
	 * oldest site.
	 */
	private Optional<Site> site(List<String> recipients) {
		for (String recipient : recipients) {
			String address = recipient.replaceFirst("\\+[^@]*@", "@");
			Optional<SiteId> site = this.siteEmails.siteOfAddress(address);
			if (site.isPresent()) {
				return this.sites.findById(site.get());
			}
		}
		return this.sites.all().stream().min(java.util.Comparator.comparing(Site::createdAt));
	}

	private Optional<ConversationId> thread(InboundEmail mail) {
		List<String> ids = new ArrayList<>(mail.inReplyTo());
		ids.addAll(mail.references().reversed());
		for (String id : ids) {
			Optional<ConversationId> conversation = this.outbox.conversationOf(id);
			if (conversation.isPresent()) {
				return conversation;
			}
		}
		return Optional.empty();
	}

	private Outcome bounce(DeliveryReport report) {
		String reason = EmailComposer.withoutAddresses(
				EmailComposer.clean("Bounced" + ((report.status() != null) ? " (" + report.status() + ")" : "")
						+ ((report.diagnostic() != null) ? ": " + report.diagnostic() : "")));
		reason = reason.substring(0, Math.min(reason.length(), 300));
		ConversationId conversation = null;
		if (report.originalMessageId() != null) {
			conversation = this.outbox.bounced(report.originalMessageId(), report.recipient(), reason).orElse(null);
		}
		if (report.recipient() != null && report.permanent() && conversation != null) {
			// Only for the address that email went to: a forged bounce for someone
			// else's address must not stop their mail.
			this.addresses.bounced(report.recipient(), reason, this.clock.instant());
		}
		return Outcome.of(Outcome.Kind.BOUNCE, conversation, (conversation != null) ? null : "Not an email of ours.");
	}

	private String body(InboundEmail mail, boolean newConversation) {
		StringBuilder body = new StringBuilder();
		String subject = (mail.subject() != null) ? EmailComposer.clean(mail.subject()) : "";
		if (newConversation && !subject.isBlank()) {
			body.append(subject).append("\n\n");
		}
		body.append(mail.text().strip());
		if (!mail.attachments().isEmpty()) {
			body.append("\n\n[Attached to the email, not kept: ")
				.append(String.join(", ", mail.attachments()))
				.append(']');
		}
		String text = body.toString().strip();
		if (text.length() > MessageBody.MAX_LENGTH) {
			text = text.substring(0, MessageBody.MAX_LENGTH - 40).strip() + "\n[… the email went on, shortened]";
		}
		return text;
	}

	/**
	 * A stable key of a mail: its Message-ID, or what it says when it has none.
	 */
	static String key(InboundEmail mail) {
		String basis = (mail.messageId() != null) ? "id:" + mail.messageId().toLowerCase(Locale.ROOT)
				: "content:" + mail.from() + "\n" + mail.subject() + "\n" + mail.text();
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(basis.getBytes(StandardCharsets.UTF_8)), 0, 20);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * What became of a mail.
	 *
	 * @param outcome what happened
	 * @param conversationId the conversation it went to, if any
	 * @param reason why it was not taken, if it was not
	 */
	public record Outcome(Kind outcome, @Nullable String conversationId, @Nullable String reason) {

		static Outcome of(Kind kind, @Nullable ConversationId conversation, @Nullable String reason) {
			return new Outcome(kind, (conversation != null) ? conversation.toString() : null, reason);
		}

		/**
		 * What can happen to a mail.
		 */
		public enum Kind {

			/** A reply, added to its conversation. */
			APPENDED,
			/** A new conversation. */
			STARTED,
			/** Taken in before. */
			DUPLICATE,
			/** A bounce of an email of ours. */
			BOUNCE,
			/** Not for a conversation: automatic, empty, no sender. */
			IGNORED,
			/** Not accepted: a forged reply address, a flood. */
			REFUSED

		}

	}

}
