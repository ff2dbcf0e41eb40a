package dev.porchlight.bench.micro;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Instant;

import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.visitor.VisitorId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The frame codec on the hot path: decoding a visitor's {@code send} frame as the socket
 * handler does ({@code Frame.parse}, then its fields) and encoding the {@code event}
 * frame every follower receives ({@code Encoding.event}). Both classes are
 * package-private in chat-api, whose jar is a Spring Boot fat jar, so they are loaded
 * from {@code chat-api/target/classes} at run time and called through method handles
 * (constant after set-up; the JIT inlines them).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(java.util.concurrent.TimeUnit.NANOSECONDS)
public class FrameBenchmarks {

	private static final String SEND = "{\"type\":\"send\",\"ref\":\"r17\",\"conversationId\":\"9b2c6a4e-2f0e-4c55-9d7e-0c3c1b8f2a11\","
			+ "\"clientId\":\"k1x9-42\",\"body\":\"Do you make custom ankh pendants in gold? My order 48213 is for a gift.\"}";

	private MethodHandle parse;

	private MethodHandle text;

	private MethodHandle type;

	private MethodHandle event;

	private Object encoding;

	private LogEntry entry;

	@Setup
	public void setUp() throws Throwable {
		Class<?> frame = Class.forName("dev.porchlight.api.live.Frame");
		MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(frame, MethodHandles.lookup());
		this.parse = lookup.findStatic(frame, "parse", MethodType.methodType(frame, String.class));
		this.type = lookup.findVirtual(frame, "type", MethodType.methodType(String.class));
		this.text = lookup.findVirtual(frame, "text", MethodType.methodType(String.class, String.class));
		Class<?> encodingClass = Class.forName("dev.porchlight.api.live.Encoding");
		Class<?> accounts = Class.forName("dev.porchlight.domain.account.Accounts");
		MethodHandles.Lookup encodingLookup = MethodHandles.privateLookupIn(encodingClass, MethodHandles.lookup());
		// A visitor's message names no staff member, so the accounts port is not used.
		this.encoding = encodingLookup.findConstructor(encodingClass, MethodType.methodType(void.class, accounts))
			.invoke((Object) null);
		this.event = encodingLookup.findVirtual(encodingClass, "event",
				MethodType.methodType(String.class, LogEntry.class, boolean.class));
		this.entry = new LogEntry(ConversationId.random(), 42, LogEntry.Kind.MESSAGE, new ClientMessageId("k1x9-42"),
				Sender.visitor(VisitorId.random()),
				new MessageBody("Do you make custom ankh pendants in gold? My order 48213 is for a gift."),
				Instant.now());
	}

	@Benchmark
	public Object decodeSendFrame() throws Throwable {
		Object frame = this.parse.invoke(SEND);
		String type = (String) this.type.invoke(frame);
		String conversation = (String) this.text.invoke(frame, "conversationId");
		String clientId = (String) this.text.invoke(frame, "clientId");
		String body = (String) this.text.invoke(frame, "body");
		return type.length() + conversation.length() + clientId.length() + body.length();
	}

	@Benchmark
	public Object encodeEventForStaff() throws Throwable {
		return this.event.invoke(this.encoding, this.entry, true);
	}

	@Benchmark
	public Object encodeEventForVisitor() throws Throwable {
		return this.event.invoke(this.encoding, this.entry, false);
	}

}
