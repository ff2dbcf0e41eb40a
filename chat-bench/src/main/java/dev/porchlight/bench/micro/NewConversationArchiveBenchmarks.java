package dev.porchlight.bench.micro;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.porchlight.persistence.embedded.EmbeddedPostgresServer;
import dev.porchlight.persistence.transcript.BenchTranscripts;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One archive pass over conversations PostgreSQL has not seen yet, each with its first
 * message ({@code JdbcTranscripts.archive} of {@value #CONVERSATIONS} conversations in
 * one transaction), against the embedded PostgreSQL 17 with the product's durability
 * settings. A shop with many short conversations pays this for each one.
 * <p>
 * {@code schema} is the Flyway version the database is migrated to: {@code 17} is the
 * schema before V18 (a row trigger started each conversation's search document),
 * {@code latest} everything there is. {@code customers}: {@code none}, or each
 * conversation with a customer of its own (whose name, email and phone go into the
 * document).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class NewConversationArchiveBenchmarks {

	static final int CONVERSATIONS = 200;

	/** Visitors and customers the conversations cycle through. */
	private static final int PEOPLE = 2_000;

	@Param({ "17", "latest" })
	public String schema;

	@Param({ "none", "each" })
	public String customers;

	private EmbeddedPostgresServer postgres;

	private BenchTranscripts transcripts;

	private final UUID site = UUID.randomUUID();

	private final List<UUID> visitors = new ArrayList<>();

	private final List<UUID> people = new ArrayList<>();

	private int next;

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		Path dir = Files.createTempDirectory("porchlight-jmh");
		this.postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"), "porchlight", true);
		PGSimpleDataSource dataSource = BenchDatabase.migrated(this.postgres,
				this.schema.equals("latest") ? null : this.schema);
		try (Connection db = DriverManager.getConnection(this.postgres.jdbcUrl(), "postgres", "")) {
			BenchDatabase.addSite(db, this.site);
			for (int i = 0; i < PEOPLE; i++) {
				this.visitors.add(UUID.randomUUID());
			}
			BenchDatabase.addVisitors(db, this.site, this.visitors);
			try (PreparedStatement customer = db.prepareStatement("""
					insert into customer (id, name, email, phone, first_seen_at, last_seen_at, created_at, updated_at)
					values (?, ?, ?, ?, now(), now(), now(), now())""")) {
				for (int i = 0; i < PEOPLE; i++) {
					UUID person = UUID.randomUUID();
					customer.setObject(1, person);
					customer.setString(2, "Customer Nummer " + i);
					customer.setString(3, "customer" + i + "@example.com");
					customer.setString(4, "+49 30 " + (1_000_000 + i));
					customer.addBatch();
					this.people.add(person);
				}
				customer.executeBatch();
			}
		}
		this.transcripts = new BenchTranscripts(dataSource);
	}

	@Benchmark
	public int archiveNewConversations() {
		List<UUID> visitors = new ArrayList<>(CONVERSATIONS);
		List<UUID> linked = new ArrayList<>(CONVERSATIONS);
		for (int i = 0; i < CONVERSATIONS; i++) {
			int person = this.next++ % PEOPLE;
			visitors.add(this.visitors.get(person));
			linked.add(this.customers.equals("each") ? this.people.get(person) : null);
		}
		this.transcripts.archiveNewConversations(this.site, visitors, linked);
		return this.next;
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.postgres.close();
	}

}
