package dev.porchlight.persistence.search;

import java.util.List;
import java.util.Set;

import dev.porchlight.domain.search.ConversationHit.Segment;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SnippetsUnitTests {

	@Test
	void aShortMessageComesBackWholeAsTypedWithTheWordsMarked() {
		String body = "Is <b>bold</b> ok? <script>alert(1)</script> & ☕";
		List<Segment> segments = Snippets.of(body, Set.of("script", "☕"));
		assertThat(segments.stream().map(Segment::text).reduce("", String::concat)).isEqualTo(body);
		assertThat(segments).filteredOn(Segment::match)
			.extracting(Segment::text)
			.containsExactly("script", "script", "☕");
	}

	@Test
	void aLongMessageIsCutAroundTheFirstMatchAtWordBoundaries() {
		String body = "word ".repeat(100) + "the kettle leaks " + "more ".repeat(100);
		List<Segment> segments = Snippets.of(body, Set.of("kettle"));
		String text = segments.stream().map(Segment::text).reduce("", String::concat);
		assertThat(segments.get(0).text()).isEqualTo("…");
		assertThat(segments.get(segments.size() - 1).text()).isEqualTo("…");
		assertThat(text).contains("the kettle leaks").startsWith("…word ").doesNotContain("wor…");
		assertThat(text.length()).as("a window, ends moved to word boundaries")
			.isLessThanOrEqualTo(Snippets.WHOLE + 22);
		assertThat(segments).filteredOn(Segment::match).extracting(Segment::text).containsExactly("kettle");
	}

	@Test
	void aCutNeverSplitsAnEmoji() {
		String body = "😀".repeat(200) + " kettle";
		String text = Snippets.of(body, Set.of("kettle")).stream().map(Segment::text).reduce("", String::concat);
		assertThat(text.codePoints().filter((c) -> c >= 0xD800 && c <= 0xDFFF).count()).as("lone surrogates").isZero();
	}

	@Test
	void wordsAreRunsOfLettersAndDigitsAndEachEmojiOnItsOwn() {
		assertThat(Snippets.words("Größe-38, ZX-99812☕t-shirts")).extracting(Snippets.Word::text)
			.containsExactly("Größe", "38", "ZX", "99812", "☕", "t", "shirts");
	}

}
