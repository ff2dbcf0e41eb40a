/**
 * Presence: whether staff can answer now and where visitors are, and the port that keeps
 * it (with expiry).
 */
@NullMarked
package dev.porchlight.domain.presence;

import org.jspecify.annotations.NullMarked;
