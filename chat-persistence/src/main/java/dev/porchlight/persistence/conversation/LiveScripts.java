package dev.porchlight.persistence.conversation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts of the live path ({@code redis/*.lua}), each with the shared helpers of
 * {@code redis/live.lua} in front, so the entry and state schema is written once.
 */
final class LiveScripts {

	static final Pipeline.Script APPEND_SCRIPT = Pipeline.Script.of(text("live") + "\n" + text("append"));

	static final RedisScript<List> STATUS = load("status", List.class);

	static final RedisScript<Long> READ = load("read", Long.class);

	static final RedisScript<Long> START = load("start", Long.class);

	static final RedisScript<Long> ASSIGN = load("assign", Long.class);

	static final RedisScript<Long> ANNOUNCE = load("announce", Long.class);

	private LiveScripts() {
	}

	private static <T> RedisScript<T> load(String name, Class<T> result) {
		return RedisScript.of(text("live") + "\n" + text(name), result);
	}

	static String text(String name) {
		try (InputStream in = LiveScripts.class.getResourceAsStream("/redis/" + name + ".lua")) {
			if (in == null) {
				throw new IllegalStateException("redis/" + name + ".lua is missing from the classpath");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
