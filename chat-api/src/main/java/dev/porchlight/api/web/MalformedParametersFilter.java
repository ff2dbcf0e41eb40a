package dev.porchlight.api.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads the request's parameters before anything else does. The container decodes them
 * only when first asked and then fails on a bad percent-encoding (or too many of them),
 * wherever that happens to be: in a security filter or in a controller's argument, as a
 * {@code 500} with a stack trace. Asking first turns every such request into one
 * {@code 400}.
 */
class MalformedParametersFilter extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			request.getParameterMap();
		}
		catch (IllegalStateException ex) {
			// Tomcat's InvalidParameterException: undecodable, or more than allowed.
			MalformedRequests.reject(request, response, MalformedRequests.Problem.PARAMETERS);
			return;
		}
		chain.doFilter(request, response);
	}

}
