package dev.porchlight.api.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import dev.porchlight.api.live.LiveTestClient;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checker of a fault's history, like a linearizability checker: for every
 * conversation of a {@link Load}, the log as a node serves it, what every client saw and
 * what PostgreSQL archived must each contain every acknowledged message exactly once,
 * every writer's messages in the order it sent them, with no gap in the sequence.
 */
final class History {

	private final List<NodeProcess> nodes;

	private final JdbcClient jdbc;

	private final Duration archiveDeadline;

	/**
	 * @param nodes the nodes; the log is read from the first one alive
	 * @param jdbc the archive
	 */
	History(List<NodeProcess> nodes, JdbcClient jdbc) {
		this(nodes, jdbc, Duration.ofSeconds(30));
	}

	/**
	 * @param nodes the nodes; the log is read from the first one alive
	 * @param jdbc the archive
	 * @param archiveDeadline how long the archive may take to catch up with the log
	 */
	History(List<NodeProcess> nodes, JdbcClient jdbc, Duration archiveDeadline) {
		this.nodes = nodes;
		this.jdbc = jdbc;
		this.archiveDeadline = archiveDeadline;
	}

	/**
	 * The checker: the log of each conversation as a node serves it, what the clients
	 * saw, and PostgreSQL's archive.
	 */
	Figures check(String name, Load load, List<String> others, long stoppedAt) throws Exception {
		Figures figures = new Figures(name);
		Map<String, TreeMap<Long, String>> logs = new HashMap<>();
		for (Map.Entry<String, String> conversation : load.conversations.entrySet()) {
			logs.put(conversation.getKey(), logOf(conversation.getKey(), conversation.getValue()));
		}
		for (Load.Client writer : load.writers()) {
			figures.reconnects += writer.reconnects.get();
			for (Load.Sent sent : writer.sent) {
				figures.sent++;
				figures.acked += sent.acked() ? 1 : 0;
				figures.unacked += sent.acked() ? 0 : 1;
				long copies = logs.get(sent.conversation()).values().stream().filter(sent.clientId()::equals).count();
				if (sent.acked() && copies == 0) {
					figures.lost++;
				}
				figures.duplicated += Math.max(0, copies - 1);
			}
			for (String conversation : logs.keySet()) {
				String prefix = writer.name + "-";
				List<String> stored = logs.get(conversation)
					.values()
					.stream()
					.filter((clientId) -> clientId.startsWith(prefix))
					.toList();
				figures.require(stored.equals(writer.sentIn(conversation)), "%s's messages in %s, in the order sent",
						writer.name, conversation);
			}
		}
		if (!others.isEmpty()) {
			List<String> stored = logs.values()
				.stream()
				.flatMap((log) -> log.values().stream())
				.filter(Set.copyOf(others)::contains)
				.toList();
			figures.require(stored.equals(others), "the fault's own messages, once each, in order");
		}

		// What the clients saw: once caught up, exactly the log, each event once.
		List<Load.Client> readers = new ArrayList<>(load.visitors);
		readers.add(load.dashboard);
		boolean caughtUp = awaitTrue(Duration.ofSeconds(20), () -> readers.stream()
			.allMatch((reader) -> reader.seen.keySet()
				.stream()
				.allMatch((conversation) -> reader.lastSeen.get(conversation) >= lastSeq(logs.get(conversation)))));
		figures.require(caughtUp, "every client caught up with the log");
		for (Load.Client reader : readers) {
			for (Map.Entry<String, TreeMap<Long, String>> seen : reader.seen.entrySet()) {
				figures.require(seen.getValue().equals(logs.get(seen.getKey())), "%s saw exactly the log of %s",
						reader.name, seen.getKey());
			}
			figures.duplicated += reader.redelivered.get();
			figures.require(reader.gaps.get() == 0, "%s saw no gap in a sequence", reader.name);
		}
		Set<String> ackedIds = load.writers()
			.stream()
			.flatMap((writer) -> writer.sent.stream())
			.filter(Load.Sent::acked)
			.map(Load.Sent::clientId)
			.collect(Collectors.toSet());
		figures.delivered = load.dashboard.seen.values()
			.stream()
			.flatMap((seen) -> seen.values().stream())
			.filter(ackedIds::contains)
			.count();

		// What PostgreSQL archived: the same, once the archiver caught up.
		boolean archived = awaitTrue(this.archiveDeadline,
				() -> logs.entrySet().stream().allMatch((log) -> archivedLog(log.getKey()).equals(log.getValue())));
		figures.require(archived, "PostgreSQL holds exactly the log of every conversation");
		Map<String, Long> errors = new TreeMap<>();
		load.writers()
			.forEach((writer) -> writer.errors.forEach((code, count) -> errors.merge(code, count, Long::sum)));
		figures.note = "archive complete " + (System.nanoTime() - stoppedAt) / 1_000_000
				+ " ms after the load stopped; " + figures.reconnects + " reconnects"
				+ (errors.isEmpty() ? "" : "; retryable errors answered " + errors);
		figures.recoveryMillis = load.longestWaitMillis();
		return figures;
	}

	/** A conversation's log as a node serves it: sequence → client id of messages. */
	private TreeMap<Long, String> logOf(String conversation, String token) {
		NodeProcess node = this.nodes.stream().filter(NodeProcess::isAlive).findFirst().orElseThrow();
		try (LiveTestClient reader = LiveTestClient.visitor(node.port, Load.APP, token)) {
			reader.next("welcome");
			reader.send(Map.of("type", "subscribe", "conversationId", conversation, "afterSeq", 0));
			TreeMap<Long, String> log = new TreeMap<>();
			long expected = 1;
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (!Load.over(deadline)) {
				JsonNode frame = reader.next((node2) -> node2.path("type").asString().equals("event")
						|| node2.path("type").asString().equals("synced"), "the log");
				if (frame.path("type").asString().equals("synced")) {
					return log;
				}
				assertThat(frame.path("seq").asLong()).as("no gap in the log of %s", conversation)
					.isEqualTo(expected++);
				if (frame.path("kind").asString().equals("message")) {
					log.put(frame.path("seq").asLong(), frame.path("message").path("clientId").asString());
				}
			}
			throw new AssertionError("the log of " + conversation + " did not end with 'synced' within 30 s");
		}
	}

	private TreeMap<Long, String> archivedLog(String conversation) {
		try {
			TreeMap<Long, String> log = new TreeMap<>();
			this.jdbc.sql("select seq, client_msg_id from message where conversation_id = cast(? as uuid)")
				.param(conversation)
				.query((row) -> {
					log.put(row.getLong(1), row.getString(2));
				});
			return log;
		}
		catch (RuntimeException ex) {
			// PostgreSQL is still coming back
			return new TreeMap<>();
		}
	}

	private static long lastSeq(TreeMap<Long, String> log) {
		return log.isEmpty() ? 0 : log.lastKey();
	}

	/**
	 * Waits for a condition the checks then require (a false answer becomes a reported
	 * violation, not an exception).
	 * @return whether it held within the time
	 */
	static boolean awaitTrue(Duration timeout, BooleanSupplier condition) {
		try {
			Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(condition::getAsBoolean);
			return true;
		}
		catch (ConditionTimeoutException ex) {
			return false;
		}
	}

}
