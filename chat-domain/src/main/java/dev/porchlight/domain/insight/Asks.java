package dev.porchlight.domain.insight;

import java.util.List;

/**
 * What customers asked for in a period.
 *
 * @param top the terms in most conversations, most first
 * @param rising the terms that grew most against the period before, most first (only
 * those that grew)
 * @param fading the terms that shrank most, most first (only those that shrank)
 */
public record Asks(List<Term> top, List<Term> rising, List<Term> fading) {

	public Asks {
		top = List.copyOf(top);
		rising = List.copyOf(rising);
		fading = List.copyOf(fading);
	}

}
