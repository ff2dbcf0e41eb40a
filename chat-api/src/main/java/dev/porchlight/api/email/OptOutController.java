package dev.porchlight.api.email;

import java.time.Clock;
import java.util.Optional;

import dev.porchlight.domain.email.EmailAddresses;
import io.swagger.v3.oas.annotations.Hidden;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The opt-out link in every email: a page for people (GET shows a button, so a mail
 * scanner following links opts nobody out) and the one-click POST of RFC 8058 that mail
 * programs send. The signed token is the authorisation; no session, no CSRF token.
 */
@RestController
@Hidden
class OptOutController {

	private final ReplyTokens tokens;

	private final EmailAddresses addresses;

	private final Clock clock = Clock.systemUTC();

	OptOutController(ReplyTokens tokens, EmailAddresses addresses) {
		this.tokens = tokens;
		this.addresses = addresses;
	}

	@GetMapping(path = "/email/opt-out", produces = MediaType.TEXT_HTML_VALUE)
	ResponseEntity<String> page(@RequestParam(name = "t", required = false) @Nullable String token) {
		Optional<String> address = address(token);
		if (address.isEmpty()) {
			return invalid();
		}
		return ResponseEntity.ok(page("Stop emails?",
				"<p>No more emails about your conversations will be sent to <b>" + HtmlUtils.htmlEscape(address.get())
						+ "</b>.</p><form method=\"post\"><input type=\"hidden\" " + "name=\"t\" value=\""
						+ HtmlUtils.htmlEscape(token) + "\"><button type=\"submit\">Stop emails" + "</button></form>"));
	}

	@PostMapping(path = "/email/opt-out", produces = MediaType.TEXT_HTML_VALUE)
	ResponseEntity<String> optOut(@RequestParam(name = "t", required = false) @Nullable String token) {
		Optional<String> address = address(token);
		if (address.isEmpty()) {
			return invalid();
		}
		this.addresses.optedOut(address.get(), this.clock.instant());
		return ResponseEntity.ok(page("Done", "<p>No more emails will be sent to <b>"
				+ HtmlUtils.htmlEscape(address.get()) + "</b>. The chat on the shop's site still works.</p>"));
	}

	private Optional<String> address(@Nullable String token) {
		return (token != null && token.length() < 1000) ? this.tokens.optOutAddress(token) : Optional.empty();
	}

	private static ResponseEntity<String> invalid() {
		return ResponseEntity.status(HttpStatus.BAD_REQUEST)
			.contentType(MediaType.TEXT_HTML)
			.body(page("Link not valid", "<p>This opt-out link is not valid. Use the link from the email.</p>"));
	}

	private static String page(String title, String body) {
		// Plain markup: the pages' Content-Security-Policy allows no inline style.
		return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
				+ "content=\"width=device-width\"><title>" + title + "</title></head><body><main><h1>" + title + "</h1>"
				+ body + "</main></body></html>";
	}

}
