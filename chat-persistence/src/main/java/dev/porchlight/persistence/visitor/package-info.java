/**
 * PostgreSQL adapter of the {@link dev.porchlight.domain.visitor.Visitors} port.
 */
@NullMarked
package dev.porchlight.persistence.visitor;

import org.jspecify.annotations.NullMarked;
