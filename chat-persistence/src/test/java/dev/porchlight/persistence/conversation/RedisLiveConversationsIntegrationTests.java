package dev.porchlight.persistence.conversation;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.ConversationNotFoundException;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.ratelimit.Quota;
import dev.porchlight.domain.ratelimit.RateLimit;
import dev.porchlight.domain.ratelimit.RateLimitExceededException;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import dev.porchlight.persistence.PersistenceTestApplication;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

@SpringBootTest(classes = PersistenceTestApplication.class)
@UseRealEngines
class RedisLiveConversationsIntegrationTests {

	private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	LiveConversations live;

	@Autowired
	DataRedisConnectionDetails redis;

	@Autowired
	StringRedisTemplate redisTemplate;

	private final SiteId site = SiteId.random();

	private final VisitorId visitor = VisitorId.random();

	private final AccountId agent = AccountId.random();

	@Test
	void startsAConversationAndListsItForItsVisitorAndTheInbox() {
		Conversation conversation = start(null);
		LiveConversation found = this.live.find(conversation.id()).orElseThrow();
		assertThat(found.conversation()).isEqualTo(conversation);
		assertThat(found.lastSeq()).isZero();
		assertThat(this.live.ofVisitor(this.visitor)).extracting(LiveConversation::id)
			.containsExactly(conversation.id());
		assertThat(this.live.inbox(50)).extracting(LiveConversation::id).contains(conversation.id());
		assertThat(this.live.find(ConversationId.random())).isEmpty();
	}

	@Test
	void appendsMessagesInSequenceAndStoresEachClientIdOnce() {
		Conversation conversation = start(null);
		LiveConversations.Appended first = send(conversation, "c1", Sender.visitor(this.visitor), "Hello!");
		LiveConversations.Appended again = send(conversation, "c1", Sender.visitor(this.visitor), "Hello!");
		LiveConversations.Appended second = send(conversation, "c2", Sender.staff(this.agent), "Hi, how can I help?");
		assertThat(first.duplicate()).isFalse();
		assertThat(first.entry().seq()).isEqualTo(1);
		assertThat(again.duplicate()).isTrue();
		assertThat(again.entry()).isEqualTo(first.entry());
		assertThat(second.entry().seq()).isEqualTo(2);
		List<LogEntry> log = this.live.after(conversation.id(), 0, 100);
		assertThat(log).extracting(LogEntry::seq).containsExactly(1L, 2L);
		assertThat(log.get(0).body().text()).isEqualTo("Hello!");
		assertThat(log.get(1).sender()).isEqualTo(Sender.staff(this.agent));
		assertThat(this.live.after(conversation.id(), 1, 100)).extracting(LogEntry::seq).containsExactly(2L);
		LiveConversation state = this.live.find(conversation.id()).orElseThrow();
		assertThat(state.preview()).isEqualTo("Hi, how can I help?");
		assertThat(state.lastSender()).isEqualTo(Sender.Kind.STAFF);
		assertThat(state.unreadForStaff()).isEqualTo(1);
		assertThat(state.unreadForVisitor()).isEqualTo(1);
	}

	@Test
	void theSameClientIdFromAnotherSenderIsADifferentMessage() {
		Conversation conversation = start(null);
		LiveConversations.Appended visitors = send(conversation, "d-78", Sender.visitor(this.visitor), "guessing ids");
		LiveConversations.Appended staffs = send(conversation, "d-78", Sender.staff(this.agent), "a real reply");
		assertThat(staffs.duplicate()).isFalse();
		assertThat(staffs.entry().seq()).isEqualTo(visitors.entry().seq() + 1);
		assertThat(staffs.entry().body().text()).isEqualTo("a real reply");
	}

