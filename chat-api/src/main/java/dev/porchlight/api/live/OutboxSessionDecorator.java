package dev.porchlight.api.live;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

/**
 * A bounded outbox in front of one socket, drained by a virtual thread of that socket, so
 * whoever sends (the event router, another socket's handler) never waits for this client.
 * A client that stops reading makes the outbox grow past {@code bufferLimit} characters,
 * or lets a write go {@code sendTimeLimit} without getting a frame out (seen by
 * {@link #stalled()}); either way it is disconnected with 4500 instead of growing server
 * memory (after an overflow the close follows the frame being written, so a client that
 * still reads gets the close frame). Like spring-websocket's
 * {@code ConcurrentWebSocketSessionDecorator}, but the sender never does the writing.
 *
 * <p>
 * Until {@link #open} puts the first frame ({@code welcome}) at the head, frames wait.
 * The queue is allocated on first use: an idle socket holds none.
 *
 * <p>
 * Longer than most classes here on purpose: the queue, its one drainer, pacing and
 * close-when-flushed share one lock and one set of invariants, and are safest read in one
 * place.
 */
final class OutboxSessionDecorator extends WebSocketSessionDecorator {

	private static final Logger log = LoggerFactory.getLogger(OutboxSessionDecorator.class);

	/** Frames written together at most, before the queue is looked at again. */
	private static final int MAX_FRAMES_PER_WRITE = 64;

	private final int bufferLimit;

	private final long sendTimeLimitNanos;

	private final LongSupplier nanoClock;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition drained = this.lock.newCondition();

	private @Nullable ArrayDeque<String> queue;

	private long queuedChars;

	private boolean draining;

	private boolean opened;

	private boolean overflowed;

	private @Nullable CloseStatus closeWhenFlushed;

	/**
	 * When the write in progress started or last got a frame out ({@link #nanoClock}); 0
	 * while nothing is being written.
	 */
	private volatile long writeProgressNanos;

	private volatile @Nullable CloseStatus closedWith;

	OutboxSessionDecorator(WebSocketSession session, int bufferLimit, long sendTimeLimitNanos) {
		this(session, bufferLimit, sendTimeLimitNanos, System::nanoTime);
	}

	/**
	 * @param nanoClock the clock {@link #stalled()} reads, {@link System#nanoTime()}
	 * outside tests
	 */
	OutboxSessionDecorator(WebSocketSession session, int bufferLimit, long sendTimeLimitNanos, LongSupplier nanoClock) {
		super(session);
		this.bufferLimit = bufferLimit;
		this.sendTimeLimitNanos = sendTimeLimitNanos;
		this.nanoClock = nanoClock;
	}

	@Override
	public void sendMessage(WebSocketMessage<?> message) {
		send(((TextMessage) message).getPayload());
	}

	/**
	 * Queues a frame without waiting.
	 * @param frame the frame's text
	 */
	void send(String frame) {
		boolean overflow = false;
		boolean start = false;
		this.lock.lock();
		try {
			if (this.overflowed || this.closeWhenFlushed != null || !getDelegate().isOpen()) {
				return;
			}
			ArrayDeque<String> queue = queue();
			queue.addLast(frame);
			this.queuedChars += frame.length();
			// One frame larger than the buffer (a big inbox) is fine; a backlog is not.
			if (this.queuedChars > this.bufferLimit && queue.size() > 1) {
				overflow = true;
				drop();
			}
			else {
				start = startDraining();
			}
		}
		finally {
			this.lock.unlock();
		}
		if (overflow) {
			log.debug("Socket {} does not read fast enough; disconnecting", getId());
			// Closed by the drainer once the frame being written has left, so the close
			// frame follows it instead of racing it: a client that reads, however
			// slowly, then reads 4500 rather than a broken connection.
			closeWhenFlushed(CloseCodes.TOO_SLOW);
		}
		else if (start) {
			drainInBackground();
		}
	}

