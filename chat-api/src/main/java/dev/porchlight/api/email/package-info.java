/**
 * Email continuity: replies to visitors who left are emailed to them, their answers (and
 * new emails to the shop) come back into the same inbox, by IMAP or a provider's webhook.
 */
@NullMarked
package dev.porchlight.api.email;

import org.jspecify.annotations.NullMarked;
