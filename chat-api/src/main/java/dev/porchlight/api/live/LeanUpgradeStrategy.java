package dev.porchlight.api.live;

import java.security.Principal;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
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
 * The standard upgrade, except that the socket's session does not keep a copy of every
 * handshake header for its whole life (a browser sends a dozen; nothing here reads them
 * after the handshake interceptors have). Idle widgets are most of the sockets a node
 * holds, so what each keeps counts.
 */
class LeanUpgradeStrategy extends StandardWebSocketUpgradeStrategy {

	@Override
	public void upgrade(ServerHttpRequest request, ServerHttpResponse response, @Nullable String selectedProtocol,
			List<WebSocketExtension> selectedExtensions, @Nullable Principal user, WebSocketHandler handler,
			Map<String, Object> attributes) throws HandshakeFailureException {
		super.upgrade(new WithoutHeaders(getHttpServletRequest(request)), response, selectedProtocol,
				selectedExtensions, user, handler, attributes);
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
