package dev.porchlight.api.search;

import java.util.concurrent.atomic.AtomicLong;

import dev.porchlight.domain.search.SearchIndex;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Appends newly archived messages to their conversations' search documents, on every node
 * (each run takes conversations no other node holds). The archive only marks the
 * conversations it wrote, so a busy conversation's document is written once per run
 * instead of once per archive pass, outside the archive's transaction.
 */
@Component
class SearchDocumentWork {

	private static final Logger log = LoggerFactory.getLogger(SearchDocumentWork.class);

	private final SearchIndex index;

	private final SearchDocumentProperties properties;

	private final AtomicLong behindNanos = new AtomicLong();

	private final Timer runs;

	SearchDocumentWork(SearchIndex index, SearchDocumentProperties properties, MeterRegistry meters) {
		this.index = index;
		this.properties = properties;
		Gauge.builder("porchlight.search.behind", this.behindNanos, (nanos) -> nanos.get() / 1e9)
			.description("How long the conversation waiting longest for its search document had waited, "
					+ "as of this node's last refresh")
			.baseUnit("seconds")
			.register(meters);
		this.runs = Timer.builder("porchlight.search.refresh")
			.description("Runs appending archived messages to search documents")
			.register(meters);
	}

	@Scheduled(fixedDelayString = "${porchlight.search.refresh-interval:1s}", initialDelayString = "1s")
	void refresh() {
		long deadline = System.nanoTime() + this.properties.budget().toNanos();
		try {
			this.runs.record(() -> {
				int taken;
				do {
					taken = this.index.refresh(this.properties.batch());
				}
				while (taken == this.properties.batch() && System.nanoTime() < deadline);
			});
			this.behindNanos.set(this.index.behind().toNanos());
		}
		catch (RuntimeException ex) {
			// PostgreSQL away, or one conversation in the batch whose document cannot be
			// written: its marks stay. One at a time then, so that such a conversation
			// goes
			// to the back of the queue instead of holding up every other.
			log.warn("Search documents could not be written in a batch: {}", ex.getClass().getSimpleName());
			oneByOne();
		}
	}

	private void oneByOne() {
		for (int i = 0; i < this.properties.batch(); i++) {
			try {
				if (this.index.refresh(1) == 0) {
					return;
				}
			}
			catch (RuntimeException ex) {
				try {
					this.index.postponeOldest();
					log.warn("A conversation's search document could not be written; it is tried again later: {}",
							ex.getClass().getSimpleName());
				}
				catch (RuntimeException unreachable) {
					return;
				}
			}
		}
	}

}
