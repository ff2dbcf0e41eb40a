package dev.porchlight.widget;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The widget's weight on a host page, as a visitor downloads it (gzip, the way the server
 * and every CDN send it): the loader alone at most 3 KiB, everything the open widget
 * loads at most 20 KiB. The frame's files are found by following its page and its
 * imports, so a new module cannot slip past the budget.
 */
class WidgetBudgetTests {

	/** The sources. */
	static final Path STATIC = Path.of("src/main/resources/META-INF/resources");

	static final Path FRAME = Path.of("src/main/resources/porchlight/widget/frame.html");

	/**
	 * What is served: the build's copies, without whole-line comments and indentation.
	 */
	static final Path SERVED = Path.of("target/classes/META-INF/resources");

	static final Path SERVED_FRAME = Path.of("target/classes/porchlight/widget/frame.html");

	static final int LOADER_BUDGET = 3 * 1024;

	static final int TOTAL_BUDGET = 20 * 1024;

	/**
	 * The owner's dashboard: everything its page loads, in a language other than English.
	 */
	static final int DASHBOARD_BUDGET = 60 * 1024;

	static final Path SERVED_DASHBOARD = SERVED.resolve("app/index.html");

	private static final Pattern PAGE_REFERENCE = Pattern.compile("(?:src|href)=\"(/[^\"]+)\"");

	private static final Pattern IMPORT = Pattern.compile("^import .* from '([^']+)';", Pattern.MULTILINE);

	/**
	 * JSON is never compressed on the fly (API answers hold tokens), so the translations
	 * go as gzipped copies the build makes, one line per file in the pom: a new language
	 * without its line fails here.
	 */
	@Test
	void everyTranslationHasTheGzippedCopyItIsServedAs() throws IOException {
		for (String directory : new String[] { "widget", "app" }) {
			List<Path> translations;
			try (Stream<Path> files = Files.list(SERVED.resolve(directory + "/locales"))) {
				translations = files.filter((file) -> file.getFileName().toString().endsWith(".json")).toList();
			}
			assertThat(translations).as(directory).hasSizeGreaterThanOrEqualTo(4);
			for (Path translation : translations) {
				Path copy = translation.resolveSibling(translation.getFileName() + ".gz");
				assertThat(copy).as("the gzipped copy of %s", translation).isRegularFile();
				try (InputStream in = new GZIPInputStream(Files.newInputStream(copy))) {
					assertThat(in.readAllBytes()).as(copy.toString()).isEqualTo(Files.readAllBytes(translation));
				}
			}
		}
	}

	@Test
	void theLoaderAndTheWholeWidgetStayWithinTheirBudgets() {
		Map<String, Integer> sizes = new LinkedHashMap<>();
		sizes.put("/widget.js (loader)", gzipped(SERVED.resolve("widget.js")));
		sizes.put("/widget/frame (page)", gzipped(SERVED_FRAME));
		collect(read(SERVED_FRAME), PAGE_REFERENCE, "/", sizes);
		String largestLocale = largestLocale("widget");
		sizes.put(largestLocale + " (largest locale; one is loaded)", gzipped(resolve(largestLocale)));
		int total = sizes.values().stream().mapToInt(Integer::intValue).sum();

		StringBuilder report = new StringBuilder("Widget size, gzipped:\n");
		sizes.forEach((file, size) -> report.append(String.format("  %6d B  %s%n", size, file)));
		report.append(String.format("  %6d B  total (budget %d B); loader budget %d B%n", total, TOTAL_BUDGET,
				LOADER_BUDGET));
		System.out.print(report);

		assertThat(sizes.get("/widget.js (loader)")).as("the loader, gzipped").isLessThanOrEqualTo(LOADER_BUDGET);
		assertThat(total).as("loader + frame + styles, gzipped").isLessThanOrEqualTo(TOTAL_BUDGET);
		assertThat(sizes).as("the frame's scripts and styles were found").hasSizeGreaterThan(5);
	}

