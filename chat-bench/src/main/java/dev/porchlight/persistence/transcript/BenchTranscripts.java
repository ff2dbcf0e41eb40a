package dev.porchlight.persistence.transcript;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.conversation.Transcripts;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The benchmark's handle on the product's archive batch write ({@link JdbcTranscripts} is
 * package-private; this class shares its package from the chat-bench module). One batch
 * runs in one transaction, as the archiver's {@code @Transactional} does.
 */
public final class BenchTranscripts {

	private final JdbcTranscripts transcripts;

	private final TransactionTemplate transaction;

	public BenchTranscripts(DataSource dataSource) {
		this.transcripts = new JdbcTranscripts(JdbcClient.create(dataSource));
		this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
	}

	/**
	 * Archives the next batch of visitor messages of a conversation.
	 * @return the archived sequence after the batch
	 */
	public long archive(UUID conversation, UUID site, UUID visitor, long afterSeq, int batch, long version) {
		Instant now = Instant.now();
		Conversation state = new Conversation(new ConversationId(conversation), new SiteId(site),
				new VisitorId(visitor), null, ConversationStatus.OPEN, PageContext.unknown(), now, now, null);
		List<LogEntry> entries = new ArrayList<>(batch);
		for (int i = 1; i <= batch; i++) {
			long seq = afterSeq + i;
			entries.add(new LogEntry(state.id(), seq, LogEntry.Kind.MESSAGE, new ClientMessageId("b" + seq),
					Sender.visitor(state.visitorId()),
					new MessageBody("Is the silver ring available in size " + seq % 12 + "?"), now));
		}
		Long archived = this.transaction.execute((status) -> this.transcripts.archive(state, version, entries));
		return (archived != null) ? archived : 0;
	}

	/**
	 * Archives conversations the archive has not seen before, each with one visitor
	 * message, in one transaction (one archive pass over new conversations).
	 * @param visitors each conversation's visitor
	 * @param customers each conversation's customer, or null for none
	 */
	public void archiveNewConversations(UUID site, List<UUID> visitors, List<@Nullable UUID> customers) {
		Instant now = Instant.now();
		List<Transcripts.Batch> batches = new ArrayList<>(visitors.size());
		for (int i = 0; i < visitors.size(); i++) {
			UUID customer = customers.get(i);
			Conversation state = new Conversation(ConversationId.random(), new SiteId(site),
					new VisitorId(visitors.get(i)), (customer != null) ? new CustomerId(customer) : null,
					ConversationStatus.OPEN, PageContext.unknown(), now, now, null);
			batches.add(new Transcripts.Batch(state, null, 1,
					List.of(new LogEntry(state.id(), 1, LogEntry.Kind.MESSAGE, new ClientMessageId("n1"),
							Sender.visitor(state.visitorId()),
							new MessageBody("Is the silver ring available in size " + i % 12 + "?"), now))));
		}
		this.transaction.executeWithoutResult((status) -> this.transcripts.archive(batches));
	}

}
