package dev.porchlight.api;

import org.junit.jupiter.api.Test;

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

}
