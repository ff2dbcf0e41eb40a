package dev.porchlight.api.email;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.porchlight.api.web.PorchlightProperties;
import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.Transcripts;
import dev.porchlight.domain.customer.Customer;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.email.EmailAddresses;
import dev.porchlight.domain.email.EmailOutbox;
import dev.porchlight.domain.email.OutboundEmail;
import dev.porchlight.domain.email.SiteEmail;
import dev.porchlight.domain.email.SiteEmails;
import dev.porchlight.domain.presence.Presences;
import dev.porchlight.domain.ratelimit.RateLimit;
import dev.porchlight.domain.ratelimit.RateLimiter;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import jakarta.mail.internet.MimeMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Sends the emails the outbox holds, on every node (a claim makes sure one node sends
 * each). A reply goes out once the visitor has had no open socket for
 * {@code porchlight.email.offline-delay} and has not read it in the chat; replies written
 * meanwhile go in the same email. A failure is retried with doubling waits and shown as
 * failed after the last try; the chat message itself is stored long before any of this
 * and never depends on it. Logs name emails by id and conversation, never their content
 * or address.
 */
@Component
public class EmailDispatcher {

	private static final Logger log = LoggerFactory.getLogger(EmailDispatcher.class);

	private static final int BATCH = 20;

	private static final int MAX_TRANSCRIPT = 1000;

	private final EmailOutbox outbox;

	private final EmailAddresses addresses;

	private final SiteEmails siteEmails;

	private final LiveConversations live;

	private final Transcripts transcripts;

	private final Customers customers;

	private final Sites sites;

	private final Accounts accounts;

	private final Presences presences;

	private final ReplyTokens tokens;

	private final EmailProperties properties;

	private final PorchlightProperties porchlight;

	private final ObjectProvider<JavaMailSender> senders;

	private final RateLimiter limiter;

	private final RateLimit perSite;

	private final Clock clock = Clock.systemUTC();

	EmailDispatcher(EmailOutbox outbox, EmailAddresses addresses, SiteEmails siteEmails, LiveConversations live,
			Transcripts transcripts, Customers customers, Sites sites, Accounts accounts, Presences presences,
			ReplyTokens tokens, EmailProperties properties, PorchlightProperties porchlight,
			ObjectProvider<JavaMailSender> senders, RateLimiter limiter) {
		this.limiter = limiter;
		this.perSite = new RateLimit("email.site", properties.perSitePerHour(), Duration.ofHours(1));
		this.outbox = outbox;
		this.addresses = addresses;
		this.siteEmails = siteEmails;
		this.live = live;
		this.transcripts = transcripts;
		this.customers = customers;
		this.sites = sites;
		this.accounts = accounts;
		this.presences = presences;
		this.tokens = tokens;
		this.properties = properties;
		this.porchlight = porchlight;
		this.senders = senders;
	}

	/**
	 * @return whether a mail server is there to send with
	 */
	public boolean canSend() {
		return this.properties.enabled() && this.senders.getIfAvailable() != null;
	}

	/**
	 * Sends what is due now.
	 * @return how many emails were handled
	 */
	int sendDue() {
		JavaMailSender sender = this.senders.getIfAvailable();
		if (!this.properties.enabled() || sender == null) {
			return 0;
		}
		Instant now = this.clock.instant();
		List<OutboundEmail> due = this.outbox.claimDue(this.properties.offlineDelay(), this.properties.stalledAfter(),
				BATCH, now);
		for (OutboundEmail email : due) {
			try {
				handle(sender, email, now);
			}
			catch (RuntimeException ex) {
				// Storage failing mid-way: the claim stalls and is taken again later.
				log.warn("Email {} of conversation {} could not be handled: {}", email.id(), email.conversationId(),
						logged(ex));
			}
		}
		return due.size();
	}

