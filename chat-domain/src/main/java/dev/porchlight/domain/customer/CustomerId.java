package dev.porchlight.domain.customer;

import java.util.Objects;
import java.util.UUID;

import dev.porchlight.domain.common.Ids;

/**
 * Identifies a customer. Random, so that one id says nothing about another.
 *
 * @param value a random UUID
 */
public record CustomerId(UUID value) {

	public CustomerId {
		Objects.requireNonNull(value, "customer id");
	}

	public static CustomerId random() {
		return new CustomerId(Ids.random());
	}

	public static CustomerId parse(String text) {
		return new CustomerId(Ids.parse("customer", text));
	}

	@Override
	public String toString() {
		return this.value.toString();
	}

}
