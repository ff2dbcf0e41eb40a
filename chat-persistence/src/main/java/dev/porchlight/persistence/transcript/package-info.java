/**
 * PostgreSQL adapter of the {@link dev.porchlight.domain.conversation.Transcripts} port:
 * idempotent, batched archival of conversation logs.
 */
@NullMarked
package dev.porchlight.persistence.transcript;

import org.jspecify.annotations.NullMarked;