	private void handle(JavaMailSender sender, OutboundEmail claimed, Instant now) {
		// The emails before it may have taken longer than stalled-after: another node
		// has it then, and this one changes nothing of it.
		OutboundEmail email = this.outbox.stillClaimed(claimed, this.clock.instant()).orElse(null);
		if (email == null) {
			log.info("Email {} of conversation {} was taken by another node meanwhile", claimed.id(),
					claimed.conversationId());
			return;
		}
		LiveConversation conversation = this.live.find(email.conversationId()).orElse(null);
		if (conversation == null) {
			this.outbox.skipped(email.id(), "The conversation no longer exists.");
			return;
		}
		Conversation state = conversation.conversation();
		String recipient;
		if (email.kind() == OutboundEmail.Kind.REPLY) {
			if (conversation.readByVisitor() >= email.lastSeq()) {
				this.outbox.skipped(email.id(), "Read in the chat.");
				return;
			}
			Instant written = this.transcripts.after(email.conversationId(), email.lastSeq() - 1, 1)
				.stream()
				.map(LogEntry::at)
				.findFirst()
				.orElse(null);
			if (written != null && written.plus(this.properties.replyMaxAge()).isBefore(now)) {
				this.outbox.skipped(email.id(),
						"Written more than " + age(this.properties.replyMaxAge()) + " ago: too old to email.");
				return;
			}
			if (this.presences.visitor(state.visitorId()).isPresent()) {
				this.outbox.postpone(email.id(), now);
				return;
			}
			Optional<Instant> left = this.presences.visitorLeftAt(state.visitorId());
			if (left.isPresent() && left.get().plus(this.properties.offlineDelay()).isAfter(now)) {
				this.outbox.postpone(email.id(), left.get());
				return;
			}
			Customer customer = (state.customerId() != null) ? this.customers.findById(state.customerId()).orElse(null)
					: null;
			if (customer == null || customer.email() == null) {
				this.outbox.skipped(email.id(), "The visitor left no email address.");
				return;
			}
			recipient = customer.email().value();
		}
		else {
			recipient = email.recipient();
			if (recipient == null) {
				this.outbox.skipped(email.id(), "No address to send the transcript to.");
				return;
			}
			if (this.transcripts.archivedSeq(email.conversationId()) < email.lastSeq()) {
				// Not in the archive yet (seconds): the transcript is read from there.
				this.outbox.later(email.id(), now.plusSeconds(5), "Waiting for the conversation to be archived.");
				return;
			}
		}
		EmailAddresses.Standing standing = this.addresses.standing(recipient).orElse(null);
		if (standing != null && standing.optedOutAt() != null) {
			this.outbox.skipped(email.id(), "The visitor opted out of emails.");
			return;
		}
		if (standing != null && standing.bouncedAt() != null) {
			this.outbox.skipped(email.id(), "The address bounced before: " + standing.bounceReason());
			return;
		}
		if (this.outbox.sentSince(email.conversationId(), now.minus(Duration.ofHours(1))) >= this.properties
			.perConversationPerHour()) {
			this.outbox.later(email.id(), now.plus(Duration.ofMinutes(10)),
					"Waiting: the most emails to this conversation in an hour went out already.");
			return;
		}
		Site site = this.sites.findById(state.siteId()).orElse(null);
		if (site == null) {
			this.outbox.skipped(email.id(), "The site no longer exists.");
			return;
		}
		RateLimiter.Decision allowance = this.limiter.tryAcquire(this.perSite, site.id().toString());
		if (!allowance.allowed()) {
			this.outbox.later(email.id(), now.plus(allowance.retryAfter()),
					"Waiting: the most emails to this site's visitors in an hour went out already.");
			return;
		}
		SiteEmail settings = this.siteEmails.of(site.id());
		String shopAddress = (settings.address() != null) ? settings.address().value() : this.properties.address();
		String messageId = UUID.randomUUID() + "@" + shopAddress.substring(shopAddress.lastIndexOf('@') + 1);
		List<LogEntry> entries = entries(email);
		EmailComposer.Letter letter = new EmailComposer.Letter(
				(settings.fromName() != null) ? settings.fromName() : site.name(), site.widget().colour(), shopAddress,
				this.tokens.replyAddress(shopAddress, email.conversationId()), recipient, messageId,
				this.outbox.sentMessageIds(email.conversationId()), email.kind() == OutboundEmail.Kind.TRANSCRIPT,
				entries, email.firstSeq(), staffNames(entries), chatLink(state, site), optOutLink(recipient));
		if (this.outbox.stillClaimed(email, this.clock.instant()).isEmpty()) {
			// Composing it took longer than stalled-after (a very slow store): another
			// node has it now.
			log.info("Email {} of conversation {} was taken by another node meanwhile", email.id(),
					email.conversationId());
			return;
		}
		try {
			MimeMessage message = sender.createMimeMessage();
			EmailComposer.write(message, letter);
			sender.send(message);
			this.outbox.sent(email.id(), recipient, messageId, this.clock.instant());
			log.info("Email {} of conversation {} sent", email.id(), email.conversationId());
		}
		catch (MailException | jakarta.mail.MessagingException ex) {
			String reason = reason(ex);
			if (email.attempts() >= this.properties.maxAttempts()) {
				this.outbox.failed(email.id(), reason, null);
				log.warn("Email {} of conversation {} failed for good after {} attempts: {}", email.id(),
						email.conversationId(), email.attempts(), reason);
			}
			else {
				Duration wait = this.properties.retryBackoff().multipliedBy(1L << Math.min(email.attempts() - 1, 10));
				this.outbox.failed(email.id(), reason, this.clock.instant().plus(wait));
				log.info("Email {} of conversation {} failed (attempt {}), retrying in {}: {}", email.id(),
						email.conversationId(), email.attempts(), wait, reason);
			}
		}
	}

