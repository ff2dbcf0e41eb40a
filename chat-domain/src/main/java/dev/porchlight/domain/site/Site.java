package dev.porchlight.domain.site;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.Text;
import org.jspecify.annotations.Nullable;

/**
 * One web site of the business on which the widget runs.
 *
 * @param id internal identifier
 * @param key public key used in the widget snippet
 * @param name shown in the dashboard
 * @param allowedOrigins the exact origins where the widget may run; empty means nowhere
 * @param identityMode how vouched identities are treated
 * @param identitySecret the HMAC secret the site's server uses
 * @param widget look and greeting
 * @param createdAt when the site was added
 * @param searchLanguage the language its conversations are searched in
 * @param legacyIdentity whether the old form of vouching (an HMAC of the external id
 * alone, which never expires and does not cover email or name) is still accepted next to
 * signed identity tokens
 */
public record Site(SiteId id, SiteKey key, String name, List<AllowedOrigin> allowedOrigins, IdentityMode identityMode,
		IdentitySecret identitySecret, WidgetSettings widget, Instant createdAt, SearchLanguage searchLanguage,
		boolean legacyIdentity) {

	public static final int MAX_NAME = 80;

	public static final int MAX_ORIGINS = 20;

	public Site {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(key, "key");
		name = Text.required("site name", name, MAX_NAME);
		allowedOrigins = List.copyOf(allowedOrigins.stream().distinct().toList());
		if (allowedOrigins.size() > MAX_ORIGINS) {
			throw new DomainException("too_many_origins", "A site has at most " + MAX_ORIGINS + " allowed origins.");
		}
		Objects.requireNonNull(identityMode, "identityMode");
		Objects.requireNonNull(identitySecret, "identitySecret");
		Objects.requireNonNull(widget, "widget");
		Objects.requireNonNull(createdAt, "createdAt");
		Objects.requireNonNull(searchLanguage, "searchLanguage");
	}

	/**
	 * A site that accepts identity tokens only.
	 * @param id internal identifier
	 * @param key public key used in the widget snippet
	 * @param name shown in the dashboard
	 * @param allowedOrigins the exact origins where the widget may run
	 * @param identityMode how vouched identities are treated
	 * @param identitySecret the secret the site's server signs with
	 * @param widget look and greeting
	 * @param createdAt when the site was added
	 * @param searchLanguage the language its conversations are searched in
	 */
	public Site(SiteId id, SiteKey key, String name, List<AllowedOrigin> allowedOrigins, IdentityMode identityMode,
			IdentitySecret identitySecret, WidgetSettings widget, Instant createdAt, SearchLanguage searchLanguage) {
		this(id, key, name, allowedOrigins, identityMode, identitySecret, widget, createdAt, searchLanguage, false);
	}

	/**
	 * A site searched in English.
	 * @param id internal identifier
	 * @param key public key used in the widget snippet
	 * @param name shown in the dashboard
	 * @param allowedOrigins the exact origins where the widget may run
	 * @param identityMode how vouched identities are treated
	 * @param identitySecret the HMAC secret the site's server uses
	 * @param widget look and greeting
	 * @param createdAt when the site was added
	 */
	public Site(SiteId id, SiteKey key, String name, List<AllowedOrigin> allowedOrigins, IdentityMode identityMode,
			IdentitySecret identitySecret, WidgetSettings widget, Instant createdAt) {
		this(id, key, name, allowedOrigins, identityMode, identitySecret, widget, createdAt, SearchLanguage.ENGLISH);
	}

	/**
	 * A new site with a fresh key, a fresh identity secret and default widget settings.
	 * @param name the site's name
	 * @param origins where the widget may run
	 * @param now the current time
	 * @return the site
	 */
	public static Site create(String name, List<AllowedOrigin> origins, Instant now) {
		return new Site(SiteId.random(), SiteKey.random(), name, origins, IdentityMode.OPTIONAL,
				IdentitySecret.generate(), WidgetSettings.defaults(), now, SearchLanguage.ENGLISH);
	}

	/**
	 * Whether a browser's {@code Origin} header is one of this site's allowed origins.
	 * @param originHeader the header's value, may be null
	 * @return true on an exact match
	 */
	public boolean allowsOrigin(@Nullable String originHeader) {
		return originHeader != null && this.allowedOrigins.stream().anyMatch((origin) -> origin.matches(originHeader));
	}

	/**
	 * Whether {@code signature} is the site's legacy HMAC-SHA256 of {@code externalId},
	 * as the site's own server computes it: lower-case hex of HMAC-SHA256(identity secret
	 * as UTF-8 bytes, external id as UTF-8 bytes). Compared in constant time. Always
	 * false unless the site switched {@link #legacyIdentity() legacy identity} on.
	 * @param externalId the site's id for the customer
	 * @param signature the hex signature the widget passed along
	 * @return true only for a valid signature
	 */
	public boolean vouchesFor(String externalId, @Nullable String signature) {
		return this.legacyIdentity && this.identitySecret.verifies(externalId, signature);
	}

	/**
	 * The same site with new settings; key, secret and id stay.
	 * @param name the name
	 * @param origins the allowed origins
	 * @param mode the identity mode
	 * @param widget the widget settings
	 * @return the changed site
	 */
	public Site withSettings(String name, List<AllowedOrigin> origins, IdentityMode mode, WidgetSettings widget) {
		return new Site(this.id, this.key, name, origins, mode, this.identitySecret, widget, this.createdAt,
				this.searchLanguage, this.legacyIdentity);
	}

	/**
	 * The same site searched in another language.
	 * @param language the language
	 * @return the changed site
	 */
	public Site withSearchLanguage(SearchLanguage language) {
		return new Site(this.id, this.key, this.name, this.allowedOrigins, this.identityMode, this.identitySecret,
				this.widget, this.createdAt, language, this.legacyIdentity);
	}

	/**
	 * The same site with the legacy form of vouching switched on or off.
	 * @param legacy whether HMAC signatures of the external id alone are accepted
	 * @return the changed site
	 */
	public Site withLegacyIdentity(boolean legacy) {
		return new Site(this.id, this.key, this.name, this.allowedOrigins, this.identityMode, this.identitySecret,
				this.widget, this.createdAt, this.searchLanguage, legacy);
	}

	/**
	 * The same site with a newly generated identity secret; the old one stops working.
	 * @return the changed site
	 */
	public Site withRotatedSecret() {
		return new Site(this.id, this.key, this.name, this.allowedOrigins, this.identityMode, IdentitySecret.generate(),
				this.widget, this.createdAt, this.searchLanguage, this.legacyIdentity);
	}

}
