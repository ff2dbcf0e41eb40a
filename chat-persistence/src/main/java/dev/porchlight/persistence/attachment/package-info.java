/**
 * Attachments in PostgreSQL (their records, and their bytes in chunks by default), in a
 * directory, or in an S3 bucket.
 */
@NullMarked
package dev.porchlight.persistence.attachment;

import org.jspecify.annotations.NullMarked;
