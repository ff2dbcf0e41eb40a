package dev.porchlight.api.archive;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import dev.porchlight.domain.conversation.ArchiveQueue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs the archiver on every node: a run starts every {@code interval}, or at once after
 * a run that ended behind (its passes full, or longer than the interval), with
 * exponential back-off while PostgreSQL (or Redis) is failing. Live chat never waits for
 * any of this.
 *
 * <p>
 * A run goes on from pass to pass only while each pass is full. Under a steady trickle
 * every pass finds a little work; going from one to the next without a pause paid a
 * pass's fixed cost (about 10 Redis calls and a PostgreSQL transaction) hundreds of times
 * a second: at 1,280 messages/s, a sixth of all the CPU the chat took, nodes, Redis and
 * PostgreSQL together. Waiting for the interval makes each pass carry a quarter of a
 * second's messages, and adds at most the interval to how long a message waits for
 * PostgreSQL.
 *
 * <p>
 * The archive runs on a thread of its own: Spring's scheduler runs every fixed-delay task
 * on one thread, and as one of them a long archive run kept the socket sweep (idle
 * sockets, ended sessions) and the insights count waiting.
 *
 * <p>
 * On shutdown it stops after the web server has drained and stopped, and before the Redis
 * and PostgreSQL clients close: a run in progress finishes its batch and no new one
 * starts, so no archive step meets a closed client.
 */
@Component
@EnableConfigurationProperties(ArchiveProperties.class)
class ArchiveSchedule implements SmartLifecycle {

	/**
	 * Below the web server's phases ({@code SmartLifecycle.DEFAULT_PHASE - 1024} for the
	 * graceful shutdown, {@code - 2048} for stopping it) and above the Redis client's
	 * (0).
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

	private static final Logger log = LoggerFactory.getLogger(ArchiveSchedule.class);

	// Held for the whole of a run, so stop() can wait for the one in progress.
	private final ReentrantLock run = new ReentrantLock();

	private volatile boolean running;

	private final Archiver archiver;

	private final ArchiveQueue queue;

	private final ArchiveProperties properties;

	private Duration backoff = Duration.ZERO;

	private Instant notBefore = Instant.MIN;

	private volatile @Nullable Thread worker;

	ArchiveSchedule(Archiver archiver, ArchiveQueue queue, ArchiveProperties properties) {
		this.archiver = archiver;
		this.queue = queue;
		this.properties = properties;
	}

	private void loop() {
		long interval = this.properties.interval().toNanos();
		while (this.running) {
			long started = System.nanoTime();
			try {
				archive();
			}
			catch (RuntimeException | Error ex) {
				// Not an outage (archive() backs off from those): logged, as the
				// scheduler did when the archive was one of its tasks, and the next run
				// tries again.
				log.error("An archive run failed: {}", ex.toString());
			}
			// The rest of the interval. Woken early by stop(); never interrupted, so no
			// statement of a storage client is.
			long rest;
			while (this.running && (rest = interval - (System.nanoTime() - started)) > 0) {
				LockSupport.parkNanos(rest);
			}
		}
	}

	/**
	 * One run: passes while each is full, unless PostgreSQL is being waited for.
	 */
	void archive() {
		if (Instant.now().isBefore(this.notBefore) || !this.running || !this.run.tryLock()) {
			return;
		}
		try {
			Archiver.Pass pass;
			do {
				pass = this.archiver.pass();
			}
			while (pass.full() && this.running);
			if (!this.backoff.isZero()) {
				log.info("Archiving works again");
			}
			this.backoff = Duration.ZERO;
		}
		catch (DataAccessException ex) {
			this.backoff = this.backoff.isZero() ? this.properties.interval()
					: min(this.backoff.multipliedBy(2), this.properties.maxBackoff());
			this.notBefore = Instant.now().plus(this.backoff);
			log.warn("Archiving paused for {}: {}", this.backoff, ex.getMostSpecificCause().getMessage());
		}
		finally {
			this.run.unlock();
		}
	}

	/**
	 * Repairs the archive queue after crashes between an append and its listing.
	 */
	@Scheduled(fixedDelayString = "${porchlight.archive.relist-interval:5m}",
			initialDelayString = "${porchlight.archive.relist-interval:5m}")
	void relist() {
		if (!this.running || !this.run.tryLock()) {
			return;
		}
		try {
			int relisted = this.queue.relistUnarchived();
			if (relisted > 0) {
				log.info("Listed {} conversations for archiving again", relisted);
			}
		}
		catch (DataAccessException ex) {
			log.debug("Relisting failed: {}", ex.getMessage());
		}
		finally {
			this.run.unlock();
		}
	}

	@Override
	public void start() {
		this.running = true;
		this.worker = Thread.ofPlatform().name("archiver").daemon().start(this::loop);
	}

	@Override
	public void stop() {
		this.running = false;
		try {
			// The run in progress finishes; then the sleeping loop is woken to see it
			// must end.
			if (this.run.tryLock(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				this.run.unlock();
				Thread thread = this.worker;
				if (thread != null) {
					LockSupport.unpark(thread);
					thread.join(STOP_TIMEOUT);
				}
				log.info("Archiver stopped");
			}
			else {
				log.warn("Archiver still busy after {}; stopping anyway", STOP_TIMEOUT);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

}
