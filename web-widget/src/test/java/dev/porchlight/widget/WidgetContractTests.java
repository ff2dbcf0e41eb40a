package dev.porchlight.widget;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the browser files must agree on without a browser: the message names between the
 * loader and the frame, and the texts every translation of the widget and the dashboard
 * must have.
 */
class WidgetContractTests {

	static final Path STATIC = WidgetBudgetTests.STATIC;

	/**
	 * The only target origins the widget posts to: the loader's {@code ORIGIN} and the
	 * frame's {@code PARENT} (see the S9 test below).
	 */
	static final Set<String> TRUSTED_TARGETS = Set.of("ORIGIN", "PARENT");

	@Test
	void theLoaderUsesExactlyTheMessageNamesOfTheBridge() {
		String bridge = WidgetBudgetTests.read(STATIC.resolve("widget/bridge.js"));
		String loader = WidgetBudgetTests.read(STATIC.resolve("widget.js"));
		Set<String> toFrame = values(section(bridge, "TO_FRAME"));
		Set<String> toHost = values(section(bridge, "TO_HOST"));
		assertThat(toFrame).contains("init", "open", "identify", "reset");
		assertThat(toHost).contains("ready", "unread", "identified");

		// What the loader posts to the frame and what it accepts from it.
		Set<String> posted = find(loader, "post\\('([a-z]+)'");
		posted.addAll(find(loader, "ns: NS, type: '([a-z]+)'"));
		Set<String> handled = find(loader, "t == '([a-z]+)'");
		assertThat(posted).as("the loader sends").isEqualTo(toFrame);
		assertThat(handled).as("the loader handles").isEqualTo(toHost);
		assertThat(find(loader, "const NS = '([a-z.]+)'")).isEqualTo(find(bridge, "const NS = '([a-z.]+)'"));
	}

	/**
	 * Security promise S9 (docs/security.md), the half a browser cannot show: every
	 * {@code postMessage} of the loader and the frame names the one origin it trusts (the
	 * loader: Porchlight's, from its own script address; the frame: the embedding page's,
	 * which the server allowed and pinned with {@code frame-ancestors}), never {@code *}
	 * or anything computed, and both sides check origin and source of what they receive.
	 * The behaviour, with messages from foreign windows and origins, is proved in
	 * {@code WidgetBrowserTests} (chat-api).
	 */
	@Test
	void everyPostMessageNamesItsTargetOriginAndEveryListenerChecksOriginAndSource() throws IOException {
		String loader = WidgetBudgetTests.read(STATIC.resolve("widget.js"));
		String app = WidgetBudgetTests.read(STATIC.resolve("widget/app.js"));
		assertThat(loader).contains("const ORIGIN = new URL(me.src).origin;")
			.contains("event.source !== frame.contentWindow || event.origin !== ORIGIN");
		assertThat(app).contains("const PARENT = params.get('origin');")
			.contains("event.source !== parent || event.origin !== PARENT");
		Map<String, String> scripts = new TreeMap<>();
		scripts.put("widget.js", loader);
		for (String directory : new String[] { "widget", "shared" }) {
			try (Stream<Path> files = Files.list(STATIC.resolve(directory))) {
				files.filter((file) -> file.toString().endsWith(".js"))
					.forEach((file) -> scripts.put(directory + "/" + file.getFileName(), WidgetBudgetTests.read(file)));
			}
		}
		assertThat(scripts).containsKeys("widget/bridge.js", "widget/app.js");
		Map<String, List<String>> targets = new TreeMap<>();
		scripts.forEach((name, source) -> targets.put(name, postMessageTargets(source)));
		assertThat(targets).as("the target origin of each postMessage call")
			.containsEntry("widget.js", List.of("ORIGIN"))
			.containsEntry("widget/app.js", List.of("PARENT"));
		targets.forEach((name, found) -> assertThat(found).as("postMessage targets in %s", name)
			.allMatch(TRUSTED_TARGETS::contains));

		// The check itself: what it must refuse.
		assertThat(postMessageTargets("frame.contentWindow.postMessage(m, '*');")).containsExactly("'*'");
		assertThat(postMessageTargets("parent.postMessage({ ns: NS, type, ...data }, \"*\")")).containsExactly("\"*\"");
		assertThat(postMessageTargets("w.postMessage(m, PARENT || '*')")).containsExactly("PARENT || '*'");
		assertThat(postMessageTargets("w.postMessage(m, { targetOrigin: '*' })"))
			.containsExactly("{ targetOrigin: '*' }");
		assertThat(postMessageTargets("w.postMessage(m)")).containsExactly("");
		assertThat(postMessageTargets("w.postMessage (f(a, b), ORIGIN)")).containsExactly("ORIGIN");
		assertThat(postMessageTargets("w['postMessage'](m, '*')")).containsExactly("'*'");
	}

