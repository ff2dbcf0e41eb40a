package dev.porchlight.api.archive;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
 * not hold up the node's other scheduled work.
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
		Instant now = Instant.now();
		Site site = Site.create("Scheduled", List.of(), now);
		this.sites.add(site);
		Visitor visitor = Visitor.arrive(site.id(), now);
		this.visitors.add(visitor, "hash");
		Conversation conversation = Conversation.start(site.id(), visitor.id(), null, PageContext.unknown(), now);
		this.live.start(conversation);
		this.live.append(conversation.id(), new ClientMessageId("m1"), Sender.visitor(visitor.id()),
				new MessageBody("Do you sell marmalade jars?"), now);
		assertThat(held.await(20, TimeUnit.SECONDS)).as("the archive committed and is held").isTrue();

		// The insights count, another scheduled task, counts the archived conversation
		// meanwhile.
		await("counted for insights while the archive run is held").atMost(Duration.ofSeconds(15))
			.until(() -> this.insights.waiting(site.id()) == 0
					&& this.jdbc.sql("select count(*) from insight_conversation where conversation_id = ?")
						.param(conversation.id().value())
						.query(Long.class)
						.single() == 1);
	}

}
