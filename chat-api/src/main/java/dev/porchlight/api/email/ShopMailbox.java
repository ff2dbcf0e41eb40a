package dev.porchlight.api.email;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.porchlight.domain.email.Mailbox;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.FlagTerm;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the shop's IMAP mailbox: every unseen mail is taken in ({@link InboundMail}) and
 * then flagged seen, so a mail is taken once however often the mailbox is read (and once
 * across nodes: {@link InboundMail} remembers what it took). Waits with IMAP IDLE where
 * the server supports it, so a reply shows up in the dashboard as it arrives, and looks
 * anyway every {@code interval}; polls every {@code interval} where IDLE is missing. A
 * mail that cannot be parsed is flagged seen and logged (by number, not content); a
 * storage failure leaves the mail unseen for the next look.
 */
class ShopMailbox {

	private static final Logger log = LoggerFactory.getLogger(ShopMailbox.class);

	private final Mailbox mailbox;

	private final Duration interval;

	private final InboundMail inbound;

	private final AtomicBoolean running = new AtomicBoolean();

	private final CountDownLatch stopped = new CountDownLatch(1);

	private volatile @Nullable Store store;

	private volatile @Nullable Thread thread;

	ShopMailbox(Mailbox mailbox, Duration interval, InboundMail inbound) {
		this.mailbox = mailbox;
		this.interval = interval;
		this.inbound = inbound;
	}

	void start() {
		if (this.running.compareAndSet(false, true)) {
			this.thread = Thread.ofVirtual().name("email-imap").start(this::run);
		}
	}

	void stop(Duration wait) {
		this.running.set(false);
		this.stopped.countDown();
		// Closing the store ends an IDLE; a mail being taken in finishes first.
		closeStore();
		Thread running = this.thread;
		if (running != null) {
			try {
				running.join(wait);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void run() {
		Duration backoff = Duration.ofSeconds(1);
		while (this.running.get()) {
			try {
				Folder folder = open();
				takeUnseen(folder);
				backoff = Duration.ofSeconds(1);
				waitForMail(folder);
			}
			catch (MessagingException | RuntimeException ex) {
				if (!this.running.get()) {
					return;
				}
				log.warn("Reading the shop mailbox {} failed, trying again in {}: {}", this.mailbox, backoff,
						EmailDispatcher.logged(ex));
				closeStore();
				if (!sleep(backoff)) {
					return;
				}
				backoff = backoff.multipliedBy(2).compareTo(this.interval) > 0 ? this.interval
						: backoff.multipliedBy(2);
			}
		}
	}

	/**
	 * Takes in every unseen mail once.
	 * @return how many were taken
	 */
	int takeUnseen(Folder folder) throws MessagingException {
		Message[] unseen = folder.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false));
		int taken = 0;
		for (Message message : unseen) {
			if (!this.running.get()) {
				break;
			}
			InboundEmail mail;
			try {
				// A full copy: the parser walks the whole message.
				mail = MailParser.parse(new MimeMessage((MimeMessage) message));
			}
			catch (IllegalArgumentException ex) {
				log.warn("Mail {} in the shop mailbox cannot be read and is skipped: {}", message.getMessageNumber(),
						ex.getMessage());
				message.setFlag(Flags.Flag.SEEN, true);
				continue;
			}
			InboundMail.Outcome outcome = this.inbound.take(mail);
			message.setFlag(Flags.Flag.SEEN, true);
			log.debug("Mail {} in the shop mailbox: {}", message.getMessageNumber(), outcome.outcome());
			taken++;
		}
		return taken;
	}

	private Folder open() throws MessagingException {
		Store current = this.store;
		if (current == null || !current.isConnected()) {
			Properties properties = new Properties();
			String protocol = this.mailbox.ssl() ? "imaps" : "imap";
			properties.put("mail.store.protocol", protocol);
			properties.put("mail." + protocol + ".connectiontimeout", "10000");
			// A read may wait through a whole IDLE, which the waker ends after the
			// interval:
			// the read timeout must be longer, or every quiet IDLE would end in a
			// timeout.
			properties.put("mail." + protocol + ".timeout", String.valueOf(this.interval.plusSeconds(30).toMillis()));
			properties.put("mail." + protocol + ".writetimeout", "10000");
			current = Session.getInstance(properties).getStore(protocol);
			current.connect(this.mailbox.host(), this.mailbox.port(), this.mailbox.username(), this.mailbox.password());
			this.store = current;
		}
		Folder folder = current.getFolder(this.mailbox.folder());
		if (!folder.isOpen()) {
			folder.open(Folder.READ_WRITE);
		}
		return folder;
	}

	private void waitForMail(Folder folder) throws MessagingException {
		Store current = this.store;
		if (folder instanceof IMAPFolder imap && current instanceof IMAPStore imapStore
				&& imapStore.hasCapability("IDLE")) {
			// IDLE returns when mail arrives; a look at the folder from another thread
			// ends
			// it after the interval, so a missed notification costs one interval at most.
			Thread waker = Thread.ofVirtual().name("email-imap-wake").start(() -> {
				if (sleep(this.interval) && folder.isOpen()) {
					try {
						folder.getMessageCount();
					}
					catch (MessagingException ex) {
						// The reader sees the same failure.
					}
				}
			});
			try {
				imap.idle(true);
			}
			finally {
				waker.interrupt();
			}
		}
		else {
			sleep(this.interval);
		}
	}

	/**
	 * Waits, unless stopped meanwhile.
	 * @return false when stopped
	 */
	private boolean sleep(Duration duration) {
		try {
			return !this.stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			return false;
		}
	}

	private void closeStore() {
		Store current = this.store;
		this.store = null;
		if (current != null) {
			try {
				current.close();
			}
			catch (MessagingException ex) {
				// Closing anyway.
			}
		}
	}

}
