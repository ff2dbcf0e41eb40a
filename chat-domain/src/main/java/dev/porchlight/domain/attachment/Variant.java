package dev.porchlight.domain.attachment;

/**
 * The files kept for one attachment.
 */
public enum Variant {

	/** What is served: for an image the re-encoded picture, without its metadata. */
	FILE("f"),

	/** A small picture of an image, for the chat. */
	THUMBNAIL("t"),

	/** The bytes as uploaded, kept only where the site asks for it. */
	ORIGINAL("o");

	private final String code;

	Variant(String code) {
		this.code = code;
	}

	/**
	 * @return the one-letter name used in links and storage
	 */
	public String code() {
		return this.code;
	}

	/**
	 * @param code a one-letter name
	 * @return its variant
	 * @throws IllegalArgumentException for an unknown one
	 */
	public static Variant of(String code) {
		for (Variant variant : values()) {
			if (variant.code.equals(code)) {
				return variant;
			}
		}
		throw new IllegalArgumentException("unknown variant");
	}

}
