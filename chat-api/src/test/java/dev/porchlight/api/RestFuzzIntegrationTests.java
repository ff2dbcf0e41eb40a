package dev.porchlight.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes every REST operation the OpenAPI document lists, signed in as the owner and as a
 * visitor: random path values, query parameters and bodies (wrong types, missing and
 * extra fields, control characters, long strings, not JSON at all), then addresses and
 * parameters that are not valid URL encoding at all (sent over a raw socket, since no
 * proper client would send them). No answer may be a 5xx, no answer may carry a stack
 * trace, and neither may the log. Every answer must also be one the document promises for
 * that operation (its status is listed, and an error's body is the documented
 * {@code ApiError}): a contract test of the statuses and errors. A fixed seed (override
 * with {@code -Dporchlight.fuzz.seed}) keeps failures reproducible.
 */
@PorchlightTest(properties = "logging.level.dev.porchlight.api.web.MalformedRequests=INFO")
@ExtendWith(OutputCaptureExtension.class)
class RestFuzzIntegrationTests {

	/** Percent-encodings no server can decode, or may not accept, in a path segment. */
	static final List<String> MALFORMED_SEGMENTS = List.of("%zz", "%", "%2F", "%5C", "%00", "%E0%A4%", "a%2Fb%5Cc",
			"%%%");

	/** Query strings that are not valid URL encoding. */
	static final List<String> MALFORMED_VALUES = List.of("%zz", "%", "%%%", "%E0%A4%A", "%G1", "abc%");

	static final long SEED = Long.getLong("porchlight.fuzz.seed", 20261123L);

	static final int CASES_PER_OPERATION = Integer.getInteger("porchlight.fuzz.rest-cases", 12);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * Operations that would end the fuzzing session itself; fuzzed with their own client.
	 */
	private static final List<String> SIGN_OUT = List.of("DELETE /api/v1/session");

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Test
	void noInputMakesAnyOperationFailOrLeakItsInsides() {
		Random random = new Random(SEED);
		Site site = Site.create("Fuzz", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(site);
		JsonNode paths = new ApiClient(this.port).get("/api/v1/openapi").json().path("paths");
		assertThat(paths.size()).as("operations in the OpenAPI document").isGreaterThan(20);
		int requests = 0;
		Map<Integer, Integer> statuses = new java.util.TreeMap<>();
		java.util.Set<String> undocumented = new java.util.TreeSet<>();
		ApiClient owner = owner();
		ApiClient visitor = null;
		for (Map.Entry<String, JsonNode> path : paths.properties()) {
			for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
				String method = operation.getKey().toUpperCase(java.util.Locale.ROOT);
				for (int i = 0; i < CASES_PER_OPERATION; i++) {
					String url = url(random, path.getKey(), operation.getValue(), site);
					String body = body(random);
					ApiClient client = SIGN_OUT.contains(method + " " + path.getKey()) ? owner() : owner;
					if (path.getKey().startsWith("/api/v1/visitor/")) {
						visitor = (visitor != null) ? visitor : visitor(site);
						client = visitor;
					}
					ApiClient.Response response = send(client, method, url, body);
					requests++;
					statuses.merge(response.status(), 1, Integer::sum);
					assertThat(response.status())
						.as("%s %s with %s (seed %d): %s", method, url, abbreviated(body), SEED, response.body())
						.isLessThan(500);
					assertThat(response.body()).as("%s %s (seed %d)", method, url, SEED)
						.doesNotContain("Exception")
						.doesNotContain("\tat ")
						.doesNotContain("org.springframework")
						.doesNotContain("java.lang");
					if (!operation.getValue().path("responses").has(String.valueOf(response.status()))) {
						undocumented.add("%s %s answered %d, not in %s".formatted(method, path.getKey(),
								response.status(), operation.getValue().path("responses").propertyNames()));
					}
					if (response.status() >= 400 && path.getKey().startsWith("/api/")) {
						JsonNode error = json(response.body());
						if (!error.path("error").isString() || !error.path("message").isString()) {
							undocumented.add("%s %s: not an ApiError body: %s".formatted(method, path.getKey(),
									abbreviated(response.body())));
						}
					}
					if (response.status() == 401 || response.status() == 403) {
						// A random password change or sign-out may have ended the
						// session.
						owner = owner();
					}
				}
			}
		}
		System.out.printf("REST fuzzing: %d requests over %d paths (seed %d), statuses %s%n", requests, paths.size(),
				SEED, statuses);
		assertThat(undocumented).as("answers the OpenAPI document does not promise").isEmpty();
	}

