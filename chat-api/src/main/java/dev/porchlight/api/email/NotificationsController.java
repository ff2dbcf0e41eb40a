package dev.porchlight.api.email;

import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.email.StaffNotices;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Whether the signed-in staff member is emailed when conversations wait with nobody
 * online (owners are unless they turn it off, agents when they turn it on).
 */
@RestController
class NotificationsController {

	private final StaffNotices notices;

	private final Accounts accounts;

	private final StaffDigest digest;

	NotificationsController(StaffNotices notices, Accounts accounts, StaffDigest digest) {
		this.notices = notices;
		this.accounts = accounts;
		this.digest = digest;
	}

	@GetMapping("/api/v1/me/email-notifications")
	Notifications get(@AuthenticationPrincipal StaffPrincipal staff) {
		return new Notifications(this.digest.wants(account(staff)));
	}

	@PutMapping("/api/v1/me/email-notifications")
	Notifications put(@AuthenticationPrincipal StaffPrincipal staff, @Valid @RequestBody Notifications change) {
		if (staff.passwordMustChange()) {
			// A one-time password changes nothing but itself (docs/security.md).
			throw ApiException.forbidden("forbidden", "Choose your own password first.");
		}
		this.notices.setWantsEmails(staff.id(), change.waiting());
		return new Notifications(this.digest.wants(account(staff)));
	}

	private Account account(StaffPrincipal staff) {
		return this.accounts.findById(staff.id()).orElseThrow(() -> ApiException.notFound("account"));
	}

	/**
	 * @param waiting whether to be emailed when conversations wait with nobody online
	 */
	record Notifications(@NotNull Boolean waiting) {
	}

}
