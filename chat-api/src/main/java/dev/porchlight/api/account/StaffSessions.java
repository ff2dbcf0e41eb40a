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
