/**
 * Rate limits: what is limited, and the port that counts actions across all nodes.
 */
@NullMarked
package dev.porchlight.domain.ratelimit;

import org.jspecify.annotations.NullMarked;
