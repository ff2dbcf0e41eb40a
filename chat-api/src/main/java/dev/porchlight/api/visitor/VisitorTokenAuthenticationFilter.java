package dev.porchlight.api.visitor;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import dev.porchlight.domain.visitor.Revocations;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates visitor API calls by {@code Authorization: Bearer <visitor token>}. The
 * token is only ever read from that header, never from a URL, so it does not end up in
 * access logs or browser history. An invalid token leaves the request anonymous, and the
 * authorisation rules then refuse it.
 */
public class VisitorTokenAuthenticationFilter extends OncePerRequestFilter {

	public static final String ROLE_VISITOR = "ROLE_VISITOR";

	private final VisitorTokens tokens;

	private final Revocations revocations;

	public VisitorTokenAuthenticationFilter(VisitorTokens tokens, Revocations revocations) {
		this.tokens = tokens;
		this.revocations = revocations;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String header = request.getHeader("Authorization");
		if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
			Optional<VisitorPrincipal> visitor = this.tokens.verify(header.substring(7).strip())
				.filter((principal) -> !this.revocations.isRevoked(principal.visitorId()));
			visitor.ifPresent((principal) -> {
				var authentication = UsernamePasswordAuthenticationToken.authenticated(principal, null,
						List.of(new SimpleGrantedAuthority(ROLE_VISITOR)));
				var context = SecurityContextHolder.createEmptyContext();
				context.setAuthentication(authentication);
				SecurityContextHolder.setContext(context);
			});
		}
		chain.doFilter(request, response);
	}

}
