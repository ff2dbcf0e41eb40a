package dev.porchlight.api.email;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Comment;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * HTML mail to plain text, without any markup, and without fetching anything: images and
 * links are never resolved or loaded. Quoted history of Gmail, Outlook, Apple Mail and
 * Thunderbird is removed before the conversion.
 */
public final class HtmlText {

	private static final Set<String> BLOCKS = Set.of("address", "article", "aside", "blockquote", "caption", "center",
			"dd", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
			"h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "tfoot", "thead",
			"tr", "ul");

	private static final String INVISIBLE_ELEMENTS = "script, style, head, title, template, iframe, object, embed, "
			+ "svg, math, canvas, [hidden]";

	private static final Pattern DISPLAY_NONE = Pattern.compile("(?i)display\\s*:\\s*none");

	private static final String QUOTED_HISTORY = "div.gmail_quote, .gmail_quote_container, .gmail_attr, "
			+ "div.yahoo_quoted, .protonmail_quote, #mail-editor-reference-message-container, blockquote[type=cite], "
			+ "blockquote";

	private static final Pattern SPACES = Pattern.compile("[\\s\\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000]+");

	private static final Pattern INVISIBLE_CHARACTERS = Pattern
		.compile("[\\u00ad\\u034f\\u200b-\\u200d\\u2060\\ufeff]|[\\p{Cc}&&[^\\n\\t]]");

	private static final int MAX_URL_LENGTH = 2048;

	private HtmlText() {
	}

	/**
	 * The text of an HTML mail: block elements become line breaks, links with a label
	 * become {@code label (url)} (for http, https and mailto only), images with an alt
	 * text become {@code [image: alt]}; scripts, styles, comments and quoted history are
	 * dropped (quoted history only when something else is left).
	 * @param html an HTML document or fragment
	 * @return its text, with at most two blank lines in a row, trimmed
	 */
	public static String toText(String html) {
		Document document = Jsoup.parse(html);
		document.select(INVISIBLE_ELEMENTS).remove();
		for (Element styled : document.select("[style]")) {
			if (DISPLAY_NONE.matcher(styled.attr("style")).find()) {
				styled.remove();
			}
		}
		removeComments(document);
		Element body = document.body();
		Element whole = body.clone();
		removeQuotedHistory(body);
		String text = text(body);
		// A forward, or an answer written inside the quote markup, would leave nothing:
		// all of it is kept rather than lose what the customer sent.
		return text.isBlank() ? text(whole) : text;
	}

	private static String text(Element body) {
		Converter converter = new Converter();
		NodeTraversor.traverse(converter, body);
		return tidy(converter.text.toString());
	}

	private static void removeComments(Document document) {
		List<Node> comments = new ArrayList<>();
		NodeTraversor.traverse((node, depth) -> {
			if (node instanceof Comment) {
				comments.add(node);
			}
		}, document);
		comments.forEach(Node::remove);
	}

	private static void removeQuotedHistory(Element body) {
		Element outlook = body.selectFirst("#appendonsend, #divRplyFwdMsg");
		if (outlook != null) {
			removeFromHereOn(outlook, body);
		}
		for (Element prefix : body.select(".moz-cite-prefix")) {
			Element next = prefix.nextElementSibling();
			if (next != null && next.normalName().equals("blockquote")) {
				next.remove();
			}
			prefix.remove();
		}
		body.select(QUOTED_HISTORY).remove();
	}

	/** Removes an element and everything after it in document order. */
	private static void removeFromHereOn(Element element, Element root) {
		Node current = element;
		while (current != null && current != root) {
			Node next = current.nextSibling();
			while (next != null) {
				Node following = next.nextSibling();
				next.remove();
				next = following;
			}
			current = current.parent();
		}
		element.remove();
	}

