package dev.porchlight.api.account;

import dev.porchlight.api.security.StaffPrincipal;

/**
 * The signed-in staff member as the REST API shows them.
 *
 * @param id the account id
 * @param email the sign-in email
 * @param displayName the name colleagues and visitors see
 * @param role {@code OWNER} or {@code AGENT}
 * @param passwordMustChange whether a one-time password is still in use (then only a
 * password change is allowed)
 */
record MeView(String id, String email, String displayName, String role, boolean passwordMustChange) {

	static MeView of(StaffPrincipal staff) {
		return new MeView(staff.id().toString(), staff.email(), staff.displayName(), staff.role().name(),
				staff.passwordMustChange());
	}

}
