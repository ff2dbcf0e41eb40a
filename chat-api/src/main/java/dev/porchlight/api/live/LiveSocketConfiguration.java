package dev.porchlight.api.live;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;

import dev.porchlight.api.visitor.VisitorTokens;
import dev.porchlight.api.web.PorchlightProperties;
import dev.porchlight.api.websocket.StaffHandshakeInterceptor;
import dev.porchlight.api.websocket.VisitorHandshakeInterceptor;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.visitor.Revocations;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.ServletWebSocketHandlerRegistry;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * The two WebSocket endpoints, {@code /ws/v1/visitor} and {@code /ws/v1/staff}, with
 * their handshake checks and the container limits (frame size, idle timeout).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
@EnableScheduling
@EnableConfigurationProperties({ LiveProperties.class, FrameLimits.class })
class LiveSocketConfiguration implements WebSocketConfigurer {

	private final LiveSocketHandler handler;

	private final VisitorTokens tokens;

	private final Sites sites;

	private final PorchlightProperties porchlight;

	private final Revocations revocations;

	LiveSocketConfiguration(LiveCommands commands, PresenceCommands presence, Connections connections,
			Subscriptions subscriptions, LiveProperties properties, VisitorTokens tokens, Sites sites,
			PorchlightProperties porchlight, Revocations revocations, MeterRegistry meters, FrameAnswers answers) {
		this.revocations = revocations;
		this.handler = new LiveSocketHandler(commands, presence, connections, subscriptions, properties, meters,
				answers);
		this.tokens = tokens;
		this.sites = sites;
		this.porchlight = porchlight;
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		if (registry instanceof ServletWebSocketHandlerRegistry servlet) {
			// Ahead of the controllers' mapping: otherwise every upgrade is first matched
			// against every REST endpoint, and a miss there also works out which ones
			// nearly matched (to tell 405 from 404): a twentieth of an upgrade's CPU.
			servlet.setOrder(Ordered.HIGHEST_PRECEDENCE);
		}
		DefaultHandshakeHandler visitorHandshake = new DefaultHandshakeHandler(new LeanUpgradeStrategy());
		visitorHandshake.setSupportedProtocols(VisitorHandshakeInterceptor.PROTOCOL);
		// Origins are checked exactly by the interceptors; Spring's own check would only
		// duplicate it.
		registry.addHandler(this.handler, "/ws/v1/visitor")
			.setHandshakeHandler(visitorHandshake)
			.addInterceptors(
					new VisitorHandshakeInterceptor(this.tokens, this.sites, this.porchlight, this.revocations))
			.setAllowedOriginPatterns("*");
		DefaultHandshakeHandler staffHandshake = new DefaultHandshakeHandler(new LeanUpgradeStrategy());
		staffHandshake.setSupportedProtocols(VisitorHandshakeInterceptor.PROTOCOL);
		registry.addHandler(this.handler, "/ws/v1/staff")
			.setHandshakeHandler(staffHandshake)
			.addInterceptors(new StaffHandshakeInterceptor(this.porchlight))
			.setAllowedOriginPatterns("*");
	}

	/**
	 * Browsers offer {@code permessage-deflate} on every socket, and once the server
	 * agrees it keeps a deflater and an inflater per socket (about 50 KiB of heap and 150
	 * KiB of native memory each, docs/benchmarks.md), while the frames here are short
	 * JSON that compresses little. Unless configured, the offer is hidden from the
	 * server's handshake, so no socket uses it. (Filtering the extensions in Spring's
	 * handshake handler is not enough: the servlet container negotiates them again from
	 * the request.)
	 */
	@Bean
	FilterRegistrationBean<OncePerRequestFilter> noWebSocketCompression(LiveProperties properties) {
		OncePerRequestFilter filter = new OncePerRequestFilter() {

			@Override
			protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
					throws ServletException, IOException {
				chain.doFilter(properties.compression() ? request : new WithoutExtensions(request), response);
			}

		};
		FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(filter);
		registration.addUrlPatterns("/ws/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	/**
	 * A WebSocket upgrade request as if it offered no extensions.
	 */
	private static final class WithoutExtensions extends HttpServletRequestWrapper {

		private static final String EXTENSIONS = "Sec-WebSocket-Extensions";

		WithoutExtensions(HttpServletRequest request) {
			super(request);
		}

		@Override
		public String getHeader(String name) {
			return EXTENSIONS.equalsIgnoreCase(name) ? null : super.getHeader(name);
		}

		@Override
		public Enumeration<String> getHeaders(String name) {
			return EXTENSIONS.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
		}

		@Override
		public Enumeration<String> getHeaderNames() {
			return Collections.enumeration(Collections.list(super.getHeaderNames())
				.stream()
				.filter((header) -> !EXTENSIONS.equalsIgnoreCase(header))
				.toList());
		}

	}

	/**
	 * Turns a handshake that failed on an unreachable store into the documented
	 * {@code unavailable} + 1012. Before Spring Session's filter (which reads a staff
	 * session from Redis) and Spring Security's.
	 */
	@Bean
	FilterRegistrationBean<UnavailableHandshakeFilter> unavailableHandshakes() {
		DefaultHandshakeHandler handshake = new DefaultHandshakeHandler(new LeanUpgradeStrategy());
		handshake.setSupportedProtocols(VisitorHandshakeInterceptor.PROTOCOL);
		FilterRegistrationBean<UnavailableHandshakeFilter> registration = new FilterRegistrationBean<>(
				new UnavailableHandshakeFilter(this.handler, handshake));
		registration.addUrlPatterns("/ws/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
		return registration;
	}

	@Bean
	ServletServerContainerFactoryBean webSocketContainer(LiveProperties properties) {
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		// The text buffer is allocated per socket: a small one, with frames put together
		// from parts by the handler (which enforces maxFrameBytes), keeps an idle socket
		// cheap. Most frames fit in one part.
		container.setMaxTextMessageBufferSize(Math.min(512, properties.maxFrameBytes()));
		// Nobody sends binary frames here.
		container.setMaxBinaryMessageBufferSize(64);
		// A backstop only: the sweep closes idle sockets first, with the documented 4408.
		container.setMaxSessionIdleTimeout(properties.idleTimeout().plusSeconds(30).toMillis());
		return container;
	}

}
