/**
 * Insights in PostgreSQL: the counts kept from the archive (V13) and the queries that
 * read them for a period.
 */
@NullMarked
package dev.porchlight.persistence.insight;

import org.jspecify.annotations.NullMarked;
