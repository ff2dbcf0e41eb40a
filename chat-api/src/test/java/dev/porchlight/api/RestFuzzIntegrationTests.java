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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes every REST operation the OpenAPI document lists, signed in as the owner and as a
 * visitor: random path values, query parameters and bodies (wrong types, missing and
 * extra fields, control characters, long strings, not JSON at all). No answer may be a
 * 5xx, and no answer may carry a stack trace. A fixed seed (override with
 * {@code -Dporchlight.fuzz.seed}) keeps failures reproducible.
 */
@PorchlightTest
class RestFuzzIntegrationTests {

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
