package dev.porchlight.api.websocket;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * A short, human description of a browser from its {@code User-Agent}, such as "Firefox
 * on Windows", for the customer record. The full header is never stored.
 */
public final class BrowserSummary {

	private BrowserSummary() {
	}

	public static @Nullable String of(@Nullable String userAgent) {
		if (userAgent == null || userAgent.isBlank()) {
			return null;
		}
		String agent = userAgent.toLowerCase(Locale.ROOT);
		String browser;
		if (agent.contains("edg/")) {
			browser = "Edge";
		}
		else if (agent.contains("opr/") || agent.contains("opera")) {
			browser = "Opera";
		}
		else if (agent.contains("firefox/")) {
			browser = "Firefox";
		}
		else if (agent.contains("chrome/") || agent.contains("chromium/") || agent.contains("crios/")) {
			browser = "Chrome";
		}
		else if (agent.contains("safari/")) {
			browser = "Safari";
		}
		else {
			browser = "Another browser";
		}
		String system;
		if (agent.contains("android")) {
			system = "Android";
		}
		else if (agent.contains("iphone") || agent.contains("ipad")) {
			system = "iOS";
		}
		else if (agent.contains("windows")) {
			system = "Windows";
		}
		else if (agent.contains("mac os") || agent.contains("macintosh")) {
			system = "macOS";
		}
		else if (agent.contains("linux")) {
			system = "Linux";
		}
		else {
			return browser;
		}
		return browser + " on " + system;
	}

}
