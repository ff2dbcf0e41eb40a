package dev.porchlight.domain.search;

import java.util.List;

import dev.porchlight.domain.search.SearchTerms.Alternative;
import dev.porchlight.domain.search.SearchTerms.Alternative.Kind;
import dev.porchlight.domain.search.SearchTerms.Clause;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SearchTermsUnitTests {

	@Test
	void everyWordIsAClauseOfItsOwn() {
		assertThat(SearchTerms.parse("  kettle  refund ").clauses()).containsExactly(
				new Clause(false, List.of(new Alternative(Kind.WORD, "kettle"))),
				new Clause(false, List.of(new Alternative(Kind.WORD, "refund"))));
	}

	@Test
	void quotesMakeAPhraseAndAMinusExcludes() {
		assertThat(SearchTerms.parse("\"express delivery\" -shipping -\"gift wrap\"").clauses()).containsExactly(
				new Clause(false, List.of(new Alternative(Kind.PHRASE, "express delivery"))),
				new Clause(true, List.of(new Alternative(Kind.WORD, "shipping"))),
				new Clause(true, List.of(new Alternative(Kind.PHRASE, "gift wrap"))));
	}

	@Test
	void orJoinsTheWordsOnEitherSide() {
		assertThat(SearchTerms.parse("parcel OR engraving silver").clauses()).containsExactly(
				new Clause(false,
						List.of(new Alternative(Kind.WORD, "parcel"), new Alternative(Kind.WORD, "engraving"))),
				new Clause(false, List.of(new Alternative(Kind.WORD, "silver"))));
		assertThat(SearchTerms.parse("or silver or").clauses())
			.containsExactly(new Clause(false, List.of(new Alternative(Kind.WORD, "silver"))));
	}

	@Test
	void punctuationInsideAWordMakesAPhraseOfItsParts() {
		assertThat(SearchTerms.parse("ZX-99812 ada@example.com T-shirt #A-10234 blue-kettle-2l").clauses())
			.extracting((clause) -> clause.alternatives().get(0))
			.containsExactly(new Alternative(Kind.PHRASE, "ZX 99812"), new Alternative(Kind.PHRASE, "ada example com"),
					new Alternative(Kind.PHRASE, "T shirt"), new Alternative(Kind.PHRASE, "A 10234"),
					new Alternative(Kind.PHRASE, "blue kettle 2l"));
	}

	@Test
	void emojiAreTermsOfTheirOwn() {
		assertThat(SearchTerms.parse("tea☕ 👍🏽").clauses()).containsExactly(
				new Clause(false, List.of(new Alternative(Kind.WORD, "tea"))),
				new Clause(false, List.of(new Alternative(Kind.EMOJI, "☕"))),
				new Clause(false, List.of(new Alternative(Kind.EMOJI, "👍"))),
				new Clause(false, List.of(new Alternative(Kind.EMOJI, "🏽"))));
	}

	@Test
	void phoneNumbersInAnyFormatAlsoMatchByTheirDigits() {
		assertThat(SearchTerms.parse("+1 (415) 555-0134").clauses()).containsExactly(new Clause(false,
				List.of(new Alternative(Kind.PHRASE, "1 415 555 0134"), new Alternative(Kind.PHONE, "14155550134"))));
		assertThat(SearchTerms.parse("555 0134").clauses()).containsExactly(new Clause(false,
				List.of(new Alternative(Kind.PHRASE, "555 0134"), new Alternative(Kind.PHONE, "5550134"))));
		assertThat(SearchTerms.parse("+493012345678").clauses()).containsExactly(new Clause(false,
				List.of(new Alternative(Kind.WORD, "493012345678"), new Alternative(Kind.PHONE, "493012345678"))));
		assertThat(SearchTerms.parse("4155550134").clauses()).containsExactly(new Clause(false,
				List.of(new Alternative(Kind.WORD, "4155550134"), new Alternative(Kind.PHONE, "4155550134"))));
	}

	@Test
	void shortNumbersAndNumbersBesideEachOtherStayNumbers() {
		assertThat(SearchTerms.parse("order 10234").clauses()).containsExactly(
				new Clause(false, List.of(new Alternative(Kind.WORD, "order"))),
				new Clause(false, List.of(new Alternative(Kind.WORD, "10234"))));
		assertThat(SearchTerms.parse("48213 555").clauses()).hasSize(2);
	}

	@Test
	void nothingSearchableIsAnEmptyQuery() {
		assertThat(SearchTerms.parse("!!! --- \"\" or").isEmpty()).isTrue();
	}

}
