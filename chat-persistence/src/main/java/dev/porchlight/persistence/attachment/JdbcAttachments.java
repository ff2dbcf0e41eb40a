package dev.porchlight.persistence.attachment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.porchlight.domain.attachment.Attachments;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.conversation.Attachment;
import dev.porchlight.domain.conversation.AttachmentId;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.site.SiteId;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Attachment records in PostgreSQL ({@code attachment}, V12).
 */
@Repository
class JdbcAttachments implements Attachments {

	private static final String COLUMNS = """
			id, site_id, conversation_id, uploader_kind, uploader_id, name, media_type, size, width, height,
			original, client_msg_id, uploaded_at""";

	private final JdbcClient jdbc;

	JdbcAttachments(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public void add(Stored upload) {
		Attachment attachment = upload.attachment();
		this.jdbc.sql("""
				insert into attachment (id, site_id, conversation_id, uploader_kind, uploader_id, name, media_type,
				                        size, width, height, original, client_msg_id, uploaded_at)
				values (:id, :site, :conversation, :kind, :uploader, :name, :type, :size, :width, :height,
				        :original, :message, :at)
				""")
			.param("id", attachment.id().value())
			.param("site", upload.site().value())
			.param("conversation", upload.conversation().value())
			.param("kind", upload.uploader().kind().name())
			.param("uploader", upload.uploader().id())
			.param("name", attachment.name())
			.param("type", attachment.mediaType())
			.param("size", attachment.size())
			.param("width", attachment.width())
			.param("height", attachment.height())
			.param("original", upload.original())
			.param("message", (upload.message() != null) ? upload.message().value() : null)
			.param("at", Timestamp.from(upload.uploadedAt()))
			.update();
	}

	@Override
	@Transactional
	public Claim claim(ConversationId conversation, Sender uploader, ClientMessageId message, List<AttachmentId> ids) {
		if (ids.isEmpty()) {
			return new Claim(List.of(), List.of());
		}
		// One statement: every upload the sender's, in the conversation, free or already
		// this
		// message's (a resend); two messages claiming one upload at once serialise on its
		// row.
		List<Object[]> claimed = this.jdbc.sql("""
				with target as (
				    select id, client_msg_id as before from attachment
				     where id = any(:ids) and conversation_id = :conversation and uploader_kind = :kind
				       and uploader_id = :uploader and (client_msg_id is null or client_msg_id = :message)
				       for update)
				update attachment a set client_msg_id = :message from target t where a.id = t.id
				returning a.id, a.name, a.media_type, a.size, a.width, a.height, t.before
				""")
			.param("message", message.value())
			.param("ids", ids.stream().map(AttachmentId::value).toArray(UUID[]::new))
			.param("conversation", conversation.value())
			.param("kind", uploader.kind().name())
			.param("uploader", uploader.id())
			.query((row, rowNum) -> new Object[] { attachment(row), row.getString("before") == null })
			.list();
		if (claimed.size() != ids.stream().distinct().count()) {
			// Not all of them: none of them (the transaction rolls back).
			throw new DomainException("attachment_not_found", "A file of this message was not found: upload it again.");
		}
		Map<AttachmentId, Attachment> byId = new HashMap<>();
		List<AttachmentId> fresh = new java.util.ArrayList<>();
		for (Object[] row : claimed) {
			Attachment attachment = (Attachment) row[0];
			byId.put(attachment.id(), attachment);
			if ((Boolean) row[1]) {
				fresh.add(attachment.id());
			}
		}
		return new Claim(ids.stream().distinct().map(byId::get).toList(), fresh);
	}

	@Override
	public void release(List<AttachmentId> ids, ClientMessageId message) {
		if (ids.isEmpty()) {
			return;
		}
		this.jdbc.sql("update attachment set client_msg_id = null where id = any(:ids) and client_msg_id = :message")
			.param("ids", ids.stream().map(AttachmentId::value).toArray(UUID[]::new))
			.param("message", message.value())
			.update();
	}

	@Override
	public Optional<Stored> find(AttachmentId id) {
		return this.jdbc.sql("select " + COLUMNS + " from attachment where id = :id")
			.param("id", id.value())
			.query((row, rowNum) -> stored(row))
			.optional();
	}

	@Override
	public List<Stored> sentIn(Collection<ConversationId> conversations) {
		if (conversations.isEmpty()) {
			return List.of();
		}
		return this.jdbc.sql("select " + COLUMNS + """
				 from attachment
				 where conversation_id = any(:conversations) and client_msg_id is not null
				 order by uploaded_at, id
				""")
			.param("conversations", conversations.stream().map(ConversationId::value).toArray(UUID[]::new))
			.query((row, rowNum) -> stored(row))
			.list();
	}

	@Override
	public List<AttachmentId> removeOf(Collection<ConversationId> conversations) {
		if (conversations.isEmpty()) {
			return List.of();
		}
		return this.jdbc.sql("delete from attachment where conversation_id = any(:conversations) returning id")
			.param("conversations", conversations.stream().map(ConversationId::value).toArray(UUID[]::new))
			.query((row, rowNum) -> new AttachmentId(row.getObject(1, UUID.class)))
			.list();
	}

	@Override
	public boolean removeUnsent(AttachmentId id, ConversationId conversation, Sender uploader) {
		return this.jdbc.sql("""
				delete from attachment
				 where id = :id and conversation_id = :conversation and uploader_kind = :kind
				   and uploader_id = :uploader and client_msg_id is null
				""")
			.param("id", id.value())
			.param("conversation", conversation.value())
			.param("kind", uploader.kind().name())
			.param("uploader", uploader.id())
			.update() == 1;
	}

	@Override
	public List<AttachmentId> removeUnsent(Instant uploadedBefore, int limit) {
		return this.jdbc.sql("""
				delete from attachment where id in (
				    select id from attachment where client_msg_id is null and uploaded_at < :before
				     order by uploaded_at limit :limit for update skip locked)
				returning id
				""")
			.param("before", Timestamp.from(uploadedBefore))
			.param("limit", limit)
			.query((row, rowNum) -> new AttachmentId(row.getObject(1, UUID.class)))
			.list();
	}

	@Override
	public boolean keepsOriginals(SiteId site) {
		return this.jdbc.sql("select keep_originals from site_attachment_policy where site_id = :site")
			.param("site", site.value())
			.query(Boolean.class)
			.optional()
			.orElse(false);
	}

	@Override
	public void keepOriginals(SiteId site, boolean keep) {
		this.jdbc.sql("""
				insert into site_attachment_policy (site_id, keep_originals) values (:site, :keep)
				on conflict (site_id) do update set keep_originals = excluded.keep_originals
				""").param("site", site.value()).param("keep", keep).update();
	}

	private static Attachment attachment(ResultSet row) throws SQLException {
		return new Attachment(new AttachmentId(row.getObject("id", UUID.class)), row.getString("name"),
				row.getString("media_type"), row.getLong("size"), row.getInt("width"), row.getInt("height"));
	}

	private static Stored stored(ResultSet row) throws SQLException {
		String message = row.getString("client_msg_id");
		return new Stored(attachment(row), new SiteId(row.getObject("site_id", UUID.class)),
				new ConversationId(row.getObject("conversation_id", UUID.class)),
				Sender.of(Sender.Kind.valueOf(row.getString("uploader_kind")),
						row.getObject("uploader_id", UUID.class)),
				row.getBoolean("original"), (message != null) ? new ClientMessageId(message) : null,
				row.getTimestamp("uploaded_at").toInstant());
	}

}
