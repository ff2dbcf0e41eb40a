package dev.porchlight.api;

import java.util.ArrayList;
import java.util.Arrays;
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

	private static final String PER_ADDRESS = "--porchlight.visitor-sessions-per-address=";

	private static final String MESSAGES_PER_ADDRESS = "--porchlight.live.address-messages=";

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
		return run(all, args);
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
		return run(all, args);
	}

	/**
	 * Starts a node with the test's arguments after the given ones. Like the test shop's
	 * servers, it gives visitor tokens to the one loopback address every test visitor
	 * asks from without the default limit of 30 a minute, and takes their messages
	 * without the limit per address, unless the test sets them.
	 */
	private static ConfigurableApplicationContext run(List<String> all, String... args) {
		if (Arrays.stream(args).noneMatch((arg) -> arg.startsWith(PER_ADDRESS))) {
			all.add(PER_ADDRESS + "100000");
		}
		if (Arrays.stream(args).noneMatch((arg) -> arg.startsWith(MESSAGES_PER_ADDRESS))) {
			all.add(MESSAGES_PER_ADDRESS + "100000000");
		}
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
