package dev.porchlight.persistence.attachment;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import dev.porchlight.domain.attachment.AttachmentFiles;
import dev.porchlight.domain.attachment.Attachments;
import dev.porchlight.domain.attachment.Variant;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.conversation.Attachment;
import dev.porchlight.domain.conversation.AttachmentId;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.visitor.VisitorId;
import dev.porchlight.persistence.PersistenceTestApplication;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The attachment records and both stores of their bytes on real PostgreSQL (and a real
 * directory): a file of several chunks comes back byte for byte, streamed; removing one
 * takes every variant; an upload goes with one message only.
 */
@SpringBootTest(classes = PersistenceTestApplication.class)
@UseRealEngines
class AttachmentStoresIntegrationTests {

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);

	@Autowired
	JdbcClient jdbc;

	@Autowired
	Attachments attachments;

	@Autowired
	AttachmentFiles configured;

	@Autowired
	Sites sites;

	@TempDir
	Path directory;

	@Test
	void postgresIsTheDefaultStore() {
		assertThat(this.configured).isInstanceOf(PostgresAttachmentFiles.class);
	}

	@Test
	void postgresKeepsEveryVariantByteForByteInChunks() throws IOException {
		// The application's own (transactional) one, and a plain one: both leave nothing
		// of a
		// file that fails half way.
		StoreChecks.keepsEveryVariant(this.configured);
		StoreChecks.keepsEveryVariant(new PostgresAttachmentFiles(this.jdbc));
	}

	@Test
	void aDirectoryKeepsEveryVariantByteForByte() throws IOException {
		StoreChecks.keepsEveryVariant(new DirectoryAttachmentFiles(this.directory));
		try (var files = Files.walk(this.directory)) {
			assertThat(files.filter(Files::isRegularFile).toList()).as("nothing left behind").isEmpty();
		}
	}

	@Test
	void anUploadGoesWithOneMessageOnlyAndOnlyItsUploadersInItsConversation() {
		ConversationId conversation = ConversationId.random();
		Sender visitor = Sender.visitor(VisitorId.random());
		Attachments.Stored first = stored(conversation, visitor, "a.png");
		Attachments.Stored second = stored(conversation, visitor, "b.pdf");
		this.attachments.add(first);
		this.attachments.add(second);
		// Another sender, another conversation: not theirs.
		assertThatExceptionOfType(DomainException.class)
			.isThrownBy(() -> this.attachments.claim(conversation, Sender.visitor(VisitorId.random()),
					new ClientMessageId("m1"), List.of(first.id())))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("attachment_not_found"));
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> this.attachments
			.claim(ConversationId.random(), visitor, new ClientMessageId("m1"), List.of(first.id())));
		// All or none: one unknown id, and the known one is not taken either.
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> this.attachments.claim(conversation, visitor,
				new ClientMessageId("m1"), List.of(first.id(), AttachmentId.random())));
		assertThat(this.attachments.find(first.id()).orElseThrow().message()).isNull();
		// In the order the message names them; again for a resend; never for another.
		Attachments.Claim claimed = this.attachments.claim(conversation, visitor, new ClientMessageId("m1"),
				List.of(second.id(), first.id()));
		assertThat(claimed.attachments()).extracting(Attachment::name).containsExactly("b.pdf", "a.png");
		assertThat(claimed.fresh()).containsExactlyInAnyOrder(first.id(), second.id());
		Attachments.Claim again = this.attachments.claim(conversation, visitor, new ClientMessageId("m1"),
				List.of(first.id()));
		assertThat(again.attachments()).hasSize(1);
		assertThat(again.fresh()).as("taken by the first attempt").isEmpty();
		assertThatExceptionOfType(DomainException.class).isThrownBy(
				() -> this.attachments.claim(conversation, visitor, new ClientMessageId("m2"), List.of(first.id())));
		assertThat(this.attachments.sentIn(List.of(conversation))).extracting(Attachments.Stored::id)
			.containsExactlyInAnyOrder(first.id(), second.id());
		// Given back (the message was not stored): free for another message; another
		// message's release changes nothing.
		this.attachments.release(List.of(second.id()), new ClientMessageId("other"));
		assertThat(this.attachments.find(second.id()).orElseThrow().message()).isNotNull();
		this.attachments.release(List.of(second.id()), new ClientMessageId("m1"));
		assertThat(this.attachments.find(second.id()).orElseThrow().message()).isNull();
		assertThat(
				this.attachments.claim(conversation, visitor, new ClientMessageId("m3"), List.of(second.id())).fresh())
			.containsExactly(second.id());
		// Unsent uploads are forgotten after a while; sent ones stay until erased.
		Attachments.Stored unsent = stored(conversation, visitor, "c.txt");
		this.attachments.add(unsent);
		assertThat(this.attachments.removeUnsent(NOW.plusSeconds(1), 1000)).contains(unsent.id())
			.doesNotContain(first.id());
		assertThat(this.attachments.removeOf(List.of(conversation))).containsExactlyInAnyOrder(first.id(), second.id());
		assertThat(this.attachments.find(first.id())).isEmpty();
	}

	@Test
	void aSiteKeepsOriginalsOnlyWhenItsOwnerSaysSo() {
		Site created = Site.create("Originals", List.of(new AllowedOrigin("https://originals.example")), NOW);
		this.sites.add(created);
		SiteId site = created.id();
		assertThat(this.attachments.keepsOriginals(site)).isFalse();
		assertThat(this.attachments.keepsOriginals(SiteId.random())).isFalse();
		this.attachments.keepOriginals(site, true);
		assertThat(this.attachments.keepsOriginals(site)).isTrue();
		this.attachments.keepOriginals(site, false);
		assertThat(this.attachments.keepsOriginals(site)).isFalse();
	}

	private static Attachments.Stored stored(ConversationId conversation, Sender uploader, String name) {
		return new Attachments.Stored(
				new Attachment(AttachmentId.random(), name,
						name.endsWith(".png") ? "image/png" : name.endsWith(".pdf") ? "application/pdf" : "text/plain",
						10, name.endsWith(".png") ? 4 : 0, name.endsWith(".png") ? 3 : 0),
				SiteId.random(), conversation, uploader, false, null, NOW);
	}

}