	/**
	 * The last argument, as written, of every {@code postMessage} call (an empty string
	 * for a call without one; a mention that is not followed by a call is ignored).
	 */
	static List<String> postMessageTargets(String source) {
		List<String> targets = new ArrayList<>();
		Matcher call = Pattern.compile("postMessage(?:'\\])?\\s*\\(").matcher(source);
		while (call.find()) {
			List<String> arguments = new ArrayList<>();
			int depth = 0;
			char quote = 0;
			StringBuilder argument = new StringBuilder();
			for (int i = call.end(); i < source.length(); i++) {
				char c = source.charAt(i);
				if (quote != 0) {
					argument.append(c);
					if (c == '\\') {
						argument.append(source.charAt(++i));
					}
					else if (c == quote) {
						quote = 0;
					}
					continue;
				}
				if (depth == 0 && (c == ',' || c == ')')) {
					arguments.add(argument.toString().strip());
					argument.setLength(0);
					if (c == ')') {
						break;
					}
					continue;
				}
				if (c == '\'' || c == '"' || c == '`') {
					quote = c;
				}
				else if (c == '(' || c == '[' || c == '{') {
					depth++;
				}
				else if (c == ')' || c == ']' || c == '}') {
					depth--;
				}
				argument.append(c);
			}
			targets.add(arguments.size() < 2 ? "" : arguments.get(arguments.size() - 1));
		}
		return targets;
	}

	@Test
	void everyTranslationHasEveryTextTheWidgetShows() {
		Map<String, String> english = locale("widget", "en");
		Set<String> used = new TreeSet<>();
		String frame = WidgetBudgetTests.read(WidgetBudgetTests.FRAME);
		used.addAll(find(frame, "data-(?:text|label|placeholder)=\"([A-Za-z]+)\""));
		String app = WidgetBudgetTests.read(STATIC.resolve("widget/app.js"));
		used.addAll(find(app, "state\\.t\\('([A-Za-z]+)'"));
		used.addAll(Set.of("openChat", "closeChat", "chat", "unreadLabel", "sending", "sent", "read", "failed"));
		assertThat(english.keySet()).containsAll(used);
		assertTranslated("widget", english);
	}

	@Test
	void everyTranslationHasEveryTextTheDashboardShows() throws IOException {
		Map<String, String> english = locale("app", "en");
		Set<String> used = new TreeSet<>();
		String page = WidgetBudgetTests.read(STATIC.resolve("app/index.html"));
		used.addAll(find(page, "data-(?:text|label|placeholder)=\"([A-Za-z]+)\""));
		try (Stream<Path> scripts = Files.list(STATIC.resolve("app"))) {
			scripts.filter((file) -> file.toString().endsWith(".js"))
				.forEach((file) -> used.addAll(find(WidgetBudgetTests.read(file), "\\bt\\('([A-Za-z]+)'")));
		}
		assertThat(used).as("texts the dashboard looks up").hasSizeGreaterThan(150);
		assertThat(english.keySet()).containsAll(used);
		assertTranslated("app", english);
	}

	/**
	 * Every language of a directory has exactly the English keys, each with its
	 * placeholders.
	 */
	private static void assertTranslated(String directory, Map<String, String> english) {
		for (String language : new String[] { "de", "fr", "es" }) {
			Map<String, String> texts = locale(directory, language);
			assertThat(texts.keySet()).as(language).isEqualTo(english.keySet());
			texts.forEach((key, text) -> {
				assertThat(text).as("%s %s", language, key).isNotBlank();
				// The same placeholders as the English text.
				assertThat(find(text, "(\\{[a-z]+\\})")).as("%s %s", language, key)
					.isEqualTo(find(english.get(key), "(\\{[a-z]+\\})"));
			});
		}
	}

	private static Map<String, String> locale(String directory, String language) {
		try {
			return JsonMapper.builder()
				.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
				.build()
				.readValue(STATIC.resolve(directory + "/locales/" + language + ".json").toFile(),
						new TypeReference<Map<String, String>>() {
						});
		}
		catch (RuntimeException ex) {
			throw new UncheckedIOException(
					new IOException("Cannot read the " + directory + " texts in " + language, ex));
		}
	}

	private static String section(String source, String name) {
		int start = source.indexOf("export const " + name + " = {");
		return source.substring(start, source.indexOf("};", start));
	}

	private static Set<String> values(String section) {
		return find(section, ": '([a-z]+)'");
	}

	private static Set<String> find(String text, String regex) {
		Set<String> found = new TreeSet<>();
		Matcher matcher = Pattern.compile(regex).matcher(text);
		while (matcher.find()) {
			found.add(matcher.group(1));
		}
		return found;
	}

}
