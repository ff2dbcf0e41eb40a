package dev.porchlight.api.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.porchlight.api.attachment.AttachmentProperties;
import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LiveEvents;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.replication.Replicas;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.visitor.VisitorId;
import dev.porchlight.persistence.conversation.BenchAppends;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.util.unit.DataSize;

/**
 * The live path of one node, wired by hand for the micro-benchmarks (the classes are
 * package-private, so this lives in their package, in the chat-bench module): N visitor
 * sockets following one conversation plus one staff socket, on real Redis. Sockets are
 * {@link BenchSession}s that take every frame at once.
 *
 * <p>
 * The figures before issue 14 came from the same benchmark driving the earlier classes
 * (Fanout, LiveChat, Connection) at commit 75d687b.
 */
public final class BenchNode implements AutoCloseable {

	private static final CustomerId NO_CUSTOMER = null;

	private final LiveEvents events;

	private final InboxCoalescer inbox;

	private final Connection sender;

	private final BenchSession senderSession;

	private final MessageCommands messages;

	private final UUID conversation;

	private final UUID visitor;

	private final String state;

	private final List<BenchSession> sessions = new ArrayList<>();

	private long seq;

	private long clientIds;

	public BenchNode(StringRedisTemplate redis, RedisConnectionFactory factory, int followers) {
		BenchAppends appends = new BenchAppends(redis);
		LiveConversations live = appends.live();
		UUID site = UUID.randomUUID();
		this.visitor = UUID.randomUUID();
		this.conversation = appends.start(site, this.visitor);
		appends.append(this.conversation, this.visitor, "first", "Hello");
		this.state = appends.stateJson(this.conversation);
		LiveProperties properties = new LiveProperties(16384, 262144, Duration.ofSeconds(10), Duration.ofSeconds(25),
				Duration.ofSeconds(75), Integer.MAX_VALUE, Integer.MAX_VALUE, Duration.ofSeconds(10), 1000, 1000, 20,
				Duration.ofMillis(250), 5000, 512, Duration.ofMillis(500), Duration.ofSeconds(60), false, 0,
				Duration.ofMillis(500), Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		this.events = BenchAppends.events(redis, factory);
		Connections connections = new Connections(this.events);
		Subscriptions subscriptions = new Subscriptions(this.events);
		Views views = new Views(null, null);
		this.inbox = new InboxCoalescer(connections, views, properties, meters);
		LiveRouter router = new LiveRouter(this.events, connections, subscriptions, this.inbox, views, meters);
		router.listen();
		ConversationLog log = new ConversationLog(live, null);
		Access access = new Access(live);
		Admission admission = new Admission(this.events, properties, meters);
		// Replica acknowledgements are off (porchlight.live.replica-acks=0, the default):
		// the replicas are never asked.
		ReplicaAcks replicaAcks = new ReplicaAcks(new Replicas() {

			@Override
			public boolean canConfirm() {
				return true;
			}

			@Override
			public boolean confirmWrites(int count, Duration timeout) {
				throw new IllegalStateException("replica acknowledgements are off");
			}

			@Override
			public boolean confirmAllWrites(int count, Duration timeout) {
				throw new IllegalStateException("replica acknowledgements are off");
			}

		}, properties, meters);
		this.messages = new MessageCommands(live, access, admission, replicaAcks, new FrameAnswers(properties),
				properties, meters, null, new AttachmentProperties("postgres", "attachments", DataSize.ofMegabytes(10),
						10, 30, 300, 40_000_000, 2, 320, Duration.ofHours(1), Duration.ofHours(24), 600));
		ConversationId id = new ConversationId(this.conversation);
		VisitorPrincipal principal = new VisitorPrincipal(new SiteId(site), new VisitorId(this.visitor), NO_CUSTOMER,
				Instant.now().plusSeconds(3600));
		Connection first = null;
		for (int i = 0; i < followers; i++) {
			Connection connection = connection(principal);
			connections.add(connection);
			Subscription subscription = connection.subscribe(new Subscription(connection, id, log, views));
			subscription.hold();
			subscriptions.add(subscription);
			subscription.catchUp(1, (last) -> null);
			if (first == null) {
				first = connection;
				connection.allowIn(id);
			}
		}
		connections.add(connection(null));
		this.sender = first;
		// The first socket made is the first follower, the sender.
		this.senderSession = this.sessions.get(0);
		this.seq = 1;
	}

	private Connection connection(VisitorPrincipal principal) {
		BenchSession session = new BenchSession();
		this.sessions.add(session);
		OutboxSessionDecorator outbox = new OutboxSessionDecorator(session, 262144, 10_000_000_000L);
		outbox.open("{\"type\":\"welcome\"}");
		return new Connection(outbox, principal, null);
	}

	/**
	 * One new message as it reaches a node from Redis (its entry on the conversation's
	 * channel and the conversation's state on the inbox channel), decoded and delivered
	 * to every socket that follows the conversation and to the staff inbox.
	 */
	public void fanout() {
		this.seq++;
		BenchAppends.entryArrives(this.events, this.conversation,
				"{\"t\":\"e\",\"id\":\"" + this.conversation + "\",\"seq\":" + this.seq + ",\"k\":\"MESSAGE\",\"c\":\"m"
						+ this.seq + "\",\"sk\":\"VISITOR\",\"si\":\"" + this.visitor
						+ "\",\"b\":\"Is the silver ring available in size 7?\",\"at\":\"" + System.currentTimeMillis()
						+ "\"}");
		BenchAppends.inboxEventArrives(this.events, this.state);
	}

	/**
	 * One {@code send} frame of a visitor, decoded and handled up to the answer (the
	 * ack): the socket's handler goes on once the append is sent to Redis, and the ack
	 * follows when Redis answers, which this waits for.
	 */
	public Object send() {
		long n = this.clientIds++;
		String frame = "{\"type\":\"send\",\"ref\":\"r" + n + "\",\"conversationId\":\"" + this.conversation
				+ "\",\"clientId\":\"j" + n + "\",\"body\":\"Is the silver ring available in size 7?\"}";
		// The answer comes later on the sender's socket: its frame with this ref.
		String ref = "\"ref\":\"r" + n + "\"";
		CompletableFuture<String> answer = new CompletableFuture<>();
		this.senderSession.observer = (payload) -> {
			if (payload.contains(ref)) {
				answer.complete(payload);
			}
		};
		ServerFrame now = this.messages.send(this.sender, (ClientFrame.Send) ClientFrame.decode(frame));
		String written = (now != null) ? Wire.write(now) : answer.orTimeout(10, TimeUnit.SECONDS).join();
		if (!written.contains("\"type\":\"ack\"")) {
			throw new IllegalStateException("The send was refused: " + written);
		}
		return written;
	}

	/**
	 * @return frames handed to all sockets so far
	 */
	public long frames() {
		return this.sessions.stream().mapToLong((session) -> session.frames.get()).sum();
	}

	@Override
	public void close() {
		this.inbox.destroy();
	}

}
