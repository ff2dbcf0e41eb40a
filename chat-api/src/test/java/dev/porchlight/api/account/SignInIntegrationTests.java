package dev.porchlight.api.account;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.account.Role;
import dev.porchlight.domain.audit.AuditEvent;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.common.EmailAddress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@PorchlightTest(properties = { "porchlight.owner.email=olga@shop.example",
		"porchlight.owner.password=" + SignInIntegrationTests.PASSWORD })
class SignInIntegrationTests {

	static final String OWNER = "olga@shop.example";

	static final String PASSWORD = "correct horse battery staple";

	@LocalServerPort
	int port;

	@Autowired
	Accounts accounts;

	@Autowired
	AuditLog audit;

	@Autowired
	StringRedisTemplate redis;

	@Autowired
	PasswordEncoder encoder;

	@Autowired
	AuthenticationManager authentication;

	@Autowired
	RedisIndexedSessionRepository sessions;

	@BeforeEach
	void forgetThrottlesAndSessions() {
		this.redis.execute((RedisCallback<Object>) (connection) -> {
			connection.serverCommands().flushDb();
			return null;
		});
		// Tests in this class change the password; put the configured one back.
		this.accounts.update(owner().withPassword(this.encoder.encode(PASSWORD), Instant.now()));
	}

	@Test
	void storesPasswordsAsBcryptWithCostTenOrMore() {
		assertThat(owner().passwordHash()).matches("\\{bcrypt\\}\\$2[aby]\\$(1[0-9]|[2-9][0-9])\\$.{53}");
	}

	@Test
	void signsInShowsWhoYouAreAndSignsOut() {
		ApiClient browser = new ApiClient(this.port);
		ApiClient.Response signedIn = browser.signIn(OWNER, PASSWORD);
		assertThat(signedIn.status()).isEqualTo(200);
		assertThat(signedIn.text("/account/email")).isEqualTo(OWNER);
		assertThat(signedIn.text("/account/role")).isEqualTo("OWNER");
		assertThat(signedIn.text("/account/passwordMustChange")).as("a configured password was chosen, not handed over")
			.isEqualTo("false");
		assertThat(browser.get("/api/v1/me").text("/email")).isEqualTo(OWNER);
		assertThat(browser.delete("/api/v1/session").status()).isEqualTo(204);
		assertThat(browser.get("/api/v1/me").status()).isEqualTo(401);
	}

	@Test
	void theSessionCookieIsHttpOnlyAndSameSite() {
		ApiClient browser = new ApiClient(this.port);
		browser.get("/api/v1/session");
		ApiClient.Response response = browser.post("/api/v1/session",
				ApiClient.json(Map.of("email", OWNER, "password", PASSWORD)));
		String setCookie = response.raw()
			.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((cookie) -> cookie.startsWith("PORCHLIGHT_SESSION="))
			.findFirst()
			.orElseThrow();
		assertThat(setCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax");
	}

	@Test
	void stateChangingCallsWithoutTheCsrfTokenAreRefused() {
		ApiClient forger = new ApiClient(this.port).withoutCsrf();
		forger.get("/api/v1/session");
		ApiClient.Response response = forger.post("/api/v1/session",
				ApiClient.json(Map.of("email", OWNER, "password", PASSWORD)));
		assertThat(response.status()).isEqualTo(403);
		assertThat(response.text("/error")).isEqualTo("csrf_token_invalid");

		ApiClient browser = new ApiClient(this.port);
		browser.signIn(OWNER, PASSWORD);
		ApiClient.Response noToken = new ApiClient(this.port).withoutCsrf().post("/api/v1/sites", "{}");
		assertThat(noToken.status()).isIn(401, 403);
		browser.withoutCsrf();
		assertThat(browser.post("/api/v1/sites", ApiClient.json(Map.of("name", "Shop"))).status()).isEqualTo(403);
	}

	@Test
	void theCsrfTokenIsBoundToTheSessionSoAPlantedCookieIsWorthless() {
		ApiClient owner = new ApiClient(this.port);
		owner.signIn(OWNER, PASSWORD);
		String session = owner.cookie("PORCHLIGHT_SESSION").orElseThrow();
		// Someone who can set cookies for this host plants a token of their choosing and
		// sends it back in the header: cookie and header match, the session's token not.
		ApiClient planted = new ApiClient(this.port);
		planted.setCookie("PORCHLIGHT_SESSION", session);
		planted.setCookie("XSRF-TOKEN", "chosen-by-the-attacker");
		ApiClient.Response refused = planted.post("/api/v1/sites", ApiClient.json(Map.of("name", "Planted")));
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.text("/error")).isEqualTo("csrf_token_invalid");
		// A token of another session of the same account does not fit either.
		ApiClient other = new ApiClient(this.port);
		other.signIn(OWNER, PASSWORD);
		planted.setCookie("XSRF-TOKEN", other.cookie("XSRF-TOKEN").orElseThrow());
		assertThat(planted.post("/api/v1/sites", ApiClient.json(Map.of("name", "Planted"))).status()).isEqualTo(403);
		// The session's own token works, and signing out and in again needs no extra
		// step.
		assertThat(owner.post("/api/v1/sites", ApiClient.json(Map.of("name", "Genuine"))).status()).isEqualTo(201);
		assertThat(owner.delete("/api/v1/session").status()).isEqualTo(204);
		assertThat(owner.post("/api/v1/session", ApiClient.json(Map.of("email", OWNER, "password", PASSWORD))).status())
			.isEqualTo(200);
		assertThat(owner.post("/api/v1/sites", ApiClient.json(Map.of("name", "Again"))).status()).isEqualTo(201);
	}

