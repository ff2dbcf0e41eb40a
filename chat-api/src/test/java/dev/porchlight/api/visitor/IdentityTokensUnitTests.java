package dev.porchlight.api.visitor;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import dev.porchlight.api.IdentityTokenFixture;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.site.IdentitySecret;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class IdentityTokensUnitTests {

	/** The example secret of docs/security.md. */
	static final IdentitySecret SECRET = new IdentitySecret("Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF");

	/**
	 * What the dependency-free Node.js, Python, PHP and Ruby examples of docs/security.md
	 * print for customer-42 (ada@shop.example, "Ada Lovelace") at iat 1764576000 with
	 * that secret ({@link IdentityExamplesTests} runs each of them and compares).
	 */
	static final String DOCUMENTED = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
			+ ".eyJzdWIiOiJjdXN0b21lci00MiIsImlhdCI6MTc2NDU3NjAwMCwiZXhwIjoxNzY0NTc5NjAwLCJlbWFpbCI6ImFkYUBzaG9wLmV4YW1wbGUiLCJuYW1lIjoiQWRhIExvdmVsYWNlIn0"
			+ ".oJZ-wa72AbDP0jAonP6BsVuFgTxmP1Bq3W3W8kKikDw";

	static final Instant ISSUED = Instant.ofEpochSecond(1764576000);

	@Test
	void theDocumentedExampleTokenVouchesForExactlyItsSignedClaims() {
		IdentityTokens.Claims claims = IdentityTokens.verify(DOCUMENTED, SECRET, ISSUED.plusSeconds(10));
		assertThat(claims)
			.isEqualTo(new IdentityTokens.Claims("customer-42", new EmailAddress("ada@shop.example"), "Ada Lovelace"));
	}

	@Test
	void theJavaExampleSignsTokensThatVerify() {
		Instant now = Instant.now();
		String token = IdentityTokenFixture.token(SECRET, "user-7", null, null, now, now.plus(Duration.ofHours(1)));
		assertThat(IdentityTokens.verify(token, SECRET, now))
			.isEqualTo(new IdentityTokens.Claims("user-7", null, null));
	}

	@Test
	void aSignatureForOnePersonCannotCarryAnothersEmailOrName() {
		String[] parts = DOCUMENTED.split("\\.");
		String forged = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
			.replace("ada@shop.example", "eve@shop.example")
			.replace("Ada Lovelace", "Eve");
		String swapped = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes())
				+ "." + parts[2];
		assertRefused(swapped, ISSUED.plusSeconds(10), "signature does not match");
		assertRefused(DOCUMENTED, SECRET_OF_ANOTHER_SITE, ISSUED.plusSeconds(10), "signature does not match");
	}

	private static final IdentitySecret SECRET_OF_ANOTHER_SITE = IdentitySecret.generate();

	@Test
	void aTokenIsRefusedAfterItsExpiryEvenIfItWorkedBefore() {
		Instant expiry = ISSUED.plus(Duration.ofHours(1));
		assertThat(IdentityTokens.verify(DOCUMENTED, SECRET, expiry.minusSeconds(1)).subject())
			.isEqualTo("customer-42");
		// Replayed later: the same token opens nothing.
		assertRefused(DOCUMENTED, expiry.plus(IdentityTokens.LEEWAY), "expired");
		assertRefused(DOCUMENTED, expiry.plus(Duration.ofDays(30)), "expired");
	}

	@Test
	void aTokenThatIsNotValidYetIsRefused() {
		Instant now = Instant.now();
		Instant later = now.plus(Duration.ofMinutes(10));
		assertRefused(IdentityTokenFixture.token(SECRET, "user-7", null, null, later, later.plus(Duration.ofHours(1))),
				now, "not valid yet");
		String notBefore = IdentityTokenFixture.sign(SECRET.value(), JWSAlgorithm.HS256,
				Map.of("sub", "user-7", "nbf", later.getEpochSecond(), "exp", later.plusSeconds(600).getEpochSecond()));
		assertRefused(notBefore, now, "not valid yet");
		// A site's clock a little ahead of ours is fine.
		Instant ahead = now.plusSeconds(30);
		assertThat(IdentityTokens
			.verify(IdentityTokenFixture.token(SECRET, "user-7", null, null, ahead, ahead.plusSeconds(600)), SECRET,
					now)
			.subject()).isEqualTo("user-7");
	}

	@Test
	void aTokenLivesAtMostADayAndMustSayWhenItExpires() {
		Instant now = Instant.now();
		assertRefused(IdentityTokenFixture.token(SECRET, "user-7", null, null, now, now.plus(Duration.ofHours(25))),
				now, "more than 24 hours ahead");
		assertRefused(IdentityTokenFixture.token(SECRET, "user-7", null, null, now.minus(Duration.ofHours(2)),
				now.plus(Duration.ofHours(23))), now, "longer than 24 hours");
		assertRefused(IdentityTokenFixture.sign(SECRET.value(), JWSAlgorithm.HS256, Map.of("sub", "user-7")), now,
				"needs exp");
		assertRefused(IdentityTokenFixture.sign(SECRET.value(), JWSAlgorithm.HS256,
				Map.of("exp", now.plusSeconds(600).getEpochSecond())), now, "needs sub");
		assertRefused(
				IdentityTokenFixture.sign(SECRET.value(), JWSAlgorithm.HS256, Map.of("sub", "user-7", "exp",
						now.plusSeconds(600).getEpochSecond(), "email", "not an address")),
				now, "not an email address");
		assertRefused(IdentityTokenFixture.sign(SECRET.value(), JWSAlgorithm.HS256,
				Map.of("sub", "user-7", "exp", "tomorrow")), now, "claims cannot be read");
		assertRefused(
				IdentityTokenFixture.sign(SECRET.value(), JWSAlgorithm.HS256,
						Map.of("sub", "user-7", "exp", now.plusSeconds(600).getEpochSecond(), "name", 42)),
				now, "name must be a string");
		assertRefused(
				IdentityTokenFixture.sign(SECRET.value(), JWSAlgorithm.HS256,
						Map.of("sub", "user-7", "exp", now.plusSeconds(600).getEpochSecond(), "name", "Ada\u0000")),
				now, "control characters");
	}

	@Test
	void onlyHs256UnderTheSitesSecretIsAccepted() {
		Instant now = Instant.now();
		Map<String, Object> claims = Map.of("sub", "user-7", "exp", now.plusSeconds(600).getEpochSecond());
		assertRefused(IdentityTokenFixture.sign(SECRET.value() + SECRET.value(), JWSAlgorithm.HS512, claims), now,
				"HS256");
		String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
		String body = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(("{\"sub\":\"user-7\",\"exp\":" + now.plusSeconds(600).getEpochSecond() + "}").getBytes());
		assertRefused(header + "." + body + ".", now, "not a signed JWT");
		assertRefused("not a token", now, "not a signed JWT");
		assertRefused("a".repeat(IdentityTokens.MAX_LENGTH + 1), now, "longer than");
	}

	private static void assertRefused(String token, Instant now, String reason) {
		assertRefused(token, SECRET, now, reason);
	}

	private static void assertRefused(String token, IdentitySecret secret, Instant now, String reason) {
		assertThatExceptionOfType(IdentityTokens.Refused.class)
			.isThrownBy(() -> IdentityTokens.verify(token, secret, now))
			.withMessageContaining(reason);
	}

}
