package dev.porchlight.api.widget;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import dev.porchlight.api.web.ApiException;
import dev.porchlight.api.web.PorchlightProperties;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.SiteKey;
import dev.porchlight.domain.site.Sites;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The two things the loader ({@code /widget.js}) asks for on a host page: how the
 * launcher looks, and, once it is needed, the chat frame.
 * <p>
 * The frame is the security boundary between the host page and the conversation: it is
 * served from Porchlight's origin with {@code frame-ancestors} naming exactly the one
 * allowed origin that asked for it, so no other page can embed it, and its scripts trust
 * postMessage only from that origin.
 */
@RestController
class WidgetController {

	static final String FRAME_TEMPLATE = "porchlight/widget/frame.html";

	private final Sites sites;

	private final PorchlightProperties properties;

	private final String frameHtml;

	private final WidgetTexts texts = new WidgetTexts();

	WidgetController(Sites sites, PorchlightProperties properties) {
		this.sites = sites;
		this.properties = properties;
		this.frameHtml = read(FRAME_TEMPLATE);
	}

	/**
	 * The launcher's look. Public (it is shown on the host page anyway) but only answered
	 * to pages where this site's widget may run, so an installer who forgot to add their
	 * origin gets a clear refusal instead of a widget that fails later.
	 */
	@GetMapping("/api/v1/visitor/widget/{siteKey}")
	ResponseEntity<Appearance> appearance(@PathVariable String siteKey,
			@RequestParam(name = "locale", required = false) @Nullable String locale, HttpServletRequest request) {
		Site site = site(siteKey);
		String origin = request.getHeader(HttpHeaders.ORIGIN);
		if (origin != null && !mayEmbed(site, origin)) {
			throw ApiException.forbidden("origin_not_allowed",
					"This page's origin is not on the site's allowed origins: add it in the site settings.");
		}
		String language = WidgetTexts.pick(locale, request.getHeader(HttpHeaders.ACCEPT_LANGUAGE));
		Appearance body = new Appearance(site.name(), site.widget().colour(), site.widget().textColour(),
				site.widget().position().name().toLowerCase(Locale.ROOT), language, this.texts.launcher(language));
		// Revalidated on every page view (a 304 when nothing changed), so a new colour
		// shows on the next page, not after a cache expires.
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noCache())
			.eTag(body.tag())
			.header(HttpHeaders.VARY, HttpHeaders.ORIGIN + ", " + HttpHeaders.ACCEPT_LANGUAGE)
			.body(body);
	}

	/**
	 * The chat frame for a site embedded by one of its allowed origins.
	 * @param siteKey the site
	 * @param origin the embedding page's origin, as the loader saw it
	 * @return the frame page, embeddable by that origin only
	 */
	@GetMapping(path = "/widget/frame", produces = MediaType.TEXT_HTML_VALUE)
	ResponseEntity<String> frame(@RequestParam("site") String siteKey, @RequestParam("origin") String origin) {
		Site site = site(siteKey);
		if (!mayEmbed(site, origin)) {
			throw ApiException.forbidden("origin_not_allowed", "This site's widget may not run on this page.");
		}
		// The origin is exact (an allowed origin compared as a string), so it is safe in
		// the header: it matched a value that was validated as scheme://host[:port].
		String embedder = new AllowedOrigin(origin).value();
		return ResponseEntity.ok()
			.header("Content-Security-Policy", framePolicy(embedder))
			.header("Referrer-Policy", "no-referrer")
			.header("X-Content-Type-Options", "nosniff")
			.cacheControl(CacheControl.noStore())
			.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
			.body(this.frameHtml);
	}

	String framePolicy(String embedder) {
		String app = this.properties.appOrigin().value();
		String sockets = app.replaceFirst("^http", "ws");
		return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' "
				+ sockets + "; base-uri 'none'; form-action 'none'; frame-ancestors " + embedder;
	}

	private boolean mayEmbed(Site site, String origin) {
		return site.allowsOrigin(origin) || this.properties.appOrigin().matches(origin);
	}

	private Site site(String key) {
		try {
			return this.sites.findByKey(new SiteKey(key)).orElseThrow(() -> ApiException.notFound("site"));
		}
		catch (DomainException ex) {
			throw new ApiException(HttpStatus.NOT_FOUND, "not_found", "No such site.");
		}
	}

	static String read(String resource) {
		try (InputStream in = new ClassPathResource(resource).getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The web-widget resource " + resource + " is missing", ex);
		}
	}

	/**
	 * How the launcher looks.
	 *
	 * @param name the site's name
	 * @param colour the theme colour
	 * @param textColour black or white, whichever reads better on the theme colour
	 * @param position the corner of the chat bubble
	 * @param locale the language of the labels
	 * @param labels the launcher's texts by name ({@code openChat}, {@code closeChat},
	 * {@code chat}, {@code unreadLabel})
	 */
	record Appearance(String name, String colour, String textColour, @Schema(allowableValues = {
			"right", "left" }) String position, String locale, Map<String, String> labels){

		/**
		 * The entity tag: the same on every node and after a restart for the same look.
		 */
		String tag() {
			return Integer.toHexString(
					Objects.hash(this.name, this.colour, this.textColour, this.position, this.locale, this.labels));
		}

	}

}
