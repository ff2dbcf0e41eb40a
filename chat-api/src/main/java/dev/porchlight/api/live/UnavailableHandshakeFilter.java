package dev.porchlight.api.live;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import dev.porchlight.api.websocket.VisitorHandshakeInterceptor;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeHandler;

/**
 * A WebSocket handshake that fails because a store cannot be reached (a staff socket's
 * session lives in Redis and is read by the filters before any handshake code runs) still
 * becomes a socket, which says {@code error unavailable} and closes with 1012, as
 * docs/protocol.md promises: a script in a browser cannot read the status of a refused
 * handshake, only 1006, and would not know to retry. The socket grants nothing: the
 * handler sees {@link VisitorHandshakeInterceptor#UNAVAILABLE} and never registers it.
 */
final class UnavailableHandshakeFilter extends OncePerRequestFilter {

	private static final Logger log = LoggerFactory.getLogger(UnavailableHandshakeFilter.class);

	private final WebSocketHandler handler;

	private final HandshakeHandler handshake;

	UnavailableHandshakeFilter(WebSocketHandler handler, HandshakeHandler handshake) {
		this.handler = handler;
		this.handshake = handshake;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		catch (RuntimeException | ServletException | IOException ex) {
			DataAccessException unreachable = storeFailure(ex);
			if (unreachable == null || response.isCommitted()
					|| !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
				throw ex;
			}
			log.warn("WebSocket handshake while a store is unreachable, answered 'unavailable': {}",
					unreachable.getMessage());
			response.reset();
			Map<String, Object> attributes = new HashMap<>();
			attributes.put(VisitorHandshakeInterceptor.UNAVAILABLE, Boolean.TRUE);
			ServletServerHttpResponse upgrade = new ServletServerHttpResponse(response);
			this.handshake.doHandshake(new ServletServerHttpRequest(request), upgrade, this.handler, attributes);
			upgrade.flush();
		}
	}

	private static @Nullable DataAccessException storeFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof DataAccessException store) {
				return store;
			}
		}
		return null;
	}

}
