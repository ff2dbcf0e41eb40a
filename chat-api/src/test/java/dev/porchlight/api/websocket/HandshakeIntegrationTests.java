package dev.porchlight.api.websocket;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.visitor.VisitorTokens;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Drives the handshake interceptors of the live endpoints through real WebSocket
 * connections; the {@code welcome} frame says who the server thinks connected.
 */
@PorchlightTest
class HandshakeIntegrationTests {

	static final String APP = "https://chat.porchlight.example";

	static final String SHOP = "https://shop.example";

	// One client for every handshake here: each HttpClient keeps a selector thread.
	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Autowired
	VisitorTokens tokens;

	Site site;

	@BeforeEach
	void aSite() {
		this.site = Site.create("Shop", List.of(new AllowedOrigin(SHOP)), Instant.now());
		this.sites.add(this.site);
	}

	@Test
	void aVisitorConnectsWithATokenFromTheWidgetFrameOrTheSitesOrigin() throws Exception {
		String token = this.tokens.issue(this.site.id(), dev.porchlight.domain.visitor.VisitorId.random(), null)
			.token();
		assertThat(hello("/ws/v1/visitor", APP, Map.of(), token)).contains("\"role\":\"visitor\"");
		assertThat(hello("/ws/v1/visitor", SHOP, Map.of(), token)).contains("\"role\":\"visitor\"");
	}

	@Test
	void aVisitorUpgradeReadsNoCookieAndSetsNone() throws Exception {
		String token = this.tokens.issue(this.site.id(), dev.porchlight.domain.visitor.VisitorId.random(), null)
			.token();
		// A visitor has no session: the answer mints no session and no CSRF token (the
		// staff chain would set an XSRF-TOKEN cookie), and a stray staff cookie on the
		// request changes nothing.
		for (String cookie : List.of("", "Cookie: PORCHLIGHT_SESSION=not-a-session\r\n")) {
			try (Socket socket = new Socket("127.0.0.1", this.port)) {
				socket.setSoTimeout(10_000);
				socket.getOutputStream()
					.write(("GET /ws/v1/visitor HTTP/1.1\r\nHost: 127.0.0.1:" + this.port
							+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
							+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: " + SHOP + "\r\n" + cookie
							+ "Sec-WebSocket-Protocol: porchlight.v1, porchlight.token." + token + "\r\n\r\n")
						.getBytes(StandardCharsets.US_ASCII));
				assertThat(head(socket.getInputStream())).startsWith("HTTP/1.1 101")
					.containsIgnoringCase("Sec-WebSocket-Protocol: porchlight.v1\r\n")
					.doesNotContainIgnoringCase("Set-Cookie")
					.doesNotContain(token);
			}
		}
	}

	private static String head(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				break;
			}
			head.append((char) b);
		}
		return head.toString();
	}

	@Test
	void aVisitorSocketIsRefusedWithoutAValidTokenOrFromAForeignOrigin() {
		String token = this.tokens.issue(this.site.id(), dev.porchlight.domain.visitor.VisitorId.random(), null)
			.token();
		assertRefused("/ws/v1/visitor", "https://evil.example", Map.of(), token, 403);
		assertRefused("/ws/v1/visitor", APP, Map.of(), null, 401);
		assertRefused("/ws/v1/visitor", APP, Map.of(), token.substring(0, token.length() - 2) + "xx", 401);
		assertRefused("/ws/v1/visitor?token=" + token, APP, Map.of(), null, 401);
	}

	@Test
	void staffConnectWithTheirSessionFromTheDashboardOriginOnly() throws Exception {
		ApiClient owner = new ApiClient(this.port);
		owner.signIn("owner@shop.example", "owner password 123");
		Map<String, String> cookie = Map.of("Cookie",
				"PORCHLIGHT_SESSION=" + owner.cookie("PORCHLIGHT_SESSION").orElseThrow());
		assertThat(hello("/ws/v1/staff", APP, cookie, null)).contains("\"role\":\"staff\"");
		// Cross-site WebSocket hijacking: the browser sends the cookie, but the origin
		// gives it away.
		assertRefused("/ws/v1/staff", "https://evil.example", cookie, null, 403);
		assertRefused("/ws/v1/staff", APP, Map.of(), null, 401);
	}

	private String hello(String path, String origin, Map<String, String> headers, String token) throws Exception {
		CompletableFuture<String> first = new CompletableFuture<>();
		WebSocket socket = connect(path, origin, headers, token, first).get(10, TimeUnit.SECONDS);
		try {
			return first.get(10, TimeUnit.SECONDS);
		}
		finally {
			socket.abort();
		}
	}

	private void assertRefused(String path, String origin, Map<String, String> headers, String token, int status) {
		assertThatThrownBy(
				() -> connect(path, origin, headers, token, new CompletableFuture<>()).get(10, TimeUnit.SECONDS))
			.isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOf(WebSocketHandshakeException.class)
			.satisfies((ex) -> assertThat(((WebSocketHandshakeException) ex).getResponse().statusCode())
				.isEqualTo(status));
	}

	private CompletableFuture<WebSocket> connect(String path, String origin, Map<String, String> headers, String token,
			CompletableFuture<String> first) {
		WebSocket.Builder builder = HTTP.newWebSocketBuilder()
			.connectTimeout(Duration.ofSeconds(5))
			.header("Origin", origin);
		headers.forEach(builder::header);
		if (token != null) {
			builder.subprotocols(VisitorHandshakeInterceptor.PROTOCOL,
					VisitorHandshakeInterceptor.TOKEN_PREFIX + token);
		}
		return builder.buildAsync(URI.create("ws://127.0.0.1:" + this.port + path), new WebSocket.Listener() {
			@Override
			public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
				first.complete(data.toString());
				return null;
			}
		});
	}

}
