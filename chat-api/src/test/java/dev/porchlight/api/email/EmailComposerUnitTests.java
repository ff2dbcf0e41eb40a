package dev.porchlight.api.email;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.visitor.VisitorId;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What an email to a visitor holds, and that nothing typed in a chat or a site's name can
 * add a header or markup.
 */
class EmailComposerUnitTests {

	private static final ConversationId CONVERSATION = ConversationId.random();

	private static final AccountId OLGA = AccountId.random();

	@Test
	void aReplyEmailShowsTheNewRepliesTheContextAndTheWayBack() throws Exception {
		MimeMessage message = write(letter("Tea & Kettles", "ingrid@example.no"));
		assertThat(message.getSubject()).isEqualTo("Tea & Kettles replied to you");
		assertThat(message.getHeader("Message-ID")).containsExactly("<m2@shop.example>");
		assertThat(message.getHeader("In-Reply-To")).containsExactly("<m1@shop.example>");
		assertThat(message.getHeader("List-Unsubscribe")).containsExactly("<https://chat.example/email/opt-out?t=x>");
		String text = EmailComposer.text(letter("Tea & Kettles", "ingrid@example.no"));
		assertThat(text).contains("  > Do you ship <b>kettles</b>?")
			.contains("Olga, ")
			.contains("We do & it's <free>.")
			.contains("https://shop.example/#porchlight-chat");
		String html = EmailComposer.html(letter("Tea & Kettles", "ingrid@example.no"));
		assertThat(html).contains("We do &amp; it&#39;s &lt;free&gt;.")
			.contains("Do you ship &lt;b&gt;kettles&lt;/b&gt;?")
			.doesNotContain("<b>kettles</b>")
			.contains("background:#1a7f5a");
	}

	@Test
	void aNameWithLineBreaksCannotAddAHeader() throws Exception {
		MimeMessage message = write(letter("Shop\r\nBcc: victim@example.com", "ingrid@example.no"));
		assertThat(message.getHeader("Bcc")).isNull();
		assertThat(message.getSubject()).doesNotContain("\r").doesNotContain("\n");
		java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
		message.writeTo(raw);
		assertThat(raw.toString()).doesNotContainPattern("(?m)^Bcc:");
	}

	@Test
	void anAddressWithLineBreaksIsRefused() {
		assertThatThrownBy(() -> write(letter("Shop", "ingrid@example.no\r\nBcc: victim@example.com")))
			.isInstanceOf(AddressException.class);
		assertThatThrownBy(() -> write(letter("Shop", "a@b.example, victim@example.com")))
			.isInstanceOf(AddressException.class);
	}

	private static MimeMessage write(EmailComposer.Letter letter) throws Exception {
		MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
		EmailComposer.write(message, letter);
		message.saveChanges();
		// saveChanges sets a Message-ID of its own; the composer's is set again on send.
		EmailComposer.write(message, letter);
		return message;
	}

	@Test
	void whatAMailServerSaidIsKeptWithoutTheAddressesItQuotes() {
		assertThat(EmailComposer
			.withoutAddresses("550 5.1.1 <Bob.Smith+shop@Mail.example.org>: Recipient address rejected"))
			.isEqualTo("550 5.1.1 <address>: Recipient address rejected");
		assertThat(EmailComposer.withoutAddresses("RCPT TO:bob@example.org refused; try ann@example.com"))
			.isEqualTo("RCPT TO:<address> refused; try <address>");
		assertThat(EmailComposer.withoutAddresses("421 4.7.0 Try again later")).isEqualTo("421 4.7.0 Try again later");
	}

	private static EmailComposer.Letter letter(String shop, String to) {
		Instant at = Instant.parse("2026-12-02T10:00:00Z");
		List<LogEntry> entries = List.of(
				new LogEntry(CONVERSATION, 1, LogEntry.Kind.MESSAGE, new ClientMessageId("v1"),
						Sender.visitor(VisitorId.random()), new MessageBody("Do you ship <b>kettles</b>?"), at),
				new LogEntry(CONVERSATION, 2, LogEntry.Kind.MESSAGE, new ClientMessageId("s1"), Sender.staff(OLGA),
						new MessageBody("We do & it's <free>."), at.plusSeconds(60)));
		return new EmailComposer.Letter(shop, "#1a7f5a", "shop@shop.example", "shop+r-1@shop.example", to,
				"m2@shop.example", List.of("m1@shop.example"), false, entries, 2, Map.of(OLGA, "Olga"),
				"https://shop.example/#porchlight-chat", "https://chat.example/email/opt-out?t=x");
	}

}