	private static String tidy(String text) {
		String visible = INVISIBLE_CHARACTERS.matcher(text).replaceAll("");
		StringBuilder out = new StringBuilder();
		int blank = 0;
		for (String line : visible.split("\n", -1)) {
			String collapsed = SPACES.matcher(line).replaceAll(" ").strip();
			if (collapsed.isEmpty()) {
				blank++;
				continue;
			}
			if (!out.isEmpty()) {
				out.append("\n".repeat(1 + Math.min(blank, 2)));
			}
			blank = 0;
			out.append(collapsed);
		}
		return out.toString();
	}

	private static String urlOf(Element link) {
		String href = SPACES.matcher(link.attr("href")).replaceAll("");
		String lower = href.toLowerCase(Locale.ROOT);
		if (href.length() > MAX_URL_LENGTH
				|| !(lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("mailto:"))) {
			return "";
		}
		return href.replace("<", "%3C").replace(">", "%3E").replace("\"", "%22");
	}

	private static boolean sameAs(String label, String url) {
		return comparable(label).equals(comparable(url));
	}

	private static String comparable(String value) {
		String lower = SPACES.matcher(value).replaceAll("").toLowerCase(Locale.ROOT);
		for (String scheme : List.of("mailto:", "http://", "https://")) {
			if (lower.startsWith(scheme)) {
				lower = lower.substring(scheme.length());
				break;
			}
		}
		while (lower.endsWith("/")) {
			lower = lower.substring(0, lower.length() - 1);
		}
		return lower;
	}

	private static final class Converter implements NodeVisitor {

		private final StringBuilder text = new StringBuilder();

		private final Deque<Integer> links = new ArrayDeque<>();

		private int preformatted;

		@Override
		public void head(Node node, int depth) {
			if (node instanceof TextNode textNode) {
				appendText(textNode.getWholeText());
				return;
			}
			if (!(node instanceof Element element)) {
				return;
			}
			String name = element.normalName();
			switch (name) {
				case "br" -> this.text.append('\n');
				case "img" -> image(element);
				case "td", "th" -> space();
				case "a" -> this.links.push(this.text.length());
				case "pre" -> this.preformatted++;
				default -> {
				}
			}
			if (BLOCKS.contains(name)) {
				lineBreak();
				if (name.equals("li")) {
					this.text.append("- ");
				}
			}
		}

		@Override
		public void tail(Node node, int depth) {
			if (!(node instanceof Element element)) {
				return;
			}
			String name = element.normalName();
			if (name.equals("a") && !this.links.isEmpty()) {
				link(element, this.links.pop());
			}
			else if (name.equals("pre")) {
				this.preformatted--;
			}
			if (BLOCKS.contains(name)) {
				lineBreak();
			}
		}

		private void appendText(String value) {
			if (this.preformatted > 0) {
				this.text.append(value);
				return;
			}
			String collapsed = SPACES.matcher(value).replaceAll(" ");
			if (collapsed.startsWith(" ") && (this.text.isEmpty() || endsWith('\n') || endsWith(' '))) {
				collapsed = collapsed.substring(1);
			}
			this.text.append(collapsed);
		}

		private void image(Element image) {
			String alt = SPACES.matcher(image.attr("alt")).replaceAll(" ").strip();
			if (!alt.isEmpty()) {
				space();
				this.text.append("[image: ").append(alt).append(']');
			}
		}

		private void link(Element link, int start) {
			String url = urlOf(link);
			if (url.isEmpty()) {
				return;
			}
			String label = this.text.substring(Math.min(start, this.text.length())).strip();
			if (!label.isEmpty() && !sameAs(label, url)) {
				this.text.append(" (").append(url).append(')');
			}
		}

		private void space() {
			if (!this.text.isEmpty() && !endsWith('\n') && !endsWith(' ')) {
				this.text.append(' ');
			}
		}

		private void lineBreak() {
			if (!this.text.isEmpty() && !endsWith('\n')) {
				this.text.append('\n');
			}
		}

		private boolean endsWith(char c) {
			return this.text.charAt(this.text.length() - 1) == c;
		}

	}

}
