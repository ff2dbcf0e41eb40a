package dev.porchlight.persistence.search;

import java.util.List;
import java.util.UUID;

import dev.porchlight.domain.search.SearchIndex;
import dev.porchlight.domain.site.SiteId;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Indexes a site's archive again after its search language changed: 500 conversations per
 * transaction, in id order, so archiving and searching go on meanwhile and a repeat after
 * an interruption only does what is left (messages already in the new language are
 * skipped).
 */
@Repository
class JdbcSearchIndex implements SearchIndex {

	private static final int BATCH = 500;

	private static final String NEXT_BATCH = """
			select id from conversation where site_id = :site and id > :after order by id limit :size
			""";

	private static final String REINDEX_MESSAGES = """
			update message m set search_config = s.search_config
			  from site s
			 where s.id = :site and m.conversation_id = any(cast(:ids as uuid[])) and m.search_config <> s.search_config
			""";

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	JdbcSearchIndex(JdbcClient jdbc, PlatformTransactionManager transactions) {
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactions);
	}

	@Override
	public long reindex(SiteId site) {
		long reindexed = 0;
		UUID after = new UUID(0, 0);
		while (true) {
			List<UUID> batch = this.jdbc.sql(NEXT_BATCH)
				.param("site", site.value())
				.param("after", after)
				.param("size", BATCH)
				.query(UUID.class)
				.list();
			if (batch.isEmpty()) {
				return reindexed;
			}
			UUID[] ids = batch.toArray(UUID[]::new);
			reindexed += this.transactions.execute((status) -> {
				int changed = this.jdbc.sql(REINDEX_MESSAGES).param("site", site.value()).param("ids", ids).update();
				if (changed > 0) {
					this.jdbc.sql("select porchlight_rebuild_search(cast(:ids as uuid[]))")
						.param("ids", ids)
						.query((row, rowNum) -> null)
						.list();
				}
				return changed;
			});
			after = batch.get(batch.size() - 1);
		}
	}

}
