/**
 * Redis adapter of the {@link dev.porchlight.domain.ratelimit.RateLimiter} port.
 */
@NullMarked
package dev.porchlight.persistence.ratelimit;

import org.jspecify.annotations.NullMarked;
