package dev.porchlight.api.browser;

import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The owner signs in to the running server in a real browser, under the real
 * Content-Security-Policy.
 */
@PorchlightTest(properties = "porchlight.owner.name=Olga Owner")
class SignInBrowserTests {

	@LocalServerPort
	int port;

	ChromeDriver browser;

	WebDriverWait wait;

	@BeforeEach
	void openBrowser() {
		this.browser = Chromium.start();
		this.wait = new WebDriverWait(this.browser, Chromium.BUSY_MACHINE_WAIT);
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	void theOwnerSignsInSeesWhoTheyAreAndSignsOut() {
		this.browser.get("http://127.0.0.1:" + this.port + "/app/");
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
		this.browser.findElement(By.id("email")).sendKeys("owner@shop.example");
		this.browser.findElement(By.id("password")).sendKeys("owner password 123");
		this.browser.findElement(By.cssSelector("#sign-in button[type=submit]")).click();

		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("shell")));
		assertThat(this.browser.findElement(By.id("me-name")).getText()).isEqualTo("Olga Owner");
		this.browser.findElement(By.id("me-link")).click();
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-in")));
		assertThat(this.browser.findElement(By.id("me-email")).getText()).isEqualTo("owner@shop.example");
		assertThat(this.browser.findElement(By.id("me-role")).getText()).isEqualTo("Owner");

		// Still signed in after a reload: the session cookie works.
		this.browser.navigate().refresh();
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-in")));

		this.browser.findElement(By.id("sign-out")).click();
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
		assertThat(this.browser.manage().logs().get(LogType.BROWSER).getAll())
			.noneMatch((entry) -> entry.getMessage().contains("Content Security Policy"));
	}

	@Test
	void aWrongPasswordShowsTheServersMessage() {
		this.browser.get("http://127.0.0.1:" + this.port + "/app/");
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
		this.browser.findElement(By.id("email")).sendKeys("owner@shop.example");
		this.browser.findElement(By.id("password")).sendKeys("not the password");
		this.browser.findElement(By.cssSelector("#sign-in button[type=submit]")).click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "wrong"));
		assertThat(this.browser.findElement(By.id("sign-in")).isDisplayed()).isTrue();
	}

	@Test
	void aStaffMemberWithAOneTimePasswordMustChooseTheirOwn() {
		ApiClient owner = new ApiClient(this.port);
		owner.signIn("owner@shop.example", "owner password 123");
		String email = "ann" + System.nanoTime() + "@shop.example";
		String oneTime = owner
			.post("/api/v1/accounts", ApiClient.json(Map.of("email", email, "displayName", "Ann", "role", "AGENT")))
			.text("/oneTimePassword");

		this.browser.get("http://127.0.0.1:" + this.port + "/app/");
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
		this.browser.findElement(By.id("email")).sendKeys(email);
		this.browser.findElement(By.id("password")).sendKeys(oneTime);
		this.browser.findElement(By.cssSelector("#sign-in button[type=submit]")).click();
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("must-change")));
		this.browser.findElement(By.id("current-password")).sendKeys(oneTime);
		this.browser.findElement(By.id("new-password")).sendKeys("ann chose this herself");
		this.browser.findElement(By.cssSelector("#change-password button[type=submit]")).click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Password changed"));
		// Straight on to the inbox.
		this.wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-route", "inbox"));
		assertThat(this.browser.findElements(By.id("must-change"))).isEmpty();
		assertThat(new ApiClient(this.port).signIn(email, "ann chose this herself").text("/account/passwordMustChange"))
			.isEqualTo("false");

		// Her name, as colleagues and visitors see it, changes in place.
		this.browser.findElement(By.id("me-link")).click();
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("display-name")));
		WebElement name = this.browser.findElement(By.id("display-name"));
		name.clear();
		name.sendKeys("Ann Lee");
		this.browser.findElement(By.cssSelector("#change-name button[type=submit]")).click();
		this.wait.until(ExpectedConditions.textToBe(By.id("display-name-result"), "Saved."));
		this.wait.until(ExpectedConditions.textToBe(By.id("me-name"), "Ann Lee"));
		assertThat(new ApiClient(this.port).signIn(email, "ann chose this herself").text("/account/displayName"))
			.isEqualTo("Ann Lee");
	}

}
