package dev.porchlight.domain.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.Optional;

import dev.porchlight.domain.conversation.AttachmentId;

/**
 * Where the bytes of attachments live (PostgreSQL by default, or a directory). Every
 * operation streams: no file is ever held whole in memory.
 */
public interface AttachmentFiles {

	/**
	 * Stores one variant of a file, replacing what was stored under that name.
	 * @param id the file
	 * @param variant which variant
	 * @param content the bytes, read to the end
	 * @param size how many bytes the content has (an object store needs it up front)
	 * @return how many bytes were stored
	 * @throws IOException when the content cannot be read or stored, or has not
	 * {@code size} bytes
	 */
	long write(AttachmentId id, Variant variant, InputStream content, long size) throws IOException;

	/**
	 * Opens one variant of a file for reading.
	 * @param id the file
	 * @param variant which variant
	 * @return its bytes, empty when there is none
	 * @throws IOException when the store cannot be read
	 */
	Optional<Content> open(AttachmentId id, Variant variant) throws IOException;

	/**
	 * Removes every variant of some files; removing what is not there is no error.
	 * @param ids the files
	 */
	void delete(Collection<AttachmentId> ids);

	/**
	 * The bytes of a stored file, streamed; close it when done.
	 *
	 * @param size how many bytes
	 * @param stream the bytes
	 */
	record Content(long size, InputStream stream) implements AutoCloseable {

		@Override
		public void close() throws IOException {
			this.stream.close();
		}

	}

}
