package dev.porchlight.api.browser;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.TestNodes;
import dev.porchlight.api.live.LiveTestClient;
import dev.porchlight.domain.visitor.VisitorId;
import dev.porchlight.domain.visitor.VisitorNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
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

/**
 * The owner's dashboard in real headless Chromium, next to a visitor in a second browser
 * on the demo store: both on the dashboard's node (a fixed port, so it can be restarted
 * under them), with this test's own context as a second node.
 */
@PorchlightTest(properties = { "porchlight.owner.name=Olga", "porchlight.archive.interval=100ms" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTests {

	static final int PORT = TestNodes.freePort();

	static final String PORCHLIGHT = "http://localhost:" + PORT;

	/** The id of the inbox item whose text contains the argument. */
	static final String FIND_ITEM = """
			var needle = arguments[0];
			var hit = Array.from(document.querySelectorAll('#inbox-list li[data-id]'))
				.find(function (li) { return li.textContent.indexOf(needle) >= 0; });
			return hit ? hit.dataset.id : null;
			""";

	@DynamicPropertySource
	static void publicUrl(DynamicPropertyRegistry registry) {
		registry.add("porchlight.public-url", () -> PORCHLIGHT);
	}

	@LocalServerPort
	int otherNode;

	@Autowired
	JdbcConnectionDetails postgres;

	@Autowired
	DataRedisConnectionDetails redis;

	ConfigurableApplicationContext node;

	ChromeDriver owner;

	ChromeDriver visitorBrowser;

	WebDriverWait wait;

	final List<LiveTestClient> clients = new ArrayList<>();

	@BeforeAll
	void startTheNode() {
		this.node = startNode();
	}

	@AfterAll
	void stopTheNode() {
		if (this.node != null) {
			this.node.close();
		}
	}

	@BeforeEach
	void openBrowsers() {
		this.owner = Chromium.start();
		this.wait = new WebDriverWait(this.owner, Chromium.BUSY_MACHINE_WAIT);
		// The inbox is redrawn whenever anything changes: an element found a moment ago
		// may have been replaced.
		this.wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
	}

	@AfterEach
	void closeBrowsers() {
		this.clients.forEach(LiveTestClient::close);
		this.clients.clear();
		if (this.owner != null) {
			this.owner.quit();
		}
		if (this.visitorBrowser != null) {
			this.visitorBrowser.quit();
			this.visitorBrowser = null;
		}
	}

	@Test
	void theOwnerHearsAVisitorAnswersAndFindsTheStoryAgain() {
		ApiClient api = ownerApi();
		JsonNode demo = demoSite(api);
		api.patch("/api/v1/sites/" + demo.path("id").asString(),
				ApiClient.json(Map.of("widget", Map.of("preChatForm", "OPTIONAL_EMAIL", "colour", "#1a7f5a"))));
		api.post("/api/v1/canned-responses",
				ApiClient.json(Map.of("shortcut", "shipping", "body", "We ship within two days, tracked.")));
		signIn();

		// The visitor, in another browser, on the demo store.
		this.visitorBrowser = Chromium.start();
		this.visitorBrowser.get(PORCHLIGHT + "/");
		Widget widget = new Widget(this.visitorBrowser);
		widget.open();
		widget.fill("prechat-email", "ingrid@example.no");
		widget.fill("prechat-name", "Ingrid");
		widget.submit("prechat");
		widget.send("Hello, could you resize my ring to a 54?");

		// It appears in the inbox without a reload, with a signal.
		String conversation = this.wait
			.until((driver) -> (String) this.owner.executeScript(FIND_ITEM, "resize my ring"));
		String item = "#inbox-list li[data-id='" + conversation + "']";
		this.wait.until((driver) -> conversation
			.equals(this.owner.executeScript("return document.body.dataset.lastNotification")));
		this.wait.until((driver) -> this.owner.getTitle().equals("(1) Porchlight"));
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(item), "Ingrid"));

		this.owner.findElement(By.cssSelector(item + " a")).click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("transcript"), "resize my ring"));
		widget.awaitMessages((shown) -> shown.get(0).state().equals("read"), "the visitor sees it read");

		// Typing, both ways, then the reply.
		this.owner.findElement(By.id("reply")).sendKeys("Of course");
		widget.awaitText("typing", "Olga is typing");
		widget.type("Thank");
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("visitor-typing"), "typing"));
		this.owner.findElement(By.id("reply")).sendKeys(", send it to us and we resize it within a week." + Keys.ENTER);
		widget.awaitMessages(
				(shown) -> shown.size() == 2
						&& shown.get(1).body().equals("Of course, send it to us and we resize it within a week."),
				"the reply");
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("transcript"), "within a week"));

		// A canned response, and assigning the conversation to oneself.
		this.owner.findElement(By.id("reply")).sendKeys("/ship");
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("canned-suggestions")));
		this.owner.findElement(By.id("reply")).sendKeys(Keys.TAB);
		assertThat(this.owner.findElement(By.id("reply")).getAttribute("value"))
			.isEqualTo("We ship within two days, tracked.");
		this.owner.findElement(By.id("reply")).sendKeys(Keys.ENTER);
		widget.awaitMessages((shown) -> shown.size() == 3, "the canned reply");
		new org.openqa.selenium.support.ui.Select(this.owner.findElement(By.id("assignee")))
			.selectByVisibleText("Olga");
		// Answered, it moved from "waiting" to "open".
		this.wait.until((driver) -> {
			driver.findElement(By.id("tab-open")).click();
			return true;
		});
		this.wait
			.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(item + " .assignee"), "Olga"));

		// Close and reopen.
		this.owner.findElement(By.id("status-button")).click();
		widget.awaitVisible("closed-note");
		this.wait.until(ExpectedConditions.textToBe(By.id("status-button"), "Reopen"));
		this.owner.findElement(By.id("status-button")).click();
		this.wait.until(ExpectedConditions.textToBe(By.id("status-button"), "Close conversation"));
		widget.awaitHidden("closed-note");

		// Tags and a private note.
		this.owner.findElement(By.id("conversation-tag-input")).sendKeys("resizing" + Keys.ENTER);
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("conversation-tags"), "resizing"));
		this.owner.findElement(By.id("conversation-note-input")).sendKeys("Size 52 now, wants 54");
		this.owner.findElement(By.cssSelector("#conversation-notes + form button[type=submit]")).click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("conversation-notes"), "wants 54"));
		assertThat(widget.messages()).noneMatch((m) -> m.body().contains("wants 54"));

		// The customer's timeline.
		this.wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#customer-link a"))).click();
		this.wait.until(ExpectedConditions.textToBe(By.id("customer-title"), "Ingrid"));
		WebElement story = this.owner.findElement(By.cssSelector("#customer-story li[data-id='" + conversation + "']"));
		story.findElement(By.cssSelector("button[aria-expanded]")).click();
		this.wait.until((driver) -> story.getText().contains("within a week"));

		// Search finds what was said, highlighted, and opens it at the message.
		this.owner.findElement(By.cssSelector("a[data-route=search]")).click();
		// A typo still finds the customer.
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("search-query")))
			.sendKeys("Ingridd" + Keys.ENTER);
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("customer-results"), "Ingrid"));
		WebElement query = this.owner.findElement(By.id("search-query"));
		query.clear();
		query.sendKeys("resize" + Keys.ENTER);
		WebElement hit = this.wait
			.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#conversation-results mark")));
		assertThat(hit.getText().toLowerCase()).startsWith("resize");
		// The result says whose conversation it is and on which site; one is "1 result".
		assertThat(this.owner.findElement(By.cssSelector("#conversation-results li .meta")).getText())
			.contains("Ingrid")
			.contains(demo.path("name").asString());
		assertThat(this.owner.findElement(By.id("result-count")).getText()).isEqualTo("1 result");
		hit.click();
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#transcript .hit")));

		// A settings change shows in the widget.
		this.owner.findElement(By.cssSelector("a[data-route=settings]")).click();
		WebElement colour = this.wait.until(
				ExpectedConditions.visibilityOfElementLocated(By.id("site-" + demo.path("id").asString() + "-colour")));
		assertThat(new org.openqa.selenium.support.ui.Select(
				this.owner.findElement(By.id("site-" + demo.path("id").asString() + "-searchLanguage")))
			.getFirstSelectedOption()
			.getText()).isEqualTo("English");
		this.owner.executeScript("arguments[0].value = '#aa3300'", colour);
		colour.findElement(By.xpath("ancestor::form")).findElement(By.cssSelector("button[type=submit]")).click();
		// The answer shows by the form's own button, not at the top of the page.
		this.wait.until(ExpectedConditions.textToBe(By.id("site-" + demo.path("id").asString() + "-answer"), "Saved."));
		this.visitorBrowser.navigate().refresh();
		new WebDriverWait(this.visitorBrowser, Chromium.BUSY_MACHINE_WAIT)
			.until((driver) -> "rgb(170, 51, 0)".equals(((ChromeDriver) driver).executeScript(
					"var l = document.getElementById('porchlight-launcher'); return l && getComputedStyle(l).backgroundColor")));
		assertThat(this.owner.manage().logs().get(LogType.BROWSER).getAll())
			.noneMatch((entry) -> entry.getMessage().contains("Content Security Policy"));
		// Nothing but Porchlight itself: no fonts, no CDN, no analytics.
		assertThat((List<?>) this.owner
			.executeScript("return performance.getEntriesByType('resource').map(function (e) { return e.name; })"))
			.isNotEmpty()
			.allSatisfy((url) -> assertThat((String) url).startsWith(PORCHLIGHT + "/"));
	}

	@Test
	void theInboxRecoversAfterARestartAndShowsWhatWasSaidMeanwhile() {
		signIn();
		LiveTestClient visitor = visitorOnTheOtherNode();
		String conversation = visitor.startConversation();
		visitor.sendAndAck(conversation, "before", "Before the restart");
		this.owner.get(PORCHLIGHT + "/app/#/c/" + conversation);
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("transcript"), "Before the restart"));

		this.node.close();
		this.wait.until((driver) -> !"Live".equals(driver.findElement(By.id("connection")).getText()));
		visitor.sendAndAck(conversation, "meanwhile", "Said while the dashboard was away");
		this.node = startNode();

		this.wait.until(ExpectedConditions.textToBe(By.id("connection"), "Live"));
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("transcript"),
				"Said while the dashboard was away"));
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("inbox-list"),
				"Said while the dashboard was away"));
		List<String> shown = this.owner.findElements(By.cssSelector("#transcript .body"))
			.stream()
			.map(WebElement::getText)
			.toList();
		assertThat(shown).containsExactly("Before the restart", "Said while the dashboard was away");
	}

	@Test
	void hostileMessagesAreTextInEveryView() {
		signIn();
		LiveTestClient visitor = visitorOnTheOtherNode();
		String conversation = visitor.startConversation();
		int i = 0;
		for (String attack : XssCorpus.ENTRIES) {
			visitor.sendAndAck(conversation, "x" + i++, attack);
		}
		this.owner.get(PORCHLIGHT + "/app/#/c/" + conversation);
		this.wait.until((
				driver) -> driver.findElements(By.cssSelector("#transcript .body")).size() == XssCorpus.ENTRIES.size());
		assertThat(this.owner.findElements(By.cssSelector("#transcript .body")).stream().map(WebElement::getText))
			.containsExactlyElementsOf(XssCorpus.ENTRIES.stream().map(String::strip).toList());
		// The inbox comes over the staff socket, which may answer after the transcript's
		// request: waited for, then compared exactly.
		By preview = By.cssSelector("#inbox-list li[data-id='" + conversation + "'] .preview");
		String last = XssCorpus.ENTRIES.get(XssCorpus.ENTRIES.size() - 1);
		this.wait
			.until((driver) -> driver.findElements(preview).stream().anyMatch((shown) -> last.equals(shown.getText())));
		assertThat(this.owner.findElement(preview).getText()).isEqualTo(last);

		this.owner.get(PORCHLIGHT + "/app/#/search?q=prize");
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#conversation-results mark")));
		assertThat(this.owner.findElement(By.cssSelector("#conversation-results mark")).getText()).isEqualTo("prize");
		assertThat(this.owner.findElements(By.cssSelector("#conversation-results a")))
			.allSatisfy((link) -> assertThat(link.getAttribute("href")).startsWith(PORCHLIGHT + "/app/#/c/"));

		// The customer page: a hostile name and the transcript in the story.
		String name = "<img src=x onerror=\"window.__xss = 11\">";
		new ApiClient(this.otherNode).header("Authorization", "Bearer " + this.visitorToken)
			.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "mallory@example.com", "name", name)));
		String customer = this.wait.until((driver) -> {
			JsonNode summary = ownerApi().get("/api/v1/conversations/" + conversation).json().path("conversation");
			return summary.path("customerId").isString() ? summary.path("customerId").asString() : null;
		});
		this.owner.get(PORCHLIGHT + "/app/#/customers/" + customer);
		this.wait.until(ExpectedConditions.textToBe(By.id("customer-title"), name));
		WebElement story = this.wait.until(ExpectedConditions
			.visibilityOfElementLocated(By.cssSelector("#customer-story li[data-id='" + conversation + "']")));
		story.findElement(By.cssSelector("button[aria-expanded]")).click();
		this.wait.until((driver) -> story.findElements(By.cssSelector(".body")).size() == XssCorpus.ENTRIES.size());
		assertThat(story.findElements(By.cssSelector(".body")).stream().map(WebElement::getText))
			.containsExactlyElementsOf(XssCorpus.ENTRIES);
		assertNothingRan();
	}

	@Test
	void colleaguesAndErasuresReachAnOpenDashboardWithoutAReload() {
		signIn();
		LiveTestClient visitor = visitorOnTheOtherNode();
		String conversation = visitor.startConversation();
		visitor.sendAndAck(conversation, "erase-me", "Please forget me afterwards");
		assertThat(new ApiClient(this.otherNode).header("Authorization", "Bearer " + this.visitorToken)
			.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "forget@example.com", "name", "Fritz")))
			.status()).isEqualTo(204);
		String item = "#inbox-list li[data-id='" + conversation + "']";
		// Their name arrives live too.
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(item), "Fritz"));
		this.owner.get(PORCHLIGHT + "/app/#/c/" + conversation);
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("transcript"), "forget me"));

		// A new colleague, added on the other node: in both lists at once.
		ApiClient api = ownerApi();
		String email = "nadia-" + System.nanoTime() + "@shop.example";
		api.post("/api/v1/accounts", ApiClient.json(Map.of("email", email, "displayName", "Nadia", "role", "AGENT")));
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("assignee-filter"), "Nadia"));
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("assignee"), "Nadia"));

		// Erased on the other node: the open conversation and its inbox row go at once.
		String customer = api.get("/api/v1/search/customers?q=forget@example.com").json().get(0).path("id").asString();
		assertThat(api.delete("/api/v1/customers/" + customer).status()).isEqualTo(200);
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(item), 0));
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.id("reply"), 0));
		assertThat(this.owner.findElement(By.id("status")).getText()).isEqualTo("That conversation was erased.");
	}

	@Test
	void settingsAnswerBesideEachFormAndKeepAOneTimePasswordUntilDismissed() {
		signIn();
		this.owner.get(PORCHLIGHT + "/app/#/settings");
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-staff-email")));
		assertThat(this.owner.findElement(By.id("new-site-origins")).getTagName()).as("one origin per line")
			.isEqualTo("textarea");

		// A refused form says why beside its own button; the top of the page stays quiet.
		this.owner.findElement(By.id("new-staff-email")).sendKeys("owner@shop.example");
		this.owner.findElement(By.id("new-staff-name")).sendKeys("Olga Again");
		this.owner.findElement(By.id("new-staff-email")).submit();
		WebElement refused = this.wait
			.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#new-staff-answer.error")));
		assertThat(refused.getText()).isNotBlank();
		assertThat(this.owner.findElement(By.id("settings-status")).getText()).isEmpty();
		assertThat(refused.getLocation().getY() - this.owner.findElement(By.id("new-staff-email")).getLocation().getY())
			.as("the answer is under the form's fields")
			.isBetween(0, 200);

		// Corrected, it succeeds: the old error goes and the one-time password stays in
		// the
		// new colleague's row, with a copy button, until it is dismissed.
		WebElement email = this.owner.findElement(By.id("new-staff-email"));
		email.clear();
		email.sendKeys("sam-" + System.nanoTime() + "@shop.example");
		this.owner.findElement(By.id("new-staff-name")).clear();
		this.owner.findElement(By.id("new-staff-name")).sendKeys("Sam");
		email.submit();
		WebElement panel = this.wait
			.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#staff-list li .one-time")));
		assertThat(panel.getText()).contains("Sam");
		assertThat(panel.findElement(By.cssSelector("code")).getText()).hasSizeGreaterThanOrEqualTo(12);
		assertThat(this.owner.findElements(By.cssSelector("#new-staff-answer.error"))).isEmpty();
		// Another change redraws the list; the password is still there.
		WebElement canned = this.owner.findElement(By.id("new-canned-shortcut"));
		canned.sendKeys("hours");
		this.owner.findElement(By.id("new-canned-body")).sendKeys("We answer from 9 to 5.");
		canned.submit();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("canned-list"), "/hours"));
		String row = "#staff-list li[data-id='"
				+ this.owner.findElement(By.cssSelector("#staff-list li:has(.one-time)")).getAttribute("data-id")
				+ "']";
		this.owner.findElement(By.cssSelector(row + " button:not(.one-time button)")).click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(row), "disabled"));
		assertThat(this.owner.findElements(By.cssSelector(row + " .one-time"))).hasSize(1);
		this.owner.findElement(By.xpath("//div[@class='one-time']//button[last()]")).click();
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".one-time"), 0));
	}

	@Test
	void theDashboardSpeaksTheLanguageItsStaffMemberChooses() throws Exception {
		signIn();
		Map<String, String> german = tools.jackson.databind.json.JsonMapper.builder()
			.build()
			.readValue(getClass().getResourceAsStream("/META-INF/resources/app/locales/de.json"),
					new tools.jackson.core.type.TypeReference<Map<String, String>>() {
					});
		this.owner.get(PORCHLIGHT + "/app/#/account");
		new org.openqa.selenium.support.ui.Select(
				this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dashboard-language"))))
			.selectByValue("de");
		this.wait.until(ExpectedConditions.textToBe(By.cssSelector("a[data-route=inbox]"), german.get("inbox")));
		assertThat(this.owner.findElement(By.cssSelector("html")).getAttribute("lang")).isEqualTo("de");
		// The socket may still be (re)connecting right after the switch: wait for it.
		this.wait.until(ExpectedConditions.textToBe(By.id("connection"), german.get("live")));
		this.owner.get(PORCHLIGHT + "/app/#/settings");
		this.wait.until(ExpectedConditions.textToBe(By.cssSelector("#view h1"), german.get("settings")));
		assertThat(Axe.violations(this.owner)).as("settings in German").isEmpty();
		// Back to the browser's language (English here), for the tests that follow.
		this.owner.get(PORCHLIGHT + "/app/#/account");
		new org.openqa.selenium.support.ui.Select(
				this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dashboard-language"))))
			.selectByValue("");
		this.wait.until(ExpectedConditions.textToBe(By.cssSelector("a[data-route=inbox]"), "Inbox"));
	}

	@Test
	void anonymousVisitorsHaveDistinctNamesWithWhereTheyAre() {
		signIn();
		List<String> names = new ArrayList<>();
		List<String> conversations = new ArrayList<>();
		List<LiveTestClient> visitors = new ArrayList<>();
		for (String page : List.of("Silver rings", "Gold chains")) {
			LiveTestClient visitor = visitorOnTheOtherNode();
			visitors.add(visitor);
			String visitorId = visitor.next("welcome").path("visitorId").asString();
			visitor
				.send(Map.of("type", "page", "url", "https://shop.example/" + page.replace(' ', '-'), "title", page));
			String conversation = visitor.startConversation();
			visitor.sendAndAck(conversation, "q", "A question about " + page);
			names.add(VisitorNames.of(VisitorId.parse(visitorId)));
			conversations.add(conversation);
		}
		assertThat(names.get(0)).isNotEqualTo(names.get(1));
		for (int i = 0; i < 2; i++) {
			String item = "#inbox-list li[data-id='" + conversations.get(i) + "']";
			this.wait.until(ExpectedConditions.textToBe(By.cssSelector(item + " .who"), names.get(i)));
			this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(item + " .details"),
					i == 0 ? "Silver rings" : "Gold chains"));
		}
		this.owner.get(PORCHLIGHT + "/app/#/c/" + conversations.get(1));
		this.wait.until(ExpectedConditions.textToBe(By.id("conversation-title"), names.get(1)));
		this.wait.until(ExpectedConditions.textToBe(By.id("context-page"), "Gold chains"));
		this.wait.until(ExpectedConditions.textToBe(By.id("context-online"), "On the site now"));
		// Closed, so that other tests count only their own unread messages.
		for (int i = 0; i < 2; i++) {
			visitors.get(i).send(Map.of("type", "close", "conversationId", conversations.get(i)));
			visitors.get(i).next("status_ok");
		}
	}

	@Test
	void theOwnerLinksAnAnonymousConversationToTheEmailTheVisitorTyped() {
		signIn();
		LiveTestClient visitor = visitorOnTheOtherNode();
		String conversation = visitor.startConversation();
		visitor.sendAndAck(conversation, "mail", "No account here, but write to lena.link@example.com please");
		this.owner.get(PORCHLIGHT + "/app/#/c/" + conversation);
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("transcript"), "write to"));
		// The address is a mail link, and is offered for the new customer.
		WebElement mail = this.owner.findElement(By.cssSelector("#transcript a[href='mailto:lena.link@example.com']"));
		assertThat(mail.getText()).isEqualTo("lena.link@example.com");
		assertThat(mail.getAttribute("rel")).isEqualTo("noopener noreferrer");
		this.wait.until(ExpectedConditions.attributeToBe(By.id("link-email"), "value", "lena.link@example.com"));
		this.owner.findElement(By.id("link-name")).sendKeys("Lena");
		this.owner.findElement(By.cssSelector("#link-new button[type=submit]")).click();
		// The answer next to the form, and the conversation now has its customer.
		this.wait.until(ExpectedConditions.textToBe(By.id("link-result"), "Linked to Lena."));
		this.wait.until(ExpectedConditions.textToBe(By.id("conversation-title"), "Lena"));
		this.owner.findElement(By.cssSelector("#customer-link a")).click();
		this.wait.until(ExpectedConditions.textToBe(By.id("customer-title"), "Lena"));
		this.wait.until(ExpectedConditions
			.presenceOfElementLocated(By.cssSelector("#customer-story li[data-id='" + conversation + "']")));
		visitor.send(Map.of("type", "close", "conversationId", conversation));
		visitor.next("status_ok");
	}

	/** Facts about the layout: anything wider than the viewport, and the reply box. */
	static final String LAYOUT = """
			var width = document.documentElement.clientWidth;
			var wide = Array.from(document.querySelectorAll('#shell *')).filter(function (el) {
				var r = el.getBoundingClientRect();
				return r.width > 0 && r.right > width + 1 && !el.closest('.scroll, .inbox-list');
			}).slice(0, 5).map(function (el) { return el.tagName + '#' + el.id + '.' + el.className; });
			var box = function (id) {
				var el = document.getElementById(id);
				if (!el || !el.offsetParent) { return null; }
				var r = el.getBoundingClientRect();
				return [Math.round(r.left), Math.round(r.top), Math.round(r.right), Math.round(r.bottom)];
			};
			return { width: width, height: window.innerHeight, scrollWidth: document.documentElement.scrollWidth,
				viewOverflow: (function (v) { return v.offsetParent ? v.scrollWidth - v.clientWidth : 0; })(document.getElementById('view')),
				wide: wide, inbox: box('inbox'), view: box('view'), reply: box('reply'), transcript: box('transcript-scroll') };
			""";

	@Test
	void onAPhoneAndOnALaptopEveryStepFitsTheScreen() throws Exception {
		signIn();
		LiveTestClient visitor = visitorOnTheOtherNode();
		ApiClient api = ownerApi();
		String customer = api
			.post("/api/v1/customers", ApiClient.json(Map.of("name", "Ida Phone", "email", "ida.phone@example.com")))
			.text("/id");
		for (int[] size : new int[][] { { 390, 844 }, { 1280, 800 } }) {
			int width = size[0];
			boolean phone = width < 640;
			this.owner.executeCdpCommand("Emulation.setDeviceMetricsOverride",
					Map.of("width", width, "height", size[1], "deviceScaleFactor", 1, "mobile", phone));
			String conversation = visitor.startConversation();
			visitor.sendAndAck(conversation, "q" + width, "Can you engrave a ring in " + width + " px letters?");
			this.owner.get(PORCHLIGHT + "/app/#/inbox");
			String item = "#inbox-list li[data-id='" + conversation + "']";
			this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(item)));
			Map<String, Object> inbox = layout(width, "inbox");
			if (phone) {
				assertThat(box(inbox, "inbox")).as("the inbox fills a phone")
					.containsExactly(0L, box(inbox, "inbox").get(1), (long) width, box(inbox, "inbox").get(3));
				assertThat(inbox.get("view")).as("one column").isNull();
			}

			this.owner.findElement(By.cssSelector(item + " a")).click();
			this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("transcript"), "engrave"));
			WebElement reply = this.owner.findElement(By.id("reply"));
			reply.sendKeys("Yes, up to 20 letters." + Keys.ENTER);
			this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("transcript"), "20 letters"));
			Map<String, Object> open = layout(width, "conversation");
			List<Long> replyBox = box(open, "reply");
			assertThat(replyBox).as("the reply box is on screen").isNotNull();
			assertThat(replyBox.get(1)).isGreaterThanOrEqualTo(0L);
			assertThat(replyBox.get(3)).isLessThanOrEqualTo((long) size[1]);
			assertThat(box(open, "transcript").get(2) - box(open, "transcript").get(0))
				.as("the transcript has room to read")
				.isGreaterThanOrEqualTo(phone ? width - 40L : 500L);
			if (phone) {
				assertThat(open.get("inbox")).as("one column").isNull();
				this.owner.findElement(By.id("back")).click();
				this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("inbox")));
			}

			this.owner.get(PORCHLIGHT + "/app/#/customers/" + customer);
			this.wait.until(ExpectedConditions.textToBe(By.id("customer-title"), "Ida Phone"));
			layout(width, "customer");
			this.owner.get(PORCHLIGHT + "/app/#/search?q=engrave");
			this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("result-count")));
			layout(width, "search");
			this.owner.get(PORCHLIGHT + "/app/#/settings");
			this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("staff-list")));
			layout(width, "settings");
			// A change saved answers by its own button, at both sizes.
			this.owner.findElement(By.cssSelector("#sites form.site button[type=submit]")).click();
			this.wait.until(ExpectedConditions
				.textToBePresentInElementLocated(By.cssSelector("#sites form.site .answer.ok"), "Saved."));
			visitor.send(Map.of("type", "close", "conversationId", conversation));
			visitor.next("status_ok");
		}
	}

	/**
	 * Asserts the page fits its width and has no accessibility violation (of any impact),
	 * and keeps a screenshot under target/screenshots for review.
	 */
	@SuppressWarnings("unchecked")
	private Map<String, Object> layout(int width, String step) throws java.io.IOException {
		java.nio.file.Path screenshots = java.nio.file.Path.of("target", "screenshots");
		java.nio.file.Files.createDirectories(screenshots);
		java.nio.file.Files.write(screenshots.resolve("dashboard-" + width + "-" + step + ".png"),
				this.owner.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
		Map<String, Object> facts = (Map<String, Object>) this.owner.executeScript(LAYOUT);
		assertThat(((Number) facts.get("scrollWidth")).longValue()).as("%s at %d px: %s", step, width, facts)
			.isLessThanOrEqualTo(((Number) facts.get("width")).longValue());
		assertThat(((Number) facts.get("viewOverflow")).longValue()).as("%s at %d px: %s", step, width, facts)
			.isLessThanOrEqualTo(0L);
		assertThat((List<String>) facts.get("wide")).as("%s at %d px: wider than the screen", step, width).isEmpty();
		assertThat(Axe.violations(this.owner)).as("%s at %d px", step, width).isEmpty();
		return facts;
	}

	@SuppressWarnings("unchecked")
	private static List<Long> box(Map<String, Object> facts, String name) {
		List<Object> box = (List<Object>) facts.get(name);
		return (box != null) ? box.stream().map((n) -> ((Number) n).longValue()).toList() : null;
	}

	@Test
	void everyViewHasNoAccessibilityViolations() {
		signIn();
		LiveTestClient visitor = visitorOnTheOtherNode();
		String conversation = visitor.startConversation();
		visitor.sendAndAck(conversation, "a11y", "Do you ship to Norway?");
		ApiClient api = ownerApi();
		String customer = api
			.post("/api/v1/customers", ApiClient.json(Map.of("name", "Ada", "email", "ada@example.com")))
			.text("/id");

		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("inbox-list"), "Norway"));
		assertThat(Axe.violations(this.owner)).as("inbox").isEmpty();
		this.owner.get(PORCHLIGHT + "/app/#/c/" + conversation);
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("transcript"), "Norway"));
		assertThat(Axe.violations(this.owner)).as("conversation").isEmpty();
		// A reply too long for the server is kept in the box with a clear message.
		WebElement reply = this.owner.findElement(By.id("reply"));
		this.owner.executeScript("arguments[0].value = 'x'.repeat(3990)", reply);
		reply.sendKeys("xxxxx");
		this.wait.until(ExpectedConditions.textToBe(By.id("reply-count"), "Characters left: 5"));
		this.owner.executeScript("arguments[0].value = 'x'.repeat(4000)", reply);
		reply.sendKeys("x");
		this.wait.until(ExpectedConditions.textToBe(By.id("reply-count"), "Characters over the limit: 1"));
		reply.sendKeys(Keys.ENTER);
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("reply-error"), "at most 4000"));
		assertThat(reply.getAttribute("value")).hasSize(4001);
		this.owner.get(PORCHLIGHT + "/app/#/customers/" + customer);
		this.wait.until(ExpectedConditions.textToBe(By.id("customer-title"), "Ada"));
		assertThat(Axe.violations(this.owner)).as("customer").isEmpty();
		this.owner.get(PORCHLIGHT + "/app/#/search?q=Norway");
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("result-count")));
		assertThat(Axe.violations(this.owner)).as("search").isEmpty();
		this.owner.get(PORCHLIGHT + "/app/#/settings");
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("staff-list")));
		assertThat(Axe.violations(this.owner)).as("settings").isEmpty();
	}

	private void assertNothingRan() {
		assertThat(this.owner.executeScript("return window.__xss === undefined")).isEqualTo(true);
		assertThat(this.owner.executeScript("return document.querySelectorAll('#view script, #view img, #view svg,"
				+ " #view iframe, #view style, #inbox-list img, #inbox-list script').length"))
			.isEqualTo(0L);
		assertThatExceptionOfType(NoAlertPresentException.class).isThrownBy(() -> this.owner.switchTo().alert());
	}

	private void signIn() {
		this.owner.get(PORCHLIGHT + "/app/");
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
		this.owner.findElement(By.id("email")).sendKeys("owner@shop.example");
		this.owner.findElement(By.id("password")).sendKeys("owner password 123" + Keys.ENTER);
		this.wait.until(ExpectedConditions.textToBe(By.id("connection"), "Live"));
	}

	private String visitorToken;

	private LiveTestClient visitorOnTheOtherNode() {
		String siteKey = demoSite(ownerApi()).path("siteKey").asString();
		String token = ApiClient.visitorToken(this.otherNode, PORCHLIGHT, siteKey);
		this.visitorToken = token;
		LiveTestClient visitor = LiveTestClient.visitor(this.otherNode, PORCHLIGHT, token);
		this.clients.add(visitor);
		return visitor;
	}

	private JsonNode demoSite(ApiClient api) {
		for (JsonNode site : api.get("/api/v1/sites").json()) {
			if (site.path("name").asString().equals("Demo store")) {
				return site;
			}
		}
		throw new IllegalStateException("no demo site");
	}

	private ApiClient ownerApi() {
		ApiClient api = new ApiClient(this.otherNode);
		api.signIn("owner@shop.example", "owner password 123");
		return api;
	}

	private ConfigurableApplicationContext startNode() {
		return TestNodes.start(this.postgres, this.redis, "--server.port=" + PORT,
				"--porchlight.public-url=" + PORCHLIGHT, "--porchlight.owner.email=owner@shop.example",
				"--porchlight.owner.password=owner password 123", "--porchlight.archive.interval=100ms");
	}

}
