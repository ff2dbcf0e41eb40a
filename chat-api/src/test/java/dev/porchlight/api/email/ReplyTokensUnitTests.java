package dev.porchlight.api.email;

import java.util.List;

import dev.porchlight.domain.conversation.ConversationId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reply addresses and opt-out tokens: ours are read back, altered or foreign ones are
 * refused.
 */
class ReplyTokensUnitTests {

	private final ReplyTokens tokens = new ReplyTokens(
			(name, generator) -> "c2VjcmV0IGtleSBmb3IgdGVzdHMgb25seSAxMjM0NTY=");

	private final ReplyTokens otherInstall = new ReplyTokens(
			(name, generator) -> "YW5vdGhlciBpbnN0YWxsJ3Mgc2VjcmV0IGtleSAxMjM=");

	@Test
	void aReplyAddressNamesItsConversation() {
		ConversationId conversation = ConversationId.random();
		String address = this.tokens.replyAddress("hello@shop.example", conversation);
		assertThat(address).matches("hello\\+r-[0-9a-f]{32}-[0-9a-f]{20}@shop\\.example");
		ReplyTokens.Reading reading = this.tokens.read(List.of("other@example.com", address.toUpperCase()));
		assertThat(reading.conversation()).contains(conversation);
		assertThat(reading.forged()).isFalse();
	}

	@Test
	void anAlteredOrForeignReplyAddressIsForged() {
		ConversationId conversation = ConversationId.random();
		String address = this.tokens.replyAddress("hello@shop.example", conversation);
		String altered = address.replaceFirst("-([0-9a-f])",
				"-" + (address.charAt(address.indexOf("-") + 1) == 'a' ? 'b' : 'a'));
		assertThat(this.tokens.read(List.of(altered)).forged()).isTrue();
		assertThat(
				this.tokens.read(List.of(this.otherInstall.replyAddress("hello@shop.example", conversation))).forged())
			.isTrue();
		assertThat(this.tokens.read(List.of("hello+r-nonsense@shop.example")).forged()).isTrue();
		assertThat(this.tokens.read(List.of("hello@shop.example")).conversation()).isEmpty();
		assertThat(this.tokens.read(List.of("hello@shop.example")).forged()).isFalse();
	}

	/** The text with the hex digit before {@code end} changed. */
	private static String flipBefore(String text, int end) {
		char digit = text.charAt(end - 1);
		return text.substring(0, end - 1) + ((digit == '0') ? '1' : '0') + text.substring(end);
	}

	@Test
	void anOptOutTokenNamesItsAddressOnly() {
		String token = this.tokens.optOutToken("Ingrid@Example.no");
		assertThat(this.tokens.optOutAddress(token)).contains("ingrid@example.no");
		assertThat(this.otherInstall.optOutAddress(token)).isEmpty();
		assertThat(this.tokens.optOutAddress(token.substring(0, token.length() - 1) + "0"))
			.satisfiesAnyOf((found) -> assertThat(found).isEmpty(), (found) -> assertThat(token).endsWith("0"));
		assertThat(this.tokens.optOutAddress("not a token")).isEmpty();
		assertThat(this.tokens.optOutAddress("%%%.abc")).isEmpty();
	}

}