	@Test
	void closingWritesAnEntryAndWritingAgainReopensFirst() {
		Conversation conversation = start(null);
		send(conversation, "c1", Sender.visitor(this.visitor), "Thanks, bye");
		LogEntry closed = this.live
			.changeStatus(conversation.id(), ConversationStatus.CLOSED, Sender.staff(this.agent), T0.plusSeconds(5))
			.orElseThrow();
		assertThat(closed.kind()).isEqualTo(LogEntry.Kind.CLOSED);
		assertThat(closed.seq()).isEqualTo(2);
		assertThat(this.live.changeStatus(conversation.id(), ConversationStatus.CLOSED, Sender.staff(this.agent),
				T0.plusSeconds(6)))
			.as("closing twice writes nothing")
			.isEmpty();
		assertThat(this.live.find(conversation.id()).orElseThrow().conversation().isOpen()).isFalse();

		LiveConversations.Appended late = send(conversation, "c2", Sender.visitor(this.visitor), "One more thing");
		assertThat(late.reopened()).hasValueSatisfying((entry) -> {
			assertThat(entry.kind()).isEqualTo(LogEntry.Kind.REOPENED);
			assertThat(entry.seq()).isEqualTo(3);
		});
		assertThat(late.entry().seq()).isEqualTo(4);
		assertThat(this.live.find(conversation.id()).orElseThrow().conversation().isOpen()).isTrue();
	}

	@Test
	void readMarkersOnlyMoveForwardAndRecountUnread() {
		Conversation conversation = start(null);
		for (int i = 1; i <= 3; i++) {
			send(conversation, "v" + i, Sender.visitor(this.visitor), "question " + i);
		}
		send(conversation, "s1", Sender.staff(this.agent), "answer");
		assertThat(this.live.markRead(conversation.id(), Sender.Kind.STAFF, 2)).isEqualTo(2);
		assertThat(this.live.find(conversation.id()).orElseThrow().unreadForStaff()).isEqualTo(1);
		assertThat(this.live.markRead(conversation.id(), Sender.Kind.STAFF, 1)).as("never backwards").isEqualTo(2);
		assertThat(this.live.markRead(conversation.id(), Sender.Kind.STAFF, 99)).as("capped at the last").isEqualTo(4);
		assertThat(this.live.find(conversation.id()).orElseThrow().unreadForStaff()).isZero();
		assertThat(this.live.markRead(conversation.id(), Sender.Kind.VISITOR, 4)).isEqualTo(4);
		assertThat(this.live.find(conversation.id()).orElseThrow().readByVisitor()).isEqualTo(4);
	}

	@Test
	void concurrentWritersGetAGaplessSequenceAndRetriesStoreNothingTwice() throws Exception {
		Conversation conversation = start(null);
		int writers = 8;
		int perWriter = 40;
		ExecutorService pool = Executors.newFixedThreadPool(writers);
		CountDownLatch go = new CountDownLatch(1);
		ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
		List<Future<?>> done = new ArrayList<>();
		for (int w = 0; w < writers; w++) {
			int writer = w;
			done.add(pool.submit(() -> {
				go.await();
				for (int i = 0; i < perWriter; i++) {
					// Every message is sent twice, as a client retrying after a lost ack
					// would.
					for (int attempt = 0; attempt < 2; attempt++) {
						LiveConversations.Appended appended = send(conversation, "w" + writer + "-" + i,
								Sender.visitor(this.visitor), "message " + i + " from " + writer);
						if (!appended.duplicate()) {
							acked.add(appended.entry().seq());
						}
					}
				}
				return null;
			}));
		}
		go.countDown();
		for (Future<?> future : done) {
			future.get();
		}
		pool.shutdown();
		int total = writers * perWriter;
		assertThat(acked).hasSize(total).doesNotHaveDuplicates();
		List<LogEntry> log = this.live.after(conversation.id(), 0, 10_000);
		assertThat(log).extracting(LogEntry::seq)
			.containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
		assertThat(log).extracting((entry) -> entry.clientId().value()).doesNotHaveDuplicates();
	}

	@Test
	void unknownConversationsAreReportedAsNotFound() {
		ConversationId missing = ConversationId.random();
		assertThatExceptionOfType(ConversationNotFoundException.class).isThrownBy(() -> this.live.append(missing,
				new ClientMessageId("x"), Sender.visitor(this.visitor), new MessageBody("hi"), T0));
		assertThatExceptionOfType(ConversationNotFoundException.class)
			.isThrownBy(() -> this.live.changeStatus(missing, ConversationStatus.CLOSED, Sender.staff(this.agent), T0));
		assertThatExceptionOfType(ConversationNotFoundException.class)
			.isThrownBy(() -> this.live.markRead(missing, Sender.Kind.STAFF, 1));
		assertThat(this.live.after(missing, 0, 10)).isEmpty();
	}

