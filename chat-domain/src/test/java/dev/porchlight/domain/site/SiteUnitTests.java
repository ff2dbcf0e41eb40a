package dev.porchlight.domain.site;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.porchlight.domain.common.DomainException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SiteUnitTests {

	private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

	@Test
	void originsAreCanonicalSoThatMatchingIsExact() {
		assertThat(new AllowedOrigin("HTTPS://Shop.Example:443").value()).isEqualTo("https://shop.example");
		assertThat(new AllowedOrigin("http://localhost:8080").value()).isEqualTo("http://localhost:8080");
		Site site = Site.create("Shop", List.of(new AllowedOrigin("https://shop.example")), NOW);
		assertThat(site.allowsOrigin("https://shop.example")).isTrue();
		assertThat(site.allowsOrigin("https://shop.example.evil.test")).isFalse();
		assertThat(site.allowsOrigin("https://evil.shop.example")).isFalse();
		assertThat(site.allowsOrigin("http://shop.example")).isFalse();
		assertThat(site.allowsOrigin("null")).isFalse();
		assertThat(site.allowsOrigin(null)).isFalse();
	}

	@Test
	void originsWithPathsWildcardsOrOtherSchemesAreRefused() {
		for (String bad : List.of("https://shop.example/", "https://shop.example/path", "*.shop.example",
				"https://*.shop.example", "ftp://shop.example", "javascript:alert(1)", "shop.example",
				"https://user@shop.example", "https://shop.example?x=1")) {
			assertThatExceptionOfType(DomainException.class).as(bad)
				.isThrownBy(() -> new AllowedOrigin(bad))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo("invalid_origin"));
		}
	}

	@Test
	void everySiteGetsItsOwnKeyAndSecret() {
		Set<String> keys = new HashSet<>();
		Set<String> secrets = new HashSet<>();
		for (int i = 0; i < 100; i++) {
			Site site = Site.create("Shop", List.of(), NOW);
			keys.add(site.key().value());
			secrets.add(site.identitySecret().value());
		}
		assertThat(keys).hasSize(100).allMatch((key) -> key.matches("pk_[0-9A-Za-z]{22}"));
		assertThat(secrets).hasSize(100);
	}

	@Test
	void rotatingTheSecretReplacesIt() {
		Site site = Site.create("Shop", List.of(), NOW);
		assertThat(site.withRotatedSecret().identitySecret()).isNotEqualTo(site.identitySecret());
		assertThat(site.identitySecret().toString()).doesNotContain(site.identitySecret().value());
	}

	@Test
	void widgetSettingsValidateColourAndTexts() {
		assertThat(WidgetSettings.defaults().colour()).matches("#[0-9a-f]{6}");
		assertThatExceptionOfType(DomainException.class)
			.isThrownBy(() -> new WidgetSettings("red", LauncherPosition.RIGHT, "hi", "away", PreChatForm.NONE, false,
					BusinessHours.none()))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("invalid_colour"));
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> new WidgetSettings("#ffffff",
				LauncherPosition.LEFT, "", "away", PreChatForm.NONE, false, BusinessHours.none()));
	}

	@Test
	void textOnTheThemeColourIsWhicheverOfBlackAndWhiteReadsBetter() {
		assertThat(withColour("#1a7f5a").textColour()).isEqualTo("#ffffff");
		assertThat(withColour("#000000").textColour()).isEqualTo("#ffffff");
		assertThat(withColour("#ffeb3b").textColour()).isEqualTo("#000000");
		assertThat(withColour("#ffffff").textColour()).isEqualTo("#000000");
		// Mid grey: black gives 5.3:1 against white's 3.9:1.
		assertThat(withColour("#808080").textColour()).isEqualTo("#000000");
	}

	private static WidgetSettings withColour(String colour) {
		WidgetSettings defaults = WidgetSettings.defaults();
		return new WidgetSettings(colour, defaults.position(), defaults.greeting(), defaults.awayMessage(),
				defaults.preChatForm(), false, defaults.businessHours());
	}

	@Test
	void aSiteHasABoundedNumberOfOrigins() {
		List<AllowedOrigin> many = new java.util.ArrayList<>();
		for (int i = 0; i <= Site.MAX_ORIGINS; i++) {
			many.add(new AllowedOrigin("https://shop" + i + ".example"));
		}
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> Site.create("Shop", many, NOW))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("too_many_origins"));
	}

}
