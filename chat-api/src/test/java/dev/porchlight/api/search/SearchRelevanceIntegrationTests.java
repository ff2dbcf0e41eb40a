package dev.porchlight.api.search;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.IdentityTokenFixture;
import dev.porchlight.api.live.LiveTestClient;
import dev.porchlight.domain.site.IdentitySecret;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relevance fixture: a small shop world in English, German, French and Spanish, built
 * only through the public protocol (visitor and staff sockets) and the REST API, then
 * searched the way an owner searches. Every expectation that misses is listed in the
 * failure, so one run shows everything that search gets wrong.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "porchlight.public-url=https://chat.porchlight.example",
				"porchlight.owner.email=owner@shop.example", "porchlight.owner.password=owner password 123",
				"porchlight.archive.interval=100ms" })
@UseRealEngines
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchRelevanceIntegrationTests {

	static final String APP = "https://chat.porchlight.example";

	@LocalServerPort
	int port;

	ApiClient owner;

	/** Conversation ids by the fixture's names for them. */
	final Map<String, String> conversations = new LinkedHashMap<>();

	final Map<String, String> names = new LinkedHashMap<>();

	final Map<String, JsonNode> sites = new LinkedHashMap<>();

	final Map<String, Integer> lengths = new LinkedHashMap<>();

	@BeforeAll
	void corpus() throws Exception {
		this.owner = new ApiClient(this.port);
		this.owner.signIn("owner@shop.example", "owner password 123");
		site("en", "Kettle & Co", "english", "https://kettle.example");
		site("de", "Teehaus Berlin", "de-DE", "https://teehaus.example");
		site("fr", "Maison Douce", "french", "https://maison.example");
		site("es", "Tienda Sol", "es", "https://tienda.example");
		String session = this.owner.cookie("PORCHLIGHT_SESSION").orElseThrow();
		try (LiveTestClient staff = LiveTestClient.staff(this.port, APP, session)) {
			Identity ada = new Identity("ADA-1", "Ada Lovelace", "ada@example.com");
			chat("kettles", "en", ada, staff, "Do your kettles come in blue?",
					"STAFF:Yes, the blue kettles ship next week.", "Great, I'll order two.");
			chat("refund-split", "en", null, staff, "The kettle arrived dented.",
					"STAFF:Sorry! What would you like us to do?", "A refund please.");
			chat("refund-together", "en", null, staff, "I want a refund for the kettle, it leaks.");
			chat("refund-shipping", "en", null, staff, "Refund for order 55121 please.",
					"Also the shipping was slow, shipping took ten days and shipping cost too much.");
			chat("express-phrase", "en", null, staff, "Can I get express delivery to Leeds?");
			chat("express-split", "en", null, staff, "Is express possible?", "STAFF:Delivery takes two days.");
			chat("shipped", "en", null, staff, "Has my parcel shipped yet?");
			chat("t-shirts", "en", null, staff, "Do you sell t-shirts with a kettle print?");
			chat("codes", "en", null, staff, "My order #A-10234 has not arrived",
					"Here is the link: https://kettle.example/p/blue-kettle-2l?ref=ZX-99812", "Thanks ☕👍");
			chat("markup", "en", null, staff, "Is <b>bold</b> text a problem? <script>alert(1)</script> & &amp; too");
			chat("lindqvist", "en", new Identity("CUST-4711", "Olga Lindqvist", "olga@lindqvist.example"), staff,
					"Hello, I need help with my order.");
			chat("german-word", "en", null, staff, "Ich suche eine Teekanne aus Glas");
			chat("groesse", "de", new Identity("DE-7", "Jürgen Müller", "juergen@teehaus.example"), staff,
					"Haben Sie die Teekannen in Größe L?", "STAFF:Ja, ab Montag wieder.");
			chat("theieres", "fr", null, staff, "Avez-vous des théières en fonte ?");
			chat("bicicletas", "es", new Identity("ES-3", "Lucía Núñez", "lucia@tienda.example"), staff,
					"¿Tienen bicicletas eléctricas en rojo?");
		}
		// Details the owner adds to records, and customers the owner created.
		String olga = customerOf("lindqvist");
		this.owner.patch("/api/v1/customers/" + olga, ApiClient.json(Map.of("phone", "+1 (415) 555-0134")));
		for (Map<String, String> customer : List.of(Map.of("name", "Hans Muller"),
				Map.of("name", "Ágnes Kovács", "email", "agnes@kovacs.example"),
				Map.of("name", "Bernd Brot", "phone", "030 1234 5678"),
				Map.of("name", "Carl Code", "phone", "+49 30 9876 5432"), Map.of("name", "Tove Berg"),
				Map.of("name", "Ines Roth"), Map.of("name", "Jonas Weber"),
				Map.of("name", "Bob Example", "email", "bob@example.com"))) {
			assertThat(this.owner.post("/api/v1/customers", ApiClient.json(customer)).status()).isEqualTo(201);
		}
		awaitArchived();
	}

	@Test
	void wordsAreFoundByTheirStemInTheSitesLanguageAndExactlyInAnyLanguage() {
		List<String> misses = new ArrayList<>();
		finds(misses, "kettle", "kettles", "refund-split", "t-shirts");
		finds(misses, "kettles", "refund-together", "kettles");
		finds(misses, "shipping", "shipped", "refund-shipping", "kettles");
		finds(misses, "T-shirt", "t-shirts");
		finds(misses, "Teekanne", "german-word", "groesse");
		finds(misses, "Größe", "groesse");
		finds(misses, "grosse", "groesse");
		finds(misses, "theiere", "theieres");
		finds(misses, "théière", "theieres");
		finds(misses, "bicicleta electrica", "bicicletas");
		assertThat(misses).isEmpty();
	}

	@Test
	void stopWordsNeverMakeAQueryFail() {
		List<String> misses = new ArrayList<>();
		finds(misses, "the kettle", "kettles", "refund-split", "refund-together", "t-shirts");
		finds(misses, "die Teekanne", "groesse");
		finds(misses, "des théières", "theieres");
		assertThat(misses).isEmpty();
	}

	@Test
	void allWordsMustOccurSomewhereInTheConversationAndPhrasesInOneMessage() {
		List<String> misses = new ArrayList<>();
		finds(misses, "kettle refund", "refund-split", "refund-together");
		top(misses, "kettle refund", "refund-together");
		finds(misses, "express delivery", "express-phrase", "express-split");
		finds(misses, "\"express delivery\"", "express-phrase");
		findsNot(misses, "\"express delivery\"", "express-split");
		finds(misses, "refund -shipping", "refund-split", "refund-together");
		findsNot(misses, "refund -shipping", "refund-shipping");
		finds(misses, "leaks or dented", "refund-split", "refund-together");
		assertThat(misses).isEmpty();
	}

	@Test
	void codesLinksSlugsAndEmojiAreFound() {
		List<String> misses = new ArrayList<>();
		for (String query : List.of("10234", "A-10234", "#A-10234", "ZX-99812", "99812", "blue-kettle-2l", "☕", "👍")) {
			top(misses, query, "codes");
		}
		finds(misses, "55121", "refund-shipping");
		assertThat(misses).isEmpty();
	}

	@Test
	void snippetsShowEveryCharacterAsTypedWithTheWordsMarked() {
		JsonNode hit = search("script").path("results").get(0);
		assertThat(hit.path("conversationId").asString()).isEqualTo(this.conversations.get("markup"));
		StringBuilder text = new StringBuilder();
		List<String> marked = new ArrayList<>();
		hit.path("snippet").forEach((segment) -> {
			text.append(segment.path("text").asString());
			if (segment.path("match").asBoolean()) {
				marked.add(segment.path("text").asString());
			}
		});
		assertThat(text.toString()).isEqualTo("Is <b>bold</b> text a problem? <script>alert(1)</script> & &amp; too");
		assertThat(marked).containsExactly("script", "script");
		JsonNode codes = search("ZX-99812").path("results").get(0);
		List<String> codeMarks = new ArrayList<>();
		codes.path("snippet").forEach((segment) -> {
			if (segment.path("match").asBoolean()) {
				codeMarks.add(segment.path("text").asString());
			}
		});
		assertThat(codeMarks).containsExactly("ZX", "99812");
	}

	@Test
	void aCustomersNameEmailPhoneOrIdFindsTheirConversationsNamingCustomerAndSite() {
		List<String> misses = new ArrayList<>();
		for (String query : List.of("Lindqvist", "olga lindqvist", "olga@lindqvist.example", "555 0134",
				"+1 (415) 555-0134", "4155550134", "CUST-4711")) {
			top(misses, query, "lindqvist");
		}
		top(misses, "Muller", "groesse");
		top(misses, "Nunez", "bicicletas");
		assertThat(misses).isEmpty();
		JsonNode hit = search("Lindqvist").path("results").get(0);
		assertThat(hit.path("customerName").asString()).isEqualTo("Olga Lindqvist");
		assertThat(hit.path("siteName").asString()).isEqualTo("Kettle & Co");
		assertThat(hit.path("siteId").asString()).isEqualTo(this.sites.get("en").path("id").asString());
	}

	@Test
	void customersAreFoundWithOrWithoutAccentsByAnyPhoneFormatAndDespiteATypo() {
		List<String> misses = new ArrayList<>();
		customerTop(misses, "Muller", "Jürgen Müller", "Hans Muller");
		customerTop(misses, "Müller", "Jürgen Müller", "Hans Muller");
		customerTop(misses, "Nunez", "Lucía Núñez");
		customerTop(misses, "Kovacs", "Ágnes Kovács");
		for (String phone : List.of("+1 (415) 555-0134", "4155550134", "555 0134", "+1 415 555 0134", "5550134",
				"550134")) {
			customerTop(misses, phone, "Olga Lindqvist");
		}
		for (String phone : List.of("+49 30 12345678", "+493012345678", "030 12345678", "12345678")) {
			customerTop(misses, phone, "Bernd Brot");
		}
		customerTop(misses, "030 98765432", "Carl Code");
		customerTop(misses, "Tobe", "Tove Berg");
		customerTop(misses, "Inez", "Ines Roth");
		customerTop(misses, "Jomas Weber", "Jonas Weber");
		customerOnly(misses, "ada@example.com", "Ada Lovelace");
		customerOnly(misses, "bob@example.com", "Bob Example");
		assertThat(misses).isEmpty();
	}

	@Test
	void eachSiteHasASearchLanguageInTheSitesApi() {
		assertThat(this.sites.get("en").path("searchLanguage").asString()).isEqualTo("english");
		assertThat(this.sites.get("de").path("searchLanguage").asString()).isEqualTo("german");
		assertThat(this.sites.get("es").path("searchLanguage").asString()).isEqualTo("spanish");
		ApiClient german = new ApiClient(this.port).header("Accept-Language", "de-AT,de;q=0.9,en;q=0.5");
		german.signIn("owner@shop.example", "owner password 123");
		assertThat(german.post("/api/v1/sites", ApiClient.json(Map.of("name", "Wiener Laden")))
			.json()
			.path("searchLanguage")
			.asString()).as("from the owner's language").isEqualTo("german");
		assertThat(this.owner
			.patch("/api/v1/sites/" + this.sites.get("fr").path("id").asString(),
					ApiClient.json(Map.of("searchLanguage", "klingon")))
			.text("/error")).isEqualTo("invalid_search_language");
	}

	// The fixture --------------------------------------------------------------------

	record Identity(String externalId, String name, String email) {
	}

	private void site(String key, String name, String language, String origin) {
		ApiClient.Response created = this.owner.post("/api/v1/sites",
				ApiClient.json(Map.of("name", name, "allowedOrigins", List.of(origin), "searchLanguage", language)));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		this.sites.put(key, created.json());
	}

	private void chat(String name, String site, Identity identity, LiveTestClient staff, String... messages) {
		JsonNode siteNode = this.sites.get(site);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("siteKey", siteNode.path("siteKey").asString());
		if (identity != null) {
			body.put("identity",
					Map.of("token",
							IdentityTokenFixture.token(new IdentitySecret(siteNode.path("identitySecret").asString()),
									identity.externalId(), identity.email(), identity.name())));
		}
		String token = new ApiClient(this.port).header("Origin", APP)
			.post("/api/v1/visitor/session", ApiClient.json(body))
			.text("/token");
		try (LiveTestClient visitor = LiveTestClient.visitor(this.port, APP, token)) {
			String conversation = visitor.startConversation();
			for (int i = 0; i < messages.length; i++) {
				if (messages[i].startsWith("STAFF:")) {
					staff.sendAndAck(conversation, name + "-s" + i, messages[i].substring("STAFF:".length()));
				}
				else {
					visitor.sendAndAck(conversation, name + "-v" + i, messages[i]);
				}
			}
			this.conversations.put(name, conversation);
			this.names.put(conversation, name);
			this.lengths.put(conversation, messages.length);
		}
	}

	private String customerOf(String conversation) throws InterruptedException {
		String id = this.conversations.get(conversation);
		long deadline = System.nanoTime() + 15_000_000_000L;
		while (System.nanoTime() < deadline) {
			JsonNode transcript = this.owner.get("/api/v1/conversations/" + id).json();
			JsonNode customer = transcript.path("conversation").path("customerId");
			if (customer.isString()) {
				return customer.asString();
			}
			Thread.sleep(100);
		}
		throw new AssertionError("no customer for " + conversation);
	}

	/** Waits until every message of the fixture is in the archive. */
	private void awaitArchived() throws InterruptedException {
		long deadline = System.nanoTime() + 30_000_000_000L;
		while (System.nanoTime() < deadline) {
			Map<String, Integer> archived = new LinkedHashMap<>();
			for (JsonNode site : this.sites.values()) {
				this.owner.get("/api/v1/conversations?limit=100&site=" + site.path("id").asString())
					.json()
					.path("results")
					.forEach((row) -> archived.put(row.path("conversationId").asString(), row.path("seq").asInt()));
			}
			if (this.lengths.entrySet()
				.stream()
				.allMatch((entry) -> Objects.equals(archived.get(entry.getKey()), entry.getValue()))) {
				return;
			}
			Thread.sleep(100);
		}
		throw new AssertionError("the fixture was not archived within 30 s");
	}

	private JsonNode search(String query) {
		ApiClient.Response response = this.owner
			.get("/api/v1/search/conversations?limit=50&q=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
		assertThat(response.status()).as(query + ": " + response.body()).isEqualTo(200);
		return response.json();
	}

	private List<String> found(String query) {
		List<String> found = new ArrayList<>();
		search(query).path("results")
			.forEach((row) -> found.add(this.names.getOrDefault(row.path("conversationId").asString(), "?")));
		return found;
	}

	private void finds(List<String> misses, String query, String... expected) {
		List<String> found = found(query);
		for (String name : expected) {
			if (!found.contains(name)) {
				misses.add("'" + query + "' misses " + name + " (found " + found + ")");
			}
		}
	}

	private void findsNot(List<String> misses, String query, String unwanted) {
		List<String> found = found(query);
		if (found.contains(unwanted)) {
			misses.add("'" + query + "' should not find " + unwanted + " (found " + found + ")");
		}
	}

	private void top(List<String> misses, String query, String expected) {
		List<String> found = found(query);
		if (found.isEmpty() || !found.get(0).equals(expected)) {
			misses.add("'" + query + "' should have " + expected + " first (found " + found + ")");
		}
	}

	private List<String> customers(String query) {
		List<String> found = new ArrayList<>();
		this.owner.get("/api/v1/search/customers?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8))
			.json()
			.forEach((row) -> found.add(row.path("name").asString()));
		return found;
	}

	/** The first results are the expected customers, in any order. */
	private void customerTop(List<String> misses, String query, String... expected) {
		List<String> found = customers(query);
		List<String> first = found.subList(0, Math.min(expected.length, found.size()));
		if (!first.containsAll(List.of(expected))) {
			misses.add("customers '" + query + "' should start with " + List.of(expected) + " (found " + found + ")");
		}
	}

	private void customerOnly(List<String> misses, String query, String expected) {
		List<String> found = customers(query);
		if (!found.equals(List.of(expected))) {
			misses.add("customers '" + query + "' should be only " + expected + " (found " + found + ")");
		}
	}

}
