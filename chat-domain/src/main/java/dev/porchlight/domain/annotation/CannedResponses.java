package dev.porchlight.domain.annotation;

import java.util.List;
import java.util.UUID;

/**
 * The team's canned responses.
 */
public interface CannedResponses {

	/**
	 * @return all, by shortcut
	 */
	List<CannedResponse> all();

	/**
	 * Adds one, or replaces the text of the one with the same shortcut.
	 * @param response the response
	 * @return the stored response
	 */
	CannedResponse save(CannedResponse response);

	/**
	 * @param id the response
	 * @return whether it existed
	 */
	boolean remove(UUID id);

}
