package dev.porchlight.domain.conversation;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.Text;
import org.jspecify.annotations.Nullable;

/**
 * Where a visitor was when they wrote: the page, its title, how they got there and their
 * language. Everything is optional because a browser may withhold any of it.
 *
 * @param url the page's address (http or https only)
 * @param title the page's title
 * @param referrer the page they came from (http or https only)
 * @param locale a BCP 47 language tag such as {@code de-CH}
 */
public record PageContext(@Nullable String url, @Nullable String title, @Nullable String referrer,
		@Nullable String locale) {

	public static final int MAX_URL = 2048;

	public static final int MAX_TITLE = 300;

	private static final Pattern LANGUAGE_TAG = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*");

	public PageContext {
		url = webAddress("page url", url);
		title = Text.optional("page title", title, MAX_TITLE);
		referrer = webAddress("referrer", referrer);
		locale = languageTag(locale);
	}

	public static PageContext unknown() {
		return new PageContext(null, null, null, null);
	}

	private static @Nullable String webAddress(String field, @Nullable String value) {
		String text = Text.optional(field, value, MAX_URL);
		if (text == null) {
			return null;
		}
		try {
			URI uri = new URI(text);
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
				return text;
			}
		}
		catch (URISyntaxException ex) {
			// reported below
		}
		throw new DomainException("invalid_" + field.replace(' ', '_'),
				"The " + field + " must be an http(s) address.");
	}

	private static @Nullable String languageTag(@Nullable String value) {
		String text = Text.optional("locale", value, 35);
		if (text == null) {
			return null;
		}
		if (!LANGUAGE_TAG.matcher(text).matches()) {
			throw new DomainException("invalid_locale", "The locale must be a language tag like en or de-CH.");
		}
		return Locale.forLanguageTag(text).toLanguageTag();
	}

}
