package dev.porchlight.persistence.search;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.porchlight.domain.search.ConversationHit;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The snippets of a page of conversation search results: the best-matching message(s) of
 * each conversation, with the words that match the query marked ({@link Snippets} cuts
 * them).
 */
final class BestMessages {

	/**
	 * The best messages of each conversation on the page
	 * ({@code porchlight_best_messages}: among its 30 latest messages with a query word
	 * and the 3 latest with all of them, most clauses covered, then the densest); a
	 * conversation found by its customer alone has none that match and shows its first
	 * message.
	 */
	private static final String BEST_MESSAGES = """
			select p.id as conversation_id, b.seq, b.body, b.config, b.covered
			  from unnest(cast(:ids as uuid[])) as p(id),
			       lateral (select * from porchlight_best_messages(p.id, cast(:terms as tsquery[]),
			                                                       cast(:anyTerm as tsquery), cast(:allTerms as tsquery))
			                union all
			                (select m.seq, m.body, cast(m.search_config as text), cast('{}' as bigint[])
			                   from message m
			                  where m.conversation_id = p.id
			                    and not exists (select 1 from message n where n.conversation_id = p.id
			                                       and n.search_vector @@ cast(:anyTerm as tsquery))
			                  order by m.seq
			                  limit 1)) b
			""";

	/**
	 * Which words of the snippets match, normalised like the index: the words are already
	 * split as the index splits them, so each needs only its stems, its exact form and
	 * itself (an emoji).
	 */
	private static final String MATCHING_WORDS = """
			select distinct w.word from unnest(cast(:words as text[]), cast(:configs as text[])) as w(word, config)
			 where (to_tsvector(cast(w.config as regconfig), w.word) || to_tsvector('porchlight_simple', w.word)
			        || array_to_tsvector(array[w.word])) @@ cast(:lexemes as tsquery)
			""";

	private BestMessages() {
	}

	/**
	 * The best-matching message(s) of each conversation on a page, as snippets.
	 * @param jdbc the client of the search's connection, which runs with custom plans;
	 * every statement runs on it, so a search never holds one pooled connection while
	 * waiting for another
	 * @param page the ids of the page's conversations
	 * @param built the query as the database reads it
	 * @return the seq of the best message and the snippet, by conversation id
	 */
	static Map<UUID, Best> snippets(JdbcClient jdbc, List<UUID> page, JdbcSearch.Built built) {
		if (page.isEmpty()) {
			return Map.of();
		}
		Map<UUID, List<Message>> messages = new LinkedHashMap<>();
		jdbc.sql(BEST_MESSAGES)
			.param("ids", page.toArray(UUID[]::new))
			.param("terms", built.terms().toArray(String[]::new))
			.param("anyTerm", built.anyTerm())
			// Every clause in one message: searched for apart only when there is more
			// than one.
			.param("allTerms", (built.terms().size() > 1) ? built.ranking() : null)
			.query((row, rowNum) -> {
				Set<Integer> coveredSet = new HashSet<>();
				for (Object value : (Object[]) row.getArray("covered").getArray()) {
					coveredSet.add(((Number) value).intValue());
				}
				messages.computeIfAbsent(row.getObject("conversation_id", UUID.class), (id) -> new ArrayList<>())
					.add(new Message(row.getLong("seq"), row.getString("body"), row.getString("config"), coveredSet));
				return null;
			})
			.list();
		Map<UUID, List<Message>> shown = new HashMap<>();
		messages.forEach((id, candidates) -> shown.put(id, shown(candidates, built.terms().size())));
		Set<String> matching = matchingWords(jdbc, shown.values(), built.lexemes());
		Map<UUID, Best> best = new HashMap<>();
		shown.forEach((id, parts) -> {
			List<ConversationHit.Segment> snippet = new ArrayList<>();
			for (Message part : parts) {
				if (!snippet.isEmpty()) {
					snippet.add(new ConversationHit.Segment(ConversationHit.GAP, false));
				}
				snippet.addAll(Snippets.of(part.body, part.covered.isEmpty() ? Set.of() : matching));
			}
			best.put(id, new Best(parts.get(0).seq, snippet));
		});
		return best;
	}

	/**
	 * The best message, and if it lacks some clause the next one that has more of them.
	 */
	private static List<Message> shown(List<Message> candidates, int clauses) {
		Message first = candidates.get(0);
		if (first.covered.size() >= clauses) {
			return List.of(first);
		}
		return candidates.stream()
			.skip(1)
			.filter((other) -> !first.covered.containsAll(other.covered))
			.findFirst()
			.map((other) -> List.of(first, other))
			.orElse(List.of(first));
	}

	private static Set<String> matchingWords(JdbcClient jdbc, Iterable<List<Message>> shown, @Nullable String lexemes) {
		List<String> words = new ArrayList<>();
		List<String> configs = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		for (List<Message> parts : shown) {
			for (Message part : parts) {
				for (Snippets.Word word : Snippets.words(part.body)) {
					if (seen.add(part.config + " " + word.text())) {
						words.add(word.text());
						configs.add(part.config);
					}
				}
			}
		}
		if (words.isEmpty() || lexemes == null) {
			return Set.of();
		}
		return new HashSet<>(jdbc.sql(MATCHING_WORDS)
			.param("words", words.toArray(String[]::new))
			.param("configs", configs.toArray(String[]::new))
			.param("lexemes", lexemes)
			.query(String.class)
			.list());
	}

	private record Message(long seq, String body, String config, Set<Integer> covered) {
	}

	/**
	 * The snippet of a conversation.
	 *
	 * @param seq the seq of its best message
	 * @param snippet the snippet
	 */
	record Best(long seq, List<ConversationHit.Segment> snippet) {
	}

}
