package dev.porchlight.domain.site;

import java.util.Objects;
import java.util.regex.Pattern;

import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.Text;

/**
 * How a site's widget looks and greets people.
 *
 * @param colour the theme colour as {@code #rrggbb}
 * @param position the corner the chat bubble sits in
 * @param greeting shown when the widget opens
 * @param awayMessage shown when nobody is online
 * @param preChatForm what to ask before the first message
 * @param typingPreview whether staff see the visitor's draft while it is typed (off by
 * default: it shows text the visitor has not chosen to send)
 * @param businessHours when the business answers
 */
public record WidgetSettings(String colour, LauncherPosition position, String greeting, String awayMessage,
		PreChatForm preChatForm, boolean typingPreview, BusinessHours businessHours) {

	public static final int MAX_TEXT = 500;

	private static final Pattern COLOUR = Pattern.compile("^#[0-9a-fA-F]{6}$");

	public WidgetSettings {
		Objects.requireNonNull(colour, "colour");
		if (!COLOUR.matcher(colour).matches()) {
			throw new DomainException("invalid_colour", "The colour must look like #1a7f5a.");
		}
		colour = colour.toLowerCase(java.util.Locale.ROOT);
		Objects.requireNonNull(position, "position");
		greeting = Text.required("greeting", greeting, MAX_TEXT);
		awayMessage = Text.required("away message", awayMessage, MAX_TEXT);
		Objects.requireNonNull(preChatForm, "preChatForm");
		Objects.requireNonNull(businessHours, "businessHours");
	}

	/**
	 * Black or white, whichever reads better on the theme colour (by WCAG relative
	 * luminance), so a light theme colour never gets unreadable white text.
	 * @return {@code #000000} or {@code #ffffff}
	 */
	public String textColour() {
		double[] channels = new double[3];
		for (int i = 0; i < 3; i++) {
			double c = Integer.parseInt(this.colour.substring(1 + 2 * i, 3 + 2 * i), 16) / 255.0;
			channels[i] = (c <= 0.03928) ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
		}
		double luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
		// Above 0.179 black has the higher contrast ratio, below it white.
		return (luminance > 0.179) ? "#000000" : "#ffffff";
	}

	public static WidgetSettings defaults() {
		return new WidgetSettings("#1a7f5a", LauncherPosition.RIGHT,
				"Hi! Ask us anything, we usually answer within minutes.",
				"We're away right now. Leave your email and we'll get back to you.", PreChatForm.NONE, false,
				BusinessHours.none());
	}

}
