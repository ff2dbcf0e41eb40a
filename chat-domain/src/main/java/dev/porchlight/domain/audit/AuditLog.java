package dev.porchlight.domain.audit;

import java.util.List;

/**
 * The append-only record of what owners and staff did.
 */
public interface AuditLog {

	void record(AuditEvent event);

	/**
	 * The most recent events, newest first.
	 * @param limit how many at most
	 * @return the events
	 */
	List<AuditEvent> latest(int limit);

}
