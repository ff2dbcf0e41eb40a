package dev.porchlight.api.attachment;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import dev.porchlight.domain.attachment.AttachmentFiles;
import dev.porchlight.domain.attachment.Attachments;
import dev.porchlight.domain.conversation.AttachmentId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * What keeps the files in order: the processor every upload goes through, and forgetting
 * uploads no message took.
 */
@Configuration(proxyBeanMethods = false)
public class AttachmentWork {

	private static final Logger log = LoggerFactory.getLogger(AttachmentWork.class);

	private static final int BATCH = 500;

	private final Attachments attachments;

	private final AttachmentFiles files;

	private final AttachmentProperties properties;

	private final Clock clock = Clock.systemUTC();

	private final ReentrantLock sweeping = new ReentrantLock();

	AttachmentWork(Attachments attachments, AttachmentFiles files, AttachmentProperties properties) {
		this.attachments = attachments;
		this.files = files;
		this.properties = properties;
	}

	@Bean
	AttachmentProcessor attachmentProcessor() {
		return new AttachmentProcessor(this.properties.maxPixels(), this.properties.imageWorkers(),
				this.properties.thumbnailSize());
	}

	/**
	 * Forgets uploads no message took within {@code porchlight.attachments.unsent-after}.
	 * Every node may run it: each takes different rows. At a fixed rate, so that it runs
	 * on a thread of its own rather than on the scheduler's one thread for fixed-delay
	 * tasks, where deleting many files would hold up the socket sweep; a sweep still
	 * going when the next is due lets that one pass.
	 */
	@Scheduled(fixedRateString = "${porchlight.attachments.sweep-interval:10m}", initialDelayString = "1m")
	void forgetUnsent() {
		if (!this.sweeping.tryLock()) {
			return;
		}
		try {
			sweep();
		}
		finally {
			this.sweeping.unlock();
		}
	}

	private void sweep() {
		try {
			List<AttachmentId> gone;
			do {
				gone = this.attachments.removeUnsent(this.clock.instant().minus(this.properties.unsentAfter()), BATCH);
				this.files.delete(gone);
			}
			while (gone.size() == BATCH);
		}
		catch (RuntimeException ex) {
			// The records or the bytes could not be reached: the next sweep tries again.
			// Bytes whose record went meanwhile are never served again.
			log.warn("Unsent uploads could not be cleared this time: {}", ex.getClass().getSimpleName());
		}
	}

}
