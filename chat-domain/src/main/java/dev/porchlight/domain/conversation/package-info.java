/**
 * Conversations and their messages: the conversation lifecycle (open, closed, reopened),
 * message bodies and limits, client message ids for de-duplication, per-conversation
 * sequences, and who may touch a conversation.
 */
@NullMarked
package dev.porchlight.domain.conversation;

import org.jspecify.annotations.NullMarked;
