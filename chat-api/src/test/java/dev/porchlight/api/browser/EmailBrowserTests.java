package dev.porchlight.api.browser;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.email.Mails;
import dev.porchlight.api.TestNodes;
import dev.porchlight.api.browser.Widget.Shown;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.BusinessHours;
import dev.porchlight.domain.site.IdentityMode;
import dev.porchlight.domain.site.PreChatForm;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.site.WidgetSettings;
import dev.porchlight.persistence.embedded.EmbeddedMailServer;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Email continuity in real headless Chromium, against a real SMTP and IMAP server
 * (GreenMail, on loopback): a visitor leaves their email in the widget, writes and closes
 * the page; the owner answers in the dashboard, which shows the reply emailed; the
 * visitor's answer by email appears live in the dashboard, marked as such, and in the
 * widget when the visitor follows the email's link back to the shop.
 * <p>
 * One node, on a fixed port (the address the browsers, the widget frame's policy and the
 * emails' links name), with the shop's page on another origin ({@link HostPages}).
 */
@PorchlightTest(properties = { "porchlight.owner.name=Olga", "porchlight.archive.interval=100ms",
		"porchlight.email.offline-delay=1s", "porchlight.email.interval=200ms",
		"porchlight.email.address=shop@shop.example", "porchlight.email.imap.ssl=false",
		"porchlight.email.imap.username=shop@shop.example", "porchlight.email.imap.password=mailbox secret",
		"porchlight.email.imap.interval=1s", "spring.mail.properties.mail.smtp.connectiontimeout=5000",
		"spring.mail.properties.mail.smtp.timeout=5000" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext
class EmailBrowserTests {

	static final int PORT = TestNodes.freePort();

	static final String PORCHLIGHT = "http://localhost:" + PORT;

	/**
	 * How long mail may take on a busy machine: an archive pass, the offline delay, a
	 * send, an IMAP poll, and the dashboard's 5 s checks in between.
	 */
	static final Duration MAIL_WAIT = Chromium.BUSY_MACHINE_WAIT.multipliedBy(2);

	static final String QUESTION = "Could you engrave my initials on the silver pendant?";

	static final String REPLY = "Of course! Which letters, and in which font?";

	static final String ANSWER = "V. K. please, in italics.";

	static EmbeddedMailServer mail = EmbeddedMailServer.start("shop@shop.example", "mailbox secret");

	@DynamicPropertySource
	static void nodeAndMailServer(DynamicPropertyRegistry registry) {
		// Dynamic properties win over @SpringBootTest's random port.
		registry.add("server.port", () -> PORT);
		registry.add("porchlight.public-url", () -> PORCHLIGHT);
		registry.add("spring.mail.host", () -> "127.0.0.1");
		registry.add("spring.mail.port", () -> mail.smtpPort());
		registry.add("porchlight.email.imap.host", () -> "127.0.0.1");
		registry.add("porchlight.email.imap.port", () -> mail.imapPort());
	}

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	HostPages host;

	ChromeDriver owner;

	ChromeDriver visitorBrowser;

	WebDriverWait wait;

	@BeforeAll
	void startTheShop() {
		assertThat(this.port).as("the node listens where the browsers go").isEqualTo(PORT);
		this.host = new HostPages(PORCHLIGHT);
	}

	@AfterAll
	void stopTheShopAndTheMailServer() {
		if (this.host != null) {
			this.host.close();
		}
		mail.close();
	}

	@BeforeEach
	void openTheOwnersBrowser() {
		this.owner = Chromium.start();
		this.wait = new WebDriverWait(this.owner, Chromium.BUSY_MACHINE_WAIT);
		this.wait.ignoring(StaleElementReferenceException.class);
	}

	@AfterEach
	void closeBrowsers() {
		if (this.owner != null) {
			this.owner.quit();
		}
		if (this.visitorBrowser != null) {
			this.visitorBrowser.quit();
			this.visitorBrowser = null;
		}
	}

	@Test
	void aReplyToAVisitorWhoLeftGoesByEmailAndTheirAnswerComesBackToTheDashboardAndTheWidget() throws Exception {
		Site site = site();
		String address = "vera." + System.nanoTime() + "@example.com";
		String page = this.host.install(site.key().value(), "").origin() + "/";

		// The visitor leaves their email in the pre-chat form and writes.
		this.visitorBrowser = Chromium.start();
		Widget widget = new Widget(this.visitorBrowser);
		this.visitorBrowser.get(page);
		widget.open();
		widget.fill("prechat-email", address);
		widget.fill("prechat-name", "Vera");
		widget.submit("prechat");
		widget.awaitVisible("input");
		widget.awaitText("email-note", "Replies will also reach you by email.");
		widget.send(QUESTION);
		widget.awaitMessages((shown) -> shown.size() == 1 && shown.get(0).state().equals("sent"), "the message sent");

		// They can have the conversation by email, to the address they left (masked).
		widget.click("email-me");
		widget.awaitText("email-me-result", "Sent to v•••@example.com.");
		MimeMessage transcript = emailTo(address, QUESTION);
		assertThat(transcript.getSubject()).isEqualTo("Your conversation with Ankh & Co");

		// The owner opens the conversation.
		signIn();
		String conversation = this.wait
			.until((driver) -> (String) this.owner.executeScript(DashboardBrowserTests.FIND_ITEM, "engrave"));
		this.owner.findElement(By.cssSelector("#inbox-list li[data-id='" + conversation + "'] a")).click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("transcript"), "engrave"));

		// The visitor closes the page (in a new tab of the same browser: what this site
		// stored there stays, what the closed tab kept for itself does not).
		String shopTab = this.visitorBrowser.getWindowHandle();
		String newTab = this.visitorBrowser.switchTo().newWindow(WindowType.TAB).getWindowHandle();
		this.visitorBrowser.switchTo().window(shopTab).close();
		this.visitorBrowser.switchTo().window(newTab);

		// The owner replies; the visitor is gone, so the reply goes by email, and the
		// dashboard says so beside it.
		this.owner.findElement(By.id("reply")).sendKeys(REPLY + Keys.ENTER);
		new WebDriverWait(this.owner, MAIL_WAIT).ignoring(StaleElementReferenceException.class)
			.withMessage(() -> "the reply shown as emailed; emails: " + Arrays.toString(mail.receivedMessages()))
			.until(ExpectedConditions
				.textToBePresentInElementLocated(By.cssSelector("#transcript .from-staff .email-status"), "✉ emailed"));
		MimeMessage email = emailTo(address, REPLY);
		String text = Mails.text(email);
		assertThat(text).contains(REPLY).contains(QUESTION).contains(page + "#porchlight-chat");
		assertThat(email.getSubject()).isEqualTo("Ankh & Co replied to you");

		// The visitor answers the email: it appears live in the open dashboard, marked.
		Mails.answer(mail, address, email.getReplyTo()[0].toString(), "Re: " + email.getSubject(), email.getMessageID(),
				ANSWER + "\n\nOn Tue, 1 Dec 2026 at 10:00, Ankh & Co <shop@shop.example> wrote:\n> " + REPLY + "\n");
		String marked = new WebDriverWait(this.owner, MAIL_WAIT).ignoring(StaleElementReferenceException.class)
			.withMessage("the answer by email in the dashboard")
			.until((driver) -> (String) this.owner.executeScript("""
					var wanted = arguments[0];
					var li = Array.from(document.querySelectorAll('#transcript .from-visitor'))
						.find(function (item) { return item.querySelector('.body').textContent === wanted; });
					var via = li && li.querySelector('.via-email');
					return via ? via.textContent : null;
					""", ANSWER));
		assertThat(marked).isEqualTo("by email");
		assertThat(this.owner.findElements(By.cssSelector("#transcript .from-visitor .via-email")))
			.as("only the answer came by email")
			.hasSize(1);

		// The email's link brings the visitor back with the chat open (without it, this
		// new tab shows the chat closed), the answer in it.
		this.visitorBrowser.get(this.host.origin() + "/page-2");
		widget.launcher();
		assertThat(widget.isOpen()).as("the chat on a page without #porchlight-chat").isFalse();
		this.visitorBrowser.get(page + "#porchlight-chat");
		widget.awaitOpen();
		List<Shown> shown = widget.awaitMessages(
				(list) -> list.stream().anyMatch((m) -> m.from().equals("visitor") && m.body().equals(ANSWER)),
				"the answer by email in the widget");
		assertThat(shown).extracting(Shown::body).containsExactly(QUESTION, REPLY, ANSWER);
		assertThat(this.owner.manage().logs().get(LogType.BROWSER).getAll())
			.noneMatch((entry) -> entry.getMessage().contains("Content Security Policy"));
	}

	@Test
	void theOwnerSeesHowMailIsSentSendsATestAndSetsASitesSender() throws Exception {
		Site site = site();
		signIn();
		this.owner.findElement(By.cssSelector("a[data-route=settings]")).click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("email-sending"),
				"Replies to visitors who have left the site are emailed"));
		assertThat(this.owner.findElement(By.id("email-smtp")).getText()).isEqualTo("127.0.0.1:" + mail.smtpPort());
		assertThat(this.owner.findElement(By.id("email-address")).getText()).isEqualTo("shop@shop.example");
		assertThat(this.owner.findElement(By.id("email-delay")).getText()).isEqualTo("1 s");
		assertThat(this.owner.findElement(By.id("email-imap")).getText()).isEqualTo("On: 127.0.0.1:" + mail.imapPort());
		assertThat(this.owner.findElement(By.id("email-webhook")).getText()).isEqualTo("Off");
		assertThat(this.owner.findElements(By.id("email-local"))).as("not the built-in mail server").isEmpty();

		this.owner.findElement(By.id("email-test")).click();
		this.wait.until(ExpectedConditions.textToBe(By.id("email-test-answer"),
				"Test email sent to " + PorchlightTest.OWNER_EMAIL + "."));
		assertThat(emailTo(PorchlightTest.OWNER_EMAIL, "test email from Porchlight").getSubject())
			.isEqualTo("Porchlight test email");

		// A site's sender: a refused address is said by the form, a good one is saved.
		String id = "site-" + site.id().value() + "-";
		this.wait
			.until(ExpectedConditions.textToBe(By.id(id + "email-effective"), "Emails come from shop@shop.example."));
		this.owner.findElement(By.id(id + "from-name")).sendKeys("Ankh Jewellery");
		this.owner.findElement(By.id(id + "email-address")).sendKeys("hello+shop@ankh.example" + Keys.ENTER);
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id(id + "email-answer"),
				"That address cannot be used"));
		this.owner.findElement(By.id(id + "email-address")).clear();
		String own = "hello." + System.nanoTime() + "@ankh.example";
		this.owner.findElement(By.id(id + "email-address")).sendKeys(own + Keys.ENTER);
		this.wait.until(ExpectedConditions.textToBe(By.id(id + "email-answer"), "Saved."));
		assertThat(this.owner.findElement(By.id(id + "email-effective")).getText())
			.isEqualTo("Emails come from " + own + ".");
		assertThat(this.owner.findElement(By.id(id + "from-name")).getAttribute("value")).isEqualTo("Ankh Jewellery");
	}

	private Site site() {
		Site site = Site.create("Ankh & Co", List.of(new AllowedOrigin(this.host.origin())), Instant.now());
		WidgetSettings defaults = site.widget();
		site = site.withSettings(site.name(), site.allowedOrigins(), IdentityMode.OPTIONAL,
				new WidgetSettings("#5b2a86", defaults.position(), "Hello from Ankh & Co!", defaults.awayMessage(),
						PreChatForm.REQUIRED_EMAIL, false, BusinessHours.none()));
		this.sites.add(site);
		return site;
	}

	private void signIn() {
		this.owner.get(PORCHLIGHT + "/app/");
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
		this.owner.findElement(By.id("email")).sendKeys(PorchlightTest.OWNER_EMAIL);
		this.owner.findElement(By.id("password")).sendKeys(PorchlightTest.OWNER_PASSWORD + Keys.ENTER);
		this.wait.until(ExpectedConditions.textToBe(By.id("connection"), "Live"));
	}

	/** The first email to an address whose text contains something. */
	private static MimeMessage emailTo(String address, String contained) {
		return await("an email to " + address + " with '" + contained + "'").atMost(MAIL_WAIT)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> Mails.to(mail, address)
				.stream()
				.filter((message) -> Mails.contains(message, contained))
				.findFirst(), Optional::isPresent)
			.orElseThrow();
	}

}
