package dev.porchlight.api.visitor;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.api.web.ClientAddress;
import dev.porchlight.api.web.PorchlightProperties;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.customer.Customer;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.ratelimit.RateLimit;
import dev.porchlight.domain.ratelimit.RateLimiter;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.SiteKey;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.site.WidgetSettings;
import dev.porchlight.domain.visitor.Visitors;
import jakarta.servlet.http.HttpServletRequest;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import org.jspecify.annotations.Nullable;

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

	private final RateLimit tokensPerSite;

	private final RateLimit tokensPerAddress;

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
		this.tokensPerSite = new RateLimit("visitor-session.site", properties.visitorSessionsPerSite(),
				Duration.ofMinutes(1));
		this.tokensPerAddress = new RateLimit("visitor-session.address", properties.visitorSessionsPerAddress(),
				Duration.ofMinutes(1));
	}

	/**
	 * Issues a visitor token, only to a page where the site's widget may run: the
	 * {@code Origin} must be one of the site's allowed origins, or Porchlight's own
	 * origin (the widget frame, which only the site's origins may embed).
	 */
	@PostMapping("/api/v1/visitor/session")
	VisitorSession start(@Valid @RequestBody VisitorSessionRequest request, HttpServletRequest http) {
		RateLimiter.Decision decision = this.limiter.tryAcquire(this.tokensPerAddress, ClientAddress.of(http));
		if (!decision.allowed()) {
			throw ApiException.tooManyRequests("rate_limited", "Too many requests; try again shortly.",
					decision.retryAfter());
		}
		Site site = site(request.siteKey());
		String origin = http.getHeader("Origin");
		if (!site.allowsOrigin(origin) && !this.properties.appOrigin().matches(origin)) {
			throw ApiException.forbidden("origin_not_allowed", "This site's widget may not run on this page.");
		}
		// After the address's own limit and only for a page the site's widget may run on:
		// what many addresses at once ask of one site.
		RateLimiter.Decision shared = this.limiter.tryAcquire(this.tokensPerSite, site.id().toString());
		if (!shared.allowed()) {
			throw ApiException.tooManyRequests("rate_limited", "Too many requests; try again shortly.",
					shared.retryAfter());
		}
		VisitorSessions.Started started = this.sessions.start(site, request);
		VisitorPrincipal principal = started.issued().principal();
		// Someone we know how to reach (an email from a form before, or on the record
		// the site vouches for, in any browser) is not shown the pre-chat form again.
		CustomerId known = (principal.customerId() != null) ? principal.customerId() : (started.newSecret() == null)
				? this.visitors.contactCustomer(principal.visitorId()).orElse(null) : null;
		boolean returning = known != null
				&& this.customers.findById(known).map((customer) -> customer.email() != null).orElse(false);
		return new VisitorSession(started.issued().token(), principal.expiresAt().toString(),
				principal.visitorId().toString(), started.newSecret(),
				started.identity().name().toLowerCase(Locale.ROOT), returning, publicSettings(site));
	}

	@GetMapping("/api/v1/visitor/me")
	VisitorMe me(@AuthenticationPrincipal VisitorPrincipal visitor) {
		KnownCustomer known = null;
		if (visitor.customerId() != null) {
			Customer customer = this.customers.findById(visitor.customerId()).orElseThrow();
			known = new KnownCustomer(customer.name(), (customer.email() != null) ? customer.email().value() : null);
		}
		return new VisitorMe(visitor.visitorId().toString(), visitor.siteId().toString(),
				visitor.expiresAt().toString(), known);
	}

	private Site site(String key) {
		try {
			return this.sites.findByKey(new SiteKey(key)).orElseThrow(() -> ApiException.notFound("site"));
		}
		catch (DomainException ex) {
			throw new ApiException(HttpStatus.NOT_FOUND, "not_found", "No such site.");
		}
	}

	private static PublicSite publicSettings(Site site) {
		WidgetSettings widget = site.widget();
		Instant now = Instant.now();
		// The widget tells the visitor when staff can see what they type (typingPreview),
		// and changes to or from its away state on time (hoursChangeAt: when openNow
		// flips next, null without business hours).
		return new PublicSite(site.name(), widget.colour(), widget.textColour(),
				widget.position().name().toLowerCase(Locale.ROOT), widget.greeting(), widget.awayMessage(),
				widget.preChatForm().name(), widget.typingPreview(), widget.businessHours().isOpenAt(now),
				widget.businessHours().nextChange(now).map(Instant::toString).orElse(null));
	}

	/**
	 * A visitor token and what the widget needs with it.
	 *
	 * @param token the visitor token
	 * @param expiresAt when the token expires; ask again before then
	 * @param visitorId the visitor
	 * @param visitorSecret only for a new visitor: the secret to continue as them later,
	 * shown once
	 * @param identity what became of the identity passed along
	 * @param returning whether an email of the visitor is known, from a form before or on
	 * the record the site vouches for: skip the pre-chat form
	 * @param site the site's public settings
	 */
	record VisitorSession(String token, String expiresAt, String visitorId,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String visitorSecret, @Schema(allowableValues = {
					"none", "verified", "unverified", "ignored" }) String identity,
			boolean returning, PublicSite site){

		@Override
		public String toString() {
			return "VisitorSession[" + this.visitorId + ", redacted]";
		}

	}

	/**
	 * What the widget shows of a site.
	 *
	 * @param name the site's name
	 * @param colour the theme colour
	 * @param textColour black or white, whichever reads better on the theme colour
	 * @param position the corner of the chat bubble
	 * @param greeting the greeting
	 * @param awayMessage shown when nobody answers
	 * @param preChatForm what is asked before the first message
	 * @param typingPreview whether staff see what the visitor types before it is sent
	 * @param openNow false outside the site's business hours
	 * @param hoursChangeAt when {@code openNow} changes next, null without business hours
	 */
	record PublicSite(String name, String colour, String textColour, @Schema(allowableValues = {
			"right", "left" }) String position, String greeting, String awayMessage,
			@Schema(allowableValues = { "NONE", "OPTIONAL_EMAIL", "REQUIRED_EMAIL" }) String preChatForm,
			boolean typingPreview, boolean openNow, @Nullable String hoursChangeAt){
	}

	/**
	 * The visitor a token stands for.
	 *
	 * @param visitorId the visitor
	 * @param siteId their site
	 * @param expiresAt when the token expires
	 * @param customer the customer the site vouched for, null for anyone else
	 */
	record VisitorMe(String visitorId, String siteId, String expiresAt, @Nullable KnownCustomer customer) {
	}

	/**
	 * What a vouched-for visitor sees of their customer record.
	 *
	 * @param name their name
	 * @param email their email
	 */
	record KnownCustomer(@Nullable String name, @Nullable String email) {
	}

}
