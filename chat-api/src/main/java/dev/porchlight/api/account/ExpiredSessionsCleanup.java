package dev.porchlight.api.account;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.stereotype.Component;

/**
 * Spring Session's clean-up of expired staff sessions (it makes Redis announce their
 * expiry, which ends their sockets), run once a minute by the application's scheduler.
 * The session repository's own scheduler (turned off in
 * {@link SessionStoreConfiguration}) knows nothing of the application's lifecycle: it
 * fired after the Redis client had stopped, at every shutdown and in paused test
 * contexts, each time logging a stack trace. The application's scheduler stops first.
 */
@Component
class ExpiredSessionsCleanup {

	private static final Logger log = LoggerFactory.getLogger(ExpiredSessionsCleanup.class);

	private final RedisIndexedSessionRepository sessions;

	ExpiredSessionsCleanup(RedisIndexedSessionRepository sessions) {
		this.sessions = sessions;
	}

	@Scheduled(cron = "0 * * * * *")
	void cleanUp() {
		try {
			this.sessions.cleanUpExpiredSessions();
		}
		catch (DataAccessException ex) {
			// Redis unreachable: the next minute's run catches up.
			log.debug("Expired sessions not cleaned up: {}", ex.getMessage());
		}
	}

}
