package dev.porchlight.api.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one answer to a request too malformed to reach a controller: a bad percent-encoding
 * in the address or a parameter, an encoded slash, backslash or NUL, characters the
 * firewall refuses. Wherever it is caught (the servlet container, the first filter,
 * Spring Security's firewall) it gets the same {@code 400}: JSON for the API and the
 * sockets, a short HTML page for everything else, with the security headers every page
 * has, and one line in the log, never a stack trace.
 */
final class MalformedRequests {

	static final String CODE = "malformed_url";

	/**
	 * The security headers of an error: nothing may be loaded, framed or sniffed.
	 */
	static final String CONTENT_SECURITY_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; "
			+ "frame-ancestors 'none'";

	private static final Logger log = LoggerFactory.getLogger(MalformedRequests.class);

	private MalformedRequests() {
	}

	/**
	 * Answers the request with a 400, unless an answer has already been sent.
	 * @param request the request (only its method and raw address are read)
	 * @param response the response
	 * @param problem what is wrong with it
	 * @throws IOException if the answer cannot be written
	 */
	static void reject(HttpServletRequest request, HttpServletResponse response, Problem problem) throws IOException {
		reject(request, response, problem, request.getRequestURI());
	}

	/**
	 * Answers the request with a 400, unless an answer has already been sent.
	 * @param request the request (only its method is read)
	 * @param response the response
	 * @param problem what is wrong with it
	 * @param uri the address as received, undecoded (the request's own may be empty when
	 * the container could not decode it)
	 * @throws IOException if the answer cannot be written
	 */
	static void reject(HttpServletRequest request, HttpServletResponse response, Problem problem, @Nullable String uri)
			throws IOException {
		log.info("Refused a request with a malformed {}: {} {}", problem.what, printable(request.getMethod()),
				printable(uri));
		String message = problem.message;
		if (response.isCommitted()) {
			return;
		}
		response.resetBuffer();
		response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
		response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.setHeader("X-Frame-Options", "DENY");
		response.setHeader("Referrer-Policy", "no-referrer");
		response.setHeader("Cache-Control", "no-store");
		byte[] body;
		// An address the container could not even read is answered in the API's form:
		// nothing tells whether a page or the API was meant.
		if (uri == null || uri.isEmpty() || uri.startsWith("/api/") || uri.startsWith("/ws/")) {
			response.setContentType("application/json");
			body = ("{\"error\":\"" + CODE + "\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
		}
		else {
			response.setContentType("text/html;charset=utf-8");
			body = ("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Bad request</title>"
					+ "<h1>Bad request</h1><p>" + message + "</p></html>")
				.getBytes(StandardCharsets.UTF_8);
		}
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
		response.flushBuffer();
	}

	/**
	 * What can be wrong with a request before it reaches a controller.
	 */
	enum Problem {

		/** Tomcat could not decode or normalise the path. */
		ADDRESS("address",
				"The address is not a valid URL: % must be followed by two hexadecimal digits, "
						+ "and encoded slashes, backslashes and NUL characters are not allowed."),

		/**
		 * Tomcat could not read the request line or headers at all (most often: longer
		 * than the 8 KiB it reads them into).
		 */
		UNREADABLE("request line or header",
				"The request could not be read: its address or headers are malformed or longer than 8 KiB."),

		/** A parameter of the query or of a form body does not decode. */
		PARAMETERS("parameter",
				"A parameter is not valid URL encoding: % must be followed by two hexadecimal "
						+ "digits, the decoded bytes must be UTF-8, and there may be at most 1000 parameters."),

		/** Spring Security's firewall refused the address or a header. */
		FIREWALL("address or header", "The address or a header contains characters or sequences that are not "
				+ "allowed (such as ;, //, an encoded % or control characters).");

		private final String what;

		private final String message;

		Problem(String what, String message) {
			this.what = what;
			this.message = message;
		}

	}

	/**
	 * Raw input as it may appear in one log line: printable ASCII only, at most 200
	 * characters.
	 */
	static String printable(String text) {
		if (text == null) {
			return "";
		}
		StringBuilder out = new StringBuilder(Math.min(text.length(), 200));
		for (int i = 0; i < text.length() && out.length() < 200; i++) {
			char c = text.charAt(i);
			out.append((c >= 0x20 && c < 0x7f) ? c : '?');
		}
		return out.toString();
	}

}
