package dev.porchlight.domain.search;

import dev.porchlight.domain.customer.CustomerId;
import org.jspecify.annotations.Nullable;

/**
 * A customer that matched a lookup.
 *
 * @param id the customer
 * @param name their name
 * @param email their email
 * @param phone their phone
 * @param score how well they matched, 0 to 1
 */
public record CustomerHit(CustomerId id, @Nullable String name, @Nullable String email, @Nullable String phone,
		double score) {
}
