/**
 * PostgreSQL adapter of the {@link dev.porchlight.domain.account.Accounts} port.
 */
@NullMarked
package dev.porchlight.persistence.account;

import org.jspecify.annotations.NullMarked;
