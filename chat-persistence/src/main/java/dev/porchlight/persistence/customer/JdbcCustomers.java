package dev.porchlight.persistence.customer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.customer.Customer;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.site.SiteId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Customers in PostgreSQL.
 */
@Repository
class JdbcCustomers implements Customers {

	private static final String COLUMNS = "c.id, c.name, c.email, c.phone, c.first_seen_at, c.last_seen_at";

	private static final String INSERT = """
			insert into customer (id, name, email, phone, first_seen_at, last_seen_at, created_at, updated_at)
			values (:id, :name, cast(:email as citext), :phone, :firstSeen, :lastSeen, :now, :now)
			""";

	private static final String ATTACH = """
			insert into customer_identity (site_id, external_id, customer_id, created_at)
			values (:siteId, :externalId, :customerId, :now)
			on conflict (site_id, external_id) do nothing
			""";

	private final JdbcClient jdbc;

	JdbcCustomers(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public void add(Customer customer) {
		this.jdbc.sql(INSERT)
			.param("id", customer.id().value())
			.param("name", customer.name())
			.param("email", (customer.email() != null) ? customer.email().value() : null)
			.param("phone", customer.phone())
			.param("firstSeen", Timestamp.from(customer.firstSeenAt()))
			.param("lastSeen", Timestamp.from(customer.lastSeenAt()))
			.param("now", Timestamp.from(Instant.now()))
			.update();
	}

	@Override
	public Optional<Customer> findById(CustomerId id) {
		return this.jdbc.sql("select " + COLUMNS + " from customer c where c.id = :id")
			.param("id", id.value())
			.query(JdbcCustomers::customer)
			.optional();
	}

	@Override
	public Optional<Customer> findByExternalId(SiteId site, String externalId) {
		return this.jdbc.sql("select " + COLUMNS + """
				 from customer c join customer_identity i on i.customer_id = c.id
				where i.site_id = :siteId and i.external_id = :externalId
				""")
			.param("siteId", site.value())
			.param("externalId", externalId)
			.query(JdbcCustomers::customer)
			.optional();
	}

	@Override
	public CustomerId attachExternalId(SiteId site, String externalId, CustomerId customer) {
		this.jdbc.sql(ATTACH)
			.param("siteId", site.value())
			.param("externalId", externalId)
			.param("customerId", customer.value())
			.param("now", Timestamp.from(Instant.now()))
			.update();
		UUID holder = this.jdbc
			.sql("select customer_id from customer_identity where site_id = :siteId and external_id = :externalId")
			.param("siteId", site.value())
			.param("externalId", externalId)
			.query(UUID.class)
			.single();
		return new CustomerId(holder);
	}

	private static Customer customer(ResultSet row, int rowNum) throws SQLException {
		String email = row.getString("email");
		return new Customer(new CustomerId(row.getObject("id", UUID.class)), row.getString("name"),
				(email != null) ? new EmailAddress(email) : null, row.getString("phone"),
				row.getTimestamp("first_seen_at").toInstant(), row.getTimestamp("last_seen_at").toInstant());
	}

}
