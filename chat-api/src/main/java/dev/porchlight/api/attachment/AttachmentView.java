package dev.porchlight.api.attachment;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * A file as clients see it (docs/attachments.md): what it is and signed, short-lived
 * links to it.
 *
 * @param id the file
 * @param name the sender's file name
 * @param type what the content is
 * @param size bytes
 * @param width pixels, images only
 * @param height pixels, images only
 * @param url the file (images inline, everything else as a download)
 * @param thumbUrl a small picture, images only
 * @param downloadUrl the file as a download
 * @param originalUrl staff only, where the site keeps originals: the bytes as uploaded
 * @param expiresAt when the links stop working
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttachmentView(String id, String name, String type, long size, @Nullable Integer width,
		@Nullable Integer height, String url, @Nullable String thumbUrl, String downloadUrl,
		@Nullable String originalUrl, String expiresAt) {
}
