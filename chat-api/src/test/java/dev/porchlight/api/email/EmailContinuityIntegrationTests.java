package dev.porchlight.api.email;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.IdentityTokenFixture;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.customer.CustomerManagement;
import dev.porchlight.api.live.LiveTestClient;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.email.EmailAddresses;
import dev.porchlight.domain.email.EmailOutbox;
import dev.porchlight.domain.email.InboundEmails;
import dev.porchlight.domain.email.SiteEmails;
import dev.porchlight.domain.ratelimit.RateLimit;
import dev.porchlight.domain.ratelimit.RateLimiter;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.visitor.Visitors;
import dev.porchlight.persistence.embedded.EmbeddedMailServer;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Email continuity against a real SMTP and IMAP server (GreenMail, bound to loopback):
 * replies to a visitor who left are emailed once, the customer's answer comes back into
 * the conversation by IMAP and by the webhook, new mail starts a conversation, forged
 * reply addresses are refused, bounces mark the address, and a mail server that is down
 * costs the chat nothing.
 */
@PorchlightTest(properties = { "porchlight.archive.interval=100ms", "porchlight.email.offline-delay=1s",
		"porchlight.email.notify-after=1s", "porchlight.email.notify-interval=500ms", "porchlight.email.interval=200ms",
		"porchlight.email.retry-backoff=300ms", "porchlight.email.max-attempts=3",
		"porchlight.email.inbound-per-conversation-per-hour=3", "porchlight.email.address=shop@shop.example",
		"porchlight.email.webhook-secret=" + EmailContinuityIntegrationTests.SECRET, "porchlight.email.imap.ssl=false",
		"porchlight.email.imap.username=shop@shop.example", "porchlight.email.imap.password=mailbox secret",
		"porchlight.email.imap.interval=1s", "spring.mail.properties.mail.smtp.connectiontimeout=2000",
		"spring.mail.properties.mail.smtp.timeout=2000" })
class EmailContinuityIntegrationTests {

	static final String APP = "https://chat.porchlight.example";

	static final String SECRET = "webhook secret 42";

	static final Duration MAIL_WAIT = Duration.ofSeconds(30);

	static EmbeddedMailServer mail = EmbeddedMailServer.start("shop@shop.example", "mailbox secret");

	@DynamicPropertySource
	static void mailServer(DynamicPropertyRegistry registry) {
		registry.add("spring.mail.host", () -> "127.0.0.1");
		registry.add("spring.mail.port", () -> mail.smtpPort());
		registry.add("porchlight.email.imap.host", () -> "127.0.0.1");
		registry.add("porchlight.email.imap.port", () -> mail.imapPort());
	}

