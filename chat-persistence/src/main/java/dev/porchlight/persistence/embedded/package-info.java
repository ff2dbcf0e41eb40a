/**
 * Real PostgreSQL and Redis started inside the process from binaries shipped in Maven
 * artifacts, for the zero-setup run and for tests where no Docker engine is available.
 * The auto-configuration backs off as soon as an external engine is configured; the data
 * directory lock keeps two instances from sharing one directory.
 */
@NullMarked
package dev.porchlight.persistence.embedded;

import org.jspecify.annotations.NullMarked;
