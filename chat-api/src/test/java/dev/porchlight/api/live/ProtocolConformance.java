package dev.porchlight.api.live;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.visitor.VisitorId;
import dev.porchlight.domain.visitor.VisitorNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The protocol conformance suite: drives both endpoints through real WebSocket
 * connections exactly as docs/protocol.md describes them. It runs against one node
 * ({@link LiveProtocolIntegrationTests}) and against three nodes on a Redis Cluster
 * ({@link RedisClusterIntegrationTests}), where each new client may land on another node.
 * Nodes are configured with a visitor limit of 40 messages per window.
 */
abstract class ProtocolConformance {

	private static final java.util.concurrent.atomic.AtomicInteger VISITORS = new java.util.concurrent.atomic.AtomicInteger();

	static final String APP = "https://chat.porchlight.example";

	Site site;

	final List<LiveClient> clients = new ArrayList<>();

	/**
	 * @return the port of the node the next client talks to
	 */
	abstract int port();

	abstract Sites sites();

	@BeforeEach
	void aSite() {
		this.site = Site.create("Shop", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		sites().add(this.site);
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(LiveClient::close);
	}

	@Test
	void aVisitorIsWelcomedStartsAConversationAndGetsAcksWithSequences() {
		LiveClient visitor = visitor(newVisitor());
		JsonNode welcome = visitor.next("welcome");
		assertThat(welcome.path("protocol").asString()).isEqualTo("porchlight.v1");
		assertThat(welcome.path("role").asString()).isEqualTo("visitor");
		assertThat(welcome.path("heartbeatMs").asLong()).isPositive();
		assertThat(welcome.path("conversations").size()).isZero();

		String conversation = start(visitor);
		visitor.send(Map.of("type", "send", "ref", "r1", "conversationId", conversation, "clientId", "m1", "body",
				"Do you make custom ankh pendants?"));
		JsonNode ack = visitor.next("ack");
		assertThat(ack.path("ref").asString()).isEqualTo("r1");
		assertThat(ack.path("seq").asLong()).isEqualTo(1);
		assertThat(ack.path("duplicate").asBoolean()).isFalse();
		JsonNode event = visitor.next("event");
		assertThat(event.path("seq").asLong()).isEqualTo(1);
		assertThat(event.path("kind").asString()).isEqualTo("message");
		assertThat(event.path("message").path("body").asString()).isEqualTo("Do you make custom ankh pendants?");
		assertThat(event.path("by").path("kind").asString()).isEqualTo("visitor");
	}

	@Test
	void aBinaryFrameClosesTheSocketWith1003() {
		LiveClient visitor = visitor(newVisitor());
		visitor.next("welcome");
		visitor.sendBinary("{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
		assertThat(visitor.awaitClose()).isEqualTo(1003);
	}

	@Test
	void messagesSentWithoutWaitingForTheirAcksAreStoredInTheOrderSent() {
		LiveClient visitor = visitor(newVisitor());
		visitor.next("welcome");
		String conversation = start(visitor);
		int count = 30;
		for (int i = 1; i <= count; i++) {
			visitor.send(send(conversation, "burst-" + i, "Line " + i + " of my order notes"));
		}
		Map<String, Long> seqs = new HashMap<>();
		for (int i = 1; i <= count; i++) {
			JsonNode ack = visitor.next("ack");
			seqs.put(ack.path("clientId").asString(), ack.path("seq").asLong());
		}
		for (int i = 1; i <= count; i++) {
			assertThat(seqs.get("burst-" + i)).as("the sequence of message %d", i).isEqualTo(i);
		}
		for (int i = 1; i <= count; i++) {
			JsonNode event = visitor.next("event");
			assertThat(event.path("seq").asLong()).isEqualTo(i);
			assertThat(event.path("message").path("body").asString()).isEqualTo("Line " + i + " of my order notes");
		}
	}

	@Test
	void sendingTheSameClientIdAgainReturnsTheSameAckAndStoresNothing() {
		LiveClient visitor = visitor(newVisitor());
		String conversation = start(visitor);
		for (int i = 0; i < 3; i++) {
			visitor.send(send(conversation, "same-id", "Hello?"));
		}
		List<JsonNode> acks = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			acks.add(visitor.next("ack"));
		}
		assertThat(acks).extracting((ack) -> ack.path("seq").asLong()).containsOnly(1L);
		assertThat(acks).extracting((ack) -> ack.path("duplicate").asBoolean()).containsExactly(false, true, true);
		visitor.send(send(conversation, "next", "Anyone?"));
		assertThat(visitor.next("ack").path("seq").asLong()).isEqualTo(2);
		List<Long> events = visitor.drain(Duration.ofMillis(300))
			.stream()
			.filter((frame) -> frame.path("type").asString().equals("event"))
			.map((frame) -> frame.path("seq").asLong())
			.toList();
		assertThat(events).doesNotHaveDuplicates();
	}

	@Test
	void staffSeeTheNewConversationLiveAndBothSidesTalk() {
		LiveClient staff = staff();
		assertThat(staff.next("welcome").path("role").asString()).isEqualTo("staff");
		LiveClient visitor = visitor(newVisitor());
		String conversation = start(visitor);
		JsonNode inbox = staff.next(
				(frame) -> frame.path("type").asString().equals("inbox")
						&& frame.path("conversation").path("id").asString().equals(conversation),
				"the new conversation");
		assertThat(inbox.path("conversation").path("siteId").asString()).isEqualTo(this.site.id().toString());

		visitor.send(send(conversation, "v1", "Hi there"));
		JsonNode preview = staff.next(
				(frame) -> frame.path("type").asString().equals("inbox")
						&& frame.path("conversation").path("preview").asString().equals("Hi there"),
				"the message preview");
		assertThat(preview.path("conversation").path("unread").asLong()).isEqualTo(1);
		assertThat(preview.path("conversation").path("awaitingReply").asBoolean()).isTrue();

		staff.send(Map.of("type", "subscribe", "conversationId", conversation, "afterSeq", 0));
		assertThat(staff.next("event").path("message").path("body").asString()).isEqualTo("Hi there");
		assertThat(staff.next("synced").path("seq").asLong()).isEqualTo(1);

		staff.send(send(conversation, "s1", "Hello! How can I help?"));
		assertThat(staff.next("ack").path("seq").asLong()).isEqualTo(2);
		JsonNode reply = visitor.next(
				(frame) -> frame.path("type").asString().equals("event") && frame.path("seq").asLong() == 2,
				"the reply");
		assertThat(reply.path("by").path("kind").asString()).isEqualTo("staff");
		assertThat(reply.path("by").path("name").asString()).isEqualTo("Owner");
		assertThat(reply.path("by").has("id")).as("visitors never see staff account ids").isFalse();
	}

	@Test
	void aReconnectingClientResumesAfterItsLastSequenceWithoutGapsOrDuplicates() throws Exception {
		String token = newVisitor();
		LiveClient first = visitor(token);
		String conversation = start(first);
		for (int i = 1; i <= 5; i++) {
			first.send(send(conversation, "a" + i, "message " + i));
			first.next("ack");
		}
		first.close();
		// While the visitor is away, staff keep writing; then more arrive during the
		// resume.
		LiveClient staff = staff();
		staff.next("welcome");
		Thread writer = Thread.ofVirtual().start(() -> {
			for (int i = 1; i <= 40; i++) {
				staff.send(send(conversation, "s" + i, "reply " + i));
			}
		});
		LiveClient resumed = visitor(token);
		resumed.next("welcome");
		resumed.send(Map.of("type", "subscribe", "conversationId", conversation, "afterSeq", 3));
		assertThat(writer.join(Duration.ofSeconds(30))).as("the staff member sent all 40 replies").isTrue();
		List<Long> seen = new ArrayList<>();
		while (seen.size() < 42) {
			seen.add(resumed.next("event").path("seq").asLong());
		}
		assertThat(seen).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(4, 45).boxed().toList());
		assertThat(resumed.drain(Duration.ofMillis(300)))
			.noneMatch((frame) -> frame.path("type").asString().equals("event"));
	}

