package dev.porchlight.domain.insight;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Something customers asked for: a word or a two- or three-word phrase, counted once per
 * conversation, in a period and the one before.
 *
 * @param key the stems that identify it (e.g. {@code engrav ring}); what staff hide or
 * merge
 * @param label how customers wrote it most often in the period (e.g. {@code engraved
 * rings})
 * @param conversations conversations that started in the period in which a customer used
 * it
 * @param customers the distinct people among them (customers, else visitors)
 * @param previousConversations the same count for the period before
 * @param previousCustomers the same count for the period before
 * @param rising whether it grew enough to stand out (see {@link #isRising})
 * @param merged the keys staff merged into this one
 */
public record Term(String key, String label, int conversations, int customers, int previousConversations,
		int previousCustomers, boolean rising, List<String> merged) {

	public Term {
		merged = List.copyOf(merged);
	}

	/**
	 * Growth that stands out: at least 3 conversations, and at least twice as many as in
	 * the period before (a term that was not asked for before needs 3).
	 * @param now conversations in the period
	 * @param before conversations in the period before
	 * @return whether the term is rising
	 */
	public static boolean isRising(int now, int before) {
		return now >= 3 && now >= 2 * Math.max(before, 1) && now > before;
	}

	/**
	 * A staff correction of a term.
	 *
	 * @param key the term
	 * @param hidden whether it is hidden
	 * @param mergeInto the term it counts as, if merged
	 */
	public record Rule(String key, boolean hidden, @Nullable String mergeInto) {
	}

}
