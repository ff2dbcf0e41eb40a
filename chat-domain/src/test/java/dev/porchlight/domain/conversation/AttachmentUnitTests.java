package dev.porchlight.domain.conversation;

import dev.porchlight.domain.common.DomainException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class AttachmentUnitTests {

	@Test
	void aFileNameKeepsOnlyItsLastPartWithoutControlCharacters() {
		assertThat(Attachment.name("C:\\Users\\ana\\Photos\\ring.jpg")).isEqualTo("ring.jpg");
		assertThat(Attachment.name("../../etc/passwd")).isEqualTo("passwd");
		assertThat(Attachment.name("  .hidden\u0000name\u202e.txt ")).isEqualTo("hiddenname.txt");
		assertThat(Attachment.name("say \"cheese\".png")).isEqualTo("say cheese.png");
		assertThat(Attachment.name("théière 🫖.pdf")).isEqualTo("théière 🫖.pdf");
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> Attachment.name("dir/"))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("invalid_file_name"));
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> Attachment.name("..."));
	}

	@Test
	void aLongNameIsCutButKeepsItsExtension() {
		String name = Attachment.name("a".repeat(500) + ".jpeg");
		assertThat(name).hasSize(Attachment.MAX_NAME).endsWith(".jpeg").startsWith("aaaa");
		assertThat(Attachment.name("ü".repeat(300))).hasSize(Attachment.MAX_NAME);
	}

	@Test
	void onlyPicturesAreImagesAndNamesStayOutOfLogs() {
		Attachment photo = new Attachment(AttachmentId.random(), "secret-plan.png", "image/png", 10, 2, 2);
		assertThat(photo.image()).isTrue();
		assertThat(new Attachment(AttachmentId.random(), "a.pdf", "application/pdf", 10, 0, 0).image()).isFalse();
		assertThat(photo.toString()).doesNotContain("secret");
	}

}
