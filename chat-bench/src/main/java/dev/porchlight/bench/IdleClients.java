package dev.porchlight.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
 * so the harness starts several of these. First asks for every visitor's token (what the
 * widget does when its page loads; the peer issues none) and prints
 * {@code TOKENS <issued> <failed>}; then, when a line arrives on standard input, opens
 * the sockets and prints {@code READY <open> <failed>} once every socket is open (or
 * failed), keeps them alive (Porchlight needs a client ping at least every 25 s;
 * Socket.IO pings the client), and closes them when another line arrives.
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
		var heartbeat = Executors.newSingleThreadScheduledExecutor();
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in));
		// First what the widget asks for when its page loads: a visitor token each (the
		// peer issues no credentials). Then, on the next line of input, the sockets.
		String[] tokens = new String[count];
		if (porchlight) {
			run(count, (k) -> tokens[k] = system.token(0, source(process, k)), failed);
		}
		System.out.println("TOKENS " + (count - failed.get()) + " " + failed.get());
		System.out.flush();
		commands.readLine();
		if (porchlight) {
			// The widget pings every 25 s from the moment its socket opens (Socket.IO's
			// server pings its clients instead), so the pings start with the first
			// socket.
			heartbeat.scheduleAtFixedRate(() -> open.forEach((socket) -> socket.sendText("{\"type\":\"ping\"}")), 20,
					20, TimeUnit.SECONDS);
		}
		run(count, (k) -> {
			if (porchlight && tokens[k] == null) {
				return;
			}
			open.add(porchlight
					? BrowserSocket.open(source(process, k), port, "/ws/v1/visitor", ChatSystem.Porchlight.ORIGIN,
							"porchlight.v1, porchlight.token." + tokens[k], false)
					: BrowserSocket.open(source(process, k), port, "/socket.io/?EIO=4&transport=websocket",
							ChatSystem.Porchlight.ORIGIN, null, true));
		}, failed);
		String extensions = open.stream().map((socket) -> socket.extensions).findFirst().orElse("");
		System.err.println("extensions agreed: " + (extensions.isEmpty() ? "none" : extensions));
		long alive = open.stream().filter((conn) -> !conn.closed()).count();
		System.out.println("READY " + alive + " " + failed.get());
		System.out.flush();
		commands.readLine();
		long stillOpen = open.stream().filter((conn) -> !conn.closed()).count();
		System.out.println("HELD " + stillOpen);
		System.out.flush();
		heartbeat.shutdownNow();
		open.forEach(BrowserSocket::abort);
		System.exit(0);
	}

	/**
	 * Like real visitors: each from a loopback address of its own.
	 */
	static InetAddress source(int process, int k) {
		try {
			return InetAddress
				.getByAddress(new byte[] { 127, (byte) (20 + process), (byte) (1 + k / 250), (byte) (1 + k % 250) });
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	/**
	 * Runs one step per visitor, 16 at a time; counts (and shows the first few) failures.
	 */
	private static void run(int count, Step step, AtomicInteger failed) throws InterruptedException {
		Semaphore parallel = new Semaphore(16);
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < count; i++) {
				int k = i;
				parallel.acquire();
				pool.submit(() -> {
					try {
						step.run(k);
					}
					catch (Exception ex) {
						if (failed.incrementAndGet() <= 3) {
							System.err.println("visitor failed: " + ex);
						}
					}
					finally {
						parallel.release();
					}
				});
			}
		}
	}

	private interface Step {

		void run(int visitor) throws Exception;

	}

}
