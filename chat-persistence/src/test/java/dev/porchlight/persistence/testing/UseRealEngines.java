package dev.porchlight.persistence.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a Spring test against real PostgreSQL and Redis from {@link RealEngines}, with a
 * database and a Redis logical database of its own. The engines are provided as
 * connection-details beans (what {@code @ServiceConnection} does for Testcontainers), so
 * the application's embedded engines stay off.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface UseRealEngines {

}
