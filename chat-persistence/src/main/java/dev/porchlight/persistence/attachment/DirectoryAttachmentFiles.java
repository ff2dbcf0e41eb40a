package dev.porchlight.persistence.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Optional;

import dev.porchlight.domain.attachment.AttachmentFiles;
import dev.porchlight.domain.attachment.Variant;
import dev.porchlight.domain.conversation.AttachmentId;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Repository;

/**
 * The bytes of attachments in a directory: each variant in a file named after the id and
 * the variant's letter, under two levels of directories named by the id's first hex
 * digits (ab/cd/abcd….f). Each is written to a temporary name beside it and moved into
 * place, so a reader sees a whole file or none. Every node must see the same directory (a
 * shared volume).
 */
@Repository
@ConditionalOnProperty(name = "porchlight.attachments.store", havingValue = "filesystem")
class DirectoryAttachmentFiles implements AttachmentFiles {

	private final Path root;

	DirectoryAttachmentFiles(@Value("${porchlight.attachments.directory:porchlight-data/attachments}") Path root) {
		this.root = root.toAbsolutePath().normalize();
		try {
			Files.createDirectories(this.root);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create the attachment directory " + this.root, ex);
		}
	}

	@Override
	public long write(AttachmentId id, Variant variant, InputStream content, long size) throws IOException {
		Path target = path(id, variant);
		Files.createDirectories(target.getParent());
		Path temporary = Files.createTempFile(target.getParent(), id + ".", ".part");
		try {
			long copied = Files.copy(content, temporary, StandardCopyOption.REPLACE_EXISTING);
			if (copied != size) {
				throw new IOException("the content had " + copied + " bytes, not " + size);
			}
			Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			return copied;
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

	@Override
	public Optional<Content> open(AttachmentId id, Variant variant) throws IOException {
		Path file = path(id, variant);
		try {
			InputStream stream = Files.newInputStream(file);
			return Optional.of(new Content(Files.size(file), stream));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
	}

	@Override
	public void delete(Collection<AttachmentId> ids) {
		for (AttachmentId id : ids) {
			for (Variant variant : Variant.values()) {
				try {
					Files.deleteIfExists(path(id, variant));
				}
				catch (IOException ex) {
					throw new UncheckedIOException("cannot delete an attachment file", ex);
				}
			}
		}
	}

	private Path path(AttachmentId id, Variant variant) {
		String hex = id.value().toString().replace("-", "");
		return this.root.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(id + "." + variant.code());
	}

}
