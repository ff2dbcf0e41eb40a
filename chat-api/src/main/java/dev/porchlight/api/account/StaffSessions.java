package dev.porchlight.api.account;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.porchlight.domain.account.AccountId;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;

/**
 * Ends every session of an account, on every node: sessions live in Redis, indexed by the
 * principal name (the account id). Listeners (the staff WebSocket endpoint) are told so
 * they can close that account's open sockets too.
 */
@Component
public class StaffSessions {

	private final FindByIndexNameSessionRepository<? extends Session> sessions;

	private final List<Consumer<AccountId>> listeners = new ArrayList<>();

	private final List<Consumer<String>> sessionListeners = new ArrayList<>();

	StaffSessions(FindByIndexNameSessionRepository<? extends Session> sessions) {
		this.sessions = sessions;
	}

	/**
	 * Registers code to run whenever an account's sessions are ended on this node.
	 * @param listener receives the account id
	 */
	public void onSessionsEnded(Consumer<AccountId> listener) {
		this.listeners.add(listener);
	}

	/**
	 * Registers code to run whenever one session was ended on this node (signed out).
	 * @param listener receives the session id
	 */
	public void onSessionEnded(Consumer<String> listener) {
		this.sessionListeners.add(listener);
	}

	/**
	 * Tells listeners that a session was ended here.
	 * @param sessionId the session
	 */
	void ended(String sessionId) {
		this.sessionListeners.forEach((listener) -> listener.accept(sessionId));
	}

	/**
	 * @param sessionId a session id
	 * @return whether that session still exists (neither ended nor expired)
	 */
	public boolean exists(String sessionId) {
		return this.sessions.findById(sessionId) != null;
	}

	/**
	 * Ends all sessions of the account.
	 * @param account the account
	 * @return how many sessions were ended
	 */
	int endAll(AccountId account) {
		var found = this.sessions.findByPrincipalName(account.toString());
		found.keySet().forEach(this.sessions::deleteById);
		this.listeners.forEach((listener) -> listener.accept(account));
		return found.size();
	}

}
