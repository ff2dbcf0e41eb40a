package dev.porchlight.persistence.visitor;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.Visitor;
import dev.porchlight.domain.visitor.VisitorId;
import dev.porchlight.domain.visitor.Visitors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Visitors in PostgreSQL.
 */
@Repository
class JdbcVisitors implements Visitors {

	private static final String INSERT = """
			insert into visitor (id, site_id, customer_id, first_seen_at, last_seen_at, credential_hash)
			values (:id, :siteId, :customerId, :firstSeen, :lastSeen, :credentialHash)
			""";

	private final JdbcClient jdbc;

	JdbcVisitors(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public void add(Visitor visitor, String credentialHash) {
		this.jdbc.sql(INSERT)
			.param("id", visitor.id().value())
			.param("siteId", visitor.siteId().value())
			.param("customerId", (visitor.customerId() != null) ? visitor.customerId().value() : null)
			.param("firstSeen", Timestamp.from(visitor.firstSeenAt()))
			.param("lastSeen", Timestamp.from(visitor.lastSeenAt()))
			.param("credentialHash", credentialHash)
			.update();
	}

	@Override
	public Optional<Visitor> findById(VisitorId id) {
		return this.jdbc.sql("select id, site_id, customer_id, first_seen_at, last_seen_at from visitor where id = :id")
			.param("id", id.value())
			.query(JdbcVisitors::visitor)
			.optional();
	}

	@Override
	public Optional<String> credentialHash(VisitorId id) {
		return this.jdbc.sql("select credential_hash from visitor where id = :id and credential_hash is not null")
			.param("id", id.value())
			.query(String.class)
			.optional();
	}

	@Override
	public void linkCustomer(VisitorId id, CustomerId customer, boolean verified) {
		this.jdbc.sql("update visitor set customer_id = :customer, customer_verified = :verified where id = :id")
			.param("id", id.value())
			.param("customer", customer.value())
			.param("verified", verified)
			.update();
	}

	@Override
	public Optional<CustomerId> contactCustomer(VisitorId id) {
		return this.jdbc
			.sql("select contact_customer_id from visitor where id = :id and contact_customer_id is not null")
			.param("id", id.value())
			.query((row, rowNum) -> new CustomerId(row.getObject("contact_customer_id", UUID.class)))
			.optional();
	}

	@Override
	public boolean contactCustomerMerged(VisitorId id) {
		return this.jdbc.sql("select contact_customer_merged from visitor where id = :id")
			.param("id", id.value())
			.query(Boolean.class)
			.optional()
			.orElse(false);
	}

	@Override
	public boolean holdsOnlyTheirs(VisitorId visitor, CustomerId id) {
		return this.jdbc.sql("""
				select not (exists (select 1 from conversation c where c.customer_id = :id and c.visitor_id <> :visitor)
				            or exists (select 1 from visitor v
				                        where (v.customer_id = :id or v.contact_customer_id = :id) and v.id <> :visitor)
				            or exists (select 1 from customer_merge m where m.into_id = :id)
				            or exists (select 1 from customer_identity i where i.customer_id = :id))
				""").param("id", id.value()).param("visitor", visitor.value()).query(Boolean.class).single();
	}

	@Override
	public void setContactCustomer(VisitorId id, CustomerId customer) {
		this.jdbc
			.sql("update visitor set contact_customer_id = :customer, contact_customer_merged = false where id = :id")
			.param("id", id.value())
			.param("customer", customer.value())
			.update();
	}

	@Override
	public Optional<CustomerId> verifiedCustomer(VisitorId id) {
		return this.jdbc.sql("select customer_id from visitor where id = :id and customer_verified")
			.param("id", id.value())
			.query((row, rowNum) -> row.getObject("customer_id", UUID.class))
			.optional()
			.filter(java.util.Objects::nonNull)
			.map(CustomerId::new);
	}

	@Override
	public void seen(VisitorId id, Instant at) {
		this.jdbc.sql("update visitor set last_seen_at = greatest(last_seen_at, :at) where id = :id")
			.param("id", id.value())
			.param("at", Timestamp.from(at))
			.update();
	}

	private static Visitor visitor(ResultSet row, int rowNum) throws SQLException {
		UUID customer = row.getObject("customer_id", UUID.class);
		return new Visitor(new VisitorId(row.getObject("id", UUID.class)),
				new SiteId(row.getObject("site_id", UUID.class)), (customer != null) ? new CustomerId(customer) : null,
				row.getTimestamp("first_seen_at").toInstant(), row.getTimestamp("last_seen_at").toInstant());
	}

}
