package dev.porchlight.persistence.attachment;

import java.util.ArrayList;
import java.util.List;

import dev.porchlight.domain.conversation.Attachment;
import dev.porchlight.domain.conversation.AttachmentId;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * The one spelling of a message's files wherever they are stored: the {@code a} field of
 * a log entry in Redis (and its events) and the {@code attachments} column of an archived
 * message, {@code [{"id", "name", "type", "size", "width", "height"}]}.
 */
public final class AttachmentJson {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private AttachmentJson() {
	}

	/**
	 * @param attachments a message's files
	 * @return their JSON, or null for none
	 */
	public static @Nullable String write(List<Attachment> attachments) {
		if (attachments.isEmpty()) {
			return null;
		}
		ArrayNode array = JSON.createArrayNode();
		for (Attachment attachment : attachments) {
			array.addObject()
				.put("id", attachment.id().toString())
				.put("name", attachment.name())
				.put("type", attachment.mediaType())
				.put("size", attachment.size())
				.put("width", attachment.width())
				.put("height", attachment.height());
		}
		return JSON.writeValueAsString(array);
	}

	/**
	 * @param json what {@link #write} wrote, or null
	 * @return the files, none for null or empty
	 */
	public static List<Attachment> read(@Nullable String json) {
		if (json == null || json.isEmpty()) {
			return List.of();
		}
		List<Attachment> attachments = new ArrayList<>();
		for (JsonNode node : JSON.readTree(json)) {
			attachments.add(new Attachment(AttachmentId.parse(node.path("id").asString()), node.path("name").asString(),
					node.path("type").asString(), node.path("size").asLong(), node.path("width").asInt(),
					node.path("height").asInt()));
		}
		return attachments;
	}

}
