package dev.porchlight.domain.site;

import java.util.Objects;
import java.util.UUID;

import dev.porchlight.domain.common.Ids;

/**
 * Identifies a site internally. Never shown on a host page; the widget uses the
 * {@link SiteKey}.
 *
 * @param value a random UUID
 */
public record SiteId(UUID value) {

	public SiteId {
		Objects.requireNonNull(value, "site id");
	}

	public static SiteId random() {
		return new SiteId(Ids.random());
	}

	public static SiteId parse(String text) {
		return new SiteId(Ids.parse("site", text));
	}

	@Override
	public String toString() {
		return this.value.toString();
	}

}
