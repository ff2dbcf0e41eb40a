package dev.porchlight.api.live;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;

import dev.porchlight.api.attachment.AttachmentProperties;
import dev.porchlight.domain.attachment.Attachments;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.conversation.Attachment;
import dev.porchlight.domain.conversation.AttachmentId;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.ratelimit.Quota;
import dev.porchlight.domain.ratelimit.RateLimit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.stereotype.Component;

/**
 * What a {@code send} frame does: the message is authorised against the socket's
 * principal (who wrote it is never taken from the frame), counted against the sender's
 * and the site's limits, admitted only while the node has room, stored with its events in
 * one step, and answered with its {@code ack}.
 */
@Component
class MessageCommands {

	private static final Logger logger = LoggerFactory.getLogger(MessageCommands.class);

	private final LiveConversations live;

	private final Access access;

	private final Admission admission;

	private final ReplicaAcks replicaAcks;

	private final FrameAnswers answers;

	private final Attachments attachments;

	private final int maxAttachments;

	private final Counter messagesIn;

	private final RateLimit visitorMessages;

	private final RateLimit staffMessages;

	private final RateLimit siteMessages;

	private final RateLimit addressMessages;

	private final Clock clock = Clock.systemUTC();

	/**
	 * Messages of one socket being stored at once, at most: enough that a busy socket's
	 * next message need not wait for the previous one's round trip, few enough that one
	 * sender neither takes the node's room for writes in flight ({@link Admission}) nor
	 * hands its followers a burst larger than their outbox allows.
	 */
	static final int SENDS_IN_FLIGHT = 8;

	MessageCommands(LiveConversations live, Access access, Admission admission, ReplicaAcks replicaAcks,
			FrameAnswers answers, LiveProperties properties, MeterRegistry meters, Attachments attachments,
			AttachmentProperties attachmentProperties) {
		this.live = live;
		this.access = access;
		this.admission = admission;
		this.replicaAcks = replicaAcks;
		this.answers = answers;
		this.attachments = attachments;
		this.maxAttachments = attachmentProperties.maxPerMessage();
		this.messagesIn = Counter.builder("porchlight.messages.in").description("Messages accepted").register(meters);
		this.visitorMessages = new RateLimit("live.messages.visitor", properties.visitorMessages(),
				properties.messageWindow());
		this.staffMessages = new RateLimit("live.messages.staff", properties.staffMessages(),
				properties.messageWindow());
		this.siteMessages = new RateLimit("live.messages.site", properties.siteMessages(), properties.messageWindow());
		this.addressMessages = new RateLimit("live.messages.address", properties.addressMessages(),
				properties.messageWindow());
	}

	/**
	 * Stores a message. On the common path (no files, no waiting for replicas) the answer
	 * follows when Redis has run the append: the socket's next frame is handled
	 * meanwhile, and its appends reach Redis in the order they were sent. The socket's
	 * room for another send is given back only once the answer is queued for it, so the
	 * answer to a frame that waited for that room never overtakes this one.
	 * @return the {@code ack}, or null when it follows later
	 */
	@Nullable ServerFrame send(Connection connection, ClientFrame.Send frame) {
		this.access.mayWrite(connection, frame.conversationId());
		Quota quota = connection.isVisitor()
				? new Quota(this.visitorMessages, connection.visitor().visitorId().toString())
				: new Quota(this.staffMessages, connection.staff().id().toString());
		// What every visitor behind the visitor's address shares (on any site: one
		// address with many visitor tokens cannot use up a site's allowance), then what
		// all visitors of the site share, counted after the visitor's own limit.
		Quota address = connection.isVisitor() ? new Quota(this.addressMessages, connection.address()) : null;
		Quota site = connection.isVisitor() ? new Quota(this.siteMessages, connection.visitor().siteId().toString())
				: null;
		if (frame.attachments().isEmpty() && !this.replicaAcks.enabled()) {
			// One round trip: limits, de-duplication, append, state and events together.
			Semaphore places = connection.sends(SENDS_IN_FLIGHT);
			take(places);
			CompletableFuture<LiveConversations.Appended> appending;
			try {
				this.admission.enter();
				try {
					appending = this.live.appendAsync(frame.conversationId(), frame.clientId(), connection.sender(),
							frame.body(), List.of(), this.clock.instant(), quota, address, site);
				}
				catch (RuntimeException ex) {
					this.admission.leave();
					throw ex;
				}
			}
			catch (RuntimeException ex) {
				places.release();
				throw ex;
			}
			CompletableFuture<ServerFrame> answer = appending
				.whenComplete((appended, failure) -> this.admission.leave())
				.thenApply((appended) -> ack(frame, appended));
			return this.answers.now(connection, frame.ref(), answer, places::release);
		}
		return sendAndWait(connection, frame, quota, address, site);
	}

