package dev.porchlight.domain.visitor;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VisitorNamesUnitTests {

	@Test
	void aVisitorKeepsTheirNameWhereverItIsMade() {
		VisitorId visitor = VisitorId.random();
		assertThat(VisitorNames.of(VisitorId.parse(visitor.toString()))).isEqualTo(VisitorNames.of(visitor))
			.matches("[A-Z][a-z]+ [A-Z][a-z]+ \\d{1,2}");
	}

	@Test
	void theVisitorsOfAFullInboxHaveDifferentNames() {
		Set<String> names = new HashSet<>();
		for (int i = 0; i < 500; i++) {
			names.add(VisitorNames.of(VisitorId.random()));
		}
		// About 0.3 shared names are expected among 500; more than a handful would mean
		// the id's bits are not all used.
		assertThat(names).hasSizeGreaterThanOrEqualTo(495);
	}

	@Test
	void idsThatDifferInOneBitGetDifferentNames() {
		UUID base = UUID.fromString("00000000-0000-4000-8000-000000000000");
		Set<String> names = new HashSet<>();
		for (int bit = 0; bit < 12; bit++) {
			names.add(VisitorNames.of(new VisitorId(
					new UUID(base.getMostSignificantBits(), base.getLeastSignificantBits() ^ (1L << bit)))));
		}
		assertThat(names).hasSize(12);
	}

}