	@Test
	void signingInIssuesANewSessionIdAndTheOldOneStopsWorking() {
		ApiClient browser = new ApiClient(this.port);
		browser.signIn(OWNER, PASSWORD);
		String before = browser.cookie("PORCHLIGHT_SESSION").orElseThrow();
		browser.signIn(OWNER, PASSWORD);
		String after = browser.cookie("PORCHLIGHT_SESSION").orElseThrow();
		assertThat(after).isNotEqualTo(before);
		ApiClient attacker = new ApiClient(this.port);
		attacker.setCookie("PORCHLIGHT_SESSION", before);
		assertThat(attacker.get("/api/v1/me").status()).isEqualTo(401);
	}

	@Test
	void requestsWithinAMinuteLeaveTheStoredSessionAloneALaterOneMovesItsLastAccess() {
		ApiClient browser = new ApiClient(this.port);
		browser.signIn(OWNER, PASSWORD);
		String id = this.sessions.findByPrincipalName(owner().id().toString()).keySet().iterator().next();
		Instant stored = this.sessions.findById(id).getLastAccessedTime();

		assertThat(browser.get("/api/v1/me").status()).isEqualTo(200);
		assertThat(browser.get("/api/v1/me").status()).isEqualTo(200);
		assertThat(this.sessions.findById(id).getLastAccessedTime()).as("not written again within a minute")
			.isEqualTo(stored);

		// As if the last request was two minutes ago: the next one moves the last access.
		var session = this.sessions.findById(id);
		session.setLastAccessedTime(stored.minus(Duration.ofMinutes(2)));
		this.sessions.save(session);
		assertThat(browser.get("/api/v1/me").status()).isEqualTo(200);
		assertThat(this.sessions.findById(id).getLastAccessedTime()).isAfterOrEqualTo(stored);
	}

	@Test
	void aPasswordChangeEndsEveryOtherSessionOfTheAccount() {
		ApiClient laptop = new ApiClient(this.port);
		ApiClient phone = new ApiClient(this.port);
		laptop.signIn(OWNER, PASSWORD);
		phone.signIn(OWNER, PASSWORD);
		assertThat(phone.get("/api/v1/me").status()).isEqualTo(200);

		ApiClient.Response changed = laptop.post("/api/v1/me/password",
				ApiClient.json(Map.of("currentPassword", PASSWORD, "newPassword", "a much longer new secret")));
		assertThat(changed.status()).isEqualTo(200);

		assertThat(phone.get("/api/v1/me").status()).as("the other device is signed out").isEqualTo(401);
		assertThat(laptop.get("/api/v1/me").status()).as("the device that changed it stays in").isEqualTo(200);
		assertThat(new ApiClient(this.port).signIn(OWNER, PASSWORD).status()).isEqualTo(401);
		assertThat(new ApiClient(this.port).signIn(OWNER, "a much longer new secret").status()).isEqualTo(200);
		assertThat(this.audit.latest(20)).extracting(AuditEvent::action).contains("account.password_changed");
	}

	@Test
	void weakOrWrongPasswordsAreRefusedWithClearErrors() {
		ApiClient browser = new ApiClient(this.port);
		browser.signIn(OWNER, PASSWORD);
		ApiClient.Response wrong = browser.post("/api/v1/me/password",
				ApiClient.json(Map.of("currentPassword", "not it", "newPassword", "a much longer new secret")));
		assertThat(wrong.status()).isEqualTo(400);
		assertThat(wrong.text("/error")).isEqualTo("wrong_password");
		ApiClient.Response weak = browser.post("/api/v1/me/password",
				ApiClient.json(Map.of("currentPassword", PASSWORD, "newPassword", "short")));
		assertThat(weak.status()).isEqualTo(400);
		assertThat(weak.text("/error")).isEqualTo("weak_password");
		assertThat(browser.get("/api/v1/me").status()).isEqualTo(200);
	}