	@Test
	void typingIsShownToTheOtherSideAndDraftsOnlyWhenTheSiteAllowsIt() {
		LiveClient staff = staff();
		staff.next("welcome");
		LiveClient visitor = visitor(newVisitor());
		String conversation = start(visitor);
		visitor.send(Map.of("type", "typing", "conversationId", conversation, "typing", true, "draft", "I wonder"));
		JsonNode typing = staff.next("typing");
		assertThat(typing.path("side").asString()).isEqualTo("visitor");
		assertThat(typing.path("typing").asBoolean()).isTrue();
		assertThat(typing.has("draft")).as("typing preview is off by default").isFalse();

		staff.send(Map.of("type", "typing", "conversationId", conversation, "typing", true));
		JsonNode staffTyping = visitor.next("typing");
		assertThat(staffTyping.path("side").asString()).isEqualTo("staff");
		assertThat(staffTyping.path("name").asString()).isEqualTo("Owner");

		sites().update(this.site.withSettings(this.site.name(), this.site.allowedOrigins(), this.site.identityMode(),
				new dev.porchlight.domain.site.WidgetSettings(this.site.widget().colour(),
						this.site.widget().position(), this.site.widget().greeting(), this.site.widget().awayMessage(),
						this.site.widget().preChatForm(), true, this.site.widget().businessHours())));
		visitor.send(Map.of("type", "typing", "conversationId", conversation, "typing", true, "draft", "I wonder if"));
		assertThat(staff.next("typing").path("draft").asString()).isEqualTo("I wonder if");
		// Cut at 1,000 characters, never inside one.
		visitor.send(
				Map.of("type", "typing", "conversationId", conversation, "typing", true, "draft", "🙂".repeat(1_200)));
		assertThat(staff.next("typing").path("draft").asString()).isEqualTo("🙂".repeat(1_000));
	}

