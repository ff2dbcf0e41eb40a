package dev.porchlight.api.live;

import java.time.Duration;

import dev.porchlight.domain.common.ConfigurationProblem;
import dev.porchlight.domain.replication.Replicas;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * The opt-in promise that an acknowledged message survives the loss of the Redis primary
 * ({@code porchlight.live.replica-acks}): before a send is acknowledged, that many
 * replicas must hold it. Redis replicates asynchronously, so without this a primary that
 * dies can take acknowledged messages with it (docs/reliability.md). When the replicas do
 * not confirm within {@code replica-ack-timeout}, the sender hears {@code unavailable}
 * and resends with the same client id, which is deduplicated.
 */
@Component
class ReplicaAcks {

	static final long RETRY_AFTER_MILLIS = 1000;

	private final Replicas replicas;

	private final int count;

	private final Duration timeout;

	private final Counter unconfirmed;

	ReplicaAcks(Replicas replicas, LiveProperties properties, MeterRegistry meters) {
		this.replicas = replicas;
		this.count = properties.replicaAcks();
		this.timeout = properties.replicaAckTimeout();
		if (this.count > 0 && !replicas.canConfirm()) {
			throw new ConfigurationProblem(
					"porchlight.live.replica-acks needs a Redis primary with replicas "
							+ "(standalone or managed by Sentinel): on a Redis Cluster one node's writes go to several "
							+ "primaries, and WAIT asks only one",
					"Set porchlight.live.replica-acks to 0 on a Redis Cluster, or use a primary with replicas.");
		}
		this.unconfirmed = Counter.builder("porchlight.replica.acks.missed")
			.description("Sends answered 'unavailable' because no replica confirmed them in time")
			.register(meters);
	}

	boolean enabled() {
		return this.count > 0;
	}

	/**
	 * Waits until the configured number of replicas hold what this node just wrote.
	 * @param duplicate whether the send was found as a duplicate, whose first copy may
	 * have been written by another node
	 * @throws ProtocolException {@code unavailable} when they did not confirm in time
	 */
	void confirm(boolean duplicate) {
		if (this.count == 0) {
			return;
		}
		boolean confirmed = duplicate ? this.replicas.confirmAllWrites(this.count, this.timeout)
				: this.replicas.confirmWrites(this.count, this.timeout);
		if (!confirmed) {
			this.unconfirmed.increment();
			throw new ProtocolException("unavailable", "Chat is briefly unavailable; retry shortly.",
					RETRY_AFTER_MILLIS);
		}
	}

}
