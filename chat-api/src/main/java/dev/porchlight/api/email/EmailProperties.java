package dev.porchlight.api.email;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.porchlight.api.web.Settings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Email continuity settings (docs/email.md). Sending needs a mail server: the one
 * {@code spring.mail.*} names, or the run command's local one.
 *
 * @param enabled set to false to send and take in no email at all
 * @param address the shop's address: mail comes from it, replies go to plus-addresses of
 * it ({@code shop+r-…@…}), new mail to it starts conversations; a site may set its own
 * @param offlineDelay how long a visitor must have had no open socket before a reply is
 * emailed; replies within it go in one email
 * @param contextMessages how many earlier messages an email repeats for context
 * @param interval how often each node looks for emails to send
 * @param maxAttempts tries before an email counts as failed
 * @param retryBackoff the wait after the first failure, doubling after each
 * @param stalledAfter a send a node took and did not finish is taken again after this
 * @param perConversationPerHour emails at most to one conversation's visitor per hour
 * @param perSitePerHour emails at most to the visitors of one site per hour
 * @param transcriptsPerVisitorPerHour transcripts a visitor may ask for per hour
 * @param inboundPerConversationPerHour mails taken into one conversation per hour
 * @param notifyAfter how long a conversation waits for an answer, with no staff online,
 * before staff who want it are emailed
 * @param notifyInterval how often staff are emailed at most (waits are collected into one
 * email)
 * @param replyMaxAge replies written longer ago than this are not emailed (they waited
 * while email was off or had no mail server): switching email on later does not send old
 * conversations' replies
 * @param imap the mailbox mail for the shop is read from, if any
 * @param webhookSecret the shared secret a mail provider signs its posts with; the
 * inbound webhook answers 404 without one
 */
@ConfigurationProperties("porchlight.email")
public record EmailProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("shop@porchlight.localhost") String address, @DefaultValue("2m") Duration offlineDelay,
		@DefaultValue("4") int contextMessages, @DefaultValue("5s") Duration interval,
		@DefaultValue("6") int maxAttempts, @DefaultValue("30s") Duration retryBackoff,
		@DefaultValue("5m") Duration stalledAfter, @DefaultValue("6") int perConversationPerHour,
		@DefaultValue("200") int perSitePerHour, @DefaultValue("3") int transcriptsPerVisitorPerHour,
		@DefaultValue("60") int inboundPerConversationPerHour, @DefaultValue("2m") Duration notifyAfter,
		@DefaultValue("5m") Duration notifyInterval, @DefaultValue("3d") Duration replyMaxAge, @DefaultValue Imap imap,
		@Nullable String webhookSecret) {

	public EmailProperties {
		String email = "porchlight.email.";
		Settings.notNegative(email + "offline-delay", offlineDelay);
		Settings.atLeast(email + "context-messages", contextMessages, 0);
		Settings.positive(email + "interval", interval);
		Settings.atLeast(email + "max-attempts", maxAttempts, 1);
		Settings.positive(email + "retry-backoff", retryBackoff);
		Settings.positive(email + "stalled-after", stalledAfter);
		Settings.atLeast(email + "per-conversation-per-hour", perConversationPerHour, 1);
		Settings.atLeast(email + "per-site-per-hour", perSitePerHour, 1);
		Settings.atLeast(email + "transcripts-per-visitor-per-hour", transcriptsPerVisitorPerHour, 1);
		Settings.atLeast(email + "inbound-per-conversation-per-hour", inboundPerConversationPerHour, 1);
		Settings.notNegative(email + "notify-after", notifyAfter);
		Settings.positive(email + "notify-interval", notifyInterval);
		Settings.positive(email + "reply-max-age", replyMaxAge);
	}

	/**
	 * An IMAP mailbox to read the shop's mail from (the run command's local one when no
	 * {@code host} is set and the local mail server runs).
	 *
	 * @param host the IMAP server; none means no IMAP
	 * @param port its port
	 * @param ssl IMAPS (TLS from the start)
	 * @param username the mailbox's user
	 * @param password its password
	 * @param folder where new mail arrives
	 * @param interval how often to look when the server does not support IDLE (and the
	 * longest an IDLE waits before looking anyway)
	 */
	public record Imap(@Nullable String host, @DefaultValue("993") int port, @DefaultValue("true") boolean ssl,
			@Nullable String username, @Nullable String password, @DefaultValue("INBOX") String folder,
			@DefaultValue("30s") Duration interval) {

		public Imap {
			Settings.atLeast("porchlight.email.imap.port", port, 1);
			if (port > 65535) {
				throw new IllegalArgumentException("porchlight.email.imap.port is at most 65535 (it is " + port + ")");
			}
			Settings.positive("porchlight.email.imap.interval", interval);
		}

		@Override
		public String toString() {
			return "Imap[" + this.username + " at " + this.host + ":" + this.port + "]";
		}

	}

}
