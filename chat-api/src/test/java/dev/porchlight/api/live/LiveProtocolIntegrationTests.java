package dev.porchlight.api.live;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.PorchlightTest;
import dev.porchlight.domain.site.Sites;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The protocol conformance suite against one node, and what only one node on a single
 * Redis shows.
 */
@PorchlightTest(properties = { "porchlight.live.visitor-messages=40", "server.forward-headers-strategy=native" })
class LiveProtocolIntegrationTests extends ProtocolConformance {

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Autowired
	StringRedisTemplate redis;

	@Autowired
	DataRedisConnectionDetails redisDetails;

	@Override
	int port() {
		return this.port;
	}

	@Override
	Sites sites() {
		return this.sites;
	}

	/**
	 * A socket's next frame is handled while its message is being stored: a busy socket
	 * (a dashboard hearing thousands of messages) does not hold its own next message back
	 * for each round trip to Redis.
	 */
	@Test
	void aSocketsNextFrameIsAnsweredWhileItsMessageIsBeingStored() {
		LiveClient visitor = visitor(newVisitor());
		visitor.next("welcome");
		String conversation = start(visitor);
		// Redis holds every write until the pong has arrived, however long a busy
		// machine takes for it: the append waits in Redis meanwhile.
		holdRedisWrites(20_000);
		try {
			Map<String, Object> message = send(conversation, "m1", "Is the blue kettle back in stock?");
			message.put("ref", "a");
			visitor.send(message);
			visitor.send(Map.of("type", "ping", "ref", "p"));
			assertThat(visitor.next("pong").path("ref").asString()).isEqualTo("p");
		}
		finally {
			releaseRedisWrites();
		}
		JsonNode ack = visitor.next("ack");
		assertThat(ack.path("ref").asString()).isEqualTo("a");
		assertThat(ack.path("seq").asLong()).isEqualTo(1);
		List<String> arrivals = visitor.arrivals();
		assertThat(arrivals.indexOf("pong")).isLessThan(arrivals.indexOf("ack"));
	}

	/**
	 * A socket has at most {@link MessageCommands#SENDS_IN_FLIGHT} messages being stored
	 * at once; its next frames wait for room, so one sender cannot take the node's room
	 * for writes or burst past its followers' outboxes.
	 */
	@Test
	void aSocketWaitsForRoomWhenItHasTooManyMessagesBeingStored() {
		LiveClient visitor = visitor(newVisitor());
		visitor.next("welcome");
		String conversation = start(visitor);
		whileRedisHoldsWrites(() -> {
			for (int i = 1; i <= MessageCommands.SENDS_IN_FLIGHT + 1; i++) {
				visitor.send(send(conversation, "w" + i, "Order note " + i));
			}
			visitor.send(Map.of("type", "ping", "ref", "p"));
			visitor.next("pong");
			List<String> arrivals = visitor.arrivals();
			// The ping waited behind the send that found no room, which waited for the
			// first message to be stored.
			assertThat(arrivals.indexOf("ack")).isNotNegative().isLessThan(arrivals.indexOf("pong"));
			for (int i = 1; i <= MessageCommands.SENDS_IN_FLIGHT + 1; i++) {
				String clientId = "w" + i;
				assertThat(visitor
					.next((frame) -> frame.path("type").asString().equals("ack")
							&& frame.path("clientId").asString().equals(clientId), "the ack of " + clientId)
					.path("seq")
					.asLong()).isEqualTo(i);
			}
		});
	}

	/**
	 * Runs the steps while Redis holds every write for 1.5 s (`CLIENT PAUSE … WRITE`),
	 * and lets go after them.
	 */
	private void whileRedisHoldsWrites(Runnable steps) {
		holdRedisWrites(1500);
		try {
			steps.run();
		}
		finally {
			releaseRedisWrites();
		}
	}

	private void holdRedisWrites(long millis) {
		this.redis.execute((RedisCallback<Object>) (connection) -> connection.execute("CLIENT", bytes("PAUSE"),
				bytes(String.valueOf(millis)), bytes("WRITE")));
	}

	/**
	 * Lets Redis take writes again, on a connection of its own: on the node's shared
	 * connection this would wait behind the write Redis holds.
	 */
	private void releaseRedisWrites() {
		DataRedisConnectionDetails.Standalone at = this.redisDetails.getStandalone();
		RedisURI.Builder uri = RedisURI.builder().withHost(at.getHost()).withPort(at.getPort());
		if (this.redisDetails.getPassword() != null) {
			uri.withPassword(this.redisDetails.getPassword().toCharArray());
		}
		RedisClient client = RedisClient.create(uri.build());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			connection.sync()
				.dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
						new CommandArgs<>(StringCodec.UTF8).add("UNPAUSE"));
		}
		finally {
			client.shutdown();
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
