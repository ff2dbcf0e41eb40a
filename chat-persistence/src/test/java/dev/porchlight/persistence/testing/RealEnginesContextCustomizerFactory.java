package dev.porchlight.persistence.testing;

import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Gives every test class annotated with {@link UseRealEngines} its own isolated
 * databases. The customizer is keyed by the test class, so two classes never share a
 * context (and never share data); tests within one class share it.
 */
class RealEnginesContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		boolean annotated = MergedAnnotations.from(testClass, SearchStrategy.TYPE_HIERARCHY)
			.isPresent(UseRealEngines.class);
		return annotated ? new RealEnginesContextCustomizer(testClass.getName()) : null;
	}

	private record RealEnginesContextCustomizer(String testClass) implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			RealEngines.Isolated isolated = RealEngines.get()
				.isolated(this.testClass.substring(this.testClass.lastIndexOf('.') + 1));
			// Many isolated contexts may be cached at once: keep each one's pool small.
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("realEngines", Map.of("spring.datasource.hikari.maximum-pool-size", "4",
						"spring.datasource.hikari.minimum-idle", "1")));
			ConfigurableListableBeanFactory beans = context.getBeanFactory();
			beans.registerSingleton("realEnginesJdbcConnectionDetails", isolated.postgres());
			beans.registerSingleton("realEnginesRedisConnectionDetails", isolated.redis());
		}

	}

}
