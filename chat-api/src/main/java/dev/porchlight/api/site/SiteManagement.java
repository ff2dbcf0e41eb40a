package dev.porchlight.api.site;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.porchlight.api.security.Actor;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.search.SearchIndex;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.BusinessHours;
import dev.porchlight.domain.site.IdentityMode;
import dev.porchlight.domain.site.LauncherPosition;
import dev.porchlight.domain.site.PreChatForm;
import dev.porchlight.domain.site.SearchLanguage;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.site.WidgetSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/**
 * Creating and changing sites, each change audited (never with the secret in it).
 */
@Service
class SiteManagement {

	private final Sites sites;

	private final AuditLog audit;

	private final SearchIndex searchIndex;

	private final Clock clock = Clock.systemUTC();

	SiteManagement(Sites sites, AuditLog audit, SearchIndex searchIndex) {
		this.sites = sites;
		this.audit = audit;
		this.searchIndex = searchIndex;
	}

	List<Site> all() {
		return this.sites.all();
	}

	Site get(SiteId id) {
		return this.sites.findById(id).orElseThrow(() -> ApiException.notFound("site"));
	}

	/**
	 * A new site. Its search language is the one asked for, else the language of the
	 * owner's browser (most shops speak their owner's language), else English.
	 */
	Site create(Actor actor, SiteRequests.NewSite request, @Nullable String acceptLanguage) {
		SearchLanguage language = (request.searchLanguage() != null) ? SearchLanguage.parse(request.searchLanguage())
				: SearchLanguage.ofLocale(acceptLanguage).orElse(SearchLanguage.ENGLISH);
		Site site = Site.create(request.name(), origins(request.allowedOrigins()), this.clock.instant())
			.withSearchLanguage(language);
		this.sites.add(site);
		record(actor, "site.created", site, Map.of("name", site.name()));
		return site;
	}

	Site update(Actor actor, SiteId id, SiteRequests.SiteUpdate update) {
		Site site = get(id);
		List<String> changed = new ArrayList<>();
		String name = site.name();
		if (update.name() != null) {
			name = update.name();
			changed.add("name");
		}
		List<AllowedOrigin> origins = site.allowedOrigins();
		if (update.allowedOrigins() != null) {
			origins = origins(update.allowedOrigins());
			changed.add("allowedOrigins");
		}
		IdentityMode mode = site.identityMode();
		if (update.identityMode() != null) {
			mode = parse(IdentityMode.class, update.identityMode(), "identity_mode",
					"The identity mode is OFF, OPTIONAL or ENFORCED.");
			changed.add("identityMode");
		}
		WidgetSettings widget = site.widget();
		if (update.widget() != null) {
			widget = widget(widget, update.widget());
			changed.add("widget");
		}
		SearchLanguage language = site.searchLanguage();
		if (update.searchLanguage() != null) {
			language = SearchLanguage.parse(update.searchLanguage());
			changed.add("searchLanguage");
		}
		boolean legacy = site.legacyIdentity();
		if (update.legacyIdentity() != null) {
			legacy = update.legacyIdentity();
			changed.add("legacyIdentity");
		}
		Site updated = site.withSettings(name, origins, mode, widget)
			.withSearchLanguage(language)
			.withLegacyIdentity(legacy);
		this.sites.update(updated);
		record(actor, "site.updated", updated, Map.of("changed", String.join(",", changed)));
		if (language != site.searchLanguage()) {
			// Archived messages keep the language they were indexed in until this.
			this.searchIndex.reindex(updated.id());
		}
		return updated;
	}

	Site rotateSecret(Actor actor, SiteId id) {
		Site rotated = get(id).withRotatedSecret();
		this.sites.update(rotated);
		record(actor, "site.secret_rotated", rotated, Map.of());
		return rotated;
	}

	private static WidgetSettings widget(WidgetSettings current, SiteRequests.WidgetUpdate update) {
		BusinessHours hours = current.businessHours();
		if (update.businessHours() != null) {
			List<String> weekly = update.businessHours().weekly();
			if (weekly == null) {
				throw new DomainException("invalid_business_hours",
						"Business hours list their opening intervals (an empty list: none).");
			}
			hours = new BusinessHours(BusinessHours.zone(update.businessHours().zone()),
					weekly.stream().map(BusinessHours.Opening::parse).toList());
		}
		PreChatForm form = (update.preChatForm() != null) ? parse(PreChatForm.class, update.preChatForm(),
				"pre_chat_form", "The pre-chat form is NONE, OPTIONAL_EMAIL or REQUIRED_EMAIL.")
				: current.preChatForm();
		LauncherPosition position = (update.position() != null)
				? parse(LauncherPosition.class, update.position(), "position", "The position is RIGHT or LEFT.")
				: current.position();
		return new WidgetSettings(or(update.colour(), current.colour()), position,
				or(update.greeting(), current.greeting()), or(update.awayMessage(), current.awayMessage()), form,
				(update.typingPreview() != null) ? update.typingPreview() : current.typingPreview(), hours);
	}

	private static List<AllowedOrigin> origins(@Nullable List<String> origins) {
		return (origins != null) ? origins.stream().map(AllowedOrigin::new).toList() : List.of();
	}

	private static String or(@Nullable String value, String fallback) {
		return (value != null) ? value : fallback;
	}

	private static <E extends Enum<E>> E parse(Class<E> type, String value, String field, String message) {
		try {
			return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new DomainException("invalid_" + field, message);
		}
	}

	private void record(Actor actor, String action, Site site, Map<String, String> details) {
		this.audit.record(actor.did(this.clock.instant(), action, "site:" + site.id(), details));
	}

}
