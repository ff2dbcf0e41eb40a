package dev.porchlight.api.live;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One incoming JSON frame, with typed access to its fields that fails with the protocol's
 * error codes ({@code malformed_frame}, {@code missing_field}, {@code invalid_field}).
 */
final class Frame {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final JsonNode node;

	private Frame(JsonNode node) {
		this.node = node;
	}

	static Frame parse(String text) {
		JsonNode node;
		try {
			node = JSON.readTree(text);
		}
		catch (JacksonException ex) {
			throw new ProtocolException("malformed_frame", "The frame is not valid JSON.");
		}
		if (node == null || !node.isObject()) {
			throw new ProtocolException("malformed_frame", "A frame is a JSON object.");
		}
		return new Frame(node);
	}

	String type() {
		JsonNode type = this.node.get("type");
		if (type == null || !type.isString()) {
			throw new ProtocolException("missing_field", "Every frame needs a string field 'type'.");
		}
		return type.asString();
	}

	@Nullable String ref() {
		JsonNode ref = this.node.get("ref");
		return (ref != null && ref.isString() && ref.asString().length() <= 64) ? ref.asString() : null;
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

	@Nullable Frame object(String field) {
		JsonNode value = this.node.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isObject()) {
			throw new ProtocolException("invalid_field", "The field '" + field + "' must be an object.");
		}
		return new Frame(value);
	}

	/**
	 * An outgoing frame under construction.
	 * @param type the frame type
	 * @return a mutable map, serialised with {@link #write}
	 */
	static Map<String, Object> out(String type) {
		Map<String, Object> frame = new LinkedHashMap<>();
		frame.put("type", type);
		return frame;
	}

	static String write(Map<String, Object> frame) {
		return JSON.writeValueAsString(frame);
	}

}
