package dev.porchlight.api.web;

import java.net.URI;
import java.time.Duration;

import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.site.AllowedOrigin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the server itself.
 *
 * @param publicUrl the address browsers use to reach Porchlight (scheme, host, port); its
 * origin is the only one allowed for the dashboard and the widget frame
 * @param visitorTokenTtl how long a visitor token is valid before the widget refreshes it
 * @param visitorSessionsPerSite visitor tokens issued per minute for one site, whatever
 * the addresses asking
 * @param visitorSessionsPerAddress visitor tokens issued per minute to one client address
 * (raise it where many visitors share one, behind a carrier's or an office's NAT)
 */
@ConfigurationProperties("porchlight")
public record PorchlightProperties(@DefaultValue("http://localhost:8080") URI publicUrl,
		@DefaultValue("15m") Duration visitorTokenTtl, @DefaultValue("1200") int visitorSessionsPerSite,
		@DefaultValue("30") int visitorSessionsPerAddress) {

	public PorchlightProperties {
		try {
			origin(publicUrl);
		}
		catch (DomainException ex) {
			throw new IllegalArgumentException("porchlight.public-url is the address browsers reach Porchlight at, "
					+ "a scheme and host with an optional port, like https://chat.example.com (it is " + publicUrl
					+ ")");
		}
		Settings.positive("porchlight.visitor-token-ttl", visitorTokenTtl);
		Settings.atLeast("porchlight.visitor-sessions-per-site", visitorSessionsPerSite, 1);
		Settings.atLeast("porchlight.visitor-sessions-per-address", visitorSessionsPerAddress, 1);
	}

	/**
	 * The origin of {@link #publicUrl()}, as browsers send it in the {@code Origin}
	 * header.
	 * @return the canonical origin
	 */
	public AllowedOrigin appOrigin() {
		return origin(this.publicUrl);
	}

	private static AllowedOrigin origin(URI publicUrl) {
		String url = publicUrl.toString();
		int path = url.indexOf('/', url.indexOf("//") + 2);
		return new AllowedOrigin((path < 0) ? url : url.substring(0, path));
	}

}
