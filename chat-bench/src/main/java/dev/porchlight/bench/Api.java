package dev.porchlight.bench;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Porchlight's REST API the way the dashboard uses it: cookies kept, the CSRF cookie
 * echoed in a header on writes.
 */
final class Api {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final String base;

	private final CookieManager cookies = new CookieManager();

	private final HttpClient http;

	Api(int port) {
		this(port, InetAddress.getLoopbackAddress());
	}

	Api(int port, InetAddress source) {
		this.base = "http://127.0.0.1:" + port;
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.cookieHandler(this.cookies)
			.localAddress(source)
			.connectTimeout(Duration.ofSeconds(10))
			.build();
	}

	void signIn(String email, String password) {
		get("/api/v1/session");
		HttpResponse<String> response = post("/api/v1/session", Map.of("email", email, "password", password), Map.of());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("Sign-in failed: " + response.statusCode() + " " + response.body());
		}
	}

	String cookie(String name) {
		return this.cookies.getCookieStore()
			.getCookies()
			.stream()
			.filter((cookie) -> cookie.getName().equals(name))
			.map(HttpCookie::getValue)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No cookie " + name));
	}

	HttpResponse<String> get(String path) {
		return send(HttpRequest.newBuilder(URI.create(this.base + path)).GET());
	}

	JsonNode getJson(String path) {
		HttpResponse<String> response = get(path);
		if (response.statusCode() != 200) {
			throw new IllegalStateException("GET " + path + ": " + response.statusCode() + " " + response.body());
		}
		return JSON.readTree(response.body());
	}

	HttpResponse<String> post(String path, Object body, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path))
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
			.header("Content-Type", "application/json");
		this.cookies.getCookieStore()
			.getCookies()
			.stream()
			.filter((cookie) -> cookie.getName().equals("XSRF-TOKEN"))
			.findFirst()
			.ifPresent((cookie) -> request.header("X-XSRF-TOKEN", cookie.getValue()));
		headers.forEach(request::header);
		return send(request);
	}

	JsonNode postJson(String path, Object body, Map<String, String> headers) {
		HttpResponse<String> response = post(path, body, headers);
		if (response.statusCode() / 100 != 2) {
			throw new IllegalStateException("POST " + path + ": " + response.statusCode() + " " + response.body());
		}
		return JSON.readTree(response.body());
	}

	private HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return this.http.send(request.timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	void close() {
		this.http.close();
	}

}
