package dev.porchlight.api.web;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's settings out of the box, as the README's configuration table gives them
 * (the integration tests run with other values).
 */
class PorchlightPropertiesUnitTests {

	@Test
	void visitorTokensOutOfTheBox() {
		PorchlightProperties defaults = new Binder(new MapConfigurationPropertySource()).bindOrCreate("porchlight",
				PorchlightProperties.class);
		assertThat(defaults.visitorSessionsPerAddress()).isEqualTo(30);
		assertThat(defaults.visitorSessionsPerSite()).isEqualTo(1200);
		assertThat(defaults.visitorTokenTtl()).isEqualTo(Duration.ofMinutes(15));
	}

}
