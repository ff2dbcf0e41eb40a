package dev.porchlight.domain.email;

import java.util.Optional;

import dev.porchlight.domain.site.SiteId;

/**
 * Sites' email settings.
 */
public interface SiteEmails {

	/**
	 * @return the site's settings, empty ones when none were saved
	 */
	SiteEmail of(SiteId site);

	void save(SiteEmail settings);

	/**
	 * The site whose own address this is.
	 */
	Optional<SiteId> siteOfAddress(String address);

}
