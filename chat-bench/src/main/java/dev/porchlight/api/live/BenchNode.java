package dev.porchlight.api.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import dev.porchlight.persistence.broadcast.BenchBroadcasts;
import dev.porchlight.persistence.conversation.BenchAppends;
import dev.porchlight.persistence.ratelimit.BenchRateLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The live path of one node, wired by hand for the micro-benchmarks (the classes are
 * package-private, so this lives in their package, in the chat-bench module): N visitor
 * sockets following one conversation plus one staff socket, on real Redis.
 *
 * <p>
 * This version drives the live path as it was before issue 14 (Fanout, LiveChat,
 * Connection), to record the "before" figures.
 */
public final class BenchNode {

	private static final CustomerId NO_CUSTOMER = null;

	private final Fanout fanout;

	private final LiveChat chat;

	private final Connection sender;

	private final UUID conversation;

	private final UUID visitor;

	private final List<BenchSession> sessions = new ArrayList<>();

	private long seq;

	private long clientIds;

	public BenchNode(StringRedisTemplate redis, RedisConnectionFactory factory, int followers) {
		BenchAppends appends = new BenchAppends(redis);
		LiveConversations live = appends.live();
		UUID site = UUID.randomUUID();
		this.visitor = UUID.randomUUID();
		this.conversation = appends.start(site, this.visitor);
		LiveProperties properties = new LiveProperties(16384, 262144, Duration.ofSeconds(10), Duration.ofSeconds(25),
				Duration.ofSeconds(75), Integer.MAX_VALUE, Integer.MAX_VALUE, Duration.ofSeconds(10), 1000, 1000, 20);
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		Connections connections = new Connections();
		ConversationLog log = new ConversationLog(live, null);
		Encoding encoding = new Encoding(null);
		this.fanout = new Fanout(BenchBroadcasts.broadcasts(redis, factory), connections, live, log, encoding, meters);
		this.chat = new LiveChat(live, log, this.fanout, encoding, BenchRateLimits.limiter(redis), null, null, null,
				null, null, null, properties, meters);
		ConversationId id = new ConversationId(this.conversation);
		VisitorPrincipal principal = new VisitorPrincipal(new SiteId(site), new VisitorId(this.visitor), NO_CUSTOMER,
				Instant.now().plusSeconds(3600));
		Connection first = null;
		for (int i = 0; i < followers; i++) {
			BenchSession session = new BenchSession();
			this.sessions.add(session);
			Connection connection = new Connection(session, properties, principal, null);
			connections.add(connection);
			connection.open("{\"type\":\"welcome\"}");
			connection.follow(id, 0, (after) -> List.of(), (entry) -> encoding.event(entry, false), (last) -> null);
			if (first == null) {
				first = connection;
				connection.allowIn(id);
			}
		}
		BenchSession staffSession = new BenchSession();
		this.sessions.add(staffSession);
		Connection staff = new Connection(staffSession, properties, null, null);
		connections.add(staff);
		staff.open("{\"type\":\"welcome\"}");
		this.sender = first;
	}

	/**
	 * One new message event as it reaches a node from Redis, delivered to every socket
	 * that follows the conversation and to the staff inbox.
	 */
	public void fanout() {
		this.seq++;
		this.fanout.receive("{\"conversationId\":\"" + this.conversation + "\",\"seq\":" + this.seq
				+ ",\"k\":\"MESSAGE\",\"sk\":\"VISITOR\",\"si\":\"" + this.visitor + "\",\"c\":\"m" + this.seq
				+ "\",\"b\":\"Is the silver ring available in size 7?\",\"at\":" + System.currentTimeMillis()
				+ ",\"kind\":\"entry\"}");
	}

	/**
	 * One {@code send} frame of a visitor, decoded and handled up to the answer (the
	 * ack).
	 */
	public Object send() {
		String frame = "{\"type\":\"send\",\"ref\":\"r1\",\"conversationId\":\"" + this.conversation
				+ "\",\"clientId\":\"j" + (this.clientIds++)
				+ "\",\"body\":\"Is the silver ring available in size 7?\"}";
		return this.chat.handle(this.sender, Frame.parse(frame));
	}

	/**
	 * @return frames handed to all sockets so far
	 */
	public long frames() {
		return this.sessions.stream().mapToLong((session) -> session.frames.get()).sum();
	}

}
