package dev.porchlight.api.web;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * A request that cannot be served, with the HTTP status and the {@link ApiError} to
 * answer it with.
 */
public class ApiException extends RuntimeException {

	private final HttpStatus status;

	private final String code;

	private final @Nullable Duration retryAfter;

	public ApiException(HttpStatus status, String code, String message) {
		this(status, code, message, null);
	}

	public ApiException(HttpStatus status, String code, String message, @Nullable Duration retryAfter) {
		super(message);
		this.status = status;
		this.code = code;
		this.retryAfter = retryAfter;
	}

	public HttpStatus status() {
		return this.status;
	}

	public String code() {
		return this.code;
	}

	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

	public ApiError body() {
		return new ApiError(this.code, getMessage());
	}

	public static ApiException notFound(String what) {
		return new ApiException(HttpStatus.NOT_FOUND, "not_found", "No such " + what + ".");
	}

	public static ApiException forbidden(String code, String message) {
		return new ApiException(HttpStatus.FORBIDDEN, code, message);
	}

	public static ApiException tooManyRequests(String code, String message, Duration retryAfter) {
		return new ApiException(HttpStatus.TOO_MANY_REQUESTS, code, message, retryAfter);
	}

}
