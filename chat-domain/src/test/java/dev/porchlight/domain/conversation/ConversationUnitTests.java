package dev.porchlight.domain.conversation;

import java.time.Instant;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ConversationUnitTests {

	private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

	private final VisitorId visitor = VisitorId.random();

	private final Conversation started = Conversation.start(SiteId.random(), this.visitor, null,
			new PageContext("https://shop.example/rings", "Rings", null, "de-ch"), T0);

	@Test
	void closingAndReopeningTrackTimeAndStatus() {
		Conversation closed = this.started.close(T0.plusSeconds(60));
		assertThat(closed.isOpen()).isFalse();
		assertThat(closed.closedAt()).isEqualTo(T0.plusSeconds(60));
		assertThat(closed.close(T0.plusSeconds(90))).isEqualTo(closed);
		Conversation reopened = closed.reopen(T0.plusSeconds(120));
		assertThat(reopened.isOpen()).isTrue();
		assertThat(reopened.closedAt()).isNull();
		assertThat(reopened.lastActivityAt()).isEqualTo(T0.plusSeconds(120));
		assertThat(reopened.id()).isEqualTo(this.started.id());
	}

	@Test
	void onlyTheStartingVisitorOwnsIt() {
		assertThat(this.started.belongsTo(this.visitor)).isTrue();
		assertThat(this.started.belongsTo(VisitorId.random())).isFalse();
	}

	@Test
	void pageContextAcceptsOnlyWebAddressesAndLanguageTags() {
		assertThat(this.started.context().locale()).isEqualTo("de-CH");
		assertThatExceptionOfType(DomainException.class)
			.isThrownBy(() -> new PageContext("javascript:alert(1)", null, null, null))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("invalid_page_url"));
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> new PageContext(null, null, null, "<script>"))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("invalid_locale"));
	}

	@Test
	void messagesHaveBoundedBodiesAndWellFormedClientIds() {
		assertThat(new MessageBody("  hello  ").text()).isEqualTo("hello");
		assertThat(new MessageBody("secret order details").toString()).doesNotContain("secret");
		assertThatExceptionOfType(DomainException.class)
			.isThrownBy(() -> new MessageBody("x".repeat(MessageBody.MAX_LENGTH + 1)))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("invalid_message"));
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> MessageBody.typed("   "))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("invalid_message"));
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> MessageBody.typed(""));
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> new MessageBody("  "))
			.as("only the files-only body is empty");
		assertThat(MessageBody.NONE.isEmpty()).isTrue();
		assertThat(MessageBody.typed(" hi ").text()).isEqualTo("hi");
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> new ClientMessageId("has space"))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("invalid_client_id"));
		assertThatIllegalArgumentException().isThrownBy(() -> new Message(this.started.id(), 0,
				new ClientMessageId("c1"), Sender.visitor(this.visitor), new MessageBody("hi"), T0));
	}

	@Test
	void aSenderCarriesExactlyTheIdOfItsKind() {
		assertThat(Sender.staff(AccountId.random()).kind()).isEqualTo(Sender.Kind.STAFF);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Sender(Sender.Kind.VISITOR, null, AccountId.random()));
		assertThatIllegalArgumentException().isThrownBy(() -> new Sender(Sender.Kind.SYSTEM, this.visitor, null));
	}

}
