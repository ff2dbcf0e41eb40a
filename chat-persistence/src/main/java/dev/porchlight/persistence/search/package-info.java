/**
 * PostgreSQL adapter of the {@link dev.porchlight.domain.search.Search} port.
 */
@NullMarked
package dev.porchlight.persistence.search;

import org.jspecify.annotations.NullMarked;
