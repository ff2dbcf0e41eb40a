package dev.porchlight.persistence.email;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

import dev.porchlight.domain.email.EmailAddresses;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Address standings by SHA-256 of the trimmed, lower-cased address.
 */
@Repository
class JdbcEmailAddresses implements EmailAddresses {

	private final JdbcClient jdbc;

	JdbcEmailAddresses(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public Optional<Standing> standing(String address) {
		return this.jdbc
			.sql("select bounced_at, bounce_reason, opted_out_at from email_address where address_hash = :hash")
			.param("hash", hash(address))
			.query((row, rowNum) -> new Standing(instant(row.getTimestamp(1)), row.getString(2),
					instant(row.getTimestamp(3))))
			.optional();
	}

	@Override
	public void bounced(String address, String reason, Instant at) {
		this.jdbc.sql("""
				insert into email_address (address_hash, bounced_at, bounce_reason) values (:hash, :at, :reason)
				on conflict (address_hash) do update set bounced_at = excluded.bounced_at,
				                                         bounce_reason = excluded.bounce_reason
				""").param("hash", hash(address)).param("at", Timestamp.from(at)).param("reason", reason).update();
	}

	@Override
	public void optedOut(String address, Instant at) {
		this.jdbc.sql("""
				insert into email_address (address_hash, opted_out_at) values (:hash, :at)
				on conflict (address_hash) do update set opted_out_at = coalesce(email_address.opted_out_at, :at)
				""").param("hash", hash(address)).param("at", Timestamp.from(at)).update();
	}

	@Override
	public void deliverable(String address) {
		this.jdbc.sql("""
				update email_address set bounced_at = null, bounce_reason = null
				 where address_hash = :hash and bounced_at is not null
				""").param("hash", hash(address)).update();
	}

	static String hash(String address) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256")
					.digest(address.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
