package dev.porchlight.api.browser;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The widget as a visitor sees it on a host page: the launcher on the page, the chat in
 * Porchlight's frame. Every method starts and ends on the host page.
 */
final class Widget {

	/**
	 * One entry of the conversation as shown.
	 *
	 * @param from {@code visitor}, {@code staff} or {@code system}
	 * @param author the author line
	 * @param body the text shown
	 * @param state the visitor's message state (sending, sent, read, failed) or empty
	 */
	record Shown(String from, String author, String body, String state) {
	}

	private static final String READ_MESSAGES = """
			return Array.from(document.querySelectorAll('#messages > li')).map(function (li) {
				var from = li.classList.contains('from-visitor') ? 'visitor'
					: li.classList.contains('from-staff') ? 'staff' : 'system';
				var author = li.querySelector('.author');
				var body = li.querySelector('.body');
				return { from: from, author: author ? author.textContent : '',
					body: body ? body.textContent : li.textContent, state: li.dataset.state || '' };
			});
			""";

	private final ChromeDriver browser;

	private final WebDriverWait wait;

	Widget(ChromeDriver browser) {
		this.browser = browser;
		this.wait = new WebDriverWait(browser, Chromium.BUSY_MACHINE_WAIT);
	}

	WebElement launcher() {
		return this.wait.until((driver) -> {
			List<WebElement> found = driver.findElements(By.id("porchlight-launcher"));
			return (!found.isEmpty() && found.get(0).isDisplayed()) ? found.get(0) : null;
		});
	}

	/** Clicks the launcher and waits until the chat shows. */
	Widget open() {
		launcher().click();
		return awaitOpen();
	}

	/** Waits until the chat frame is shown and has drawn itself. */
	Widget awaitOpen() {
		this.wait.until((driver) -> {
			List<WebElement> frame = driver.findElements(By.id("porchlight-frame"));
			return !frame.isEmpty() && frame.get(0).isDisplayed();
		});
		inFrame((driver) -> this.wait.until((d) -> d.findElement(By.id("widget")).isDisplayed()));
		return this;
	}

	boolean isOpen() {
		List<WebElement> frame = this.browser.findElements(By.id("porchlight-frame"));
		return !frame.isEmpty() && frame.get(0).isDisplayed();
	}

	/** Runs something inside the chat frame, then returns to the host page. */
	<T> T inFrame(Function<WebDriver, T> action) {
		this.browser.switchTo().defaultContent();
		this.browser.switchTo().frame(this.browser.findElement(By.id("porchlight-frame")));
		try {
			return action.apply(this.browser);
		}
		finally {
			this.browser.switchTo().defaultContent();
		}
	}

	void send(String text) {
		type(text + Keys.ENTER);
	}

	void type(String text) {
		inFrame((driver) -> {
			WebElement input = this.wait.until((d) -> {
				WebElement element = d.findElement(By.id("input"));
				return element.isDisplayed() ? element : null;
			});
			input.sendKeys(text);
			return null;
		});
	}

	void click(String id) {
		inFrame((driver) -> {
			this.wait.until((d) -> d.findElement(By.id(id)).isDisplayed());
			driver.findElement(By.id(id)).click();
			return null;
		});
	}

	void fill(String id, String text) {
		inFrame((driver) -> {
			WebElement field = this.wait
				.until((d) -> d.findElement(By.id(id)).isDisplayed() ? d.findElement(By.id(id)) : null);
			field.clear();
			field.sendKeys(text);
			return null;
		});
	}

	void submit(String formId) {
		inFrame((driver) -> {
			driver.findElement(By.cssSelector("#" + formId + " button[type=submit]")).click();
			return null;
		});
	}

	boolean visible(String id) {
		return inFrame((driver) -> driver.findElement(By.id(id)).isDisplayed());
	}

	void awaitVisible(String id) {
		this.wait.until((driver) -> visible(id));
	}

	void awaitHidden(String id) {
		this.wait.until((driver) -> !visible(id));
	}

	String text(String id) {
		return inFrame((driver) -> driver.findElement(By.id(id)).getText());
	}

	void awaitText(String id, String contained) {
		this.wait.withMessage(() -> "#" + id + " to contain '" + contained + "' but it is '" + text(id) + "'")
			.until((driver) -> text(id).contains(contained));
	}

	@SuppressWarnings("unchecked")
	List<Shown> messages() {
		return inFrame((driver) -> ((List<Map<String, Object>>) this.browser.executeScript(READ_MESSAGES)).stream()
			.map((m) -> new Shown((String) m.get("from"), (String) m.get("author"), (String) m.get("body"),
					(String) m.get("state")))
			.toList());
	}

	List<Shown> awaitMessages(Predicate<List<Shown>> wanted, String description) {
		return this.wait.withMessage(() -> description + "; shown: " + messages())
			.until((driver) -> wanted.test(messages()) ? messages() : null);
	}

	Object inFrameScript(String script, Object... args) {
		return inFrame((driver) -> this.browser.executeScript(script, args));
	}

	WebDriverWait waiting() {
		return this.wait;
	}

}
