package dev.porchlight.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.porchlight.api.live.LiveTestClient;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document is a contract: every operation it lists is called for real here,
 * with data the test creates, and every answer must have a status the document lists for
 * that operation and a body that validates against the documented schema of its media
 * type (JSON Schema 2020-12, the dialect of OpenAPI 3.1; properties a schema does not
 * list are refused). An operation the document lists without a scenario here fails the
 * test, so a new endpoint cannot slip past. Error answers of each kind are checked
 * against the documented {@code ApiError} too.
 */
@PorchlightTest(properties = { "spring.mail.host=127.0.0.1", "spring.mail.port=9",
		"porchlight.email.webhook-secret=" + OpenApiContractIntegrationTests.WEBHOOK_SECRET })
class OpenApiContractIntegrationTests {

	/** The inbound mail webhook's secret; the mail server (port 9) is not there. */
	static final String WEBHOOK_SECRET = "contract webhook secret";

	static final String APP = PorchlightTest.APP;

	static final String SHOP = "https://shop.example";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	JsonNode document;

	/** Strict copies of the document's component schemas. */
	JsonNode components;

	/** The operations called, as {@code METHOD path-template}. */
	final Set<String> called = new TreeSet<>();

	final List<String> violations = new ArrayList<>();

	@BeforeEach
	void theDocument() {
		ApiClient.Response response = new ApiClient(this.port).get("/api/v1/openapi");
		assertThat(response.status()).isEqualTo(200);
		this.document = response.json();
		this.components = strict(this.document.path("components").deepCopy());
	}

