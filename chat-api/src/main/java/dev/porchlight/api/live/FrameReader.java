package dev.porchlight.api.live;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Typed access to the fields of an incoming JSON frame that fails with the protocol's
 * error codes ({@code malformed_frame}, {@code missing_field}, {@code invalid_field}).
 */
final class FrameReader {

	static final int MAX_REF = 64;

	private final JsonNode node;

	private FrameReader(JsonNode node) {
		this.node = node;
	}

	static FrameReader parse(String text) {
		JsonNode node;
		try {
			node = Wire.JSON.readTree(text);
		}
		catch (JacksonException ex) {
			throw new ProtocolException("malformed_frame", "The frame is not valid JSON.");
		}
		if (node == null || !node.isObject()) {
			throw new ProtocolException("malformed_frame", "A frame is a JSON object.");
		}
		return new FrameReader(node);
	}

	String type() {
		JsonNode type = this.node.get("type");
		if (type == null || type.isNull()) {
			throw new ProtocolException("missing_field", "Every frame needs a string field 'type'.");
		}
		if (!type.isString()) {
			throw new ProtocolException("invalid_field", "The field 'type' must be a string.");
		}
		return type.asString();
	}

	/**
	 * The frame's {@code ref}. One the server could not echo (not a string, or longer
	 * than the documented 64 characters) is refused rather than dropped, so the client
	 * learns why no answer carries it.
	 */
	@Nullable String ref() {
		JsonNode ref = this.node.get("ref");
		if (ref == null || ref.isNull()) {
			return null;
		}
		if (!ref.isString()) {
			throw new ProtocolException("invalid_field", "The field 'ref' must be a string.");
		}
		String text = ref.asString();
		if (text.codePointCount(0, text.length()) > MAX_REF) {
			throw new ProtocolException("invalid_field", "The field 'ref' has at most " + MAX_REF + " characters.");
		}
		return text;
	}

	String text(String field) {
		String value = optionalText(field);
		if (value == null) {
			throw new ProtocolException("missing_field", "The field '" + field + "' is required.");
		}
		return value;
	}

	@Nullable String optionalText(String field) {
		JsonNode value = this.node.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw new ProtocolException("invalid_field", "The field '" + field + "' must be a string.");
		}
		return value.asString();
	}

	/**
	 * An optional array of strings: none when absent.
	 * @param field the field
	 * @param max the longest array read at all
	 * @param tooLong the error code for a longer array
	 */
	List<String> texts(String field, int max, String tooLong) {
		JsonNode value = this.node.get(field);
		if (value == null || value.isNull()) {
			return List.of();
		}
		if (!value.isArray()) {
			throw new ProtocolException("invalid_field", "The field '" + field + "' must be an array of strings.");
		}
		if (value.size() > max) {
			throw new ProtocolException(tooLong, "The field '" + field + "' has at most " + max + " entries.");
		}
		List<String> texts = new ArrayList<>(value.size());
		for (JsonNode item : value) {
			if (!item.isString()) {
				throw new ProtocolException("invalid_field", "The field '" + field + "' must be an array of strings.");
			}
			texts.add(item.asString());
		}
		return texts;
	}

	boolean has(String field) {
		JsonNode value = this.node.get(field);
		return value != null && !value.isNull();
	}

	long number(String field) {
		JsonNode value = this.node.get(field);
		if (value == null || value.isNull()) {
			throw new ProtocolException("missing_field", "The field '" + field + "' is required.");
		}
		if (!value.isIntegralNumber() || value.asLong() < 0) {
			throw new ProtocolException("invalid_field", "The field '" + field + "' must be a whole number >= 0.");
		}
		return value.asLong();
	}

	boolean flag(String field) {
		JsonNode value = this.node.get(field);
		if (value == null || value.isNull()) {
			throw new ProtocolException("missing_field", "The field '" + field + "' is required.");
		}
		if (!value.isBoolean()) {
			throw new ProtocolException("invalid_field", "The field '" + field + "' must be true or false.");
		}
		return value.asBoolean();
	}

	@Nullable FrameReader object(String field) {
		JsonNode value = this.node.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isObject()) {
			throw new ProtocolException("invalid_field", "The field '" + field + "' must be an object.");
		}
		return new FrameReader(value);
	}

}
