package dev.porchlight.api;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A browser-like HTTP client for tests: keeps cookies, sends the CSRF token the way the
 * dashboard does (cookie {@code XSRF-TOKEN} echoed in {@code X-XSRF-TOKEN}), and can set
 * extra headers such as {@code Origin} or {@code Authorization}.
 */
public final class ApiClient {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final int port;

	private final CookieManager cookies = new CookieManager();

	private final HttpClient http;

	private final Map<String, String> headers = new LinkedHashMap<>();

	private boolean sendCsrf = true;

	public ApiClient(int port) {
		this.port = port;
		this.http = HttpClient.newBuilder().cookieHandler(this.cookies).connectTimeout(Duration.ofSeconds(5)).build();
	}

	public ApiClient header(String name, String value) {
		this.headers.put(name, value);
		return this;
	}

	public ApiClient withoutCsrf() {
		this.sendCsrf = false;
		return this;
	}

	public Response get(String path) {
		return send("GET", path, null);
	}

	public Response post(String path, String json) {
		return send("POST", path, json);
	}

	/**
	 * Posts raw bytes (an upload).
	 * @param path the path with its query
	 * @param body the bytes
	 * @param contentType what the client claims they are
	 * @return the response
	 */
	public Response postBytes(String path, byte[] body, String contentType) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.header("Content-Type", contentType);
		if (this.sendCsrf) {
			cookie("XSRF-TOKEN").ifPresent((token) -> request.header("X-XSRF-TOKEN", token));
		}
		this.headers.forEach(request::header);
		return new Response(exchange(request, HttpResponse.BodyHandlers.ofString(), "POST " + path));
	}

	/**
	 * Posts a body of unknown length (sent chunked, without {@code Content-Length}).
	 * @param path the path with its query
	 * @param body the bytes
	 * @param contentType what the client claims they are
	 * @return the response
	 */
	public Response postChunked(String path, byte[] body, String contentType) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
			.header("Content-Type", contentType);
		if (this.sendCsrf) {
			cookie("XSRF-TOKEN").ifPresent((token) -> request.header("X-XSRF-TOKEN", token));
		}
		this.headers.forEach(request::header);
		return new Response(exchange(request, HttpResponse.BodyHandlers.ofString(), "POST " + path));
	}

	/**
	 * Fetches bytes (a file).
	 * @param path the path with its query
	 * @return the response with its body as bytes
	 */
	public HttpResponse<byte[]> download(String path) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.GET();
		this.headers.forEach(request::header);
		return exchange(request, HttpResponse.BodyHandlers.ofByteArray(), "GET " + path);
	}

	private <T> HttpResponse<T> exchange(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body, String what) {
		try {
			return this.http.send(request.build(), body);
		}
		catch (IOException ex) {
			throw new IllegalStateException(what + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public Response options(String path) {
		return send("OPTIONS", path, null);
	}

	public Response put(String path) {
		return send("PUT", path, null);
	}

	public Response put(String path, String json) {
		return send("PUT", path, json.isEmpty() ? null : json);
	}

	public Response patch(String path, String json) {
		return send("PATCH", path, json);
	}

	public Response delete(String path) {
		return send("DELETE", path, null);
	}

	/**
	 * Fetches the CSRF cookie and signs in.
	 * @param email the email
	 * @param password the password
	 * @return the sign-in response
	 */
	public Response signIn(String email, String password) {
		get("/api/v1/session");
		return post("/api/v1/session", json(Map.of("email", email, "password", password)));
	}

	public Optional<String> cookie(String name) {
		return this.cookies.getCookieStore()
			.getCookies()
			.stream()
			.filter((cookie) -> cookie.getName().equals(name))
			.map(HttpCookie::getValue)
			.findFirst();
	}

	public void setCookie(String name, String value) {
		HttpCookie cookie = new HttpCookie(name, value);
		cookie.setPath("/");
		cookie.setVersion(0);
		this.cookies.getCookieStore().add(URI.create("http://127.0.0.1:" + this.port), cookie);
	}

	/**
	 * A new visitor's token, as the widget on a page of {@code origin} gets it.
	 * @param port the node's port
	 * @param origin the widget's origin
	 * @param siteKey the site's key
	 * @return the token
	 */
	public static String visitorToken(int port, String origin, String siteKey) {
		return new ApiClient(port).header("Origin", origin)
			.post("/api/v1/visitor/session", json(Map.of("siteKey", siteKey)))
			.text("/token");
	}

	public static String json(Object value) {
		return JSON.writeValueAsString(value);
	}

	private Response send(String method, String path, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(15))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		if (this.sendCsrf && !method.equals("GET") && !method.equals("OPTIONS")) {
			cookie("XSRF-TOKEN").ifPresent((token) -> request.header("X-XSRF-TOKEN", token));
		}
		this.headers.forEach(request::header);
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Response(response);
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A response with its body parsed on demand.
	 *
	 * @param raw the response
	 */
	public record Response(HttpResponse<String> raw) {

		public int status() {
			return this.raw.statusCode();
		}

		public String body() {
			return this.raw.body();
		}

		public JsonNode json() {
			return JSON.readTree(this.raw.body());
		}

		public String text(String pointer) {
			JsonNode node = json().at(pointer);
			return node.isMissingNode() || node.isNull() ? null : node.asString();
		}

		public Optional<String> header(String name) {
			return this.raw.headers().firstValue(name);
		}

		@Override
		public String toString() {
			return status() + " " + body();
		}

	}

}
