package dev.porchlight.domain.conversation;

import java.util.Objects;

import dev.porchlight.domain.common.DomainException;

/**
 * What a message says about a file it carries: enough to show it (a thumbnail or a
 * download card) without reading the file. The type is the one the server found in the
 * content, never the name's or the browser's.
 *
 * @param id the file
 * @param name the name the sender gave it (no path, at most {@value #MAX_NAME}
 * characters)
 * @param mediaType what the content is, e.g. {@code image/jpeg}
 * @param size bytes of the file as served
 * @param width pixels, 0 for what is not an image
 * @param height pixels, 0 for what is not an image
 */
public record Attachment(AttachmentId id, String name, String mediaType, long size, int width, int height) {

	public static final int MAX_NAME = 200;

	public Attachment {
		Objects.requireNonNull(id, "id");
		name = name(name);
		Objects.requireNonNull(mediaType, "mediaType");
		if (size < 0 || width < 0 || height < 0) {
			throw new IllegalArgumentException("sizes are not negative");
		}
	}

	/**
	 * @return whether it is shown as a picture (and has a thumbnail)
	 */
	public boolean image() {
		return this.mediaType.startsWith("image/");
	}

	/**
	 * A file name as a sender may give it: the last part of a path, without control
	 * characters, at most {@value #MAX_NAME} characters.
	 * @param name what the browser said
	 * @return the cleaned name
	 * @throws DomainException {@code invalid_file_name} for an empty or unusable name
	 */
	public static String name(String name) {
		Objects.requireNonNull(name, "name");
		String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
		StringBuilder clean = new StringBuilder();
		last.codePoints()
			.filter((cp) -> !Character.isISOControl(cp) && Character.getType(cp) != Character.FORMAT && cp != '"')
			.forEach(clean::appendCodePoint);
		String stripped = clean.toString().strip();
		while (stripped.startsWith(".")) {
			stripped = stripped.substring(1);
		}
		if (stripped.isEmpty()) {
			throw new DomainException("invalid_file_name", "The file needs a name.");
		}
		if (stripped.codePointCount(0, stripped.length()) > MAX_NAME) {
			// Too long: the start of the name and its extension, so it still opens.
			int dot = stripped.lastIndexOf('.');
			String extension = (dot > 0 && stripped.length() - dot <= 10) ? stripped.substring(dot) : "";
			int keep = MAX_NAME - extension.codePointCount(0, extension.length());
			stripped = stripped.substring(0, stripped.offsetByCodePoints(0, keep)) + extension;
		}
		return stripped;
	}

	@Override
	public String toString() {
		// File names are what people wrote: they stay out of logs like message bodies.
		return "Attachment[" + this.id + ", " + this.mediaType + ", " + this.size + " B]";
	}

}
