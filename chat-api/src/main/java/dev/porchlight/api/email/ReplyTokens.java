package dev.porchlight.api.email;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.secret.InstallSecrets;

import org.springframework.stereotype.Component;

/**
 * The signed reply address of a conversation:
 * {@code shop+r-<conversation>-<signature>@…}. The conversation id is 32 hex digits; the
 * signature, an HMAC-SHA256 of it under an install secret cut to 80 bits (20 hex digits),
 * proves the address came from an email of ours. Hex because mail systems may lower-case
 * a local part. A reply address only lets its holder add messages to that conversation,
 * never read it.
 */
@Component
public class ReplyTokens {

	static final String SECRET = "email-reply-token";

	private static final Pattern TOKEN = Pattern.compile("\\+r-([0-9a-f]{32})-([0-9a-f]{20})@");

	private static final Pattern ANY_TOKEN = Pattern.compile("\\+r-[^@]*@");

	private final SecretKeySpec key;

	public ReplyTokens(InstallSecrets secrets) {
		String secret = secrets.getOrCreate(SECRET, () -> {
			byte[] random = new byte[32];
			new SecureRandom().nextBytes(random);
			return Base64.getEncoder().encodeToString(random);
		});
		this.key = new SecretKeySpec(Base64.getDecoder().decode(secret), "HmacSHA256");
	}

	/**
	 * The reply address of a conversation.
	 * @param shopAddress the shop's address ({@code local@domain})
	 * @param conversation the conversation
	 * @return {@code local+r-<id>-<signature>@domain}
	 */
	public String replyAddress(String shopAddress, ConversationId conversation) {
		int at = shopAddress.lastIndexOf('@');
		String hex = hex(conversation);
		return shopAddress.substring(0, at) + "+r-" + hex + "-" + sign(hex) + shopAddress.substring(at);
	}

	/**
	 * What the recipients of an inbound mail say about the conversation it answers.
	 * @param recipients the mail's recipient addresses
	 * @return the conversation of a correctly signed reply address, or
	 * {@link Reading#forgery()} when one looks like a reply address but its signature is
	 * wrong, or {@link Reading#nothing()}
	 */
	public Reading read(Iterable<String> recipients) {
		boolean forged = false;
		for (String recipient : recipients) {
			String address = recipient.toLowerCase(Locale.ROOT);
			Matcher matcher = TOKEN.matcher(address);
			if (matcher.find()) {
				String hex = matcher.group(1);
				if (MessageDigest.isEqual(sign(hex).getBytes(StandardCharsets.US_ASCII),
						matcher.group(2).getBytes(StandardCharsets.US_ASCII))) {
					return new Reading(Optional.of(conversation(hex)), false);
				}
				forged = true;
			}
			else if (ANY_TOKEN.matcher(address).find()) {
				forged = true;
			}
		}
		return forged ? Reading.forgery() : Reading.nothing();
	}

	/**
	 * The signed token of an opt-out link for an address.
	 * @param address the address
	 * @return {@code <address, base64url>.<signature>}
	 */
	public String optOutToken(String address) {
		String normalized = address.strip().toLowerCase(Locale.ROOT);
		String encoded = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(normalized.getBytes(StandardCharsets.UTF_8));
		return encoded + "." + sign("opt-out:" + normalized);
	}

	/**
	 * The address of a correctly signed opt-out token.
	 * @param token the token from the link
	 * @return the address, or empty when the token is not ours
	 */
	public Optional<String> optOutAddress(String token) {
		int dot = token.indexOf('.');
		if (dot <= 0) {
			return Optional.empty();
		}
		try {
			String address = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
			boolean valid = MessageDigest.isEqual(sign("opt-out:" + address).getBytes(StandardCharsets.US_ASCII),
					token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
			return valid ? Optional.of(address) : Optional.empty();
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	private String sign(String hex) {
		return signed(hex.startsWith("opt-out:") ? hex : "reply:" + hex);
	}

	private String signed(String value) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(this.key);
			byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 10);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String hex(ConversationId conversation) {
		UUID id = conversation.value();
		return HexFormat.of()
			.formatHex(ByteBuffer.allocate(16)
				.putLong(id.getMostSignificantBits())
				.putLong(id.getLeastSignificantBits())
				.array());
	}

	private static ConversationId conversation(String hex) {
		ByteBuffer bytes = ByteBuffer.wrap(HexFormat.of().parseHex(hex));
		return new ConversationId(new UUID(bytes.getLong(), bytes.getLong()));
	}

	/**
	 * What the recipients said.
	 *
	 * @param conversation the conversation of a valid reply address
	 * @param forged whether an address looked like a reply address but was not signed by
	 * us
	 */
	public record Reading(Optional<ConversationId> conversation, boolean forged) {

		static Reading nothing() {
			return new Reading(Optional.empty(), false);
		}

		static Reading forgery() {
			return new Reading(Optional.empty(), true);
		}

	}

}
