package dev.porchlight.api.visitor;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.porchlight.api.web.PorchlightProperties;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.secret.InstallSecrets;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VisitorTokensUnitTests {

	private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

	private final PorchlightProperties properties = new PorchlightProperties(URI.create("http://localhost:8080"),
			Duration.ofMinutes(15), 1200, 30);

	@Test
	void roundTripsWhatItSigned() {
		VisitorTokens tokens = tokens(new Install(), NOW);
		SiteId site = SiteId.random();
		VisitorId visitor = VisitorId.random();
		CustomerId customer = CustomerId.random();
		VisitorTokens.Issued issued = tokens.issue(site, visitor, customer);
		VisitorPrincipal principal = tokens.verify(issued.token()).orElseThrow();
		assertThat(principal.siteId()).isEqualTo(site);
		assertThat(principal.visitorId()).isEqualTo(visitor);
		assertThat(principal.customerId()).isEqualTo(customer);
		assertThat(principal.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(15)));
		assertThat(tokens.verify(tokens.issue(site, visitor, null).token()).orElseThrow().customerId()).isNull();
	}

	@Test
	void refusesExpiredTokens() {
		Install install = new Install();
		String token = tokens(install, NOW).issue(SiteId.random(), VisitorId.random(), null).token();
		assertThat(tokens(install, NOW.plus(Duration.ofMinutes(14))).verify(token)).isPresent();
		assertThat(tokens(install, NOW.plus(Duration.ofMinutes(15))).verify(token)).isEmpty();
	}

	@Test
	void aTokenOfOneInstallationIsWorthlessInAnother() {
		String token = tokens(new Install(), NOW).issue(SiteId.random(), VisitorId.random(), null).token();
		assertThat(tokens(new Install(), NOW).verify(token)).isEmpty();
	}

	@Test
	void eachInstallationGeneratesItsOwnRandomKey() {
		Install first = new Install();
		Install second = new Install();
		tokens(first, NOW);
		tokens(second, NOW);
		assertThat(first.values.get(VisitorTokens.KEY_NAME)).hasSize(43)
			.isNotEqualTo(second.values.get(VisitorTokens.KEY_NAME));
	}

	@Test
	void refusesAnythingMalformed() {
		VisitorTokens tokens = tokens(new Install(), NOW);
		for (String bad : new String[] { null, "", ".", "v1", "v1.a.b.c.d.e", "x".repeat(400),
				"v2." + tokens.issue(SiteId.random(), VisitorId.random(), null).token().substring(3) }) {
			assertThat(tokens.verify(bad)).as(String.valueOf(bad)).isEmpty();
		}
	}

	private VisitorTokens tokens(Install install, Instant now) {
		return new VisitorTokens(install, this.properties, Clock.fixed(now, ZoneOffset.UTC));
	}

	/**
	 * An installation's secret store, as the database keeps it: generated once, then
	 * fixed.
	 */
	private static final class Install implements InstallSecrets {

		final Map<String, String> values = new HashMap<>();

		@Override
		public String getOrCreate(String name, Supplier<String> generator) {
			return this.values.computeIfAbsent(name, (key) -> generator.get());
		}

	}

}
