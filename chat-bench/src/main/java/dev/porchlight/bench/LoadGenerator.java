package dev.porchlight.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The open-model load generator. Visitors and owner sockets are set up once per system
 * and reused by every run. A run sends at a fixed arrival rate from a pacer thread that
 * never waits for an answer: message {@code i} is due at {@code start + i / rate}, and
 * its latency is measured from that due time, so a send that leaves late (because the
 * generator or the machine stalled) counts its delay instead of hiding it (coordinated
 * omission). Send and delivery are stamped with {@link System#nanoTime} of this one
 * process.
 *
 * <p>
 * Each visitor is on one node and the owner socket that follows its conversation is on
 * the other, so every visitor-to-owner and owner-to-visitor delivery crosses nodes
 * through Redis. Owners answer one message in ten.
 */
final class LoadGenerator implements AutoCloseable {

	static final int OWNER_EVERY = 10;

	private static final String[] PHRASES = { "Hi, do you ship to Austria?", "Is the silver ring available in size 7?",
			"How long does delivery take to Lyon?", "Can I return the pendant if it does not fit?",
			"Do you make custom ankh pendants in gold?", "My order 48213 has not arrived yet, can you check?",
			"Thanks, that was quick!", "Is there a discount for two bracelets?" };

	private static final AtomicInteger RUNS = new AtomicInteger();

	final ChatSystem system;

	private final List<ChatSystem.Visitor> visitors = new ArrayList<>();

	private final List<Conn> owners = new ArrayList<>();

	private final int[] ownerOf;

	private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();

	private volatile Run current;

	private final AtomicLong errors = new AtomicLong();

	LoadGenerator(ChatSystem system, int visitorCount) {
		this.system = system;
		int nodes = system.ports().size();
		for (int n = 0; n < nodes; n++) {
			Conn owner = system.staff(n, address(0, n + 1));
			owner.handler(this::onOwnerFrame);
			this.owners.add(owner);
		}
		this.ownerOf = new int[visitorCount];
		for (int i = 0; i < visitorCount; i++) {
			int node = i % nodes;
			// Twenty visitors per source address, one address per HTTP set-up request
			// batch, like visitors behind their own connections.
			ChatSystem.Visitor visitor = system.visitor(node, address(1 + i / 200, 1 + (i / 20) % 10),
					address(1 + i / 200, 1 + (i / 20) % 10));
			visitor.conn().handler(this::onVisitorFrame);
			this.visitors.add(visitor);
			this.ownerOf[i] = (node + 1) % nodes;
			this.owners.get(this.ownerOf[i]).send(system.subscribeFrame(visitor.conversationId()));
		}
		String ping = system.pingFrame();
		if (ping != null) {
			this.heartbeat.scheduleAtFixedRate(() -> {
				this.visitors.forEach((visitor) -> visitor.conn().send(ping));
				this.owners.forEach((owner) -> owner.send(ping));
			}, 20, 20, TimeUnit.SECONDS);
		}
		sleep(Duration.ofSeconds(1));
	}

	static InetAddress address(int third, int fourth) {
		try {
			return InetAddress.getByAddress(new byte[] { 127, 0, (byte) third, (byte) fourth });
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String phrase(int i) {
		return PHRASES[i % PHRASES.length];
	}

	int visitorCount() {
		return this.visitors.size();
	}

	/**
	 * Sends visitor messages at a fixed rate for a while, owners answering one in ten,
	 * then waits for stragglers.
	 * @param rate visitor messages per second (all visitors together)
	 * @param duration how long to send
	 * @return what was measured
	 */
	Result run(double rate, Duration duration) {
		int total = (int) Math.round(rate * duration.toNanos() / 1e9);
		Run run = new Run(RUNS.incrementAndGet(), total, (int) Math.max(1, duration.toSeconds()));
		this.current = run;
		long period = (long) (1e9 / rate);
		long start = System.nanoTime() + 50_000_000L;
		long lateSends = 0;
		for (int i = 0; i < total; i++) {
			long due = start + i * period;
			long now;
			while ((now = System.nanoTime()) < due) {
				LockSupport.parkNanos(due - now);
			}
			if (now - due > 1_000_000L) {
				lateSends++;
			}
			int v = i % this.visitors.size();
			ChatSystem.Visitor visitor = this.visitors.get(v);
			String body = PHRASES[i % PHRASES.length];
			run.visitorDue[i] = due;
			run.start = start;
			visitor.conn().send(this.system.sendFrame(visitor.conversationId(), "v" + run.id + "x" + i, body));
			if (i % OWNER_EVERY == 0) {
				int j = i / OWNER_EVERY;
				run.ownerDue[j] = due;
				this.owners.get(this.ownerOf[v])
					.send(this.system.sendFrame(visitor.conversationId(), "o" + run.id + "x" + j,
							"Yes, we can do that. " + body));
				run.ownerSent.incrementAndGet();
			}
		}
		long sendingEnded = System.nanoTime();
		long deadline = sendingEnded + 5_000_000_000L;
		while (System.nanoTime() < deadline
				&& (run.visitorDelivered.get() < total || run.ownerDelivered.get() < run.ownerSent.get())) {
			sleep(Duration.ofMillis(20));
		}
		this.current = null;
		double seconds = (sendingEnded - start) / 1e9;
		return new Result(this.system.name(), rate, total / Math.max(seconds, 1e-9), total, run.visitorDelivered.get(),
				run.visitorLatency.getIntervalHistogram(), run.ownerSent.get(), run.ownerDelivered.get(),
				run.ownerLatency.getIntervalHistogram(), lateSends, this.errors.getAndSet(0), closedSockets(),
				run.acked.get(), run.refused.get(), run.ackedNotDelivered(), run.p99PerSecond());
	}

	int closedSockets() {
		int closed = 0;
		for (ChatSystem.Visitor visitor : this.visitors) {
			closed += visitor.conn().closed() ? 1 : 0;
		}
		for (Conn owner : this.owners) {
			closed += owner.closed() ? 1 : 0;
		}
		return closed;
	}

	private void onOwnerFrame(String frame) {
		delivered(frame, 'v');
	}

	private void onVisitorFrame(String frame) {
		delivered(frame, 'o');
	}

	private void delivered(String frame, char direction) {
		long now = System.nanoTime();
		Run run = this.current;
		if (frame.contains("\"type\":\"error\"")) {
			this.errors.incrementAndGet();
			// A refusal names the message it refuses by its ref (the client id).
			int at = frame.indexOf("\"ref\":\"");
			if (run != null && at >= 0) {
				Message refused = message(frame, at + 7, run);
				if (refused != null && refused.direction() == 'v') {
					run.refused(refused.index());
				}
			}
			return;
		}
		if (run == null) {
			return;
		}
		int at = frame.indexOf("\"clientId\":\"");
		if (at < 0) {
			return;
		}
		Message message = message(frame, at + 12, run);
		if (message == null) {
			return;
		}
		// Porchlight answers {"type":"ack",...}, the peer 42["ack",{...}].
		if (frame.contains("\"ack\"")) {
			if (message.direction() == 'v' && direction == 'o') {
				run.acked(message.index());
			}
			return;
		}
		// Only events count as deliveries.
		if (!frame.contains("\"event\"") || message.direction() != direction) {
			return;
		}
		run.delivered(direction, message.index(), now);
	}

	/**
	 * The message a client id ({@code v<run>x<index>} or {@code o<run>x<index>}) starting
	 * at {@code from} names, if it belongs to this run.
	 */
	private static Message message(String frame, int from, Run run) {
		int x = frame.indexOf('x', from);
		int end = frame.indexOf('"', from);
		if (from >= frame.length() || x < 0 || end < 0 || x > end) {
			return null;
		}
		char direction = frame.charAt(from);
		if ((direction != 'v' && direction != 'o') || Integer.parseInt(frame, from + 1, x, 10) != run.id) {
			return null;
		}
		return new Message(direction, Integer.parseInt(frame, x + 1, end, 10));
	}

	private record Message(char direction, int index) {
	}

	@Override
	public void close() {
		this.heartbeat.shutdownNow();
		this.visitors.forEach((visitor) -> visitor.conn().abort());
		this.owners.forEach(Conn::abort);
	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** One run's bookkeeping: due times by message index, and what arrived. */
	private static final class Run {

		final int id;

		final long[] visitorDue;

		final long[] ownerDue;

		final AtomicIntegerArray seen;

		final AtomicIntegerArray ownerSeen;

		final AtomicInteger visitorDelivered = new AtomicInteger();

		final AtomicInteger ownerDelivered = new AtomicInteger();

		final AtomicInteger ownerSent = new AtomicInteger();

		final AtomicIntegerArray ackedFlags;

		final AtomicIntegerArray refusedFlags;

		final AtomicInteger acked = new AtomicInteger();

		final AtomicInteger refused = new AtomicInteger();

		/** Visitor → owner latency by the second of the run the message was due in. */
		final AtomicHistogram[] perSecond;

		volatile long start;

		// Microseconds, up to a minute.
		final Recorder visitorLatency = new Recorder(60_000_000L, 3);

		final Recorder ownerLatency = new Recorder(60_000_000L, 3);

		Run(int id, int total, int seconds) {
			this.id = id;
			this.visitorDue = new long[total];
			this.ownerDue = new long[total / OWNER_EVERY + 1];
			this.seen = new AtomicIntegerArray(total);
			this.ownerSeen = new AtomicIntegerArray(total / OWNER_EVERY + 1);
			this.ackedFlags = new AtomicIntegerArray(total);
			this.refusedFlags = new AtomicIntegerArray(total);
			this.perSecond = new AtomicHistogram[seconds];
			for (int i = 0; i < seconds; i++) {
				this.perSecond[i] = new AtomicHistogram(60_000_000L, 2);
			}
		}

		void acked(int index) {
			if (index < this.ackedFlags.length() && this.ackedFlags.compareAndSet(index, 0, 1)) {
				this.acked.incrementAndGet();
			}
		}

		void refused(int index) {
			if (index < this.refusedFlags.length() && this.refusedFlags.compareAndSet(index, 0, 1)) {
				this.refused.incrementAndGet();
			}
		}

		/** Acknowledged visitor messages that never reached the owner: lost. */
		long ackedNotDelivered() {
			long lost = 0;
			for (int i = 0; i < this.ackedFlags.length(); i++) {
				if (this.ackedFlags.get(i) == 1 && this.seen.get(i) == 0) {
					lost++;
				}
			}
			return lost;
		}

		double[] p99PerSecond() {
			double[] p99 = new double[this.perSecond.length];
			for (int i = 0; i < p99.length; i++) {
				p99[i] = (this.perSecond[i].getTotalCount() == 0) ? Double.NaN
						: this.perSecond[i].getValueAtPercentile(99) / 1000.0;
			}
			return p99;
		}

		void delivered(char direction, int index, long now) {
			if (direction == 'v') {
				if (index < this.visitorDue.length && this.seen.compareAndSet(index, 0, 1)) {
					long micros = Math.max(0, (now - this.visitorDue[index]) / 1000);
					this.visitorLatency.recordValue(micros);
					this.visitorDelivered.incrementAndGet();
					int second = (int) ((this.visitorDue[index] - this.start) / 1_000_000_000L);
					if (second >= 0 && second < this.perSecond.length) {
						this.perSecond[second].recordValue(Math.min(micros, 60_000_000L));
					}
				}
			}
			else if (index < this.ownerDue.length && this.ownerSeen.compareAndSet(index, 0, 1)) {
				this.ownerLatency.recordValue(Math.max(0, (now - this.ownerDue[index]) / 1000));
				this.ownerDelivered.incrementAndGet();
			}
		}

	}

	/**
	 * What one run measured. Latencies in microseconds, from the due time to the
	 * delivery.
	 */
	record Result(String system, double rate, double achievedRate, long sent, long delivered, Histogram latency,
			long ownerSent, long ownerDelivered, Histogram ownerLatency, long lateSends, long errors, int closedSockets,
			long acked, long refused, long ackedLost, double[] p99PerSecond) {

		long lost() {
			return this.sent - this.delivered;
		}

		long ownerLost() {
			return this.ownerSent - this.ownerDelivered;
		}

		double p(double percentile) {
			return this.latency.getValueAtPercentile(percentile) / 1000.0;
		}

		double ownerP(double percentile) {
			return this.ownerLatency.getValueAtPercentile(percentile) / 1000.0;
		}

		/** Capacity criterion: p99 within 50 ms both ways and every message delivered. */
		boolean meets() {
			return lost() == 0 && ownerLost() == 0 && this.delivered > 0 && p(99) <= 50 && ownerP(99) <= 50;
		}

		String line() {
			return String.format(
					"%s %.0f/s: sent %d delivered %d (lost %d) p50 %.1f p99 %.1f p99.9 %.1f max %.1f ms | owner sent %d lost %d p50 %.1f p99 %.1f ms | late sends %d, errors %d, closed %d -> %s",
					this.system, this.rate, this.sent, this.delivered, lost(), p(50), p(99), p(99.9),
					this.latency.getMaxValue() / 1000.0, this.ownerSent, ownerLost(), ownerP(50), ownerP(99),
					this.lateSends, this.errors, this.closedSockets, meets() ? "meets" : "fails")
					+ ((this.refused > 0) ? String.format(" | refused %d, acked %d, acked but lost %d", this.refused,
							this.acked, this.ackedLost) : "");
		}

	}

}
