package dev.porchlight.api.email;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import dev.porchlight.domain.common.ConfigurationProblem;
import dev.porchlight.domain.email.Mailbox;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs email continuity's background work on every node: sending what the outbox holds,
 * and reading the shop's mailbox when one is configured (or the run command's local one).
 * Stops, like the archive, after the web server and before the storage clients.
 */
@Component
@EnableConfigurationProperties(EmailProperties.class)
class EmailWork implements SmartLifecycle {

	/** The archive's phase: after the web server stops, before Redis and PostgreSQL. */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private static final Logger log = LoggerFactory.getLogger(EmailWork.class);

	private final EmailDispatcher dispatcher;

	private final StaffDigest digest;

	private final EmailProperties properties;

	private final @Nullable ShopMailbox mailbox;

	private final ReentrantLock run = new ReentrantLock();

	private final AtomicBoolean running = new AtomicBoolean();

	private volatile @Nullable Thread sender;

	EmailWork(EmailDispatcher dispatcher, StaffDigest digest, InboundMail inbound, EmailProperties properties,
			ObjectProvider<Mailbox> embedded) {
		this.dispatcher = dispatcher;
		this.digest = digest;
		this.properties = properties;
		Mailbox configured = configuredMailbox(properties);
		Mailbox chosen = (configured != null) ? configured : embedded.getIfAvailable();
		this.mailbox = (properties.enabled() && chosen != null) ? new ShopMailbox(chosen,
				chosen.embedded() ? Duration.ofSeconds(5) : properties.imap().interval(), inbound) : null;
	}

	static @Nullable Mailbox configuredMailbox(EmailProperties properties) {
		EmailProperties.Imap imap = properties.imap();
		if (imap.host() == null || imap.host().isBlank()) {
			return null;
		}
		if (imap.username() == null || imap.password() == null) {
			throw new ConfigurationProblem(
					"porchlight.email.imap.host is set: porchlight.email.imap.username and password are needed too",
					"Set porchlight.email.imap.username and porchlight.email.imap.password, or remove "
							+ "porchlight.email.imap.host to read no mailbox.");
		}
		return new Mailbox(imap.host(), imap.port(), imap.ssl(), imap.username(), imap.password(), imap.folder(),
				false);
	}

	boolean readsMailbox() {
		return this.mailbox != null;
	}

	@Override
	public void start() {
		if (!this.running.compareAndSet(false, true)) {
			return;
		}
		if (this.properties.enabled()) {
			this.sender = Thread.ofVirtual().name("email-send").start(this::sendLoop);
		}
		if (this.mailbox != null) {
			this.mailbox.start();
		}
	}

	private void sendLoop() {
		Duration backoff = Duration.ZERO;
		while (this.running.get()) {
			boolean more = false;
			this.run.lock();
			try {
				if (!this.running.get()) {
					return;
				}
				more = this.dispatcher.sendDue() > 0;
				this.digest.tellIfDue();
				backoff = Duration.ZERO;
			}
			catch (RuntimeException ex) {
				backoff = backoff.isZero() ? Duration.ofSeconds(1)
						: (backoff.compareTo(Duration.ofSeconds(30)) < 0 ? backoff.multipliedBy(2) : backoff);
				log.warn("Sending emails failed, trying again in {}: {}", backoff, EmailDispatcher.logged(ex));
			}
			finally {
				this.run.unlock();
			}
			if (!more) {
				try {
					Thread.sleep(backoff.isZero() ? this.properties.interval() : backoff);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}
	}

	@Override
	public void stop() {
		if (!this.running.compareAndSet(true, false)) {
			return;
		}
		Thread thread = this.sender;
		if (thread != null) {
			// The run in progress finishes (no socket of a storage client is interrupted
			// mid-statement); then the sleeping loop is woken to see it must end.
			try {
				if (this.run.tryLock(STOP_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
					this.run.unlock();
				}
				thread.interrupt();
				thread.join(STOP_TIMEOUT);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		if (this.mailbox != null) {
			this.mailbox.stop(STOP_TIMEOUT);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running.get();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
