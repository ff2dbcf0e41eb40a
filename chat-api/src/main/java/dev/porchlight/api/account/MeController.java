package dev.porchlight.api.account;

import dev.porchlight.api.security.Actor;
import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.account.Account;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The signed-in person's own account: who am I, and changing my password. A password
 * change ends every session of the account, on every device; the device that made the
 * change gets a fresh session so its user stays signed in.
 */
@RestController
class MeController {

	private final AccountManagement accounts;

	private final SessionAuthenticationStrategy sessionStrategy;

	private final SecurityContextRepository contexts;

	MeController(AccountManagement accounts, SessionAuthenticationStrategy sessionStrategy,
			SecurityContextRepository contexts) {
		this.accounts = accounts;
		this.sessionStrategy = sessionStrategy;
		this.contexts = contexts;
	}

	@GetMapping("/api/v1/me")
	MeView me(@AuthenticationPrincipal StaffPrincipal staff) {
		return MeView.of(staff);
	}

	@PostMapping("/api/v1/me/password")
	SessionController.SessionView changePassword(@AuthenticationPrincipal StaffPrincipal staff,
			@Valid @RequestBody PasswordChange change, HttpServletRequest http, HttpServletResponse response) {
		Actor actor = Actor.of(staff, http);
		Account changed = this.accounts.changeOwnPassword(actor, change.currentPassword(), change.newPassword());
		// Every session was ended, this one included: sign this device in again with a
		// new session.
		StaffPrincipal renewed = new StaffPrincipal(changed, this.accounts.siteScope(changed.id()));
		var authentication = UsernamePasswordAuthenticationToken.authenticated(renewed, null, renewed.getAuthorities());
		renewed.eraseCredentials();
		HttpSession ended = http.getSession(false);
		if (ended != null) {
			ended.invalidate();
		}
		http.getSession(true);
		this.sessionStrategy.onAuthentication(authentication, http, response);
		CsrfTokens.issueFresh(http);
		SecurityContext context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(authentication);
		SecurityContextHolder.setContext(context);
		this.contexts.saveContext(context, http, response);
		return SessionController.SessionView.of(renewed);
	}

	/**
	 * Changes the signed-in staff member's display name; this session's principal takes
	 * it at once (other devices get it from the dashboard's live {@code team} frame).
	 */
	@PatchMapping("/api/v1/me")
	MeView update(@AuthenticationPrincipal StaffPrincipal staff, @Valid @RequestBody Update update,
			HttpServletRequest http, HttpServletResponse response) {
		if (staff.passwordMustChange()) {
			throw ApiException.forbidden("forbidden", "Choose your own password first.");
		}
		Account renamed = this.accounts.rename(Actor.of(staff, http), update.displayName());
		StaffPrincipal principal = new StaffPrincipal(renamed, this.accounts.siteScope(renamed.id()));
		var authentication = UsernamePasswordAuthenticationToken.authenticated(principal, null,
				principal.getAuthorities());
		principal.eraseCredentials();
		SecurityContext context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(authentication);
		SecurityContextHolder.setContext(context);
		this.contexts.saveContext(context, http, response);
		return MeView.of(principal);
	}

	/**
	 * Changes to the signed-in account.
	 *
	 * @param displayName the name colleagues and visitors see
	 */
	@Schema(name = "MeUpdate")
	record Update(@NotNull @Size(max = 200) String displayName) {
	}

	/**
	 * A password change.
	 *
	 * @param currentPassword the password in use now
	 * @param newPassword the new password
	 */
	record PasswordChange(@NotNull @Size(max = 1024) String currentPassword,
			@NotNull @Size(max = 1024) String newPassword) {

		@Override
		public String toString() {
			return "PasswordChange[redacted]";
		}

	}

}
