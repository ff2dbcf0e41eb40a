package dev.porchlight.api.security;

import java.util.List;

import dev.porchlight.api.visitor.VisitorTokenAuthenticationFilter;
import dev.porchlight.api.visitor.VisitorTokens;
import dev.porchlight.api.web.PorchlightProperties;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.visitor.Revocations;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.AccountStatusUserDetailsChecker;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.session.ChangeSessionIdAuthenticationStrategy;
import org.springframework.security.web.authentication.session.CompositeSessionAuthenticationStrategy;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfAuthenticationStrategy;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * Who may call what. The main filter chains:
 * <ul>
 * <li>the visitor API ({@code /api/v1/visitor/**}): stateless, authenticated by a visitor
 * token in the {@code Authorization} header, callable cross-origin from the sites'
 * allowed origins only, no cookies (so no CSRF);</li>
 * <li>the widget's chat frame ({@code /widget/frame}): embeddable by the site's origins
 * only, stateless;</li>
 * <li>the visitor's WebSocket upgrade ({@code /ws/v1/visitor}): stateless, checked by its
 * handshake interceptor;</li>
 * <li>everything else: staff sessions (a cookie stored in Redis, shared by all nodes),
 * CSRF protection for every state-changing call, session-fixation protection, and default
 * deny for anything not listed.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	/**
	 * Nothing Porchlight serves needs these: the dashboard, the visitor API and the
	 * widget frame all say so.
	 */
	static final String PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()";

	/** One repository for the filter and for sign-in, which replaces the token. */
	private static final SessionBoundCsrfTokenRepository CSRF_TOKENS = new SessionBoundCsrfTokenRepository();

	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
			+ "form-action 'self'; frame-ancestors 'none'";

	@Bean
	@Order(1)
	SecurityFilterChain visitorApi(HttpSecurity http, VisitorTokens tokens, Revocations revocations, Sites sites,
			PorchlightProperties porchlight) throws Exception {
		withoutCookies(http).securityMatcher("/api/v1/visitor/**")
			.cors((cors) -> cors
				.configurationSource(new SiteOriginsCorsConfigurationSource(sites, porchlight.appOrigin())))
			.addFilterBefore(new VisitorTokenAuthenticationFilter(tokens, revocations), BasicAuthenticationFilter.class)
			.authorizeHttpRequests((authorize) -> authorize.requestMatchers(HttpMethod.POST, "/api/v1/visitor/session")
				.permitAll()
				.requestMatchers(HttpMethod.GET, "/api/v1/visitor/widget/*")
				.permitAll()
				.requestMatchers(HttpMethod.OPTIONS, "/api/v1/visitor/**")
				.permitAll()
				.anyRequest()
				.hasRole("VISITOR"))
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
				.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN))
				.permissionsPolicyHeader((permissions) -> permissions.policy(PERMISSIONS_POLICY)));
		return http.build();
	}

	/**
	 * The widget's chat frame: embeddable, but only by the origin the controller names in
	 * its own {@code frame-ancestors} policy (so no {@code X-Frame-Options} here, and the
	 * controller writes the Content-Security-Policy). No session, no cookies.
	 */
	@Bean
	@Order(2)
	SecurityFilterChain widgetFrame(HttpSecurity http) throws Exception {
		withoutCookies(http).securityMatcher("/widget/frame")
			.authorizeHttpRequests((authorize) -> authorize.requestMatchers(HttpMethod.GET, "/widget/frame")
				.permitAll()
				.anyRequest()
				.denyAll())
			.headers((headers) -> headers.frameOptions((frame) -> frame.disable())
				.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.NO_REFERRER))
				.permissionsPolicyHeader((permissions) -> permissions.policy(PERMISSIONS_POLICY)));
		return http.build();
	}

	/**
	 * What mail brings in: the provider webhook (its HMAC signature is checked by the
	 * controller) and the opt-out link of every email (its signed token is the
	 * authorisation). No session, no cookies, no CSRF token.
	 */
	@Bean
	@Order(3)
	SecurityFilterChain mail(HttpSecurity http) throws Exception {
		withoutCookies(http).securityMatcher("/api/v1/email/inbound", "/email/opt-out")
			.authorizeHttpRequests((authorize) -> authorize.requestMatchers(HttpMethod.POST, "/api/v1/email/inbound")
				.permitAll()
				.requestMatchers(HttpMethod.GET, "/email/opt-out")
				.permitAll()
				.requestMatchers(HttpMethod.POST, "/email/opt-out")
				.permitAll()
				.anyRequest()
				.denyAll())
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
				.frameOptions((frame) -> frame.deny())
				.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.NO_REFERRER))
				.permissionsPolicyHeader((permissions) -> permissions.policy(PERMISSIONS_POLICY)));
		return http.build();
	}

	/**
	 * Attachment files (docs/attachments.md): a signed, expiring link is the
	 * authorisation (checked by the controller), so no cookie is read and none is set,
	 * and a file can never run as a page of Porchlight's origin.
	 */
	@Bean
	@Order(3)
	SecurityFilterChain files(HttpSecurity http) throws Exception {
		withoutCookies(http).securityMatcher("/files/**")
			.anonymous((anonymous) -> anonymous.disable())
			.authorizeHttpRequests((authorize) -> authorize.requestMatchers(HttpMethod.GET, "/files/**")
				.permitAll()
				.anyRequest()
				.denyAll())
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(FILES_POLICY))
				.cacheControl((cache) -> cache.disable())
				.frameOptions((frame) -> frame.deny())
				.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.NO_REFERRER))
				.permissionsPolicyHeader((permissions) -> permissions.policy(PERMISSIONS_POLICY)));
		return http.build();
	}

	/**
	 * The visitor's WebSocket upgrade: its handshake interceptor checks the visitor token
	 * and the origin itself ({@code VisitorHandshakeInterceptor}), and a visitor has no
	 * cookie, so nothing here reads or writes one: no session, no CSRF token (the
	 * application chain would mint and set one on every upgrade), no anonymous
	 * authentication. Every visitor's page load opens one of these, so it stays short.
	 */
	@Bean
	@Order(3)
	SecurityFilterChain visitorSocket(HttpSecurity http) throws Exception {
		withoutCookies(http).securityMatcher("/ws/v1/visitor")
			.anonymous((anonymous) -> anonymous.disable())
			.authorizeHttpRequests((authorize) -> authorize.requestMatchers(HttpMethod.GET, "/ws/v1/visitor")
				.permitAll()
				.anyRequest()
				.denyAll())
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
				.frameOptions((frame) -> frame.deny())
				.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN))
				.permissionsPolicyHeader((permissions) -> permissions.policy(PERMISSIONS_POLICY)));
		return http.build();
	}

	/**
	 * Spring Security's own observations (a timer around every filter of every request,
	 * and around every authorisation) are off: nothing reads them, and on the visitor's
	 * upgrade they cost more than the filters they time. Requests are still timed by
	 * {@code http.server.requests}.
	 */
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	/** A file served never runs anything, even opened as a page of its own. */
	static final String FILES_POLICY = "default-src 'none'; sandbox";

	@Bean
	@Order(4)
	SecurityFilterChain application(HttpSecurity http) throws Exception {
		JsonSecurityErrors errors = new JsonSecurityErrors();
		http.csrf((csrf) -> csrf.spa().csrfTokenRepository(CSRF_TOKENS))
			.sessionManagement((session) -> session.sessionFixation((fixation) -> fixation.changeSessionId()))
			.requestCache((cache) -> cache.disable())
			.authorizeHttpRequests((authorize) -> authorize
				// Static pages and assets: the pages themselves hold no data; their API
				// calls are checked.
				.requestMatchers(HttpMethod.GET, "/", "/index.html", "/favicon.ico", "/assets/**", "/app/**",
						"/widget.js", "/widget/**", "/shared/**")
				.permitAll()
				.requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**", "/actuator/prometheus",
						"/actuator/info")
				.permitAll()
				.requestMatchers(HttpMethod.GET, "/api/v1/openapi", "/api/v1/openapi/**")
				.permitAll()
				.requestMatchers("/error")
				.permitAll()
				// Sign-in and the CSRF token: open to everyone.
				.requestMatchers(HttpMethod.GET, "/api/v1/session")
				.permitAll()
				.requestMatchers(HttpMethod.POST, "/api/v1/session")
				.permitAll()
				// Signed in, even with a password that must change first.
				.requestMatchers(HttpMethod.DELETE, "/api/v1/session")
				.authenticated()
				.requestMatchers("/api/v1/me", "/api/v1/me/**")
				.authenticated()
				// Reading sites: all staff; everything else about accounts, sites and
				// audit: the owner.
				.requestMatchers(HttpMethod.GET, "/api/v1/sites", "/api/v1/sites/*")
				.hasAnyRole("OWNER", "AGENT")
				.requestMatchers("/api/v1/sites", "/api/v1/sites/**")
				.hasRole("OWNER")
				.requestMatchers(HttpMethod.GET, "/api/v1/search/**")
				.hasAnyRole("OWNER", "AGENT")
				.requestMatchers("/api/v1/customers/**", "/api/v1/conversations/**", "/api/v1/canned-responses",
						"/api/v1/canned-responses/**")
				.hasAnyRole("OWNER", "AGENT")
				// Insights: staff, for the sites they serve; counting everything again:
				// the
				// owner.
				.requestMatchers(HttpMethod.POST, "/api/v1/insights/rebuild")
				.hasRole("OWNER")
				.requestMatchers("/api/v1/insights/**")
				.hasAnyRole("OWNER", "AGENT")
				.requestMatchers(HttpMethod.GET, "/api/v1/team")
				.hasAnyRole("OWNER", "AGENT")
				.requestMatchers("/api/v1/accounts", "/api/v1/accounts/**")
				.hasRole("OWNER")
				.requestMatchers("/api/v1/audit", "/api/v1/audit/**")
				.hasRole("OWNER")
				.requestMatchers("/api/v1/email", "/api/v1/email/**")
				.hasRole("OWNER")
				// The staff WebSocket: its handshake interceptor checks the origin itself
				// (the visitor's has a chain of its own, above).
				.requestMatchers(HttpMethod.GET, "/ws/v1/staff")
				.hasAnyRole("OWNER", "AGENT")
				.anyRequest()
				.denyAll())
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(errors).accessDeniedHandler(errors))
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
				.frameOptions((frame) -> frame.deny())
				.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN))
				.permissionsPolicyHeader((permissions) -> permissions.policy(PERMISSIONS_POLICY)));
		return http.build();
	}

	/**
	 * What every chain without staff sessions shares: no session is created or read, no
	 * CSRF token (there is no cookie to ride on), no saved request, a security context
	 * that is never stored, and errors as JSON.
	 */
	private static HttpSecurity withoutCookies(HttpSecurity http) throws Exception {
		JsonSecurityErrors errors = new JsonSecurityErrors();
		return http.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable())
			.securityContext((context) -> context.requireExplicitSave(true))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(errors).accessDeniedHandler(errors));
	}

	@Bean
	AuthenticationManager authenticationManager(UserDetailsService users, PasswordEncoder encoder) {
		DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
		provider.setPasswordEncoder(encoder);
		// The password first, then whether the account is disabled: checked the other way
		// round (Spring's default), a disabled account answered without the password
		// hash's work, so a quick answer told it apart from a wrong password.
		provider.setPreAuthenticationChecks((user) -> {
		});
		provider.setPostAuthenticationChecks(new AccountStatusUserDetailsChecker());
		return new ProviderManager(provider);
	}

	@Bean
	SecurityContextRepository securityContextRepository() {
		return new HttpSessionSecurityContextRepository();
	}

	/**
	 * What happens to the session at sign-in: a new session id (fixation protection) and
	 * a new CSRF token.
	 */
	@Bean
	SessionAuthenticationStrategy sessionAuthenticationStrategy() {
		return new CompositeSessionAuthenticationStrategy(
				List.of(new ChangeSessionIdAuthenticationStrategy(), new CsrfAuthenticationStrategy(CSRF_TOKENS)));
	}

}