	/**
	 * Waits, with the socket's next frames, while this socket has
	 * {@link #SENDS_IN_FLIGHT} messages being stored.
	 */
	private static void take(Semaphore places) {
		try {
			places.acquire();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ProtocolException("unavailable", "Chat is busy; retry shortly.", 1000);
		}
	}

	/**
	 * A message with files (released again if it is not stored) or one nobody may hear of
	 * before replicas hold it: stored before the handler goes on.
	 */
	private ServerFrame sendAndWait(Connection connection, ClientFrame.Send frame, Quota quota, @Nullable Quota address,
			@Nullable Quota site) {
		Attachments.Claim files = claim(connection, frame);
		LiveConversations.Appended appended;
		boolean waitForReplicas = this.replicaAcks.enabled();
		try {
			this.admission.enter();
		}
		catch (RuntimeException ex) {
			release(files.fresh(), frame);
			throw ex;
		}
		try {
			try {
				appended = this.live.append(frame.conversationId(), frame.clientId(), connection.sender(), frame.body(),
						files.attachments(), this.clock.instant(), quota, address, site, !waitForReplicas);
			}
			catch (QueryTimeoutException ex) {
				// Redis did not answer in time: it may store the message yet. The files
				// stay with this client id, so a resend (which finds them its own) or the
				// stored message carries them; given back here, a message Redis stored
				// after all would name files deleted as never sent.
				throw ex;
			}
			catch (RuntimeException ex) {
				// Refused: not stored, the files are the sender's to send again.
				release(files.fresh(), frame);
				throw ex;
			}
			if (appended.duplicate() && !files.fresh().isEmpty()) {
				// Stored before: the files the stored message does not carry are given
				// back; the ones it carries (an attempt whose answer was lost) stay.
				List<LogEntry> stored = this.live.after(frame.conversationId(), appended.entry().seq() - 1, 1)
					.stream()
					.filter((entry) -> entry.seq() == appended.entry().seq())
					.toList();
				// Not in Redis any more (archived and trimmed): what it carries is not
				// known here, so nothing is given back.
				Set<AttachmentId> carried = stored.stream()
					.flatMap((entry) -> entry.attachments().stream())
					.map(Attachment::id)
					.collect(Collectors.toSet());
				if (!stored.isEmpty()) {
					release(files.fresh().stream().filter((id) -> !carried.contains(id)).toList(), frame);
				}
			}
			if (waitForReplicas) {
				// With porchlight.live.replica-acks nobody hears of the message before
				// replicas hold it. A resend found as a duplicate is announced again: its
				// first attempt may have ended waiting for replicas that did not answer,
				// and receivers drop what they already have.
				this.replicaAcks.confirm(appended.duplicate());
				long from = appended.reopened().map(LogEntry::seq).orElse(appended.entry().seq());
				this.live.announce(frame.conversationId(), from, appended.entry().seq());
			}
		}
		finally {
			this.admission.leave();
		}
		return ack(frame, appended);
	}

	private ServerFrame ack(ClientFrame.Send frame, LiveConversations.Appended appended) {
		if (!appended.duplicate()) {
			this.messagesIn.increment();
		}
		return new ServerFrame.Ack(frame.conversationId().toString(), frame.clientId().value(), appended.entry().seq(),
				appended.entry().at().toString(), appended.duplicate(), frame.ref());
	}

	/**
	 * The uploads a message names, given to it (one PostgreSQL statement, only for
	 * messages with files): each must be the sender's, uploaded into this conversation,
	 * and not sent with another message.
	 */
	private Attachments.Claim claim(Connection connection, ClientFrame.Send frame) {
		if (frame.attachments().isEmpty()) {
			return NO_FILES;
		}
		if (frame.attachments().size() > this.maxAttachments) {
			throw new ProtocolException("too_many_attachments",
					"A message carries at most " + this.maxAttachments + " files.");
		}
		try {
			return this.attachments.claim(frame.conversationId(), connection.sender(), frame.clientId(),
					frame.attachments());
		}
		catch (DomainException ex) {
			throw new ProtocolException(ex.code(), ex.getMessage());
		}
		catch (DataAccessException ex) {
			throw new ProtocolException("unavailable", "Files cannot be sent right now; nothing was sent.",
					FILES_RETRY_MILLIS);
		}
	}

	private static final long FILES_RETRY_MILLIS = 5_000;

	private static final Attachments.Claim NO_FILES = new Attachments.Claim(List.of(), List.of());

	/**
	 * Gives uploads back that this attempt took but the message does not carry. Best
	 * effort: an upload left taken cannot be sent with another message, and its sender
	 * can upload the file again.
	 */
	private void release(List<AttachmentId> fresh, ClientFrame.Send frame) {
		if (fresh.isEmpty()) {
			return;
		}
		try {
			this.attachments.release(fresh, frame.clientId());
		}
		catch (DataAccessException ex) {
			logger.warn("Files of a message that was not stored stay taken: {}", ex.getClass().getSimpleName());
		}
	}

}