	@Test
	void readMarkersReachTheOtherSideAndResetUnreadCounts() {
		LiveClient staff = staff();
		staff.next("welcome");
		LiveClient visitor = visitor(newVisitor());
		String conversation = start(visitor);
		visitor.send(send(conversation, "v1", "Question one"));
		visitor.send(send(conversation, "v2", "Question two"));
		visitor.next("ack");
		visitor.next("ack");
		staff.send(Map.of("type", "read", "conversationId", conversation, "seq", 2));
		assertThat(staff.next("read_ok").path("seq").asLong()).isEqualTo(2);
		JsonNode read = visitor.next("read");
		assertThat(read.path("side").asString()).isEqualTo("staff");
		assertThat(read.path("seq").asLong()).isEqualTo(2);
		JsonNode inbox = staff.next((frame) -> frame.path("type").asString().equals("inbox")
				&& frame.path("conversation").path("readByStaff").asLong() == 2, "the read inbox entry");
		assertThat(inbox.path("conversation").path("unread").asLong()).isZero();
	}

	@Test
	void staffAssignAConversationAndEveryInboxShowsWho() {
		LiveClient staff = staff();
		String me = staff.next("welcome").path("accountId").asString();
		LiveClient visitor = visitor(newVisitor());
		String conversation = start(visitor);
		staff.send(Map.of("type", "assign", "ref", "a", "conversationId", conversation, "accountId", me));
		assertThat(staff.next("assign_ok").path("accountId").asString()).isEqualTo(me);
		JsonNode inbox = staff.next(
				(frame) -> frame.path("type").asString().equals("inbox")
						&& frame.path("conversation").path("assignee").asString("").equals(me),
				"the assigned inbox entry");
		assertThat(inbox.path("conversation").path("assigneeName").asString()).isEqualTo("Owner");

		Map<String, Object> unassign = new java.util.HashMap<>();
		unassign.put("type", "assign");
		unassign.put("conversationId", conversation);
		unassign.put("accountId", null);
		staff.send(unassign);
		assertThat(staff.next("assign_ok").path("accountId").isNull()).isTrue();
		staff.send(Map.of("type", "assign", "ref", "b", "conversationId", conversation, "accountId",
				java.util.UUID.randomUUID().toString()));
		assertThat(staff.next("error").path("code").asString()).isEqualTo("invalid_field");
		visitor.send(Map.of("type", "assign", "ref", "c", "conversationId", conversation, "accountId", me));
		assertThat(visitor.next("error").path("code").asString()).isEqualTo("forbidden");
	}

	@Test
	void visitorsLearnWhetherStaffAreAvailable() {
		LiveClient visitor = visitor(newVisitor());
		visitor.next("welcome");
		LiveClient staff = staff();
		staff.next("welcome");
		assertThat(visitor
			.next((frame) -> frame.path("type").asString().equals("availability")
					&& frame.path("staffAvailable").asBoolean(), "staff available")
			.path("staffAvailable")
			.asBoolean()).isTrue();
		staff.send(Map.of("type", "availability", "available", false));
		assertThat(staff.next("availability_ok").path("available").asBoolean()).isFalse();
		assertThat(visitor
			.next((frame) -> frame.path("type").asString().equals("availability")
					&& !frame.path("staffAvailable").asBoolean(), "away")
			.path("staffAvailable")
			.asBoolean()).isFalse();
		staff.send(Map.of("type", "availability", "available", true));
		assertThat(visitor
			.next((frame) -> frame.path("type").asString().equals("availability")
					&& frame.path("staffAvailable").asBoolean(), "back")
			.path("staffAvailable")
			.asBoolean()).isTrue();
	}

	@Test
	void visitorPagesReachStaff() {
		LiveClient staff = staff();
		staff.next("welcome");
		String token = newVisitor();
		LiveClient visitor = visitor(token);
		visitor.next("welcome");
		visitor.send(Map.of("type", "page", "url", "https://shop.example/rings", "title", "Rings"));
		JsonNode page = staff.next("visitor");
		assertThat(page.path("online").asBoolean()).isTrue();
		assertThat(page.path("page").asString()).isEqualTo("https://shop.example/rings");
	}

