package dev.porchlight.api.email;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QuoteTrimmerUnitTests {

	@Test
	void cutsAtAGmailAttributionLine() {
		String text = """
				Yes, size 42 please.

				On Tue, 1 Dec 2026 at 10:00, Shop <shop@example.com> wrote:

				> Which size would you like?
				""";
		assertThat(QuoteTrimmer.trim(text)).isEqualTo("Yes, size 42 please.");
	}

	@Test
	void cutsAtAnAttributionLineWrappedOverTwoLines() {
		String text = """
				Friday is fine.

				On Tue, Dec 1, 2026 at 10:00 AM Porchlight Demo Shop <
				shop@example.com> wrote:
				> Shall we deliver on Thursday?
				""";
		assertThat(QuoteTrimmer.trim(text)).isEqualTo("Friday is fine.");
	}

	@Test
	void cutsAtGermanFrenchSpanishAndDutchAttributions() {
		assertThat(QuoteTrimmer.trim("Danke!\n\nAm 01.12.2026 um 10:00 schrieb Shop <shop@example.com>:\n> Hallo"))
			.isEqualTo("Danke!");
		assertThat(QuoteTrimmer
			.trim("Merci !\n\nLe mar. 1 déc. 2026 à 10:00, Shop <shop@example.com> a écrit\u00a0:\n" + "> Bonjour"))
			.isEqualTo("Merci !");
		assertThat(QuoteTrimmer
			.trim("¡Gracias!\n\nEl mar, 1 dic 2026 a las 10:00, Shop (<shop@example.com>) escribió:\n" + "> Hola"))
			.isEqualTo("¡Gracias!");
		assertThat(QuoteTrimmer.trim("Bedankt!\n\nOp di 1 dec 2026 om 10:00 schreef Shop <shop@example.com>:\n> Hallo"))
			.isEqualTo("Bedankt!");
	}

	@Test
	void keepsASentenceThatOnlyLooksLikeAnAttribution() {
		String text = "On second thought, here is what I wrote:\nthe blue one, not the red one.";
		assertThat(QuoteTrimmer.trim(text)).isEqualTo(text);
	}

	@Test
	void cutsAtOriginalMessageSeparators() {
		assertThat(QuoteTrimmer.trim("""
				See you then.
				-----Original Message-----
				From: Shop
				Sent: Tuesday
				""")).isEqualTo("See you then.");
		assertThat(QuoteTrimmer.trim("""
				Bis dann.

				----- Ursprüngliche Nachricht -----
				Von: Shop
				""")).isEqualTo("Bis dann.");
	}

	@Test
	void cutsAtAnOutlookHeaderBlock() {
		String text = """
				Thanks, that works for me.

				Tom

				From: Shop <shop@example.com>
				Sent: Tuesday, December 1, 2026 10:00 AM
				To: Tom Becker <tom.becker@contoso.com>
				Subject: Order 1042

				Your order 1042 will be delivered on Thursday.
				""";
		assertThat(QuoteTrimmer.trim(text)).isEqualTo("Thanks, that works for me.\n\nTom");
	}

	@Test
	void cutsAtAGermanOutlookHeaderBlock() {
		String text = """
				Passt, danke.

				Von: Shop <shop@example.com>
				Gesendet: Dienstag, 1. Dezember 2026 10:00
				An: Tom Becker <tom.becker@contoso.com>
				Betreff: Bestellung 1042
				""";
		assertThat(QuoteTrimmer.trim(text)).isEqualTo("Passt, danke.");
	}

	@Test
	void keepsAFromLineThatIsNotAHeaderBlock() {
		String text = "From: my sister, she loved the scarf.\nSubject to stock, could I get another one?";
		assertThat(QuoteTrimmer.trim(text)).isEqualTo(text);
	}

	@Test
	void cutsAtOutlooksUnderscoreSeparator() {
		String text = """
				Please cancel it.

				________________________________
				From: Shop <shop@example.com>
				Sent: Tuesday, December 1, 2026 10:00
				""";
		assertThat(QuoteTrimmer.trim(text)).isEqualTo("Please cancel it.");
	}

	@Test
	void dropsATrailingQuotedBlock() {
		assertThat(QuoteTrimmer.trim("Sounds good.\n\n> Your table is ready.\n> See you at 5.\n"))
			.isEqualTo("Sounds good.");
	}

	@Test
	void keepsTheWritersLinesOfAnInterleavedReply() {
		String text = """
				On 01/12/2026 10:00, Shop wrote:
				> Which colour would you like?

				Blue, please.

				> And which size?

				42.

				--\s
				Kim Lee
				""";
		assertThat(QuoteTrimmer.trim(text)).isEqualTo("Blue, please.\n\n42.");
	}

	@Test
	void dropsASignatureAfterTheDelimiter() {
		assertThat(QuoteTrimmer.trim("Thanks!\n-- \nKim Lee\nCEO, Example Ltd")).isEqualTo("Thanks!");
		assertThat(QuoteTrimmer.trim("Thanks!\n--\nKim Lee")).isEqualTo("Thanks!");
		assertThat(QuoteTrimmer.trim("Thanks!\n--- not a signature\nKim"))
			.isEqualTo("Thanks!\n--- not a signature\nKim");
	}

	@Test
	void dropsTrailingMobileSignatures() {
		assertThat(QuoteTrimmer.trim("Ok!\n\nSent from my iPhone")).isEqualTo("Ok!");
		assertThat(QuoteTrimmer.trim("Ok!\n\nSent from my Android")).isEqualTo("Ok!");
		assertThat(QuoteTrimmer.trim("Ok!\n\nGet Outlook for iOS")).isEqualTo("Ok!");
		assertThat(QuoteTrimmer.trim("Gut!\n\nVon meinem iPhone gesendet")).isEqualTo("Gut!");
		assertThat(QuoteTrimmer.trim("Bien !\n\nEnvoyé de mon iPhone")).isEqualTo("Bien !");
		assertThat(QuoteTrimmer.trim("¡Bien!\n\nEnviado desde mi iPhone")).isEqualTo("¡Bien!");
	}

	@Test
	void keepsAMobileSignatureThatIsNotTrailing() {
		assertThat(QuoteTrimmer.trim("Sent from my iPhone, so excuse typos.\nThe order is 1042."))
			.isEqualTo("Sent from my iPhone, so excuse typos.\nThe order is 1042.");
	}

	@Test
	void normalisesLineEndsAndBlankLines() {
		assertThat(QuoteTrimmer.trim("\r\n  Hello\r\n\r\n\r\n\r\n\r\nWorld  \r\n\r\n")).isEqualTo("Hello\n\n\nWorld");
		assertThat(QuoteTrimmer.trim("a\rb")).isEqualTo("a\nb");
	}

	@Test
	void keepsTheOriginalWhenEverythingIsQuoted() {
		String text = """
				On Tue, 1 Dec 2026 at 10:00, Shop <shop@example.com> wrote:
				> Is there anything else we can help with?
				""";
		assertThat(QuoteTrimmer.trim(text)).isEqualTo(text.strip());
		assertThat(QuoteTrimmer.trim("> only a quote")).isEqualTo("> only a quote");
	}

	@Test
	void emptyStaysEmpty() {
		assertThat(QuoteTrimmer.trim("")).isEmpty();
		assertThat(QuoteTrimmer.trim(" \r\n\n ")).isEmpty();
	}

}
