/**
 * Email continuity in PostgreSQL: the outbox (queued by a trigger on archived staff
 * messages, V11), address standings, mail taken in, and sites' email settings.
 */
@NullMarked
package dev.porchlight.persistence.email;

import org.jspecify.annotations.NullMarked;
