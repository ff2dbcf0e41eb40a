package dev.porchlight.api.web;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
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

	static final String API_ERROR = "ApiError";

	/** Operations that can conflict with the rule that an owner always remains. */
	private static final Set<String> CONFLICTS = Set.of("POST /api/v1/accounts/{id}/disable");

	private static final String SIGN_IN = "POST /api/v1/session";

	/** Operations counted by a rate limit. */
	private static final Set<String> THROTTLED = Set.of(SIGN_IN, "POST /api/v1/visitor/session");

	/**
	 * Operations anyone may call ({@code METHOD path}). Signing in is open to anyone too,
	 * but with the CSRF header, like every cookie-bearing change.
	 */
	private static final Set<String> PUBLIC = Set.of("GET /api/v1/session", "POST /api/v1/visitor/session",
			"GET /api/v1/visitor/widget/{siteKey}", "POST /api/v1/email/inbound");

	/** Operations that answer 409 when the shop sends no email, or a state forbids it. */
	private static final Set<String> EMAIL_CONFLICTS = Set.of(
			"POST /api/v1/visitor/conversations/{id}/transcript-email", "POST /api/v1/email/test",
			"PUT /api/v1/sites/{id}/email");

	static {
		SpringDocUtils.getConfig().addRequestWrapperToIgnore(CsrfToken.class);
	}

	/**
	 * Required and nullable properties of records from their {@code @Nullable}
	 * components.
	 */
	@Bean
	RecordSchemas recordSchemas() {
		return new RecordSchemas();
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
							.description("The value of the XSRF-TOKEN cookie (GET /api/v1/session sets it); needed "
									+ "with the session cookie on every call other than GET, and to sign in."))
				.addSecuritySchemes(VISITOR_TOKEN,
						new SecurityScheme().type(SecurityScheme.Type.HTTP)
							.scheme("bearer")
							.description("A visitor token from POST /api/v1/visitor/session."));
			components.addSchemas(API_ERROR, new ObjectSchema().description("Every error answer of the API.")
				.addProperty("error", new StringSchema().description("A stable code, e.g. invalid_email, not_found."))
				.addProperty("message", new StringSchema().description("Text for people; may change."))
				.required(List.of("error", "message")));
			openApi.setComponents(components);
			if (openApi.getPaths() == null) {
				return;
			}
			openApi.getPaths()
				.forEach((path, item) -> item.readOperationsMap()
					.forEach((method, operation) -> describe(path, method, operation)));
			RecordSchemas.requireNullableAnswerFields(openApi);
		};
	}

	private static void describe(String path, PathItem.HttpMethod method, Operation operation) {
		operation.setOperationId(operationId(method, path));
		if (PUBLIC.contains(method + " " + path) || path.startsWith("/api/v1/openapi")) {
			operation.setSecurity(List.of());
		}
		else if (SIGN_IN.equals(method + " " + path)) {
			operation.setSecurity(List.of(new SecurityRequirement().addList(CSRF)));
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
		errors(path, method, operation);
	}

	/**
	 * The error answers an operation can give, all with the {@code ApiError} body
	 * (docs/rest-api.md lists the codes): controllers do not declare them, so springdoc
	 * would list none.
	 */
	/** Calls whose body is a file (docs/attachments.md). */
	private static final Set<String> UPLOADS = Set.of("POST /api/v1/conversations/{id}/attachments",
			"POST /api/v1/visitor/conversations/{id}/attachments");

	private static void errors(String path, PathItem.HttpMethod method, Operation operation) {
		String call = method + " " + path;
		ApiResponses responses = (operation.getResponses() != null) ? operation.getResponses() : new ApiResponses();
		if (!path.startsWith("/api/")) {
			// A page (the widget frame): a malformed address is refused with a short HTML
			// page; what the page's controller refuses is an ApiError like anywhere else.
			for (String status : List.of("400", "403", "404")) {
				responses.computeIfAbsent(status, (code) -> new ApiResponse()
					.description("A short HTML page for a malformed address, else an ApiError.")
					.content(new Content().addMediaType("text/html", new MediaType().schema(new StringSchema()))
						.addMediaType("application/json",
								new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + API_ERROR)))));
			}
			operation.setResponses(responses);
			operation.setSecurity(List.of());
			return;
		}
		error(responses, "400", "The address, a parameter or the body is not valid (malformed_url, "
				+ "malformed_request, invalid_<field>, invalid_parameter, …).");
		boolean webhook = call.equals("POST /api/v1/email/inbound");
		if (webhook) {
			// A mail provider's post: signed, not signed in, and never a CSRF matter
			// (docs/email.md).
			// Read by the controller itself, at most 10 MB of it.
			operation.setRequestBody(new RequestBody().required(true)
				.description("The mail: raw (message/rfc822) or a provider's JSON, at most 10 MB.")
				.content(new Content()
					.addMediaType("message/rfc822", new MediaType().schema(new StringSchema().format("binary")))
					.addMediaType("application/json", new MediaType().schema(new ObjectSchema()))));
			error(responses, "401", "The signature header is missing or wrong (invalid_signature).");
			error(responses, "404", "No webhook secret is configured, or email is turned off (not_found).");
			error(responses, "415", "The body is neither JSON nor message/rfc822 (unsupported_media_type).");
			error(responses, "503", "The mail could not be stored now; post it again (unavailable).");
		}
		if (!call.equals("GET /api/v1/session") && !call.equals("GET /api/v1/visitor/widget/{siteKey}")) {
			error(responses, "401", "Not signed in, or no valid visitor token (unauthenticated, "
					+ "invalid_credentials, visitor_credential_invalid).");
		}
		if (!webhook) {
			error(responses, "403", "Not allowed: role, CSRF token, origin or identity (forbidden, "
					+ "csrf_token_invalid, origin_not_allowed, identity_invalid).");
		}
		if (path.contains("{") || call.equals("POST /api/v1/visitor/session")
				|| (path.startsWith("/api/v1/insights/") && !path.equals("/api/v1/insights/rebuild"))) {
			// Insights name their site (and a correction its term) as parameters.
			error(responses, "404", "No such thing, or not one the caller may see (not_found).");
		}
		if (UPLOADS.contains(call)) {
			// The body is the file itself (docs/attachments.md), of any type.
			operation.setRequestBody(new RequestBody().required(true)
				.description("The file's bytes, not a form; the type is found from the content.")
				.content(new Content().addMediaType("*/*",
						new MediaType().schema(new StringSchema().format("binary")))));
			error(responses, "413", "The file is larger than porchlight.attachments.max-file-size (file_too_large).");
			error(responses, "415", "Not a type that can be sent, found from the content (unsupported_type), "
					+ "or a form instead of the file's bytes (unsupported_media_type).");
			error(responses, "422",
					"A picture that cannot be read or is too large (unreadable_image, " + "image_too_large).");
			error(responses, "429", "Too many uploads this hour (rate_limited), with Retry-After.");
			error(responses, "503", "The file store cannot be reached; nothing was kept (storage_unavailable).");
		}
		else if (operation.getRequestBody() != null) {
			error(responses, "415", "The body is not JSON (unsupported_media_type).");
		}
		if (CONFLICTS.contains(call)) {
			error(responses, "409", "Would lock the owners out (cannot_disable_self, last_owner).");
		}
		if (EMAIL_CONFLICTS.contains(call)) {
			error(responses, "409", "Email is not set up, no address was left, emails to it are stopped, or "
					+ "another site uses the address (email_disabled, no_email, email_blocked, address_in_use).");
		}
		if (THROTTLED.contains(call) || call.equals("POST /api/v1/visitor/conversations/{id}/transcript-email")) {
			error(responses, "429", "Too many attempts (sign_in_throttled, rate_limited), with Retry-After.");
		}
		if (!call.equals("GET /api/v1/session")) {
			error(responses, "503",
					"PostgreSQL or Redis cannot be reached for this call (unavailable), with Retry-After.");
		}
		operation.setResponses(responses);
	}

	private static void error(ApiResponses responses, String status, String description) {
		if (!responses.containsKey(status)) {
			responses.addApiResponse(status,
					new ApiResponse().description(description)
						.content(new Content().addMediaType("application/json",
								new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + API_ERROR)))));
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
