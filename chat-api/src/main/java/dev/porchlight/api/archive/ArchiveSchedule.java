package dev.porchlight.api.archive;

import java.time.Duration;
import java.time.Instant;

import dev.porchlight.domain.conversation.ArchiveQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs the archiver on every node: again at once while there is work, every
 * {@code interval} when idle, with exponential back-off while PostgreSQL (or Redis) is
 * failing. Live chat never waits for any of this.
 */
@Component
@EnableConfigurationProperties(ArchiveProperties.class)
class ArchiveSchedule {

	private static final Logger log = LoggerFactory.getLogger(ArchiveSchedule.class);

	private final Archiver archiver;

	private final ArchiveQueue queue;

	private final ArchiveProperties properties;

	private Duration backoff = Duration.ZERO;

	private Instant notBefore = Instant.MIN;

	ArchiveSchedule(Archiver archiver, ArchiveQueue queue, ArchiveProperties properties) {
		this.archiver = archiver;
		this.queue = queue;
		this.properties = properties;
	}

	@Scheduled(fixedDelayString = "${porchlight.archive.interval:250ms}")
	void archive() {
		if (Instant.now().isBefore(this.notBefore)) {
			return;
		}
		try {
			int archived;
			do {
				archived = this.archiver.runOnce();
			}
			while (archived > 0);
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
	}

	/**
	 * Repairs the archive queue after crashes between an append and its listing.
	 */
	@Scheduled(fixedDelayString = "${porchlight.archive.relist-interval:5m}",
			initialDelayString = "${porchlight.archive.relist-interval:5m}")
	void relist() {
		try {
			int relisted = this.queue.relistUnarchived();
			if (relisted > 0) {
				log.info("Listed {} conversations for archiving again", relisted);
			}
		}
		catch (DataAccessException ex) {
			log.debug("Relisting failed: {}", ex.getMessage());
		}
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

}
