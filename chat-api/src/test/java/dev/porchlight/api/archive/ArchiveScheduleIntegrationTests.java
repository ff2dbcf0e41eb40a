package dev.porchlight.api.archive;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.porchlight.api.PorchlightTest;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.insight.Insights;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.visitor.Visitor;
import dev.porchlight.domain.visitor.Visitors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The archive as scheduled on a node: it runs on a thread of its own, so a long run does
 * not hold up the node's other scheduled work, and under a steady trickle of messages it
 * starts a pass once per interval, not again as soon as the last one found something.
 */
@PorchlightTest(properties = { "porchlight.archive.interval=100ms", "porchlight.insights.interval=100ms",
		"porchlight.insights.settle=0s" })
class ArchiveScheduleIntegrationTests {

	@Autowired
	Archiver archiver;

	@Autowired
	LiveConversations live;

	@Autowired
	Sites sites;

	@Autowired
	Visitors visitors;

	@Autowired
	Insights insights;

	@Autowired
	JdbcClient jdbc;

	final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void noHook() {
		this.release.countDown();
		this.archiver.afterCommit((id) -> {
		});
	}

	@Test
	void underASteadyTrickleAPassStartsOncePerIntervalAndEveryMessageIsArchived() throws Exception {
		long started = System.nanoTime();
		Conversation conversation = conversation("Trickle");
		// Commits of this node's archive that wrote the conversation.
		AtomicInteger commits = new AtomicInteger();
		this.archiver.afterCommit((ids) -> {
			if (ids.contains(conversation.id())) {
				commits.incrementAndGet();
			}
		});
		// A message every 10 ms for 1.5 s: going on from pass to pass while anything
		// waited, the archive committed after nearly every one of them.
		int messages = 150;
		for (int i = 0; i < messages; i++) {
			this.live.append(conversation.id(), new ClientMessageId("t" + i), Sender.visitor(conversation.visitorId()),
					new MessageBody("Tea number " + i), Instant.now());
			Thread.sleep(10);
		}
		await("every message archived").atMost(Duration.ofSeconds(20))
			.until(() -> this.jdbc.sql("select count(*) from message where conversation_id = ?")
				.param(conversation.id().value())
				.query(Long.class)
				.single() == messages);
		long elapsed = System.nanoTime() - started;
		// Passes start at least 100 ms apart, counted from before the conversation was
		// listed (one more for a pass under way when the count is read): however slow
		// the machine, never more than this.
		long most = elapsed / Duration.ofMillis(100).toNanos() + 2;
		assertThat(commits.get()).as("commits in %d ms", elapsed / 1_000_000).isBetween(1, (int) most);
	}

	@Test
	void whileAnArchiveRunIsBusyTheNodesOtherScheduledWorkGoesOn() throws Exception {
		// The scheduled archive commits the message, then stays busy (its clean-up
		// held).
		CountDownLatch held = new CountDownLatch(1);
		this.archiver.afterCommit((ids) -> {
			held.countDown();
			try {
				this.release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		Conversation conversation = conversation("Scheduled");
		this.live.append(conversation.id(), new ClientMessageId("m1"), Sender.visitor(conversation.visitorId()),
				new MessageBody("Do you sell marmalade jars?"), Instant.now());
		assertThat(held.await(20, TimeUnit.SECONDS)).as("the archive committed and is held").isTrue();

		// The insights count, another scheduled task, counts the archived conversation
		// meanwhile.
		await("counted for insights while the archive run is held").atMost(Duration.ofSeconds(15))
			.until(() -> this.insights.waiting(conversation.siteId()) == 0
					&& this.jdbc.sql("select count(*) from insight_conversation where conversation_id = ?")
						.param(conversation.id().value())
						.query(Long.class)
						.single() == 1);
	}

	/** A live conversation of a new visitor on a new site. */
	private Conversation conversation(String siteName) {
		Instant now = Instant.now();
		Site site = Site.create(siteName, List.of(), now);
		this.sites.add(site);
		Visitor visitor = Visitor.arrive(site.id(), now);
		this.visitors.add(visitor, "hash");
		Conversation conversation = Conversation.start(site.id(), visitor.id(), null, PageContext.unknown(), now);
		this.live.start(conversation);
		return conversation;
	}

}
