package dev.porchlight.domain.common;

import java.util.Objects;

/**
 * A rule of the domain was broken by the input. Carries a stable machine-readable code
 * (used in error frames and REST problem details) and a message fit to show a user: it
 * never contains the rejected input itself, so it is safe to log and to return.
 */
public class DomainException extends RuntimeException {

	private final String code;

	public DomainException(String code, String message) {
		super(message);
		this.code = Objects.requireNonNull(code, "code");
	}

	public String code() {
		return this.code;
	}

}
