package dev.porchlight.api.account;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.api.web.ClientAddress;
import dev.porchlight.domain.audit.AuditEvent;
import dev.porchlight.domain.audit.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * Signing in and out of the dashboard. {@code GET} tells who is signed in and hands out
 * the CSRF cookie the other calls need; {@code POST} signs in (throttled, audited, with a
 * new session id; when the accounts cannot be read it answers 503 {@code unavailable} and
 * counts nothing against the caller); {@code DELETE} signs out.
 */
@RestController
class SessionController {

	private final AuthenticationManager authentication;

	private final SessionAuthenticationStrategy sessionStrategy;

	private final SecurityContextRepository contexts;

	private final SignInThrottle throttle;

	private final AuditLog audit;

	private final StaffSessions sessions;

	SessionController(AuthenticationManager authentication, SessionAuthenticationStrategy sessionStrategy,
			SecurityContextRepository contexts, SignInThrottle throttle, AuditLog audit, StaffSessions sessions) {
		this.sessions = sessions;
		this.authentication = authentication;
		this.sessionStrategy = sessionStrategy;
		this.contexts = contexts;
		this.throttle = throttle;
		this.audit = audit;
	}

	@GetMapping("/api/v1/session")
	SessionView current(@AuthenticationPrincipal Object principal, CsrfToken csrf) {
		// Reading the token makes Spring Security write the XSRF-TOKEN cookie.
		csrf.getToken();
		return (principal instanceof StaffPrincipal staff) ? SessionView.of(staff) : new SessionView(false, null);
	}

	@PostMapping("/api/v1/session")
	SessionView signIn(@Valid @RequestBody SignIn request, HttpServletRequest http, HttpServletResponse response) {
		String address = ClientAddress.of(http);
		this.throttle.attempt(request.email(), address);
		Authentication authenticated;
		try {
			authenticated = this.authentication
				.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(request.email(), request.password()));
		}
		catch (InternalAuthenticationServiceException ex) {
			// The accounts could not be read (PostgreSQL down, the pool timed out):
			// nobody gave a wrong password, so nothing is counted or audited, and the
			// caller hears it is the server's fault.
			this.throttle.notCounted(request.email(), address);
			throw (ex.getCause() instanceof DataAccessException unreachable) ? unreachable : ex;
		}
		catch (AuthenticationException ex) {
			this.audit.record(new AuditEvent(Instant.now(), null, request.email().strip(), "auth.sign_in_failed", null,
					address, Map.of()));
			throw new ApiException(HttpStatus.UNAUTHORIZED, "invalid_credentials",
					"The email or password is wrong, or the account is disabled.");
		}
		this.throttle.succeeded(request.email(), address);
		this.sessionStrategy.onAuthentication(authenticated, http, response);
		SecurityContext context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(authenticated);
		SecurityContextHolder.setContext(context);
		this.contexts.saveContext(context, http, response);
		// After the session exists, so the new token is bound to it.
		CsrfTokens.issueFresh(http);
		StaffPrincipal staff = (StaffPrincipal) authenticated.getPrincipal();
		this.audit.record(new AuditEvent(Instant.now(), staff.id(), staff.email(), "auth.signed_in",
				"account:" + staff.id(), address, Map.of()));
		return SessionView.of(staff);
	}

	@DeleteMapping("/api/v1/session")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	ResponseEntity<Void> signOut(@AuthenticationPrincipal StaffPrincipal staff, HttpServletRequest http) {
		HttpSession session = http.getSession(false);
		int ended = 0;
		if (session != null) {
			String id = session.getId();
			session.invalidate();
			this.sessions.ended(id);
			ended++;
		}
		// Signing out ends every session of the account, on every device and node, and
		// closes their sockets (SECURITY.md S15): a phone left signed in does not outlive
		// it.
		ended += this.sessions.endAll(staff.id());
		SecurityContextHolder.clearContext();
		this.audit.record(new AuditEvent(Instant.now(), staff.id(), staff.email(), "auth.signed_out",
				"account:" + staff.id(), ClientAddress.of(http), Map.of("sessionsEnded", String.valueOf(ended))));
		return ResponseEntity.noContent().build();
	}

	/**
	 * Whether someone is signed in, and who.
	 *
	 * @param signedIn whether a staff member is signed in
	 * @param account who, when signed in (absent otherwise)
	 */
	record SessionView(boolean signedIn, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable MeView account) {

		static SessionView of(StaffPrincipal staff) {
			return new SessionView(true, MeView.of(staff));
		}

	}

	/**
	 * A sign-in attempt.
	 *
	 * @param email the account's email
	 * @param password the password
	 */
	record SignIn(@NotNull @Size(max = 254) String email, @NotNull @Size(max = 1024) String password) {

		@Override
		public String toString() {
			return "SignIn[redacted]";
		}

	}

}
