package dev.porchlight.api.site;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * Request bodies of the site API. In an update every field is optional: what is absent
 * stays as it was.
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
	record NewSite(@NotNull @Size(max = 80) String name,
			@Nullable @Size(max = 20) List<@Size(max = 255) String> allowedOrigins,
			@Nullable @Size(max = 35) String searchLanguage) {
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
	record SiteUpdate(@Nullable @Size(max = 80) String name,
			@Nullable @Size(max = 20) List<@Size(max = 255) String> allowedOrigins,
			@Nullable @Size(max = 10) String identityMode, @Nullable @Valid WidgetUpdate widget,
			@Nullable @Size(max = 35) String searchLanguage, @Nullable Boolean legacyIdentity) {
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
	record WidgetUpdate(@Nullable @Size(max = 7) String colour, @Nullable @Size(max = 10) String position,
			@Nullable @Size(max = 500) String greeting, @Nullable @Size(max = 500) String awayMessage,
			@Nullable @Size(max = 20) String preChatForm, @Nullable Boolean typingPreview,
			@Nullable @Valid Hours businessHours) {
	}

	/**
	 * Opening hours.
	 *
	 * @param zone time zone, e.g. {@code Europe/Berlin}
	 * @param weekly intervals like {@code MONDAY 09:00-17:30}
	 */
	record Hours(@NotNull @Size(max = 64) String zone, @NotNull @Size(max = 28) List<@Size(max = 30) String> weekly) {
	}

}
