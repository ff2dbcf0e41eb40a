package dev.porchlight.api.security;

import java.time.Duration;
import java.util.List;

import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;

/**
 * Lets a browser call the visitor API from a host page only when the page's origin is on
 * some site's exact allow-list. Which site the call is for is checked again by the
 * endpoint itself. No credentials (cookies) are ever allowed cross-origin.
 * <p>
 * One exception: the launcher's look ({@code GET /api/v1/visitor/widget/{key}}) may be
 * read from any origin, so that its refusal of a page that is not allowed reaches the
 * loader, which prints it in the console (otherwise the browser reports only "Failed to
 * fetch" and the installer is left guessing). The look is public, and the refusal says no
 * more than the missing widget does.
 */
final class SiteOriginsCorsConfigurationSource implements CorsConfigurationSource {

	private static final String WIDGET_LOOK = "/api/v1/visitor/widget/";

	private final Sites sites;

	private final AllowedOrigin appOrigin;

	SiteOriginsCorsConfigurationSource(Sites sites, AllowedOrigin appOrigin) {
		this.sites = sites;
		this.appOrigin = appOrigin;
	}

	@Override
	public @Nullable CorsConfiguration getCorsConfiguration(HttpServletRequest request) {
		String origin = request.getHeader("Origin");
		if (origin == null) {
			return null;
		}
		if ("GET".equals(request.getMethod()) && request.getRequestURI().startsWith(WIDGET_LOOK)) {
			CorsConfiguration look = new CorsConfiguration();
			look.setAllowedOrigins(List.of(origin));
			look.setAllowedMethods(List.of("GET"));
			look.setAllowCredentials(false);
			return look;
		}
		if (this.appOrigin.matches(origin)) {
			// The widget frame's own calls (every visitor's token request): the browser
			// sees them as same-origin and needs no grant; without this, each would read
			// every site. (Porchlight sees them as cross-origin only when the Host it is
			// reached by is not its public address, as behind some proxies.)
			return null;
		}
		List<Site> all = this.sites.all();
		if (all.stream().noneMatch((site) -> site.allowsOrigin(origin))) {
			return null;
		}
		CorsConfiguration configuration = new CorsConfiguration();
		configuration.setAllowedOrigins(List.of(origin));
		configuration.setAllowedMethods(List.of("GET", "POST", "DELETE"));
		configuration.setAllowedHeaders(List.of("Authorization", "Content-Type"));
		configuration.setAllowCredentials(false);
		configuration.setMaxAge(Duration.ofMinutes(10));
		return configuration;
	}

}
