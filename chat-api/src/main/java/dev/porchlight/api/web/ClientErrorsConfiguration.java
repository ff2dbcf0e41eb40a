package dev.porchlight.api.web;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Every layer that can refuse a malformed request answers it the same way
 * ({@link MalformedRequests}): Tomcat before any filter
 * ({@code TomcatClientErrorsConfiguration}, in a Tomcat build), the first filter for
 * undecodable parameters, Spring Security's firewall for addresses and headers it does
 * not allow.
 */
@Configuration(proxyBeanMethods = false)
class ClientErrorsConfiguration {

	@Bean
	FilterRegistrationBean<MalformedParametersFilter> malformedParametersFilter() {
		FilterRegistrationBean<MalformedParametersFilter> registration = new FilterRegistrationBean<>(
				new MalformedParametersFilter());
		// Right after the character encoding filter, which decides how bodies decode.
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}

	@Bean
	RequestRejectedHandler requestRejectedHandler() {
		return (request, response, rejected) -> MalformedRequests.reject(request, response,
				MalformedRequests.Problem.FIREWALL);
	}

}
