package dev.porchlight.persistence.conversation;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * A connection to Redis that speaks RESP itself, for what a client library hides: the
 * lines of {@code MONITOR} and the raw messages of a subscription. Every read waits at
 * most the given deadline (the socket's timeout), so a test never hangs on it.
 */
final class RawRedis implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private RawRedis(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
	}

	/**
	 * Connects to the Redis of these details: signed in if they have a password, on their
	 * database.
	 */
	static RawRedis open(DataRedisConnectionDetails details, Duration readDeadline) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(details.getStandalone().getHost(), details.getStandalone().getPort()),
				(int) readDeadline.toMillis());
		socket.setSoTimeout((int) readDeadline.toMillis());
		RawRedis redis = new RawRedis(socket);
		if (details.getPassword() != null) {
			if (details.getUsername() != null) {
				redis.send("AUTH", details.getUsername(), details.getPassword());
			}
			else {
				redis.send("AUTH", details.getPassword());
			}
			redis.read();
		}
		redis.send("SELECT", String.valueOf(details.getStandalone().getDatabase()));
		redis.read();
		return redis;
	}

	/** Sends one command (without reading its answer). */
	void send(String... args) throws IOException {
		StringBuilder command = new StringBuilder().append('*').append(args.length).append("\r\n");
		for (String arg : args) {
			byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
			command.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
		}
		this.out.write(command.toString().getBytes(StandardCharsets.UTF_8));
		this.out.flush();
	}

	/**
	 * The next reply: a {@code String} (simple or bulk), a {@code Long}, a {@code List},
	 * or {@code null}; an error reply throws.
	 */
	Object read() throws IOException {
		String line = line();
		String rest = line.substring(1);
		return switch (line.charAt(0)) {
			case '+' -> rest;
			case ':' -> Long.parseLong(rest);
			case '-' -> throw new IOException("Redis answered: " + rest);
			case '$' -> bulk(Integer.parseInt(rest));
			case '*' -> {
				int n = Integer.parseInt(rest);
				if (n < 0) {
					yield null;
				}
				List<Object> items = new ArrayList<>(n);
				for (int i = 0; i < n; i++) {
					items.add(read());
				}
				yield items;
			}
			default -> throw new IOException("not a RESP reply: " + line);
		};
	}

	private String bulk(int length) throws IOException {
		if (length < 0) {
			return null;
		}
		byte[] bytes = this.in.readNBytes(length + 2);
		if (bytes.length < length + 2) {
			throw new IOException("Redis closed the connection");
		}
		return new String(bytes, 0, length, StandardCharsets.UTF_8);
	}

	private String line() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int b = this.in.read();
			if (b < 0) {
				throw new IOException("Redis closed the connection");
			}
			if (previous == '\r' && b == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(b);
			previous = b;
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
