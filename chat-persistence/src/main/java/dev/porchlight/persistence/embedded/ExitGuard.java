package dev.porchlight.persistence.embedded;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Stops an embedded engine when the JVM exits and nobody closed it, without racing the
 * application's own shutdown. The libraries' own shutdown hooks stopped the engines at
 * once, in parallel with Spring's shutdown hook, so on {@code SIGTERM} the engines could
 * be gone before the web server had drained its requests (issue 16). This hook first
 * gives the application time to close the engine in its order (after the web server, the
 * schedulers and the clients); only an engine nobody closed is stopped by the hook.
 */
final class ExitGuard {

	/**
	 * How long the hook waits for the application to close the engine: longer than a
	 * graceful shutdown takes ({@code spring.lifecycle.timeout-per-shutdown-phase} is 20
	 * s per phase).
	 */
	static final Duration WAIT_FOR_REGULAR_CLOSE = Duration.ofSeconds(45);

	private final CountDownLatch closed = new CountDownLatch(1);

	private final Thread hook;

	private ExitGuard(String name, BooleanSupplier alive, Runnable stop) {
		this.hook = new Thread(() -> {
			long deadline = System.nanoTime() + WAIT_FOR_REGULAR_CLOSE.toNanos();
			try {
				// An engine that died by itself (or was killed) needs nobody to wait.
				while (alive.getAsBoolean() && System.nanoTime() < deadline) {
					if (this.closed.await(100, TimeUnit.MILLISECONDS)) {
						return;
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (alive.getAsBoolean()) {
				stop.run();
			}
		}, name + "-exit-guard");
		Runtime.getRuntime().addShutdownHook(this.hook);
	}

	/**
	 * @param name names the hook's thread
	 * @param alive whether the engine still runs
	 * @param stop stops the engine
	 * @return the guard; call {@link #closed()} once the engine was closed regularly
	 */
	static ExitGuard register(String name, BooleanSupplier alive, Runnable stop) {
		return new ExitGuard(name, alive, stop);
	}

	void closed() {
		this.closed.countDown();
		try {
			Runtime.getRuntime().removeShutdownHook(this.hook);
		}
		catch (IllegalStateException shuttingDown) {
			// The hook is running already and sees the latch.
		}
	}

}