	@Test
	void aVouchedCustomersConversationsAreListedPerSite() {
		CustomerId customer = CustomerId.random();
		Conversation mine = start(customer);
		assertThat(this.live.ofCustomer(this.site, customer)).extracting(LiveConversation::id)
			.containsExactly(mine.id());
		assertThat(this.live.ofCustomer(SiteId.random(), customer)).isEmpty();
	}

	@Test
	void theInboxIsOrderedByLatestActivity() {
		Conversation older = start(null);
		Conversation newer = start(null);
		send(older, "late", Sender.visitor(this.visitor), "bumped", T0.plusSeconds(3600));
		List<LiveConversation> inbox = this.live.inbox(1000);
		assertThat(inbox).extracting(LiveConversation::id).containsSubsequence(older.id(), newer.id());
	}

	@Test
	void anAssignmentListsTheConversationForTheArchiveInItsOwnScript() throws Exception {
		Conversation conversation = start(null);
		String queue = RedisKeys.awaitingArchive(conversation.id());
		List<List<String>> called = calledInScripts(() -> this.live.assignStaff(conversation.id(), this.agent));
		assertThat(called).filteredOn((command) -> command.get(1).equals(queue))
			.extracting((command) -> command.get(0).toUpperCase(Locale.ROOT))
			.as("listed in the step that changed it: no crash can come between")
			.containsExactly("ZADD");
		Object version = this.redisTemplate.opsForHash().get(RedisKeys.meta(conversation.id()), "ver");
		assertThat(this.redisTemplate.opsForZSet().score(queue, conversation.id().toString()))
			.isEqualTo(Double.parseDouble((String) version));
	}

	/**
	 * The commands Lua scripts called while the action ran, each as its name and
	 * arguments, seen through {@code MONITOR}.
	 */
	private List<List<String>> calledInScripts(Runnable action) throws Exception {
		Duration deadline = Duration.ofSeconds(20);
		try (RawRedis monitor = RawRedis.open(this.redis, deadline);
				RawRedis control = RawRedis.open(this.redis, deadline)) {
			monitor.send("MONITOR");
			assertThat(monitor.read()).isEqualTo("OK");
			action.run();
			// Redis runs commands one at a time: whatever the scripts called is
			// monitored before this marker.
			String marker = "after-the-action-" + UUID.randomUUID();
			control.send("ECHO", marker);
			assertThat(control.read()).isEqualTo(marker);
			List<List<String>> called = new ArrayList<>();
			for (String line = (String) monitor.read(); !line.contains(marker); line = (String) monitor.read()) {
				if (line.contains(" lua] ")) {
					called.add(Arrays.stream(line.substring(line.indexOf(" lua] ") + 6).split(" "))
						.map((arg) -> arg.replace("\"", ""))
						.toList());
				}
			}
			return called;
		}
	}