	@Test
	void everyOperationAnswersWhatTheDocumentSays() {
		ApiClient anonymous = new ApiClient(this.port);
		expect(anonymous, "GET", "/api/v1/session", "/api/v1/session", null, 200);
		ApiClient owner = new ApiClient(this.port);
		owner.get("/api/v1/session");
		expect(owner, "POST", "/api/v1/session", "/api/v1/session",
				ApiClient.json(Map.of("email", PorchlightTest.OWNER_EMAIL, "password", PorchlightTest.OWNER_PASSWORD)),
				200);
		assertThat(expect(owner, "GET", "/api/v1/session", "/api/v1/session", null, 200).text("/account/role"))
			.isEqualTo("OWNER");

		// Sites.
		ApiClient.Response created = expect(owner, "POST", "/api/v1/sites", "/api/v1/sites",
				ApiClient.json(Map.of("name", "Contract shop", "allowedOrigins", List.of(SHOP))), 201);
		String siteId = created.text("/id");
		String siteKey = created.text("/siteKey");
		expect(owner, "GET", "/api/v1/sites", "/api/v1/sites", null, 200);
		expect(owner, "GET", "/api/v1/sites/{id}", "/api/v1/sites/" + siteId, null, 200);
		ApiClient.Response patched = expect(owner, "PATCH", "/api/v1/sites/{id}", "/api/v1/sites/" + siteId,
				ApiClient.json(
						Map.of("widget",
								Map.of("greeting", "Hello from the contract", "businessHours",
										Map.of("zone", "Europe/Berlin", "weekly", List.of("MONDAY 09:00-17:00"))))),
				200);
		assertThat(patched.text("/hoursChangeAt")).as("a time, with business hours").isNotNull();
		expect(owner, "POST", "/api/v1/sites/{id}/identity-secret", "/api/v1/sites/" + siteId + "/identity-secret",
				null, 200);
		Site site = this.sites.findById(SiteId.parse(siteId)).orElseThrow();

		// The widget and visitors.
		expect(new ApiClient(this.port).header("Origin", SHOP), "GET", "/api/v1/visitor/widget/{siteKey}",
				"/api/v1/visitor/widget/" + siteKey + "?locale=de", null, 200);
		expect(anonymous, "GET", "/widget/frame", "/widget/frame?site=" + siteKey + "&origin=" + SHOP, null, 200);
		String identity = IdentityTokenFixture.token(site.identitySecret(), "contract-1", "ada@shop.example",
				"Ada Lovelace");
		ApiClient.Response session = expect(new ApiClient(this.port).header("Origin", APP), "POST",
				"/api/v1/visitor/session", "/api/v1/visitor/session",
				ApiClient.json(Map.of("siteKey", siteKey, "identity", Map.of("token", identity))), 200);
		assertThat(session.text("/identity")).isEqualTo("verified");
		String token = session.text("/token");
		ApiClient visitor = new ApiClient(this.port).header("Origin", APP).header("Authorization", "Bearer " + token);
		assertThat(expect(visitor, "GET", "/api/v1/visitor/me", "/api/v1/visitor/me", null, 200).text("/customer/name"))
			.isEqualTo("Ada Lovelace");
		String conversation;
		try (LiveTestClient socket = LiveTestClient.visitor(this.port, APP, token)) {
			conversation = socket.startConversation();
			socket.sendAndAck(conversation, "c1", "Is the silver ankh in stock?");
		}
		expect(visitor, "POST", "/api/v1/visitor/conversations/{id}/transcript-email",
				"/api/v1/visitor/conversations/" + conversation + "/transcript-email", null, 202);
		String anonymousToken = ApiClient.visitorToken(this.port, APP, siteKey);
		ApiClient anonymousVisitor = new ApiClient(this.port).header("Origin", APP)
			.header("Authorization", "Bearer " + anonymousToken);
		expect(anonymousVisitor, "GET", "/api/v1/visitor/me", "/api/v1/visitor/me", null, 200);
		expect(anonymousVisitor, "POST", "/api/v1/visitor/contact", "/api/v1/visitor/contact",
				ApiClient.json(Map.of("email", "bob@shop.example", "name", "Bob")), 204);

		// Conversations, tags, notes, exports.
		ApiClient.Response transcript = expect(owner, "GET", "/api/v1/conversations/{id}",
				"/api/v1/conversations/" + conversation, null, 200);
		String ada = transcript.text("/conversation/customerId");
		assertThat(ada).isNotNull();
		expect(owner, "GET", "/api/v1/conversations", "/api/v1/conversations?limit=5", null, 200);
		expect(owner, "GET", "/api/v1/search/conversations", "/api/v1/search/conversations?q=ankh", null, 200);
		String inConversation = "/api/v1/conversations/" + conversation;
		expect(owner, "GET", "/api/v1/conversations/{id}/emails", inConversation + "/emails", null, 200);
		expect(owner, "PUT", "/api/v1/conversations/{id}/tags/{tag}", inConversation + "/tags/vip", null, 200);
		expect(owner, "PUT", "/api/v1/conversations/{id}/tags/{tag}", inConversation + "/tags/stock", null, 200);
		expect(owner, "DELETE", "/api/v1/conversations/{id}/tags/{tag}", inConversation + "/tags/stock", null, 200);
		expect(owner, "GET", "/api/v1/conversations/{id}/tags", inConversation + "/tags", null, 200);
		expect(owner, "POST", "/api/v1/conversations/{id}/notes", inConversation + "/notes",
				ApiClient.json(Map.of("body", "Wants it engraved")), 200);
		expect(owner, "GET", "/api/v1/conversations/{id}/notes", inConversation + "/notes", null, 200);
		for (String format : List.of("json", "csv", "txt")) {
			expect(owner, "GET", "/api/v1/conversations/{id}/export", inConversation + "/export?format=" + format, null,
					200);
		}

		// Attachments (docs/attachments.md): uploads, the lists with fresh links,
		// originals.
		expect(owner, "PUT", "/api/v1/sites/{id}/attachments", "/api/v1/sites/" + siteId + "/attachments",
				ApiClient.json(Map.of("keepOriginals", true)), 200);
		expect(owner, "GET", "/api/v1/sites/{id}/attachments", "/api/v1/sites/" + siteId + "/attachments", null, 200);
		byte[] note = "Engraving: A + B".getBytes(java.nio.charset.StandardCharsets.UTF_8);
		String visitorFile = expectUpload(visitor, "/api/v1/visitor/conversations/{id}/attachments",
				"/api/v1/visitor/conversations/" + conversation + "/attachments?name=engraving.txt", note, 201)
			.text("/id");
		String staffFile = expectUpload(owner, "/api/v1/conversations/{id}/attachments",
				inConversation + "/attachments?name=reply.txt", note, 201)
			.text("/id");
		expect(owner, "DELETE", "/api/v1/conversations/{id}/attachments/{attachmentId}",
				inConversation + "/attachments/" + staffFile, null, 204);
		String takenBack = expectUpload(visitor, "/api/v1/visitor/conversations/{id}/attachments",
				"/api/v1/visitor/conversations/" + conversation + "/attachments?name=draft.txt", note, 201)
			.text("/id");
		expect(visitor, "DELETE", "/api/v1/visitor/conversations/{id}/attachments/{attachmentId}",
				"/api/v1/visitor/conversations/" + conversation + "/attachments/" + takenBack, null, 204);
		try (LiveTestClient socket = LiveTestClient.visitor(this.port, APP, token)) {
			socket.send(Map.of("type", "send", "conversationId", conversation, "clientId", "c2", "attachments",
					List.of(visitorFile)));
			socket.next("ack");
		}
		assertThat(expect(owner, "GET", "/api/v1/conversations/{id}/attachments", inConversation + "/attachments", null,
				200)
			.json()).hasSize(1);
		expect(visitor, "GET", "/api/v1/visitor/conversations/{id}/attachments",
				"/api/v1/visitor/conversations/" + conversation + "/attachments", null, 200);
		expectUpload(visitor, "/api/v1/visitor/conversations/{id}/attachments",
				"/api/v1/visitor/conversations/" + conversation + "/attachments?name=page.html",
				"<!doctype html><p>hi".getBytes(java.nio.charset.StandardCharsets.UTF_8), 415);

		// Customers.
		String inAda = "/api/v1/customers/" + ada;
		ApiClient.Response story = expect(owner, "GET", "/api/v1/customers/{id}", inAda, null, 200);
		assertThat(story.json().path("externalIds").size()).isEqualTo(1);
		assertThat(story.json().at("/visitContext/pages").size()).isEqualTo(1);
		ApiClient.Response carol = expect(owner, "POST", "/api/v1/customers", "/api/v1/customers",
				ApiClient.json(Map.of("name", "Carol", "email", "carol@shop.example")), 201);
		String inCarol = "/api/v1/customers/" + carol.text("/id");
		expect(owner, "PATCH", "/api/v1/customers/{id}", inCarol, ApiClient.json(Map.of("phone", "+49 30 1234567")),
				200);
		expect(owner, "GET", "/api/v1/customers/{id}", inCarol, null, 200);
		expect(owner, "PUT", "/api/v1/customers/{id}/tags/{tag}", inCarol + "/tags/wholesale", null, 200);
		expect(owner, "PUT", "/api/v1/customers/{id}/tags/{tag}", inCarol + "/tags/late", null, 200);
		expect(owner, "DELETE", "/api/v1/customers/{id}/tags/{tag}", inCarol + "/tags/late", null, 200);
		expect(owner, "GET", "/api/v1/customers/{id}/tags", inCarol + "/tags", null, 200);
		expect(owner, "POST", "/api/v1/customers/{id}/notes", inCarol + "/notes",
				ApiClient.json(Map.of("body", "Pays by invoice")), 200);
		expect(owner, "GET", "/api/v1/customers/{id}/notes", inCarol + "/notes", null, 200);
		expect(owner, "GET", "/api/v1/customers/{id}/export", inAda + "/export?format=json", null, 200);
		expect(owner, "GET", "/api/v1/search/customers", "/api/v1/search/customers?q=carol", null, 200);
		expect(owner, "POST", "/api/v1/conversations/{id}/customer", inConversation + "/customer",
				ApiClient.json(Map.of("email", "ada.work@shop.example", "name", "Ada at work")), 200);
		expect(owner, "POST", "/api/v1/customers/{id}/merge", inCarol + "/merge", ApiClient.json(Map.of("into", ada)),
				200);
		expect(owner, "DELETE", "/api/v1/customers/{id}", inAda, null, 200);

		// Canned responses, team, audit.
		ApiClient.Response canned = expect(owner, "POST", "/api/v1/canned-responses", "/api/v1/canned-responses",
				ApiClient.json(Map.of("shortcut", "contract", "body", "Thanks for asking!")), 201);
		expect(owner, "GET", "/api/v1/canned-responses", "/api/v1/canned-responses", null, 200);
		expect(owner, "DELETE", "/api/v1/canned-responses/{id}", "/api/v1/canned-responses/" + canned.text("/id"), null,
				204);
		expect(owner, "GET", "/api/v1/team", "/api/v1/team", null, 200);

		// Insights (docs/insights.md).
		String period = "?site=" + siteId + "&days=30";
		expect(owner, "GET", "/api/v1/insights/asks", "/api/v1/insights/asks" + period, null, 200);
		expect(owner, "GET", "/api/v1/insights/people", "/api/v1/insights/people" + period, null, 200);
		expect(owner, "GET", "/api/v1/insights/answers", "/api/v1/insights/answers" + period, null, 200);
		expect(owner, "GET", "/api/v1/insights/export", "/api/v1/insights/export" + period + "&figure=arrivals", null,
				200);
		expect(owner, "PUT", "/api/v1/insights/rules", "/api/v1/insights/rules?site=" + siteId,
				ApiClient.json(Map.of("key", "ankh", "hidden", true)), 200);
		expect(owner, "GET", "/api/v1/insights/rules", "/api/v1/insights/rules?site=" + siteId, null, 200);
		expect(owner, "DELETE", "/api/v1/insights/rules", "/api/v1/insights/rules?site=" + siteId + "&key=ankh", null,
				204);
		expect(owner, "POST", "/api/v1/insights/rebuild", "/api/v1/insights/rebuild", null, 202);

		// Email continuity (docs/email.md).
		expect(owner, "GET", "/api/v1/email", "/api/v1/email", null, 200);
		expect(owner, "GET", "/api/v1/me/email-notifications", "/api/v1/me/email-notifications", null, 200);
		expect(owner, "PUT", "/api/v1/me/email-notifications", "/api/v1/me/email-notifications",
				ApiClient.json(Map.of("waiting", false)), 200);
		assertThat(expect(owner, "POST", "/api/v1/email/test", "/api/v1/email/test", null, 200).text("/reason"))
			.contains("unreachable");
		expect(owner, "GET", "/api/v1/sites/{id}/email", "/api/v1/sites/" + siteId + "/email", null, 200);
		expect(owner, "PUT", "/api/v1/sites/{id}/email", "/api/v1/sites/" + siteId + "/email",
				ApiClient.json(Map.of("fromName", "Ankh & Co", "address", "hello@ankh.example")), 200);
		String mail = ApiClient
			.json(Map.of("messageId", "<contract-1@example.com>", "from", "Carol <carol@example.com>", "to",
					List.of("hello@ankh.example"), "subject", "A question", "text", "Do you engrave rings?"));
		assertThat(expect(new ApiClient(this.port).header("X-Porchlight-Signature", "sha256=" + hmac(mail)), "POST",
				"/api/v1/email/inbound", "/api/v1/email/inbound", mail, 200)
			.text("/outcome")).isEqualTo("STARTED");
		expect(owner, "GET", "/api/v1/audit", "/api/v1/audit?limit=50", null, 200);

		// Accounts; the agent's own account ("me") rather than the shared owner's.
		String agentEmail = "agent-" + UUID.randomUUID() + "@shop.example";
		ApiClient.Response agent = expect(owner, "POST", "/api/v1/accounts", "/api/v1/accounts",
				ApiClient.json(
						Map.of("email", agentEmail, "displayName", "Agnes", "role", "AGENT", "sites", List.of(siteId))),
				201);
		String inAgent = "/api/v1/accounts/" + agent.text("/account/id");
		expect(owner, "GET", "/api/v1/accounts", "/api/v1/accounts", null, 200);
		Map<String, Object> everySite = new HashMap<>();
		everySite.put("sites", null);
		expect(owner, "PUT", "/api/v1/accounts/{id}/sites", inAgent + "/sites", ApiClient.json(everySite), 200);
		expect(owner, "POST", "/api/v1/accounts/{id}/disable", inAgent + "/disable", null, 200);
		expect(owner, "POST", "/api/v1/accounts/{id}/enable", inAgent + "/enable", null, 200);
		String password = expect(owner, "POST", "/api/v1/accounts/{id}/password-reset", inAgent + "/password-reset",
				null, 200)
			.text("/oneTimePassword");
		ApiClient agnes = new ApiClient(this.port);
		assertThat(agnes.signIn(agentEmail, password).status()).isEqualTo(200);
		expect(agnes, "POST", "/api/v1/me/password", "/api/v1/me/password",
				ApiClient.json(Map.of("currentPassword", password, "newPassword", "a long new password 42")), 200);
		expect(agnes, "GET", "/api/v1/me", "/api/v1/me", null, 200);
		expect(agnes, "PATCH", "/api/v1/me", "/api/v1/me", ApiClient.json(Map.of("displayName", "Agnes N.")), 200);
		expect(agnes, "DELETE", "/api/v1/session", "/api/v1/session", null, 204);

		// Pages.
		expect(anonymous, "GET", "/", "/", null, 200);
		expect(anonymous, "GET", "/index.html", "/index.html", null, 200);

		// Error answers of each kind, against the documented error schema.
		expect(owner, "POST", "/api/v1/customers", "/api/v1/customers", ApiClient.json(Map.of("email", "not an email")),
				400);
		expect(owner, "GET", "/api/v1/audit", "/api/v1/audit?limit=5000", null, 400);
		expect(new ApiClient(this.port), "GET", "/api/v1/me", "/api/v1/me", null, 401);
		expect(new ApiClient(this.port).header("Authorization", "Bearer v1.not-a-token"), "GET", "/api/v1/visitor/me",
				"/api/v1/visitor/me", null, 401);
		ApiClient withoutCsrf = new ApiClient(this.port);
		withoutCsrf.signIn(PorchlightTest.OWNER_EMAIL, PorchlightTest.OWNER_PASSWORD);
		expect(withoutCsrf.withoutCsrf(), "POST", "/api/v1/canned-responses", "/api/v1/canned-responses",
				ApiClient.json(Map.of("shortcut", "nope", "body", "No CSRF header")), 403);
		expect(new ApiClient(this.port).header("Origin", "https://evil.example"), "GET",
				"/api/v1/visitor/widget/{siteKey}", "/api/v1/visitor/widget/" + siteKey, null, 403);
		expect(owner, "GET", "/api/v1/customers/{id}", "/api/v1/customers/" + UUID.randomUUID(), null, 404);
		expect(owner, "GET", "/api/v1/sites/{id}", "/api/v1/sites/" + UUID.randomUUID(), null, 404);
		expect(anonymous, "GET", "/widget/frame", "/widget/frame?site=" + siteKey + "&origin=https://evil.example",
				null, 403);

		assertThat(this.violations).as("answers that break the OpenAPI document").isEmpty();
		Set<String> documented = new TreeSet<>();
		for (Map.Entry<String, JsonNode> path : this.document.path("paths").properties()) {
			for (String method : path.getValue().propertyNames()) {
				documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
			}
		}
		assertThat(documented).as("operations in the document").hasSizeGreaterThan(40);
		assertThat(this.called).as("operations called that the document does not list").isSubsetOf(documented);
		Set<String> missing = new TreeSet<>(documented);
		missing.removeAll(this.called);
		assertThat(missing).as("documented operations without a scenario in this test").isEmpty();
	}

