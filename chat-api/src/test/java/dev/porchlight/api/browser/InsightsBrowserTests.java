package dev.porchlight.api.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.TestNodes;
import dev.porchlight.api.live.LiveTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's Insights page (docs/insights.md) in real headless Chromium, over a
 * small corpus written through the public protocol: four visitors ask about engraving
 * (new in the period, so rising), two of them about gift wrapping, one leaves an email,
 * the owner answers one. The page lists the terms with their counts, opens a term's
 * conversations in the search, hides and restores a term, offers every figure as CSV,
 * draws its charts with accessible names, and fits a phone and a laptop without
 * accessibility violations.
 * <p>
 * One node on a fixed port (the address the browser and the staff socket's origin check
 * name), counting insights every second.
 */
@PorchlightTest(properties = { "porchlight.owner.name=Olga", "porchlight.archive.interval=100ms",
		"porchlight.insights.interval=1s", "porchlight.insights.fresh=0s", "porchlight.insights.settle=0s" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InsightsBrowserTests {

	static final int PORT = TestNodes.freePort();

	static final String PORCHLIGHT = "http://localhost:" + PORT;

	static final String SITE_NAME = "Engravers";

	/** How long counting the corpus may take on a busy machine. */
	static final Duration COUNTED = Duration.ofSeconds(90);

	/**
	 * Whether the page is as wide as the screen: what sticks out, besides scroll boxes.
	 */
	static final String LAYOUT = """
			var width = document.documentElement.clientWidth;
			var wide = Array.from(document.querySelectorAll('#shell *')).filter(function (el) {
				var r = el.getBoundingClientRect();
				return r.width > 0 && r.right > width + 1 && !el.closest('.table-scroll, .inbox-list, .visually-hidden');
			}).slice(0, 5).map(function (el) { return el.tagName + '#' + el.id + '.' + el.className; });
			var view = document.getElementById('view');
			return { width: width, scrollWidth: document.documentElement.scrollWidth,
				viewOverflow: view.scrollWidth - view.clientWidth, wide: wide };
			""";

	/** Downloads what a link points to, from the page (with its cookies). */
	static final String DOWNLOAD = """
			var done = arguments[arguments.length - 1];
			fetch(document.querySelector(arguments[0]).href).then(function (response) {
				return response.text().then(function (body) {
					done({ status: response.status, type: response.headers.get('content-type'), body: body });
				});
			}, function (error) { done({ error: String(error) }); });
			""";

	@DynamicPropertySource
	static void node(DynamicPropertyRegistry registry) {
		// Dynamic properties win over @SpringBootTest's random port.
		registry.add("server.port", () -> PORT);
		registry.add("porchlight.public-url", () -> PORCHLIGHT);
	}

	@LocalServerPort
	int port;

	final List<LiveTestClient> clients = new ArrayList<>();

	final List<String> engraving = new ArrayList<>();

	String site;

	String quietSite;

	ChromeDriver browser;

	WebDriverWait wait;

	@BeforeAll
	void customersAskForEngraving() {
		ApiClient owner = ownerApi();
		this.site = owner
			.post("/api/v1/sites",
					ApiClient.json(Map.of("name", SITE_NAME, "allowedOrigins", List.of("https://shop.example"),
							"searchLanguage", "english")))
			.text("/id");
		this.quietSite = owner.post("/api/v1/sites", ApiClient.json(Map.of("name", "Quiet shop"))).text("/id");
		String siteKey = owner.get("/api/v1/sites/" + this.site).text("/siteKey");
		LiveTestClient staff = LiveTestClient.staff(this.port, PORCHLIGHT,
				owner.cookie("PORCHLIGHT_SESSION").orElseThrow());
		this.clients.add(staff);
		staff.next("welcome");
		String[][] visitors = { { "Do you offer engraving on rings?", "And gift wrapping for a present?" },
				{ "Is engraving possible on the silver bracelet?", "I would like gift wrapping too." },
				{ "How much does engraving cost?", null }, { "Engraving of two names, please.", null } };
		for (int i = 0; i < visitors.length; i++) {
			String token = ApiClient.visitorToken(this.port, PORCHLIGHT, siteKey);
			if (i == 0) {
				new ApiClient(this.port).header("Authorization", "Bearer " + token)
					.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "ines@example.com")));
			}
			LiveTestClient visitor = LiveTestClient.visitor(this.port, PORCHLIGHT, token);
			this.clients.add(visitor);
			visitor.next("welcome");
			Map<String, Object> context = (i < 2)
					? Map.of("url", "https://shop.example/rings?colour=gold", "title", "Rings", "referrer",
							"https://search.example/?q=rings")
					: Map.of("url", "https://shop.example/bracelets", "title", "Bracelets");
			visitor.send(Map.of("type", "start", "ref", "s" + i, "context", context));
			String conversation = visitor.next("started").path("conversation").path("id").asString();
			this.engraving.add(conversation);
			visitor.sendAndAck(conversation, "a" + i, visitors[i][0]);
			if (visitors[i][1] != null) {
				visitor.sendAndAck(conversation, "b" + i, visitors[i][1]);
			}
			if (i == 0) {
				staff.say(this.engraving.get(0), "reply", "Yes, we engrave in our workshop within two days.");
			}
			visitor.send(Map.of("type", "close", "conversationId", conversation));
			visitor.next("status_ok");
		}
		await("the corpus counted").atMost(COUNTED).pollInterval(Duration.ofMillis(500)).until(() -> {
			JsonNode asks = owner.get("/api/v1/insights/asks?site=" + this.site + "&days=30").json();
			JsonNode people = owner.get("/api/v1/insights/people?site=" + this.site + "&days=30").json();
			return asks.path("period").path("waiting").asLong() == 0 && term(asks.path("top"), "engraving") != null
					&& term(asks.path("top"), "engraving").path("conversations").asInt() == 4
					&& term(asks.path("top"), "gift wrapping") != null
					&& people.path("people").path("conversations").asInt() == 4;
		});
	}

	@AfterAll
	void closeClients() {
		this.clients.forEach(LiveTestClient::close);
	}

	@BeforeEach
	void openBrowser() {
		this.browser = Chromium.start();
		this.wait = new WebDriverWait(this.browser, Chromium.BUSY_MACHINE_WAIT);
		this.wait.ignoring(StaleElementReferenceException.class);
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	void theOwnerSeesWhatCustomersAskForAndOpensTheConversationsBehindIt() {
		signIn();
		this.browser.findElement(By.cssSelector("a[data-route=insights]")).click();
		new Select(this.wait.until(ExpectedConditions.elementToBeClickable(By.id("insights-site"))))
			.selectByVisibleText(SITE_NAME);
		this.wait.until((driver) -> driver.getCurrentUrl().contains("site=" + this.site));
		assertThat(new Select(this.browser.findElement(By.id("insights-days"))).getFirstSelectedOption().getText())
			.isEqualTo("Last 30 days");

		// Listed with its counts, and highlighted as rising (new, in 4 conversations).
		WebElement top = this.wait
			.until(ExpectedConditions.presenceOfElementLocated(By.xpath(termPath("terms-top", "engraving"))));
		assertThat(top.findElement(By.cssSelector(".meta")).getText())
			.isEqualTo("4 conversations, up from 0 · 4 people");
		WebElement rising = this.browser.findElement(By.xpath(termPath("terms-rising", "engraving")));
		assertThat(rising.getAttribute("class")).contains("rising");
		assertThat(rising.findElement(By.cssSelector(".badge")).getText()).isEqualTo("rising");
		assertThat(this.browser.findElement(By.xpath(termPath("terms-top", "gift wrapping"))).getText())
			.contains("2 conversations, up from 0 · 2 people");

		// Who the customers are: the page they started on, the referrer, the email's
		// owner.
		assertThat(this.browser.findElement(By.id("pages")).getText()).contains("https://shop.example/rings")
			.doesNotContain("colour=gold");
		assertThat(this.browser.findElement(By.id("referrers")).getText()).contains("search.example")
			.contains("direct or unknown");
		assertThat(this.browser.findElement(By.id("answer-facts")).getText()).contains("1 of 4 answered");
		assertThat(this.browser.findElement(By.id("staff-table")).getText()).contains("Olga");

		// The term opens the search for it on the site, in the period.
		top.findElement(By.cssSelector("a.term-label")).click();
		this.wait.until(ExpectedConditions.presenceOfElementLocated(
				By.cssSelector("#conversation-results a[href^='#/c/" + this.engraving.get(2) + "']")));
		assertThat(this.browser.findElement(By.id("search-query")).getAttribute("value")).isEqualTo("engraving");
		assertThat(new Select(this.browser.findElement(By.id("search-site"))).getFirstSelectedOption().getText())
			.isEqualTo(SITE_NAME);
		assertThat(this.browser.findElements(By.cssSelector("#conversation-results a[href^='#/c/']")))
			.extracting((link) -> link.getAttribute("href").replaceAll(".*#/c/([^?]+).*", "$1"))
			.containsAll(this.engraving);
		assertThat(this.browser.manage().logs().get(LogType.BROWSER).getAll())
			.noneMatch((entry) -> entry.getMessage().contains("Content Security Policy"));
	}

	@Test
	void staffHideOrMergeATermAndRestoreIt() {
		signIn();
		this.browser.get(PORCHLIGHT + "/app/#/insights?site=" + this.site + "&days=30");
		WebElement gift = this.wait
			.until(ExpectedConditions.presenceOfElementLocated(By.xpath(termPath("terms-top", "gift wrapping"))));
		String key = gift.getAttribute("data-key");
		WebElement hide = gift.findElement(By.cssSelector("button.hide-term"));
		assertThat(hide.getAccessibleName()).isEqualTo("Hide gift wrapping");
		hide.click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#insights-rules li"),
				"gift wrapping: hidden"));
		assertThat(this.browser.findElement(By.cssSelector("#insights-rules button")).getAccessibleName())
			.isEqualTo("Restore gift wrapping");
		assertThat(this.browser.findElements(By.xpath(termPath("terms-top", "gift wrapping")))).isEmpty();
		assertThat(this.browser.findElements(By.xpath(termPath("terms-top", "engraving")))).hasSize(1);
		assertThat(ownerApi().get("/api/v1/insights/rules?site=" + this.site).json().get(0).path("key").asString())
			.isEqualTo(key);

		this.browser.findElement(By.cssSelector("#insights-rules button")).click();
		this.wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath(termPath("terms-top", "gift wrapping"))));
		this.wait.until(ExpectedConditions.textToBe(By.id("insights-rules"), "No term is hidden or merged."));
		assertThat(ownerApi().get("/api/v1/insights/rules?site=" + this.site).json().size()).isZero();

		// Merged into engraving: counted there (a conversation with both once), then
		// restored.
		this.wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath(termPath("terms-top", "gift wrapping"))))
			.findElement(By.cssSelector("button.merge-term"))
			.click();
		WebElement form = this.wait.until(ExpectedConditions
			.visibilityOfElementLocated(By.xpath(termPath("terms-top", "gift wrapping") + "//form")));
		new Select(form.findElement(By.tagName("select"))).selectByVisibleText("engraving");
		form.findElement(By.cssSelector("button[type=submit]")).click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#insights-rules li"),
				"gift wrapping: counted as engraving"));
		WebElement engraving = this.browser.findElement(By.xpath(termPath("terms-top", "engraving")));
		assertThat(engraving.getText()).contains("4 conversations, up from 0 · 4 people")
			.contains("also counts: gift wrapping");
		assertThat(this.browser.findElements(By.xpath(termPath("terms-top", "gift wrapping")))).isEmpty();
		this.browser.findElement(By.cssSelector("#insights-rules button")).click();
		this.wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath(termPath("terms-top", "gift wrapping"))));
	}

	@Test
	@SuppressWarnings("unchecked")
	void everyFigureHasItsCsv() {
		signIn();
		this.browser.get(PORCHLIGHT + "/app/#/insights?site=" + this.site + "&days=7");
		this.wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath(termPath("terms-top", "engraving"))));
		List<String> figures = this.browser.findElements(By.cssSelector("a.csv"))
			.stream()
			.map((link) -> link.getAttribute("data-figure"))
			.toList();
		assertThat(figures).containsExactlyInAnyOrder("terms", "rising", "fading", "people", "people", "days",
				"arrivals", "pages", "referrers", "stories", "answers", "hours", "staff");
		assertThat(this.browser.findElement(By.cssSelector("a.csv[data-figure=terms]")).getAccessibleName())
			.isEqualTo("CSV Top");
		Map<String, Object> csv = (Map<String, Object>) this.browser.executeAsyncScript(DOWNLOAD,
				"a.csv[data-figure=terms]");
		assertThat(csv).containsEntry("status", 200L);
		assertThat((String) csv.get("type")).startsWith("text/csv");
		assertThat((String) csv.get("body")).startsWith("term,key,conversations,people")
			.contains("\"engraving\",\"engrav\",4,4,0,0,true,");
		assertThat(this.browser.findElement(By.cssSelector("a.csv[data-figure=terms]")).getAttribute("href"))
			.endsWith("/api/v1/insights/export?site=" + this.site + "&days=7&figure=terms");
	}

	@Test
	void theChartsArePicturesWithTheirNumbersForScreenReaders() {
		signIn();
		this.browser.get(PORCHLIGHT + "/app/#/insights?site=" + this.site + "&days=30");
		this.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#arrivals-chart svg")));
		WebElement heat = this.browser.findElement(By.cssSelector("#arrivals-chart svg[role=img]"));
		assertThat(heat.getAttribute("aria-label"))
			.matches("When they arrive \\(weekday × hour\\): busiest on \\S+ at \\d\\d:00 \\([1-4] conversations\\)");
		assertThat(heat.findElement(By.tagName("title")).getAttribute("textContent"))
			.isEqualTo(heat.getAttribute("aria-label"));
		// Four conversations started within a minute or two: one hour, or two.
		assertThat(heat.findElements(By.cssSelector("rect"))).hasSize(7 * 24);
		assertThat(heat.findElements(By.cssSelector("rect.cell:not(.none)"))).hasSizeBetween(1, 2);
		WebElement days = this.browser.findElement(By.cssSelector("#days-chart svg[role=img]"));
		assertThat(days.getAttribute("aria-label")).startsWith("4 conversations from ");
		assertThat(this.browser.findElement(By.cssSelector("#hours-chart svg[role=img]")).getAttribute("aria-label"))
			.startsWith("By the hour they started: most start at ")
			.endsWith("still wait for a reply");
		assertThat(this.browser.findElements(By.cssSelector("#hours-chart rect.bar"))).hasSize(24);
		// The numbers behind the pictures, as tables a screen reader can walk.
		assertThat(this.browser.findElements(By.cssSelector(".visually-hidden > table"))).hasSize(3);
		assertThat(this.browser.findElements(By.cssSelector("#days-chart + p + .visually-hidden tbody tr")))
			.hasSize(30);
	}

	@Test
	void onAPhoneAndOnALaptopThePageFitsAndHasNoAccessibilityViolations() throws IOException {
		signIn();
		for (int[] size : new int[][] { { 375, 812 }, { 1280, 900 } }) {
			int width = size[0];
			this.browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
					Map.of("width", width, "height", size[1], "deviceScaleFactor", 1, "mobile", width < 640));
			this.browser.get(PORCHLIGHT + "/app/#/insights?site=" + this.site + "&days=30");
			this.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#staff-table")));
			this.wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath(termPath("terms-top", "engraving"))));
			layout(width, "insights");
			// The full page too, for review.
			Path screenshots = Path.of("target", "screenshots");
			long height = (Long) this.browser.executeScript("return document.getElementById('view').scrollHeight");
			this.browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height",
					Math.min(height + 120, 6000), "deviceScaleFactor", 1, "mobile", width < 640));
			Files.write(screenshots.resolve("insights-" + width + "-full.png"),
					this.browser.getScreenshotAs(OutputType.BYTES));
		}
	}

	@Test
	void aPeriodWithoutConversationsSaysSo() throws IOException {
		signIn();
		this.browser.get(PORCHLIGHT + "/app/#/insights?site=" + this.quietSite + "&days=7");
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("insights-empty"),
				"No conversations on Quiet shop in this period"));
		assertThat(this.browser.findElements(By.id("terms-top"))).isEmpty();
		layout(1280, "insights-empty");
	}

	@SuppressWarnings("unchecked")
	private void layout(int width, String step) throws IOException {
		Path screenshots = Path.of("target", "screenshots");
		Files.createDirectories(screenshots);
		Files.write(screenshots.resolve(step + "-" + width + ".png"), this.browser.getScreenshotAs(OutputType.BYTES));
		Map<String, Object> facts = (Map<String, Object>) this.browser.executeScript(LAYOUT);
		assertThat(((Number) facts.get("scrollWidth")).longValue()).as("%s at %d px: %s", step, width, facts)
			.isLessThanOrEqualTo(((Number) facts.get("width")).longValue());
		assertThat(((Number) facts.get("viewOverflow")).longValue()).as("%s at %d px: %s", step, width, facts)
			.isLessThanOrEqualTo(0L);
		assertThat((List<String>) facts.get("wide")).as("%s at %d px: wider than the screen", step, width).isEmpty();
		assertThat(Axe.violations(this.browser)).as("%s at %d px", step, width).isEmpty();
	}

	private static String termPath(String list, String label) {
		return "//ol[@id='" + list + "']/li[a[@class='term-label' and text()='" + label + "']]";
	}

	private static JsonNode term(JsonNode terms, String label) {
		for (JsonNode term : terms) {
			if (term.path("label").asString().equals(label)) {
				return term;
			}
		}
		return null;
	}

	private void signIn() {
		this.browser.get(PORCHLIGHT + "/app/");
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
		this.browser.findElement(By.id("email")).sendKeys("owner@shop.example");
		this.browser.findElement(By.id("password")).sendKeys("owner password 123" + Keys.ENTER);
		this.wait.until(ExpectedConditions.textToBe(By.id("connection"), "Live"));
	}

	private ApiClient ownerApi() {
		ApiClient api = new ApiClient(this.port);
		api.signIn("owner@shop.example", "owner password 123");
		return api;
	}

}
