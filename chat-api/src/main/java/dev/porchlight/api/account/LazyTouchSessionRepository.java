package dev.porchlight.api.account;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;

/**
 * The staff session store as the request filter sees it: Spring Session's repository,
 * except that a request moves the session's last access only when the stored one is
 * {@code precision} old or more.
 * <p>
 * Spring Session sets the last access on every request, and saving that on the indexed
 * Redis repository costs six Redis commands (the session hash, the lifetimes of the
 * session's keys, the set of sessions expiring in that minute) beside the one that reads
 * the session: under chat load those round trips were a good part of what a signed-in
 * request waited for. With a 12 h idle timeout, a minute's precision changes nothing an
 * owner notices (a session may end up to a minute early). A request that changes anything
 * else (a sign-in, a new CSRF token, any attribute, a new session id) is saved as before.
 *
 * @param <S> the sessions of the wrapped repository
 */
final class LazyTouchSessionRepository<S extends Session>
		implements FindByIndexNameSessionRepository<LazyTouchSessionRepository.Touched<S>> {

	private final FindByIndexNameSessionRepository<S> sessions;

	private final Duration precision;

	LazyTouchSessionRepository(FindByIndexNameSessionRepository<S> sessions, Duration precision) {
		this.sessions = sessions;
		this.precision = precision;
	}

	@Override
	public Touched<S> createSession() {
		return new Touched<>(this.sessions.createSession(), this.precision);
	}

	@Override
	public void save(Touched<S> session) {
		this.sessions.save(session.session);
	}

	@Override
	public @Nullable Touched<S> findById(String id) {
		S session = this.sessions.findById(id);
		return (session != null) ? new Touched<>(session, this.precision) : null;
	}

	@Override
	public void deleteById(String id) {
		this.sessions.deleteById(id);
	}

	@Override
	public Map<String, Touched<S>> findByIndexNameAndIndexValue(String indexName, String indexValue) {
		Map<String, Touched<S>> found = new LinkedHashMap<>();
		this.sessions.findByIndexNameAndIndexValue(indexName, indexValue)
			.forEach((id, session) -> found.put(id, new Touched<>(session, this.precision)));
		return found;
	}

	/**
	 * A session whose last access moves only in steps of at least the precision.
	 *
	 * @param <S> the wrapped session
	 */
	static final class Touched<S extends Session> implements Session {

		private final S session;

		private final Duration precision;

		Touched(S session, Duration precision) {
			this.session = session;
			this.precision = precision;
		}

		@Override
		public void setLastAccessedTime(Instant lastAccessedTime) {
			Instant stored = this.session.getLastAccessedTime();
			if (Duration.between(stored, lastAccessedTime).compareTo(this.precision) >= 0) {
				this.session.setLastAccessedTime(lastAccessedTime);
			}
		}

		@Override
		public Instant getLastAccessedTime() {
			return this.session.getLastAccessedTime();
		}

		@Override
		public String getId() {
			return this.session.getId();
		}

		@Override
		public String changeSessionId() {
			return this.session.changeSessionId();
		}

		@Override
		public <T> @Nullable T getAttribute(String attributeName) {
			return this.session.getAttribute(attributeName);
		}

		@Override
		public Set<String> getAttributeNames() {
			return this.session.getAttributeNames();
		}

		@Override
		public void setAttribute(String attributeName, Object attributeValue) {
			this.session.setAttribute(attributeName, attributeValue);
		}

		@Override
		public void removeAttribute(String attributeName) {
			this.session.removeAttribute(attributeName);
		}

		@Override
		public Instant getCreationTime() {
			return this.session.getCreationTime();
		}

		@Override
		public void setMaxInactiveInterval(Duration interval) {
			this.session.setMaxInactiveInterval(interval);
		}

		@Override
		public Duration getMaxInactiveInterval() {
			return this.session.getMaxInactiveInterval();
		}

		@Override
		public boolean isExpired() {
			return this.session.isExpired();
		}

	}

}
