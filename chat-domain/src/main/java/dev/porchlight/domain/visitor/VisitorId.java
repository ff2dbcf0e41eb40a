package dev.porchlight.domain.visitor;

import java.util.Objects;
import java.util.UUID;

import dev.porchlight.domain.common.Ids;

/**
 * Identifies a visitor. Random, so that one id says nothing about another.
 *
 * @param value a random UUID
 */
public record VisitorId(UUID value) {

	public VisitorId {
		Objects.requireNonNull(value, "visitor id");
	}

	public static VisitorId random() {
		return new VisitorId(Ids.random());
	}

	public static VisitorId parse(String text) {
		return new VisitorId(Ids.parse("visitor", text));
	}

	@Override
	public String toString() {
		return this.value.toString();
	}

}