	@Test
	void malformedEncodingAnywhereIsA400WithSecurityHeadersAndOneLogLineAtMost(CapturedOutput output) {
		Site site = Site.create("Encodings", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(site);
		JsonNode paths = new ApiClient(this.port).get("/api/v1/openapi").json().path("paths");
		ApiClient owner = owner();
		Map<String, String> staff = Map.of("Cookie",
				"PORCHLIGHT_SESSION=" + owner.cookie("PORCHLIGHT_SESSION").orElseThrow() + "; XSRF-TOKEN="
						+ owner.cookie("XSRF-TOKEN").orElseThrow(),
				"X-XSRF-TOKEN", owner.cookie("XSRF-TOKEN").orElseThrow(), "Content-Type", "application/json");
		String token = ApiClient.visitorToken(this.port, "https://chat.porchlight.example", site.key().value());
		Map<String, String> visitor = Map.of("Authorization", "Bearer " + token, "Origin",
				"https://chat.porchlight.example", "Content-Type", "application/json");
		List<String> targets = new ArrayList<>();
		for (Map.Entry<String, JsonNode> path : paths.properties()) {
			for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
				String method = operation.getKey().toUpperCase(java.util.Locale.ROOT);
				String template = path.getKey();
				List<String> names = new ArrayList<>();
				for (JsonNode parameter : operation.getValue().path("parameters")) {
					if (parameter.path("in").asString().equals("query")) {
						names.add(parameter.path("name").asString());
					}
				}
				// Bad encodings in every path variable, and in every query parameter.
				if (template.contains("{")) {
					for (String segment : MALFORMED_SEGMENTS) {
						targets.add(method + " " + template.replaceAll("\\{[^}]+}", segment));
					}
				}
				String plain = template.replaceAll("\\{[^}]+}", "x");
				for (String value : MALFORMED_VALUES) {
					String name = names.isEmpty() ? "q" : names.get(Math.abs(value.hashCode()) % names.size());
					targets.add(method + " " + plain + "?" + name + "=" + value);
				}
				targets.add(method + " " + plain + "?%zz=1");
			}
		}
		// The pages and the widget frame too.
		for (String page : List.of("/app/%", "/app/%2F", "/%5C", "/widget/frame?site=%zz&origin=%",
				"/api/v1/visitor/widget/" + site.key().value() + "?locale=%zz", "/assets/%00", "/app/index.html;x=1",
				"/ws/v1/visitor?x=%")) {
			targets.add("GET " + page);
		}
		for (String target : targets) {
			String method = target.substring(0, target.indexOf(' '));
			String address = target.substring(target.indexOf(' ') + 1);
			RawHttp.Response response = RawHttp.send(this.port, method, address,
					address.startsWith("/api/v1/visitor/") ? visitor : staff, method.equals("GET") ? null : "{}");
			assertThat(response.status()).as("%s: %s", target, response.body()).isEqualTo(400);
			assertThat(response.headers()).as(target)
				.containsEntry("x-content-type-options", "nosniff")
				.containsKey("content-security-policy");
			assertThat(response.body()).as(target)
				.doesNotContain("Exception")
				.doesNotContain("\tat ")
				.doesNotContain("Tomcat");
			if (address.startsWith("/api/") || address.startsWith("/ws/")) {
				assertThat(response.headers().get("content-type")).as(target).startsWith("application/json");
				assertThat(response.body()).as(target).contains("\"error\":\"malformed_url\"");
			}
		}
		String log = output.getAll();
		assertThat(log).as("no stack trace in the log").doesNotContain("\tat ").doesNotContain("Exception:");
		assertThat(log.lines().filter((line) -> line.contains("Refused a request with a malformed")).count())
			.as("one line per refused request at most")
			.isLessThanOrEqualTo(targets.size());
		System.out.printf("Malformed encodings: %d requests, all 400%n", targets.size());
	}

