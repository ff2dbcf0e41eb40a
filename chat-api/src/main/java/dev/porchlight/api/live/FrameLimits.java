package dev.porchlight.api.live;

import dev.porchlight.api.web.Settings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many frames of each kind one socket may send that no Redis-backed limit counts
 * (messages and new conversations are counted in Redis, across nodes): a burst, then a
 * steady rate per minute. Kept per socket, on the node, because these frames change
 * nothing durable (typing, pages), only move a marker forward (read) or read what the
 * socket may read anyway (subscribe): what one socket can cost is bounded by its own
 * budget, and the error budget closes a socket that keeps going past it
 * (docs/protocol.md, "Limits").
 *
 * @param typingBurst {@code typing} frames at once
 * @param typingPerMinute {@code typing} frames per minute after the burst
 * @param readBurst {@code read} frames at once
 * @param readPerMinute {@code read} frames per minute
 * @param pageBurst {@code page} frames at once
 * @param pagePerMinute {@code page} frames per minute
 * @param followBurst {@code subscribe}, {@code unsubscribe} and {@code conversations}
 * frames at once (the widget follows every conversation of its visitor when it connects)
 * @param followPerMinute those frames per minute
 * @param otherBurst every other frame without a limit of its own ({@code ping},
 * {@code close}, {@code reopen}, {@code assign}, {@code availability}) at once
 * @param otherPerMinute those frames per minute
 */
@ConfigurationProperties("porchlight.live.frames")
record FrameLimits(@DefaultValue("5") int typingBurst, @DefaultValue("60") int typingPerMinute,
		@DefaultValue("20") int readBurst, @DefaultValue("300") int readPerMinute, @DefaultValue("10") int pageBurst,
		@DefaultValue("60") int pagePerMinute, @DefaultValue("100") int followBurst,
		@DefaultValue("300") int followPerMinute, @DefaultValue("30") int otherBurst,
		@DefaultValue("180") int otherPerMinute) {

	FrameLimits {
		String frames = "porchlight.live.frames.";
		Settings.atLeast(frames + "typing-burst", typingBurst, 1);
		Settings.atLeast(frames + "typing-per-minute", typingPerMinute, 1);
		Settings.atLeast(frames + "read-burst", readBurst, 1);
		Settings.atLeast(frames + "read-per-minute", readPerMinute, 1);
		Settings.atLeast(frames + "page-burst", pageBurst, 1);
		Settings.atLeast(frames + "page-per-minute", pagePerMinute, 1);
		Settings.atLeast(frames + "follow-burst", followBurst, 1);
		Settings.atLeast(frames + "follow-per-minute", followPerMinute, 1);
		Settings.atLeast(frames + "other-burst", otherBurst, 1);
		Settings.atLeast(frames + "other-per-minute", otherPerMinute, 1);
	}

	/**
	 * The kinds of frames with a budget of their own.
	 */
	enum Kind {

		TYPING, READ, PAGE, FOLLOW, OTHER

	}

	int burst(Kind kind) {
		return switch (kind) {
			case TYPING -> this.typingBurst;
			case READ -> this.readBurst;
			case PAGE -> this.pageBurst;
			case FOLLOW -> this.followBurst;
			case OTHER -> this.otherBurst;
		};
	}

	int perMinute(Kind kind) {
		return switch (kind) {
			case TYPING -> this.typingPerMinute;
			case READ -> this.readPerMinute;
			case PAGE -> this.pagePerMinute;
			case FOLLOW -> this.followPerMinute;
			case OTHER -> this.otherPerMinute;
		};
	}

	/**
	 * The budget a frame draws from, or null for frames counted in Redis ({@code send},
	 * {@code start}).
	 */
	static Kind kindOf(ClientFrame frame) {
		return switch (frame) {
			case ClientFrame.Typing typing -> Kind.TYPING;
			case ClientFrame.Read read -> Kind.READ;
			case ClientFrame.Page page -> Kind.PAGE;
			case ClientFrame.Subscribe subscribe -> Kind.FOLLOW;
			case ClientFrame.Unsubscribe unsubscribe -> Kind.FOLLOW;
			case ClientFrame.ListConversations list -> Kind.FOLLOW;
			case ClientFrame.Send send -> null;
			case ClientFrame.Start start -> null;
			case ClientFrame.Ping ping -> Kind.OTHER;
			case ClientFrame.Close close -> Kind.OTHER;
			case ClientFrame.Reopen reopen -> Kind.OTHER;
			case ClientFrame.Assign assign -> Kind.OTHER;
			case ClientFrame.Availability availability -> Kind.OTHER;
		};
	}

}