	@Test
	void aPasswordLongerThanBcryptReadsIsRefusedClearlyAndNeverFailsTheServer() {
		ApiClient browser = new ApiClient(this.port);
		browser.signIn(OWNER, PASSWORD);
		String ascii73 = "a long passphrase ".repeat(4) + "!";
		String emoji72 = "\uD83D\uDD11".repeat(17) + "abcd"; // 17 keys of 4 bytes and 4
																// letters
		String accented73 = "é".repeat(36) + "x"; // 37 characters
		for (String tooLong : new String[] { ascii73, accented73, emoji72 + "\uD83D\uDD11" }) {
			ApiClient.Response refused = browser.post("/api/v1/me/password",
					ApiClient.json(Map.of("currentPassword", PASSWORD, "newPassword", tooLong)));
			assertThat(refused.status()).as(tooLong).isEqualTo(400);
			assertThat(refused.text("/error")).isEqualTo("password_too_long");
			assertThat(refused.text("/message")).contains("72 bytes");
		}
		assertThat(new ApiClient(this.port).signIn(OWNER, PASSWORD).status()).as("nothing changed").isEqualTo(200);
		assertThat(new ApiClient(this.port).signIn(OWNER, ascii73.repeat(3)).status())
			.as("signing in with one is a wrong password, not a failure")
			.isEqualTo(401);

		ApiClient.Response kept = browser.post("/api/v1/me/password",
				ApiClient.json(Map.of("currentPassword", PASSWORD, "newPassword", emoji72)));
		assertThat(kept.status()).as("72 bytes is allowed").isEqualTo(200);
		assertThat(new ApiClient(this.port).signIn(OWNER, emoji72).status()).isEqualTo(200);
	}

	@Test
	void repeatedFailuresBlockTheAccountEvenForTheRightPasswordWithAGenericMessage() {
		for (int i = 0; i < SignInThrottle.PER_ACCOUNT.permits(); i++) {
			ApiClient.Response failed = new ApiClient(this.port).signIn(OWNER, "wrong guess " + i);
			assertThat(failed.status()).isEqualTo(401);
			assertThat(failed.text("/error")).isEqualTo("invalid_credentials");
		}
		ApiClient.Response blocked = new ApiClient(this.port).signIn(OWNER, PASSWORD);
		assertThat(blocked.status()).isEqualTo(429);
		assertThat(blocked.text("/error")).isEqualTo("sign_in_throttled");
		assertThat(blocked.header("Retry-After")).isPresent();
		assertThat(blocked.body()).doesNotContain(OWNER);

		// An account that does not exist gets exactly the same answer as a wrong
		// password.
		ApiClient.Response unknown = new ApiClient(this.port).signIn("nobody@shop.example", "whatever");
		EmailAddress agent = new EmailAddress("agent" + System.nanoTime() + "@shop.example");
		this.accounts
			.add(Account.create(agent, "Agent", Role.AGENT, this.encoder.encode(PASSWORD), false, Instant.now()));
		ApiClient.Response wrongPassword = new ApiClient(this.port).signIn(agent.value(), "whatever");
		assertThat(unknown.status()).isEqualTo(401);
		assertThat(unknown.body()).isEqualTo(wrongPassword.body());
		assertThat(unknown.text("/message")).isEqualTo("The email or password is wrong, or the account is disabled.");
	}

