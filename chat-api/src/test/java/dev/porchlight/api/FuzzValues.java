package dev.porchlight.api;

import java.util.Map;
import java.util.Random;

import org.jspecify.annotations.Nullable;

/**
 * Random inputs for the fuzz tests: JSON values of every type (nested, huge, negative,
 * empty), text with control characters, emoji and lone surrogates, and things that are
 * not JSON at all.
 */
public final class FuzzValues {

	private FuzzValues() {
	}

	private static Map<String, @Nullable Object> object(String a, @Nullable Object first, String b,
			@Nullable Object second) {
		Map<String, @Nullable Object> object = new java.util.LinkedHashMap<>();
		object.put(a, first);
		object.put(b, second);
		return object;
	}

	public static @Nullable Object value(Random random, int depth) {
		return switch (random.nextInt(depth > 3 ? 8 : 11)) {
			case 0 -> null;
			case 1 -> random.nextBoolean();
			case 2 -> random.nextLong();
			case 3 -> -1 - random.nextInt(10);
			case 4 -> random.nextDouble() * 1e300;
			case 5 -> "";
			case 6 -> text(random, 1 + random.nextInt(random.nextInt(3) == 0 ? 6000 : 40));
			case 7 -> java.util.UUID.randomUUID().toString();
			case 8 -> java.util.Arrays.asList(value(random, depth + 1), value(random, depth + 1));
			case 9 -> object("url", value(random, depth + 1), "locale", value(random, depth + 1));
			default -> object("nested", value(random, depth + 1), "type", value(random, depth + 1));
		};
	}

	public static String text(Random random, int length) {
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			int pick = random.nextInt(200);
			if (pick < 20) {
				text.append((char) random.nextInt(0x20));
			}
			else if (pick < 40) {
				text.appendCodePoint(0x1F600 + random.nextInt(50));
			}
			else if (pick == 40) {
				// A lone surrogate: not UTF-8, so only the REST client can send it.
				text.append((char) (0xD800 + random.nextInt(0x800)));
			}
			else {
				text.append((char) ('a' + random.nextInt(26)));
			}
		}
		return text.toString();
	}

	public static String garbage(Random random) {
		return switch (random.nextInt(6)) {
			case 0 -> text(random, 1 + random.nextInt(200));
			case 1 -> "[".repeat(2000) + "]".repeat(2000);
			case 2 -> "{\"type\":" + "{\"a\":".repeat(500) + "1" + "}".repeat(501);
			case 3 -> "{\"type\":\"send\",\"body\":\"" + "x".repeat(17000) + "\"}";
			case 4 -> "null";
			default -> "{\"type\":\"ping\",\"type\":\"start\",\"ref\":1e999}";
		};
	}

}
