package dev.porchlight.domain.site;

import java.util.Objects;
import java.util.regex.Pattern;

import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.Text;

/**
 * How a site's widget looks and greets people.
 *
 * @param colour the theme colour as {@code #rrggbb}
 * @param greeting shown when the widget opens
 * @param awayMessage shown when nobody is online
 * @param preChatForm what to ask before the first message
 * @param typingPreview whether staff see the visitor's draft while it is typed (off by
 * default: it shows text the visitor has not chosen to send)
 * @param businessHours when the business answers
 */
public record WidgetSettings(String colour, String greeting, String awayMessage, PreChatForm preChatForm,
		boolean typingPreview, BusinessHours businessHours) {

	public static final int MAX_TEXT = 500;

	private static final Pattern COLOUR = Pattern.compile("^#[0-9a-fA-F]{6}$");

	public WidgetSettings {
		Objects.requireNonNull(colour, "colour");
		if (!COLOUR.matcher(colour).matches()) {
			throw new DomainException("invalid_colour", "The colour must look like #1a7f5a.");
		}
		colour = colour.toLowerCase(java.util.Locale.ROOT);
		greeting = Text.required("greeting", greeting, MAX_TEXT);
		awayMessage = Text.required("away message", awayMessage, MAX_TEXT);
		Objects.requireNonNull(preChatForm, "preChatForm");
		Objects.requireNonNull(businessHours, "businessHours");
	}

	public static WidgetSettings defaults() {
		return new WidgetSettings("#1a7f5a", "Hi! Ask us anything, we usually answer within minutes.",
				"We're away right now. Leave your email and we'll get back to you.", PreChatForm.NONE, false,
				BusinessHours.none());
	}

}