	/**
	 * A disabled account's password is checked like any other before the account is
	 * refused: a wrong guess is a wrong password, so the answer takes the same work and
	 * time whether the account is disabled or not (checked the other way round, a
	 * disabled account was answered without hashing, and a quick 401 told it apart).
	 */
	@Test
	void aDisabledAccountIsRefusedOnlyAfterItsPasswordWasChecked() {
		EmailAddress email = new EmailAddress("gone" + System.nanoTime() + "@shop.example");
		Account account = Account.create(email, "Gone", Role.AGENT, this.encoder.encode(PASSWORD), false,
				Instant.now());
		this.accounts.add(account);
		this.accounts.update(account.withEnabled(false));

		assertThatThrownBy(() -> this.authentication
			.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(email.value(), "a wrong guess")))
			.isInstanceOf(BadCredentialsException.class);
		assertThatThrownBy(() -> this.authentication
			.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(email.value(), PASSWORD)))
			.isInstanceOf(DisabledException.class);
		ApiClient.Response refused = new ApiClient(this.port).signIn(email.value(), PASSWORD);
		assertThat(refused.status()).isEqualTo(401);
		assertThat(refused.text("/error")).isEqualTo("invalid_credentials");
	}

	/**
	 * Guesses sent at once are counted before any password is checked: no more of them
	 * get an answer about the password than the limit allows, however many are sent
	 * together. (Counting after the check let every parallel guess through.) A right
	 * password afterwards is refused too.
	 */
	@Test
	void guessesSentAtOnceAreCountedBeforeAnyIsAnswered() throws Exception {
		assertThat(new ApiClient(this.port).signIn(OWNER, PASSWORD).status()).isEqualTo(200);
		int guesses = 3 * SignInThrottle.PER_ACCOUNT.permits();
		List<ApiClient> clients = new ArrayList<>();
		for (int i = 0; i < guesses; i++) {
			ApiClient client = new ApiClient(this.port);
			client.get("/api/v1/session");
			clients.add(client);
		}
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Integer>> answers = new ArrayList<>();
		try (ExecutorService pool = Executors.newFixedThreadPool(guesses)) {
			for (int i = 0; i < guesses; i++) {
				ApiClient client = clients.get(i);
				String guess = "parallel guess " + i;
				answers.add(pool.submit(() -> {
					start.await();
					return client.post("/api/v1/session", ApiClient.json(Map.of("email", OWNER, "password", guess)))
						.status();
				}));
			}
			start.countDown();
			List<Integer> statuses = new ArrayList<>();
			for (Future<Integer> answer : answers) {
				statuses.add(answer.get(60, TimeUnit.SECONDS));
			}
			assertThat(statuses).filteredOn((status) -> status == 401).hasSize(SignInThrottle.PER_ACCOUNT.permits());
			assertThat(statuses).filteredOn((status) -> status == 429)
				.hasSize(guesses - SignInThrottle.PER_ACCOUNT.permits());
		}
		assertThat(new ApiClient(this.port).signIn(OWNER, PASSWORD).status()).isEqualTo(429);
	}

	@Test
	void repeatedFailuresFromOneAddressBlockEveryAccountFromIt() {
		for (int i = 0; i < SignInThrottle.PER_ADDRESS.permits(); i++) {
			new ApiClient(this.port).signIn("guess" + i + "@shop.example", "wrong");
		}
		ApiClient.Response blocked = new ApiClient(this.port).signIn(OWNER, PASSWORD);
		assertThat(blocked.status()).isEqualTo(429);
		assertThat(blocked.text("/error")).isEqualTo("sign_in_throttled");
	}

	@Test
	void signInsSuccessfulOrNotAreAudited() {
		new ApiClient(this.port).signIn(OWNER, "wrong");
		new ApiClient(this.port).signIn(OWNER, PASSWORD);
		assertThat(this.audit.latest(10)).extracting(AuditEvent::action)
			.contains("auth.sign_in_failed", "auth.signed_in");
		assertThat(this.audit.latest(10))
			.filteredOn((event) -> event.action().equals("auth.sign_in_failed") && event.actorLabel().equals(OWNER))
			.isNotEmpty()
			.allSatisfy((event) -> {
				assertThat(event.actorLabel()).isEqualTo(OWNER);
				assertThat(event.address()).isNotBlank();
				assertThat(event.details().values()).noneMatch((value) -> value.contains("wrong"));
			});
	}

	@Test
	void everyResponseCarriesSecurityHeaders() {
		ApiClient.Response page = new ApiClient(this.port).get("/app/");
		assertThat(page.status()).isEqualTo(200);
		assertThat(page.header("Content-Security-Policy"))
			.hasValueSatisfying((csp) -> assertThat(csp).contains("script-src 'self'")
				.contains("frame-ancestors 'none'")
				.doesNotContain("unsafe-inline"));
		assertThat(page.header("X-Frame-Options")).contains("DENY");
		assertThat(page.header("X-Content-Type-Options")).contains("nosniff");
		assertThat(page.header("Referrer-Policy")).contains("strict-origin-when-cross-origin");
		assertThat(page.body()).doesNotContain("<script>").contains("src=\"/app/main.js\"");
	}

	@Test
	void anythingNotExplicitlyAllowedIsRefused() {
		ApiClient browser = new ApiClient(this.port);
		assertThat(browser.get("/api/v1/unknown").status()).isEqualTo(401);
		browser.signIn(OWNER, PASSWORD);
		assertThat(browser.get("/api/v1/unknown").status()).isEqualTo(403);
		assertThat(browser.get("/actuator/env").status()).isEqualTo(403);
	}

	private Account owner() {
		return this.accounts.findByEmail(new EmailAddress(OWNER)).orElseThrow();
	}

}
