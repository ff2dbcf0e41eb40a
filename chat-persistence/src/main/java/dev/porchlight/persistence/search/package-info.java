/**
 * PostgreSQL adapters of the {@link dev.porchlight.domain.search.Search} and
 * {@link dev.porchlight.domain.search.SearchIndex} ports: the queries over the
 * per-conversation search documents and the customers, and the snippets cut from raw
 * message text. The documents themselves are kept by triggers of the V7 migration.
 */
@NullMarked
package dev.porchlight.persistence.search;

import org.jspecify.annotations.NullMarked;
