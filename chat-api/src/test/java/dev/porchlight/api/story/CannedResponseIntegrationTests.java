package dev.porchlight.api.story;

import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Canned responses and the team list, over HTTP, as any staff member uses them.
 */
@PorchlightTest
class CannedResponseIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void staffKeepOneTextPerShortcutAndRemoveIt() {
		ApiClient owner = new ApiClient(this.port);
		owner.signIn("owner@shop.example", "owner password 123");
		ApiClient.Response created = owner.post("/api/v1/canned-responses",
				ApiClient.json(Map.of("shortcut", "/Returns", "body", "Returns are free within 30 days.")));
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.text("/shortcut")).isEqualTo("returns");
		owner.post("/api/v1/canned-responses",
				ApiClient.json(Map.of("shortcut", "returns", "body", "Returns are free within 60 days.")));
		JsonNode all = owner.get("/api/v1/canned-responses").json();
		assertThat(all).hasSize(1);
		assertThat(all.get(0).path("body").asString()).isEqualTo("Returns are free within 60 days.");
		assertThat(all.get(0).path("id").asString()).isEqualTo(created.text("/id"));

		ApiClient.Response bad = owner.post("/api/v1/canned-responses",
				ApiClient.json(Map.of("shortcut", "two words", "body", "x")));
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.text("/error")).isEqualTo("invalid_shortcut");
		assertThat(owner.post("/api/v1/canned-responses", ApiClient.json(Map.of("shortcut", "empty", "body", " ")))
			.text("/error")).isEqualTo("invalid_text");
		// Characters, as documented: 4,000 emoji are 8,000 UTF-16 units and still fit.
		ApiClient.Response smiles = owner.post("/api/v1/canned-responses",
				ApiClient.json(Map.of("shortcut", "smiles", "body", "🙂".repeat(4000))));
		assertThat(smiles.status()).isEqualTo(201);
		assertThat(owner.delete("/api/v1/canned-responses/" + smiles.text("/id")).status()).isEqualTo(204);
		assertThat(owner
			.post("/api/v1/canned-responses", ApiClient.json(Map.of("shortcut", "long", "body", "x".repeat(4001))))
			.text("/error")).isEqualTo("invalid_text");

		// An agent uses and manages them too; the team list shows names, nothing more.
		String email = "agent" + System.nanoTime() + "@shop.example";
		String oneTime = owner
			.post("/api/v1/accounts", ApiClient.json(Map.of("email", email, "displayName", "Ann", "role", "AGENT")))
			.text("/oneTimePassword");
		ApiClient agent = new ApiClient(this.port);
		agent.signIn(email, oneTime);
		agent.post("/api/v1/me/password",
				ApiClient.json(Map.of("currentPassword", oneTime, "newPassword", "ann chose this herself")));
		assertThat(agent.get("/api/v1/canned-responses").json()).hasSize(1);
		JsonNode team = agent.get("/api/v1/team").json();
		assertThat(team.toString()).contains("Ann").doesNotContain(email).doesNotContain("OWNER");
		assertThat(agent.delete("/api/v1/canned-responses/" + created.text("/id")).status()).isEqualTo(204);
		assertThat(agent.delete("/api/v1/canned-responses/" + created.text("/id")).status()).isEqualTo(404);
		assertThat(agent.delete("/api/v1/canned-responses/not-a-uuid").text("/error")).isEqualTo("invalid_id");
		assertThat(new ApiClient(this.port).get("/api/v1/canned-responses").status()).isEqualTo(401);
	}

}
