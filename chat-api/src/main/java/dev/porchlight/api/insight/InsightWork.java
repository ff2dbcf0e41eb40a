package dev.porchlight.api.insight;

import java.util.concurrent.locks.ReentrantLock;

import dev.porchlight.domain.insight.Insights;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Counts what was archived since the last look, on every node; one node counts at a time
 * (the others find the lock taken and wait for the next look).
 *
 * <p>
 * A look starts every {@code interval} at a fixed rate, each on a thread of its own, and
 * one still going when the next is due lets that one pass. As a fixed-delay task it ran
 * on the one thread Spring's scheduler gives every fixed-delay task, so a long look (up
 * to {@code budget}, or a statement waiting for a lock) held up the socket sweep, which
 * closes silent sockets and those of ended staff sessions.
 */
@Component
class InsightWork {

	private static final Logger log = LoggerFactory.getLogger(InsightWork.class);

	private final Insights insights;

	private final InsightProperties properties;

	private final ReentrantLock looking = new ReentrantLock();

	InsightWork(Insights insights, InsightProperties properties) {
		this.insights = insights;
		this.properties = properties;
	}

	@Scheduled(fixedRateString = "${porchlight.insights.interval:15s}", initialDelayString = "5s")
	void count() {
		if (!this.looking.tryLock()) {
			return;
		}
		try {
			look();
		}
		finally {
			this.looking.unlock();
		}
	}

	private void look() {
		long deadline = System.nanoTime() + this.properties.budget().toNanos();
		try {
			int counted;
			do {
				counted = this.insights.count(this.properties.batch(), this.properties.settle());
			}
			while (counted == this.properties.batch() && System.nanoTime() < deadline);
			this.insights.refreshPages(this.properties.fresh());
		}
		catch (RuntimeException ex) {
			// PostgreSQL away, or one conversation in the batch that cannot be counted:
			// its
			// marks stay. One at a time then, so that such a conversation goes to the
			// back
			// of the queue instead of holding up every other.
			log.warn("Insights could not be counted in a batch: {}", ex.getClass().getSimpleName());
			oneByOne();
		}
	}

	private void oneByOne() {
		for (int i = 0; i < this.properties.batch(); i++) {
			try {
				if (this.insights.count(1, this.properties.settle()) == 0) {
					return;
				}
			}
			catch (RuntimeException ex) {
				try {
					this.insights.postponeOldest();
					log.warn("A conversation could not be counted for insights and waits for the next look: {}",
							ex.getClass().getSimpleName());
				}
				catch (RuntimeException unreachable) {
					return;
				}
			}
		}
	}

}
