package dev.porchlight.api.websocket;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.api.visitor.VisitorTokens;
import dev.porchlight.api.web.PorchlightProperties;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.visitor.Revocations;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Admits a visitor WebSocket only with a valid visitor token and only from where that
 * token's site may run its widget: Porchlight's own origin (the widget frame) or one of
 * the site's exact allowed origins.
 *
 * <p>
 * Browsers cannot set headers on a WebSocket, and tokens must never travel in a URL, so
 * the token rides in the {@code Sec-WebSocket-Protocol} header as a second entry
 * {@code porchlight.token.<token>} next to the protocol {@value #PROTOCOL}; the server
 * answers with {@value #PROTOCOL} only, so the token is not echoed back.
 */
public class VisitorHandshakeInterceptor implements HandshakeInterceptor {

	public static final String PROTOCOL = "porchlight.v1";

	public static final String TOKEN_PREFIX = "porchlight.token.";

	public static final String VISITOR = "porchlight.visitor";

	public static final String BROWSER = "porchlight.browser";

	/**
	 * Set when the handshake could not be checked because a store was unreachable: the
	 * socket opens only to say {@code unavailable} and close with 1012, which a browser
	 * can read (a refused HTTP handshake is only ever 1006 to a script).
	 */
	public static final String UNAVAILABLE = "porchlight.unavailable";

	private final VisitorTokens tokens;

	private final Sites sites;

	private final PorchlightProperties properties;

	private final Revocations revocations;

	public VisitorHandshakeInterceptor(VisitorTokens tokens, Sites sites, PorchlightProperties properties,
			Revocations revocations) {
		this.tokens = tokens;
		this.sites = sites;
		this.properties = properties;
		this.revocations = revocations;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Map<String, Object> attributes) {
		Optional<VisitorPrincipal> visitor = token(request.getHeaders().get("Sec-WebSocket-Protocol"))
			.flatMap(this.tokens::verify);
		if (visitor.isEmpty()) {
			response.setStatusCode(HttpStatus.UNAUTHORIZED);
			return false;
		}
		String origin = request.getHeaders().getOrigin();
		boolean allowed;
		try {
			if (this.revocations.isRevoked(visitor.get().visitorId())) {
				response.setStatusCode(HttpStatus.UNAUTHORIZED);
				return false;
			}
			allowed = this.properties.appOrigin().matches(origin) || this.sites.findById(visitor.get().siteId())
				.map((Site site) -> site.allowsOrigin(origin))
				.orElse(false);
		}
		catch (DataAccessException ex) {
			// Nothing is granted: the socket only carries the refusal.
			attributes.put(UNAVAILABLE, Boolean.TRUE);
			return true;
		}
		if (!allowed) {
			response.setStatusCode(HttpStatus.FORBIDDEN);
			return false;
		}
		attributes.put(VISITOR, visitor.get());
		String browser = BrowserSummary.of(request.getHeaders().getFirst("User-Agent"));
		if (browser != null) {
			attributes.put(BROWSER, browser);
		}
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			@Nullable Exception exception) {
	}

	static Optional<String> token(@Nullable List<String> protocolHeaders) {
		if (protocolHeaders == null) {
			return Optional.empty();
		}
		return protocolHeaders.stream()
			.flatMap((header) -> java.util.Arrays.stream(header.split(",")))
			.map(String::strip)
			.filter((protocol) -> protocol.startsWith(TOKEN_PREFIX))
			.map((protocol) -> protocol.substring(TOKEN_PREFIX.length()))
			.findFirst();
	}

}
