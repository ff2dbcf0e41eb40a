package dev.porchlight.api.websocket;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.api.visitor.VisitorTokens;
import dev.porchlight.api.web.PorchlightProperties;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Drives the handshake interceptors through real WebSocket connections. The endpoints
 * here only say who connected; the live-chat endpoints use the same interceptors.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "porchlight.public-url=https://chat.porchlight.example",
				"porchlight.owner.email=owner@shop.example", "porchlight.owner.password=owner password 123" })
@UseRealEngines
@Import(HandshakeIntegrationTests.WhoAmIEndpoints.class)
class HandshakeIntegrationTests {

	static final String APP = "https://chat.porchlight.example";

	static final String SHOP = "https://shop.example";

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
		assertThat(hello("/ws/v1/visitor", APP, Map.of(), token)).startsWith("visitor:");
		assertThat(hello("/ws/v1/visitor", SHOP, Map.of(), token)).startsWith("visitor:");
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
		assertThat(hello("/ws/v1/staff", APP, cookie, null)).startsWith("staff:");
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
		WebSocket.Builder builder = HttpClient.newHttpClient()
			.newWebSocketBuilder()
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

	@TestConfiguration(proxyBeanMethods = false)
	@EnableWebSocket
	static class WhoAmIEndpoints implements WebSocketConfigurer {

		private final VisitorTokens tokens;

		private final Sites sites;

		private final PorchlightProperties properties;

		WhoAmIEndpoints(VisitorTokens tokens, Sites sites, PorchlightProperties properties) {
			this.tokens = tokens;
			this.sites = sites;
			this.properties = properties;
		}

		@Override
		public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
			DefaultHandshakeHandler handshake = new DefaultHandshakeHandler();
			handshake.setSupportedProtocols(VisitorHandshakeInterceptor.PROTOCOL);
			registry.addHandler(new WhoAmI(), "/ws/v1/visitor")
				.setHandshakeHandler(handshake)
				.addInterceptors(new VisitorHandshakeInterceptor(this.tokens, this.sites, this.properties))
				.setAllowedOriginPatterns("*");
			registry.addHandler(new WhoAmI(), "/ws/v1/staff")
				.addInterceptors(new StaffHandshakeInterceptor(this.properties))
				.setAllowedOriginPatterns("*");
		}

	}

	static class WhoAmI extends TextWebSocketHandler {

		@Override
		public void afterConnectionEstablished(WebSocketSession session) throws Exception {
			Object visitor = session.getAttributes().get(VisitorHandshakeInterceptor.VISITOR);
			Object staff = session.getAttributes().get(StaffHandshakeInterceptor.STAFF);
			String who = (visitor instanceof VisitorPrincipal principal) ? principal.toString()
					: "staff:" + ((StaffPrincipal) staff).id();
			session.sendMessage(new TextMessage(who));
			session.close(CloseStatus.NORMAL);
		}

	}

}
