package dev.porchlight.api.email;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.live.LiveTestClient;
import dev.porchlight.api.web.PorchlightProperties;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.email.StaffNotices;
import dev.porchlight.domain.presence.Presences;
import dev.porchlight.domain.ratelimit.RateLimit;
import dev.porchlight.domain.ratelimit.RateLimiter;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.persistence.embedded.EmbeddedMailServer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mail.javamail.JavaMailSender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/email.md: staff are emailed of waits every {@code notify-interval} at most. Each
 * node looks on its own timer, so with several nodes the interval holds only because the
 * look that tells takes a turn shared through Redis. Here each {@link StaffDigest} built
 * beside the application's own is a node of its own (its own timer, the same Redis and
 * PostgreSQL); the interval is an hour, so the application's digest looks once, at start.
 * Mail goes through the run command's local mail server, while the mailbox read is one of
 * the shop's own (here one that cannot be reached).
 */
@PorchlightTest(properties = { "porchlight.embedded.mail=true", "porchlight.email.notify-after=1s",
		"porchlight.email.notify-interval=1h", "porchlight.email.address=shop@shop.example",
		"porchlight.email.imap.host=127.0.0.1", "porchlight.email.imap.port=1", "porchlight.email.imap.ssl=false",
		"porchlight.email.imap.username=shop@shop.example", "porchlight.email.imap.password=not used",
		"porchlight.email.imap.interval=1h" })
class StaffDigestTurnIntegrationTests {

	static final String APP = "https://chat.porchlight.example";

	@Autowired
	EmbeddedMailServer mail;

	@LocalServerPort
	int port;

	@Autowired
	LiveConversations live;

	@Autowired
	Presences presences;

	@Autowired
	StaffNotices notices;

	@Autowired
	Accounts accounts;

	@Autowired
	Sites sites;

	@Autowired
	EmailProperties properties;

	@Autowired
	PorchlightProperties porchlight;

	@Autowired
	ObjectProvider<JavaMailSender> senders;

	@Autowired
	RateLimiter limiter;

	@Autowired
	StaffDigest appDigest;

	@Test
	void nodesTellStaffOnceAnIntervalBetweenThem() throws Exception {
		// The application's own digest looks before there is any wait (if its first look
		// at start has not come yet, this is it), so it waits an hour and takes no turn
		// below, however slowly this machine runs.
		assertThat(this.appDigest.tellIfDue()).isZero();
		Site site = Site.create("Two Nodes", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(site);
		String first = waitingConversation(site, "Is the blue kettle in stock?");
		StaffDigest a = node();
		StaffDigest b = node();
		assertThat(a.tellIfDue()).as("the first node to look tells the owner").isEqualTo(1);
		assertThat(b.tellIfDue()).as("another node in the same interval").isZero();
		assertThat(digestsMentioning(first)).isEqualTo(1);

		// A new wait within the interval: a node that has not looked yet still waits its
		// turn (before, each node kept its own interval and told at once).
		String second = waitingConversation(site, "And the copper one?");
		assertThat(node().tellIfDue()).isZero();
		assertThat(digestsMentioning(second)).isZero();

		// The interval over (its turn forgotten here, not waited for): the next look
		// tells
		// the new wait, and only it.
		this.limiter.reset(new RateLimit("email.staff-digest", 1, this.properties.notifyInterval()), "install");
		assertThat(node().tellIfDue()).isEqualTo(1);
		assertThat(digestsMentioning(second)).isEqualTo(1);
		assertThat(digestsMentioning(first)).as("a wait is told once").isEqualTo(1);
	}

	@Test
	void theSettingsSayTheLocalServerSendsWhenOnlyTheMailboxIsConfigured() {
		ApiClient owner = new ApiClient(this.port);
		owner.signIn(PorchlightTest.OWNER_EMAIL, PorchlightTest.OWNER_PASSWORD);
		var settings = owner.get("/api/v1/email").json();
		assertThat(settings.at("/smtp/host").asString()).isEqualTo(this.mail.host());
		assertThat(settings.at("/smtp/port").asInt()).isEqualTo(this.mail.smtpPort());
		assertThat(settings.at("/smtp/embedded").asBoolean()).as("the local server sends").isTrue();
		assertThat(settings.at("/imap/port").asInt()).isEqualTo(1);
		assertThat(settings.at("/imap/embedded").asBoolean()).isFalse();
		assertThat(settings.at("/imap/password").isNull() || settings.at("/imap/password").isMissingNode())
			.as("a configured secret is never returned")
			.isTrue();
	}

	private StaffDigest node() {
		return new StaffDigest(this.live, this.presences, this.notices, this.accounts, this.sites, this.properties,
				this.porchlight, this.senders, this.limiter);
	}

	/**
	 * A visitor writes and nobody answers; returns once the wait is older than
	 * {@code notify-after}, so the next look counts it.
	 */
	private String waitingConversation(Site site, String message) {
		String token = ApiClient.visitorToken(this.port, APP, site.key().value());
		String conversation;
		try (LiveTestClient visitor = LiveTestClient.visitor(this.port, APP, token)) {
			conversation = visitor.startConversation();
			visitor.sendAndAck(conversation, "v1", message);
		}
		Instant last = this.live.find(ConversationId.parse(conversation)).orElseThrow().conversation().lastActivityAt();
		Instant due = last.plus(this.properties.notifyAfter()).plusMillis(50);
		await("the wait older than notify-after").atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> Instant.now().isAfter(due));
		return conversation;
	}

	private long digestsMentioning(String conversation) {
		return Mails.to(this.mail, PorchlightTest.OWNER_EMAIL)
			.stream()
			.filter((email) -> Mails.contains(email, "/app/#/c/" + conversation))
			.count();
	}

}
