package dev.porchlight.domain.site;

import java.util.List;
import java.util.Optional;

/**
 * The sites of this installation.
 */
public interface Sites {

	Optional<Site> findById(SiteId id);

	Optional<Site> findByKey(SiteKey key);

	List<Site> all();

	void add(Site site);

	void update(Site site);

}
