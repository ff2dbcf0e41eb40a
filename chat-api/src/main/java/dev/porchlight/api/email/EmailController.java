package dev.porchlight.api.email;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.porchlight.api.security.Actor;
import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.email.EmailOutbox;
import dev.porchlight.domain.email.Mailbox;
import dev.porchlight.domain.email.OutboundEmail;
import dev.porchlight.domain.email.SiteEmail;
import dev.porchlight.domain.email.SiteEmails;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.site.Sites;
import jakarta.mail.MessagingException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.mail.internet.MimeMessage;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Email continuity for staff: what became of a conversation's emails, the mail settings
 * (never a configured secret), a site's sender name and address, and a test email.
 */
@RestController
class EmailController {

	private final EmailOutbox outbox;

	private final LiveConversations live;

	private final SiteEmails siteEmails;

	private final Sites sites;

	private final EmailProperties properties;

	private final EmailWork work;

	private final ObjectProvider<JavaMailSender> senders;

	private final ObjectProvider<Mailbox> embeddedMailbox;

	private final AuditLog audit;

	EmailController(EmailOutbox outbox, LiveConversations live, SiteEmails siteEmails, Sites sites,
			EmailProperties properties, EmailWork work, ObjectProvider<JavaMailSender> senders,
			ObjectProvider<Mailbox> embeddedMailbox, AuditLog audit) {
		this.audit = audit;
		this.outbox = outbox;
		this.live = live;
		this.siteEmails = siteEmails;
		this.sites = sites;
		this.properties = properties;
		this.work = work;
		this.senders = senders;
		this.embeddedMailbox = embeddedMailbox;
	}

	@GetMapping("/api/v1/conversations/{id}/emails")
	List<EmailView> emails(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id) {
		ConversationId conversation = ConversationId.parse(id);
		this.live.find(conversation)
			.filter((found) -> staff.serves(found.conversation().siteId()))
			.orElseThrow(() -> ApiException.notFound("conversation"));
		return this.outbox.ofConversation(conversation).stream().map(EmailView::of).toList();
	}

	@GetMapping("/api/v1/email")
	EmailSettings settings() {
		JavaMailSender sender = this.senders.getIfAvailable();
		Mailbox embedded = this.embeddedMailbox.getIfAvailable();
		Mailbox configured = EmailWork.configuredMailbox(this.properties);
		Smtp smtp = (sender instanceof JavaMailSenderImpl impl && impl.getHost() != null)
				// The local server's sender and mailbox come together, and only without a
				// configured mail server; an IMAP mailbox of its own does not change who
				// sends.
				? new Smtp(impl.getHost(), impl.getPort(), embedded != null) : null;
		Imap imap = null;
		if (configured != null) {
			imap = new Imap(configured.host(), configured.port(), configured.username(), null, false);
		}
		else if (embedded != null) {
			// The local server's own mailbox: its password only works on loopback.
			imap = new Imap(embedded.host(), embedded.port(), embedded.username(), embedded.password(), true);
		}
		return new EmailSettings(this.properties.enabled() && sender != null, this.properties.address(),
				this.properties.offlineDelay().toSeconds(), smtp, this.work.readsMailbox() ? imap : null,
				this.properties.webhookSecret() != null && !this.properties.webhookSecret().isBlank());
	}

	@PostMapping("/api/v1/email/test")
	TestResult test(@AuthenticationPrincipal StaffPrincipal staff) {
		JavaMailSender sender = this.senders.getIfAvailable();
		if (!this.properties.enabled() || sender == null) {
			throw new ApiException(HttpStatus.CONFLICT, "email_disabled", "No mail server is configured.");
		}
		try {
			MimeMessage message = sender.createMimeMessage();
			MimeMessageHelper helper = new MimeMessageHelper(message, false, "UTF-8");
			helper.setFrom(this.properties.address());
			helper.setTo(new EmailAddress(staff.email()).value());
			helper.setSubject("Porchlight test email");
			helper.setText("This is a test email from Porchlight. Replies to visitors who left will go out "
					+ "through the same mail server.\n");
			sender.send(message);
			return new TestResult(staff.email(), true, null);
		}
		catch (MailException | MessagingException ex) {
			return new TestResult(staff.email(), false, EmailDispatcher.reason(ex));
		}
	}

	@GetMapping("/api/v1/sites/{id}/email")
	SiteEmailView siteEmail(@PathVariable String id) {
		SiteId site = site(id);
		return SiteEmailView.of(this.siteEmails.of(site), this.properties.address());
	}

