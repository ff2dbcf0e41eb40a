package dev.porchlight.api.live;

import java.security.Principal;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.util.ClassUtils;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;

/**
 * The standard upgrade, except that the socket keeps no copy of the handshake headers for
 * its whole life: neither Spring's session ({@link WithoutHeaders}) nor the container's
 * handshake request, which copies every header the request lists ({@link NoHeaderNames};
 * it still reads the headers it needs by name). A browser sends a dozen, the visitor's
 * token among them; nothing here reads them after the handshake interceptors have. Idle
 * widgets are most of the sockets a node holds, so what each keeps counts
 * (docs/benchmarks.md, scenario 1).
 *
 * <p>
 * Jetty 12.1 builds the request its handshake checks from the header names the servlet
 * request lists ({@code ServletCoreRequest.wrap}), so on Jetty an upgrade that lists none
 * is refused as invalid; there the upgrade lists the handshake's own headers
 * ({@link #HANDSHAKE_HEADERS}) and nothing else.
 */
class LeanUpgradeStrategy extends StandardWebSocketUpgradeStrategy {

	/**
	 * What a WebSocket handshake itself consists of (RFC 6455, section 4.2.1): all a
	 * server that rebuilds the request from its listed headers needs to see.
	 */
	static final Set<String> HANDSHAKE_HEADERS = Set.of("Host", "Upgrade", "Connection", "Origin", "Sec-WebSocket-Key",
			"Sec-WebSocket-Version", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions");

	private static final boolean JETTY = ClassUtils.isPresent("org.eclipse.jetty.server.Server",
			LeanUpgradeStrategy.class.getClassLoader());

	private final Set<String> listed;

	/**
	 * The upgrade for the server this runs on: on Tomcat no header is listed, on Jetty
	 * only the handshake's own.
	 */
	LeanUpgradeStrategy() {
		this(JETTY ? HANDSHAKE_HEADERS : Set.of());
	}

	/**
	 * @param listed the names of the headers the container's upgrade may list (and so
	 * copy); every header can still be read by name
	 */
	LeanUpgradeStrategy(Set<String> listed) {
		this.listed = listed;
	}

	@Override
	public void upgrade(ServerHttpRequest request, ServerHttpResponse response, @Nullable String selectedProtocol,
			List<WebSocketExtension> selectedExtensions, @Nullable Principal user, WebSocketHandler handler,
			Map<String, Object> attributes) throws HandshakeFailureException {
		super.upgrade(new WithoutHeaders(new ListedHeaderNames(getHttpServletRequest(request), this.listed)), response,
				selectedProtocol, selectedExtensions, user, handler, attributes);
	}

	/**
	 * The servlet request as the container's upgrade sees it: every header can be read by
	 * name, only the given ones are listed, so only those are copied into the socket's
	 * handshake request.
	 */
	private static final class ListedHeaderNames extends HttpServletRequestWrapper {

		private final Set<String> listed;

		ListedHeaderNames(HttpServletRequest request, Set<String> listed) {
			super(request);
			this.listed = listed;
		}

		@Override
		public Enumeration<String> getHeaderNames() {
			if (this.listed.isEmpty()) {
				return Collections.emptyEnumeration();
			}
			return Collections.enumeration(Collections.list(super.getHeaderNames())
				.stream()
				.filter((name) -> this.listed.stream().anyMatch(name::equalsIgnoreCase))
				.toList());
		}

	}

	/**
	 * The handshake request as the session sees it: the same servlet request (which the
	 * container upgrades), with no headers to keep.
	 */
	private static final class WithoutHeaders extends ServletServerHttpRequest {

		WithoutHeaders(HttpServletRequest request) {
			super(request);
		}

		@Override
		public HttpHeaders getHeaders() {
			return HttpHeaders.EMPTY;
		}

	}

}
