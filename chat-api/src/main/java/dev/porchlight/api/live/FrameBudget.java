package dev.porchlight.api.live;

/**
 * One socket's token buckets, one per {@link FrameLimits.Kind}: full at first, refilled
 * continuously at the kind's rate, never above its burst. A few numbers per socket,
 * allocated with the socket's first limited frame, and no I/O.
 */
final class FrameBudget {

	private final FrameLimits limits;

	private final double[] tokens;

	private final long[] refilledNanos;

	FrameBudget(FrameLimits limits, long nowNanos) {
		this.limits = limits;
		FrameLimits.Kind[] kinds = FrameLimits.Kind.values();
		this.tokens = new double[kinds.length];
		this.refilledNanos = new long[kinds.length];
		for (FrameLimits.Kind kind : kinds) {
			this.tokens[kind.ordinal()] = limits.burst(kind);
			this.refilledNanos[kind.ordinal()] = nowNanos;
		}
	}

	/**
	 * Takes one frame of a kind from the budget.
	 * @param kind the frame's kind
	 * @param nowNanos {@link System#nanoTime()}
	 * @return 0 when the frame may go on; otherwise how many nanoseconds until it would
	 * have been allowed
	 */
	synchronized long take(FrameLimits.Kind kind, long nowNanos) {
		int i = kind.ordinal();
		double perNano = this.limits.perMinute(kind) / 60e9;
		double available = Math.min(this.limits.burst(kind),
				this.tokens[i] + (nowNanos - this.refilledNanos[i]) * perNano);
		this.refilledNanos[i] = nowNanos;
		if (available >= 1) {
			this.tokens[i] = available - 1;
			return 0;
		}
		this.tokens[i] = available;
		return (perNano > 0) ? (long) Math.ceil((1 - available) / perNano) : Long.MAX_VALUE;
	}

}
