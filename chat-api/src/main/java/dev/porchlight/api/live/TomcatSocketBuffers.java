package dev.porchlight.api.live;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat's small per-socket buffers. Compiled only into a Tomcat build (the {@code jetty}
 * Maven profile leaves {@code *Tomcat*} sources out).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
class TomcatSocketBuffers {

	private static final String TOMCAT_WEBSOCKET_BUFFER = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

	private static final int SOCKET_BUFFER_BYTES = 1024;

	/**
	 * Every open socket keeps buffers that Tomcat sizes at 8 KiB each: a read and a write
	 * buffer per connection, and for a WebSocket a frame input buffer, an output buffer
	 * and an encoder buffer. A widget's socket is mostly idle and its frames are short,
	 * so 1 KiB each (larger frames take several reads or writes) cuts an idle socket's
	 * memory to a fraction (docs/benchmarks.md, scenario 1). The WebSocket sizes are a
	 * system property Tomcat reads once, when its WebSocket classes load, so it is set
	 * before the server starts.
	 */
	@Bean
	TomcatConnectorCustomizer smallSocketBuffers() {
		if (System.getProperty(TOMCAT_WEBSOCKET_BUFFER) == null) {
			System.setProperty(TOMCAT_WEBSOCKET_BUFFER, String.valueOf(SOCKET_BUFFER_BYTES));
		}
		return (connector) -> {
			connector.setProperty("socket.appReadBufSize", String.valueOf(SOCKET_BUFFER_BYTES));
			connector.setProperty("socket.appWriteBufSize", String.valueOf(SOCKET_BUFFER_BYTES));
		};
	}

}
