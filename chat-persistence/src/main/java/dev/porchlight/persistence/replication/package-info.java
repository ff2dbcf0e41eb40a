/**
 * Redis adapter of the {@link dev.porchlight.domain.replication.Replicas} port
 * ({@code WAIT}).
 */
@NullMarked
package dev.porchlight.persistence.replication;

import org.jspecify.annotations.NullMarked;