	@Test
	void anInboxOfSomeSitesFindsAQuietSitesConversationsBehindAThousandOfABusyOne() {
		// Days before the other tests' conversations, which stay at the top of the inbox.
		SiteId quiet = SiteId.random();
		SiteId busy = SiteId.random();
		List<ConversationId> quietOnes = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			Conversation conversation = Conversation.start(quiet, VisitorId.random(), null,
					new PageContext("https://quiet.example/", "Quiet", null, "en"),
					T0.minus(Duration.ofDays(2)).plusSeconds(i));
			this.live.start(conversation);
			quietOnes.add(0, conversation.id());
		}
		for (int i = 0; i < 1_200; i++) {
			this.live.start(Conversation.start(busy, VisitorId.random(), null,
					new PageContext("https://busy.example/", "Busy", null, "en"),
					T0.minus(Duration.ofDays(1)).plusMillis(i)));
		}
		assertThat(this.live.inbox(Set.of(quiet), 500)).extracting(LiveConversation::id)
			.as("newest first, past every conversation of the busy site")
			.containsExactlyElementsOf(quietOnes);
		assertThat(this.live.inbox(Set.of(quiet, busy), 2)).extracting(LiveConversation::id).hasSize(2);
		assertThat(this.live.inbox(Set.of(SiteId.random()), 500)).isEmpty();
	}

	@Test
	void anEntryWhoseAnnouncementWaitsIsReadByNobodyUntilItIsAnnounced() {
		Conversation conversation = start(null);
		send(conversation, "c1", Sender.visitor(this.visitor), "announced at once");
		// As with porchlight.live.replica-acks: the caller announces once replicas hold
		// it, and a failover before that may take it back, so no reader may see it.
		LiveConversations.Appended waiting = this.live.append(conversation.id(), new ClientMessageId("c2"),
				Sender.visitor(this.visitor), new MessageBody("waiting for replicas"), T0.plusSeconds(2), null, false);
		assertThat(waiting.entry().seq()).isEqualTo(2);
		assertThat(this.live.after(conversation.id(), 0, 100)).extracting(LogEntry::seq).containsExactly(1L);
		assertThat(this.live.after(conversation.id(), 1, 100)).isEmpty();

		this.live.announce(conversation.id(), 2, 2);
		assertThat(this.live.after(conversation.id(), 0, 100)).extracting(LogEntry::seq).containsExactly(1L, 2L);
		send(conversation, "c3", Sender.staff(this.agent), "announced at once again");
		assertThat(this.live.after(conversation.id(), 1, 100)).extracting(LogEntry::seq).containsExactly(2L, 3L);

		LogEntry closed = this.live
			.changeStatus(conversation.id(), ConversationStatus.CLOSED, Sender.staff(this.agent), T0.plusSeconds(3),
					false)
			.orElseThrow();
		assertThat(this.live.after(conversation.id(), 3, 100)).isEmpty();
		this.live.announce(conversation.id(), closed.seq(), closed.seq());
		assertThat(this.live.after(conversation.id(), 3, 100)).extracting(LogEntry::kind)
			.containsExactly(LogEntry.Kind.CLOSED);
	}

	@Test
	void appendsSentWithoutWaitingAreStoredInTheOrderSentAndFailAsTheWaitingOnesDo() {
		Conversation conversation = start(null);
		Sender sender = Sender.visitor(this.visitor);
		List<CompletableFuture<LiveConversations.Appended>> sent = new ArrayList<>();
		for (int i = 1; i <= 50; i++) {
			sent.add(this.live.appendAsync(conversation.id(), new ClientMessageId("a" + i), sender,
					new MessageBody("Note " + i), List.of(), T0.plusSeconds(1), null, null));
		}
		for (int i = 1; i <= 50; i++) {
			LiveConversations.Appended appended = sent.get(i - 1).orTimeout(10, TimeUnit.SECONDS).join();
			assertThat(appended.duplicate()).isFalse();
			assertThat(appended.entry().seq()).isEqualTo(i);
		}
		assertThat(this.live.after(conversation.id(), 0, 100)).extracting((entry) -> entry.body().text())
			.containsExactlyElementsOf(
					java.util.stream.IntStream.rangeClosed(1, 50).mapToObj((i) -> "Note " + i).toList());
		// A resend is answered with the original, as by append.
		LiveConversations.Appended again = this.live
			.appendAsync(conversation.id(), new ClientMessageId("a7"), sender, new MessageBody("Note 7"), List.of(),
					T0.plusSeconds(2), null, null)
			.orTimeout(10, TimeUnit.SECONDS)
			.join();
		assertThat(again.duplicate()).isTrue();
		assertThat(again.entry().seq()).isEqualTo(7);
		// Failures are the same exceptions append throws, completing the future.
		assertThatThrownBy(() -> this.live
			.appendAsync(ConversationId.random(), new ClientMessageId("x"), sender, new MessageBody("hi"), List.of(),
					T0, null, null)
			.orTimeout(10, TimeUnit.SECONDS)
			.join()).hasCauseInstanceOf(ConversationNotFoundException.class);
		RateLimit one = new RateLimit("test.async", 1, Duration.ofMinutes(1));
		Quota quota = new Quota(one, conversation.id().toString());
		assertThat(this.live
			.appendAsync(conversation.id(), new ClientMessageId("q1"), sender, new MessageBody("hi"), List.of(), T0,
					quota, null)
			.orTimeout(10, TimeUnit.SECONDS)
			.join()
			.entry()
			.seq()).isEqualTo(51);
		assertThatThrownBy(() -> this.live
			.appendAsync(conversation.id(), new ClientMessageId("q2"), sender, new MessageBody("hi"), List.of(), T0,
					quota, null)
			.orTimeout(10, TimeUnit.SECONDS)
			.join()).hasCauseInstanceOf(RateLimitExceededException.class);
		assertThat(this.live.find(conversation.id()).orElseThrow().lastSeq()).isEqualTo(51);
	}

	@Test
	void aConversationsKeysShareOneHashSlot() {
		ConversationId id = ConversationId.random();
		String tag = "{c:" + id + "}";
		assertThat(List.of(RedisKeys.meta(id), RedisKeys.log(id), RedisKeys.dedup(id)))
			.allSatisfy((key) -> assertThat(key.substring(key.indexOf('{'), key.indexOf('}') + 1)).isEqualTo(tag));
	}

	@Test
	void aSitesSharedLimitRefusesEveryVisitorOnItOnceUsedUpAndStoresNothing() {
		SiteId busy = SiteId.random();
		RateLimit perVisitor = new RateLimit("test.visitor", 1, Duration.ofMinutes(1));
		RateLimit perSite = new RateLimit("test.site", 2, Duration.ofSeconds(5));
		Quota siteQuota = new Quota(perSite, busy.toString());
		List<Conversation> visitors = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			visitors.add(start(busy, VisitorId.random()));
		}
		assertThat(appendWithin(visitors.get(0), "a", perVisitor, siteQuota).entry().seq()).isEqualTo(1);
		// Refused by the visitor's own limit: it takes nothing from what the site shares.
		assertThatExceptionOfType(RateLimitExceededException.class)
			.isThrownBy(() -> appendWithin(visitors.get(0), "b", perVisitor, siteQuota));
		assertThat(appendWithin(visitors.get(1), "a", perVisitor, siteQuota).entry().seq()).isEqualTo(1);
		// A third visitor (another address, say) within their own limit meets the site's.
		RateLimitExceededException refused = catchThrowableOfType(RateLimitExceededException.class,
				() -> appendWithin(visitors.get(2), "a", perVisitor, siteQuota));
		assertThat(refused).isNotNull();
		assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(5));
		assertThat(this.live.after(visitors.get(2).id(), 0, 10)).as("nothing stored for the refused message").isEmpty();
		assertThat(this.live.find(visitors.get(2).id()).orElseThrow().lastSeq()).isZero();
		// Another site is not affected.
		SiteId quiet = SiteId.random();
		Conversation other = start(quiet, VisitorId.random());
		assertThat(appendWithin(other, "a", perVisitor, new Quota(perSite, quiet.toString())).entry().seq())
			.isEqualTo(1);
		// Nothing lost: the refused message is accepted once the site's window has passed
		// (every refused attempt still counts against the sender's own limit, so this
		// sender's is generous).
		RateLimit generous = new RateLimit("test.visitor", 1000, Duration.ofMinutes(1));
		await().atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(100))
			.ignoreException(RateLimitExceededException.class)
			.until(() -> appendWithin(visitors.get(3), "a", generous, siteQuota).entry().seq() == 1);
	}

	@Test
	void anAppendReadsTheStateOnceWritesItOnceAndPublishesWhatItStored() throws Exception {
		Conversation conversation = start(null);
		send(conversation, "c1", Sender.visitor(this.visitor), "Is the ring in stock?");
		this.live.changeStatus(conversation.id(), ConversationStatus.CLOSED, Sender.staff(this.agent),
				T0.plusSeconds(2));
		String meta = RedisKeys.meta(conversation.id());
		Duration deadline = Duration.ofSeconds(20);
		try (RawRedis subscriber = RawRedis.open(this.redis, deadline);
				RawRedis control = RawRedis.open(this.redis, deadline)) {
			subscriber.send("SUBSCRIBE", RedisKeys.INBOX_CHANNEL);
			assertThat(subscriber.read()).asInstanceOf(InstanceOfAssertFactories.LIST).contains("subscribe");
			// A message that reopens the closed conversation, counted against a limit.
			Quota own = new Quota(new RateLimit("test.visitor", 1000, Duration.ofMinutes(1)), this.visitor.toString());
			List<List<String>> called = calledInScripts(
					() -> this.live.append(conversation.id(), new ClientMessageId("c2"), Sender.visitor(this.visitor),
							new MessageBody("One more question"), T0.plusSeconds(3), own, null, true));
			assertThat(called).filteredOn((command) -> command.get(1).equals(meta))
				.extracting((command) -> command.get(0).toUpperCase(Locale.ROOT))
				.as("the state read once, the closing time dropped, the rest written in one command")
				.containsExactly("HGETALL", "HDEL", "HSET");
			assertThat(called).extracting((command) -> command.get(0).toUpperCase(Locale.ROOT))
				.as("every command of the script")
				.containsExactly("HGETALL", "HGET", "INCR", "PEXPIRE", "XADD", "PUBLISH", "HDEL", "XADD", "PUBLISH",
						"HSET", "HSET", "ZADD", "ZADD", "PUBLISH");
			control.send("HGETALL", meta);
			List<?> flat = (List<?>) control.read();
			Map<String, String> stored = new HashMap<>();
			for (int i = 0; i < flat.size(); i += 2) {
				stored.put((String) flat.get(i), (String) flat.get(i + 1));
			}
			assertThat(stored).containsEntry("status", "OPEN")
				.containsEntry("seq", "4")
				.containsEntry("pub", "4")
				.containsEntry("unreadStaff", "2")
				.containsEntry("preview", "One more question")
				.doesNotContainKey("closedAt");
			JsonNode state = null;
			while (state == null) {
				List<?> message = (List<?>) subscriber.read();
				JsonNode event = JSON.readTree((String) message.get(2));
				if (event.path("t").asString().equals("s")
						&& event.path("id").asString().equals(conversation.id().toString())) {
					state = event.path("m");
				}
			}
			Map<String, String> published = new HashMap<>();
			state.properties().forEach((field) -> published.put(field.getKey(), field.getValue().asString()));
			assertThat(state.valueStream()).as("every value a string, as Redis keeps it").allMatch(JsonNode::isString);
			assertThat(published).as("the state published is the state stored").isEqualTo(stored);
		}
	}

	private LiveConversations.Appended appendWithin(Conversation conversation, String clientId, RateLimit perVisitor,
			Quota site) {
		Sender sender = Sender.visitor(conversation.visitorId());
		return this.live.append(conversation.id(), new ClientMessageId(clientId), sender, new MessageBody("Hello"),
				Instant.now(), new Quota(perVisitor, conversation.visitorId().toString()), site, true);
	}

	private Conversation start(SiteId site, VisitorId visitor) {
		Conversation conversation = Conversation.start(site, visitor, null,
				new PageContext("https://shop.example/rings", "Rings", null, "en"), T0);
		this.live.start(conversation);
		return conversation;
	}

	private Conversation start(CustomerId customer) {
		Conversation conversation = Conversation.start(this.site, this.visitor, customer,
				new PageContext("https://shop.example/rings", "Rings", null, "en"), T0);
		this.live.start(conversation);
		return conversation;
	}

	private LiveConversations.Appended send(Conversation conversation, String clientId, Sender sender, String body) {
		return send(conversation, clientId, sender, body, T0.plusSeconds(1));
	}

	private LiveConversations.Appended send(Conversation conversation, String clientId, Sender sender, String body,
			Instant at) {
		return this.live.append(conversation.id(), new ClientMessageId(clientId), sender, new MessageBody(body), at);
	}

}
