package dev.porchlight.api.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.openqa.selenium.chrome.ChromeDriver;

import org.springframework.core.io.ClassPathResource;

/**
 * axe-core (Deque's accessibility checker) run in the page or frame the driver is on.
 */
final class Axe {

	private static final String RUN = """
			var done = arguments[arguments.length - 1];
			axe.run(document, { resultTypes: ['violations'] }).then(function (results) {
				done(results.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
					.map(function (v) { return v.id + ': ' + v.help + ' ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', '); }));
			}, function (e) { done(['axe failed: ' + e]); });
			""";

	private static String source;

	private Axe() {
	}

	/**
	 * @return the serious and critical violations, empty when there are none
	 */
	@SuppressWarnings("unchecked")
	static List<String> seriousViolations(ChromeDriver browser) {
		browser.executeScript(source());
		return (List<String>) browser.executeAsyncScript(RUN);
	}

	private static synchronized String source() {
		if (source == null) {
			try (InputStream in = new ClassPathResource("axe.min.js").getInputStream()) {
				source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return source;
	}

}
