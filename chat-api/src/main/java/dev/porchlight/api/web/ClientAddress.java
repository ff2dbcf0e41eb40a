package dev.porchlight.api.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The network address a request came from. Behind a proxy, configure
 * {@code server.forward-headers-strategy} so that the servlet container resolves the
 * client's address from the proxy's headers; this class never reads such headers itself,
 * since any client can forge them.
 */
public final class ClientAddress {

	private ClientAddress() {
	}

	public static String of(HttpServletRequest request) {
		return request.getRemoteAddr();
	}

}
