/**
 * Redis adapter of the {@link dev.porchlight.domain.presence.Presences} port.
 */
@NullMarked
package dev.porchlight.persistence.presence;

import org.jspecify.annotations.NullMarked;
