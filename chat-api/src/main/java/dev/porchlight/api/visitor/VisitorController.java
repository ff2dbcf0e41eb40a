package dev.porchlight.api.visitor;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.porchlight.api.web.ApiException;
import dev.porchlight.api.web.ClientAddress;
import dev.porchlight.api.web.PorchlightProperties;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.customer.Customer;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.ratelimit.RateLimit;
import dev.porchlight.domain.ratelimit.RateLimiter;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.SiteKey;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.site.WidgetSettings;
import dev.porchlight.domain.visitor.Visitors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The visitor API the widget calls: get a token, and read what the token grants.
 */
@RestController
class VisitorController {

	static final RateLimit TOKENS_PER_ADDRESS = new RateLimit("visitor-session.address", 30, Duration.ofMinutes(1));

	private final Sites sites;

	private final Customers customers;

	private final VisitorSessions sessions;

	private final RateLimiter limiter;

	private final PorchlightProperties properties;

	private final Visitors visitors;

	VisitorController(Sites sites, Customers customers, VisitorSessions sessions, RateLimiter limiter,
			PorchlightProperties properties, Visitors visitors) {
		this.visitors = visitors;
		this.sites = sites;
		this.customers = customers;
		this.sessions = sessions;
		this.limiter = limiter;
		this.properties = properties;
	}

	/**
	 * Issues a visitor token, only to a page where the site's widget may run: the
	 * {@code Origin} must be one of the site's allowed origins, or Porchlight's own
	 * origin (the widget frame, which only the site's origins may embed).
	 */
	@PostMapping("/api/v1/visitor/session")
	Map<String, Object> start(@Valid @RequestBody VisitorSessionRequest request, HttpServletRequest http) {
		RateLimiter.Decision decision = this.limiter.tryAcquire(TOKENS_PER_ADDRESS, ClientAddress.of(http));
		if (!decision.allowed()) {
			throw ApiException.tooManyRequests("rate_limited", "Too many requests; try again shortly.",
					decision.retryAfter());
		}
		Site site = site(request.siteKey());
		String origin = http.getHeader("Origin");
		if (!site.allowsOrigin(origin) && !this.properties.appOrigin().matches(origin)) {
			throw ApiException.forbidden("origin_not_allowed", "This site's widget may not run on this page.");
		}
		VisitorSessions.Started started = this.sessions.start(site, request);
		VisitorPrincipal principal = started.issued().principal();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("token", started.issued().token());
		body.put("expiresAt", principal.expiresAt().toString());
		body.put("visitorId", principal.visitorId().toString());
		if (started.newSecret() != null) {
			body.put("visitorSecret", started.newSecret());
		}
		body.put("identity", started.identity().name().toLowerCase(java.util.Locale.ROOT));
		// Someone who already told us how to reach them (a form before, or the site's
		// signature) is not shown the pre-chat form again, whatever the browser forgot.
		body.put("returning", started.newSecret() == null && (principal.customerId() != null
				|| this.visitors.contactCustomer(principal.visitorId()).isPresent()));
		body.put("site", publicSettings(site));
		return body;
	}

	@GetMapping("/api/v1/visitor/me")
	Map<String, Object> me(@AuthenticationPrincipal VisitorPrincipal visitor) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("visitorId", visitor.visitorId().toString());
		body.put("siteId", visitor.siteId().toString());
		body.put("expiresAt", visitor.expiresAt().toString());
		if (visitor.customerId() != null) {
			Customer customer = this.customers.findById(visitor.customerId()).orElseThrow();
			Map<String, Object> known = new LinkedHashMap<>();
			known.put("name", customer.name());
			known.put("email", (customer.email() != null) ? customer.email().value() : null);
			body.put("customer", known);
		}
		else {
			body.put("customer", null);
		}
		return body;
	}

	private Site site(String key) {
		try {
			return this.sites.findByKey(new SiteKey(key)).orElseThrow(() -> ApiException.notFound("site"));
		}
		catch (DomainException ex) {
			throw new ApiException(HttpStatus.NOT_FOUND, "not_found", "No such site.");
		}
	}

	private static Map<String, Object> publicSettings(Site site) {
		WidgetSettings widget = site.widget();
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put("name", site.name());
		settings.put("colour", widget.colour());
		settings.put("textColour", widget.textColour());
		settings.put("position", widget.position().name().toLowerCase(java.util.Locale.ROOT));
		settings.put("greeting", widget.greeting());
		settings.put("awayMessage", widget.awayMessage());
		settings.put("preChatForm", widget.preChatForm().name());
		// The widget tells the visitor when staff can see what they type.
		settings.put("typingPreview", widget.typingPreview());
		Instant now = Instant.now();
		settings.put("openNow", widget.businessHours().isOpenAt(now));
		// When openNow flips next (null without business hours), so the widget changes to
		// or from its away state on time.
		settings.put("hoursChangeAt", widget.businessHours().nextChange(now).map(Instant::toString).orElse(null));
		return settings;
	}

}
