package dev.porchlight.api.attachment;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.porchlight.domain.attachment.Attachments;
import dev.porchlight.domain.attachment.Variant;
import dev.porchlight.domain.conversation.Attachment;
import dev.porchlight.domain.conversation.AttachmentId;
import dev.porchlight.domain.secret.InstallSecrets;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Signed, short-lived links to files: {@code /files/<id>/<variant>?exp=<epoch
 * seconds>&sig=<HMAC>}. The signature (HMAC-SHA256 under an install secret, 128 bits)
 * covers the id, the variant and the expiry, so a link opens exactly one variant of one
 * file until it expires, without a cookie or token: an {@code <img>} just works, and a
 * leaked link stops working. Links are given only to whoever may read the conversation.
 * Expiries are rounded up to the next {@value #ROUND_SECONDS} seconds, so everybody
 * receiving one event gets the same links.
 */
@Component
public class AttachmentLinks {

	static final String SECRET = "attachment-link";

	static final long ROUND_SECONDS = 300;

	private final SecretKeySpec key;

	private final long ttlSeconds;

	private final Clock clock;

	@Autowired
	public AttachmentLinks(InstallSecrets secrets, AttachmentProperties properties) {
		this(secrets, properties, Clock.systemUTC());
	}

	AttachmentLinks(InstallSecrets secrets, AttachmentProperties properties, Clock clock) {
		String secret = secrets.getOrCreate(SECRET, () -> {
			byte[] random = new byte[32];
			new SecureRandom().nextBytes(random);
			return Base64.getEncoder().encodeToString(random);
		});
		this.key = new SecretKeySpec(Base64.getDecoder().decode(secret), "HmacSHA256");
		this.ttlSeconds = properties.linkTtl().toSeconds();
		this.clock = clock;
	}

	/**
	 * A message's files as clients see them.
	 * @param attachments the files
	 * @return their views, with fresh links
	 */
	public List<AttachmentView> views(List<Attachment> attachments) {
		long expiry = expiry();
		return attachments.stream().map((attachment) -> view(attachment, false, expiry)).toList();
	}

	/**
	 * An uploaded file as clients see it.
	 * @param stored the file
	 * @param forStaff whether the link to the original (if kept) is included
	 * @return its view, with fresh links
	 */
	public AttachmentView view(Attachments.Stored stored, boolean forStaff) {
		return view(stored.attachment(), forStaff && stored.original(), expiry());
	}

	private AttachmentView view(Attachment attachment, boolean original, long expiry) {
		boolean image = attachment.image();
		String file = link(attachment.id(), Variant.FILE, expiry);
		return new AttachmentView(attachment.id().toString(), attachment.name(), attachment.mediaType(),
				attachment.size(), image ? attachment.width() : null, image ? attachment.height() : null, file,
				image ? link(attachment.id(), Variant.THUMBNAIL, expiry) : null, file + "&download=1",
				original ? link(attachment.id(), Variant.ORIGINAL, expiry) : null,
				Instant.ofEpochSecond(expiry).toString());
	}

	/**
	 * Whether a link is one of ours and still valid.
	 * @param id the file the link names
	 * @param variant the variant it names
	 * @param expiry its {@code exp}
	 * @param signature its {@code sig}
	 * @return what the link is worth
	 */
	public Verdict check(AttachmentId id, Variant variant, long expiry, @Nullable String signature) {
		if (signature == null || !MessageDigest.isEqual(sign(id, variant, expiry).getBytes(StandardCharsets.US_ASCII),
				signature.getBytes(StandardCharsets.US_ASCII))) {
			return Verdict.INVALID;
		}
		return (this.clock.instant().getEpochSecond() > expiry) ? Verdict.EXPIRED : Verdict.VALID;
	}

	/**
	 * @param expiry a valid link's {@code exp}
	 * @return seconds the link still works
	 */
	public long secondsLeft(long expiry) {
		return Math.max(0, expiry - this.clock.instant().getEpochSecond());
	}

	private long expiry() {
		long at = this.clock.instant().getEpochSecond() + this.ttlSeconds;
		return ((at + ROUND_SECONDS - 1) / ROUND_SECONDS) * ROUND_SECONDS;
	}

	private String link(AttachmentId id, Variant variant, long expiry) {
		return "/files/" + id + "/" + variant.code() + "?exp=" + expiry + "&sig=" + sign(id, variant, expiry);
	}

	private String sign(AttachmentId id, Variant variant, long expiry) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(this.key);
			byte[] digest = mac.doFinal((id + "/" + variant.code() + "/" + expiry).getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is part of every JVM", ex);
		}
	}

	/**
	 * What a link is worth.
	 */
	public enum Verdict {

		/** Ours and not expired. */
		VALID,

		/** Ours, but expired. */
		EXPIRED,

		/** Not ours: forged or changed. */
		INVALID

	}

}
