package dev.porchlight.domain.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TextUnitTests {

	@Test
	void countsCodePointsNotUtf16Units() {
		String emoji = "\uD83D\uDE00".repeat(10);
		assertThat(Text.required("message", emoji, 10)).isEqualTo(emoji);
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> Text.required("message", emoji + "!", 10))
			.withMessageContaining("at most 10");
	}

	@Test
	void keepsLineBreaksButRefusesOtherControlCharacters() {
		assertThat(Text.required("message", "line one\nline two\ttab", 100)).contains("\n");
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> Text.required("message", "bell\u0007", 100))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("invalid_message"));
	}

	@Test
	void errorCodesAreSnakeCase() {
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> Text.required("page title", "", 10))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("invalid_page_title"));
	}

	@Test
	void emptyOptionalTextIsNullAndEmptyRequiredTextIsAnError() {
		assertThat(Text.optional("name", "   ", 10)).isNull();
		assertThat(Text.optional("name", null, 10)).isNull();
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> Text.required("name", " \n ", 10));
	}

	@Test
	void idsAreRandomAndParsedStrictly() {
		assertThat(Ids.random()).isNotEqualTo(Ids.random());
		assertThat(Ids.random().version()).isEqualTo(4);
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> Ids.parse("site", "1"))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("invalid_id"));
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> Ids.parse("site", "1-1-1-1-1"));
	}

}
