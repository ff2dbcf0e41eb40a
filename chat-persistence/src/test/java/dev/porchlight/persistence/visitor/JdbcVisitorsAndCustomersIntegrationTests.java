package dev.porchlight.persistence.visitor;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.customer.Customer;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.visitor.Visitor;
import dev.porchlight.domain.visitor.VisitorId;
import dev.porchlight.domain.visitor.Visitors;
import dev.porchlight.persistence.PersistenceTestApplication;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = PersistenceTestApplication.class)
@UseRealEngines
class JdbcVisitorsAndCustomersIntegrationTests {

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);

	@Autowired
	Sites sites;

	@Autowired
	Visitors visitors;

	@Autowired
	Customers customers;

	@Test
	void storesAVisitorWithItsCredentialHashAndLinksACustomer() {
		Site site = Site.create("Shop", List.of(), NOW);
		this.sites.add(site);
		Visitor visitor = Visitor.arrive(site.id(), NOW);
		this.visitors.add(visitor, "hash-of-credential");
		assertThat(this.visitors.findById(visitor.id())).contains(visitor);
		assertThat(this.visitors.credentialHash(visitor.id())).contains("hash-of-credential");
		assertThat(this.visitors.credentialHash(VisitorId.random())).isEmpty();

		Customer customer = new Customer(CustomerId.random(), "Ada", new EmailAddress("ada@shop.example"), null, NOW,
				NOW);
		this.customers.add(customer);
		this.visitors.linkCustomer(visitor.id(), customer.id(), false);
		assertThat(this.visitors.verifiedCustomer(visitor.id())).as("an unverified link grants nothing").isEmpty();
		this.visitors.linkCustomer(visitor.id(), customer.id(), true);
		assertThat(this.visitors.verifiedCustomer(visitor.id())).contains(customer.id());
		this.visitors.seen(visitor.id(), NOW.plusSeconds(60));
		Visitor linked = this.visitors.findById(visitor.id()).orElseThrow();
		assertThat(linked.customerId()).isEqualTo(customer.id());
		assertThat(linked.lastSeenAt()).isEqualTo(NOW.plusSeconds(60));
	}

	@Test
	void anExternalIdBelongsToOneCustomerPerSite() {
		Site site = Site.create("Shop", List.of(), NOW);
		Site other = Site.create("Other shop", List.of(), NOW);
		this.sites.add(site);
		this.sites.add(other);
		Customer first = new Customer(CustomerId.random(), "First", null, null, NOW, NOW);
		Customer second = new Customer(CustomerId.random(), "Second", null, null, NOW, NOW);
		this.customers.add(first);
		this.customers.add(second);
		assertThat(this.customers.attachExternalId(site.id(), "user-7", first.id())).isEqualTo(first.id());
		// The id is taken on this site: the holder stays the first customer.
		assertThat(this.customers.attachExternalId(site.id(), "user-7", second.id())).isEqualTo(first.id());
		// Another site may use the same id for someone else.
		assertThat(this.customers.attachExternalId(other.id(), "user-7", second.id())).isEqualTo(second.id());
		assertThat(this.customers.findByExternalId(site.id(), "user-7")).contains(first);
		assertThat(this.customers.findByExternalId(other.id(), "user-7")).contains(second);
		assertThat(this.customers.findByExternalId(site.id(), "user-8")).isEmpty();
	}

}
