package dev.porchlight.persistence.site;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.BusinessHours;
import dev.porchlight.domain.site.IdentityMode;
import dev.porchlight.domain.site.PreChatForm;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.site.WidgetSettings;
import dev.porchlight.persistence.PersistenceTestApplication;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = PersistenceTestApplication.class)
@UseRealEngines
class JdbcSitesIntegrationTests {

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);

	@Autowired
	Sites sites;

	@Test
	void roundTripsEveryField() {
		Site site = new Site(dev.porchlight.domain.site.SiteId.random(), dev.porchlight.domain.site.SiteKey.random(),
				"Ankh & Co",
				List.of(new AllowedOrigin("https://ankh.example"), new AllowedOrigin("http://localhost:3000")),
				IdentityMode.ENFORCED, dev.porchlight.domain.site.IdentitySecret.generate(),
				new WidgetSettings("#AA3300", dev.porchlight.domain.site.LauncherPosition.LEFT, "Hello \"friend\" {}",
						"Away 'now'", PreChatForm.REQUIRED_EMAIL, true,
						new BusinessHours(BusinessHours.zone("Europe/Berlin"),
								List.of(BusinessHours.Opening.parse("MONDAY 09:00-12:00"),
										BusinessHours.Opening.parse("MONDAY 13:00-17:30")))),
				NOW);
		this.sites.add(site);
		assertThat(this.sites.findById(site.id())).contains(site);
		assertThat(this.sites.findByKey(site.key())).contains(site);
	}

	@Test
	void updatesSettingsAndRotatesTheSecret() {
		Site site = Site.create("Shop", List.of(new AllowedOrigin("https://shop.example")), NOW);
		this.sites.add(site);
		Site rotated = site.withRotatedSecret();
		this.sites.update(rotated);
		assertThat(this.sites.findById(site.id()).orElseThrow().identitySecret()).isEqualTo(rotated.identitySecret())
			.isNotEqualTo(site.identitySecret());
		assertThat(this.sites.all()).extracting(Site::id).contains(site.id());
	}

}
