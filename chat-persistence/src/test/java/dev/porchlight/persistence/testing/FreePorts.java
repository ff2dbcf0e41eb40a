package dev.porchlight.persistence.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for servers a test starts itself (a node, an engine, S3Mock), chosen outside the
 * kernel's ephemeral range. A port the kernel just reported free (bind to port 0) is one
 * it may hand to any outgoing connection in the seconds before the server binds it (the
 * test's own connections to PostgreSQL and Redis), and then the server cannot start; no
 * outgoing connection takes a port below the range. Within one JVM the ports handed out
 * never repeat; across JVMs the start is random.
 */
public final class FreePorts {

	private static final int[] RANGE = range();

	private static final AtomicInteger NEXT = new AtomicInteger(
			ThreadLocalRandom.current().nextInt(RANGE[1] - RANGE[0]));

	private FreePorts() {
	}

	/**
	 * A port nothing listens on now, outside the ephemeral range.
	 * @return the port
	 */
	public static int next() {
		int span = RANGE[1] - RANGE[0];
		for (int attempt = 0; attempt < 1_000; attempt++) {
			int port = RANGE[0] + Math.floorMod(NEXT.getAndIncrement(), span);
			try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
				socket.setReuseAddress(true);
				return port;
			}
			catch (IOException ex) {
				// Taken: the next one.
			}
		}
		throw new UncheckedIOException(new IOException("No free port in " + RANGE[0] + "-" + RANGE[1]));
	}

	/** Where to choose from: below the ephemeral range, or above it if it starts low. */
	private static int[] range() {
		int low = 32768;
		int high = 60999;
		try {
			String[] bounds = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
			low = Integer.parseInt(bounds[0]);
			high = Integer.parseInt(bounds[1]);
		}
		catch (IOException | RuntimeException ex) {
			// Not Linux: its usual range.
		}
		return (low > 12_000) ? new int[] { 10_000, low } : new int[] { high + 1, 65_535 };
	}

}
