package dev.porchlight.api.browser;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.TestNodes;
import dev.porchlight.api.browser.Widget.Shown;
import dev.porchlight.domain.attachment.Attachments;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.BusinessHours;
import dev.porchlight.domain.site.IdentityMode;
import dev.porchlight.domain.site.PreChatForm;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.site.WidgetSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files in a conversation (docs/attachments.md) in real headless Chromium: a visitor
 * pastes a picture into the widget and sends it; the owner sees its thumbnail live in the
 * dashboard, opens it full size in the viewer, and answers with a PDF picked through the
 * paperclip's file input; the visitor gets a download card whose link downloads the PDF.
 * Both pages stay free of accessibility violations with the tray and the viewer open,
 * also on a phone's width, and the previews (blob: addresses) pass both pages'
 * Content-Security-Policy.
 * <p>
 * One node, on a fixed port (the address the browsers and the widget frame's policy
 * name), with the shop's page on another origin ({@link HostPages}).
 */
@PorchlightTest(properties = { "porchlight.owner.name=Olga", "porchlight.archive.interval=100ms",
		"porchlight.attachments.max-per-message=2" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttachmentBrowserTests {

	static final int PORT = TestNodes.freePort();

	static final String PORCHLIGHT = "http://localhost:" + PORT;

	static final String QUESTION = "Something like this, in gold?";

	static final String ANSWER = "Here is our price list for gold.";

	/**
	 * Pastes a file into the widget's message box the way a browser does: a {@code paste}
	 * event whose clipboard holds the file.
	 */
	private static final String PASTE = """
			var bytes = atob(arguments[0]);
			var data = new Uint8Array(bytes.length);
			for (var i = 0; i < bytes.length; i++) {
				data[i] = bytes.charCodeAt(i);
			}
			var clipboard = new DataTransfer();
			clipboard.items.add(new File([data], arguments[1], { type: arguments[2] }));
			var input = document.getElementById('input');
			input.focus();
			return input.dispatchEvent(new ClipboardEvent('paste',
				{ clipboardData: clipboard, bubbles: true, cancelable: true }));
			""";

	/** Pastes as many small text files at once as the argument says. */
	private static final String PASTE_NOTES = """
			var clipboard = new DataTransfer();
			for (var i = 0; i < arguments[0]; i++) {
				clipboard.items.add(new File(['note ' + i], 'note' + i + '.txt', { type: 'text/plain' }));
			}
			var input = document.getElementById('input');
			input.focus();
			return input.dispatchEvent(new ClipboardEvent('paste',
				{ clipboardData: clipboard, bubbles: true, cancelable: true }));
			""";

	/** Whether the picture the selector names has arrived and could be decoded. */
	private static final String LOADED = """
			var img = document.querySelector(arguments[0]);
			return Boolean(img && img.complete && img.naturalWidth > 0);
			""";

	/**
	 * Whether one file is in the tray, uploaded, and the send button (argument) works.
	 */
	private static final String UPLOADED = """
			return document.querySelectorAll('.pl-tray li.pl-done').length === 1
				&& !document.getElementById(arguments[0]).disabled;
			""";

	/** Downloads what a link points to, from the page: status and headers. */
	private static final String DOWNLOAD = """
			var done = arguments[arguments.length - 1];
			fetch(document.querySelector(arguments[0]).href).then(function (response) {
				return response.arrayBuffer().then(function (body) {
					done({ status: response.status, type: response.headers.get('content-type'),
						disposition: response.headers.get('content-disposition'),
						start: new TextDecoder().decode(body.slice(0, 5)) });
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

	@Autowired
	Sites sites;

	@Autowired
	Attachments attachments;

	@TempDir
	Path files;

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
	void stopTheShop() {
		if (this.host != null) {
			this.host.close();
		}
	}

	@BeforeEach
	void openBrowsers() {
		this.owner = Chromium.start();
		this.wait = new WebDriverWait(this.owner, Chromium.BUSY_MACHINE_WAIT);
		// The transcript and the tray are redrawn as things change.
		this.wait.ignoring(StaleElementReferenceException.class);
		this.visitorBrowser = Chromium.start();
	}

	@AfterEach
	void closeBrowsers() {
		if (this.owner != null) {
			this.owner.quit();
		}
		if (this.visitorBrowser != null) {
			this.visitorBrowser.quit();
		}
	}

	@Test
	void aPastedPictureReachesTheOwnerAndTheOwnersPdfDownloadsInTheWidget() throws IOException {
		Site site = site();
		signIn();

		// The visitor pastes a picture into the message box: it uploads into the tray.
		Widget widget = new Widget(this.visitorBrowser);
		this.visitorBrowser.get(this.host.install(site.key().value(), "").origin() + "/");
		widget.open();
		widget.type(QUESTION);
		String picture = Base64.getEncoder().encodeToString(png(240, 160));
		assertThat(widget.inFrameScript(PASTE, picture, "ring sketch.png", "image/png"))
			.as("the paste was taken over (not pasted as text)")
			.isEqualTo(false);
		widget.waiting()
			.withMessage("the picture uploaded")
			.until((driver) -> Boolean.TRUE.equals(widget.inFrameScript(UPLOADED, "send")));
		assertThat(widget.inFrameScript("return document.querySelector('.pl-tray li .pl-name').textContent"))
			.isEqualTo("ring sketch.png");
		assertThat(widget.inFrameScript(LOADED, ".pl-tray img.pl-preview")).as("the preview shows").isEqualTo(true);
		assertThat(violations(widget)).as("the widget with the tray").isEmpty();

		// Sent: the message carries the picture, shown as a thumbnail.
		widget.click("send");
		widget.awaitMessages((shown) -> shown.size() == 1 && shown.get(0).state().equals("sent"), "the message sent");
		widget.waiting()
			.withMessage("the thumbnail in the widget")
			.until((driver) -> Boolean.TRUE
				.equals(widget.inFrameScript(LOADED, "#messages .from-visitor .pl-thumb img")));
		assertThat(widget.inFrameScript("return document.querySelector('.pl-tray').hidden"))
			.as("the tray empties when the message goes")
			.isEqualTo(true);

		// The owner sees the thumbnail live and opens the picture in the viewer.
		String conversation = this.wait
			.until((driver) -> (String) this.owner.executeScript(DashboardBrowserTests.FIND_ITEM, "in gold"));
		this.owner.findElement(By.cssSelector("#inbox-list li[data-id='" + conversation + "'] a")).click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("transcript"), QUESTION));
		this.wait.withMessage("the thumbnail in the dashboard")
			.until((driver) -> Boolean.TRUE
				.equals(this.owner.executeScript(LOADED, "#transcript .from-visitor .pl-thumb img")));
		assertThat(this.owner.findElement(By.cssSelector("#transcript .pl-thumb img")).getAttribute("alt"))
			.isEqualTo("ring sketch.png");
		this.owner.findElement(By.cssSelector("#transcript .pl-thumb")).click();
		this.wait.withMessage("the picture in full in the viewer")
			.until((driver) -> Boolean.TRUE.equals(this.owner.executeScript(LOADED, "dialog.pl-viewer[open] img")));
		assertThat(this.owner.executeScript("return document.querySelector('dialog.pl-viewer img').naturalWidth"))
			.as("the full picture, not the thumbnail")
			.isEqualTo(240L);
		assertThat(this.owner.findElement(By.id("pl-viewer-title")).getText()).isEqualTo("ring sketch.png");
		assertThat(this.owner.findElement(By.cssSelector("dialog.pl-viewer .pl-download")).getAttribute("href"))
			.contains("download=1");
		assertThat(Axe.violations(this.owner)).as("the dashboard with the viewer open").isEmpty();
		this.owner.switchTo().activeElement().sendKeys(Keys.ESCAPE);
		this.wait.until((driver) -> this.owner.findElements(By.cssSelector("dialog.pl-viewer[open]")).isEmpty());
		assertThat(this.owner.switchTo().activeElement().getAttribute("class")).as("the focus back on the thumbnail")
			.isEqualTo("pl-thumb");

		// The owner, on a phone, answers with a PDF picked through the paperclip's input.
		this.owner.manage().window().setSize(new Dimension(375, 812));
		Path priceList = this.files.resolve("price list.pdf");
		Files.write(priceList, pdf());
		this.owner.findElement(By.id("attach-input")).sendKeys(priceList.toAbsolutePath().toString());
		this.wait.withMessage("the PDF uploaded")
			.until((driver) -> Boolean.TRUE.equals(this.owner.executeScript(UPLOADED, "send-reply")));
		assertThat(this.owner.findElement(By.cssSelector(".pl-tray li .pl-name")).getText())
			.isEqualTo("price list.pdf");
		assertThat(this.owner.executeScript("""
				var tray = document.querySelector('.pl-tray').getBoundingClientRect();
				return tray.right <= innerWidth && document.documentElement.scrollWidth <= innerWidth;
				""")).as("the tray fits a phone's width").isEqualTo(true);
		assertThat(Axe.violations(this.owner)).as("the dashboard with the tray, 375 px wide").isEmpty();
		this.owner.findElement(By.id("reply")).sendKeys(ANSWER + Keys.ENTER);
		this.wait.withMessage("the PDF in the transcript")
			.until(ExpectedConditions.textToBePresentInElementLocated(
					By.cssSelector("#transcript .from-staff[data-seq] a.pl-file"), "price list.pdf"));

		// The visitor gets a download card, and its link downloads the PDF.
		List<Shown> shown = widget.awaitMessages((list) -> list.size() == 2, "the answer in the widget");
		assertThat(shown.get(1).body()).isEqualTo(ANSWER);
		String card = "#messages .from-staff a.pl-file";
		widget.waiting()
			.withMessage("the download card")
			.until((driver) -> Boolean.TRUE
				.equals(widget.inFrameScript("return Boolean(document.querySelector(arguments[0]))", card)));
		assertThat(widget.inFrameScript("return document.querySelector(arguments[0]).textContent", card)).asString()
			.startsWith("price list.pdf");
		assertThat(widget.inFrameScript("return document.querySelector(arguments[0]).hasAttribute('download')", card))
			.isEqualTo(true);
		@SuppressWarnings("unchecked")
		Map<String, Object> download = (Map<String, Object>) widget
			.inFrame((driver) -> this.visitorBrowser.executeAsyncScript(DOWNLOAD, card));
		assertThat(download).containsEntry("status", 200L)
			.containsEntry("type", "application/pdf")
			.containsEntry("start", "%PDF-");
		assertThat((String) download.get("disposition")).startsWith("attachment");
		assertThat(violations(widget)).as("the widget with both files").isEmpty();

		// The previews (blob: addresses) and the files passed both pages' policies.
		assertThat(this.visitorBrowser.manage().logs().get(LogType.BROWSER).getAll()).extracting(LogEntry::getMessage)
			.noneMatch((message) -> message.contains("Content Security Policy"));
		assertThat(this.owner.manage().logs().get(LogType.BROWSER).getAll()).extracting(LogEntry::getMessage)
			.noneMatch((message) -> message.contains("Content Security Policy"));

		// The owner lets the site keep pictures as uploaded, from Settings.
		this.owner.manage().window().setSize(new Dimension(1280, 900));
		this.owner.get(PORCHLIGHT + "/app/#/settings");
		String keep = "site-" + site.id() + "-keep-originals";
		this.wait.until(ExpectedConditions.elementToBeClickable(By.id(keep))).click();
		this.owner.findElement(By.cssSelector("#files-settings form[data-id='" + site.id() + "'] button")).click();
		this.wait.until(ExpectedConditions.textToBe(By.id(keep + "-answer"), "Saved."));
		assertThat(this.attachments.keepsOriginals(site.id())).isTrue();
		assertThat(Axe.violations(this.owner)).as("settings with the files section").isEmpty();
	}

	/**
	 * The widget's tray offers as many files as the server takes in one message
	 * ({@code maxAttachments} in {@code welcome}; two here), and says so.
	 */
	@Test
	void theTrayTakesAsManyFilesAsTheServerAllowsInAMessage() {
		Site site = site();
		Widget widget = new Widget(this.visitorBrowser);
		this.visitorBrowser.get(this.host.install(site.key().value(), "").origin() + "/");
		widget.open();
		// Once a message is sent, the socket has been welcomed.
		widget.send("Notes for you");
		widget.awaitMessages((shown) -> shown.size() == 1 && shown.get(0).state().equals("sent"), "the message sent");

		widget.inFrameScript(PASTE_NOTES, 3);

		widget.waiting()
			.withMessage("two files in the tray and the limit told")
			.until((driver) -> Long.valueOf(2)
				.equals(widget.inFrameScript("return document.querySelectorAll('.pl-tray li').length"))
					&& !String
						.valueOf(widget
							.inFrameScript("return document.querySelector('.pl-tray > p.pl-error').textContent"))
						.isEmpty());
		assertThat(widget.inFrameScript("return document.querySelector('.pl-tray > p.pl-error').textContent"))
			.isEqualTo("At most 2 files per message.");
	}

	private Site site() {
		Site site = Site.create("Ankh & Co", List.of(new AllowedOrigin(this.host.origin())), Instant.now());
		WidgetSettings defaults = site.widget();
		site = site.withSettings(site.name(), site.allowedOrigins(), IdentityMode.OPTIONAL,
				new WidgetSettings("#5b2a86", defaults.position(), "Hello from Ankh & Co!", defaults.awayMessage(),
						PreChatForm.NONE, false, BusinessHours.none()));
		this.sites.add(site);
		return site;
	}

	/** The accessibility violations (of any impact) in the open widget. */
	private List<String> violations(Widget widget) {
		return widget.inFrame((driver) -> Axe.violations(this.visitorBrowser));
	}

	private void signIn() {
		this.owner.get(PORCHLIGHT + "/app/");
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
		this.owner.findElement(By.id("email")).sendKeys(PorchlightTest.OWNER_EMAIL);
		this.owner.findElement(By.id("password")).sendKeys(PorchlightTest.OWNER_PASSWORD + Keys.ENTER);
		this.wait.until(ExpectedConditions.textToBe(By.id("connection"), "Live"));
	}

	/** A sketch of a ring, as a PNG. */
	private static byte[] png(int width, int height) {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		Graphics2D graphics = image.createGraphics();
		graphics.setColor(Color.WHITE);
		graphics.fillRect(0, 0, width, height);
		graphics.setColor(new Color(0xC9, 0x9A, 0x2E));
		graphics.fillOval(width / 4, height / 8, width / 2, height * 3 / 4);
		graphics.setColor(Color.WHITE);
		graphics.fillOval(width / 3, height / 4, width / 3, height / 2);
		graphics.dispose();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			ImageIO.write(image, "png", out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	/** A one-page PDF. */
	private static byte[] pdf() {
		String pdf = """
				%PDF-1.4
				1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
				2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
				3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj
				trailer << /Root 1 0 R >>
				%%EOF
				""";
		return pdf.getBytes(StandardCharsets.US_ASCII);
	}

}
