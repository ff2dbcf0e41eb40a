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
 * A generator process that holds idle visitor sockets (scenario 1). A process may have at
 * most 20,000 open files, so the harness starts several of these. Prints
 * {@code READY <open> <failed>} once every socket is open (or failed), keeps them alive
 * (Porchlight needs a client ping at least every 25 s; Socket.IO pings the client), and
 * closes them when a line arrives on standard input.
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
		ChatSystem system = porchlight ? new ChatSystem.Porchlight(List.of(port), args[4], args[5])
				: new ChatSystem.SocketIo(List.of(port));
		ConcurrentLinkedQueue<Conn> open = new ConcurrentLinkedQueue<>();
		AtomicInteger failed = new AtomicInteger();
		Semaphore parallel = new Semaphore(16);
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < count; i++) {
				int k = i;
				parallel.acquire();
				pool.submit(() -> {
					try {
						// Visitor tokens are limited to 30 a minute per address: 25
						// visitors per token address; sockets leave from eight addresses.
						InetAddress tokenSource = InetAddress.getByAddress(new byte[] { 127, (byte) (10 + process),
								(byte) (1 + k / 25 / 250), (byte) (1 + (k / 25) % 250) });
						open.add(system.idleVisitor(0, LoadGenerator.address(0, 1 + k % 8), tokenSource));
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
		String ping = system.pingFrame();
		var heartbeat = Executors.newSingleThreadScheduledExecutor();
		if (ping != null) {
			heartbeat.scheduleAtFixedRate(() -> open.forEach((conn) -> conn.send(ping)), 20, 20, TimeUnit.SECONDS);
		}
		long alive = open.stream().filter((conn) -> !conn.closed()).count();
		System.out.println("READY " + alive + " " + failed.get());
		System.out.flush();
		new BufferedReader(new InputStreamReader(System.in)).readLine();
		long stillOpen = open.stream().filter((conn) -> !conn.closed()).count();
		System.out.println("HELD " + stillOpen);
		System.out.flush();
		heartbeat.shutdownNow();
		open.forEach(Conn::abort);
		System.exit(0);
	}

}
