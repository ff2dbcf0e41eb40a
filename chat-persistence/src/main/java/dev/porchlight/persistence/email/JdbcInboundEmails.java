package dev.porchlight.persistence.email;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.email.InboundEmails;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Mail taken in, in PostgreSQL: {@code on conflict do nothing} makes the first node to
 * record a mail the one that handles it.
 */
@Repository
class JdbcInboundEmails implements InboundEmails {

	private final JdbcClient jdbc;

	JdbcInboundEmails(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public boolean firstTime(String key, @Nullable ConversationId conversation, Instant at) {
		return this.jdbc.sql("""
				insert into email_inbound (key, conversation_id, received_at) values (:key, :conversation, :at)
				on conflict (key) do nothing
				""")
			.param("key", key)
			.param("conversation", (conversation != null) ? conversation.value() : null)
			.param("at", Timestamp.from(at))
			.update() == 1;
	}

	@Override
	public void startedConversation(String key, ConversationId conversation) {
		this.jdbc.sql("update email_inbound set conversation_id = :conversation where key = :key")
			.param("conversation", conversation.value())
			.param("key", key)
			.update();
	}

	@Override
	public void forget(String key) {
		this.jdbc.sql("delete from email_inbound where key = :key").param("key", key).update();
	}

	@Override
	public Optional<VisitorId> senderVisitor(SiteId site, String address) {
		return this.jdbc.sql("select visitor_id from email_sender where site_id = :site and address = :address")
			.param("site", site.value())
			.param("address", address)
			.query((row, rowNum) -> new VisitorId(row.getObject(1, UUID.class)))
			.optional();
	}

	@Override
	public VisitorId rememberSenderVisitor(SiteId site, String address, VisitorId visitor) {
		this.jdbc.sql("""
				insert into email_sender (site_id, address, visitor_id) values (:site, :address, :visitor)
				on conflict (site_id, address) do nothing
				""").param("site", site.value()).param("address", address).param("visitor", visitor.value()).update();
		return senderVisitor(site, address).orElse(visitor);
	}

}
