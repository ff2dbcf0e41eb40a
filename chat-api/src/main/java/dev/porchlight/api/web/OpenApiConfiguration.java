package dev.porchlight.api.web;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.csrf.CsrfToken;

/**
 * Makes the generated OpenAPI document say what the API really asks for: how each
 * operation is authenticated (the staff session cookie plus the CSRF header for changes,
 * or the visitor token), and stable operation ids derived from method and path. The CSRF
 * token a controller reads from the request is not a parameter a client sends.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	static final String STAFF_SESSION = "staffSession";

	static final String CSRF = "csrfHeader";

	static final String VISITOR_TOKEN = "visitorToken";

	/** Operations anyone may call ({@code METHOD path}). */
	private static final Set<String> PUBLIC = Set.of("GET /api/v1/session", "POST /api/v1/session",
			"POST /api/v1/visitor/session", "GET /api/v1/visitor/widget/{siteKey}");

	static {
		SpringDocUtils.getConfig().addRequestWrapperToIgnore(CsrfToken.class);
	}

	@Bean
	OpenApiCustomizer accurateSecurityAndOperationIds() {
		return (openApi) -> {
			Components components = (openApi.getComponents() != null) ? openApi.getComponents() : new Components();
			components
				.addSecuritySchemes(STAFF_SESSION,
						new SecurityScheme().type(SecurityScheme.Type.APIKEY)
							.in(SecurityScheme.In.COOKIE)
							.name("PORCHLIGHT_SESSION")
							.description("The session cookie from POST /api/v1/session."))
				.addSecuritySchemes(CSRF,
						new SecurityScheme().type(SecurityScheme.Type.APIKEY)
							.in(SecurityScheme.In.HEADER)
							.name("X-XSRF-TOKEN")
							.description("The value of the XSRF-TOKEN cookie; needed with the session "
									+ "cookie on every call other than GET."))
				.addSecuritySchemes(VISITOR_TOKEN,
						new SecurityScheme().type(SecurityScheme.Type.HTTP)
							.scheme("bearer")
							.description("A visitor token from POST /api/v1/visitor/session."));
			openApi.setComponents(components);
			if (openApi.getPaths() == null) {
				return;
			}
			openApi.getPaths()
				.forEach((path, item) -> item.readOperationsMap()
					.forEach((method, operation) -> describe(path, method, operation)));
		};
	}

	private static void describe(String path, PathItem.HttpMethod method, Operation operation) {
		operation.setOperationId(operationId(method, path));
		if (PUBLIC.contains(method + " " + path) || path.startsWith("/api/v1/openapi")) {
			operation.setSecurity(List.of());
		}
		else if (path.startsWith("/api/v1/visitor/")) {
			operation.setSecurity(List.of(new SecurityRequirement().addList(VISITOR_TOKEN)));
		}
		else if (method == PathItem.HttpMethod.GET || method == PathItem.HttpMethod.HEAD) {
			operation.setSecurity(List.of(new SecurityRequirement().addList(STAFF_SESSION)));
		}
		else {
			// Both at once: the cookie and the header.
			operation.setSecurity(List.of(new SecurityRequirement().addList(STAFF_SESSION).addList(CSRF)));
		}
	}

	/**
	 * {@code GET /api/v1/customers/{id}/export} becomes {@code getCustomersByIdExport}:
	 * unique because method and path are, and stable across builds (springdoc's own ids
	 * are the Java method names with {@code _1} suffixes in discovery order).
	 */
	static String operationId(PathItem.HttpMethod method, String path) {
		StringBuilder id = new StringBuilder(method.name().toLowerCase(Locale.ROOT));
		for (String segment : path.replaceFirst("^/api/v1", "").split("/")) {
			if (segment.isEmpty()) {
				continue;
			}
			if (segment.startsWith("{") && segment.endsWith("}")) {
				id.append("By").append(capitalised(segment.substring(1, segment.length() - 1)));
			}
			else {
				for (String word : segment.split("[^A-Za-z0-9]+")) {
					id.append(capitalised(word));
				}
			}
		}
		return id.toString();
	}

	private static String capitalised(String word) {
		return word.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1);
	}

}
