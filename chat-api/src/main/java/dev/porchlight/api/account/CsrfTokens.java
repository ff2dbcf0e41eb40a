package dev.porchlight.api.account;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.web.csrf.CsrfToken;

/**
 * Signing in replaces the CSRF token (so a token planted before sign-in is useless). The
 * replacement is created lazily; reading it here makes the response carry the new
 * {@code XSRF-TOKEN} cookie, so the dashboard's next call already has it.
 */
final class CsrfTokens {

	private CsrfTokens() {
	}

	static void issueFresh(HttpServletRequest request) {
		if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token) {
			token.getToken();
		}
	}

}
