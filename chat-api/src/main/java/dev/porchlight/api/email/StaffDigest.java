package dev.porchlight.api.email;

import java.io.UnsupportedEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.porchlight.api.web.PorchlightProperties;
import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.account.Role;
import dev.porchlight.domain.account.SiteScope;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.email.StaffNotices;
import dev.porchlight.domain.presence.Presences;
import dev.porchlight.domain.ratelimit.RateLimit;
import dev.porchlight.domain.ratelimit.RateLimiter;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * Tells staff by email when conversations wait for an answer and nobody is online: every
 * {@code notify-interval} at most (over all nodes: the look that finds waits takes a turn
 * shared through Redis), one email per staff member listing the waits they may see (their
 * sites), each with a link into the dashboard. Owners get it unless they turn it off,
 * agents when they turn it on. Each wait is told once (until the visitor writes again),
 * whichever node looks first. Best effort: an email that fails is logged, not retried
 * (the inbox shows every waiting conversation anyway).
 */
@Component
class StaffDigest {

	private static final Logger log = LoggerFactory.getLogger(StaffDigest.class);

	private static final int MAX_LISTED = 20;

	private final LiveConversations live;

	private final Presences presences;

	private final StaffNotices notices;

	private final Accounts accounts;

	private final Sites sites;

	private final EmailProperties properties;

	private final PorchlightProperties porchlight;

	private final ObjectProvider<JavaMailSender> senders;

	private final RateLimiter limiter;

	/** One look that tells of waits per interval, whichever node takes it. */
	private final RateLimit turn;

	private final Clock clock = Clock.systemUTC();

	private volatile Instant nextLook = Instant.MIN;

	StaffDigest(LiveConversations live, Presences presences, StaffNotices notices, Accounts accounts, Sites sites,
			EmailProperties properties, PorchlightProperties porchlight, ObjectProvider<JavaMailSender> senders,
			RateLimiter limiter) {
		this.live = live;
		this.presences = presences;
		this.notices = notices;
		this.accounts = accounts;
		this.sites = sites;
		this.properties = properties;
		this.porchlight = porchlight;
		this.senders = senders;
		this.limiter = limiter;
		this.turn = new RateLimit("email.staff-digest", 1, properties.notifyInterval());
	}

	/**
	 * Whether a staff member gets these emails.
	 */
	boolean wants(Account account) {
		return account.enabled() && this.notices.wantsEmails(account.id()).orElse(account.role() == Role.OWNER);
	}

	/**
	 * Tells staff of waits, if the interval has passed since the last look.
	 * @return how many emails went out
	 */
	int tellIfDue() {
		Instant now = this.clock.instant();
		JavaMailSender sender = this.senders.getIfAvailable();
		if (sender == null || !this.properties.enabled() || now.isBefore(this.nextLook)) {
			return 0;
		}
		this.nextLook = now.plus(this.properties.notifyInterval());
		if (this.presences.anyStaffAvailable()) {
			return 0;
		}
		Instant waitingSince = now.minus(this.properties.notifyAfter());
		Map<ConversationId, LiveConversation> waiting = new LinkedHashMap<>();
		for (LiveConversation conversation : this.live.inbox(500)) {
			if (conversation.awaitingReply() && !conversation.conversation().lastActivityAt().isAfter(waitingSince)) {
				waiting.put(conversation.id(), conversation);
			}
		}
		// Taken before the waits are claimed: a claimed wait is never told again, so it
		// must not be claimed by a node that then may not tell it.
		if (waiting.isEmpty()) {
			return 0;
		}
		RateLimiter.Decision turn = this.limiter.tryAcquire(this.turn, "install");
		if (!turn.allowed()) {
			// Another node (or this one a moment ago, by the shared clock) had the turn:
			// look again when it ends, not a whole interval later.
			this.nextLook = now.plus(turn.retryAfter());
			return 0;
		}
		Map<ConversationId, Long> seqs = new LinkedHashMap<>();
		waiting.forEach((id, conversation) -> seqs.put(id, conversation.lastSeq()));
		Set<ConversationId> told = this.notices.claim(seqs, now);
		if (told.isEmpty()) {
			return 0;
		}
		List<LiveConversation> news = waiting.values().stream().filter((c) -> told.contains(c.id())).toList();
		int sent = 0;
		for (Account account : this.accounts.all()) {
			if (!wants(account)) {
				continue;
			}
			SiteScope scope = this.accounts.siteScope(account.id());
			List<LiveConversation> theirs = news.stream()
				.filter((conversation) -> scope.includes(conversation.conversation().siteId()))
				.toList();
			if (theirs.isEmpty()) {
				continue;
			}
			try {
				MimeMessage message = sender.createMimeMessage();
				write(message, account, theirs, now);
				sender.send(message);
				sent++;
			}
			catch (MailException | MessagingException ex) {
				log.warn("Telling staff member {} of {} waiting conversations failed: {}", account.id(), theirs.size(),
						EmailDispatcher.reason(ex));
			}
		}
		return sent;
	}

