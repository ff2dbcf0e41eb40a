package dev.porchlight.api.live;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * A socket for the micro-benchmarks that accepts every frame at once and only counts
 * characters: what is measured is the node's work per event, not a network.
 */
public final class BenchSession implements WebSocketSession {

	private static final AtomicLong IDS = new AtomicLong();

	private final String id = "bench-" + IDS.incrementAndGet();

	private final Map<String, Object> attributes = new ConcurrentHashMap<>();

	public final AtomicLong characters = new AtomicLong();

	public final AtomicLong frames = new AtomicLong();

	/** Sees every frame written to this socket, when set. */
	public volatile @Nullable Consumer<String> observer;

	private volatile boolean open = true;

	@Override
	public String getId() {
		return this.id;
	}

	@Override
	public URI getUri() {
		return URI.create("ws://127.0.0.1/ws/v1/visitor");
	}

	@Override
	public HttpHeaders getHandshakeHeaders() {
		return new HttpHeaders();
	}

	@Override
	public Map<String, Object> getAttributes() {
		return this.attributes;
	}

	@Override
	public Principal getPrincipal() {
		return null;
	}

	@Override
	public InetSocketAddress getLocalAddress() {
		return new InetSocketAddress("127.0.0.1", 8080);
	}

	@Override
	public InetSocketAddress getRemoteAddress() {
		return new InetSocketAddress("127.0.0.2", 40000);
	}

	@Override
	public String getAcceptedProtocol() {
		return "porchlight.v1";
	}

	@Override
	public void setTextMessageSizeLimit(int messageSizeLimit) {
	}

	@Override
	public int getTextMessageSizeLimit() {
		return 16384;
	}

	@Override
	public void setBinaryMessageSizeLimit(int messageSizeLimit) {
	}

	@Override
	public int getBinaryMessageSizeLimit() {
		return 1024;
	}

	@Override
	public List<WebSocketExtension> getExtensions() {
		return List.of();
	}

	@Override
	public void sendMessage(WebSocketMessage<?> message) {
		this.characters.addAndGet(message.getPayloadLength());
		this.frames.incrementAndGet();
		Consumer<String> observer = this.observer;
		if (observer != null) {
			observer.accept(message.getPayload().toString());
		}
	}

	@Override
	public boolean isOpen() {
		return this.open;
	}

	@Override
	public void close() {
		this.open = false;
	}

	@Override
	public void close(CloseStatus status) {
		this.open = false;
	}

}
