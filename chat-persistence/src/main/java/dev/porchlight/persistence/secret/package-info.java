/**
 * PostgreSQL adapter of the {@link dev.porchlight.domain.secret.InstallSecrets} port.
 */
@NullMarked
package dev.porchlight.persistence.secret;

import org.jspecify.annotations.NullMarked;
