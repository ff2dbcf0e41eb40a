package dev.porchlight.domain.site;

/**
 * What the widget asks before the first message.
 */
public enum PreChatForm {

	NONE, OPTIONAL_EMAIL, REQUIRED_EMAIL

}
