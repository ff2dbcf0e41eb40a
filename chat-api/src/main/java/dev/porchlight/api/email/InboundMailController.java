package dev.porchlight.api.email;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.porchlight.api.web.ApiException;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The inbound webhook for mail providers that post received mail: either the raw message
 * ({@code Content-Type: message/rfc822}) or the provider's parsed fields as JSON
 * (docs/email.md). Authenticated by an HMAC-SHA256 of the exact body under
 * {@code porchlight.email.webhook-secret}, in
 * {@code X-Porchlight-Signature: sha256=<hex>}; without a configured secret the endpoint
 * does not exist (404). Answers 200 with what became of the mail, or 503 when storage
 * failed (the provider should post again; a mail posted twice is one message).
 */
@RestController
class InboundMailController {

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(InboundMailController.class);

	/**
	 * The largest post taken: a mail with attachments is cut by the provider or refused.
	 */
	static final int MAX_BODY = 10 * 1024 * 1024;

	private final InboundMail inbound;

	private final EmailProperties properties;

	private final ObjectMapper json;

	InboundMailController(InboundMail inbound, EmailProperties properties, ObjectMapper json) {
		this.inbound = inbound;
		this.properties = properties;
		this.json = json;
	}

	@PostMapping(path = "/api/v1/email/inbound", consumes = { "message/rfc822", MediaType.APPLICATION_JSON_VALUE })
	InboundMail.Outcome receive(
			// Required of every post; read as optional so that a missing one is the
			// documented 401 invalid_signature rather than a 400.
			@Parameter(description = "sha256=<hex HMAC-SHA256 of the body under the webhook secret>; "
					+ "missing or wrong: 401 invalid_signature", required = true) @RequestHeader(
							name = "X-Porchlight-Signature", required = false) @Nullable String signature,
			@RequestHeader(name = "Content-Type") String contentType, HttpServletRequest request) throws IOException {
		String secret = this.properties.webhookSecret();
		if (!this.properties.enabled() || secret == null || secret.isBlank()) {
			throw ApiException.notFound("webhook");
		}
		byte[] body = bounded(request);
		if (signature == null || !valid(secret, body, signature)) {
			throw new ApiException(HttpStatus.UNAUTHORIZED, "invalid_signature",
					"The X-Porchlight-Signature header does not match the body.");
		}
		InboundEmail mail;
		try {
			mail = contentType.toLowerCase(Locale.ROOT).startsWith("message/rfc822") ? MailParser.parse(body)
					: parsed(this.json.readTree(body));
		}
		catch (IllegalArgumentException | tools.jackson.core.JacksonException ex) {
			throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_body", "The mail cannot be read.");
		}
		try {
			return this.inbound.take(mail);
		}
		catch (RuntimeException ex) {
			// Logged without the mail (no email content in logs), so the failure is seen.
			log.warn("A posted mail could not be taken in; the provider is told to post it again: {}",
					EmailDispatcher.logged(ex));
			throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
					"The mail could not be stored now; post it again later.", Duration.ofSeconds(5));
		}
	}

	/**
	 * The posted body, read here rather than by Spring so that no more than
	 * {@link #MAX_BODY} bytes are ever held, whoever posts (before the signature is
	 * checked, anybody may).
	 */
	static byte[] bounded(HttpServletRequest request) throws IOException {
		if (request.getContentLengthLong() > MAX_BODY) {
			throw tooLarge();
		}
		byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
		if (body.length > MAX_BODY) {
			throw tooLarge();
		}
		return body;
	}

	private static ApiException tooLarge() {
		return new ApiException(HttpStatus.BAD_REQUEST, "invalid_body", "The mail is larger than 10 MB.");
	}

	private static InboundEmail parsed(JsonNode node) {
		if (!node.isObject()) {
			throw new IllegalArgumentException("not an object");
		}
		List<String> recipients = new ArrayList<>();
		for (String field : List.of("to", "cc", "recipient")) {
			JsonNode value = node.path(field);
			if (value.isArray()) {
				value.forEach((item) -> recipients.addAll(addresses(item.asString(""))));
			}
			else if (value.isString()) {
				recipients.addAll(addresses(value.asString()));
			}
		}
		List<String> attachments = new ArrayList<>();
		node.path("attachments").forEach((item) -> {
			String name = item.isString() ? item.asString() : item.path("filename").asString("");
			if (!name.isBlank()) {
				attachments.add(name);
			}
		});
		Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		node.path("headers")
			.properties()
			.forEach((entry) -> headers.put(entry.getKey(), entry.getValue().asString("")));
		return MailParser.fromParts(text(node, "messageId"), text(node, "from"), recipients, text(node, "subject"),
				text(node, "inReplyTo"), text(node, "references"), text(node, "text"), text(node, "html"), attachments,
				headers);
	}

	private static List<String> addresses(String list) {
		List<String> addresses = new ArrayList<>();
		for (String part : list.split(",")) {
			String address = part.strip();
			int open = address.lastIndexOf('<');
			int close = address.lastIndexOf('>');
			if (open >= 0 && close > open) {
				address = address.substring(open + 1, close);
			}
			if (!address.isBlank()) {
				addresses.add(address.toLowerCase(Locale.ROOT));
			}
		}
		return addresses;
	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.path(field);
		return value.isString() ? value.asString() : null;
	}

	static boolean valid(String secret, byte[] body, String signature) {
		String expected = "sha256=" + sign(secret, body);
		return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
				signature.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
	}

	static String sign(String secret, byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return HexFormat.of().formatHex(mac.doFinal(body));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
