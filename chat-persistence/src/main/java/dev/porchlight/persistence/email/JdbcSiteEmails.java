package dev.porchlight.persistence.email;

import java.util.Optional;
import java.util.UUID;

import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.email.SiteEmail;
import dev.porchlight.domain.email.SiteEmails;
import dev.porchlight.domain.site.SiteId;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Sites' email settings, one row per site that has any.
 */
@Repository
class JdbcSiteEmails implements SiteEmails {

	private final JdbcClient jdbc;

	JdbcSiteEmails(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public SiteEmail of(SiteId site) {
		return this.jdbc.sql("select from_name, address from site_email where site_id = :site")
			.param("site", site.value())
			.query((row, rowNum) -> {
				String address = row.getString("address");
				return new SiteEmail(site, row.getString("from_name"),
						(address != null) ? new EmailAddress(address) : null);
			})
			.optional()
			.orElseGet(() -> new SiteEmail(site, null, null));
	}

	@Override
	public void save(SiteEmail settings) {
		this.jdbc.sql("""
				insert into site_email (site_id, from_name, address) values (:site, :fromName, :address)
				on conflict (site_id) do update set from_name = excluded.from_name, address = excluded.address
				""")
			.param("site", settings.siteId().value())
			.param("fromName", settings.fromName())
			.param("address", (settings.address() != null) ? settings.address().value() : null)
			.update();
	}

	@Override
	public Optional<SiteId> siteOfAddress(String address) {
		return this.jdbc.sql("select site_id from site_email where address = :address")
			.param("address", address)
			.query((row, rowNum) -> new SiteId(row.getObject(1, UUID.class)))
			.optional();
	}

}
