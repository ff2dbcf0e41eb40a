/**
 * Search: queries and how their text is read
 * ({@link dev.porchlight.domain.search.SearchTerms}), cursors, hits, and the
 * {@link dev.porchlight.domain.search.Search} and
 * {@link dev.porchlight.domain.search.SearchIndex} ports.
 */
@NullMarked
package dev.porchlight.domain.search;

import org.jspecify.annotations.NullMarked;
