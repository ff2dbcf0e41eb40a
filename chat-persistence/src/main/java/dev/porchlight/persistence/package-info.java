/**
 * Adapters that implement the domain's ports on PostgreSQL and Redis, one sub-package per
 * feature, plus the embedded engines. Adapters are package-private; the application sees
 * only the ports.
 */
@NullMarked
package dev.porchlight.persistence;

import org.jspecify.annotations.NullMarked;
