package dev.porchlight.api.site;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Request bodies of the site API. In an update every field is optional: what is absent
 * stays as it was. No field has a bean-validation constraint: the domain checks each one
 * (length, form, how many), so one field always fails with the one code the API documents
 * for it ({@code invalid_colour}, {@code invalid_time_zone}, {@code too_many_origins},
 * …), never with a second code from the path of a JSON field.
 */
final class SiteRequests {

	private SiteRequests() {
	}

	/**
	 * A new site.
	 *
	 * @param name the site's name
	 * @param allowedOrigins exact origins where the widget may run
	 * @param searchLanguage the language its conversations are searched in (a name such
	 * as {@code german} or a locale such as {@code de-AT}); by default the language of
	 * the request's {@code Accept-Language}, else English
	 */
	record NewSite(@Nullable String name, @Nullable List<String> allowedOrigins, @Nullable String searchLanguage) {
	}

	/**
	 * Changes to a site.
	 *
	 * @param name new name
	 * @param allowedOrigins the new full list of allowed origins
	 * @param identityMode {@code OFF}, {@code OPTIONAL} or {@code ENFORCED}
	 * @param widget widget settings to change
	 * @param searchLanguage the language its conversations are searched in; a change
	 * indexes the site's archive again
	 * @param legacyIdentity whether the legacy HMAC signature of the external id alone is
	 * still accepted next to identity tokens
	 */
	record SiteUpdate(@Nullable String name, @Nullable List<String> allowedOrigins, @Nullable String identityMode,
			@Nullable WidgetUpdate widget, @Nullable String searchLanguage, @Nullable Boolean legacyIdentity) {
	}

	/**
	 * Changes to the widget settings.
	 *
	 * @param colour theme colour {@code #rrggbb}
	 * @param position {@code RIGHT} or {@code LEFT}: where the chat bubble sits
	 * @param greeting greeting text
	 * @param awayMessage away text
	 * @param preChatForm {@code NONE}, {@code OPTIONAL_EMAIL} or {@code REQUIRED_EMAIL}
	 * @param typingPreview whether staff see drafts as they are typed
	 * @param businessHours opening hours
	 */
	record WidgetUpdate(@Nullable String colour, @Nullable String position, @Nullable String greeting,
			@Nullable String awayMessage, @Nullable String preChatForm, @Nullable Boolean typingPreview,
			@Nullable Hours businessHours) {
	}

	/**
	 * Opening hours.
	 *
	 * @param zone time zone, e.g. {@code Europe/Berlin}
	 * @param weekly intervals like {@code MONDAY 09:00-17:30}
	 */
	record Hours(@Nullable String zone, @Nullable List<String> weekly) {
	}

}
