package dev.porchlight.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A generator process that holds idle visitor sockets (scenario 1), each opened the way a
 * browser opens the widget's socket ({@link BrowserSocket}), from a loopback address of
 * its own with a visitor token of its own. A process may have at most 20,000 open files,
 * so the harness starts several of these. Prints {@code READY <open> <failed>} once every
 * socket is open (or failed), keeps them alive (Porchlight needs a client ping at least
 * every 25 s; Socket.IO pings the client), and closes them when a line arrives on
 * standard input.
 *
 * <p>
 * Arguments: {@code porchlight|peer port count process siteKey session}.
 */
public final class IdleClients {

	private IdleClients() {
	}

	public static void main(String[] args) throws Exception {
		boolean porchlight = args[0].equals("porchlight");
		int port = Integer.parseInt(args[1]);
		int count = Integer.parseInt(args[2]);
		int process = Integer.parseInt(args[3]);
		ChatSystem.Porchlight system = new ChatSystem.Porchlight(List.of(port), args[4], args[5]);
		ConcurrentLinkedQueue<BrowserSocket> open = new ConcurrentLinkedQueue<>();
		AtomicInteger failed = new AtomicInteger();
		Semaphore parallel = new Semaphore(16);
		var heartbeat = Executors.newSingleThreadScheduledExecutor();
		if (porchlight) {
			// The widget pings every 25 s from the moment its socket opens (Socket.IO's
			// server pings its clients instead). Opening 15,000 sockets takes longer than
			// the server's idle timeout, so the pings start with the first socket.
			heartbeat.scheduleAtFixedRate(() -> open.forEach((socket) -> socket.sendText("{\"type\":\"ping\"}")), 20,
					20, TimeUnit.SECONDS);
		}
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < count; i++) {
				int k = i;
				parallel.acquire();
				pool.submit(() -> {
					try {
						// Like real visitors: each from an address of its own, with a
						// token of
						// its own, opened the way a browser opens it.
						InetAddress source = InetAddress.getByAddress(
								new byte[] { 127, (byte) (20 + process), (byte) (1 + k / 250), (byte) (1 + k % 250) });
						open.add(porchlight
								? BrowserSocket.open(source, port, "/ws/v1/visitor", ChatSystem.Porchlight.ORIGIN,
										"porchlight.v1, porchlight.token." + system.token(0, source), false)
								: BrowserSocket.open(source, port, "/socket.io/?EIO=4&transport=websocket",
										ChatSystem.Porchlight.ORIGIN, null, true));
					}
					catch (Exception ex) {
						if (failed.incrementAndGet() <= 3) {
							System.err.println("socket failed: " + ex);
						}
					}
					finally {
						parallel.release();
					}
				});
			}
		}
		String extensions = open.stream().map((socket) -> socket.extensions).findFirst().orElse("");
		System.err.println("extensions agreed: " + (extensions.isEmpty() ? "none" : extensions));
		long alive = open.stream().filter((conn) -> !conn.closed()).count();
		System.out.println("READY " + alive + " " + failed.get());
		System.out.flush();
		new BufferedReader(new InputStreamReader(System.in)).readLine();
		long stillOpen = open.stream().filter((conn) -> !conn.closed()).count();
		System.out.println("HELD " + stillOpen);
		System.out.flush();
		heartbeat.shutdownNow();
		open.forEach(BrowserSocket::abort);
		System.exit(0);
	}

}
