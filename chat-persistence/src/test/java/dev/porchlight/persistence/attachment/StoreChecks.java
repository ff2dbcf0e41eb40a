package dev.porchlight.persistence.attachment;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import dev.porchlight.domain.attachment.AttachmentFiles;
import dev.porchlight.domain.attachment.Variant;
import dev.porchlight.domain.conversation.AttachmentId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What every store of attachment bytes must do, for the tests of each.
 */
final class StoreChecks {

	private StoreChecks() {
	}

	/**
	 * Checks a store: a file of several chunks comes back byte for byte, exactly one
	 * chunk and an empty file too, writing again replaces, a stream that fails or has
	 * fewer bytes than said leaves nothing, and deleting takes every variant.
	 * @param store the store
	 * @return the id whose writes failed, to check the store kept nothing of it
	 */
	static AttachmentId keepsEveryVariant(AttachmentFiles store) throws IOException {
		AttachmentId id = AttachmentId.random();
		// Two and a half chunks, so the seams are crossed.
		byte[] file = random(PostgresAttachmentFiles.CHUNK * 2 + PostgresAttachmentFiles.CHUNK / 2, 1);
		byte[] thumbnail = random(1000, 2);
		assertThat(store.write(id, Variant.FILE, new ByteArrayInputStream(file), file.length)).isEqualTo(file.length);
		store.write(id, Variant.THUMBNAIL, new ByteArrayInputStream(thumbnail), thumbnail.length);
		assertThat(read(store, id, Variant.FILE)).contains(file);
		assertThat(read(store, id, Variant.THUMBNAIL)).contains(thumbnail);
		assertThat(read(store, id, Variant.ORIGINAL)).isEmpty();
		// Exactly one chunk, and an empty file.
		byte[] exact = random(PostgresAttachmentFiles.CHUNK, 3);
		store.write(id, Variant.ORIGINAL, new ByteArrayInputStream(exact), exact.length);
		assertThat(read(store, id, Variant.ORIGINAL)).contains(exact);
		store.write(id, Variant.ORIGINAL, new ByteArrayInputStream(new byte[0]), 0);
		assertThat(read(store, id, Variant.ORIGINAL)).contains(new byte[0]);
		// Writing again replaces, also with fewer chunks.
		store.write(id, Variant.FILE, new ByteArrayInputStream(thumbnail), thumbnail.length);
		assertThat(read(store, id, Variant.FILE)).contains(thumbnail);
		// A stream that fails half way leaves nothing.
		AttachmentId broken = AttachmentId.random();
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> store.write(broken, Variant.FILE,
				failingAfter(PostgresAttachmentFiles.CHUNK + 10), PostgresAttachmentFiles.CHUNK * 2));
		assertThat(read(store, broken, Variant.FILE)).isEmpty();
		// Fewer bytes than said: refused, nothing kept.
		assertThatExceptionOfType(IOException.class).isThrownBy(
				() -> store.write(broken, Variant.FILE, new ByteArrayInputStream(thumbnail), thumbnail.length + 1));
		assertThat(read(store, broken, Variant.FILE)).isEmpty();
		store.delete(List.of(id, AttachmentId.random()));
		for (Variant variant : Variant.values()) {
			assertThat(read(store, id, variant)).isEmpty();
		}
		return broken;
	}

	static Optional<byte[]> read(AttachmentFiles store, AttachmentId id, Variant variant) throws IOException {
		Optional<AttachmentFiles.Content> content = store.open(id, variant);
		if (content.isEmpty()) {
			return Optional.empty();
		}
		try (AttachmentFiles.Content opened = content.get()) {
			byte[] bytes = opened.stream().readAllBytes();
			assertThat(bytes).hasSize((int) opened.size());
			return Optional.of(bytes);
		}
	}

	static byte[] random(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	static InputStream failingAfter(int bytes) {
		return new InputStream() {

			private int read;

			@Override
			public int read() throws IOException {
				if (this.read++ >= bytes) {
					throw new IOException("the upload broke off");
				}
				return 7;
			}

		};
	}

}
