package dev.porchlight.api;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@PorchlightTest
class OpenApiIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void servesTheOpenApiDocumentAtItsDocumentedAddress() {
		ApiClient.Response document = new ApiClient(this.port).get("/api/v1/openapi");
		assertThat(document.status()).isEqualTo(200);
		assertThat(document.text("/openapi")).startsWith("3.");
		assertThat(document.json().at("/paths").propertyNames()).contains("/api/v1/session", "/api/v1/me/password",
				"/api/v1/accounts", "/api/v1/sites/{id}", "/api/v1/visitor/session", "/api/v1/audit");
	}

	@Test
	void saysHowEachOperationIsAuthenticatedAndWhatItReallyAnswers() {
		JsonNode document = new ApiClient(this.port).get("/api/v1/openapi").json();
		JsonNode paths = document.path("paths");
		// The CSRF token the controller reads is not a query parameter (issue 19).
		assertThat(paths.at("/~1api~1v1~1session/get/parameters").findValuesAsString("name")).doesNotContain("csrf");
		assertThat(paths.at("/~1api~1v1~1customers/post/responses").propertyNames()).contains("201")
			.doesNotContain("200");
		assertThat(paths.at("/~1api~1v1~1canned-responses/post/responses").propertyNames()).contains("201");
		assertThat(paths.at("/~1api~1v1~1canned-responses~1{id}/delete/responses").propertyNames()).contains("204");
		assertThat(paths.at("/~1api~1v1~1session/delete/responses").propertyNames()).contains("204");
		assertThat(paths.at("/~1api~1v1~1visitor~1contact/post/responses").propertyNames()).contains("204");
		// An upload without a name is refused (invalid_file_name): the name is required.
		for (String upload : List.of("/~1api~1v1~1conversations~1{id}~1attachments/post",
				"/~1api~1v1~1visitor~1conversations~1{id}~1attachments/post")) {
			JsonNode name = null;
			for (JsonNode parameter : paths.at(upload + "/parameters")) {
				if (parameter.path("name").asString().equals("name")) {
					name = parameter;
				}
			}
			assertThat(name).as(upload).isNotNull();
			assertThat(name.path("required").asBoolean()).as(upload).isTrue();
		}
		assertThat(paths.at("/~1api~1v1~1accounts/post/responses").propertyNames()).contains("201");
		assertThat(paths.at("/~1api~1v1~1sites/post/responses").propertyNames()).contains("201");

		assertThat(document.at("/components/securitySchemes").propertyNames()).contains("staffSession", "csrfHeader",
				"visitorToken");
		assertThat(paths.at("/~1api~1v1~1session/post/security/0").propertyNames())
			.as("signing in needs the CSRF header, no session")
			.containsExactly("csrfHeader");
		assertThat(paths.at("/~1api~1v1~1session/post/responses").propertyNames()).contains("401", "429", "503");
		assertThat(paths.at("/~1api~1v1~1visitor~1me/get/security/0").propertyNames()).containsExactly("visitorToken");
		// The mail webhook is signed, not signed in (docs/email.md).
		JsonNode webhook = paths.at("/~1api~1v1~1email~1inbound/post");
		assertThat(webhook.path("responses").propertyNames()).contains("200", "400", "401", "404", "415", "503")
			.doesNotContain("403");
		assertThat(webhook.at("/responses/401/description").asString()).contains("invalid_signature");
		assertThat(webhook.at("/responses/404/description").asString()).contains("email is turned off");
		assertThat(webhook.path("parameters"))
			.filteredOn((parameter) -> parameter.path("name").asString().equals("X-Porchlight-Signature"))
			.singleElement()
			.satisfies((parameter) -> assertThat(parameter.path("required").asBoolean()).isTrue());
		assertThat(paths.at("/~1api~1v1~1customers~1{id}/get/security/0").propertyNames())
			.containsExactly("staffSession");
		assertThat(paths.at("/~1api~1v1~1customers~1{id}/patch/security/0").propertyNames())
			.containsExactlyInAnyOrder("staffSession", "csrfHeader");

		List<String> ids = new ArrayList<>();
		paths.forEach((item) -> item.forEach((operation) -> ids.add(operation.path("operationId").asString())));
		assertThat(ids).doesNotContainNull().doesNotHaveDuplicates().allMatch((id) -> id.matches("[a-z]+[A-Za-z0-9]*"));
		assertThat(paths.at("/~1api~1v1~1customers~1{id}/get/operationId").asString()).isEqualTo("getCustomersById");
	}

}
