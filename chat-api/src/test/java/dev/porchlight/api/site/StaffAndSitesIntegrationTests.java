package dev.porchlight.api.site;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.domain.audit.AuditEvent;
import dev.porchlight.domain.audit.AuditLog;
import dev.porchlight.domain.site.BusinessHours;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@PorchlightTest
class StaffAndSitesIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	AuditLog audit;

	ApiClient owner;

	@BeforeEach
	void signInAsOwner() {
		this.owner = new ApiClient(this.port);
		assertThat(this.owner.signIn("owner@shop.example", "owner password 123").status()).isEqualTo(200);
	}

	@Test
	void theOwnerCreatesAStaffMemberWhoMustChooseTheirOwnPassword() {
		String email = "agent" + System.nanoTime() + "@shop.example";
		ApiClient.Response created = this.owner.post("/api/v1/accounts",
				ApiClient.json(Map.of("email", email, "displayName", "Ann", "role", "AGENT")));
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.text("/account/passwordMustChange")).isEqualTo("true");
		assertThat(created.body()).doesNotContain("bcrypt");
		String oneTime = created.text("/oneTimePassword");

		ApiClient agent = new ApiClient(this.port);
		assertThat(agent.signIn(email, oneTime).text("/account/passwordMustChange")).isEqualTo("true");
		assertThat(agent.get("/api/v1/sites").status()).as("nothing but the password change").isEqualTo(403);
		assertThat(agent.put("/api/v1/me/email-notifications", ApiClient.json(Map.of("waiting", false))).status())
			.as("not even the account's own settings")
			.isEqualTo(403);
		assertThat(agent.get("/api/v1/me/email-notifications").status()).isEqualTo(200);
		assertThat(
				agent
					.post("/api/v1/me/password",
							ApiClient
								.json(Map.of("currentPassword", oneTime, "newPassword", "ann's own long password")))
					.status())
			.isEqualTo(200);
		assertThat(agent.get("/api/v1/sites").status()).isEqualTo(200);
		assertThat(agent.get("/api/v1/accounts").status()).as("agents do not manage staff").isEqualTo(403);
		assertThat(agent.post("/api/v1/sites", ApiClient.json(Map.of("name", "Mine"))).status()).isEqualTo(403);
		assertThat(agent.get("/api/v1/audit").status()).isEqualTo(403);
	}

	@Test
	void anAuditLimitOutOfRangeIsRefusedNotClamped() {
		assertThat(this.owner.get("/api/v1/audit?limit=1000").status()).isEqualTo(200);
		assertThat(this.owner.get("/api/v1/audit?limit=1").json().size()).isEqualTo(1);
		for (String limit : new String[] { "0", "-5", "1001", "5000" }) {
			ApiClient.Response refused = this.owner.get("/api/v1/audit?limit=" + limit);
			assertThat(refused.status()).as(limit).isEqualTo(400);
			assertThat(refused.text("/error")).isEqualTo("invalid_limit");
		}
		assertThat(this.owner.get("/api/v1/audit?limit=lots").text("/error")).isEqualTo("invalid_parameter");
	}

	@Test
	void disablingAStaffMemberEndsTheirSessionsAndKeepsThemOut() {
		String email = "leaver" + System.nanoTime() + "@shop.example";
		ApiClient.Response created = this.owner.post("/api/v1/accounts",
				ApiClient.json(Map.of("email", email, "displayName", "Lee", "role", "AGENT")));
		String id = created.text("/account/id");
		ApiClient agent = new ApiClient(this.port);
		agent.signIn(email, created.text("/oneTimePassword"));
		assertThat(agent.get("/api/v1/me").status()).isEqualTo(200);

		assertThat(this.owner.post("/api/v1/accounts/" + id + "/disable", "").text("/enabled")).isEqualTo("false");
		assertThat(agent.get("/api/v1/me").status()).isEqualTo(401);
		assertThat(new ApiClient(this.port).signIn(email, created.text("/oneTimePassword")).status()).isEqualTo(401);

		ApiClient.Response reset = this.owner.post("/api/v1/accounts/" + id + "/password-reset", "");
		this.owner.post("/api/v1/accounts/" + id + "/enable", "");
		assertThat(new ApiClient(this.port).signIn(email, reset.text("/oneTimePassword")).status()).isEqualTo(200);
		assertThat(this.audit.latest(20)).extracting(AuditEvent::action)
			.contains("account.created", "account.disabled", "account.password_reset", "account.enabled");
	}

	@Test
	void theOwnerCannotLockThemselvesOut() {
		String me = this.owner.get("/api/v1/me").text("/id");
		ApiClient.Response refused = this.owner.post("/api/v1/accounts/" + me + "/disable", "");
		assertThat(refused.status()).isEqualTo(409);
		assertThat(refused.text("/error")).isEqualTo("cannot_disable_self");
	}

	@Test
	void sitesAreCreatedConfiguredAndTheirSecretRotatedWithAnAuditTrail() {
		ApiClient.Response created = this.owner.post("/api/v1/sites",
				ApiClient.json(Map.of("name", "Ankh & Co", "allowedOrigins", List.of("https://ankh.example"))));
		assertThat(created.status()).isEqualTo(201);
		String id = created.text("/id");
		String secret = created.text("/identitySecret");
		assertThat(created.text("/siteKey")).matches("pk_[0-9A-Za-z]{22}");
		assertThat(secret).hasSize(43);
		assertThat(created.text("/identityMode")).isEqualTo("OPTIONAL");

		Instant before = Instant.now();
		ApiClient.Response updated = this.owner.patch("/api/v1/sites/" + id,
				ApiClient.json(Map.of("identityMode", "ENFORCED", "allowedOrigins",
						List.of("https://ankh.example", "https://www.ankh.example"), "widget",
						Map.of("colour", "#AA3300", "preChatForm", "REQUIRED_EMAIL", "businessHours",
								Map.of("zone", "Europe/Berlin", "weekly", List.of("MONDAY 09:00-17:00"))))));
		Instant after = Instant.now();
		assertThat(updated.status()).isEqualTo(200);
		assertThat(updated.text("/identityMode")).isEqualTo("ENFORCED");
		assertThat(updated.text("/widget/colour")).isEqualTo("#aa3300");
		assertThat(updated.text("/widget/businessHours/weekly/0")).isEqualTo("MONDAY 09:00-17:00");
		// The dashboard shows whether the shop is open and when that changes, as of
		// some moment while the request was handled.
		BusinessHours hours = new BusinessHours(ZoneId.of("Europe/Berlin"),
				List.of(BusinessHours.Opening.parse("MONDAY 09:00-17:00")));
		assertThat(updated.json().path("openNow").asBoolean()).isIn(hours.isOpenAt(before), hours.isOpenAt(after));
		assertThat(Instant.parse(updated.text("/hoursChangeAt"))).isAfter(before)
			.isBefore(after.plus(Duration.ofDays(7)));
		assertThat(created.json().path("hoursChangeAt").isNull()).as("no business hours").isTrue();
		assertThat(updated.text("/widget/greeting")).as("untouched settings stay").isNotBlank();

		String rotated = this.owner.post("/api/v1/sites/" + id + "/identity-secret", "").text("/identitySecret");
		assertThat(rotated).hasSize(43).isNotEqualTo(secret);
		assertThat(this.owner
			.put("/api/v1/sites/" + id + "/email",
					ApiClient.json(
							Map.of("fromName", "Ankh & Co", "address", "hello" + System.nanoTime() + "@ankh.example")))
			.status()).isEqualTo(200);
		assertThat(this.audit.latest(20)).extracting(AuditEvent::action)
			.contains("site.created", "site.updated", "site.secret_rotated", "site.email_changed");
		assertThat(this.audit.latest(20)).filteredOn((event) -> event.action().equals("site.email_changed"))
			.singleElement()
			.satisfies((event) -> assertThat(event.details()).containsEntry("address", "true")
				.containsEntry("fromName", "true"));
		assertThat(this.audit.latest(20)).allSatisfy((event) -> assertThat(event.details().values())
			.noneMatch((value) -> value.contains(rotated) || value.contains(secret)));
	}

	@Test
	void badSiteInputGetsClearErrorsAndChangesNothing() {
		String id = this.owner.post("/api/v1/sites", ApiClient.json(Map.of("name", "Shop"))).text("/id");
		Map<String, Object> cases = Map.of("allowedOrigins", List.of("https://*.evil.example"), "identityMode",
				"SOMETIMES", "widget", Map.of("colour", "red"));
		Map<String, String> codes = Map.of("allowedOrigins", "invalid_origin", "identityMode", "invalid_identity_mode",
				"widget", "invalid_colour");
		cases.forEach((field, value) -> {
			ApiClient.Response refused = this.owner.patch("/api/v1/sites/" + id, ApiClient.json(Map.of(field, value)));
			assertThat(refused.status()).as(field).isEqualTo(400);
			assertThat(refused.text("/error")).as(field).isEqualTo(codes.get(field));
			assertThat(refused.body()).doesNotContain("Exception").doesNotContain("at dev.");
		});
		// Too long, too many or missing: the same code as any other bad value of that
		// field.
		List<String> day = java.util.Collections.nCopies(29, "MONDAY 09:00-10:00");
		List<Map.Entry<String, String>> more = List.of(
				Map.entry("{\"widget\":{\"colour\":\"#1a7f5a00\"}}", "invalid_colour"),
				Map.entry(
						ApiClient.json(Map.of("widget", Map.of("businessHours", Map.of("zone", "UTC", "weekly", day)))),
						"invalid_business_hours"),
				Map.entry("{\"widget\":{\"businessHours\":{\"zone\":\"" + "Europe/".repeat(10) + "\",\"weekly\":[]}}}",
						"invalid_time_zone"),
				Map.entry("{\"widget\":{\"businessHours\":{\"weekly\":[]}}}", "invalid_time_zone"),
				Map.entry("{\"widget\":{\"businessHours\":{\"zone\":\"UTC\"}}}", "invalid_business_hours"),
				Map.entry("{\"widget\":{\"businessHours\":{\"zone\":\"UTC\",\"weekly\":[null]}}}",
						"invalid_business_hours"),
				Map.entry("{\"allowedOrigins\":[null]}", "invalid_origin"),
				Map.entry(ApiClient.json(Map.of("allowedOrigins",
						java.util.stream.IntStream.range(0, 21)
							.mapToObj((n) -> "https://shop" + n + ".example")
							.toList())),
						"too_many_origins"),
				Map.entry(ApiClient.json(Map.of("name", "n".repeat(81))), "invalid_site_name"));
		more.forEach((request) -> {
			ApiClient.Response refused = this.owner.patch("/api/v1/sites/" + id, request.getKey());
			assertThat(refused.status()).as(request.getKey()).isEqualTo(400);
			assertThat(refused.text("/error")).as(request.getKey()).isEqualTo(request.getValue());
		});
		assertThat(this.owner.patch("/api/v1/sites/" + id, "{not json").text("/error")).isEqualTo("malformed_request");
		// The site's email: every bad address is invalid_email, however it is bad.
		Map.of("not an address", "invalid_email", "a".repeat(250) + "@x.example", "invalid_email",
				"shop+extra@tea.example", "invalid_email")
			.forEach(
					(address,
							code) -> assertThat(this.owner
								.put("/api/v1/sites/" + id + "/email", ApiClient.json(Map.of("address", address)))
								.text("/error")).as(address).isEqualTo(code));
		assertThat(this.owner.put("/api/v1/sites/" + id + "/email", ApiClient.json(Map.of("fromName", "n".repeat(81))))
			.text("/error")).isEqualTo("invalid_from_name");
		assertThat(this.owner.get("/api/v1/sites/" + id + "/email").json().path("address").isNull())
			.as("nothing refused was kept")
			.isTrue();
		assertThat(this.owner.get("/api/v1/sites/not-a-uuid").text("/error")).isEqualTo("invalid_id");
		assertThat(this.owner.get("/api/v1/sites/" + java.util.UUID.randomUUID()).status()).isEqualTo(404);
		ApiClient.Response unchanged = this.owner.get("/api/v1/sites/" + id);
		assertThat(unchanged.text("/identityMode")).isEqualTo("OPTIONAL");
		assertThat(unchanged.json().at("/allowedOrigins").size()).isZero();
	}

}
