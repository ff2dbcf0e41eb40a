package dev.porchlight.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.porchlight.persistence.testing.UseRealEngines;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.TestPropertySource;

/**
 * An integration test of the whole server: Porchlight on a random port, on real
 * PostgreSQL and Redis of its own ({@link UseRealEngines}), as the test shop
 * ({@code test-shop.properties}): public address {@value #APP}, owner
 * {@value #OWNER_EMAIL} with the password {@value #OWNER_PASSWORD}. A test adds or
 * overrides settings in {@link #properties()}; they take precedence over the shop's.
 *
 * <p>
 * A test of the configuration out of the box (no owner password, the default address)
 * uses {@code @SpringBootTest} and {@code @UseRealEngines} directly instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@UseRealEngines
@TestPropertySource(locations = "classpath:test-shop.properties")
public @interface PorchlightTest {

	/**
	 * The test shop's public address, whose origin the dashboard and widget frame use.
	 */
	String APP = "https://chat.porchlight.example";

	String OWNER_EMAIL = "owner@shop.example";

	String OWNER_PASSWORD = "owner password 123";

	/**
	 * @return further {@code name=value} settings for this test's server
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "properties")
	String[] properties() default {};

}
