package dev.porchlight.persistence.secret;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.function.Supplier;

import dev.porchlight.domain.secret.InstallSecrets;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Install secrets in PostgreSQL. The first node to ask inserts its generated value; every
 * later or concurrent caller reads the winner's value ({@code on conflict do nothing}).
 */
@Repository
class JdbcInstallSecrets implements InstallSecrets {

	private final JdbcClient jdbc;

	JdbcInstallSecrets(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public String getOrCreate(String name, Supplier<String> generator) {
		this.jdbc.sql("""
				insert into install_secret (name, value, created_at) values (:name, :value, :now)
				on conflict (name) do nothing
				""")
			.param("name", name)
			.param("value", generator.get())
			.param("now", Timestamp.from(Instant.now()))
			.update();
		return this.jdbc.sql("select value from install_secret where name = :name")
			.param("name", name)
			.query(String.class)
			.single();
	}

}
