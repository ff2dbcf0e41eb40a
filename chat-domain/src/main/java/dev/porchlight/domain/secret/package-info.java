/**
 * Per-installation secrets and the port that stores them.
 */
@NullMarked
package dev.porchlight.domain.secret;

import org.jspecify.annotations.NullMarked;
