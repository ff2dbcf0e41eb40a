package dev.porchlight.api.site;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.security.Actor;
import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.account.Role;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.BusinessHours;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.site.WidgetSettings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The owner's sites. All staff may read them; only owners see the identity secret and may
 * change anything (enforced by the security rules, and the secret also here).
 */
@RestController
class SiteController {

	private final SiteManagement sites;

	SiteController(SiteManagement sites) {
		this.sites = sites;
	}

	@GetMapping("/api/v1/sites")
	List<Map<String, Object>> list(@AuthenticationPrincipal StaffPrincipal staff) {
		return this.sites.all()
			.stream()
			.filter((site) -> staff.serves(site.id()))
			.map((site) -> view(site, staff))
			.toList();
	}

	@GetMapping("/api/v1/sites/{id}")
	Map<String, Object> get(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id) {
		SiteId site = SiteId.parse(id);
		if (!staff.serves(site)) {
			throw ApiException.notFound("site");
		}
		return view(this.sites.get(site), staff);
	}

	@PostMapping("/api/v1/sites")
	@ResponseStatus(HttpStatus.CREATED)
	Map<String, Object> create(@AuthenticationPrincipal StaffPrincipal owner,
			@Valid @RequestBody SiteRequests.NewSite request, HttpServletRequest http) {
		return view(this.sites.create(Actor.of(owner, http), request, http.getHeader(HttpHeaders.ACCEPT_LANGUAGE)),
				owner);
	}

	@PatchMapping("/api/v1/sites/{id}")
	Map<String, Object> update(@AuthenticationPrincipal StaffPrincipal owner, @PathVariable String id,
			@Valid @RequestBody SiteRequests.SiteUpdate update, HttpServletRequest http) {
		return view(this.sites.update(Actor.of(owner, http), SiteId.parse(id), update), owner);
	}

	@PostMapping("/api/v1/sites/{id}/identity-secret")
	Map<String, Object> rotateSecret(@AuthenticationPrincipal StaffPrincipal owner, @PathVariable String id,
			HttpServletRequest http) {
		return view(this.sites.rotateSecret(Actor.of(owner, http), SiteId.parse(id)), owner);
	}

	static Map<String, Object> view(Site site, StaffPrincipal viewer) {
		WidgetSettings widget = site.widget();
		Map<String, Object> hours = new LinkedHashMap<>();
		hours.put("zone", widget.businessHours().zone().getId());
		hours.put("weekly", widget.businessHours().weekly().stream().map(BusinessHours.Opening::toString).toList());
		Map<String, Object> widgetView = new LinkedHashMap<>();
		widgetView.put("colour", widget.colour());
		widgetView.put("position", widget.position().name());
		widgetView.put("greeting", widget.greeting());
		widgetView.put("awayMessage", widget.awayMessage());
		widgetView.put("preChatForm", widget.preChatForm().name());
		widgetView.put("typingPreview", widget.typingPreview());
		widgetView.put("businessHours", hours);
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("id", site.id().toString());
		view.put("siteKey", site.key().value());
		view.put("name", site.name());
		view.put("allowedOrigins", site.allowedOrigins().stream().map(AllowedOrigin::value).toList());
		view.put("identityMode", site.identityMode().name());
		view.put("legacyIdentity", site.legacyIdentity());
		if (viewer.role() == Role.OWNER) {
			view.put("identitySecret", site.identitySecret().value());
		}
		view.put("widget", widgetView);
		// Whether the widget shows its away state by the business hours now, and when
		// that changes next (null without business hours): the dashboard shows it.
		Instant now = Instant.now();
		view.put("openNow", widget.businessHours().isOpenAt(now));
		view.put("hoursChangeAt", widget.businessHours().nextChange(now).map(Instant::toString).orElse(null));
		view.put("searchLanguage", site.searchLanguage().id());
		view.put("createdAt", site.createdAt().toString());
		return view;
	}

}
