/**
 * Continuous archival of live conversations from Redis into PostgreSQL: the archiver, its
 * schedule with back-off, and its settings.
 */
@NullMarked
package dev.porchlight.api.archive;

import org.jspecify.annotations.NullMarked;
