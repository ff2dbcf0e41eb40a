package dev.porchlight.persistence.customer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.porchlight.domain.account.SiteScope;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.Stories;
import dev.porchlight.domain.customer.ContactDetail;
import dev.porchlight.domain.customer.Customer;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Customers in PostgreSQL.
 */
@Repository
class JdbcCustomers implements Customers, Stories {

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

	@Override
	public Optional<CustomerId> mergedInto(CustomerId id) {
		return this.jdbc.sql("select into_id from customer_merge where merged_id = :id")
			.param("id", id.value())
			.query((row, rowNum) -> new CustomerId(row.getObject("into_id", UUID.class)))
			.optional();
	}

	@Override
	public void update(Customer customer) {
		this.jdbc.sql("""
				update customer set name = :name, email = cast(:email as citext), phone = :phone,
				       last_seen_at = greatest(last_seen_at, :lastSeen), updated_at = :now,
				       -- A detail stays verified only while it keeps the value a site signed.
				       verified_details = array(
				         select d from unnest(verified_details) d
				          where (d = 'name' and name is not distinct from :name)
				             or (d = 'email' and email is not distinct from cast(:email as citext)))
				 where id = :id
				""")
			.param("id", customer.id().value())
			.param("name", customer.name())
			.param("email", (customer.email() != null) ? customer.email().value() : null)
			.param("phone", customer.phone())
			.param("lastSeen", Timestamp.from(customer.lastSeenAt()))
			.param("now", Timestamp.from(Instant.now()))
			.update();
	}

	@Override
	public List<ConversationId> conversations(CustomerId customer) {
		return this.jdbc
			.sql("select id from conversation where customer_id = :id order by last_activity_at desc, id desc")
			.param("id", customer.value())
			.query((row, rowNum) -> new ConversationId(row.getObject("id", UUID.class)))
			.list();
	}

	@Override
	public Set<ContactDetail> verifiedDetails(CustomerId customer) {
		return this.jdbc.sql("select unnest(verified_details) from customer where id = :id")
			.param("id", customer.value())
			.query((row, rowNum) -> ContactDetail.valueOf(row.getString(1).toUpperCase(Locale.ROOT)))
			.set();
	}

	@Override
	public void markVerified(CustomerId customer, Set<ContactDetail> details) {
		this.jdbc.sql("""
				update customer set verified_details = array(
				         select distinct d from unnest(verified_details || cast(:details as text[])) d order by d)
				 where id = :id
				""")
			.param("id", customer.value())
			.param("details",
					details.stream().map((detail) -> detail.name().toLowerCase(Locale.ROOT)).toArray(String[]::new))
			.update();
	}

	@Override
	public List<ConversationId> conversations(CustomerId customer, SiteScope scope) {
		if (scope.isAll()) {
			return conversations(customer);
		}
		return this.jdbc.sql("""
				select id from conversation where customer_id = :id and site_id = any(:sites)
				 order by last_activity_at desc, id desc
				""")
			.param("id", customer.value())
			.param("sites", scope.sites().stream().map(SiteId::value).toArray(UUID[]::new))
			.query((row, rowNum) -> new ConversationId(row.getObject("id", UUID.class)))
			.list();
	}

	@Override
	public Set<SiteId> sites(CustomerId customer) {
		return Set.copyOf(this.jdbc.sql("""
				select site_id from customer_identity where customer_id = :id
				union select site_id from visitor where customer_id = :id or contact_customer_id = :id
				union select site_id from conversation where customer_id = :id
				union select site_id from customer_site where customer_id = :id
				""")
			.param("id", customer.value())
			.query((row, rowNum) -> new SiteId(row.getObject("site_id", UUID.class)))
			.list());
	}

