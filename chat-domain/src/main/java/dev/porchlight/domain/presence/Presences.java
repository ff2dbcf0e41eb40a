package dev.porchlight.domain.presence;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.visitor.VisitorId;
import org.jspecify.annotations.Nullable;

/**
 * Who is around right now. Everything here expires by itself: a node that dies without
 * saying goodbye cannot leave anybody "online" for longer than one time-to-live.
 */
public interface Presences {

	/**
	 * Records that a socket of a staff member (a dashboard, on any node) is connected,
	 * until {@code ttl} passes without another call for it.
	 * @param account the staff member
	 * @param socket the socket, unique across nodes
	 * @param ttl how long the sighting counts
	 */
	void staffSeen(AccountId account, String socket, Duration ttl);

	/**
	 * A socket of a staff member closed. They stay present while another of theirs, on
	 * any node, is connected.
	 * @param account the staff member
	 * @param socket the socket, as it was seen
	 */
	void staffGone(AccountId account, String socket);

	/**
	 * Sets whether the staff member wants to take chats (online) or not (away).
	 * @param account the staff member
	 * @param available true for online, false for away
	 */
	void staffAvailability(AccountId account, boolean available);

	/**
	 * Whether at least one staff member is connected and not away.
	 * @return true when someone can answer now
	 */
	boolean anyStaffAvailable();

	/**
	 * Records where a visitor is, until {@code ttl} passes without another call. Absent
	 * values keep what was recorded before.
	 * @param visitor the visitor
	 * @param page the page's address, if known
	 * @param title the page's title, if known
	 * @param browser a short description of their browser and device, if known
	 * @param ttl how long the sighting counts
	 */
	void visitorSeen(VisitorId visitor, @Nullable String page, @Nullable String title, @Nullable String browser,
			Duration ttl);

	/**
	 * A socket of the visitor opened, on any node: they are present until their last open
	 * socket closes ({@link #visitorSocketClosed}) or {@code ttl} passes without another
	 * sighting (a node that died with their socket open).
	 * @param visitor the visitor
	 * @param socket the socket, unique across nodes
	 * @param browser a short description of their browser and device, if known
	 * @param ttl how long the sighting counts
	 */
	void visitorSocketOpened(VisitorId visitor, String socket, @Nullable String browser, Duration ttl);

	/**
	 * A socket of the visitor closed. When it was their last open one on any node, they
	 * are no longer present, and when they left is remembered for an hour
	 * ({@link #visitorLeftAt}).
	 * @param visitor the visitor
	 * @param socket the socket, as it opened
	 * @return whether the visitor is gone now
	 */
	boolean visitorSocketClosed(VisitorId visitor, String socket);

	/**
	 * When the visitor's last socket closed, if that was within the last hour and they
	 * have not come back since.
	 * @param visitor the visitor
	 * @return the time they left
	 */
	Optional<java.time.Instant> visitorLeftAt(VisitorId visitor);

	Optional<VisitorPresence> visitor(VisitorId visitor);

	/**
	 * Where several visitors are, in one round trip (the dashboard's snapshot when it
	 * connects).
	 * @param visitors the visitors
	 * @return those of them who are present
	 */
	Map<VisitorId, VisitorPresence> visitors(Collection<VisitorId> visitors);

	/**
	 * Where a visitor currently is.
	 *
	 * @param page the page's address
	 * @param title the page's title
	 * @param browser their browser and device
	 * @param seenAtMillis when it was last reported
	 */
	record VisitorPresence(@Nullable String page, @Nullable String title, @Nullable String browser, long seenAtMillis) {
	}

}
