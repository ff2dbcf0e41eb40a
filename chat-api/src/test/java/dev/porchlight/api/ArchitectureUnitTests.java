package dev.porchlight.api;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.porchlight.persistence.embedded.EmbeddedRedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameStartingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

class ArchitectureUnitTests {

	private static final JavaClasses API = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.porchlight.api");

	/**
	 * Storage, from the web layer's side: the adapters (every package of
	 * chat-persistence) and the clients they use. Lettuce's client options are the one
	 * exception, since how the client behaves while Redis is away is the server's
	 * decision (LiveStorageConfiguration).
	 */
	private static final DescribedPredicate<JavaClass> STORAGE = resideInAnyPackage("dev.porchlight.persistence..",
			"org.springframework.jdbc..", "org.springframework.data.redis..", "java.sql..", "javax.sql..",
			"org.postgresql..")
		.or(resideInAnyPackage("io.lettuce..")
			.and(DescribedPredicate.not(nameStartingWith("io.lettuce.core.ClientOptions"))))
		.as("storage adapters and clients");

	static final ArchRule STORAGE_ONLY_THROUGH_PORTS = noClasses().should()
		.dependOnClassesThat(STORAGE)
		.because("the web layer talks to the domain's ports, not to adapters or storage clients");

	@Test
	void hasNoPackageCycles() {
		slices().matching("dev.porchlight.api.(*)..").should().beFreeOfCycles().check(API);
	}

	@Test
	void reachesStorageOnlyThroughTheDomainPorts() {
		STORAGE_ONLY_THROUGH_PORTS.check(API);
	}

	@Test
	void theStorageRuleCatchesAClassThatReachesPastThePorts() {
		for (Class<?> violator : new Class<?>[] { UsesAnAdapterPackage.class, UsesJdbc.class, UsesRedis.class }) {
			JavaClasses imported = new ClassFileImporter().importClasses(violator);
			assertThat(STORAGE_ONLY_THROUGH_PORTS.evaluate(imported).hasViolation()).as(violator.getSimpleName())
				.isTrue();
		}
		assertThat(STORAGE_ONLY_THROUGH_PORTS.evaluate(new ClassFileImporter().importClasses(ConfiguresLettuce.class))
			.hasViolation()).as("configuring the Redis client is allowed").isFalse();
	}

	static class UsesAnAdapterPackage {

		EmbeddedRedisServer server;

	}

	static class UsesJdbc {

		JdbcClient jdbc;

	}

	static class UsesRedis {

		StringRedisTemplate redis;

	}

	static class ConfiguresLettuce {

		io.lettuce.core.ClientOptions.DisconnectedBehavior behavior;

	}

}
