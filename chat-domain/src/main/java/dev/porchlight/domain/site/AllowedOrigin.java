package dev.porchlight.domain.site;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import dev.porchlight.domain.common.DomainException;
import org.jspecify.annotations.Nullable;

/**
 * One exact web origin ({@code scheme://host[:port]}) where a site's widget may run. Kept
 * in the canonical form browsers send in the {@code Origin} header, so that allow-list
 * checks are plain string equality: no wildcards, no suffix matching.
 *
 * @param value the canonical origin, e.g. {@code https://shop.example}
 */
public record AllowedOrigin(String value) {

	public AllowedOrigin {
		value = canonical(value);
	}

	/**
	 * Whether a browser's {@code Origin} header names exactly this origin.
	 * @param originHeader the header's value, may be null
	 * @return true only on an exact match
	 */
	public boolean matches(@Nullable String originHeader) {
		return this.value.equals(originHeader);
	}

	private static String canonical(@Nullable String text) {
		if (text == null) {
			throw invalid();
		}
		String trimmed = text.strip();
		if (trimmed.length() > 255) {
			throw invalid();
		}
		URI uri;
		try {
			uri = new URI(trimmed);
		}
		catch (URISyntaxException ex) {
			throw invalid();
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("http") && !scheme.equals("https")) {
			throw invalid();
		}
		String host = uri.getHost();
		boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
				&& uri.getRawFragment() == null && uri.getRawUserInfo() == null;
		if (host == null || host.isEmpty() || !bare || host.contains("*")) {
			throw invalid();
		}
		int port = uri.getPort();
		boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80)
				|| (scheme.equals("https") && port == 443);
		return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
	}

	private static DomainException invalid() {
		return new DomainException("invalid_origin",
				"An allowed origin is a scheme, host and optional port, like https://shop.example, with no path.");
	}

	@Override
	public String toString() {
		return this.value;
	}

}
