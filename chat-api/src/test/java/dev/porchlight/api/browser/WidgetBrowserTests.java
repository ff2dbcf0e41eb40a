package dev.porchlight.api.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.porchlight.api.ApiClient;
import dev.porchlight.api.IdentityTokenFixture;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.TestNodes;
import dev.porchlight.api.browser.Widget.Shown;
import dev.porchlight.api.live.LiveTestClient;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.BusinessHours;
import dev.porchlight.domain.site.IdentityMode;
import dev.porchlight.domain.site.IdentitySecret;
import dev.porchlight.domain.site.PreChatForm;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.site.WidgetSettings;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The whole widget in real headless Chromium: a customer's page on its own origin with a
 * strict Content-Security-Policy loads {@code widget.js} from Porchlight; the visitor
 * chats in the frame; the owner answers over the staff protocol from another node.
 * <p>
 * Two nodes share the engines: the widget's node (on a fixed port, so it can be restarted
 * under the browser) and this test's own context, where the owner is connected.
 */
@PorchlightTest(properties = "porchlight.owner.name=Olga")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WidgetBrowserTests {

	static final int WIDGET_PORT = TestNodes.freePort();

	static final String PORCHLIGHT = "http://localhost:" + WIDGET_PORT;

	static final int VISITOR_MESSAGES = 6;

	/**
	 * Records every message in the widget's namespace that reaches the window: its type,
	 * the test's mark on a forged one, and the sender's origin. Added after the widget's
	 * own listener, so by the time a message is recorded the widget has handled it.
	 */
	private static final String RECORD_MESSAGES = """
			window.heard = [];
			addEventListener('message', function (event) {
				var d = event.data;
				if (d && d.ns === 'porchlight.widget') {
					window.heard.push({ type: String(d.type), spoof: d.spoof || null, origin: event.origin });
				}
			});
			""";

	/**
	 * The ad's script: it finds every other frame of the shop's page and posts it the
	 * loader's messages for Porchlight's origin (so the browser delivers them), and posts
	 * the frame's messages to the page.
	 */
	private static final String AD_ATTACK = """
			var porchlight = arguments[0];
			var token = arguments[1];
			var ns = 'porchlight.widget';
			var others = [];
			for (var i = 0; i < parent.frames.length; i++) {
				if (parent.frames[i] !== window) {
					others.push(parent.frames[i]);
				}
			}
			var toFrame = [{ type: 'open' }, { type: 'identify', id: 'i1', identity: { token: token } },
				{ type: 'locale', locale: 'de' },
				{ type: 'init', locale: 'fr', page: { url: 'https://evil.example/', title: 'Evil', referrer: null }, open: true },
				{ type: 'reset' }];
			others.forEach(function (w) {
				toFrame.forEach(function (m) { w.postMessage(Object.assign({ ns: ns, spoof: 'ad' }, m), porchlight); });
			});
			[{ type: 'unread', count: 9 },
				{ type: 'message', conversationId: 'spoofed', from: 'staff', at: new Date().toISOString() },
				{ type: 'active', active: false }]
				.forEach(function (m) { parent.postMessage(Object.assign({ ns: ns, spoof: 'ad' }, m), '*'); });
			return others.length;
			""";

	@DynamicPropertySource
	static void publicUrl(DynamicPropertyRegistry registry) {
		registry.add("porchlight.public-url", () -> PORCHLIGHT);
	}

	@LocalServerPort
	int ownerNode;

	@Autowired
	JdbcConnectionDetails postgres;

	@Autowired
	DataRedisConnectionDetails redis;

	@Autowired
	Sites sites;

	ConfigurableApplicationContext widgetNode;

	HostPages host;

	ChromeDriver browser;

	Widget widget;

	final List<LiveTestClient> clients = new ArrayList<>();

	@BeforeAll
	void startTheWidgetNodeAndTheHostSite() {
		this.widgetNode = startWidgetNode();
		this.host = new HostPages(PORCHLIGHT);
	}

	@AfterAll
	void stopThem() {
		if (this.widgetNode != null) {
			this.widgetNode.close();
		}
		if (this.host != null) {
			this.host.close();
		}
	}

	@BeforeEach
	void openBrowser() {
		this.browser = Chromium.start();
		this.widget = new Widget(this.browser);
	}

	@AfterEach
	void closeBrowserAndClients() {
		this.clients.forEach(LiveTestClient::close);
		this.clients.clear();
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	void aVisitorTalksWithTheOwnerThroughTheWholeWidget() {
		Site site = site(PreChatForm.REQUIRED_EMAIL, IdentityMode.OPTIONAL);
		LiveTestClient owner = owner();
		this.browser.get(this.host.install(site.key().value(), "").origin() + "/");
		this.widget.open();

		// The site asks for an email before the first message, and checks it.
		this.widget.awaitVisible("prechat");
		assertThat(this.widget.visible("prechat-skip")).as("no skipping a required email").isFalse();
		this.widget.fill("prechat-email", "not an email");
		this.widget.submit("prechat");
		this.widget.awaitText("prechat-error", "does not look right");
		this.widget.fill("prechat-email", "ada@example.com");
		this.widget.fill("prechat-name", "Ada");
		this.widget.submit("prechat");
		this.widget.awaitVisible("input");

		this.widget.send("Hello, do you ship to Norway?");
		this.widget.awaitMessages((shown) -> shown.size() == 1 && shown.get(0).state().equals("sent"),
				"the message sent");
		JsonNode started = owner.next(
				(frame) -> frame.path("type").asString().equals("inbox")
						&& frame.path("conversation").path("lastSeq").asLong() == 1,
				"the new conversation in the inbox");
		String conversation = started.path("conversation").path("id").asString();
		assertThat(started.path("conversation").path("context").path("url").asString())
			.isEqualTo(this.host.origin() + "/");
		String customer = started.path("conversation").path("customerId").asString();
		assertThat(ownerApi().get("/api/v1/customers/" + customer).json().path("email").asString())
			.as("the pre-chat email is on the conversation's customer")
			.isEqualTo("ada@example.com");
		owner.send(Map.of("type", "subscribe", "conversationId", conversation, "afterSeq", 0));
		owner.next("synced");

		// Typing, both ways.
		owner.send(Map.of("type", "typing", "conversationId", conversation, "typing", true));
		this.widget.awaitText("typing", "Olga is typing");
		this.widget.type("And to Sweden");
		assertThat(owner
			.next((frame) -> frame.path("type").asString().equals("typing")
					&& frame.path("side").asString().equals("visitor"), "the visitor typing")
			.path("typing")
			.asBoolean()).isTrue();

		// The owner reads: the visitor sees it.
		owner.send(Map.of("type", "read", "conversationId", conversation, "seq", 1));
		this.widget.awaitMessages((shown) -> shown.get(0).state().equals("read"), "the message read");

		owner.say(conversation, "reply-1", "Yes! Rates: https://shop.example/shipping.");
		List<Shown> shown = this.widget.awaitMessages((list) -> list.size() == 2, "the reply");
		assertThat(shown.get(1))
			.isEqualTo(new Shown("staff", "Olga", "Yes! Rates: https://shop.example/shipping.", ""));
		assertThat(this.widget.text("typing")).as("a reply ends the typing indicator").isEmpty();
		WebElement link = this.widget.inFrame((driver) -> driver.findElement(By.cssSelector("#messages a")));
		assertThat(this.widget.inFrameScript(
				"var a = document.querySelector('#messages a');" + "return [a.href, a.rel, a.target, a.textContent];"))
			.isEqualTo(List.of("https://shop.example/shipping", "noopener noreferrer", "_blank",
					"https://shop.example/shipping"));
		assertThat(link).isNotNull();

		// A reload, then another page of the site: the same conversation, nothing twice,
		// and the draft still there.
		this.browser.navigate().refresh();
		this.widget.awaitOpen();
		assertThat(bodies(this.widget.awaitMessages((list) -> list.size() == 2, "the history after a reload")))
			.containsExactly("Hello, do you ship to Norway?", "Yes! Rates: https://shop.example/shipping.");
		assertThat(this.widget.inFrameScript("return document.getElementById('input').value"))
			.isEqualTo("And to Sweden");
		this.browser.findElement(By.id("next-page")).click();
		this.widget.awaitOpen();
		assertThat(bodies(this.widget.awaitMessages((list) -> list.size() == 2, "the history on another page")))
			.containsExactly("Hello, do you ship to Norway?", "Yes! Rates: https://shop.example/shipping.");

		// A reply while the chat is closed: badge, tab title and the host's event.
		this.widget.launcher().click();
		this.widget.waiting().until((driver) -> !this.widget.isOpen());
		owner.say(conversation, "reply-2", "Anything else?");
		this.widget.waiting().until((driver) -> this.widget.launcher().getText().equals("1"));
		assertThat(this.browser.getTitle()).isEqualTo("(1) Ankh & Co");
		assertThat(this.widget.launcher().getAttribute("aria-label")).isEqualTo("Open chat (1 unread)");
		assertThat(hostEvents()).anySatisfy((event) -> {
			assertThat(event.get("name")).isEqualTo("message");
			assertThat(event.get("data")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.containsEntry("from", "staff")
				.containsEntry("conversationId", conversation)
				.doesNotContainKey("body");
		});
		this.widget.open();
		this.widget.waiting().until((driver) -> this.widget.launcher().getText().isEmpty());
		assertThat(this.browser.getTitle()).isEqualTo("Ankh & Co");
		assertNoConsoleErrors();

		// No request to anywhere but the shop and Porchlight: no fonts, no analytics.
		String resources = "return performance.getEntriesByType('resource').map(function (e) { return e.name; })";
		assertThat((List<?>) this.browser.executeScript(resources)).isNotEmpty()
			.allSatisfy((url) -> assertThat(
					((String) url).startsWith(this.host.origin() + "/") || ((String) url).startsWith(PORCHLIGHT + "/"))
				.as("%s is the shop's or Porchlight's", url)
				.isTrue());
		assertThat((List<?>) this.widget.inFrameScript(resources)).isNotEmpty()
			.allSatisfy((url) -> assertThat((String) url).startsWith(PORCHLIGHT + "/"));
	}

	@Test
	void aServerRestartUnderTheWidgetLosesAndDoublesNothing() {
		Site site = site(PreChatForm.NONE, IdentityMode.OPTIONAL);
		LiveTestClient owner = owner();
		this.browser.get(this.host.install(site.key().value(), "").origin() + "/");
		this.widget.open();
		this.widget.send("Before the restart");
		this.widget.awaitMessages((shown) -> shown.size() == 1 && shown.get(0).state().equals("sent"), "sent");
		String conversation = owner.next("inbox").path("conversation").path("id").asString();

		this.widgetNode.close();
		this.widget.awaitVisible("connection");
		this.widget.send("While the server was down");
		this.widget.awaitMessages((shown) -> shown.size() == 2 && shown.get(1).state().equals("sending"),
				"a message waiting for the server");

		this.widgetNode = startWidgetNode();
		this.widget.awaitHidden("connection");
		this.widget.awaitMessages((shown) -> shown.size() == 2 && shown.get(1).state().equals("sent"),
				"the waiting message sent after the restart");
		owner.say(conversation, "after", "After the restart");
		List<Shown> shown = this.widget.awaitMessages((list) -> list.size() == 3, "the reply after the restart");
		assertThat(bodies(shown)).containsExactly("Before the restart", "While the server was down",
				"After the restart");

		// What the server kept: each message once, in order.
		JsonNode transcript = ownerApi().get("/api/v1/conversations/" + conversation).json();
		List<String> stored = new ArrayList<>();
		transcript.path("entries").forEach((entry) -> {
			if (entry.path("kind").asString().equals("message")) {
				stored.add(entry.path("message").path("body").asString());
			}
		});
		assertThat(stored).containsExactly("Before the restart", "While the server was down", "After the restart");
		// And a reload shows exactly that.
		this.browser.navigate().refresh();
		this.widget.awaitOpen();
		assertThat(bodies(this.widget.awaitMessages((list) -> list.size() == 3, "the history")))
			.containsExactly("Before the restart", "While the server was down", "After the restart");
	}

	@Test
	void aVisitorWhoTypesFasterThanTheRateLimitLosesAndDoublesNothing() {
		Site site = site(PreChatForm.NONE, IdentityMode.OPTIONAL);
		LiveTestClient owner = owner();
		this.browser.get(this.host.install(site.key().value(), "").origin() + "/");
		this.widget.open();
		int count = VISITOR_MESSAGES * 2 + 1;
		List<String> sent = new ArrayList<>();
		for (int i = 1; i <= count; i++) {
			sent.add("Message " + i);
			this.widget.send("Message " + i);
		}
		List<Shown> shown = this.widget.awaitMessages(
				(list) -> list.size() == count && list.stream().allMatch((m) -> m.state().equals("sent")),
				"every message sent after the limit let them through");
		assertThat(bodies(shown)).containsExactlyElementsOf(sent);
		String conversation = owner.next("inbox").path("conversation").path("id").asString();
		List<String> stored = new ArrayList<>();
		ownerApi().get("/api/v1/conversations/" + conversation)
			.json()
			.path("entries")
			.forEach((entry) -> stored.add(entry.path("message").path("body").asString()));
		assertThat(stored).containsExactlyElementsOf(sent);
		assertThat(this.widget.visible("connection")).as("still connected").isFalse();
	}

	@Test
	void whenNobodyIsInTheVisitorLeavesAnEmail() {
		Site site = site(PreChatForm.NONE, IdentityMode.OPTIONAL);
		LiveTestClient owner = owner();
		owner.send(Map.of("type", "availability", "available", false));
		owner.next("availability_ok");
		this.browser.get(this.host.install(site.key().value(), "").origin() + "/");
		this.widget.open();
		this.widget.awaitVisible("away");
		assertThat(this.widget.text("away-text")).isEqualTo(site.widget().awayMessage());
		this.widget.awaitText("presence-text", "Away");
		this.widget.fill("away-email", "later@example.com");
		this.widget.submit("away-form");
		this.widget.awaitText("away-thanks", "we will reply to later@example.com");
		assertThat(ownerApi().get("/api/v1/search/customers?q=later@example.com").json())
			.anySatisfy((found) -> assertThat(found.path("email").asString()).isEqualTo("later@example.com"));

		// The owner comes back: the widget shows it without a reload.
		owner.send(Map.of("type", "availability", "available", true));
		this.widget.awaitHidden("away");
		this.widget.awaitText("presence-text", "Online");
	}

	/**
	 * The presence line, whether the away form shows, its text, whether its email field
	 * shows.
	 */
	private static final String CLOSED_STATE = """
			const shows = (id) => document.getElementById(id).checkVisibility();
			return [document.getElementById('presence-text').textContent, shows('away'),
				document.getElementById('away-text').textContent, shows('away-email')];
			""";

	@Test
	void outsideBusinessHoursTheWidgetIsClosedAndOpensOnTime() {
		// Staff are available: the business hours alone make it closed.
		LiveTestClient owner = owner();
		owner.send(Map.of("type", "availability", "available", true));
		owner.next("availability_ok");
		// Openings are whole minutes of the shop's time zone. A zone whose offset has
		// seconds puts its next whole minute a few seconds away: no waiting for the
		// clock's. On a machine too slow to show the closed widget before that, once
		// more with a longer lead; a widget that opens early fails either way.
		for (Duration lead : List.of(Duration.ofSeconds(10), Duration.ofSeconds(45))) {
			Instant opens = Instant.now().plus(lead).truncatedTo(ChronoUnit.SECONDS);
			ZonedDateTime utc = opens.atZone(ZoneOffset.UTC);
			// About noon there, so the ten minutes open never wrap past midnight.
			int offsetHours = Math.clamp(12 - utc.getHour(), -12, 14);
			ZoneOffset zone = ZoneOffset.ofTotalSeconds(offsetHours * 3600 + (60 - utc.getSecond()) % 60);
			LocalTime opening = opens.atZone(zone).toLocalTime();
			assertThat(opening.getSecond()).isZero();
			BusinessHours hours = new BusinessHours(zone, List
				.of(new BusinessHours.Opening(opens.atZone(zone).getDayOfWeek(), opening, opening.plusMinutes(10))));
			Site site = site(PreChatForm.NONE, IdentityMode.OPTIONAL, hours);
			this.browser.get(this.host.install(site.key().value(), "").origin() + "/");
			this.widget.open();
			// One consistent reading of the frame.
			List<Object> shown = await().atMost(Chromium.BUSY_MACHINE_WAIT.plus(lead))
				.until(() -> closedState(),
						(state) -> String.valueOf(state.get(0)).matches(".*(Closed now|Online now).*"));
			Instant seen = Instant.now();
			if (!String.valueOf(shown.get(0)).contains("Closed now")) {
				assertThat(seen).as("shown %s before the opening at %s", shown, opens).isAfterOrEqualTo(opens);
				continue;
			}
			assertThat(shown).as("presence, away form shown, away text, email field shown")
				.containsExactly(shown.get(0), true, site.widget().awayMessage(), true);

			// At the opening time the widget opens by itself, without a reload.
			await().atMost(Duration.between(Instant.now(), opens).plus(Chromium.BUSY_MACHINE_WAIT))
				.until(() -> this.widget.text("presence-text").contains("Online now"));
			this.widget.awaitHidden("away");
			assertNoConsoleErrors();
			return;
		}
		throw new AssertionError("the machine was too slow to show the closed widget before its opening, twice");
	}

	@Test
	void onAPageWhoseOriginIsNotAllowedTheConsoleSaysWhy() {
		Site site = Site.create("Elsewhere", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(site);
		this.browser.get(this.host.install(site.key().value(), "").origin() + "/");
		List<String> console = new ArrayList<>();
		await().atMost(Chromium.BUSY_MACHINE_WAIT).until(() -> {
			this.browser.manage().logs().get(LogType.BROWSER).forEach((entry) -> console.add(entry.getMessage()));
			return console.stream()
				.anyMatch((line) -> line.contains(
						"Porchlight chat not shown: This page's origin is not on the site's" + " allowed origins"));
		});
		assertThat(console).noneMatch((line) -> line.contains("Failed to fetch"));
		assertThat(this.browser.findElements(By.id("porchlight-launcher"))).isEmpty();
		assertThat(this.browser.findElements(By.cssSelector("iframe"))).isEmpty();
	}

	@Test
	void onTheDemoStoreAVisitorStartsANewConversationAndFindsTheOldOne() {
		LiveTestClient owner = owner();
		this.browser.get(PORCHLIGHT + "/");
		this.widget.open();
		this.widget.send("First question");
		this.widget.awaitMessages((shown) -> shown.size() == 1 && shown.get(0).state().equals("sent"), "sent");
		String first = owner.next("inbox").path("conversation").path("id").asString();
		owner.send(Map.of("type", "close", "conversationId", first));
		this.widget.awaitVisible("closed-note");

		this.widget.click("history-button");
		this.widget.awaitVisible("history");
		this.widget.click("new-conversation");
		this.widget.awaitMessages(List::isEmpty, "an empty new conversation");
		this.widget.send("Second question");
		this.widget.awaitMessages((shown) -> shown.size() == 1 && shown.get(0).state().equals("sent"), "sent");
		String second = owner
			.next((frame) -> frame.path("type").asString().equals("inbox")
					&& !frame.path("conversation").path("id").asString().equals(first), "the second conversation")
			.path("conversation")
			.path("id")
			.asString();
		assertThat(second).isNotEqualTo(first);

		// The owner answers in the first, closed conversation: it reaches the visitor,
		// who is looking at the second.
		owner.say(first, "late", "Back to your first question");
		this.widget.waiting().until((driver) -> this.widget.launcher().getText().equals("1"));
		this.widget.click("history-button");
		this.widget.waiting()
			.until((driver) -> this.widget.inFrame((d) -> d.findElements(By.cssSelector("#conversations button")))
				.size() == 2);
		String firstButton = "#conversations button[data-id='" + first + "']";
		String firstShown = this.widget.inFrame((driver) -> driver.findElement(By.cssSelector(firstButton)).getText());
		assertThat(firstShown).contains("1 unread").contains("Back to your first question");
		this.widget.inFrame((driver) -> {
			driver.findElement(By.cssSelector(firstButton)).click();
			return null;
		});
		assertThat(bodies(this.widget.awaitMessages((list) -> list.size() == 4, "the first conversation again")))
			.containsExactly("First question", "Conversation closed", "Conversation reopened",
					"Back to your first question");
		this.widget.waiting().until((driver) -> this.widget.launcher().getText().isEmpty());
	}

	@Test
	void theHostSiteVouchesForItsCustomerAndAWrongSignatureIsRefused() {
		Site site = site(PreChatForm.NONE, IdentityMode.ENFORCED);
		LiveTestClient owner = owner();
		this.browser.get(this.host.install(site.key().value(), "").origin() + "/");
		this.widget.launcher();
		Object verified = this.browser.executeAsyncScript("""
				var done = arguments[arguments.length - 1];
				Porchlight.identify({ token: arguments[0] })
					.then(function (r) { done(r.identity); }, function (e) { done('error ' + e.message); });
				""", IdentityTokenFixture.token(site.identitySecret(), "user-42", "ada@example.com", "Ada Lovelace"));
		assertThat(verified).isEqualTo("verified");
		this.widget.open();
		this.widget.send("I am Ada");
		this.widget.awaitMessages((shown) -> shown.size() == 1 && shown.get(0).state().equals("sent"), "sent");
		String customer = owner.next("inbox").path("conversation").path("customerId").asString();
		JsonNode record = ownerApi().get("/api/v1/customers/" + customer).json();
		assertThat(record.path("name").asString()).isEqualTo("Ada Lovelace");
		assertThat(record.path("externalIds").toString()).contains("user-42");

		// Someone else in another browser claims to be user 42 without the site's
		// signature: refused, and they see none of Ada's conversations.
		this.browser.quit();
		this.browser = Chromium.start();
		this.widget = new Widget(this.browser);
		this.browser.get(this.host.origin() + "/");
		this.widget.launcher();
		Object forged = this.browser.executeAsyncScript("""
				var done = arguments[arguments.length - 1];
				Porchlight.identify({ token: arguments[0], email: 'ada@example.com' })
					.then(function (r) { done(r.identity); }, function (e) { done('error ' + e.message); });
				""", IdentityTokenFixture.token(IdentitySecret.generate(), "user-42", "ada@example.com", null));
		assertThat(forged).isEqualTo("error identity_invalid");
		this.widget.open();
		this.widget.awaitVisible("input");
		this.widget.click("history-button");
		this.widget.awaitVisible("no-conversations");
		assertThat(this.widget.messages()).isEmpty();
	}

	/**
	 * Security promise S9, frame to host page: the loader acts only on messages from its
	 * own frame's window on Porchlight's origin. The same messages from the frame do act:
	 * the identify answer settles the promise below (and in
	 * {@link #theHostSiteVouchesForItsCustomerAndAWrongSignatureIsRefused}),
	 * {@code active} marks the browser, {@code message} reaches the host's handlers,
	 * {@code close} closes and {@code unread} shows the badge (below, and in
	 * {@link #aVisitorTalksWithTheOwnerThroughTheWholeWidget}). Posted by the host page's
	 * own window (another window, another origin) or by a second Porchlight frame in the
	 * page (the right origin, another window), they change nothing.
	 */
	@Test
	void theLoaderHearsOnlyItsOwnFrame() {
		Site site = site(PreChatForm.NONE, IdentityMode.OPTIONAL);
		String key = site.key().value();
		LiveTestClient owner = owner();
		this.browser.get(this.host.install(key, "").origin() + "/");
		this.widget.launcher();
		this.browser.executeScript(RECORD_MESSAGES);
		// Another copy of the frame, on Porchlight's origin but not the widget's window,
		// which posts to the page whatever the page tells it to.
		this.browser.executeScript("""
				var decoy = document.createElement('iframe');
				decoy.id = 'decoy';
				decoy.title = 'Decoy';
				decoy.src = arguments[0];
				document.body.append(decoy);
				""", PORCHLIGHT + "/widget/frame?site=" + key + "&origin="
				+ URLEncoder.encode(this.host.origin(), StandardCharsets.UTF_8));
		this.widget.waiting().withMessage("the decoy frame armed").until((driver) -> Boolean.TRUE.equals(inDecoy("""
				if (location.origin !== arguments[0] || document.readyState !== 'complete') {
					return false;
				}
				var page = arguments[1];
				if (!window.armed) {
					window.armed = true;
					addEventListener('message', function (event) {
						if (event.source === parent && event.data && event.data.fire) {
							event.data.fire.forEach(function (m) {
								parent.postMessage(Object.assign({ ns: 'porchlight.widget', spoof: 'decoy' }, m), page);
							});
						}
					});
				}
				return true;
				""", PORCHLIGHT, this.host.origin())));

		// An identify call waits for the frame's answer; forged answers ('verified') from
		// the page and the decoy arrive long before the real one (the frame is not even
		// loaded yet). The real answer: a signature the site does not know leaves the
		// visitor unverified (the site does not enforce identities).
		String forged = IdentityTokenFixture.token(IdentitySecret.generate(), "user-42", "ada@example.com", null);
		Object answer = this.browser.executeAsyncScript(
				"""
						var done = arguments[arguments.length - 1];
						Porchlight.identify({ token: arguments[0] })
							.then(function (r) { done('identity ' + r.identity); }, function (e) { done('error ' + e.message); });
						var fire = ['i1', 'i2', 'i3'].map(function (id) { return { type: 'identified', id: id, identity: 'verified' }; });
						fire.forEach(function (m) { postMessage(Object.assign({ ns: 'porchlight.widget', spoof: 'page' }, m), '*'); });
						document.getElementById('decoy').contentWindow.postMessage({ fire: fire }, arguments[1]);
						""",
				forged, PORCHLIGHT);
		assertThat(answer).as("the frame's own answer, not the forged 'verified'").isEqualTo("identity unverified");
		List<Map<String, Object>> heard = heard();
		int real = indexOf(heard, (m) -> m.get("type").equals("identified") && m.get("spoof") == null);
		assertThat(real).as("the frame's answer heard: %s", heard).isNotNegative();
		assertThat(heard.subList(0, real)).as("the forged answers were there first")
			.filteredOn((m) -> m.get("type").equals("identified"))
			.extracting((m) -> m.get("spoof") + " " + m.get("origin"))
			.containsExactly("page " + this.host.origin(), "page " + this.host.origin(), "page " + this.host.origin(),
					"decoy " + PORCHLIGHT, "decoy " + PORCHLIGHT, "decoy " + PORCHLIGHT);

		// An open chat with a conversation; the frame says so ('active').
		this.widget.open();
		this.widget.send("Hello");
		this.widget.awaitMessages((shown) -> shown.size() == 1 && shown.get(0).state().equals("sent"), "sent");
		String conversation = owner.next("inbox").path("conversation").path("id").asString();
		String marked = "return localStorage.getItem(arguments[0])";
		this.widget.waiting()
			.withMessage("the frame's 'active' kept")
			.until((driver) -> "1".equals(this.browser.executeScript(marked, "porchlight." + key)));

		// Close, unread, message and inactive from the wrong windows.
		this.browser.executeScript(
				"""
						var fire = [{ type: 'close' }, { type: 'unread', count: 7 },
							{ type: 'message', conversationId: 'spoofed', from: 'staff', at: new Date().toISOString() },
							{ type: 'active', active: false }];
						fire.forEach(function (m) { postMessage(Object.assign({ ns: 'porchlight.widget', spoof: 'page' }, m), '*'); });
						document.getElementById('decoy').contentWindow.postMessage({ fire: fire }, arguments[0]);
						""",
				PORCHLIGHT);
		this.widget.waiting()
			.withMessage(() -> "every forged message delivered: " + heard())
			.until((driver) -> heard().stream()
				.filter((m) -> m.get("spoof") != null && !m.get("type").equals("identified"))
				.count() == 8);
		// Then a real round trip through the frame, so anything the loader would have
		// done
		// (its handlers run a task later) has been done.
		owner.say(conversation, "after-forgeries", "Still there?");
		this.widget.waiting()
			.withMessage(() -> "the real message event: " + hostEvents())
			.until((driver) -> hostEvents().stream()
				.anyMatch((e) -> e.get("name").equals("message") && e.get("data") instanceof Map<?, ?> data
						&& conversation.equals(data.get("conversationId")) && "staff".equals(data.get("from"))));
		assertThat(this.widget.isOpen()).as("still open").isTrue();
		assertThat(this.widget.launcher().getAttribute("aria-expanded")).isEqualTo("true");
		assertThat(this.widget.launcher().getText()).as("no badge").isEmpty();
		assertThat(this.browser.getTitle()).isEqualTo("Ankh & Co");
		assertThat(hostEvents()).extracting((e) -> e.get("name")).doesNotContain("close");
		assertThat(hostEvents()).filteredOn((e) -> e.get("name").equals("unread"))
			.extracting((e) -> e.get("data"))
			.doesNotContain(7L);
		assertThat(hostEvents()).filteredOn((e) -> e.get("name").equals("message"))
			.allSatisfy((e) -> assertThat(e.get("data")).asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry("conversationId", conversation));
		assertThat(this.browser.executeScript(marked, "porchlight." + key)).isEqualTo("1");

		// The same close and unread from the frame itself do act.
		this.widget.click("close-button");
		this.widget.waiting().until((driver) -> !this.widget.isOpen());
		assertThat(hostEvents()).extracting((e) -> e.get("name")).contains("close");
		owner.say(conversation, "unread", "Anything else?");
		this.widget.waiting().until((driver) -> this.widget.launcher().getText().equals("1"));
		assertThat(this.browser.getTitle()).isEqualTo("(1) Ankh & Co");
	}

	/**
	 * Security promise S9, host page to frame: the frame acts only on messages from the
	 * page that embeds it, on that page's origin. A shop shows a third party's ad in a
	 * frame; the ad's script finds the widget's frame beside it and posts it the loader's
	 * messages: open (which would mark replies read), identify with a token for the
	 * attacker's own account (so the visitor would chat as the attacker), locale, init
	 * and reset (which would throw the visitor's conversations away), and tells the page
	 * the frame's messages. Nothing changes; then the same messages from the page itself
	 * do act.
	 */
	@Test
	void theFrameHearsOnlyThePageThatEmbedsIt() {
		try (ShopWithAnAd shop = new ShopWithAnAd(PORCHLIGHT)) {
			Site site = site(PreChatForm.NONE, IdentityMode.OPTIONAL, BusinessHours.none(), shop.origin());
			String key = site.key().value();
			String mallory = IdentityTokenFixture.token(site.identitySecret(), "mallory-666", "mallory@example.com",
					"Mallory");
			LiveTestClient owner = owner();
			this.browser.get(shop.install(key).origin() + "/");
			this.widget.open();
			this.widget.send("Hello");
			this.widget.awaitMessages((shown) -> shown.size() == 1 && shown.get(0).state().equals("sent"), "sent");
			String conversation = owner.next("inbox").path("conversation").path("id").asString();
			this.widget.launcher().click();
			this.widget.waiting().until((driver) -> !this.widget.isOpen());
			owner.say(conversation, "first", "First reply");
			this.widget.waiting().until((driver) -> this.widget.launcher().getText().equals("1"));
			String visitorKey = "pl." + key + ".visitor";
			String identityKey = "pl." + key + ".identity";
			Object visitor = this.widget.inFrameScript("return localStorage.getItem(arguments[0])", visitorKey);
			assertThat(visitor).isNotNull();
			String marked = "return localStorage.getItem(arguments[0])";
			assertThat(this.browser.executeScript(marked, "porchlight." + key)).isEqualTo("1");
			this.browser.executeScript(RECORD_MESSAGES);
			this.widget.inFrameScript(RECORD_MESSAGES);

			this.browser.switchTo().frame(this.browser.findElement(By.id("ad")));
			Object targets;
			try {
				targets = this.browser.executeScript(AD_ATTACK, PORCHLIGHT, mallory);
			}
			finally {
				this.browser.switchTo().defaultContent();
			}
			assertThat(targets).as("the widget's frame found beside the ad").isEqualTo(1L);
			this.widget.waiting()
				.withMessage(() -> "the ad's messages delivered to the frame: "
						+ this.widget.inFrameScript("return window.heard"))
				.until((driver) -> heardInFrame().stream()
					.filter((m) -> "ad".equals(m.get("spoof")) && shop.adOrigin().equals(m.get("origin")))
					.count() == 5);
			this.widget.waiting()
				.withMessage(() -> "the ad's messages delivered to the page: " + heard())
				.until((driver) -> heard().stream()
					.filter((m) -> "ad".equals(m.get("spoof")) && shop.adOrigin().equals(m.get("origin")))
					.count() == 3);
			// What the frame does at once on these messages did not happen.
			assertThat(this.widget.inFrameScript("return sessionStorage.getItem(arguments[0])", identityKey))
				.as("no identity taken")
				.isNull();
			assertThat(this.widget.inFrameScript("return localStorage.getItem(arguments[0])", visitorKey))
				.as("the same visitor")
				.isEqualTo(visitor);
			assertThat(this.widget.inFrameScript("return document.documentElement.lang")).isEqualTo("en");

			// A real round trip: a reply while the chat is closed counts as unread (had
			// the
			// frame believed it was open, it would have been read at once).
			owner.say(conversation, "second", "Second reply");
			this.widget.waiting()
				.withMessage(() -> "the second reply's events: " + hostEvents())
				.until((driver) -> unreadAfterStaffMessage(hostEvents(), 2));
			List<Object> unread = hostEvents().stream()
				.filter((e) -> e.get("name").equals("unread"))
				.map((e) -> e.get("data"))
				.toList();
			assertThat(unread).as("unread counts").contains(1L);
			assertThat(unread.subList(unread.indexOf(1L), unread.size())).as("unread counts: %s", unread)
				.containsExactly(1L, 2L);
			assertThat(this.widget.launcher().getText()).isEqualTo("2");
			assertThat(hostEvents()).filteredOn((e) -> e.get("name").equals("message"))
				.allSatisfy((e) -> assertThat(e.get("data")).asInstanceOf(InstanceOfAssertFactories.MAP)
					.containsEntry("conversationId", conversation));
			assertThat(this.browser.executeScript(marked, "porchlight." + key)).isEqualTo("1");
			assertThat(bodies(this.widget.messages())).containsExactly("Hello", "First reply", "Second reply");
			assertThat(this.widget.inFrameScript("return sessionStorage.getItem(arguments[0])", identityKey)).isNull();
			assertThat(this.widget.inFrameScript("return localStorage.getItem(arguments[0])", visitorKey))
				.isEqualTo(visitor);
			assertThat(this.widget.inFrameScript("return document.documentElement.lang")).isEqualTo("en");
			assertThat(ownerApi().get("/api/v1/search/customers?q=mallory@example.com").json().toString())
				.as("no customer for the attacker's identity")
				.doesNotContain("mallory");

			// The same messages from the page itself do act.
			this.browser.executeScript("Porchlight.setLocale('de')");
			this.widget.waiting()
				.until((driver) -> "de".equals(this.widget.inFrameScript("return document.documentElement.lang")));
			this.widget.open();
			this.widget.waiting().until((driver) -> this.widget.launcher().getText().isEmpty());
			Object identified = this.browser.executeAsyncScript(
					"""
							var done = arguments[arguments.length - 1];
							Porchlight.identify({ token: arguments[0] })
								.then(function (r) { done('identity ' + r.identity); }, function (e) { done('error ' + e.message); });
							""",
					mallory);
			assertThat(identified).isEqualTo("identity verified");
			assertThat(this.widget.inFrameScript("return sessionStorage.getItem(arguments[0])", identityKey))
				.isNotNull();
			assertThat(ownerApi().get("/api/v1/search/customers?q=mallory@example.com").json().toString())
				.contains("mallory@example.com");
			this.browser.executeScript("Porchlight.reset()");
			this.widget.waiting().until((driver) -> {
				Object now = this.widget.inFrameScript("return localStorage.getItem(arguments[0])", visitorKey);
				return now != null && !now.equals(visitor);
			});
			assertThat(this.browser.executeScript("return sessionStorage.getItem(arguments[0])",
					"porchlight." + key + ".open"))
				.as("not reopened on the next page")
				.isNull();
			// A handler taken off hears nothing more; off() of one never added is fine.
			this.browser.executeScript("""
					window.heard = [];
					var gone = function () { heard.push('gone'); }, kept = function () { heard.push('kept'); };
					Porchlight.on('open', gone).on('open', kept).off('open', gone).off('close', gone);
					Porchlight.close();
					Porchlight.open();
					""");
			this.widget.waiting()
				.until((driver) -> String.valueOf(this.browser.executeScript("return heard.join()")).contains("kept"));
			assertThat(this.browser.executeScript("return heard.join()")).isEqualTo("kept");
			// A page with no token for this visitor (an empty meta tag) still gets an
			// answer: unverified, anonymous, in optional mode.
			Object withoutToken = this.browser.executeAsyncScript(
					"""
							var done = arguments[arguments.length - 1];
							Porchlight.identify({ token: '' })
								.then(function (r) { done('identity ' + r.identity); }, function (e) { done('error ' + e.message); });
							""");
			assertThat(withoutToken).isEqualTo("identity unverified");
			// An identity the server cannot read at all settles the promise too, and the
			// chat carries on anonymously.
			Object unreadable = this.browser.executeAsyncScript(
					"""
							var done = arguments[arguments.length - 1];
							Porchlight.identify({ token: '', name: 'N'.repeat(3000) })
								.then(function (r) { done('identity ' + r.identity); }, function (e) { done('error ' + e.message); });
							""");
			assertThat(unreadable).isEqualTo("error invalid_identity_name");
			this.widget.send("Still here after a bad identify");
			this.widget.awaitMessages((shown) -> !shown.isEmpty()
					&& shown.get(shown.size() - 1).body().equals("Still here after a bad identify")
					&& shown.get(shown.size() - 1).state().equals("sent"), "sent anonymously");
			assertThat(this.browser.executeScript("""
					return ['opne', 'toString'].map(function (name) {
						try { Porchlight.on(name, function () {}); return 'accepted'; }
						catch (e) { return e.message; }
					}).join();
					""")).as("a misspelt event is an error, not a handler that never runs")
				.isEqualTo("Porchlight.on: no event opne,Porchlight.on: no event toString");
			// After shutdown nothing is left on the page, and a call that would wait for
			// the frame is told so at once.
			Object afterShutdown = this.browser.executeAsyncScript(
					"""
							var done = arguments[arguments.length - 1];
							Porchlight.shutdown();
							Porchlight.identify({ token: '' })
								.then(function (r) { done('identity ' + r.identity); }, function (e) { done('error ' + e.message); });
							""");
			assertThat(afterShutdown).isEqualTo("error shut_down");
			assertThat(this.browser
				.executeScript("return document.querySelectorAll('#porchlight-launcher, #porchlight-frame').length"))
				.isEqualTo(0L);
		}
	}

	@Test
	void hostileMessagesAreShownAsTextAndNothingRuns() {
		Site site = site(PreChatForm.NONE, IdentityMode.OPTIONAL);
		LiveTestClient owner = owner();
		this.browser.get(this.host.install(site.key().value(), "").origin() + "/");
		this.widget.open();
		this.widget.send(XssCorpus.ENTRIES.get(0));
		this.widget.awaitMessages((shown) -> shown.size() == 1 && shown.get(0).state().equals("sent"), "sent");
		String conversation = owner
			.next((frame) -> frame.path("type").asString().equals("inbox")
					&& frame.path("conversation").path("lastSeq").asLong() == 1, "the visitor's message in the inbox")
			.path("conversation")
			.path("id")
			.asString();
		int i = 0;
		for (String attack : XssCorpus.ENTRIES) {
			owner.say(conversation, "xss-" + i++, attack);
		}
		List<Shown> shown = this.widget.awaitMessages((list) -> list.size() == XssCorpus.ENTRIES.size() + 1,
				"every hostile message");
		assertThat(bodies(shown).subList(1, shown.size())).containsExactlyElementsOf(XssCorpus.ENTRIES);
		assertThat(shown.get(0).body()).isEqualTo(XssCorpus.ENTRIES.get(0));

		// Only the frame's own markup: no element came from a message, every link is a
		// safe one, and no payload ran in the frame or on the host page.
		assertThat(this.widget.inFrameScript(
				"return document.querySelectorAll('#messages script, #messages img, #messages svg, #messages iframe,"
						+ " #messages style, #messages b, #messages [onerror], #messages [onload]').length"))
			.isEqualTo(0L);
		@SuppressWarnings("unchecked")
		List<String> links = (List<String>) this.widget.inFrameScript(
				"return Array.from(document.querySelectorAll('#messages a')).map(function (a) { return a.protocol + ' ' + a.rel; })");
		assertThat(links).isNotEmpty()
			.allSatisfy((link) -> assertThat(link).matches("(https?:|mailto:) noopener noreferrer"));
		assertThat(this.widget.inFrameScript("return window.__xss === undefined")).isEqualTo(true);
		assertThat(this.browser.executeScript("return window.__xss === undefined")).isEqualTo(true);
		assertThatExceptionOfType(NoAlertPresentException.class).isThrownBy(() -> this.browser.switchTo().alert());
	}

	@Test
	void theOpenWidgetHasNoAccessibilityViolations() {
		Site site = site(PreChatForm.OPTIONAL_EMAIL, IdentityMode.OPTIONAL);
		LiveTestClient owner = owner();
		this.browser.get(this.host.install(site.key().value(), "").origin() + "/");
		this.widget.open();
		this.widget.awaitVisible("prechat");
		assertThat(axe()).as("the pre-chat form").isEmpty();
		this.widget.click("prechat-skip");
		this.widget.send("Is the ring adjustable?");
		String conversation = owner.next("inbox").path("conversation").path("id").asString();
		owner.say(conversation, "a11y", "It is, by two sizes: see https://shop.example/sizes");
		this.widget.awaitMessages((list) -> list.size() == 2, "the reply");
		assertThat(axe()).as("a conversation").isEmpty();
		this.widget.click("history-button");
		this.widget.awaitVisible("history");
		assertThat(axe()).as("the history").isEmpty();
		// The launcher on the host page, too.
		assertThat(axe(false)).as("the launcher").isEmpty();
	}

	@Test
	void theWidgetSpeaksThePagesLanguageAndFillsASmallScreen() {
		Site site = site(PreChatForm.NONE, IdentityMode.OPTIONAL);
		this.browser.get(this.host.install(site.key().value(), "de").origin() + "/");
		assertThat(this.widget.launcher().getAttribute("aria-label")).isEqualTo("Chat öffnen");
		this.widget.open();
		this.widget.waiting()
			.until((driver) -> "Nachricht schreiben…"
				.equals(this.widget.inFrameScript("return document.getElementById('input').placeholder")));
		assertThat(this.widget.inFrameScript("return document.documentElement.lang")).isEqualTo("de");

		this.browser.executeScript("Porchlight.setLocale('fr-CA')");
		this.widget.waiting()
			.until((driver) -> "Écrivez un message…"
				.equals(this.widget.inFrameScript("return document.getElementById('input').placeholder")));
		this.widget.waiting()
			.until((driver) -> "Fermer la discussion".equals(this.widget.launcher().getAttribute("aria-label")));

		this.browser.manage().window().setSize(new Dimension(400, 760));
		this.widget.waiting().until((driver) -> {
			WebElement frame = driver.findElement(By.id("porchlight-frame"));
			Object viewport = this.browser.executeScript("return [innerWidth, innerHeight]");
			return List.of((long) frame.getSize().getWidth(), (long) frame.getSize().getHeight()).equals(viewport);
		});
		// Escape closes it and gives the focus back to the launcher.
		this.widget.inFrame((driver) -> {
			driver.switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.ESCAPE);
			return null;
		});
		this.widget.waiting().until((driver) -> !this.widget.isOpen());
		assertThat(this.browser.switchTo().activeElement().getAttribute("id")).isEqualTo("porchlight-launcher");
		assertThat(this.browser
			.executeScript("return getComputedStyle(document.getElementById('porchlight-launcher')).outlineStyle"))
			.as("a visible focus ring on the launcher")
			.isNotEqualTo("none");
	}

	private List<String> axe() {
		return axe(true);
	}

	/**
	 * Runs axe-core in the open widget (or on the host page) and returns its violations
	 * of every impact.
	 */
	private List<String> axe(boolean inFrame) {
		if (!inFrame) {
			return Axe.violations(this.browser);
		}
		return this.widget.inFrame((driver) -> Axe.violations(this.browser));
	}

	@SuppressWarnings("unchecked")
	private List<Map<String, Object>> heard() {
		return (List<Map<String, Object>>) this.browser.executeScript("return window.heard");
	}

	@SuppressWarnings("unchecked")
	private List<Map<String, Object>> heardInFrame() {
		return (List<Map<String, Object>>) this.widget.inFrameScript("return window.heard");
	}

	/** Runs a script in the decoy frame; false while it cannot be reached yet. */
	private Object inDecoy(String script, Object... args) {
		this.browser.switchTo().defaultContent();
		try {
			this.browser.switchTo().frame(this.browser.findElement(By.id("decoy")));
			return this.browser.executeScript(script, args);
		}
		catch (WebDriverException notYet) {
			return false;
		}
		finally {
			this.browser.switchTo().defaultContent();
		}
	}

	private static int indexOf(List<Map<String, Object>> list, Predicate<Map<String, Object>> wanted) {
		for (int i = 0; i < list.size(); i++) {
			if (wanted.test(list.get(i))) {
				return i;
			}
		}
		return -1;
	}

	/** Whether an unread event follows the host's event for the nth staff message. */
	private static boolean unreadAfterStaffMessage(List<Map<String, Object>> events, int nth) {
		int staff = 0;
		for (Map<String, Object> event : events) {
			if (event.get("name").equals("message") && event.get("data") instanceof Map<?, ?> data
					&& "staff".equals(data.get("from"))) {
				staff++;
			}
			else if (staff == nth && event.get("name").equals("unread")) {
				return true;
			}
		}
		return false;
	}

	@SuppressWarnings("unchecked")
	private List<Map<String, Object>> hostEvents() {
		return (List<Map<String, Object>>) this.browser.executeScript("return window.hostEvents");
	}

	private void assertNoConsoleErrors() {
		List<LogEntry> logs = this.browser.manage().logs().get(LogType.BROWSER).getAll();
		assertThat(logs).noneMatch((entry) -> entry.getMessage().contains("Content Security Policy"))
			.noneMatch((entry) -> entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()
					&& !entry.getMessage().contains("favicon.ico"));
	}

	private static List<String> bodies(List<Shown> shown) {
		return shown.stream().map(Shown::body).toList();
	}

	@SuppressWarnings("unchecked")
	private List<Object> closedState() {
		return (List<Object>) this.widget.inFrameScript(CLOSED_STATE);
	}

	private Site site(PreChatForm form, IdentityMode identity) {
		return site(form, identity, BusinessHours.none());
	}

	private Site site(PreChatForm form, IdentityMode identity, BusinessHours hours) {
		return site(form, identity, hours, this.host.origin());
	}

	private Site site(PreChatForm form, IdentityMode identity, BusinessHours hours, String origin) {
		Site site = Site.create("Ankh & Co", List.of(new AllowedOrigin(origin)), Instant.now());
		WidgetSettings defaults = site.widget();
		site = site.withSettings(site.name(), site.allowedOrigins(), identity, new WidgetSettings("#5b2a86",
				defaults.position(), "Hello from Ankh & Co!", defaults.awayMessage(), form, false, hours));
		this.sites.add(site);
		return site;
	}

	private ApiClient ownerApi() {
		ApiClient api = new ApiClient(this.ownerNode);
		ApiClient.Response signedIn = api.signIn("owner@shop.example", "owner password 123");
		assertThat(signedIn.status()).as("signing in: %s", signedIn.body()).isEqualTo(200);
		return api;
	}

	private LiveTestClient owner() {
		ApiClient api = ownerApi();
		LiveTestClient owner = LiveTestClient.staff(this.ownerNode, PORCHLIGHT,
				api.cookie("PORCHLIGHT_SESSION").orElseThrow());
		owner.next("welcome");
		this.clients.add(owner);
		return owner;
	}

	private ConfigurableApplicationContext startWidgetNode() {
		return TestNodes.start(this.postgres, this.redis, "--server.port=" + WIDGET_PORT,
				"--porchlight.public-url=" + PORCHLIGHT, "--porchlight.owner.email=owner@shop.example",
				"--porchlight.owner.password=owner password 123",
				// A small message limit, so the flood test meets it quickly.
				"--porchlight.live.visitor-messages=" + VISITOR_MESSAGES, "--porchlight.live.message-window=3s");
	}

	/**
	 * A shop that shows a third party's advertisement in a frame: the shop on one origin,
	 * the ad on another, neither Porchlight's. The shop's policy is {@link HostPages}'
	 * with the ad's origin added to {@code frame-src}; the ad's own script is whatever
	 * the test runs in its frame, on the ad's origin.
	 */
	static final class ShopWithAnAd implements AutoCloseable {

		private final String porchlight;

		private final HttpServer shop;

		private final HttpServer ad;

		private volatile String siteKey = "";

		ShopWithAnAd(String porchlight) {
			this.porchlight = porchlight;
			this.shop = serve(this::shopPage);
			this.ad = serve((exchange) -> respond(exchange, "text/html; charset=utf-8", """
					<!doctype html>
					<html lang="en"><head><meta charset="utf-8"><title>Ad</title></head>
					<body><p>Pendants, half price!</p></body></html>
					""", "default-src 'none'"));
		}

		String origin() {
			return "http://127.0.0.1:" + this.shop.getAddress().getPort();
		}

		String adOrigin() {
			return "http://127.0.0.1:" + this.ad.getAddress().getPort();
		}

		ShopWithAnAd install(String siteKey) {
			this.siteKey = siteKey;
			return this;
		}

		private void shopPage(HttpExchange exchange) throws IOException {
			String policy = "default-src 'none'; script-src 'self' " + this.porchlight + "; frame-src "
					+ this.porchlight + " " + adOrigin() + "; connect-src " + this.porchlight
					+ "; style-src 'self'; img-src 'self'; "
					+ "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
			if (exchange.getRequestURI().getPath().equals("/host.js")) {
				// A queued call with a misspelt event first: the loader reports it and
				// still replays the calls after it, which the events below need.
				respond(exchange, "text/javascript", """
						window.hostEvents = [];
						window.Porchlight = window.Porchlight || function () {
							(window.Porchlight.q = window.Porchlight.q || []).push(arguments);
						};
						window.Porchlight('on', 'unred', function () {});
						['message', 'open', 'close', 'unread'].forEach(function (name) {
							window.Porchlight('on', name, function (data) {
								window.hostEvents.push({ name: name, data: data === undefined ? null : data });
							});
						});
						""", policy);
				return;
			}
			respond(exchange, "text/html; charset=utf-8", """
					<!doctype html>
					<html lang="en">
					<head>
					<meta charset="utf-8">
					<title>Ankh &amp; Co</title>
					<script src="/host.js"></script>
					<script src="%s/widget.js" data-site="%s" async></script>
					</head>
					<body>
					<h1>Ankh &amp; Co</h1>
					<iframe id="ad" title="Advertisement" src="%s/ad"></iframe>
					</body>
					</html>
					""".formatted(this.porchlight, this.siteKey, adOrigin()), policy);
		}

		private static HttpServer serve(HttpHandler handler) {
			try {
				HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
				server.createContext("/", handler);
				server.start();
				return server;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		private static void respond(HttpExchange exchange, String type, String body, String policy) throws IOException {
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", type);
			exchange.getResponseHeaders().set("Content-Security-Policy", policy);
			exchange.getResponseHeaders().set("Cache-Control", "no-store");
			exchange.sendResponseHeaders(200, bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		}

		@Override
		public void close() {
			this.shop.stop(0);
			this.ad.stop(0);
		}

	}

}
