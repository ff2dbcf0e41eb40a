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
			var impacts = arguments[0];
			axe.run(document, { resultTypes: ['violations'] }).then(function (results) {
				done(results.violations.filter(function (v) { return impacts.indexOf(v.impact) >= 0; })
					.map(function (v) { return v.id + ': ' + v.help + ' ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', '); }));
			}, function (e) { done(['axe failed: ' + e]); });
			""";

	private static String source;

	private Axe() {
	}

	/**
	 * @return the serious and critical violations, empty when there are none
	 */
	static List<String> seriousViolations(ChromeDriver browser) {
		return run(browser, List.of("serious", "critical"));
	}

	/**
	 * @return the violations of every impact (minor and moderate too), empty when there
	 * are none
	 */
	static List<String> violations(ChromeDriver browser) {
		return run(browser, List.of("minor", "moderate", "serious", "critical"));
	}

	@SuppressWarnings("unchecked")
	private static List<String> run(ChromeDriver browser, List<String> impacts) {
		browser.executeScript(source());
		return (List<String>) browser.executeAsyncScript(RUN, impacts);
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
