package dev.porchlight.domain.account;

import java.util.Collection;
import java.util.Set;

import dev.porchlight.domain.site.SiteId;
import org.jspecify.annotations.Nullable;

/**
 * The sites a staff member serves: every site (owners always, agents unless the owner
 * limited them), or only some. An agent limited to sites sees and touches nothing of the
 * others: not their conversations, customers, exports, search results or live events.
 *
 * @param sites the sites, or null for every site (also those added later)
 */
public record SiteScope(@Nullable Set<SiteId> sites) {

	private static final SiteScope ALL = new SiteScope(null);

	public SiteScope {
		sites = (sites != null) ? Set.copyOf(sites) : null;
	}

	public static SiteScope all() {
		return ALL;
	}

	/**
	 * Only these sites (none at all is allowed: such an agent sees nothing until the
	 * owner adds a site).
	 * @param sites the sites
	 * @return the scope
	 */
	public static SiteScope only(Collection<SiteId> sites) {
		return new SiteScope(Set.copyOf(sites));
	}

	public boolean isAll() {
		return this.sites == null;
	}

	/**
	 * @param site a site, or null when unknown (then only a scope of every site includes
	 * it)
	 * @return whether the site is in scope
	 */
	public boolean includes(@Nullable SiteId site) {
		return this.sites == null || (site != null && this.sites.contains(site));
	}

	/**
	 * @param others some sites
	 * @return whether every one of them is in scope
	 */
	public boolean includesAll(Collection<SiteId> others) {
		return this.sites == null || this.sites.containsAll(others);
	}

}
