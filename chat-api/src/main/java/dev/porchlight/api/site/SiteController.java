package dev.porchlight.api.site;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
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
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import org.jspecify.annotations.Nullable;

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
	List<SiteView> list(@AuthenticationPrincipal StaffPrincipal staff) {
		return this.sites.all()
			.stream()
			.filter((site) -> staff.serves(site.id()))
			.map((site) -> view(site, staff))
			.toList();
	}

	@GetMapping("/api/v1/sites/{id}")
	SiteView get(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id) {
		SiteId site = SiteId.parse(id);
		if (!staff.serves(site)) {
			throw ApiException.notFound("site");
		}
		return view(this.sites.get(site), staff);
	}

	@PostMapping("/api/v1/sites")
	@ResponseStatus(HttpStatus.CREATED)
	SiteView create(@AuthenticationPrincipal StaffPrincipal owner, @Valid @RequestBody SiteRequests.NewSite request,
			HttpServletRequest http) {
		return view(this.sites.create(Actor.of(owner, http), request, http.getHeader(HttpHeaders.ACCEPT_LANGUAGE)),
				owner);
	}

	@PatchMapping("/api/v1/sites/{id}")
	SiteView update(@AuthenticationPrincipal StaffPrincipal owner, @PathVariable String id,
			@Valid @RequestBody SiteRequests.SiteUpdate update, HttpServletRequest http) {
		return view(this.sites.update(Actor.of(owner, http), SiteId.parse(id), update), owner);
	}

	@PostMapping("/api/v1/sites/{id}/identity-secret")
	SiteView rotateSecret(@AuthenticationPrincipal StaffPrincipal owner, @PathVariable String id,
			HttpServletRequest http) {
		return view(this.sites.rotateSecret(Actor.of(owner, http), SiteId.parse(id)), owner);
	}

	static SiteView view(Site site, StaffPrincipal viewer) {
		WidgetSettings widget = site.widget();
		BusinessHoursView hours = new BusinessHoursView(widget.businessHours().zone().getId(),
				widget.businessHours().weekly().stream().map(BusinessHours.Opening::toString).toList());
		WidgetView widgetView = new WidgetView(widget.colour(), widget.position().name(), widget.greeting(),
				widget.awayMessage(), widget.preChatForm().name(), widget.typingPreview(), hours);
		// Whether the widget shows its away state by the business hours now, and when
		// that changes next (null without business hours): the dashboard shows it.
		Instant now = Instant.now();
		return new SiteView(site.id().toString(), site.key().value(), site.name(),
				site.allowedOrigins().stream().map(AllowedOrigin::value).toList(), site.identityMode().name(),
				site.legacyIdentity(), (viewer.role() == Role.OWNER) ? site.identitySecret().value() : null, widgetView,
				widget.businessHours().isOpenAt(now),
				widget.businessHours().nextChange(now).map(Instant::toString).orElse(null), site.searchLanguage().id(),
				site.createdAt().toString());
	}

	/**
	 * A site as staff see it.
	 *
	 * @param id the site id
	 * @param siteKey the public key the widget is installed with
	 * @param name the site's name
	 * @param allowedOrigins the origins the widget may run on
	 * @param identityMode {@code OFF}, {@code OPTIONAL} or {@code ENFORCED}
	 * @param legacyIdentity whether the legacy signature of the id alone is accepted
	 * @param identitySecret the secret that signs identity tokens: owners only
	 * @param widget how the widget looks and behaves
	 * @param openNow whether the widget is open by the business hours now
	 * @param hoursChangeAt when {@code openNow} changes next, null without business hours
	 * @param searchLanguage the language the site's conversations are searched in
	 * @param createdAt when the site was created
	 */
	record SiteView(String id, String siteKey, String name, List<String> allowedOrigins, @Schema(allowableValues = {
			"OFF", "OPTIONAL", "ENFORCED" }) String identityMode, boolean legacyIdentity,
			@Schema(description = "Owners only.") @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String identitySecret,
			WidgetView widget, boolean openNow, @Nullable String hoursChangeAt, String searchLanguage,
			String createdAt){

		@Override
		public String toString() {
			return "SiteView[" + this.id + ", redacted]";
		}

	}

	/**
	 * The widget's settings.
	 *
	 * @param colour the theme colour, {@code #rrggbb}
	 * @param position the corner of the chat bubble
	 * @param greeting the greeting
	 * @param awayMessage shown when nobody answers
	 * @param preChatForm what is asked before the first message
	 * @param typingPreview whether staff see drafts while they are typed
	 * @param businessHours when the business answers
	 */
	record WidgetView(String colour, @Schema(allowableValues = {
			"RIGHT", "LEFT" }) String position, String greeting, String awayMessage,
			@Schema(allowableValues = { "NONE", "OPTIONAL_EMAIL", "REQUIRED_EMAIL" }) String preChatForm,
			boolean typingPreview, BusinessHoursView businessHours){
	}

	/**
	 * Business hours.
	 *
	 * @param zone the time zone, e.g. {@code Europe/Berlin}
	 * @param weekly openings such as {@code MONDAY 09:00-17:30}
	 */
	record BusinessHoursView(String zone, List<String> weekly) {
	}

}