	/**
	 * {@code 3 days}, {@code 12 hours}, {@code 45 minutes}: a setting as staff read it.
	 */
	static String age(Duration age) {
		if (age.toDays() >= 1 && age.toHoursPart() == 0) {
			return age.toDays() + ((age.toDays() == 1) ? " day" : " days");
		}
		if (age.toHours() >= 1 && age.toMinutesPart() == 0) {
			return age.toHours() + ((age.toHours() == 1) ? " hour" : " hours");
		}
		long minutes = Math.max(1, age.toMinutes());
		return minutes + ((minutes == 1) ? " minute" : " minutes");
	}

	private List<LogEntry> entries(OutboundEmail email) {
		if (email.kind() == OutboundEmail.Kind.TRANSCRIPT) {
			return this.transcripts.after(email.conversationId(), 0, MAX_TRANSCRIPT)
				.stream()
				.filter((entry) -> entry.seq() <= email.lastSeq())
				.toList();
		}
		// Earlier messages for context: a few, whatever events lie between them.
		long from = Math.max(0, email.firstSeq() - 1 - 3L * this.properties.contextMessages());
		List<LogEntry> all = this.transcripts.after(email.conversationId(), from, MAX_TRANSCRIPT)
			.stream()
			.filter((entry) -> entry.seq() <= email.lastSeq() && entry.kind() == LogEntry.Kind.MESSAGE)
			.toList();
		List<LogEntry> earlier = all.stream().filter((entry) -> entry.seq() < email.firstSeq()).toList();
		List<LogEntry> shown = new ArrayList<>(
				earlier.subList(Math.max(0, earlier.size() - this.properties.contextMessages()), earlier.size()));
		all.stream().filter((entry) -> entry.seq() >= email.firstSeq()).forEach(shown::add);
		return shown;
	}

	private Map<AccountId, String> staffNames(List<LogEntry> entries) {
		Map<AccountId, String> names = new HashMap<>();
		for (LogEntry entry : entries) {
			AccountId account = entry.sender().accountId();
			if (account != null && !names.containsKey(account)) {
				this.accounts.findById(account).ifPresent((found) -> names.put(account, found.displayName()));
			}
		}
		return names;
	}

	/**
	 * The page the conversation started on, or the site's first origin, opening the chat.
	 */
	private @Nullable String chatLink(Conversation conversation, Site site) {
		String page = conversation.context().url();
		if (page == null && !site.allowedOrigins().isEmpty()) {
			page = site.allowedOrigins().getFirst().value() + "/";
		}
		if (page == null) {
			return null;
		}
		int hash = page.indexOf('#');
		return ((hash >= 0) ? page.substring(0, hash) : page) + "#porchlight-chat";
	}

	private String optOutLink(String recipient) {
		return UriComponentsBuilder.fromUri(this.porchlight.publicUrl())
			.path("/email/opt-out")
			.queryParam("t", this.tokens.optOutToken(recipient))
			.build()
			.toUriString();
	}

	/**
	 * What a failure of storage or anything else says in a log: its kind only, since a
	 * storage error may quote the row it refused (a message's text); a mail server's
	 * failure says what the server said ({@link #reason}).
	 */
	static String logged(Exception ex) {
		return (ex instanceof MailException || ex instanceof jakarta.mail.MessagingException) ? reason(ex)
				: ex.getClass().getName();
	}

	static String reason(Exception ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		String message = (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
		message = EmailComposer.withoutAddresses(EmailComposer.clean(message));
		String text = (cause instanceof java.net.ConnectException || cause instanceof java.net.UnknownHostException
				|| cause instanceof java.net.SocketTimeoutException) ? "Mail server unreachable: " + message
						: "Mail server refused: " + message;
		return (text.length() > 300) ? text.substring(0, 300) : text;
	}

}
