/**
 * Email continuity: the queue of emails to visitors, what became of each, the addresses
 * that must not be written to, and the mail taken in.
 */
@NullMarked
package dev.porchlight.domain.email;

import org.jspecify.annotations.NullMarked;
