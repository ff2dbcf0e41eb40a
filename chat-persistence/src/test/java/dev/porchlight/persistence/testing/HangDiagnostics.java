package dev.porchlight.persistence.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.PreInterruptCallback;
import org.junit.jupiter.api.extension.PreInterruptContext;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Turns a hung test into a failure that says why, registered for every test of the
 * modules that use it (JUnit extension auto-detection, see
 * {@code junit-platform.properties}).
 *
 * <p>
 * Every test and lifecycle method has JUnit's default timeout
 * ({@code junit.jupiter.execution.timeout.default}); when it expires JUnit prints a dump
 * of every thread ({@code junit.jupiter.execution.timeout.threaddump.enabled}) and
 * interrupts the test. This extension adds what the dump cannot show, the logs of the
 * processes the test started ({@link ProcessLogs}), and a watchdog for the one case the
 * timeout cannot end: a test that ignores the interrupt keeps running, and the build
 * would hang anyway. If the interrupted method has not returned after {@value #GRACE} (60
 * s by default), the watchdog prints another dump and ends the test JVM, which fails the
 * build.
 *
 * <p>
 * A test that fails for any other reason also gets the processes' logs in its report.
 */
public final class HangDiagnostics implements InvocationInterceptor, PreInterruptCallback, TestWatcher {

	/** How long an interrupted test may take to return before the test JVM is ended. */
	public static final String GRACE = "porchlight.test.hang.grace";

	static final Duration DEFAULT_GRACE = Duration.ofSeconds(60);

	// The invocation each thread is running, so the watchdog can tell whether the one it
	// interrupted ever returned (the same thread may already run the next test).
	private static final Map<Thread, Object> RUNNING = new ConcurrentHashMap<>();

	private static final Pattern DURATION = Pattern.compile("\\s*(\\d+)\\s*(ms|s|m)?\\s*");

	static volatile Consumer<String> onStuck = HangDiagnostics::endTheRun;

	@Override
	public void beforeThreadInterrupt(PreInterruptContext preInterrupt, ExtensionContext context) {
		Thread thread = preInterrupt.getThreadToInterrupt();
		System.out.println(report(context.getDisplayName() + " in " + context.getRequiredTestClass().getName()
				+ " timed out; thread " + thread.getName() + " is interrupted now."));
		Object invocation = RUNNING.get(thread);
		if (invocation == null) {
			return;
		}
		Duration grace = context.getConfigurationParameter(GRACE).map(HangDiagnostics::duration).orElse(DEFAULT_GRACE);
		Thread.ofPlatform().daemon().name("porchlight-hang-watchdog").start(() -> {
			try {
				Thread.sleep(grace);
			}
			catch (InterruptedException ex) {
				return;
			}
			if (RUNNING.get(thread) == invocation) {
				onStuck.accept(report(context.getDisplayName() + " in " + context.getRequiredTestClass().getName()
						+ " ignored the interrupt and still runs " + grace.toSeconds()
						+ " s later: ending the test JVM so the build fails instead of hanging.\n" + threadDump()));
			}
		});
	}

	@Override
	public void testFailed(ExtensionContext context, Throwable cause) {
		String logs = ProcessLogs.tails();
		if (!logs.isEmpty()) {
			System.out
				.println("Logs of the processes " + context.getDisplayName() + " started, at its failure:\n" + logs);
		}
	}

	@Override
	public void interceptBeforeAllMethod(Invocation<Void> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		tracked(invocation);
	}

	@Override
	public void interceptBeforeEachMethod(Invocation<Void> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		tracked(invocation);
	}

	@Override
	public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
			ExtensionContext extensionContext) throws Throwable {
		tracked(invocation);
	}

	@Override
	public void interceptTestTemplateMethod(Invocation<Void> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		tracked(invocation);
	}

	@Override
	public <T> T interceptTestFactoryMethod(Invocation<T> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		return tracked(invocation);
	}

	@Override
	public void interceptAfterEachMethod(Invocation<Void> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		tracked(invocation);
	}

	@Override
	public void interceptAfterAllMethod(Invocation<Void> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		tracked(invocation);
	}

	private static <T> T tracked(Invocation<T> invocation) throws Throwable {
		Thread thread = Thread.currentThread();
		Object outer = RUNNING.put(thread, new Object());
		try {
			return invocation.proceed();
		}
		finally {
			if (outer != null) {
				RUNNING.put(thread, outer);
			}
			else {
				RUNNING.remove(thread);
			}
		}
	}

	/**
	 * The longest a hung test can keep a build of this module waiting: the default
	 * timeout of a test or lifecycle method plus the watchdog's grace, as configured in
	 * this module's {@code junit-platform.properties}.
	 * @return the time from the start of a hung test to the end of its run
	 */
	public static Duration longestHang() {
		Properties settings = new Properties();
		try (InputStream in = HangDiagnostics.class.getClassLoader().getResourceAsStream("junit-platform.properties")) {
			if (in == null) {
				throw new IllegalStateException("no junit-platform.properties on the test class path");
			}
			settings.load(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		if (!Boolean.parseBoolean(settings.getProperty("junit.jupiter.execution.timeout.threaddump.enabled"))
				|| !Boolean.parseBoolean(settings.getProperty("junit.jupiter.extensions.autodetection.enabled"))) {
			throw new IllegalStateException("thread dumps and this extension must be enabled: " + settings);
		}
		Duration timeout = duration(settings.getProperty("junit.jupiter.execution.timeout.default", ""));
		String grace = settings.getProperty(GRACE);
		return timeout.plus((grace != null) ? duration(grace) : DEFAULT_GRACE);
	}

	/**
	 * Reads a duration written the way JUnit's timeout settings are: {@code 90 s},
	 * {@code 3 m}, {@code 500 ms} (no unit means seconds).
	 */
	static Duration duration(String text) {
		Matcher matcher = DURATION.matcher(text.toLowerCase(Locale.ROOT));
		if (!matcher.matches()) {
			throw new IllegalArgumentException("not a duration: '" + text + "'");
		}
		long amount = Long.parseLong(matcher.group(1));
		return switch ((matcher.group(2) != null) ? matcher.group(2) : "s") {
			case "ms" -> Duration.ofMillis(amount);
			case "m" -> Duration.ofMinutes(amount);
			default -> Duration.ofSeconds(amount);
		};
	}

	private static String report(String headline) {
		String logs = ProcessLogs.tails();
		return "===== " + headline + "\n"
				+ (logs.isEmpty() ? "(this test registered no process logs)\n" : "Logs of its processes:\n" + logs);
	}

	static String threadDump() {
		StringBuilder dump = new StringBuilder("Threads of the test JVM:\n");
		Thread.getAllStackTraces().forEach((thread, stack) -> {
			dump.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
			for (StackTraceElement frame : stack) {
				dump.append("\tat ").append(frame).append('\n');
			}
		});
		return dump.toString();
	}

	private static void endTheRun(String report) {
		System.out.println(report);
		System.out.flush();
		// Shutdown hooks stop the engines and node processes; should one of them hang
		// too, the JVM is halted.
		Thread.ofPlatform().daemon().start(() -> {
			try {
				Thread.sleep(Duration.ofSeconds(30));
			}
			catch (InterruptedException ex) {
				// halting anyway
			}
			Runtime.getRuntime().halt(3);
		});
		System.exit(3);
	}

}
