package dev.porchlight.api.web;

import java.util.Map;

/**
 * The body of every error answer: a stable machine-readable code and a sentence fit to
 * show a person. Never contains a stack trace, an exception name, or the rejected input.
 *
 * @param error the code, e.g. {@code invalid_origin}
 * @param message what went wrong and, where possible, what to do
 */
public record ApiError(String error, String message) {

	public Map<String, String> asMap() {
		return Map.of("error", this.error, "message", this.message);
	}

}
