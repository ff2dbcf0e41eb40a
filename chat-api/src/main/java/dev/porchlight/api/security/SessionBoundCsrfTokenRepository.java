package dev.porchlight.api.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;

/**
 * The CSRF token of a signed-in staff member lives in their session; the
 * {@code XSRF-TOKEN} cookie only carries it to the dashboard's script. A plain
 * double-submit cookie would accept any cookie and header that match, so whoever can
 * plant a cookie for this host (a sibling subdomain, a network on plain HTTP) could
 * choose the token; bound to the session, a planted cookie matches nothing.
 *
 * <p>
 * Before sign-in there is no session and none is created for the token (an anonymous
 * session per visit of the sign-in page would be state anyone could make the server
 * hold): the sign-in call is checked as a double-submit cookie, and signing in issues a
 * new token into the new session.
 */
final class SessionBoundCsrfTokenRepository implements CsrfTokenRepository {

	static final String HEADER = "X-XSRF-TOKEN";

	private final HttpSessionCsrfTokenRepository session = new HttpSessionCsrfTokenRepository();

	private final CookieCsrfTokenRepository cookie = CookieCsrfTokenRepository.withHttpOnlyFalse();

	SessionBoundCsrfTokenRepository() {
		this.session.setHeaderName(HEADER);
		this.cookie.setHeaderName(HEADER);
	}

	@Override
	public CsrfToken generateToken(HttpServletRequest request) {
		return this.cookie.generateToken(request);
	}

	@Override
	public void saveToken(@Nullable CsrfToken token, HttpServletRequest request, HttpServletResponse response) {
		if (request.getSession(false) != null) {
			this.session.saveToken(token, request, response);
		}
		this.cookie.saveToken(token, request, response);
	}

	@Override
	public @Nullable CsrfToken loadToken(HttpServletRequest request) {
		return (request.getSession(false) != null) ? this.session.loadToken(request) : this.cookie.loadToken(request);
	}

}