	@Test
	void theDocumentDescribesEverySuccessBodyExactly() {
		List<String> loose = new ArrayList<>();
		for (Map.Entry<String, JsonNode> path : this.document.path("paths").properties()) {
			for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
				String call = operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
				for (Map.Entry<String, JsonNode> response : operation.getValue().path("responses").properties()) {
					for (Map.Entry<String, JsonNode> media : response.getValue().path("content").properties()) {
						if (media.getKey().equals("*/*")) {
							loose.add(call + " " + response.getKey() + ": content */*");
						}
						if (isLoose(media.getValue().path("schema"))) {
							loose.add(call + " " + response.getKey() + ": an untyped object");
						}
					}
				}
			}
		}
		this.document.at("/components/schemas").properties().forEach((schema) -> {
			if (isLoose(schema.getValue())) {
				loose.add("schema " + schema.getKey() + ": an untyped object");
			}
		});
		assertThat(loose).isEmpty();
		JsonNode schemas = this.document.at("/components/schemas");
		assertThat(schemas.at("/SiteView/required").valueStream().map(JsonNode::asString))
			.contains("id", "siteKey", "widget", "hoursChangeAt")
			.doesNotContain("identitySecret");
		assertThat(schemas.at("/SiteView/properties/hoursChangeAt/type").valueStream().map(JsonNode::asString))
			.containsExactlyInAnyOrder("string", "null");
		assertThat(schemas.at("/MeUpdate/properties").propertyNames()).containsExactly("displayName");
		// The validation is strict: a field the schema does not list, a missing field and
		// a null where none may be are all refused.
		Schema me = validator(
				this.document.at("/paths/~1api~1v1~1me/get/responses/200/content/application~1json/schema"));
		String valid = "{\"id\": \"a\", \"email\": \"b\", \"displayName\": \"c\", \"role\": \"OWNER\", "
				+ "\"passwordMustChange\": false}";
		assertThat(me.validate(JSON.readTree(valid))).isEmpty();
		assertThat(me.validate(JSON.readTree(valid.replace("}", ", \"extra\": 1}")))).isNotEmpty();
		assertThat(me.validate(JSON.readTree(valid.replace("\"id\": \"a\", ", "")))).isNotEmpty();
		assertThat(me.validate(JSON.readTree(valid.replace("\"c\"", "null")))).isNotEmpty();
		assertThat(schemas.at("/CustomerUpdate/properties").propertyNames()).contains("name", "email", "phone");
	}

	private static String hmac(String body) {
		try {
			javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
			mac.init(new javax.crypto.spec.SecretKeySpec(
					WEBHOOK_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
			return java.util.HexFormat.of()
				.formatHex(mac.doFinal(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static boolean isLoose(JsonNode schema) {
		if (schema.has("items")) {
			return isLoose(schema.path("items"));
		}
		return schema.path("type").asString("").equals("object") && !schema.has("properties")
				&& (!schema.has("additionalProperties") || schema.path("additionalProperties").isEmpty());
	}

	/**
	 * Sends the request, records the operation as called and checks the answer against
	 * the document.
	 */
	private ApiClient.Response expect(ApiClient client, String method, String template, String url,
			@org.jspecify.annotations.Nullable String body, int status) {
		ApiClient.Response response = switch (method) {
			case "GET" -> client.get(url);
			case "POST" -> client.post(url, (body != null) ? body : "");
			case "PUT" -> (body != null) ? client.put(url, body) : client.put(url);
			case "PATCH" -> client.patch(url, body);
			case "DELETE" -> client.delete(url);
			default -> throw new IllegalArgumentException(method);
		};
		return validate(method, template, url, response, status);
	}

	/**
	 * An upload: the file's bytes as the body (docs/attachments.md).
	 */
	private ApiClient.Response expectUpload(ApiClient client, String template, String url, byte[] file, int status) {
		return validate("POST", template, url, client.postBytes(url, file, "application/octet-stream"), status);
	}

	private ApiClient.Response validate(String method, String template, String url, ApiClient.Response response,
			int status) {
		String call = method + " " + template;
		assertThat(response.status()).as("%s (%s): %s", call, url, response.body()).isEqualTo(status);
		if (status < 300) {
			this.called.add(call);
		}
		JsonNode operation = this.document.path("paths").path(template).path(method.toLowerCase(Locale.ROOT));
		if (operation.isMissingNode()) {
			this.violations.add(call + ": not in the document");
			return response;
		}
		JsonNode documented = operation.path("responses").path(String.valueOf(status));
		if (documented.isMissingNode()) {
			this.violations.add("%s answered %d, not among %s".formatted(call, status,
					operation.path("responses").propertyNames()));
			return response;
		}
		JsonNode content = documented.path("content");
		String type = response.header("Content-Type").map((value) -> value.replaceFirst(";.*", "").strip()).orElse("");
		if (content.isEmpty()) {
			if (!response.body().isEmpty()) {
				this.violations.add("%s %d: a body where the document promises none".formatted(call, status));
			}
			return response;
		}
		JsonNode media = content.path(type);
		if (media.isMissingNode()) {
			this.violations.add("%s %d: %s, not among %s".formatted(call, status, type, content.propertyNames()));
			return response;
		}
		JsonNode instance = type.equals("application/json") ? response.json()
				: JSON.getNodeFactory().stringNode(response.body());
		List<Error> errors = validator(media.path("schema")).validate(instance);
		if (!errors.isEmpty()) {
			this.violations.add("%s %d: %s in %s".formatted(call, status, errors, abbreviated(response.body())));
		}
		return response;
	}

	private final Map<String, Schema> validators = new LinkedHashMap<>();

	/** A validator of one documented schema, its references resolved in the document. */
	private Schema validator(JsonNode schema) {
		return this.validators.computeIfAbsent(schema.toString(), (key) -> {
			ObjectNode root = (ObjectNode) strict(schema.deepCopy());
			root.set("components", this.components);
			return SCHEMAS.getSchema(root);
		});
	}

	/**
	 * The schema with {@code additionalProperties: false} wherever it lists properties
	 * and says nothing about others: an answer may not carry fields the document does not
	 * describe.
	 */
	private static JsonNode strict(JsonNode schema) {
		if (schema instanceof ObjectNode object) {
			if (object.has("properties") && !object.has("additionalProperties")) {
				object.put("additionalProperties", false);
			}
			object.properties().forEach((entry) -> strict(entry.getValue()));
		}
		else if (schema.isArray()) {
			schema.forEach(OpenApiContractIntegrationTests::strict);
		}
		return schema;
	}

	private static String abbreviated(String text) {
		return (text.length() > 400) ? text.substring(0, 400) + "…" : text;
	}

}
