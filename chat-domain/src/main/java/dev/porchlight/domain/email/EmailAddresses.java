package dev.porchlight.domain.email;

import java.time.Instant;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Addresses that must not be written to: they bounced, or their owner opted out. Stored
 * by a hash of the address, so the list keeps no address.
 */
public interface EmailAddresses {

	Optional<Standing> standing(String address);

	void bounced(String address, String reason, Instant at);

	void optedOut(String address, Instant at);

	/**
	 * The customer wrote from this address again: a past bounce no longer counts (an
	 * opt-out stays).
	 */
	void deliverable(String address);

	/**
	 * Why an address is not written to.
	 *
	 * @param bouncedAt when it last bounced
	 * @param bounceReason what the receiving server said
	 * @param optedOutAt when its owner opted out
	 */
	record Standing(@Nullable Instant bouncedAt, @Nullable String bounceReason, @Nullable Instant optedOutAt) {

		public boolean blocked() {
			return this.bouncedAt != null || this.optedOutAt != null;
		}

	}

}