	/**
	 * Sends the answer to a frame of this socket's own, on the thread that handled it:
	 * written right here when nothing is queued or being written (no other thread to
	 * start or wake, which measured about a tenth of a node's CPU under load), else
	 * queued behind the rest. Frames others queued while it was written go to a drainer
	 * of their own: the handling thread returns to read the socket's next frame instead
	 * of writing a busy socket's stream of events (a staff socket hearing thousands of
	 * messages a second would otherwise hold its own next message back). Only for the
	 * thread that serves this socket, which may wait for its own client.
	 * @param frame the frame's text
	 */
	void reply(String frame) {
		boolean inline;
		this.lock.lock();
		try {
			if (this.overflowed || this.closeWhenFlushed != null || !getDelegate().isOpen()) {
				return;
			}
			inline = this.opened && !this.draining && (this.queue == null || this.queue.isEmpty());
			if (inline) {
				this.draining = true;
			}
		}
		finally {
			this.lock.unlock();
		}
		if (!inline) {
			send(frame);
		}
		else if (writeOrDrop(List.of(frame))) {
			handOver();
		}
	}

	/**
	 * After an inline write: a background drainer for what others queued meanwhile, or
	 * else the end of draining (and the close that waited for it).
	 */
	private void handOver() {
		boolean more;
		CloseStatus closeNow = null;
		this.lock.lock();
		try {
			more = this.queue != null && !this.queue.isEmpty();
			if (!more) {
				closeNow = stopDraining();
			}
		}
		finally {
			this.lock.unlock();
		}
		if (more) {
			drainInBackground();
		}
		else if (closeNow != null) {
			close(closeNow);
		}
	}

	/**
	 * Puts the first frame ahead of anything queued since the socket was registered, and
	 * starts sending.
	 * @param first the frame's text
	 */
	void open(String first) {
		boolean start;
		this.lock.lock();
		try {
			queue().addFirst(first);
			this.queuedChars += first.length();
			this.opened = true;
			start = startDraining();
		}
		finally {
			this.lock.unlock();
		}
		if (start) {
			drainInBackground();
		}
	}

