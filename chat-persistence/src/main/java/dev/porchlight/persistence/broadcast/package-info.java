/**
 * Redis Pub/Sub adapter of the {@link dev.porchlight.domain.broadcast.Broadcasts} port.
 */
@NullMarked
package dev.porchlight.persistence.broadcast;

import org.jspecify.annotations.NullMarked;
