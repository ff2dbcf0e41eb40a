package dev.porchlight.persistence.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.porchlight.domain.attachment.AttachmentFiles;
import dev.porchlight.domain.attachment.Variant;
import dev.porchlight.domain.conversation.AttachmentId;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The bytes of attachments in PostgreSQL ({@code attachment_chunk}, V12): each variant in
 * chunks of {@value #CHUNK} bytes, written and read one chunk per statement, so neither
 * side ever holds more than a chunk; a variant is written in one transaction.
 */
@Repository
@ConditionalOnProperty(name = "porchlight.attachments.store", havingValue = "postgres", matchIfMissing = true)
class PostgresAttachmentFiles implements AttachmentFiles {

	static final int CHUNK = 256 * 1024;

	private final JdbcClient jdbc;

	PostgresAttachmentFiles(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * In one transaction on one connection: readers see the whole file or none of it, and
	 * a file that fails half way leaves nothing.
	 */
	@Override
	@Transactional(rollbackFor = IOException.class)
	public long write(AttachmentId id, Variant variant, InputStream content, long size) throws IOException {
		remove(id, variant);
		byte[] buffer = new byte[CHUNK];
		long total = 0;
		int seq = 0;
		try {
			while (true) {
				int filled = content.readNBytes(buffer, 0, CHUNK);
				if (filled == 0 && seq > 0) {
					break;
				}
				this.jdbc.sql(
						"insert into attachment_chunk (attachment_id, variant, seq, data) values (:id, :v, :seq, :data)")
					.param("id", id.value())
					.param("v", variant.code())
					.param("seq", seq++)
					.param("data", (filled == CHUNK) ? buffer : Arrays.copyOf(buffer, filled))
					.update();
				total += filled;
				if (filled < CHUNK) {
					break;
				}
			}
			if (total != size) {
				throw new IOException("the content had " + total + " bytes, not " + size);
			}
			return total;
		}
		catch (IOException | RuntimeException ex) {
			// Half a file is no file.
			remove(id, variant);
			throw ex;
		}
	}

	@Override
	public Optional<Content> open(AttachmentId id, Variant variant) {
		List<Integer> sizes = this.jdbc.sql(
				"select octet_length(data) from attachment_chunk where attachment_id = :id and variant = :v order by seq")
			.param("id", id.value())
			.param("v", variant.code())
			.query(Integer.class)
			.list();
		if (sizes.isEmpty()) {
			return Optional.empty();
		}
		long size = sizes.stream().mapToLong(Integer::longValue).sum();
		return Optional.of(new Content(size, new ChunkStream(id, variant, sizes.size())));
	}

	@Override
	public void delete(Collection<AttachmentId> ids) {
		if (ids.isEmpty()) {
			return;
		}
		this.jdbc.sql("delete from attachment_chunk where attachment_id = any(:ids)")
			.param("ids", ids.stream().map(AttachmentId::value).toArray(UUID[]::new))
			.update();
	}

	private void remove(AttachmentId id, Variant variant) {
		this.jdbc.sql("delete from attachment_chunk where attachment_id = :id and variant = :v")
			.param("id", id.value())
			.param("v", variant.code())
			.update();
	}

	/**
	 * The chunks of one variant, each read when the previous one is used up.
	 */
	private final class ChunkStream extends InputStream {

		private final AttachmentId id;

		private final Variant variant;

		private final int chunks;

		private int next;

		private byte @Nullable [] current;

		private int position;

		ChunkStream(AttachmentId id, Variant variant, int chunks) {
			this.id = id;
			this.variant = variant;
			this.chunks = chunks;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			int read = read(one, 0, 1);
			return (read < 0) ? -1 : (one[0] & 0xff);
		}

		@Override
		public int read(byte[] target, int offset, int length) throws IOException {
			if (length == 0) {
				return 0;
			}
			while (this.current == null || this.position >= this.current.length) {
				if (this.next >= this.chunks) {
					return -1;
				}
				this.current = chunk(this.next++);
				this.position = 0;
			}
			int count = Math.min(length, this.current.length - this.position);
			System.arraycopy(this.current, this.position, target, offset, count);
			this.position += count;
			return count;
		}

		private byte[] chunk(int seq) throws IOException {
			return PostgresAttachmentFiles.this.jdbc
				.sql("select data from attachment_chunk where attachment_id = :id and variant = :v and seq = :seq")
				.param("id", this.id.value())
				.param("v", this.variant.code())
				.param("seq", seq)
				.query(byte[].class)
				.optional()
				// Deleted while being read (the customer was erased meanwhile).
				.orElseThrow(() -> new IOException("attachment removed while read"));
		}

	}

}