	private void write(MimeMessage message, Account account, List<LiveConversation> waiting, Instant now)
			throws MessagingException {
		MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
		try {
			helper.setFrom(new InternetAddress(this.properties.address(), "Porchlight", "UTF-8"));
		}
		catch (UnsupportedEncodingException ex) {
			throw new IllegalStateException(ex);
		}
		helper.setTo(new InternetAddress(account.email().value(), true));
		helper.setSubject((waiting.size() == 1) ? "A customer is waiting for an answer"
				: waiting.size() + " customers are waiting for an answer");
		String app = this.porchlight.publicUrl().toString().replaceFirst("/$", "") + "/app/";
		StringBuilder text = new StringBuilder("Nobody is online to answer:\n\n");
		StringBuilder html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">"
				+ "<p>Nobody is online to answer:</p><ul>");
		for (LiveConversation conversation : waiting.subList(0, Math.min(waiting.size(), MAX_LISTED))) {
			String site = this.sites.findById(conversation.conversation().siteId()).map(Site::name).orElse("");
			String preview = (conversation.preview() != null) ? EmailComposer.clean(conversation.preview()) : "";
			long minutes = Duration.between(conversation.conversation().lastActivityAt(), now).toMinutes();
			String link = app + "#/c/" + conversation.id();
			text.append("- ")
				.append(EmailComposer.clean(site))
				.append(", waiting ")
				.append(minutes)
				.append(" min: ")
				.append(preview)
				.append("\n  ")
				.append(link)
				.append('\n');
			html.append("<li><a href=\"")
				.append(HtmlUtils.htmlEscape(link))
				.append("\">")
				.append(HtmlUtils.htmlEscape(EmailComposer.clean(site)))
				.append(", waiting ")
				.append(minutes)
				.append(" min</a>: ")
				.append(HtmlUtils.htmlEscape(preview))
				.append("</li>");
		}
		if (waiting.size() > MAX_LISTED) {
			text.append("… and ").append(waiting.size() - MAX_LISTED).append(" more in the inbox.\n");
			html.append("<li>… and ").append(waiting.size() - MAX_LISTED).append(" more in the inbox.</li>");
		}
		text.append("\nOpen the inbox: ")
			.append(app)
			.append("\n\n-- \nStop these emails: Your account → Email notifications, in the dashboard.\n");
		html.append("</ul><p><a href=\"")
			.append(HtmlUtils.htmlEscape(app))
			.append("\">Open the inbox</a></p><p style=\"font-size:12px;color:#888\">Stop these emails: Your "
					+ "account → Email notifications, in the dashboard.</p></body></html>");
		helper.setText(text.toString(), html.toString());
		message.setHeader("Auto-Submitted", "auto-generated");
	}

}
