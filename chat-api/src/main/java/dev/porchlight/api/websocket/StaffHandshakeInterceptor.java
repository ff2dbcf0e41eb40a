package dev.porchlight.api.websocket;

import java.security.Principal;
import java.util.Map;

import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.web.PorchlightProperties;
import jakarta.servlet.http.HttpSession;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Admits a dashboard WebSocket only from Porchlight's own origin (no cross-site WebSocket
 * hijacking with the staff cookie) and only for a signed-in staff member whose password
 * is not waiting to be changed. The principal is kept in the session attributes.
 */
public class StaffHandshakeInterceptor implements HandshakeInterceptor {

	public static final String STAFF = "porchlight.staff";

	public static final String HTTP_SESSION = "porchlight.staff.session";

	private final PorchlightProperties properties;

	public StaffHandshakeInterceptor(PorchlightProperties properties) {
		this.properties = properties;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Map<String, Object> attributes) {
		String origin = request.getHeaders().getOrigin();
		if (!this.properties.appOrigin().matches(origin)) {
			response.setStatusCode(HttpStatus.FORBIDDEN);
			return false;
		}
		StaffPrincipal staff = staff(request.getPrincipal());
		if (staff == null || staff.passwordMustChange() || !staff.isEnabled()) {
			response.setStatusCode(HttpStatus.UNAUTHORIZED);
			return false;
		}
		attributes.put(STAFF, staff);
		if (request instanceof ServletServerHttpRequest servlet) {
			HttpSession session = servlet.getServletRequest().getSession(false);
			if (session != null) {
				// The socket lives only as long as this session: sign-out or expiry
				// closes it.
				attributes.put(HTTP_SESSION, session.getId());
			}
		}
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			@Nullable Exception exception) {
	}

	private static @Nullable StaffPrincipal staff(@Nullable Principal principal) {
		if (principal instanceof Authentication authentication && authentication.isAuthenticated()
				&& authentication.getPrincipal() instanceof StaffPrincipal staff) {
			return staff;
		}
		return null;
	}

}
