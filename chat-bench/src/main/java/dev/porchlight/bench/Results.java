package dev.porchlight.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Everything one benchmark run measured, for the report. */
final class Results {

	final boolean quick;

	final Instant startedAt;

	String postgresVersion;

	String redisVersion;

	String nodeVersion;

	String socketIoVersion;

	String adapterVersion;

	Idle idlePorchlight;

	Idle idlePeer;

	final List<Pair> pairs = new ArrayList<>();

	double porchlightCpuSeconds;

	double porchlightCapacityHeap;

	LoadGenerator.Result overload;

	LoadGenerator.Result afterOverload;

	LoadGenerator.Result peerOverload;

	LoadGenerator.Result peerAfterOverload;

	List<LoadGenerator.Result> singlePorchlight = List.of();

	List<LoadGenerator.Result> singlePeer = List.of();

	final List<Archival.Figures> archival = new ArrayList<>();

	/** Scenario 4 with chat running and searchers without pause. */
	Search.Figures search;

	/** Scenario 4 with chat running and searches at a steady rate. */
	Search.Figures searchPaced;

	/** Scenario 4 on an otherwise idle node. */
	Search.Figures searchIdle;

	/** Attachments (issue 22): documents, then photos. */
	List<AttachmentUploads.Round> uploads = List.of();

	/** How long the attachments part took, files, visitors and both rounds. */
	double uploadsSeconds;

	InsightPage.Result insights;

	List<Micro.Score> jmh = List.of();

	double totalSeconds;

	Results(boolean quick, Instant startedAt) {
		this.quick = quick;
		this.startedAt = startedAt;
	}

	double meanPorchlightCapacity() {
		return this.pairs.stream().mapToDouble(Pair::porchlightCapacity).average().orElse(0);
	}

	double medianPorchlightCapacity() {
		return median(this.pairs.stream().mapToDouble(Pair::porchlightCapacity).sorted().toArray());
	}

	double medianPeerCapacity() {
		return median(this.pairs.stream().mapToDouble(Pair::peerCapacity).sorted().toArray());
	}

	/** The median of the pairs' capacity ratios (Porchlight / peer). */
	double medianCapacityRatio() {
		return median(this.pairs.stream()
			.mapToDouble((pair) -> pair.porchlightCapacity() / Math.max(1, pair.peerCapacity()))
			.sorted()
			.toArray());
	}

	private static double median(double[] sorted) {
		if (sorted.length == 0) {
			return 0;
		}
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	record Idle(String node, int wanted, long open, long failed, long heldToEnd, long rssBefore, long rssAfter,
			double heapBefore, double heapAfter, double directBefore, double directAfter, double tokenSeconds,
			double connectSeconds, double tokenCpuSeconds, double connectCpuSeconds) {

		double rssPerSocket() {
			return (this.rssAfter - this.rssBefore) / (double) Math.max(1, this.open);
		}

		double heapPerSocket() {
			return (this.heapAfter - this.heapBefore) / Math.max(1, this.open);
		}

		double directPerSocket() {
			return (this.directAfter - this.directBefore) / Math.max(1, this.open);
		}

		/**
		 * What each socket costs the machine. A JVM node's heap is fixed and pre-touched,
		 * so its RSS grows only outside the heap: the live heap each socket keeps is
		 * added. The peer's RSS growth already holds its heap.
		 */
		double memoryPerSocket(boolean jvm) {
			return rssPerSocket() + (jvm ? Math.max(0, heapPerSocket()) : 0);
		}

	}

	static final class Pair {

		List<LoadGenerator.Result> porchlight = List.of();

		List<LoadGenerator.Result> peer = List.of();

		double halfRate;

		LoadGenerator.Result porchlightAtHalf;

		LoadGenerator.Result peerAtHalf;

		double porchlightCapacity() {
			return capacity(this.porchlight);
		}

		double peerCapacity() {
			return capacity(this.peer);
		}

		/**
		 * The highest rate that met the criterion, stepping up from the lowest; 0 if the
		 * first step failed.
		 */
		static double capacity(List<LoadGenerator.Result> steps) {
			double capacity = 0;
			for (LoadGenerator.Result step : steps) {
				if (!step.meets()) {
					break;
				}
				capacity = step.rate();
			}
			return capacity;
		}

		/**
		 * Whether stepping stopped at the last step without a failure (capacity is a
		 * lower bound).
		 */
		boolean porchlightCapped() {
			return !this.porchlight.isEmpty() && this.porchlight.get(this.porchlight.size() - 1).meets();
		}

		boolean peerCapped() {
			return !this.peer.isEmpty() && this.peer.get(this.peer.size() - 1).meets();
		}

	}

}
