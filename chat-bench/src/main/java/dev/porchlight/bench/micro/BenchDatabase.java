package dev.porchlight.bench.micro;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import dev.porchlight.persistence.embedded.EmbeddedPostgresServer;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The store benchmarks' PostgreSQL: the product's schema, a site and its visitors.
 */
final class BenchDatabase {

	private BenchDatabase() {
	}

	/**
	 * The database migrated by the product's own migrations.
	 * @param target the Flyway version to stop at, or null for all of them
	 */
	static PGSimpleDataSource migrated(EmbeddedPostgresServer postgres, @Nullable String target) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(postgres.jdbcUrl());
		dataSource.setUser("postgres");
		var flyway = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration");
		if (target != null) {
			flyway.target(target);
		}
		flyway.load().migrate();
		return dataSource;
	}

	static void addSite(Connection db, UUID site) throws SQLException {
		try (PreparedStatement insert = db.prepareStatement(
				"insert into site (id, site_key, name, identity_mode, identity_secret, widget_settings, created_at, updated_at) "
						+ "values (?, 'pk_0123456789012345678901', 'Bench', 'OFF', 'x', '{}', now(), now())")) {
			insert.setObject(1, site);
			insert.execute();
		}
	}

	static void addVisitors(Connection db, UUID site, List<UUID> visitors) throws SQLException {
		try (PreparedStatement insert = db.prepareStatement(
				"insert into visitor (id, site_id, first_seen_at, last_seen_at) values (?, ?, now(), now())")) {
			for (UUID visitor : visitors) {
				insert.setObject(1, visitor);
				insert.setObject(2, site);
				insert.addBatch();
			}
			insert.executeBatch();
		}
	}

}
