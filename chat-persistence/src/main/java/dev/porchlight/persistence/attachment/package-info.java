/**
 * Attachments in PostgreSQL (their records, and their bytes in chunks by default) or in a
 * directory.
 */
@NullMarked
package dev.porchlight.persistence.attachment;

import org.jspecify.annotations.NullMarked;
