package dev.porchlight.api.security;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.site.SiteKey;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.cors.CorsConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which origins the visitor API grants cross-origin calls to, and that the widget frame's
 * own calls (every visitor's token request) read no site.
 */
class SiteOriginsCorsConfigurationSourceUnitTests {

	static final String APP = "https://chat.porchlight.example";

	static final String SHOP = "https://shop.example";

	final CountingSites sites = new CountingSites(
			List.of(Site.create("Shop", List.of(new AllowedOrigin(SHOP)), Instant.now())));

	final SiteOriginsCorsConfigurationSource source = new SiteOriginsCorsConfigurationSource(this.sites,
			new AllowedOrigin(APP));

	@Test
	void theWidgetFramesOwnCallsNeedNoGrantAndReadNoSite() {
		assertThat(this.source.getCorsConfiguration(request("POST", "/api/v1/visitor/session", APP))).isNull();
		assertThat(this.source.getCorsConfiguration(request("POST", "/api/v1/visitor/session", null))).isNull();
		assertThat(this.sites.reads).isZero();
	}

	@Test
	void aSitesAllowedOriginIsGrantedWithoutCredentialsAndAnyOtherIsNot() {
		CorsConfiguration shop = this.source.getCorsConfiguration(request("POST", "/api/v1/visitor/session", SHOP));
		assertThat(shop).isNotNull();
		assertThat(shop.getAllowedOrigins()).containsExactly(SHOP);
		assertThat(shop.getAllowCredentials()).isFalse();
		assertThat(this.source.getCorsConfiguration(request("POST", "/api/v1/visitor/session", "https://evil.example")))
			.isNull();
		assertThat(this.sites.reads).isEqualTo(2);
	}

	@Test
	void theLaunchersLookIsReadableFromAnyOrigin() {
		CorsConfiguration look = this.source
			.getCorsConfiguration(request("GET", "/api/v1/visitor/widget/pk_shop", "https://evil.example"));
		assertThat(look).isNotNull();
		assertThat(look.getAllowedMethods()).containsExactly("GET");
	}

	private static MockHttpServletRequest request(String method, String path, String origin) {
		MockHttpServletRequest request = new MockHttpServletRequest(method, path);
		if (origin != null) {
			request.addHeader("Origin", origin);
		}
		return request;
	}

	/** The sites, counting how often all of them are read. */
	static final class CountingSites implements Sites {

		final List<Site> sites;

		int reads;

		CountingSites(List<Site> sites) {
			this.sites = new ArrayList<>(sites);
		}

		@Override
		public Optional<Site> findById(SiteId id) {
			return this.sites.stream().filter((site) -> site.id().equals(id)).findFirst();
		}

		@Override
		public Optional<Site> findByKey(SiteKey key) {
			return this.sites.stream().filter((site) -> site.key().equals(key)).findFirst();
		}

		@Override
		public List<Site> all() {
			this.reads++;
			return List.copyOf(this.sites);
		}

		@Override
		public void add(Site site) {
			this.sites.add(site);
		}

		@Override
		public void update(Site site) {
			this.sites.replaceAll((existing) -> existing.id().equals(site.id()) ? site : existing);
		}

	}

}
