package dev.porchlight.api.web;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat's part of {@link ClientErrorsConfiguration}: requests Tomcat refuses before any
 * filter runs are answered like every other malformed request. Compiled only into a
 * Tomcat build (the {@code jetty} Maven profile leaves {@code *Tomcat*} sources out).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
class TomcatClientErrorsConfiguration {

	@Bean
	WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> rejectedRequestValve() {
		return (factory) -> factory.addEngineValves(new TomcatRejectedRequestValve());
	}

}
