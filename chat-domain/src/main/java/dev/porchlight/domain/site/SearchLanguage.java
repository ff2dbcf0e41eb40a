package dev.porchlight.domain.site;

import java.util.Locale;
import java.util.Optional;

import dev.porchlight.domain.common.DomainException;
import org.jspecify.annotations.Nullable;

/**
 * The language a site's conversations are searched in: its words are also found by their
 * stem ("kettles" by "kettle", "Größe" by "grosse"), and its stop words never make a
 * query fail. Exact words are found in every language regardless.
 */
public enum SearchLanguage {

	ENGLISH("en"), GERMAN("de"), FRENCH("fr"), SPANISH("es"), ITALIAN("it"), PORTUGUESE("pt"), DUTCH("nl"),
	SWEDISH("sv"), DANISH("da"), NORWEGIAN("nb", "nn", "no"), FINNISH("fi");

	private final String[] languageCodes;

	SearchLanguage(String... languageCodes) {
		this.languageCodes = languageCodes;
	}

	/**
	 * The name used on the wire, e.g. {@code german}.
	 * @return the lower-case name
	 */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The language of a locale, if it is one of these.
	 * @param locale a BCP 47 tag such as {@code de-AT}, or an {@code Accept-Language}
	 * header (its first language counts)
	 * @return the language, if known
	 */
	public static Optional<SearchLanguage> ofLocale(@Nullable String locale) {
		if (locale == null || locale.isBlank()) {
			return Optional.empty();
		}
		String first = locale.split(",", 2)[0].split(";", 2)[0].strip();
		String code = first.split("[-_]", 2)[0].toLowerCase(Locale.ROOT);
		for (SearchLanguage language : values()) {
			for (String candidate : language.languageCodes) {
				if (candidate.equals(code)) {
					return Optional.of(language);
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * A language as a client names it: its name ({@code german}) or a locale ({@code de},
	 * {@code de-AT}).
	 * @param text what the client sent
	 * @return the language
	 * @throws DomainException {@code invalid_search_language} for anything else
	 */
	public static SearchLanguage parse(String text) {
		for (SearchLanguage language : values()) {
			if (language.name().equalsIgnoreCase(text.strip())) {
				return language;
			}
		}
		return ofLocale(text).orElseThrow(() -> new DomainException("invalid_search_language",
				"The search language is one of english, german, french, spanish, italian, portuguese, dutch, "
						+ "swedish, danish, norwegian, finnish."));
	}

}
