package dev.porchlight.api.account;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The owner account created on the first start with an empty database.
 *
 * @param email the owner's sign-in email
 * @param name the owner's display name
 * @param password the initial password; when absent a one-time password is generated,
 * printed once to the log, and must be changed at the first sign-in
 */
@ConfigurationProperties("porchlight.owner")
public record OwnerProperties(@DefaultValue("owner@porchlight.localhost") String email,
		@DefaultValue("Owner") String name, @Nullable String password) {

	@Override
	public String toString() {
		return "OwnerProperties[email=" + this.email + ", password=" + ((this.password != null) ? "(set)" : "(none)")
				+ "]";
	}

}
