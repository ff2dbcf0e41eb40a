/**
 * PostgreSQL adapter of the {@link dev.porchlight.domain.site.Sites} port.
 */
@NullMarked
package dev.porchlight.persistence.site;

import org.jspecify.annotations.NullMarked;
