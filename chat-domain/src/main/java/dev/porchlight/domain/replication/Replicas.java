package dev.porchlight.domain.replication;

import java.time.Duration;

/**
 * The replicas of the live store. Replication is asynchronous: a primary that dies takes
 * with it whatever it acknowledged but had not sent to a replica yet. Waiting here before
 * acknowledging closes that window, at the price of the wait.
 */
public interface Replicas {

	/**
	 * @return whether this store can confirm a node's writes; not a Redis Cluster, whose
	 * writes of one node spread over several primaries
	 */
	boolean canConfirm();

	/**
	 * Waits until at least {@code count} replicas hold every write this node made so far.
	 * @param count how many replicas
	 * @param timeout the longest wait
	 * @return whether that many confirmed within the timeout
	 */
	boolean confirmWrites(int count, Duration timeout);

	/**
	 * Like {@link #confirmWrites}, and also covering writes other nodes made before now,
	 * e.g. the first copy of a message found again as a duplicate.
	 * @param count how many replicas
	 * @param timeout the longest wait
	 * @return whether that many confirmed within the timeout
	 */
	boolean confirmAllWrites(int count, Duration timeout);

}
