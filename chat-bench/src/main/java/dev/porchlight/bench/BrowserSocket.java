package dev.porchlight.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An idle WebSocket that opens like a browser's: the upgrade request carries what
 * Chromium sends (user agent, languages, caches, {@code Sec-WebSocket-Extensions:
 * permessage-deflate; client_max_window_bits}), so the server spends on it what it spends
 * on a real visitor's widget; the JDK's client cannot offer extensions. It only answers
 * the server's keep-alives and sends its own, and reads (and drops) whatever arrives on a
 * virtual thread of its own.
 */
final class BrowserSocket {

	static final String USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
			+ "Chrome/156.0.0.0 Safari/537.36";

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private final boolean engineIo;

	private volatile boolean closed;

	/** The extensions the server agreed to (e.g. permessage-deflate), empty for none. */
	final String extensions;

	private BrowserSocket(Socket socket, InputStream in, boolean engineIo, String extensions) throws IOException {
		this.socket = socket;
		this.in = in;
		this.out = socket.getOutputStream();
		this.engineIo = engineIo;
		this.extensions = extensions;
	}

	/**
	 * Opens a socket and reads the upgrade answer.
	 * @param source the local address to connect from
	 * @param port the server's port on 127.0.0.1
	 * @param path the request path
	 * @param origin the page's origin
	 * @param protocols the subprotocols offered, or null
	 * @param engineIo whether the server speaks Engine.IO (its pings are answered, and
	 * the default namespace is joined)
	 */
	static BrowserSocket open(InetAddress source, int port, String path, String origin, String protocols,
			boolean engineIo) throws IOException {
		Socket socket = new Socket();
		socket.bind(new InetSocketAddress(source, 0));
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 20_000);
		socket.setSoTimeout(30_000);
		byte[] nonce = new byte[16];
		ThreadLocalRandom.current().nextBytes(nonce);
		StringBuilder request = new StringBuilder().append("GET ")
			.append(path)
			.append(" HTTP/1.1\r\n")
			.append("Host: 127.0.0.1:")
			.append(port)
			.append("\r\nConnection: Upgrade\r\nPragma: no-cache\r\nCache-Control: no-cache\r\nUser-Agent: ")
			.append(USER_AGENT)
			.append("\r\nUpgrade: websocket\r\nOrigin: ")
			.append(origin)
			.append("\r\nSec-WebSocket-Version: 13\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n")
			.append("Accept-Language: en-GB,en;q=0.9,de;q=0.8\r\nSec-WebSocket-Key: ")
			.append(Base64.getEncoder().encodeToString(nonce))
			.append("\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
		if (protocols != null) {
			request.append("Sec-WebSocket-Protocol: ").append(protocols).append("\r\n");
		}
		request.append("\r\n");
		OutputStream out = socket.getOutputStream();
		out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
		out.flush();
		// Buffered: read a byte at a time from the socket itself, every byte of the
		// answer would be a system call of this process, and the process shares the
		// machine with the server it measures (a longer answer would cost the machine
		// more for the generator's sake).
		InputStream in = new BufferedInputStream(socket.getInputStream(), 1024);
		String head = readHead(in);
		if (!head.startsWith("HTTP/1.1 101")) {
			socket.close();
			throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(""));
		}
		String extensions = head.lines()
			.filter((line) -> line.toLowerCase().startsWith("sec-websocket-extensions:"))
			.map((line) -> line.substring(line.indexOf(':') + 1).trim())
			.findFirst()
			.orElse("");
		socket.setSoTimeout(0);
		BrowserSocket browser = new BrowserSocket(socket, in, engineIo, extensions);
		Thread.ofVirtual().name("browser-socket").start(browser::read);
		if (engineIo) {
			browser.sendText("40");
		}
		return browser;
	}

	private static String readHead(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		int matched = 0;
		while (matched < 4) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("closed during the upgrade");
			}
			head.append((char) b);
			matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
		return head.toString();
	}

	/** Reads frames and drops them; answers Engine.IO pings ("2") with pongs ("3"). */
	private void read() {
		try {
			InputStream in = this.in;
			byte[] buffer = new byte[4096];
			while (!this.closed) {
				int first = in.read();
				int second = in.read();
				if (first < 0 || second < 0) {
					break;
				}
				long length = second & 0x7f;
				if (length == 126) {
					length = (in.read() << 8) | in.read();
				}
				else if (length == 127) {
					length = 0;
					for (int i = 0; i < 8; i++) {
						length = (length << 8) | in.read();
					}
				}
				int opcode = first & 0x0f;
				boolean compressed = (first & 0x40) != 0;
				byte[] payload = (length <= buffer.length) ? buffer : new byte[(int) length];
				int read = 0;
				while (read < length) {
					int n = in.read(payload, read, (int) length - read);
					if (n < 0) {
						return;
					}
					read += n;
				}
				if (opcode == 8) {
					break;
				}
				if (this.engineIo && opcode == 1 && !compressed && length == 1 && payload[0] == '2') {
					sendText("3");
				}
			}
		}
		catch (IOException ex) {
			// Closed.
		}
		finally {
			this.closed = true;
		}
	}

	/** Sends one masked, uncompressed text frame (as clients must). */
	synchronized void sendText(String text) {
		if (this.closed) {
			return;
		}
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		try {
			byte[] frame;
			int offset;
			if (payload.length < 126) {
				frame = new byte[2 + 4 + payload.length];
				frame[1] = (byte) (0x80 | payload.length);
				offset = 2;
			}
			else {
				frame = new byte[4 + 4 + payload.length];
				frame[1] = (byte) (0x80 | 126);
				frame[2] = (byte) (payload.length >> 8);
				frame[3] = (byte) payload.length;
				offset = 4;
			}
			frame[0] = (byte) 0x81;
			System.arraycopy(mask, 0, frame, offset, 4);
			for (int i = 0; i < payload.length; i++) {
				frame[offset + 4 + i] = (byte) (payload[i] ^ mask[i % 4]);
			}
			this.out.write(frame);
			this.out.flush();
		}
		catch (IOException ex) {
			this.closed = true;
		}
	}

	boolean closed() {
		return this.closed;
	}

	void abort() {
		this.closed = true;
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// Closing anyway.
		}
	}

}
