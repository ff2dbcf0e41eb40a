package dev.porchlight.domain.account;

import java.util.Objects;
import java.util.UUID;

import dev.porchlight.domain.common.Ids;

/**
 * Identifies an owner or staff account.
 *
 * @param value a random UUID
 */
public record AccountId(UUID value) {

	public AccountId {
		Objects.requireNonNull(value, "account id");
	}

	public static AccountId random() {
		return new AccountId(Ids.random());
	}

	public static AccountId parse(String text) {
		return new AccountId(Ids.parse("account", text));
	}

	@Override
	public String toString() {
		return this.value.toString();
	}

}