	@Test
	void theDashboardStaysWithinItsBudget() {
		Map<String, Integer> sizes = new LinkedHashMap<>();
		sizes.put("/app/index.html (page)", gzipped(SERVED_DASHBOARD));
		collect(read(SERVED_DASHBOARD), PAGE_REFERENCE, "/app/", sizes);
		// Icons and the manifest are the browser's business, fetched once and cached.
		sizes.keySet().removeIf((path) -> path.endsWith(".ico") || path.endsWith(".png") || path.endsWith(".json"));
		sizes.put("/app/locales/en.json (always loaded)", gzipped(resolve("/app/locales/en.json")));
		String largestLocale = largestLocale("app");
		sizes.put(largestLocale + " (largest other locale)", gzipped(resolve(largestLocale)));
		int total = sizes.values().stream().mapToInt(Integer::intValue).sum();

		StringBuilder report = new StringBuilder("Dashboard size, gzipped:\n");
		sizes.forEach((file, size) -> report.append(String.format("  %6d B  %s%n", size, file)));
		report.append(String.format("  %6d B  total (budget %d B)%n", total, DASHBOARD_BUDGET));
		System.out.print(report);

		assertThat(sizes).as("the dashboard's modules were followed")
			.containsKeys("/app/main.js", "/app/inbox.js", "/app/settings.js", "/app/dashboard.css");
		assertThat(total).as("the dashboard, gzipped").isLessThanOrEqualTo(DASHBOARD_BUDGET);
	}

	@Test
	void strippingCommentsLeavesWorkingCode() throws IOException {
		// Whole-line // comments are dropped from the served copies; that is only safe
		// without multi-line template literals, so the served scripts have none.
		try (Stream<Path> files = Files.walk(STATIC)) {
			files.filter((file) -> file.toString().endsWith(".js")).forEach((file) -> {
				String source = read(file);
				String served = read(SERVED.resolve(STATIC.relativize(file)));
				assertThat(served).as("%s has no template literal", file).doesNotContain("`");
				assertThat(served.lines().count()).as("%s keeps its line numbers", file)
					.isEqualTo(source.lines().count());
			});
		}
	}

	/**
	 * Follows the references of a page or module: stylesheets and scripts, and their
	 * imports, each counted once.
	 */
	private void collect(String text, Pattern reference, String base, Map<String, Integer> sizes) {
		Matcher matcher = reference.matcher(text);
		while (matcher.find()) {
			String path = absolute(base, matcher.group(1));
			if (sizes.containsKey(path)) {
				continue;
			}
			sizes.put(path, gzipped(resolve(path)));
			if (path.endsWith(".js")) {
				collect(read(resolve(path)), IMPORT, path.substring(0, path.lastIndexOf('/') + 1), sizes);
			}
		}
	}

	private static String absolute(String base, String reference) {
		if (reference.startsWith("/")) {
			return reference;
		}
		return Path.of(base).resolve(reference).normalize().toString();
	}

	private static String largestLocale(String directory) {
		try (Stream<Path> locales = Files.list(SERVED.resolve(directory + "/locales"))) {
			Path largest = locales.filter((file) -> file.getFileName().toString().endsWith(".json"))
				.filter((file) -> !file.getFileName().toString().equals("en.json") || directory.equals("widget"))
				.max((a, b) -> Integer.compare(gzipped(a), gzipped(b)))
				.orElseThrow();
			return "/" + directory + "/locales/" + largest.getFileName();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Path resolve(String path) {
		Path file = SERVED.resolve(path.substring(1));
		assertThat(file).as("%s is served", path).isRegularFile();
		return file;
	}

	static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static int gzipped(Path file) {
		try {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			try (GZIPOutputStream gzip = new GZIPOutputStream(out) {
				{
					this.def.setLevel(Deflater.BEST_COMPRESSION);
				}
			}) {
				gzip.write(Files.readAllBytes(file));
			}
			return out.size();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
