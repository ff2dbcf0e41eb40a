package dev.porchlight.api.live;

import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Jetty's counterpart of {@link TomcatSocketBuffers}. Jetty takes its read and write
 * buffers from a pool only while bytes are in flight and gives them back when a
 * connection goes quiet, so an idle socket holds none and there is nothing to shrink; the
 * WebSocket limits (frame size, idle timeout) are the container's, set in
 * {@link LiveSocketConfiguration}. What is left is the queue of connections the kernel
 * holds before Jetty accepts them: Jetty asks for the JDK's default of 50, and a burst of
 * widgets reconnecting after a restart would see dropped connection attempts (retried
 * after a second) beyond it. Compiled only into a Jetty build ({@code -Pjetty}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.eclipse.jetty.server.Server")
class JettySocketSettings {

	private static final int ACCEPT_QUEUE = 1000;

	@Bean
	JettyServerCustomizer acceptQueue() {
		return (server) -> {
			for (var connector : server.getConnectors()) {
				if (connector instanceof ServerConnector serverConnector) {
					serverConnector.setAcceptQueueSize(ACCEPT_QUEUE);
				}
			}
		};
	}

}
