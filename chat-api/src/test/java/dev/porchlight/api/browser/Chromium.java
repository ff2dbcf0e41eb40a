package dev.porchlight.api.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Real headless Chromium for browser tests, from Debian's {@code chromium} and
 * {@code chromium-driver} packages. Without them a local run skips browser tests with a
 * clear message; in CI ({@code CI=true}) a missing browser fails the run instead, so the
 * tests can never silently stop running.
 */
public final class Chromium {

	static final Path BROWSER = Path.of(System.getenv().getOrDefault("CHROMIUM_BIN", "/usr/bin/chromium"));

	static final Path DRIVER = Path.of(System.getenv().getOrDefault("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"));

	/**
	 * How long a browser test waits for the page to show something: a few hundred
	 * milliseconds on a quiet machine; beside CPU hogs, 15 s were not always enough.
	 */
	static final Duration BUSY_MACHINE_WAIT = Duration.ofSeconds(30);

	private Chromium() {
	}

	/**
	 * Starts a fresh headless browser with an empty profile.
	 * @return the driver; quit it when done
	 */
	public static ChromeDriver start() {
		boolean installed = Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
		if (!installed) {
			String message = "Chromium not found at " + BROWSER + " / " + DRIVER
					+ ": install it with 'apt-get install chromium chromium-driver' to run browser tests";
			if ("true".equalsIgnoreCase(System.getenv("CI"))) {
				throw new IllegalStateException(message);
			}
			Assumptions.abort(message);
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(BROWSER.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--disable-quic", "--window-size=1280,900");
		// Console messages, including Content-Security-Policy violations, become readable
		// by tests.
		LoggingPreferences logs = new LoggingPreferences();
		logs.enable(LogType.BROWSER, Level.ALL);
		options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeDriver driver = new ChromeDriver(service, options);
		// Deadlines for a busy machine: beside two CPU hogs, axe-core alone took more
		// than 30 s on the dashboard.
		driver.manage().timeouts().scriptTimeout(BUSY_MACHINE_WAIT.multipliedBy(2));
		driver.manage().timeouts().pageLoadTimeout(BUSY_MACHINE_WAIT.multipliedBy(2));
		return driver;
	}

}
