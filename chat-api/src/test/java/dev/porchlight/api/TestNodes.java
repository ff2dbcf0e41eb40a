package dev.porchlight.api;

import java.util.ArrayList;
import java.util.List;

import dev.porchlight.persistence.testing.FreePorts;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts another Porchlight node in this JVM on the engines of a test's own context, as a
 * second node behind a load balancer would run.
 */
public final class TestNodes {

	private TestNodes() {
	}

	/**
	 * @param postgres the test context's database
	 * @param redis the test context's Redis
	 * @param args further {@code --name=value} arguments, e.g. {@code --server.port=0}
	 * @return the running node; close it to stop it (gracefully)
	 */
	public static ConfigurableApplicationContext start(JdbcConnectionDetails postgres, DataRedisConnectionDetails redis,
			String... args) {
		DataRedisConnectionDetails.Standalone standalone = redis.getStandalone();
		List<String> all = new ArrayList<>(List.of("--spring.datasource.url=" + postgres.getJdbcUrl(),
				"--spring.datasource.username=" + postgres.getUsername(),
				"--spring.datasource.password=" + postgres.getPassword(),
				"--spring.datasource.hikari.maximum-pool-size=4",
				"--spring.data.redis.url=redis://:" + redis.getPassword() + "@" + standalone.getHost() + ":"
						+ standalone.getPort() + "/" + standalone.getDatabase()));
		all.addAll(List.of(args));
		return new SpringApplicationBuilder(PorchlightApplication.class).run(all.toArray(String[]::new));
	}

	/**
	 * A node on the test's database and a Redis given in the arguments (e.g. a cluster).
	 * @param postgres the test's database
	 * @param args further {@code --name=value} arguments, with the Redis settings
	 * @return the running node; close it to stop it (gracefully)
	 */
	public static ConfigurableApplicationContext start(JdbcConnectionDetails postgres, String... args) {
		List<String> all = new ArrayList<>(List.of("--spring.datasource.url=" + postgres.getJdbcUrl(),
				"--spring.datasource.username=" + postgres.getUsername(),
				"--spring.datasource.password=" + postgres.getPassword(),
				"--spring.datasource.hikari.maximum-pool-size=4"));
		all.addAll(List.of(args));
		return new SpringApplicationBuilder(PorchlightApplication.class).run(all.toArray(String[]::new));
	}

	/**
	 * @return a port nothing listens on right now, outside the ephemeral range (see
	 * {@link FreePorts}), for a node or engine a test starts itself
	 */
	public static int freePort() {
		return FreePorts.next();
	}

	/**
	 * @param node a running node
	 * @return the port it listens on
	 */
	public static int port(ConfigurableApplicationContext node) {
		return node.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

}
