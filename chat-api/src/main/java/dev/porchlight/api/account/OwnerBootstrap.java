package dev.porchlight.api.account;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.account.Role;
import dev.porchlight.domain.audit.AuditEvent;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.common.ConfigurationProblem;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.EmailAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Creates the owner account on the first start with an empty database. There is never a
 * default password: either the operator configured one, or a random one-time password is
 * generated, printed once, and must be replaced at the first sign-in.
 */
@Component
class OwnerBootstrap implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(OwnerBootstrap.class);

	/**
	 * No look-alike characters (0/O, 1/l/I), so the password can be typed from a
	 * terminal.
	 */
	private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Accounts accounts;

	private final AuditLog audit;

	private final PasswordEncoder encoder;

	private final OwnerProperties properties;

	private final Clock clock;

	OwnerBootstrap(Accounts accounts, AuditLog audit, PasswordEncoder encoder, OwnerProperties properties) {
		this.accounts = accounts;
		this.audit = audit;
		this.encoder = encoder;
		this.properties = properties;
		this.clock = Clock.systemUTC();
	}

	@Override
	public void run(ApplicationArguments args) {
		if (this.accounts.count() > 0) {
			return;
		}
		boolean generated = this.properties.password() == null || this.properties.password().isBlank();
		String password = generated ? generatePassword() : configuredPassword(this.properties);
		Instant now = this.clock.instant();
		Account owner = Account.create(new EmailAddress(this.properties.email()), this.properties.name(), Role.OWNER,
				this.encoder.encode(password), generated, now);
		if (!this.accounts.addIfNoneExists(owner)) {
			log.info("The first owner account was created by another node");
			return;
		}
		this.audit.record(new AuditEvent(now, owner.id(), "system", "account.created", "account:" + owner.id(), null,
				Map.of("role", Role.OWNER.name(), "reason", "first start", "password",
						generated ? "generated one-time" : "configured")));
		if (generated) {
			// The one exception to "no passwords in logs": shown once, useless after the
			// first sign-in.
			log.warn("""

					==========================================================================
					  Porchlight created the owner account.
					    email:              {}
					    one-time password:  {}
					  Sign in and choose your own password; this one works only until then.
					==========================================================================
					""", owner.email(), password);
		}
		else {
			log.info("Porchlight created the owner account with the configured password");
		}
	}

	/**
	 * The configured first password, held to the same policy as one chosen in the
	 * dashboard: a configured password need never be changed, so it must be good enough
	 * to keep.
	 * @param properties the owner's configuration, with a password
	 * @return the password
	 * @throws IllegalStateException naming the property and what is wrong with it
	 */
	static String configuredPassword(OwnerProperties properties) {
		try {
			PasswordPolicy.check(properties.password(), properties.email());
			return properties.password();
		}
		catch (DomainException ex) {
			throw new ConfigurationProblem(
					"porchlight.owner.password cannot be used for the first owner: " + ex.getMessage(),
					"Set porchlight.owner.password (PORCHLIGHT_OWNER_PASSWORD) to a longer, uncommon passphrase, or "
							+ "leave it unset to get a one-time password printed at start-up.");
		}
	}

	static String generatePassword() {
		StringBuilder password = new StringBuilder(20);
		for (int i = 0; i < 20; i++) {
			password.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
		}
		return password.toString();
	}

}