	/**
	 * Like {@link #send} but first waits, up to the send-time limit, while the outbox is
	 * more than half full. For catching up on a backlog far larger than the buffer: it is
	 * paced by the client's reading instead of overflowing. Only for threads that serve
	 * this socket alone.
	 * @param frame the frame's text
	 */
	void sendPaced(String frame) {
		this.lock.lock();
		try {
			long wait = this.sendTimeLimitNanos;
			while (this.queuedChars > this.bufferLimit / 2 && !this.overflowed && getDelegate().isOpen() && wait > 0) {
				wait = this.drained.awaitNanos(wait);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.lock.unlock();
		}
		send(frame);
	}

	/**
	 * Closes the socket once every frame queued before this call is written, so a client
	 * learns why (an error, a {@code reconnect}) before the close. Later frames are
	 * dropped.
	 * @param status the close status
	 */
	void closeWhenFlushed(CloseStatus status) {
		boolean start;
		this.lock.lock();
		try {
			if (this.closeWhenFlushed != null) {
				return;
			}
			this.closeWhenFlushed = status;
			// The server's decision, whoever ends the connection in the end: a client
			// that reads nothing keeps the drainer's write blocked until the send-time
			// watchdog or the container gives up on it.
			if (this.closedWith == null) {
				this.closedWith = status;
			}
			this.opened = true;
			start = startDraining();
			if (!start && !this.draining) {
				// Nothing queued and nobody sending: close now.
				start = true;
				this.draining = true;
			}
		}
		finally {
			this.lock.unlock();
		}
		if (start) {
			drainInBackground();
		}
	}

	void closeAsync(CloseStatus status) {
		Thread.ofVirtual().name("socket-close-" + getId()).start(() -> close(status));
	}

	@Override
	public void close(CloseStatus status) {
		if (this.closedWith == null) {
			this.closedWith = status;
		}
		try {
			getDelegate().close(status);
		}
		catch (IOException | RuntimeException ex) {
			log.debug("Closing socket {} failed: {}", getId(), ex.getMessage());
		}
		this.lock.lock();
		try {
			// Wake a catch-up waiting for room: there is nobody to send to.
			this.drained.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * @return why the server closed this socket, or null when the client did (or the
	 * connection broke)
	 */
	@Nullable CloseStatus closedWith() {
		return this.closedWith;
	}

	/**
	 * Whether a write has gone longer than the send-time limit without getting a frame
	 * out (the client stopped reading and the network buffers are full). Measured per
	 * frame, not per burst written together: a client that reads slowly but steadily
	 * reads on, and if it falls too far behind the outbox overflows, which closes it with
	 * 4500 after the frame in progress instead of breaking the connection mid-write.
	 * @return true when the client should be disconnected
	 */
	boolean stalled() {
		long progress = this.writeProgressNanos;
		return progress != 0 && this.nanoClock.getAsLong() - progress > this.sendTimeLimitNanos;
	}

	/**
	 * @return characters waiting to be sent
	 */
	long queued() {
		this.lock.lock();
		try {
			return this.queuedChars;
		}
		finally {
			this.lock.unlock();
		}
	}

	private ArrayDeque<String> queue() {
		if (this.queue == null) {
			this.queue = new ArrayDeque<>(4);
		}
		return this.queue;
	}

	/** Called with the lock held: whether the caller must start a drainer. */
	private boolean startDraining() {
		if (!this.opened || this.draining || this.queue == null || this.queue.isEmpty()) {
			return false;
		}
		this.draining = true;
		return true;
	}

	/** Called with the lock held. */
	private void drop() {
		this.overflowed = true;
		if (this.queue != null) {
			this.queue.clear();
		}
		this.queuedChars = 0;
		this.drained.signalAll();
	}

	/**
	 * Called with the lock held when nothing is left to write: nobody drains any more, an
	 * idle socket gives its queue back, and waiting catch-ups are woken.
	 * @return the close that waited for the queue to be written, or null
	 */
	private @Nullable CloseStatus stopDraining() {
		this.draining = false;
		this.queue = null;
		this.drained.signalAll();
		return this.closeWhenFlushed;
	}

	private void drainInBackground() {
		Thread.ofVirtual().name("socket-out-" + getId()).start(this::drain);
	}

	private void drain() {
		List<String> frames = new ArrayList<>();
		while (true) {
			CloseStatus closeNow = null;
			frames.clear();
			this.lock.lock();
			try {
				while (this.queue != null && !this.queue.isEmpty() && frames.size() < MAX_FRAMES_PER_WRITE) {
					String next = this.queue.pollFirst();
					this.queuedChars -= next.length();
					frames.add(next);
				}
				if (frames.isEmpty()) {
					closeNow = stopDraining();
				}
				else {
					this.drained.signalAll();
				}
			}
			finally {
				this.lock.unlock();
			}
			if (frames.isEmpty()) {
				if (closeNow != null) {
					close(closeNow);
				}
				return;
			}
			if (!writeOrDrop(frames)) {
				return;
			}
		}
	}

	/**
	 * Writes frames as the one drainer; when that fails, drops the rest, stops draining
	 * and disconnects the client.
	 * @return whether the frames were written
	 */
	private boolean writeOrDrop(List<String> frames) {
		try {
			progressed();
			write(frames);
			return true;
		}
		catch (IOException | RuntimeException ex) {
			log.debug("Send to socket {} failed: {}", getId(), ex.getMessage());
			this.lock.lock();
			try {
				drop();
				this.draining = false;
			}
			finally {
				this.lock.unlock();
			}
			closeAsync(CloseCodes.TOO_SLOW);
			return false;
		}
		finally {
			this.writeProgressNanos = 0;
		}
	}

	private void progressed() {
		this.writeProgressNanos = this.nanoClock.getAsLong();
	}

	/**
	 * Writes frames that were waiting together: on a Jakarta WebSocket server (Tomcat,
	 * Jetty) batched into the socket's output buffer and flushed once, so a burst costs
	 * one write to the network instead of one per frame.
	 */
	private void write(List<String> frames) throws IOException {
		RemoteEndpoint.Basic remote = (getDelegate() instanceof NativeWebSocketSession session)
				? remote(session.getNativeSession(Session.class)) : null;
		if (remote == null || frames.size() == 1) {
			for (String frame : frames) {
				getDelegate().sendMessage(new TextMessage(frame));
				progressed();
			}
			return;
		}
		remote.setBatchingAllowed(true);
		try {
			for (String frame : frames) {
				// Blocks while the socket's output buffer is full and cannot be written.
				remote.sendText(frame);
				progressed();
			}
			remote.flushBatch();
		}
		finally {
			remote.setBatchingAllowed(false);
		}
	}

	private static RemoteEndpoint.@Nullable Basic remote(@Nullable Session session) {
		return (session != null) ? session.getBasicRemote() : null;
	}

}
