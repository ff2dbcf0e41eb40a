package dev.porchlight.api.attachment;

/**
 * An uploaded file that is not accepted: its content is of a type that cannot be sent, or
 * a picture cannot be read or is too large. The message says so to the sender.
 */
public class AttachmentRejectedException extends RuntimeException {

	private final String code;

	/**
	 * A refusal.
	 * @param code {@code unsupported_type}, {@code unreadable_image} or
	 * {@code image_too_large}
	 * @param message a sentence for the sender
	 */
	public AttachmentRejectedException(String code, String message) {
		super(message);
		this.code = code;
	}

	/**
	 * The reason, as an error code of the API.
	 * @return {@code unsupported_type}, {@code unreadable_image} or
	 * {@code image_too_large}
	 */
	public String code() {
		return this.code;
	}

}
