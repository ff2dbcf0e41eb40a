package dev.porchlight.api.live;

import java.security.Principal;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
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
 */
class LeanUpgradeStrategy extends StandardWebSocketUpgradeStrategy {

	@Override
	public void upgrade(ServerHttpRequest request, ServerHttpResponse response, @Nullable String selectedProtocol,
			List<WebSocketExtension> selectedExtensions, @Nullable Principal user, WebSocketHandler handler,
			Map<String, Object> attributes) throws HandshakeFailureException {
		super.upgrade(new WithoutHeaders(new NoHeaderNames(getHttpServletRequest(request))), response, selectedProtocol,
				selectedExtensions, user, handler, attributes);
	}

	/**
	 * The servlet request as the container's upgrade sees it: every header can be read by
	 * name, none is listed, so none is copied into the socket's handshake request.
	 */
	private static final class NoHeaderNames extends HttpServletRequestWrapper {

		NoHeaderNames(HttpServletRequest request) {
			super(request);
		}

		@Override
		public Enumeration<String> getHeaderNames() {
			return Collections.emptyEnumeration();
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
