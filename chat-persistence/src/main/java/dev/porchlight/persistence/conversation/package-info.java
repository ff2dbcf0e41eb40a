/**
 * Redis adapter of the {@link dev.porchlight.domain.conversation.LiveConversations} port:
 * the live conversations' state, logs and indexes, and the key design.
 */
@NullMarked
package dev.porchlight.persistence.conversation;

import org.jspecify.annotations.NullMarked;
