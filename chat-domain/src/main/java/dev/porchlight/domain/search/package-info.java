/**
 * Search: queries, cursors, hits and the {@link dev.porchlight.domain.search.Search}
 * port.
 */
@NullMarked
package dev.porchlight.domain.search;

import org.jspecify.annotations.NullMarked;
