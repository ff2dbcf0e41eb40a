package dev.porchlight.api.widget;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which language the widget's look is in: the {@code locale} parameter first, then the
 * best of {@code Accept-Language} by weight, English when nothing fits.
 */
class WidgetTextsUnitTests {

	@Test
	void theParameterComesFirstThenTheBestSupportedLanguageOfTheHeader() {
		assertThat(WidgetTexts.pick("fr-CA", "de")).isEqualTo("fr");
		assertThat(WidgetTexts.pick(null, "it-IT,de;q=0.8,en;q=0.5")).isEqualTo("de");
		assertThat(WidgetTexts.pick("it", "es;q=0.3,fr;q=0.9")).as("by weight, not by place").isEqualTo("fr");
		assertThat(WidgetTexts.pick(null, "de;q=0,es")).as("q=0 means not this one").isEqualTo("es");
	}

	@Test
	void tagsTheStandardParserRefusesAreReadAsWritten() {
		assertThat(WidgetTexts.pick("de_AT", null)).isEqualTo("de");
		assertThat(WidgetTexts.pick("%zz", "es-MX")).isEqualTo("es");
	}

	@Test
	void nothingSupportedOrNothingAtAllIsEnglish() {
		assertThat(WidgetTexts.pick(null, "it-IT,pt;q=0.8")).isEqualTo("en");
		assertThat(WidgetTexts.pick(null, null)).isEqualTo("en");
		assertThat(WidgetTexts.pick("", "")).isEqualTo("en");
	}

}
