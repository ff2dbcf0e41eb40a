package dev.porchlight.api.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves {@code index.html} for the folder addresses of the browser apps.
 */
@Configuration(proxyBeanMethods = false)
class StaticPagesConfiguration implements WebMvcConfigurer {

	@Override
	public void addViewControllers(ViewControllerRegistry registry) {
		registry.addViewController("/app/").setViewName("forward:/app/index.html");
		registry.addRedirectViewController("/app", "/app/");
	}

}
