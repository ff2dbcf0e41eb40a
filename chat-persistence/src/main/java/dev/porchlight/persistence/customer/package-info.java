/**
 * PostgreSQL adapter of the {@link dev.porchlight.domain.customer.Customers} port.
 */
@NullMarked
package dev.porchlight.persistence.customer;

import org.jspecify.annotations.NullMarked;
