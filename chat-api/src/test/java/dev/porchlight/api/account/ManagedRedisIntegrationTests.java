package dev.porchlight.api.account;

import java.util.UUID;

import dev.porchlight.api.PorchlightTest;
import dev.porchlight.persistence.session.RedisSessionStoreConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.context.servlet.AnnotationConfigServletWebApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.session.data.redis.config.ConfigureRedisAction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The staff session store on a managed Redis that forbids {@code CONFIG}
 * (docs/operations.md): a Redis user of the test's real Redis that may run every command
 * but {@code CONFIG} stands for it. Without
 * {@code spring.session.data.redis.configure-action=none} the store's start sends
 * {@code CONFIG SET notify-keyspace-events} and fails; with it the store starts.
 */
@PorchlightTest
class ManagedRedisIntegrationTests {

	@Autowired
	DataRedisConnectionDetails redis;

	@Autowired
	StringRedisTemplate admin;

	private final String user = "managed-" + UUID.randomUUID();

	private final String password = UUID.randomUUID().toString();

	@BeforeEach
	void aUserWithoutConfig() {
		this.admin.execute((RedisCallback<Object>) (connection) -> connection.execute("ACL", bytes("SETUSER"),
				bytes(this.user), bytes("on"), bytes(">" + this.password), bytes("~*"), bytes("allchannels"),
				bytes("+@all"), bytes("-config")));
	}

	@AfterEach
	void removeTheUser() {
		// ACL DELUSER answers a number, which connection.execute cannot read.
		this.admin.execute((RedisCallback<Object>) (connection) -> {
			try {
				return ((io.lettuce.core.api.async.RedisAclAsyncCommands<?, ?>) connection.getNativeConnection())
					.aclDeluser(this.user)
					.get(10, java.util.concurrent.TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	@Test
	void withConfigureActionNoneTheSessionStoreStartsWithoutConfig() {
		contexts().withPropertyValues("spring.session.data.redis.configure-action=none").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ConfigureRedisAction.class)).isSameAs(ConfigureRedisAction.NO_OP);
		});
	}

	@Test
	void withoutItTheStoreAsksForConfigAndARedisThatForbidsItRefuses() {
		contexts().run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("NOPERM");
		});
	}

	private WebApplicationContextRunner contexts() {
		return new WebApplicationContextRunner(() -> {
			// Durations such as spring.session.timeout's converted as in the application.
			AnnotationConfigServletWebApplicationContext context = new AnnotationConfigServletWebApplicationContext();
			context.getBeanFactory().setConversionService(ApplicationConversionService.getSharedInstance());
			return context;
		}).withUserConfiguration(SessionStoreConfiguration.class, RedisSessionStoreConfiguration.class)
			.withBean(RedisConnectionFactory.class, this::asTheManagedUser);
	}

	private LettuceConnectionFactory asTheManagedUser() {
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration(
				this.redis.getStandalone().getHost(), this.redis.getStandalone().getPort());
		configuration.setDatabase(this.redis.getStandalone().getDatabase());
		configuration.setUsername(this.user);
		configuration.setPassword(RedisPassword.of(this.password));
		LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

}