	@Test
	void staffAreToldWhereTheirInboxsVisitorsAreWhenTheyConnect() {
		LiveClient visitor = visitor(newVisitor());
		String conversation = start(visitor);
		visitor.send(Map.of("type", "page", "url", "https://shop.example/rings/ankh", "title", "Ankh ring"));
		String visitorId = visitor.next("welcome").path("visitorId").asString();
		// A dashboard opened after the visitor moved: it knows without another move.
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			LiveClient staff = staff();
			JsonNode welcome = staff.next("welcome");
			staff.close();
			assertThat(welcome.path("conversations")).anySatisfy((summary) -> {
				assertThat(summary.path("id").asString()).isEqualTo(conversation);
				assertThat(summary.path("visitorName").asString())
					.isEqualTo(VisitorNames.of(VisitorId.parse(visitorId)));
			});
			assertThat(welcome.path("visitors")).anySatisfy((present) -> {
				assertThat(present.path("visitorId").asString()).isEqualTo(visitorId);
				assertThat(present.path("online").asBoolean()).isTrue();
				assertThat(present.path("page").asString()).isEqualTo("https://shop.example/rings/ankh");
				assertThat(present.path("title").asString()).isEqualTo("Ankh ring");
			});
		});
		// Gone when their last socket closes.
		visitor.close();
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			LiveClient staff = staff();
			JsonNode welcome = staff.next("welcome");
			staff.close();
			assertThat(welcome.path("visitors").findValuesAsString("visitorId")).doesNotContain(visitorId);
		});
	}

	@Test
	void whatStaffChangeOutsideAConversationReachesEveryDashboardAtOnce() {
		LiveClient staff = staff();
		staff.next("welcome");
		ApiClient owner = new ApiClient(port());
		owner.signIn("owner@shop.example", "owner password 123");

		// A new colleague appears in every dashboard's lists.
		String email = "agent-" + System.nanoTime() + "@shop.example";
		String agent = owner
			.post("/api/v1/accounts", ApiClient.json(Map.of("email", email, "displayName", "Nadia", "role", "AGENT")))
			.text("/account/id");
		JsonNode team = staff.next((frame) -> frame.path("type").asString().equals("team")
				&& frame.path("team").findValuesAsString("id").contains(agent), "the team with the new agent");
		assertThat(team.path("team")).anySatisfy((member) -> {
			assertThat(member.path("id").asString()).isEqualTo(agent);
			assertThat(member.path("displayName").asString()).isEqualTo("Nadia");
		});
		owner.post("/api/v1/accounts/" + agent + "/disable", "");
		staff.next((frame) -> frame.path("type").asString().equals("team")
				&& !frame.path("team").findValuesAsString("id").contains(agent), "the team without her");

		// A visitor leaves their email: the dashboard learns the customer's name.
		String token = newVisitor();
		LiveClient visitor = visitor(token);
		String conversation = start(visitor);
		visitor.send(send(conversation, "m1", "Is the ankh in stock?"));
		visitor.next("ack");
		assertThat(new ApiClient(port()).header("Authorization", "Bearer " + token)
			.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "ida@example.com", "name", "Ida")))
			.status()).isEqualTo(204);
		JsonNode customer = staff.next((frame) -> frame.path("type").asString().equals("customer")
				&& frame.path("email").asString().equals("ida@example.com"), "Ida's record");
		String customerId = customer.path("customerId").asString();
		assertThat(customer.path("name").asString()).isEqualTo("Ida");
		owner.patch("/api/v1/customers/" + customerId, ApiClient.json(Map.of("name", "Ida Pfeiffer")));
		staff.next((frame) -> frame.path("type").asString().equals("customer")
				&& frame.path("name").asString().equals("Ida Pfeiffer"), "the new name");

		// Tags, for the inbox's tag filter.
		owner.put("/api/v1/customers/" + customerId + "/tags/vip");
		JsonNode tags = staff.next((frame) -> frame.path("type").asString().equals("tags")
				&& customerId.equals(frame.path("customerId").asString()), "the customer's tags");
		assertThat(tags.path("tags").valueStream().map(JsonNode::asString)).containsExactly("vip");

		// Erased: every dashboard drops the conversation (and its Reply).
		assertThat(owner.delete("/api/v1/customers/" + customerId).status()).isEqualTo(200);
		JsonNode erased = staff.next((frame) -> frame.path("type").asString().equals("erased")
				&& frame.path("customerId").asString().equals(customerId), "the erasure");
		assertThat(erased.path("conversationIds").get(0).asString()).isEqualTo(conversation);
	}

	@Test
	void eitherSideClosesAndWritingAgainReopens() {
		LiveClient staff = staff();
		staff.next("welcome");
		LiveClient visitor = visitor(newVisitor());
		String conversation = start(visitor);
		visitor.send(send(conversation, "v1", "Thanks!"));
		visitor.next("ack");
		staff.send(Map.of("type", "close", "conversationId", conversation));
		assertThat(staff.next("status_ok").path("status").asString()).isEqualTo("closed");
		assertThat(visitor
			.next((frame) -> frame.path("type").asString().equals("event")
					&& frame.path("kind").asString().equals("closed"), "closed")
			.path("seq")
			.asLong()).isEqualTo(2);
		visitor.send(send(conversation, "v2", "Actually, one more question"));
		assertThat(visitor.next("ack").path("seq").asLong()).isEqualTo(4);
		assertThat(visitor
			.next((frame) -> frame.path("type").asString().equals("event")
					&& frame.path("kind").asString().equals("reopened"), "reopened")
			.path("seq")
			.asLong()).isEqualTo(3);
		visitor.send(Map.of("type", "close", "conversationId", conversation));
		assertThat(visitor.next("status_ok").path("status").asString()).isEqualTo("closed");
		staff.send(Map.of("type", "reopen", "conversationId", conversation));
		assertThat(staff.next("status_ok").path("status").asString()).isEqualTo("open");
		visitor.send(Map.of("type", "reopen", "conversationId", conversation));
		assertThat(visitor.next("error").path("code").asString()).isEqualTo("forbidden");
	}

	@Test
	void anErrorCarriesTheFramesRefAndARefThatCannotBeEchoedIsRefused() {
		LiveClient visitor = visitor(newVisitor());
		String conversation = start(visitor);
		Map<String, String> cases = new java.util.LinkedHashMap<>();
		cases.put("{\"type\":\"typing\",\"ref\":\"t1\",\"conversationId\":\"" + conversation + "\"}", "missing_field");
		cases.put("{\"type\":\"teleport\",\"ref\":\"t2\"}", "unknown_type");
		cases.put("{\"ref\":\"t3\"}", "missing_field");
		cases.put("{\"type\":5,\"ref\":\"t4\"}", "invalid_field");
		cases.forEach((frame, code) -> {
			visitor.sendRaw(frame);
			var error = visitor.next("error");
			assertThat(error.path("code").asString()).as(frame).isEqualTo(code);
			assertThat(error.path("ref").asString()).as(frame).isEqualTo(frame.replaceAll(".*\"(t\\d)\".*", "$1"));
		});
		// A ref the server could not echo is refused, not silently dropped.
		visitor.sendRaw("{\"type\":\"ping\",\"ref\":\"" + "r".repeat(65) + "\"}");
		var tooLong = visitor.next("error");
		assertThat(tooLong.path("code").asString()).isEqualTo("invalid_field");
		assertThat(tooLong.path("message").asString()).contains("'ref'");
		assertThat(tooLong.has("ref")).isFalse();
		visitor.sendRaw("{\"type\":\"ping\",\"ref\":7}");
		assertThat(visitor.next("error").path("code").asString()).isEqualTo("invalid_field");
		String longest = "r".repeat(64);
		visitor.send(Map.of("type", "ping", "ref", longest));
		assertThat(visitor.next("pong").path("ref").asString()).isEqualTo(longest);
		// Characters are counted as code points, as everywhere in the protocol: 64 emoji
		// (128 UTF-16 units) are a ref of 64 characters.
		String emoji = "\uD83D\uDE00".repeat(64);
		visitor.send(Map.of("type", "ping", "ref", emoji));
		assertThat(visitor.next("pong").path("ref").asString()).isEqualTo(emoji);
	}

	@Test
	void everyBadFrameGetsItsDocumentedErrorAndTheSocketStaysOpen() {
		LiveClient visitor = visitor(newVisitor());
		String conversation = start(visitor);
		Map<String, String> cases = new java.util.LinkedHashMap<>();
		cases.put("{not json", "malformed_frame");
		cases.put("[1,2]", "malformed_frame");
		cases.put("{\"kind\":\"send\"}", "missing_field");
		cases.put("{\"type\":\"teleport\"}", "unknown_type");
		cases.put("{\"type\":\"send\",\"conversationId\":\"" + conversation + "\",\"clientId\":\"c\"}",
				"missing_field");
		cases.put("{\"type\":\"send\",\"conversationId\":\"" + conversation
				+ "\",\"clientId\":\"bad id!\",\"body\":\"x\"}", "invalid_client_id");
		cases.put("{\"type\":\"send\",\"conversationId\":\"" + conversation + "\",\"clientId\":\"c\",\"body\":\"   \"}",
				"invalid_message");
		cases.put("{\"type\":\"send\",\"conversationId\":\"" + conversation + "\",\"clientId\":\"c\",\"body\":\""
				+ "x".repeat(4001) + "\"}", "invalid_message");
		cases.put("{\"type\":\"send\",\"conversationId\":\"nope\",\"clientId\":\"c\",\"body\":\"x\"}", "invalid_id");
		cases.put("{\"type\":\"send\",\"conversationId\":\"" + java.util.UUID.randomUUID()
				+ "\",\"clientId\":\"c\",\"body\":\"x\"}", "not_found");
		cases.put("{\"type\":\"read\",\"conversationId\":\"" + conversation + "\",\"seq\":-1}", "invalid_field");
		cases.put("{\"type\":\"typing\",\"conversationId\":\"" + conversation + "\",\"typing\":\"yes\"}",
				"invalid_field");
		cases.put("{\"type\":\"typing\",\"conversationId\":\"" + conversation + "\"}", "missing_field");
		cases.put("{\"type\":\"start\",\"context\":{\"url\":\"javascript:alert(1)\"}}", "invalid_page_url");
		cases.put("{\"type\":\"availability\",\"available\":true}", "forbidden");
		cases.forEach((frame, code) -> {
			visitor.sendRaw(frame);
			assertThat(visitor.next("error").path("code").asString()).as(frame).isEqualTo(code);
		});
		visitor.send(Map.of("type", "ping"));
		assertThat(visitor.next("pong")).isNotNull();
		assertThat(visitor.isClosed()).isFalse();
	}

	@Test
	void oneVisitorCannotTouchAnothersConversation() {
		LiveClient alice = visitor(newVisitor());
		String hers = start(alice);
		LiveClient bob = visitor(newVisitor());
		bob.next("welcome");
		for (Map<String, Object> frame : List.<Map<String, Object>>of(
				Map.of("type", "subscribe", "conversationId", hers, "afterSeq", 0), send(hers, "x", "hijack"),
				Map.of("type", "read", "conversationId", hers, "seq", 1),
				Map.of("type", "typing", "conversationId", hers, "typing", true),
				Map.of("type", "close", "conversationId", hers))) {
			bob.send(frame);
			assertThat(bob.next("error").path("code").asString()).isEqualTo("not_found");
		}
		bob.send(Map.of("type", "conversations"));
		assertThat(bob.next("conversations").toString()).doesNotContain(hers);
	}

	@Test
	void staffDoNotStartConversations() {
		LiveClient staff = staff();
		staff.next("welcome");
		staff.send(Map.of("type", "start"));
		assertThat(staff.next("error").path("code").asString()).isEqualTo("forbidden");
	}

	@Test
	void floodingVisitorsAreRateLimited() {
		LiveClient visitor = visitor(newVisitor());
		String conversation = start(visitor);
		String code = null;
		for (int i = 0; i < 60 && code == null; i++) {
			visitor.send(send(conversation, "f" + i, "spam " + i));
			JsonNode answer = visitor.next((frame) -> frame.path("type").asString().equals("ack")
					|| frame.path("type").asString().equals("error"), "ack or error");
			if (answer.path("type").asString().equals("error")) {
				code = answer.path("code").asString();
				assertThat(answer.path("retryAfterMs").asLong()).isPositive();
			}
		}
		assertThat(code).isEqualTo("rate_limited");
	}

	@Test
	void aResendIsAnsweredWithItsFirstAckEvenOnceTheSenderIsRateLimited() {
		LiveClient visitor = visitor(newVisitor());
		String conversation = start(visitor);
		visitor.send(send(conversation, "asked", "Is the ankh pendant in stock?"));
		long first = visitor.next("ack").path("seq").asLong();
		String code = null;
		for (int i = 0; i < 60 && code == null; i++) {
			visitor.send(send(conversation, "g" + i, "again " + i));
			JsonNode answer = visitor.next((frame) -> frame.path("type").asString().equals("ack")
					|| frame.path("type").asString().equals("error"), "ack or error");
			code = answer.path("type").asString().equals("error") ? answer.path("code").asString() : null;
		}
		assertThat(code).isEqualTo("rate_limited");
		// A client that missed the first ack sends the message again: it was stored,
		// so it is acknowledged as it was, whatever the limit says now.
		visitor.send(send(conversation, "asked", "Is the ankh pendant in stock?"));
		JsonNode resent = visitor.next(
				(frame) -> frame.path("type").asString().equals("ack") || frame.path("type").asString().equals("error"),
				"ack or error");
		assertThat(resent.path("type").asString()).as(resent.toString()).isEqualTo("ack");
		assertThat(resent.path("seq").asLong()).isEqualTo(first);
	}

	@Test
	void anOversizedFrameClosesTheSocketWith1009() {
		// The limit counts bytes: 6,000 characters of 3 bytes each are 18,000 bytes
		// against the 16,384 allowed.
		for (String pad : List.of("x".repeat(20_000), "€".repeat(6_000))) {
			LiveClient visitor = visitor(newVisitor());
			visitor.next("welcome");
			visitor.sendRaw("{\"type\":\"ping\",\"pad\":\"" + pad + "\"}");
			assertThat(visitor.awaitClose()).as(pad.length() + " characters").isEqualTo(1009);
		}
	}

	@Test
	void aMessageOfTheLongestLengthInFourByteCharactersFitsInAFrame() {
		LiveClient visitor = visitor(newVisitor());
		String conversation = start(visitor);
		String body = "🙂".repeat(4_000);
		visitor.send(send(conversation, "smiles", body));
		assertThat(visitor.next("ack").path("seq").asLong()).isEqualTo(1);
		assertThat(visitor.next("event").path("message").path("body").asString()).isEqualTo(body);
	}

	@Test
	void aLongMessageInOneFrameArrivesWhole() {
		// Longer than the server's per-socket text buffer, shorter than the frame limit:
		// the server puts the frame together from its parts.
		LiveClient visitor = visitor(newVisitor());
		String conversation = start(visitor);
		String body = "Ünïcödé ankh pendant ".repeat(190).strip();
		visitor.send(send(conversation, "long", body));
		assertThat(visitor.next("ack").path("seq").asLong()).isEqualTo(1);
		assertThat(visitor.next("event").path("message").path("body").asString()).isEqualTo(body);
		visitor.send(Map.of("type", "ping"));
		assertThat(visitor.next("pong")).as("the next frame is read on its own").isNotNull();
	}

	@Test
	void aSocketThatKeepsBreakingTheProtocolIsClosedForAbuse() {
		LiveClient visitor = visitor(newVisitor());
		visitor.next("welcome");
		for (int i = 0; i < 25 && !visitor.isClosed(); i++) {
			visitor.sendRaw("garbage " + i);
		}
		assertThat(visitor.awaitClose()).isEqualTo(1008);
	}

	@Test
	void endingAStaffMembersSessionsClosesTheirSockets() {
		ApiClient owner = new ApiClient(port());
		owner.signIn("owner@shop.example", "owner password 123");
		String email = "agent" + System.nanoTime() + "@shop.example";
		ApiClient.Response created = owner.post("/api/v1/accounts",
				ApiClient.json(Map.of("email", email, "displayName", "Ann", "role", "AGENT")));
		ApiClient agent = new ApiClient(port());
		agent.signIn(email, created.text("/oneTimePassword"));
		agent.post("/api/v1/me/password", ApiClient
			.json(Map.of("currentPassword", created.text("/oneTimePassword"), "newPassword", "ann's long password")));
		ApiClient.Response signedIn = new ApiClient(port()).signIn(email, "ann's long password");
		assertThat(signedIn.status()).isEqualTo(200);
		ApiClient second = new ApiClient(port());
		second.signIn(email, "ann's long password");
		LiveClient socket = track(LiveClient.staff(port(), APP, second.cookie("PORCHLIGHT_SESSION").orElseThrow()));
		socket.next("welcome");
		owner.post("/api/v1/accounts/" + created.text("/account/id") + "/disable", "");
		assertThat(socket.awaitClose()).isEqualTo(4401);
	}

	@Test
	void aStaffMemberRenamedSpeaksToVisitorsUnderTheNewNameAtOnce() {
		ApiClient owner = new ApiClient(port());
		owner.signIn("owner@shop.example", "owner password 123");
		String email = "agent" + System.nanoTime() + "@shop.example";
		ApiClient.Response created = owner.post("/api/v1/accounts",
				ApiClient.json(Map.of("email", email, "displayName", "Bea", "role", "AGENT")));
		ApiClient first = new ApiClient(port());
		first.signIn(email, created.text("/oneTimePassword"));
		assertThat(first.patch("/api/v1/me", ApiClient.json(Map.of("displayName", "Too Early"))).status())
			.as("not before choosing a password")
			.isEqualTo(403);
		first.post("/api/v1/me/password", ApiClient
			.json(Map.of("currentPassword", created.text("/oneTimePassword"), "newPassword", "bea's long password")));
		ApiClient agent = new ApiClient(port());
		agent.signIn(email, "bea's long password");
		LiveClient socket = track(LiveClient.staff(port(), APP, agent.cookie("PORCHLIGHT_SESSION").orElseThrow()));
		socket.next("welcome");
		LiveClient visitor = visitor(newVisitor());
		String conversation = start(visitor);
		socket.send(send(conversation, "b1", "Hello, Bea here"));
		socket.next("ack");
		assertThat(visitor.next("event").path("by").path("name").asString()).isEqualTo("Bea");

		ApiClient.Response renamed = agent.patch("/api/v1/me", ApiClient.json(Map.of("displayName", "Beatrix")));
		assertThat(renamed.status()).isEqualTo(200);
		assertThat(renamed.text("/displayName")).isEqualTo("Beatrix");
		assertThat(agent.get("/api/v1/session").text("/account/displayName")).isEqualTo("Beatrix");
		socket.send(send(conversation, "b2", "Now with my full name"));
		socket.next("ack");
		assertThat(visitor.next("event").path("by").path("name").asString()).isEqualTo("Beatrix");
		assertThat(agent.patch("/api/v1/me", ApiClient.json(Map.of("displayName", " "))).text("/error"))
			.isEqualTo("invalid_display_name");
	}

	/**
	 * Signing out ends every session of the account and closes every socket of it: a
	 * phone left signed in does not outlive the sign-out on the laptop (SECURITY.md S15).
	 */
	@Test
	void signingOutEndsEverySessionOfTheAccountAndClosesTheirSockets() {
		ApiClient owner = new ApiClient(port());
		owner.signIn("owner@shop.example", "owner password 123");
		LiveClient socket = track(LiveClient.staff(port(), APP, owner.cookie("PORCHLIGHT_SESSION").orElseThrow()));
		socket.next("welcome");
		ApiClient phone = new ApiClient(port());
		phone.signIn("owner@shop.example", "owner password 123");
		LiveClient onThePhone = track(LiveClient.staff(port(), APP, phone.cookie("PORCHLIGHT_SESSION").orElseThrow()));
		onThePhone.next("welcome");
		assertThat(owner.delete("/api/v1/session").status()).isEqualTo(204);
		assertThat(socket.awaitClose()).isEqualTo(4401);
		assertThat(onThePhone.awaitClose()).as("the other device's socket").isEqualTo(4401);
		assertThat(phone.get("/api/v1/me").status()).as("the other device's session").isEqualTo(401);
	}

	@Test
	void welcomeIsAlwaysTheFirstFrame() {
		LiveClient staff = staff();
		List<String> started = new ArrayList<>();
		List<LiveClient> joining = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			LiveClient visitor = visitor(newVisitor());
			started.add(start(visitor));
			// Opened while the new conversations are announced to every staff socket.
			joining.add(staff());
		}
		for (String conversation : started) {
			staff.next(
					(frame) -> frame.path("type").asString().equals("inbox")
							&& frame.path("conversation").path("id").asString().equals(conversation),
					"the new " + conversation);
		}
		LiveClient late = staff();
		List<LiveClient> sockets = new ArrayList<>(joining);
		sockets.add(staff);
		sockets.add(late);
		for (LiveClient socket : sockets) {
			socket.next("welcome");
			assertThat(socket.arrivals()).as("the frames a staff socket received, in order")
				.first()
				.isEqualTo("welcome");
		}
		assertThat(staff.arrivals()).as("the first socket heard every new conversation after its welcome")
			.filteredOn("inbox"::equals)
			.hasSizeGreaterThanOrEqualTo(5);
	}

	/**
	 * A new visitor's token, asked for from an address of its own (through
	 * {@code X-Forwarded-For}, which the nodes under test trust from loopback), as
	 * visitors are: the suite starts more visitors a minute than one address may.
	 */
	String newVisitor() {
		int n = VISITORS.incrementAndGet();
		ApiClient.Response started = new ApiClient(port()).header("Origin", APP)
			.header("X-Forwarded-For", "10.77." + ((n >> 8) & 0xff) + "." + (n & 0xff))
			.post("/api/v1/visitor/session", ApiClient.json(Map.of("siteKey", this.site.key().value())));
		assertThat(started.status()).isEqualTo(200);
		return started.text("/token");
	}

	LiveClient visitor(String token) {
		return track(LiveClient.visitor(port(), APP, token));
	}

	LiveClient staff() {
		ApiClient owner = new ApiClient(port());
		owner.signIn("owner@shop.example", "owner password 123");
		return track(LiveClient.staff(port(), APP, owner.cookie("PORCHLIGHT_SESSION").orElseThrow()));
	}

	LiveClient track(LiveClient client) {
		this.clients.add(client);
		return client;
	}

	static String start(LiveClient visitor) {
		visitor.send(Map.of("type", "start", "ref", "s", "context",
				Map.of("url", "https://shop.example/rings", "title", "Rings", "locale", "en")));
		return visitor.next("started").path("conversation").path("id").asString();
	}

	static Map<String, Object> send(String conversation, String clientId, String body) {
		Map<String, Object> frame = new HashMap<>();
		frame.put("type", "send");
		frame.put("conversationId", conversation);
		frame.put("clientId", clientId);
		frame.put("body", body);
		return frame;
	}

}
