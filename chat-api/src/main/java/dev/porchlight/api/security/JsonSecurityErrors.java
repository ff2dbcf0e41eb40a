package dev.porchlight.api.security;

import java.io.IOException;

import dev.porchlight.api.web.ApiError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;

/**
 * Answers refused requests with the same JSON error body as every other failure: 401 for
 * "sign in first", 403 for "not yours" or a missing CSRF token.
 */
final class JsonSecurityErrors implements AuthenticationEntryPoint, AccessDeniedHandler {

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException {
		write(response, HttpServletResponse.SC_UNAUTHORIZED,
				new ApiError("unauthenticated", "Sign in, or send a valid token, to use this."));
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException accessDeniedException) throws IOException {
		ApiError error = (accessDeniedException instanceof CsrfException)
				? new ApiError("csrf_token_invalid", "The CSRF token is missing or stale; reload and try again.")
				: new ApiError("forbidden", "You are not allowed to do this.");
		write(response, HttpServletResponse.SC_FORBIDDEN, error);
	}

	static void write(HttpServletResponse response, int status, ApiError error) throws IOException {
		response.setStatus(status);
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		response.getWriter().write("{\"error\":\"" + error.error() + "\",\"message\":\"" + error.message() + "\"}");
	}

}