	@PutMapping("/api/v1/sites/{id}/email")
	SiteEmailView saveSiteEmail(@AuthenticationPrincipal StaffPrincipal owner, @PathVariable String id,
			@Valid @RequestBody SiteEmailChange change, HttpServletRequest http) {
		SiteId site = site(id);
		String address = (change.address() != null && !change.address().isBlank()) ? change.address().strip() : null;
		EmailAddress parsed = (address != null) ? new EmailAddress(address) : null;
		if (parsed != null && parsed.value().contains("+")) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_email",
					"The shop's address cannot be a plus-address: Porchlight adds one for replies.");
		}
		if (parsed != null) {
			this.siteEmails.siteOfAddress(parsed.normalized())
				.filter((other) -> !other.equals(site))
				.ifPresent((other) -> {
					throw new ApiException(HttpStatus.CONFLICT, "address_in_use", "Another site uses this address.");
				});
		}
		SiteEmail settings = new SiteEmail(site,
				(change.fromName() != null && !change.fromName().isBlank()) ? change.fromName() : null, parsed);
		SiteEmail before = this.siteEmails.of(site);
		this.siteEmails.save(settings);
		// Who the shop's emails come from is a change to the site: audited like the rest
		// (what changed, not the address).
		this.audit.record(Actor.of(owner, http)
			.did(Instant.now(), "site.email_changed", "site:" + site,
					Map.of("address", String.valueOf(!Objects.equals(before.address(), settings.address())), "fromName",
							String.valueOf(!Objects.equals(before.fromName(), settings.fromName())))));
		return SiteEmailView.of(settings, this.properties.address());
	}

	private SiteId site(String id) {
		return this.sites.findById(SiteId.parse(id)).orElseThrow(() -> ApiException.notFound("site")).id();
	}

	/**
	 * One email of a conversation.
	 *
	 * @param id the email
	 * @param kind {@code reply} or {@code transcript}
	 * @param firstSeq the first message it carries
	 * @param lastSeq the last message it carries
	 * @param status {@code queued}, {@code sending}, {@code sent}, {@code retrying},
	 * {@code failed}, {@code bounced} or {@code skipped}
	 * @param reason why it failed, bounced or was skipped
	 * @param attempts how often sending was tried
	 * @param createdAt when it was queued
	 * @param sentAt when the mail server took it
	 * @param nextAttemptAt when it is tried again (retrying only)
	 */
	record EmailView(String id, String kind, long firstSeq, long lastSeq, String status, @Nullable String reason,
			int attempts, Instant createdAt, @Nullable Instant sentAt, @Nullable Instant nextAttemptAt) {

		static EmailView of(OutboundEmail email) {
			return new EmailView(email.id().toString(), email.kind().name().toLowerCase(java.util.Locale.ROOT),
					email.firstSeq(), email.lastSeq(), email.status().name().toLowerCase(java.util.Locale.ROOT),
					email.reason(), email.attempts(), email.createdAt(), email.sentAt(),
					(email.status() == OutboundEmail.Status.RETRYING) ? email.notBefore() : null);
		}

	}

	/**
	 * How email is set up (secrets are never shown, except the local mail server's own).
	 *
	 * @param sending whether replies can be emailed
	 * @param address the shop's default address
	 * @param offlineDelaySeconds how long a visitor is away before a reply is emailed
	 * @param smtp the mail server emails go through
	 * @param imap the mailbox read for replies and new mail
	 * @param webhook whether the inbound webhook takes posts
	 */
	record EmailSettings(boolean sending, String address, long offlineDelaySeconds, @Nullable Smtp smtp,
			@Nullable Imap imap, boolean webhook) {
	}

	/**
	 * @param host the server
	 * @param port its port
	 * @param embedded whether it is the run command's local mail server
	 */
	record Smtp(String host, int port, boolean embedded) {
	}

	/**
	 * @param host the server
	 * @param port its port
	 * @param username the mailbox's user
	 * @param password the local mail server's mailbox password only (loopback)
	 * @param embedded whether it is the run command's local mail server
	 */
	record Imap(String host, int port, String username, @Nullable String password, boolean embedded) {
	}

	/**
	 * @param to where it went (the signed-in staff member)
	 * @param sent whether the mail server took it
	 * @param reason why not
	 */
	record TestResult(String to, boolean sent, @Nullable String reason) {
	}

	/**
	 * @param fromName the name emails come from ({@code null}: the site's name)
	 * @param address the site's own address ({@code null}: the default)
	 * @param effectiveAddress the address used
	 */
	record SiteEmailView(@Nullable String fromName, @Nullable String address, String effectiveAddress) {

		static SiteEmailView of(SiteEmail settings, String fallback) {
			String address = (settings.address() != null) ? settings.address().value() : null;
			return new SiteEmailView(settings.fromName(), address, (address != null) ? address : fallback);
		}

	}

	/**
	 * @param fromName the name emails come from; empty or null for the site's name
	 * @param address the site's own address; empty or null for the default (its length is
	 * checked as an address, answering invalid_email like any other bad address)
	 */
	record SiteEmailChange(@Nullable @Size(max = 80) String fromName, @Nullable String address) {
	}

}
