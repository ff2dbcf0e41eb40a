/**
 * PostgreSQL adapter of the {@link dev.porchlight.domain.audit.AuditLog} port.
 */
@NullMarked
package dev.porchlight.persistence.audit;

import org.jspecify.annotations.NullMarked;
