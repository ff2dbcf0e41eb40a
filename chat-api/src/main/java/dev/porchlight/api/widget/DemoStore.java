package dev.porchlight.api.widget;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.porchlight.api.web.PorchlightProperties;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.IdentityMode;
import dev.porchlight.domain.site.IdentitySecret;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.site.SiteKey;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.site.WidgetSettings;
import dev.porchlight.domain.secret.InstallSecrets;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The demo store at {@code /}: a small fake shop with the widget of the demo site
 * installed. The demo site is an ordinary site (the owner sees and configures it in the
 * dashboard) whose id is fixed per installation, so every node and every restart finds
 * the same one.
 */
@RestController
@EnableConfigurationProperties(DemoProperties.class)
class DemoStore implements ApplicationRunner {

	static final String NAME = "Demo store";

	static final String PAGE_TEMPLATE = "porchlight/demo/index.html";

	private static final Logger log = LoggerFactory.getLogger(DemoStore.class);

	private final Sites sites;

	private final InstallSecrets install;

	private final PorchlightProperties properties;

	private final DemoProperties demo;

	private final String page;

	/** The demo site's key once known: it never changes, so page views need no query. */
	private volatile @Nullable String siteKey;

	DemoStore(Sites sites, InstallSecrets install, PorchlightProperties properties, DemoProperties demo) {
		this.sites = sites;
		this.install = install;
		this.properties = properties;
		this.demo = demo;
		this.page = WidgetController.read(PAGE_TEMPLATE);
	}

	@Override
	public void run(ApplicationArguments args) {
		if (this.demo.enabled()) {
			Site site = demoSite();
			this.siteKey = site.key().value();
			log.info("Demo store with the widget of site '{}' at {}/", site.name(),
					this.properties.appOrigin().value());
		}
	}

	@ApiResponse(responseCode = "200", description = "The demo store's page",
			content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
	@ApiResponse(responseCode = "302", description = "To the dashboard, when the demo store is off")
	@GetMapping(path = { "/", "/index.html" })
	ResponseEntity<String> home() {
		if (!this.demo.enabled()) {
			return ResponseEntity.status(302).location(URI.create("/app/")).build();
		}
		String key = this.siteKey;
		if (key == null) {
			key = demoSite().key().value();
			this.siteKey = key;
		}
		// The key is [A-Za-z0-9_] only (SiteKey checks it), so it needs no escaping.
		String html = this.page.replace("{{siteKey}}", key);
		return ResponseEntity.ok()
			.contentType(MediaType.parseMediaType("text/html;charset=UTF-8"))
			.cacheControl(CacheControl.noCache())
			.body(html);
	}

	/**
	 * The demo site, created on first use; it always allows Porchlight's own origin, even
	 * after {@code porchlight.public-url} changed.
	 */
	Site demoSite() {
		SiteId id = new SiteId(
				UUID.fromString(this.install.getOrCreate("demo-site-id", () -> UUID.randomUUID().toString())));
		Optional<Site> existing = this.sites.findById(id);
		AllowedOrigin app = this.properties.appOrigin();
		if (existing.isEmpty()) {
			Site created = new Site(id, SiteKey.random(), NAME, List.of(app), IdentityMode.OPTIONAL,
					IdentitySecret.generate(), WidgetSettings.defaults(), Instant.now());
			try {
				this.sites.add(created);
				return created;
			}
			catch (DuplicateKeyException ex) {
				// Another node created it at the same moment.
				return this.sites.findById(id).orElseThrow();
			}
		}
		Site site = existing.get();
		if (!site.allowedOrigins().contains(app) && site.allowedOrigins().size() < Site.MAX_ORIGINS) {
			List<AllowedOrigin> origins = new ArrayList<>(site.allowedOrigins());
			origins.add(app);
			site = site.withSettings(site.name(), origins, site.identityMode(), site.widget());
			this.sites.update(site);
		}
		return site;
	}

}
