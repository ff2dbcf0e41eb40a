package dev.porchlight.api.widget;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ClassPathResource;

/**
 * The widget's texts, read from the same files the chat frame loads
 * ({@code /widget/locales/<locale>.json}), so the launcher on the host page speaks the
 * same language as the frame without the loader carrying a translation table.
 */
final class WidgetTexts {

	static final List<String> LOCALES = List.of("en", "de", "fr", "es");

	/** What the loader needs before the frame exists. */
	private static final List<String> LAUNCHER = List.of("openChat", "closeChat", "chat", "unreadLabel");

	private final Map<String, Map<String, String>> texts = new LinkedHashMap<>();

	WidgetTexts() {
		JsonMapper json = JsonMapper.builder().build();
		for (String locale : LOCALES) {
			String path = "META-INF/resources/widget/locales/" + locale + ".json";
			try (InputStream in = new ClassPathResource(path).getInputStream()) {
				this.texts.put(locale, json.readValue(in, new TypeReference<Map<String, String>>() {
				}));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("The web-widget resource " + path + " is missing", ex);
			}
		}
	}

	/**
	 * The supported locale closest to the requested ones, English by default.
	 * @param requested in order of preference, each a BCP 47 tag or a list like
	 * {@code Accept-Language} ({@code it-IT,de;q=0.8}: the best supported by weight); any
	 * of them may be null
	 * @return en, de, fr or es
	 */
	static String pick(@Nullable String... requested) {
		for (String list : requested) {
			if (list == null) {
				continue;
			}
			for (String tag : tags(list)) {
				String language = tag.toLowerCase(Locale.ROOT).split("[-_]", 2)[0].trim();
				if (LOCALES.contains(language)) {
					return language;
				}
			}
		}
		return "en";
	}

	/** A list's tags, highest weight first, without those weighted 0. */
	private static List<String> tags(String list) {
		try {
			return Locale.LanguageRange.parse(list)
				.stream()
				.filter((range) -> range.getWeight() > 0)
				.map(Locale.LanguageRange::getRange)
				.toList();
		}
		catch (IllegalArgumentException ex) {
			// Not a list the standard parser takes (en_GB, a stray character): its first
			// entry, as written.
			return List.of(list.split("[,;]", 2)[0]);
		}
	}

	Map<String, String> launcher(String locale) {
		Map<String, String> all = this.texts.get(locale);
		Map<String, String> labels = new LinkedHashMap<>();
		LAUNCHER.forEach((key) -> labels.put(key, all.get(key)));
		return labels;
	}

}