	@Override
	public void recordVisit(CustomerId customer, Visit visit) {
		this.jdbc.sql("""
				update customer set visit_context = jsonb_strip_nulls(jsonb_build_object(
				         'pages', case when cast(:page as text) is null then coalesce(visit_context -> 'pages', '[]')
				                  else (select coalesce(jsonb_agg(p order by ord), '[]') from (
				                          select p, ord from jsonb_array_elements(
				                              coalesce(visit_context -> 'pages', '[]')
				                              || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
				                                   'url', cast(:page as text), 'title', cast(:title as text),
				                                   'at', cast(:at as text)))))
				                               with ordinality as e(p, ord)
				                          order by ord desc limit 20) recent) end,
				         'referrer', coalesce(cast(:referrer as text), visit_context ->> 'referrer'),
				         'locale', coalesce(cast(:locale as text), visit_context ->> 'locale'),
				         'browser', coalesce(cast(:browser as text), visit_context ->> 'browser'))),
				       last_seen_at = greatest(last_seen_at, now())
				 where id = :id
				""")
			.param("id", customer.value())
			.param("page", visit.page())
			.param("title", visit.title())
			.param("at", Instant.now().toString())
			.param("referrer", visit.referrer())
			.param("locale", visit.locale())
			.param("browser", visit.browser())
			.update();
	}

	@Override
	public String visitContext(CustomerId customer) {
		return this.jdbc.sql("select visit_context::text from customer where id = :id")
			.param("id", customer.value())
			.query(String.class)
			.optional()
			.orElse("{}");
	}

	@Override
	public List<ExternalId> externalIds(CustomerId customer) {
		return this.jdbc
			.sql("select site_id, external_id from customer_identity where customer_id = :id order by created_at")
			.param("id", customer.value())
			.query((row, rowNum) -> new ExternalId(new SiteId(row.getObject("site_id", UUID.class)),
					row.getString("external_id")))
			.list();
	}

	@Override
	public List<ConversationId> attachConversationsOf(VisitorId visitor, CustomerId customer) {
		return this.jdbc.sql("""
				update conversation set customer_id = :customer
				 where visitor_id = :visitor and customer_id is null
				returning id
				""")
			.param("visitor", visitor.value())
			.param("customer", customer.value())
			.query((row, rowNum) -> new ConversationId(row.getObject("id", UUID.class)))
			.list();
	}

	@Override
	public boolean link(ConversationId conversation, CustomerId customer) {
		// The search document follows by trigger (the customer's name and email are
		// part of it).
		// The customer it leaves keeps the conversation's site (customer_site), so it is
		// not
		// left as a record of no site, which staff of every site may see.
		return this.jdbc.sql("""
				with tie as (
				  insert into customer_site (customer_id, site_id)
				  select customer_id, site_id from conversation
				   where id = :id and customer_id is not null and customer_id <> :customer
				  on conflict do nothing
				)
				update conversation set customer_id = :customer where id = :id
				""").param("id", conversation.value()).param("customer", customer.value()).update() > 0;
	}