	/**
	 * docs/rest-api.md: a malformed id answers {@code 400 invalid_id}. Every id in every
	 * path of the OpenAPI document, and every {@code site} parameter, in turn: never a
	 * 404 (which would say "no such thing" of something that cannot be an id), but
	 * exactly {@code invalid_id}; a call that takes a body gets one that would pass, so
	 * that the id is the only thing wrong.
	 */
	@Test
	void aMalformedIdAnywhereIsA400InvalidId() {
		Site site = Site.create("Ids", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(site);
		JsonNode paths = new ApiClient(this.port).get("/api/v1/openapi").json().path("paths");
		ApiClient owner = owner();
		ApiClient visitor = visitor(site);
		List<String> checked = new ArrayList<>();
		for (Map.Entry<String, JsonNode> path : paths.properties()) {
			String template = path.getKey();
			if (!template.startsWith("/api/")) {
				continue;
			}
			for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
				String method = operation.getKey().toUpperCase(java.util.Locale.ROOT);
				ApiClient client = template.startsWith("/api/v1/visitor/") ? visitor : owner;
				List<String> targets = new ArrayList<>();
				for (String id : List.of("{id}", "{attachmentId}")) {
					if (template.contains(id)) {
						targets.add(template.replace(id, "not-an-id")
							.replaceAll("\\{(id|attachmentId)}", java.util.UUID.randomUUID().toString())
							.replace("{tag}", "vip"));
					}
				}
				for (JsonNode parameter : operation.getValue().path("parameters")) {
					if (parameter.path("in").asString().equals("query")
							&& parameter.path("name").asString().equals("site")) {
						targets.add(template + "?site=not-an-id&key=ring&figure=terms");
					}
				}
				// Bodies that would pass on their own, so that only the id is wrong.
				String body = !operation.getValue().has("requestBody") ? "" : template.endsWith("/notes")
						? "{\"body\":\"A note\"}"
						: template.endsWith("/merge") ? "{\"into\":\"" + java.util.UUID.randomUUID() + "\"}" : "{}";
				for (String url : targets) {
					ApiClient.Response response = send(client, method, url, body);
					assertThat(response.status()).as("%s %s: %s", method, url, response.body()).isEqualTo(400);
					assertThat(response.text("/error")).as("%s %s", method, url).isEqualTo("invalid_id");
					checked.add(method + " " + url);
				}
			}
		}
		assertThat(checked).as("operations with an id").hasSizeGreaterThanOrEqualTo(49);
		System.out.printf("Malformed ids: %d operations, all 400 invalid_id%n", checked.size());
	}

	private static JsonNode json(String body) {
		try {
			return JSON.readTree(body);
		}
		catch (tools.jackson.core.JacksonException ex) {
			return JSON.createObjectNode();
		}
	}

	private ApiClient.Response send(ApiClient client, String method, String url, String body) {
		return switch (method) {
			case "GET" -> client.get(url);
			case "POST" -> client.post(url, body);
			case "PUT" -> client.put(url, body);
			case "PATCH" -> client.patch(url, body);
			case "DELETE" -> client.delete(url);
			default -> client.options(url);
		};
	}

	private String url(Random random, String template, JsonNode operation, Site site) {
		String url = template;
		while (url.contains("{")) {
			int start = url.indexOf('{');
			int end = url.indexOf('}', start);
			String name = url.substring(start + 1, end);
			String value = switch (random.nextInt(4)) {
				case 0 -> java.util.UUID.randomUUID().toString();
				case 1 -> name.equals("siteKey") ? site.key().value() : "x";
				case 2 -> FuzzValues.text(random, 1 + random.nextInt(300));
				default -> String.valueOf(random.nextLong());
			};
			url = url.substring(0, start) + URLEncoder.encode(value, StandardCharsets.UTF_8) + url.substring(end + 1);
		}
		List<String> query = new ArrayList<>();
		for (JsonNode parameter : operation.path("parameters")) {
			if (parameter.path("in").asString().equals("query") && random.nextInt(3) > 0) {
				Object value = FuzzValues.value(random, 0);
				query.add(parameter.path("name").asString() + "="
						+ URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
			}
		}
		if (random.nextInt(5) == 0) {
			query.add(URLEncoder.encode(FuzzValues.text(random, 5), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(FuzzValues.text(random, 20), StandardCharsets.UTF_8));
		}
		return query.isEmpty() ? url : url + "?" + String.join("&", query);
	}

	private static String body(Random random) {
		if (random.nextInt(8) == 0) {
			return FuzzValues.garbage(random);
		}
		Map<String, Object> body = new LinkedHashMap<>();
		List<String> fields = List.of("name", "email", "phone", "body", "shortcut", "siteKey", "visitorId",
				"visitorSecret", "identity", "allowedOrigins", "identityMode", "widget", "into", "role", "displayName",
				"password", "currentPassword", "newPassword", "colour", "preChatForm", "businessHours");
		int count = random.nextInt(6);
		for (int i = 0; i < count; i++) {
			body.put(fields.get(random.nextInt(fields.size())), FuzzValues.value(random, 0));
		}
		return JSON.writeValueAsString(body);
	}

	private ApiClient owner() {
		ApiClient owner = new ApiClient(this.port);
		owner.signIn("owner@shop.example", "owner password 123");
		return owner;
	}

	private ApiClient visitor(Site site) {
		String token = new ApiClient(this.port).header("Origin", "https://chat.porchlight.example")
			.post("/api/v1/visitor/session", ApiClient.json(Map.of("siteKey", site.key().value())))
			.json()
			.path("token")
			.asString("");
		return new ApiClient(this.port).header("Origin", "https://chat.porchlight.example")
			.header("Authorization", "Bearer " + token);
	}

	private static String abbreviated(String text) {
		return (text.length() > 200) ? text.substring(0, 200) + "…" : text;
	}

}
