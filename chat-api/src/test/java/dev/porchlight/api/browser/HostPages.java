package dev.porchlight.api.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A customer's own web site on another origin ({@code http://127.0.0.1:PORT}, while
 * Porchlight runs on {@code http://localhost:PORT}), served with a strict
 * Content-Security-Policy that allows nothing but its own files and Porchlight: the
 * policy docs/embedding.md tells site owners to use.
 */
final class HostPages implements AutoCloseable {

	private final HttpServer server;

	private final String porchlight;

	private volatile String siteKey = "";

	private volatile String locale = "";

	HostPages(String porchlight) {
		this.porchlight = porchlight;
		try {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	String origin() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/**
	 * The policy a host page needs for the widget: the loader script, the frame, and the
	 * one request for the launcher's look.
	 */
	String policy() {
		return "default-src 'none'; script-src 'self' " + this.porchlight + "; frame-src " + this.porchlight
				+ "; connect-src " + this.porchlight + "; style-src 'self'; img-src 'self'; base-uri 'none'; "
				+ "form-action 'none'; frame-ancestors 'none'";
	}

	HostPages install(String siteKey, String locale) {
		this.siteKey = siteKey;
		this.locale = locale;
		return this;
	}

	private void handle(HttpExchange exchange) throws IOException {
		String path = exchange.getRequestURI().getPath();
		String type;
		String body;
		if (path.equals("/host.js")) {
			type = "text/javascript";
			body = HOST_SCRIPT;
		}
		else if (path.equals("/") || path.startsWith("/page")) {
			type = "text/html; charset=utf-8";
			String localeAttribute = this.locale.isEmpty() ? "" : " data-locale=\"" + this.locale + "\"";
			body = """
					<!doctype html>
					<html lang="en">
					<head>
					<meta charset="utf-8">
					<title>Ankh &amp; Co</title>
					<script src="/host.js"></script>
					<script src="%s/widget.js" data-site="%s"%s async></script>
					</head>
					<body>
					<main>
					<h1>Ankh &amp; Co: %s</h1>
					<p>Handmade pendants.</p>
					<a id="next-page" href="/page-2">Next page</a>
					</main>
					</body>
					</html>
					""".formatted(this.porchlight, this.siteKey, localeAttribute, path);
		}
		else {
			exchange.sendResponseHeaders(404, -1);
			exchange.close();
			return;
		}
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", type);
		exchange.getResponseHeaders().set("Content-Security-Policy", policy());
		exchange.getResponseHeaders().set("Cache-Control", "no-store");
		exchange.sendResponseHeaders(200, bytes.length);
		exchange.getResponseBody().write(bytes);
		exchange.close();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	/**
	 * The host site's own script: the documented stub that queues calls until the loader
	 * is there, and a record of the widget's events for the tests to read.
	 */
	private static final String HOST_SCRIPT = """
			window.hostEvents = [];
			window.Porchlight = window.Porchlight || function () {
				(window.Porchlight.q = window.Porchlight.q || []).push(arguments);
			};
			['message', 'open', 'close', 'unread'].forEach(function (name) {
				window.Porchlight('on', name, function (data) {
					window.hostEvents.push({ name: name, data: data === undefined ? null : data });
				});
			});
			""";

}