	@Override
	@Transactional
	public Merged merge(CustomerId source, CustomerId target) {
		if (source.equals(target)) {
			throw new DomainException("invalid_merge", "A customer cannot be merged into themselves.");
		}
		if (findById(source).isEmpty() || findById(target).isEmpty()) {
			throw new DomainException("not_found", "No such customer.");
		}
		List<ConversationId> conversations = this.jdbc
			.sql("update conversation set customer_id = :target where customer_id = :source returning id")
			.param("source", source.value())
			.param("target", target.value())
			.query((row, rowNum) -> new ConversationId(row.getObject("id", UUID.class)))
			.list();
		List<VisitorId> visitors = this.jdbc
			.sql("update visitor set customer_id = :target where customer_id = :source returning id")
			.param("source", source.value())
			.param("target", target.value())
			.query((row, rowNum) -> new VisitorId(row.getObject("id", UUID.class)))
			.list();
		// A visitor's pre-chat link moves too, so their later conversations still get a
		// customer; the flag keeps them from overwriting the owner's record.
		this.jdbc.sql("""
				update visitor set contact_customer_id = :target, contact_customer_merged = true
				 where contact_customer_id = :source
				""").param("source", source.value()).param("target", target.value()).update();
		this.jdbc.sql("""
				insert into customer_site (customer_id, site_id)
				select :target, site_id from customer_site where customer_id = :source
				on conflict do nothing
				""").param("source", source.value()).param("target", target.value()).update();
		// Ids of the merged-away record still held elsewhere (tokens, live state) lead to
		// the survivor, also through earlier merges into the merged-away record.
		this.jdbc.sql("update customer_merge set into_id = :target where into_id = :source")
			.param("source", source.value())
			.param("target", target.value())
			.update();
		this.jdbc.sql("insert into customer_merge (merged_id, into_id, merged_at) values (:source, :target, now())")
			.param("source", source.value())
			.param("target", target.value())
			.update();
		int externalIds = this.jdbc
			.sql("update customer_identity set customer_id = :target where customer_id = :source")
			.param("source", source.value())
			.param("target", target.value())
			.update();
		this.jdbc.sql("update note set customer_id = :target where customer_id = :source")
			.param("source", source.value())
			.param("target", target.value())
			.update();
		this.jdbc.sql("""
				insert into customer_tag (customer_id, tag_id)
				select :target, tag_id from customer_tag where customer_id = :source
				on conflict do nothing
				""").param("source", source.value()).param("target", target.value()).update();
		this.jdbc.sql("""
				update customer t set
				       name = coalesce(t.name, s.name), email = coalesce(t.email, s.email),
				       phone = coalesce(t.phone, s.phone),
				       first_seen_at = least(t.first_seen_at, s.first_seen_at),
				       last_seen_at = greatest(t.last_seen_at, s.last_seen_at),
				       visit_context = s.visit_context || t.visit_context, updated_at = now()
				  from customer s
				 where t.id = :target and s.id = :source
				""").param("source", source.value()).param("target", target.value()).update();
		this.jdbc.sql("delete from customer where id = :source").param("source", source.value()).update();
		return new Merged(conversations, visitors, externalIds);
	}

	@Override
	@Transactional
	public Erased erase(CustomerId customer) {
		List<VisitorId> visitors = this.jdbc
			.sql("select id from visitor where customer_id = :id or contact_customer_id = :id")
			.param("id", customer.value())
			.query((row, rowNum) -> new VisitorId(row.getObject("id", UUID.class)))
			.list();
		List<ConversationId> conversations = this.jdbc.sql("""
				delete from conversation
				 where customer_id = :id or visitor_id in (select id from visitor where customer_id = :id)
				returning id
				""")
			.param("id", customer.value())
			.query((row, rowNum) -> new ConversationId(row.getObject("id", UUID.class)))
			.list();
		eraseEmailsOf(conversations);
		this.jdbc.sql("delete from visitor where customer_id = :id or contact_customer_id = :id")
			.param("id", customer.value())
			.update();
		this.jdbc.sql("delete from customer where id = :id").param("id", customer.value()).update();
		return new Erased(conversations, visitors);
	}

	@Override
	@Transactional
	public void eraseEmailsOf(Collection<ConversationId> conversations) {
		// Emails of those conversations, and the record of mail taken into them.
		UUID[] erased = conversations.stream().map(ConversationId::value).toArray(UUID[]::new);
		this.jdbc.sql("delete from email_outbox where conversation_id = any(:ids)").param("ids", erased).update();
		this.jdbc.sql("delete from email_inbound where conversation_id = any(:ids)").param("ids", erased).update();
		this.jdbc.sql("delete from staff_notice where conversation_id = any(:ids)").param("ids", erased).update();
	}

	private static Customer customer(ResultSet row, int rowNum) throws SQLException {
		String email = row.getString("email");
		return new Customer(new CustomerId(row.getObject("id", UUID.class)), row.getString("name"),
				(email != null) ? new EmailAddress(email) : null, row.getString("phone"),
				row.getTimestamp("first_seen_at").toInstant(), row.getTimestamp("last_seen_at").toInstant());
	}

}
