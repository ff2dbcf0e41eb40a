package dev.porchlight.api.email;

import org.jspecify.annotations.Nullable;

/**
 * What a bounce says about a mail that could not be delivered: a delivery status
 * notification (RFC 3464) whose action is {@code failed}, or a common non-standard bounce
 * from a mailer daemon.
 *
 * @param recipient the address that failed, lower-cased, when known
 * @param originalMessageId the Message-ID (without angle brackets) of the mail that
 * bounced, when known
 * @param status the enhanced status code, such as {@code 5.1.1}, when known
 * @param diagnostic the remote server's diagnostic, without its type prefix, at most 300
 * characters
 * @param permanent whether delivery to this address should not be tried again
 */
public record DeliveryReport(@Nullable String recipient, @Nullable String originalMessageId, @Nullable String status,
		@Nullable String diagnostic, boolean permanent) {

}
