package dev.porchlight.persistence.annotation;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.annotation.Annotations;
import dev.porchlight.domain.annotation.Note;
import dev.porchlight.domain.common.Text;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.customer.CustomerId;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tags and notes in PostgreSQL. Tags are shared names ({@code citext}, so "VIP" and "vip"
 * are one tag), created on first use.
 */
@Repository
class JdbcAnnotations implements Annotations {

	private static final String ENSURE_TAG = """
			insert into tag (id, name, created_at) values (:id, cast(:name as citext), :now)
			on conflict (name) do nothing
			""";

	private final JdbcClient jdbc;

	JdbcAnnotations(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	@Transactional
	public void tag(ConversationId conversation, String tag) {
		ensure(tag);
		this.jdbc.sql("""
				insert into conversation_tag (conversation_id, tag_id)
				select :id, t.id from tag t where t.name = cast(:name as citext)
				on conflict do nothing
				""").param("id", conversation.value()).param("name", name(tag)).update();
	}

	@Override
	public void untag(ConversationId conversation, String tag) {
		this.jdbc.sql("""
				delete from conversation_tag
				 where conversation_id = :id and tag_id = (select id from tag where name = cast(:name as citext))
				""").param("id", conversation.value()).param("name", name(tag)).update();
	}

	@Override
	public List<String> tags(ConversationId conversation) {
		return this.jdbc.sql("""
				select t.name::text from conversation_tag ct join tag t on t.id = ct.tag_id
				 where ct.conversation_id = :id order by t.name
				""").param("id", conversation.value()).query(String.class).list();
	}

	@Override
	@Transactional
	public void tag(CustomerId customer, String tag) {
		ensure(tag);
		this.jdbc.sql("""
				insert into customer_tag (customer_id, tag_id)
				select :id, t.id from tag t where t.name = cast(:name as citext)
				on conflict do nothing
				""").param("id", customer.value()).param("name", name(tag)).update();
	}

	@Override
	public void untag(CustomerId customer, String tag) {
		this.jdbc.sql("""
				delete from customer_tag
				 where customer_id = :id and tag_id = (select id from tag where name = cast(:name as citext))
				""").param("id", customer.value()).param("name", name(tag)).update();
	}

	@Override
	public List<String> tags(CustomerId customer) {
		return this.jdbc.sql("""
				select t.name::text from customer_tag ct join tag t on t.id = ct.tag_id
				 where ct.customer_id = :id order by t.name
				""").param("id", customer.value()).query(String.class).list();
	}

	@Override
	public void addNote(ConversationId conversation, Note note) {
		insertNote(note, conversation.value(), null);
	}

	@Override
	public List<Note> notes(ConversationId conversation) {
		return notes("conversation_id", conversation.value());
	}

	@Override
	public void addNote(CustomerId customer, Note note) {
		insertNote(note, null, customer.value());
	}

	@Override
	public List<Note> notes(CustomerId customer) {
		return notes("customer_id", customer.value());
	}

	private void insertNote(Note note, UUID conversation, UUID customer) {
		this.jdbc.sql("""
				insert into note (id, conversation_id, customer_id, author_id, body, created_at)
				values (:id, :conversation, :customer, :author, :body, :at)
				""")
			.param("id", note.id())
			.param("conversation", conversation)
			.param("customer", customer)
			.param("author", (note.author() != null) ? note.author().value() : null)
			.param("body", note.body())
			.param("at", Timestamp.from(note.at()))
			.update();
	}

	private List<Note> notes(String column, UUID id) {
		String sql = "conversation_id".equals(column)
				? "select id, author_id, body, created_at from note where conversation_id = :id order by created_at, id"
				: "select id, author_id, body, created_at from note where customer_id = :id order by created_at, id";
		return this.jdbc.sql(sql).param("id", id).query((row, rowNum) -> {
			UUID author = row.getObject("author_id", UUID.class);
			return new Note(row.getObject("id", UUID.class), (author != null) ? new AccountId(author) : null,
					row.getString("body"), row.getTimestamp("created_at").toInstant());
		}).list();
	}

	private void ensure(String tag) {
		this.jdbc.sql(ENSURE_TAG)
			.param("id", UUID.randomUUID())
			.param("name", name(tag))
			.param("now", Timestamp.from(Instant.now()))
			.update();
	}

	private static String name(String tag) {
		return Text.required("tag", tag, 40);
	}

}