	@AfterAll
	static void stopMail() {
		mail.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Autowired
	RateLimiter limiter;

	@Autowired
	ApplicationContext context;

	@Autowired
	org.springframework.jdbc.core.simple.JdbcClient jdbc;

	Site site;

	ApiClient owner;

	@BeforeEach
	void setUp() {
		this.site = Site.create("Tea & Kettles", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(this.site);
		this.owner = new ApiClient(this.port);
		this.owner.signIn(PorchlightTest.OWNER_EMAIL, PorchlightTest.OWNER_PASSWORD);
	}

	@Test
	void repliesWrittenWhileTheVisitorIsHereAreEmailedOnceTogetherWhenTheyLeave() throws Exception {
		String customer = "ingrid." + System.nanoTime() + "@example.no";
		String conversation;
		try (LiveTestClient visitor = visitorWithEmail(customer)) {
			conversation = visitor.startConversation();
			visitor.sendAndAck(conversation, "v1", "Do you ship kettles to Norway?");
			try (LiveTestClient staff = staff()) {
				staff.sendAndAck(conversation, "s1", "Yes, we ship to Norway.");
				staff.sendAndAck(conversation, "s2", "Shipping takes <5 days> & costs 9 €.");
			}
			// Both replies archived while the visitor is still here: the first one's
			// email waits for the visitor to leave, and the second joins it, however
			// long the archive took on a busy machine.
			awaitArchived(conversation, 3);
		}
		MimeMessage email = emailTo(customer);
		String text = text(email);
		assertThat(text).contains("Yes, we ship to Norway.").contains("Shipping takes <5 days> & costs 9 €.");
		assertThat(text).as("the visitor's message, for context").contains("Do you ship kettles to Norway?");
		assertThat(text).contains("https://shop.example/rings#porchlight-chat").contains("/email/opt-out?t=");
		assertThat(Mails.html(email)).contains("Shipping takes &lt;5 days&gt; &amp; costs 9 €.")
			.doesNotContain("<5 days>");
		assertThat(email.getFrom()[0].toString()).contains("shop@shop.example").contains("Tea & Kettles");
		assertThat(email.getReplyTo()[0].toString()).matches(".*shop\\+r-[0-9a-f]{32}-[0-9a-f]{20}@shop\\.example.*");
		assertThat(email.getHeader("List-Unsubscribe-Post")).containsExactly("List-Unsubscribe=One-Click");
		JsonNode emails = await("the email shown as sent").atMost(MAIL_WAIT)
			.until(() -> this.owner.get("/api/v1/conversations/" + conversation + "/emails").json(),
					(list) -> list.size() == 1 && list.get(0).path("status").asString().equals("sent"));
		assertThat(emails.get(0).path("firstSeq").asLong()).isEqualTo(2);
		assertThat(emails.get(0).path("lastSeq").asLong()).isEqualTo(3);
		// Once: nothing more goes out for those two replies.
		Thread.sleep(1500);
		assertThat(emailsTo(customer)).hasSize(1);
	}

	/**
	 * A customer the site vouches for asks, on their phone, for the transcript of the
	 * conversation they started on their laptop: every conversation they may open, not
	 * only this browser's. A visitor of the same site who is somebody else may not.
	 */
	@Test
	void aVouchedCustomerHasATranscriptEmailedOfTheirConversationFromAnotherBrowser() throws Exception {
		String address = "sigrid." + System.nanoTime() + "@example.no";
		String identity = IdentityTokenFixture.token(this.site.identitySecret(), "sigrid-" + System.nanoTime(), address,
				"Sigrid");
		String conversation;
		try (LiveTestClient laptop = LiveTestClient.visitor(this.port, APP, vouched(identity))) {
			conversation = laptop.startConversation();
			laptop.sendAndAck(conversation, "v1", "Is the copper kettle back in stock?");
		}
		awaitArchived(conversation, 1);

		ApiClient phone = new ApiClient(this.port).header("Authorization", "Bearer " + vouched(identity));
		ApiClient.Response asked = phone.post("/api/v1/visitor/conversations/" + conversation + "/transcript-email",
				"");

		assertThat(asked.status()).as(asked.body()).isEqualTo(202);
		assertThat(text(emailTo(address))).contains("Is the copper kettle back in stock?");
		String anonymous = new ApiClient(this.port).header("Origin", APP)
			.post("/api/v1/visitor/session", ApiClient.json(Map.of("siteKey", this.site.key().value())))
			.text("/token");
		String somebodyElse = vouched(
				IdentityTokenFixture.token(this.site.identitySecret(), "olaf-" + System.nanoTime(), null, "Olaf"));
		Site otherShop = Site.create("Other shop", List.of(new AllowedOrigin("https://other.example")), Instant.now());
		this.sites.add(otherShop);
		// The same person, as another site knows her, is another customer there.
		String sameIdOtherSite = vouched(otherShop,
				IdentityTokenFixture.token(otherShop.identitySecret(), "sigrid-elsewhere", address, "Sigrid"));
		for (String token : List.of(anonymous, somebodyElse, sameIdOtherSite)) {
			assertThat(new ApiClient(this.port).header("Authorization", "Bearer " + token)
				.post("/api/v1/visitor/conversations/" + conversation + "/transcript-email", "")
				.status()).isEqualTo(404);
		}
	}

	@Test
	void theCustomersAnswerByImapLandsInTheConversationWithoutTheQuote() throws Exception {
		String customer = "sven." + System.nanoTime() + "@example.se";
		Answered answered = answeredAfterLeaving(customer, "Is the blue kettle back in stock?",
				"It is! Shall I reserve one?");
		String conversation = answered.conversation();
		MimeMessage email = answered.email();
		Mails.answer(mail, customer, email.getReplyTo()[0].toString(), "Re: " + email.getSubject(),
				email.getMessageID(),
				"Yes please, reserve one.\n\nOn Tue, 1 Dec 2026 at 10:00, Tea & Kettles <shop@shop.example> wrote:\n"
						+ "> It is! Shall I reserve one?\n");
		JsonNode last = await("the answer in the conversation").atMost(MAIL_WAIT)
			.until(() -> lastEntry(conversation), (entry) -> entry.path("seq").asLong() == 3);
		assertThat(last.path("message").path("body").asString()).isEqualTo("Yes please, reserve one.");
		assertThat(last.path("message").path("via").asString()).isEqualTo("email");
		assertThat(last.path("by").path("kind").asString()).isEqualTo("visitor");
		assertThat(archivedByEmail(conversation)).as("the answer in the archive").isEqualTo(1);
	}

	/** How many messages by email of a conversation reached the archive, once it has. */
	private int archivedByEmail(String conversation) {
		return await("messages by email archived").atMost(MAIL_WAIT)
			.until(() -> this.jdbc
				.sql("select count(*) from message where conversation_id = cast(? as uuid) "
						+ "and client_msg_id like '~mail-%'")
				.param(conversation)
				.query(Integer.class)
				.single(), (count) -> count > 0);
	}

	@Test
	void theWebhookTakesAnAnswerOnceAndRefusesAForgedReplyAddress() throws Exception {
		String customer = "ana." + System.nanoTime() + "@example.es";
		Answered answered = answeredAfterLeaving(customer, "¿Hacéis envíos a Madrid?", "Sí, claro.");
		String conversation = answered.conversation();
		MimeMessage email = answered.email();
		String answer = ApiClient.json(Map.of("messageId", "<answer-1@example.es>", "from", "Ana <" + customer + ">",
				"to", List.of(email.getReplyTo()[0].toString()), "subject", "Re: hola", "text",
				"¡Perfecto, gracias!\n\nEl mar, 1 dic 2026 a las 10:00, Tea & Kettles escribió:\n> Sí, claro."));
		HttpResponse<String> first = webhook(answer, "application/json", SECRET);
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.body()).contains("\"outcome\":\"APPENDED\"").contains(conversation);
		assertThat(webhook(answer, "application/json", SECRET).body()).contains("\"outcome\":\"DUPLICATE\"");
		assertThat(webhook(answer, "application/json", "wrong secret").statusCode()).isEqualTo(401);
		// Bad posts get a clear error and change nothing.
		HttpResponse<String> broken = webhook("{\"from\": ", "application/json", SECRET);
		assertThat(broken.statusCode()).isEqualTo(400);
		assertThat(broken.body()).contains("\"error\":\"invalid_body\"").doesNotContain("Exception");
		assertThat(webhook("[1, 2]", "application/json", SECRET).statusCode()).isEqualTo(400);
		JsonNode last = lastEntry(conversation);
		assertThat(last.path("seq").asLong()).isEqualTo(3);
		assertThat(last.path("message").path("body").asString()).isEqualTo("¡Perfecto, gracias!");

		String forgedAddress = "shop+r-" + conversation.replace("-", "") + "-00000000000000000000@shop.example";
		String forged = ApiClient.json(Map.of("messageId", "<forged-1@example.com>", "from", "mallory@example.com",
				"to", List.of(forgedAddress), "text", "Please send the order to my address instead."));
		HttpResponse<String> refused = webhook(forged, "application/json", SECRET);
		assertThat(refused.body()).contains("\"outcome\":\"REFUSED\"");
		assertThat(lastEntry(conversation).path("seq").asLong()).as("nothing added").isEqualTo(3);
	}

	/**
	 * The webhook holds at most 10 MB of a post, whoever sends it: one that declares more
	 * is refused at once, without waiting for the body, and one sent in chunks without a
	 * length is refused once 10 MB have come.
	 */
	@Test
	void theWebhookRefusesAMailOver10MBWithoutHoldingIt() throws Exception {
		try (java.net.Socket socket = new java.net.Socket("localhost", this.port)) {
			socket.setSoTimeout((int) Duration.ofSeconds(20).toMillis());
			socket.getOutputStream()
				.write(("POST /api/v1/email/inbound HTTP/1.1\r\nHost: localhost\r\n"
						+ "Content-Type: message/rfc822\r\nX-Porchlight-Signature: sha256=00\r\n"
						+ "Content-Length: 5000000000\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			String status = new java.io.BufferedReader(
					new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
				.readLine();
			assertThat(status).as("answered before any of the 5 GB came").startsWith("HTTP/1.1 400");
		}
		HttpRequest chunked = HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.port + "/api/v1/email/inbound"))
			.header("Content-Type", "message/rfc822")
			.header("X-Porchlight-Signature", "sha256=00")
			.POST(HttpRequest.BodyPublishers
				.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[InboundMailController.MAX_BODY + 1])))
			.timeout(Duration.ofSeconds(30))
			.build();
		try (HttpClient client = HttpClient.newHttpClient()) {
			HttpResponse<String> answer = client.send(chunked, HttpResponse.BodyHandlers.ofString());
			assertThat(answer.statusCode()).isEqualTo(400);
			assertThat(JsonMapper.builder().build().readTree(answer.body()).path("error").asString())
				.isEqualTo("invalid_body");
		}
	}

	@Test
	void aMailRefusedOverALimitIsNotTakenForADuplicateAndADuplicateIsNotRefused() throws Exception {
		String customer = "lea." + System.nanoTime() + "@example.de";
		Answered answered = answeredAfterLeaving(customer, "Habt ihr den Kessel in Blau?", "Ja, ab Montag.");
		String conversation = answered.conversation();
		String replyTo = answered.email().getReplyTo()[0].toString();
		java.util.function.IntFunction<String> answer = (n) -> ApiClient
			.json(Map.of("messageId", "<answer-" + n + "-" + conversation + "@example.de>", "from", customer, "to",
					List.of(replyTo), "text", "Antwort " + n));
		for (int n = 1; n <= 3; n++) {
			assertThat(webhook(answer.apply(n), "application/json", SECRET).body()).as("answer %d", n)
				.contains("\"outcome\":\"APPENDED\"");
		}
		// Over inbound-per-conversation-per-hour (3 here): refused, and refused again
		// when
		// posted again, never a "duplicate" of something that was not taken.
		assertThat(webhook(answer.apply(4), "application/json", SECRET).body()).contains("\"outcome\":\"REFUSED\"");
		assertThat(webhook(answer.apply(4), "application/json", SECRET).body()).contains("\"outcome\":\"REFUSED\"");
		assertThat(webhook(answer.apply(1), "application/json", SECRET).body()).contains("\"outcome\":\"DUPLICATE\"");
		assertThat(lastEntry(conversation).path("message").path("body").asString()).isEqualTo("Antwort 3");

		// New conversations: 10 an hour from one sender. A mail taken before is a
		// duplicate
		// past that limit too, and a re-post uses none of it.
		String sender = "many." + System.nanoTime() + "@example.com";
		java.util.function.IntFunction<String> fresh = (n) -> ApiClient
			.json(Map.of("messageId", "<new-" + n + "-" + sender + ">", "from", sender, "to",
					List.of("shop@shop.example"), "text", "Frage " + n));
		String firstStarted = null;
		for (int n = 1; n <= 10; n++) {
			String started = webhook(fresh.apply(n), "application/json", SECRET).body();
			assertThat(started).as("new mail %d", n).contains("\"outcome\":\"STARTED\"");
			if (n == 1) {
				firstStarted = started;
				assertThat(webhook(fresh.apply(1), "application/json", SECRET).body())
					.contains("\"outcome\":\"DUPLICATE\"");
			}
		}
		assertThat(webhook(fresh.apply(1), "application/json", SECRET).body()).contains("\"outcome\":\"DUPLICATE\"");
		assertThat(webhook(fresh.apply(11), "application/json", SECRET).body()).contains("\"outcome\":\"REFUSED\"");
		assertThat(webhook(fresh.apply(11), "application/json", SECRET).body()).contains("\"outcome\":\"REFUSED\"");
		// Once the limit allows it again, the refused mail is taken.
		String firstId = JsonMapper.builder().build().readTree(firstStarted).path("conversationId").asString();
		String site = this.owner.get("/api/v1/conversations/" + firstId)
			.json()
			.path("conversation")
			.path("siteId")
			.asString();
		this.limiter.reset(new RateLimit("email.inbound.sender", 10, Duration.ofHours(1)), site + ":" + sender);
		assertThat(webhook(fresh.apply(11), "application/json", SECRET).body()).contains("\"outcome\":\"STARTED\"");
	}

	@Test
	void aMailTakenWhileTheLimitCannotBeCheckedIsTakenWhenItComesAgain() throws Exception {
		String sender = "outage." + System.nanoTime() + "@example.com";
		InboundEmail mail = MailParser.parse(rfc822("<outage-" + sender + ">", sender, "Is anyone there?"));
		RateLimiter redisDown = new RateLimiter() {

			@Override
			public Decision tryAcquire(RateLimit limit, String key) {
				throw new RedisConnectionFailureException("Redis is down");
			}

			@Override
			public Decision peek(RateLimit limit, String key) {
				throw new RedisConnectionFailureException("Redis is down");
			}

			@Override
			public void release(RateLimit limit, String key) {
				throw new RedisConnectionFailureException("Redis is down");
			}

			@Override
			public void reset(RateLimit limit, String key) {
				throw new RedisConnectionFailureException("Redis is down");
			}

		};
		InboundMail failing = new InboundMail(this.context.getBean(LiveConversations.class),
				this.context.getBean(InboundEmails.class), this.context.getBean(EmailOutbox.class),
				this.context.getBean(EmailAddresses.class), this.context.getBean(SiteEmails.class), this.sites,
				this.context.getBean(Visitors.class), this.context.getBean(CustomerManagement.class),
				this.context.getBean(ReplyTokens.class), redisDown, this.context.getBean(EmailProperties.class));
		assertThatExceptionOfType(RedisConnectionFailureException.class).isThrownBy(() -> failing.take(mail));
		assertThat(this.context.getBean(InboundMail.class).take(mail).outcome()).as("not a duplicate of nothing")
			.isEqualTo(InboundMail.Outcome.Kind.STARTED);
	}

	private static byte[] rfc822(String messageId, String from, String text) {
		return ("From: " + from + "\r\nTo: shop@shop.example\r\nMessage-ID: " + messageId
				+ "\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + text + "\r\n")
			.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void aNewEmailStartsAConversationOnAnUnverifiedRecordOfTheSender() throws Exception {
		String sender = "newbie." + System.nanoTime() + "@example.com";
		String raw = "From: Nora Newbie <" + sender + ">\r\nTo: shop@shop.example\r\nSubject: A custom kettle?\r\n"
				+ "Message-ID: <new-" + System.nanoTime()
				+ "@example.com>\r\nContent-Type: text/plain; charset=UTF-8\r\n"
				+ "\r\nCould you make a copper kettle with an engraving?\r\n";
		HttpResponse<String> started = webhook(raw, "message/rfc822", SECRET);
		assertThat(started.body()).contains("\"outcome\":\"STARTED\"");
		String conversation = tools.jackson.databind.json.JsonMapper.builder()
			.build()
			.readTree(started.body())
			.path("conversationId")
			.asString();
		JsonNode transcript = this.owner.get("/api/v1/conversations/" + conversation).json();
		assertThat(transcript.path("entries").get(0).path("message").path("body").asString())
			.isEqualTo("A custom kettle?\n\nCould you make a copper kettle with an engraving?");
		String customer = transcript.path("conversation").path("customerId").asString();
		JsonNode record = this.owner.get("/api/v1/customers/" + customer).json();
		assertThat(record.path("email").asString()).isEqualTo(sender);
		assertThat(record.path("name").asString()).isEqualTo("Nora Newbie");
		assertThat(record.path("verifiedDetails").size()).as("a sender can be forged").isZero();
		assertThat(archivedByEmail(conversation)).as("the message by email in the archive").isEqualTo(1);
	}

	@Test
	void aBounceMarksTheEmailAndTheAddressSoNoMoreGoesThere() throws Exception {
		String customer = "gone." + System.nanoTime() + "@example.org";
		Answered answered = answeredAfterLeaving(customer, "Hello?", "Hello! How can we help?");
		String conversation = answered.conversation();
		MimeMessage email = answered.email();
		long blockedBefore = this.jdbc.sql("select count(*) from email_address where bounced_at is not null")
			.query(Long.class)
			.single();
		// Whoever got the email knows its Message-ID: a bounce they forge for another
		// address stops nobody's mail and leaves the email as it was.
		String victim = "victim." + System.nanoTime() + "@example.org";
		assertThat(webhook(dsn(email.getMessageID(), victim), "message/rfc822", SECRET).body())
			.contains("\"outcome\":\"BOUNCE\"")
			.contains("Not an email of ours");
		assertThat(this.owner.get("/api/v1/conversations/" + conversation + "/emails")
			.json()
			.get(0)
			.path("status")
			.asString()).isEqualTo("sent");
		assertThat(this.jdbc.sql("select count(*) from email_address where bounced_at is not null")
			.query(Long.class)
			.single()).as("no address blocked").isEqualTo(blockedBefore);

		assertThat(webhook(dsn(email.getMessageID(), customer.toUpperCase(java.util.Locale.ROOT)), "message/rfc822",
				SECRET)
			.body()).contains("\"outcome\":\"BOUNCE\"");
		JsonNode emails = this.owner.get("/api/v1/conversations/" + conversation + "/emails").json();
		assertThat(emails.get(0).path("status").asString()).isEqualTo("bounced");
		assertThat(emails.get(0).path("reason").asString()).contains("5.1.1")
			.contains("<address>: No such user")
			.as("no address kept in the clear")
			.doesNotContainIgnoringCase(customer);
		assertThat(this.jdbc.sql("select bounce_reason from email_address where bounced_at is not null")
			.query(String.class)
			.list()).noneMatch((reason) -> reason.toLowerCase(java.util.Locale.ROOT).contains(customer));
		try (LiveTestClient staff = staff()) {
			staff.sendAndAck(conversation, "s2", "Are you still there?");
		}
		JsonNode next = await("the next reply skipped").atMost(MAIL_WAIT)
			.until(() -> this.owner.get("/api/v1/conversations/" + conversation + "/emails").json(),
					(list) -> list.size() == 2 && list.get(1).path("status").asString().equals("skipped"));
		assertThat(next.get(1).path("reason").asString()).contains("bounced");
		assertThat(emailsTo(customer)).hasSize(1);
	}

	/**
	 * A delivery report (RFC 3464) for the email of this Message-ID, naming a recipient.
	 */
	private static String dsn(String messageId, String recipient) {
		return "From: MAILER-DAEMON@mx.example.org\r\nTo: shop@shop.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
				+ "Message-ID: <dsn-" + System.nanoTime() + "@mx.example.org>\r\nMIME-Version: 1.0\r\n"
				+ "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n"
				+ "--b1\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
				+ "--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n"
				+ "Final-Recipient: rfc822; " + recipient + "\r\nAction: failed\r\nStatus: 5.1.1\r\n"
				+ "Diagnostic-Code: smtp; 550 5.1.1 <" + recipient + ">: No such user\r\n"
				+ "--b1\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: " + messageId + "\r\nTo: " + recipient
				+ "\r\n--b1--\r\n";
	}

	@Test
	void theOptOutLinkOfAnEmailStopsEmailsToThatAddress() throws Exception {
		String customer = "enough." + System.nanoTime() + "@example.com";
		Answered answered = answeredAfterLeaving(customer, "Just browsing.", "Let us know if we can help!");
		String conversation = answered.conversation();
		MimeMessage email = answered.email();
		String header = email.getHeader("List-Unsubscribe")[0];
		String link = header.substring(1, header.length() - 1);
		assertThat(text(email)).contains(link);
		URI local = URI.create(link.replace(APP, "http://localhost:" + this.port));
		try (HttpClient client = HttpClient.newHttpClient()) {
			HttpResponse<String> page = client.send(HttpRequest.newBuilder(local).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(page.body()).contains("<form method=\"post\">").contains(customer);
			// A link scanner's GET opted nobody out; the one-click POST of mail programs
			// does.
			HttpResponse<String> done = client.send(HttpRequest.newBuilder(local)
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(done.statusCode()).isEqualTo(200);
			assertThat(done.body()).contains("No more emails");
			HttpResponse<String> forged = client
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/email/opt-out?t=abc.def"))
					.GET()
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(forged.statusCode()).isEqualTo(400);
			assertThat(forged.body()).contains("not valid").doesNotContain("Exception");
		}
		try (LiveTestClient staff = staff()) {
			staff.sendAndAck(conversation, "s2", "One more thing?");
		}
		JsonNode emails = await("the next reply not sent").atMost(MAIL_WAIT)
			.until(() -> this.owner.get("/api/v1/conversations/" + conversation + "/emails").json(),
					(list) -> list.size() == 2 && list.get(1).path("status").asString().equals("skipped"));
		assertThat(emails.get(1).path("reason").asString()).contains("opted out");
		assertThat(emailsTo(customer)).hasSize(1);
	}

	/**
	 * A reply that waited while emails could not be sent (email switched off, no mail
	 * server yet) is not emailed days later when they can: it is shown as not sent, with
	 * why.
	 */
	@Test
	void aReplyWrittenLongBeforeEmailsCouldBeSentIsNotEmailedLate() throws Exception {
		String customer = "late." + System.nanoTime() + "@example.com";
		String conversation;
		try (LiveTestClient visitor = visitorWithEmail(customer)) {
			conversation = visitor.startConversation();
			visitor.sendAndAck(conversation, "v1", "Do you restore old kettles?");
			try (LiveTestClient staff = staff()) {
				staff.sendAndAck(conversation, "s1", "We do, send it in.");
			}
			awaitArchived(conversation, 2);
			// Written four days ago, as far as the archive knows (the default limit is
			// 3).
			this.jdbc.sql("""
					update message set sent_at = sent_at - interval '4 days'
					 where conversation_id = cast(? as uuid) and seq = 2
					""").param(conversation).update();
		}
		JsonNode skipped = await("the reply shown as not emailed").atMost(MAIL_WAIT)
			.until(() -> this.owner.get("/api/v1/conversations/" + conversation + "/emails").json(),
					(list) -> list.size() == 1 && list.get(0).path("status").asString().equals("skipped"));
		assertThat(skipped.get(0).path("reason").asString()).contains("more than 3 days ago");
		assertThat(emailsTo(customer)).isEmpty();
	}

	@Test
	void aMailServerThatIsDownIsRetriedAndShownAsFailedWithoutLosingTheChat() throws Exception {
		String customer = "patient." + System.nanoTime() + "@example.com";
		String conversation = visitorWhoLeft(customer, "Any news on my order?");
		int smtp = mail.smtpPort();
		int imap = mail.imapPort();
		mail.close();
		try {
			try (LiveTestClient staff = staff()) {
				staff.sendAndAck(conversation, "s1", "It left the warehouse today.");
			}
			JsonNode retrying = await("a retry after the first failure").atMost(MAIL_WAIT)
				.until(() -> this.owner.get("/api/v1/conversations/" + conversation + "/emails").json(),
						(list) -> list.size() == 1 && !list.get(0).path("reason").isNull()
								&& !list.get(0).path("reason").isMissingNode());
			assertThat(retrying.get(0).path("reason").asString()).contains("unreachable");
			JsonNode failed = await("failed for good after the last attempt").atMost(MAIL_WAIT)
				.until(() -> this.owner.get("/api/v1/conversations/" + conversation + "/emails").json(),
						(list) -> list.get(0).path("status").asString().equals("failed"));
			assertThat(failed.get(0).path("attempts").asInt()).isEqualTo(3);
			JsonNode last = lastEntry(conversation);
			assertThat(last.path("message").path("body").asString()).isEqualTo("It left the warehouse today.");
		}
		finally {
			mail = EmbeddedMailServer.start("shop@shop.example", "mailbox secret", smtp, imap);
		}
	}

	@Test
	void aConversationWaitingWithNobodyOnlineIsToldToTheOwnerOnce() throws Exception {
		String conversation = visitorWhoLeft("waiting." + System.nanoTime() + "@example.com",
				"Hello, is anybody there? " + System.nanoTime());
		String link = "/app/#/c/" + conversation;
		MimeMessage told = await("the owner told of the wait").atMost(MAIL_WAIT)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> emailsTo(PorchlightTest.OWNER_EMAIL).stream()
				.filter((email) -> Mails.contains(email, link))
				.toList(), (found) -> !found.isEmpty())
			.get(0);
		assertThat(told.getSubject()).contains("waiting for an answer");
		assertThat(text(told)).contains("Tea & Kettles").contains("Hello, is anybody there?");
		// Told once: later looks (every 500 ms here) leave it out until the visitor
		// writes again.
		Thread.sleep(2000);
		assertThat(emailsTo(PorchlightTest.OWNER_EMAIL).stream().filter((email) -> Mails.contains(email, link)))
			.hasSize(1);
		// An owner who turns it off is not told any more.
		assertThat(this.owner.get("/api/v1/me/email-notifications").json().path("waiting").asBoolean()).isTrue();
		assertThat(this.owner.put("/api/v1/me/email-notifications", ApiClient.json(Map.of("waiting", false)))
			.json()
			.path("waiting")
			.asBoolean()).isFalse();
		int before = emailsTo(PorchlightTest.OWNER_EMAIL).size();
		visitorWhoLeft("second." + System.nanoTime() + "@example.com", "Anyone?");
		Thread.sleep(3000);
		assertThat(emailsTo(PorchlightTest.OWNER_EMAIL)).hasSize(before);
		this.owner.put("/api/v1/me/email-notifications", ApiClient.json(Map.of("waiting", true)));
	}

	/**
	 * What a visitor who left got: staff answered, and the answer reached them by email.
	 */
	private record Answered(String conversation, MimeMessage email) {
	}

	private Answered answeredAfterLeaving(String customer, String question, String answer) {
		String conversation = visitorWhoLeft(customer, question);
		try (LiveTestClient staff = staff()) {
			staff.sendAndAck(conversation, "s1", answer);
		}
		return new Answered(conversation, emailTo(customer));
	}

	private String visitorWhoLeft(String email, String message) {
		try (LiveTestClient socket = visitorWithEmail(email)) {
			String conversation = socket.startConversation();
			socket.sendAndAck(conversation, "v1", message);
			return conversation;
		}
	}

	/** A visitor token for a new browser whose page signed the customer in. */
	private String vouched(String identityToken) {
		return vouched(this.site, identityToken);
	}

	private String vouched(Site site, String identityToken) {
		ApiClient.Response session = new ApiClient(this.port).header("Origin", APP)
			.post("/api/v1/visitor/session",
					ApiClient.json(Map.of("siteKey", site.key().value(), "identity", Map.of("token", identityToken))));
		assertThat(session.text("/identity")).as(session.body()).isEqualTo("verified");
		return session.text("/token");
	}

	/** A visitor who left an email address, on an open socket. */
	private LiveTestClient visitorWithEmail(String email) {
		ApiClient.Response session = new ApiClient(this.port).header("Origin", APP)
			.post("/api/v1/visitor/session", ApiClient.json(Map.of("siteKey", this.site.key().value())));
		String token = session.text("/token");
		ApiClient visitor = new ApiClient(this.port).header("Authorization", "Bearer " + token);
		assertThat(visitor.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", email))).status())
			.isEqualTo(204);
		return LiveTestClient.visitor(this.port, APP, token);
	}

	private void awaitArchived(String conversation, long seq) {
		await("the conversation archived up to " + seq).atMost(MAIL_WAIT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> this.jdbc.sql("select archived_seq from conversation where id = cast(? as uuid)")
				.param(conversation)
				.query(Long.class)
				.optional()
				.orElse(0L) >= seq);
	}

	private LiveTestClient staff() {
		return LiveTestClient.staff(this.port, APP, this.owner.cookie("PORCHLIGHT_SESSION").orElseThrow());
	}

	private JsonNode lastEntry(String conversation) {
		JsonNode entries = this.owner.get("/api/v1/conversations/" + conversation).json().path("entries");
		return entries.get(entries.size() - 1);
	}

	private MimeMessage emailTo(String address) {
		return await("an email to the visitor").atMost(MAIL_WAIT)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> emailsTo(address), (found) -> !found.isEmpty())
			.get(0);
	}

	private static List<MimeMessage> emailsTo(String address) {
		return Mails.to(mail, address);
	}

	private static String text(MimeMessage email) {
		return Mails.text(email);
	}

	private HttpResponse<String> webhook(String body, String contentType, String secret) throws Exception {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.port + "/api/v1/email/inbound"))
			.header("Content-Type", contentType)
			.header("X-Porchlight-Signature", "sha256=" + InboundMailController.sign(secret, bytes))
			.POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
			.timeout(Duration.ofSeconds(30))
			.build();
		try (HttpClient client = HttpClient.newHttpClient()) {
			return client.send(request, HttpResponse.BodyHandlers.ofString());
		}
	}

}
