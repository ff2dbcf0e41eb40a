package dev.porchlight.domain.email;

import java.util.Objects;

import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.common.Text;
import dev.porchlight.domain.site.SiteId;
import org.jspecify.annotations.Nullable;

/**
 * How a site's emails look and where mail for the site arrives.
 *
 * @param siteId the site
 * @param fromName the name emails come from (the site's name when null)
 * @param address the shop's own address: replies go to a plus-address of it, and new mail
 * to it starts conversations on this site (the configured default when null)
 */
public record SiteEmail(SiteId siteId, @Nullable String fromName, @Nullable EmailAddress address) {

	public static final int MAX_FROM_NAME = 80;

	public SiteEmail {
		Objects.requireNonNull(siteId, "siteId");
		fromName = Text.optional("from name", fromName, MAX_FROM_NAME);
	}

}
