/**
 * PostgreSQL adapter of the {@link dev.porchlight.domain.annotation.Annotations} port.
 */
@NullMarked
package dev.porchlight.persistence.annotation;

import org.jspecify.annotations.NullMarked;
