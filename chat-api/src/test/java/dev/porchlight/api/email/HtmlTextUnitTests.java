package dev.porchlight.api.email;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlTextUnitTests {

	@Test
	void dropsScriptsStylesTheHeadAndComments() {
		String html = """
				<!DOCTYPE html><html><head><title>Hidden title</title>
				<style>.x { color: red }</style><script>alert('head')</script></head>
				<body><p>Is the <b>red</b> lamp still available?</p><!-- a comment -->
				<script>document.write('<b>injected</b>')</script><noscript></noscript></body></html>
				""";
		assertThat(HtmlText.toText(html)).isEqualTo("Is the red lamp still available?");
	}

	@Test
	void turnsBlockElementsIntoLineBreaks() {
		String html = "<h1>Order</h1><div>Line one</div><div>Line two<br>Line three</div><ul><li>Lamp</li>"
				+ "<li>Bulb</li></ul><table><tr><td>Total</td><td>42 EUR</td></tr></table><p>Bye</p>";
		assertThat(HtmlText.toText(html))
			.isEqualTo("Order\nLine one\nLine two\nLine three\n- Lamp\n- Bulb\nTotal 42 EUR\nBye");
	}

	@Test
	void keepsBlankLinesButAtMostTwo() {
		String html = "<div>Hi</div><div><br></div><div>there</div><br><br><br><br><br><br><div>end</div>";
		assertThat(HtmlText.toText(html)).isEqualTo("Hi\n\nthere\n\n\nend");
	}

	@Test
	void collapsesWhitespaceAndDecodesEntities() {
		String html = "<p>  2 &lt; 3   &amp;&nbsp;&nbsp;caf&eacute;\n\t&#128512; </p><p>&lt;b&gt;not bold&lt;/b&gt;</p>";
		assertThat(HtmlText.toText(html)).isEqualTo("2 < 3 & café 😀\n<b>not bold</b>");
	}

	@Test
	void writesLinkTargetsOnlyForWebAndMailLinksWithADifferentLabel() {
		String html = """
				<p>See <a href="https://shop.example.com/p/lamp?utm=1">this lamp</a>,
				<a href="https://shop.example.com/">shop.example.com</a>,
				<a href="mailto:help@example.com">help@example.com</a>,
				<a href="mailto:help@example.com">our help desk</a>,
				<a href="javascript:alert(1)">this</a>, <a href="ftp://files.example.com/a">files</a>
				and <a href=" https://x.example/a b<c>">odd</a>.</p>
				""";
		assertThat(HtmlText.toText(html)).isEqualTo("See this lamp (https://shop.example.com/p/lamp?utm=1), "
				+ "shop.example.com, help@example.com, our help desk (mailto:help@example.com), this, files "
				+ "and odd (https://x.example/ab%3Cc%3E).");
	}

	@Test
	void writesImagesAsTheirAltTextOnly() {
		String html = "<p>Logo: <img src=\"cid:logo@x\" alt=\" Porchlight  logo \"></p>"
				+ "<img src=\"http://tracker.example.net/open.gif?id=42\" width=\"1\" height=\"1\">"
				+ "<img src=\"https://cdn.example.com/a.png\" alt=\"\"><p>Bye</p>";
		String text = HtmlText.toText(html);
		assertThat(text).isEqualTo("Logo: [image: Porchlight logo]\nBye");
		assertThat(text).doesNotContain("tracker", "http");
	}

	@Test
	void dropsGmailQuotedHistory() {
		String html = """
				<div dir="ltr">Yes, please reserve the blue one.<div><br></div><div>Anna</div></div><br>\
				<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">On Tue, 1 Dec 2026 \
				at 10:00, Shop &lt;<a href="mailto:shop@example.com">shop@example.com</a>&gt; wrote:<br></div>\
				<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">Hi Anna, we have it again.\
				</blockquote></div>
				""";
		assertThat(HtmlText.toText(html)).isEqualTo("Yes, please reserve the blue one.\n\nAnna");
	}

	/**
	 * A forward (or an answer typed inside the quote markup) is all quoted history:
	 * dropping it would leave nothing, so all of it is kept.
	 */
	@Test
	void keepsQuotedHistoryWhenNothingElseIsLeft() {
		String forward = """
				<div class="gmail_quote"><div class="gmail_attr">---------- Forwarded message ---------<br>\
				From: Ben &lt;ben@example.com&gt;</div><blockquote class="gmail_quote">The clasp broke after a week, \
				order 48213.</blockquote></div>
				""";
		assertThat(HtmlText.toText(forward)).contains("Forwarded message",
				"The clasp broke after a week, order 48213.");
		assertThat(HtmlText.toText("<blockquote>Only this, typed inside the quote.</blockquote>"))
			.isEqualTo("Only this, typed inside the quote.");
	}

	@Test
	void dropsOutlookHistoryFromAppendOnSendOn() {
		String html = """
				<html><head><style>p {margin:0}</style></head><body>
				<div class="elementToProof">Could you deliver it on Friday instead?</div>
				<div class="elementToProof">Best regards, Tom</div>
				<div id="appendonsend"></div>
				<hr style="display:inline-block;width:98%" tabindex="-1">
				<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif"><b>From:</b> Shop \
				&lt;shop@example.com&gt;<br><b>Sent:</b> Tuesday, December 1, 2026 10:00 AM<br><b>To:</b> Tom<br>\
				<b>Subject:</b> Order 1042</font><div>&nbsp;</div></div>
				<div>Your order 1042 will be delivered on Thursday.</div>
				</body></html>
				""";
		assertThat(HtmlText.toText(html)).isEqualTo("Could you deliver it on Friday instead?\nBest regards, Tom");
	}

	@Test
	void dropsOutlookHistoryFromTheReplyHeaderOnEvenWhenNested() {
		String html = """
				<div><div>Cancel it, please.</div><div id="divRplyFwdMsg"><b>From:</b> Shop</div>\
				<div>Original text</div></div><p>More original text</p>
				""";
		assertThat(HtmlText.toText(html)).isEqualTo("Cancel it, please.");
	}

	@Test
	void dropsAppleMailCitations() {
		String html = """
				<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>\
				<body dir="auto">Sounds good, see you at 5.<br><br><div dir="ltr">Sent from my iPhone</div>\
				<div dir="ltr"><br><blockquote type="cite">On 1 Dec 2026, at 10:00, Shop &lt;shop@example.com&gt; \
				wrote:<br><br></blockquote></div><blockquote type="cite"><div dir="ltr">Your table is ready.\
				</div></blockquote></body></html>
				""";
		assertThat(HtmlText.toText(html)).isEqualTo("Sounds good, see you at 5.\n\nSent from my iPhone");
	}

	@Test
	void dropsThunderbirdCitationsAndAnyBlockquote() {
		String html = """
				<p>Here you go.</p><div class="moz-cite-prefix">On 01/12/2026 10:00, Shop wrote:<br></div>\
				<blockquote type="cite" cite="mid:abc@example.com">Send a photo?</blockquote>\
				<p>Bye</p><blockquote>quoted elsewhere</blockquote>
				""";
		assertThat(HtmlText.toText(html)).isEqualTo("Here you go.\nBye");
	}

	@Test
	void dropsHiddenPreheaders() {
		String html = "<div style=\"display: none; max-height:0\">Preheader &zwnj;&nbsp;&zwnj;</div>"
				+ "<span hidden>secret</span><p>Visible\u200b text</p>";
		assertThat(HtmlText.toText(html)).isEqualTo("Visible text");
	}

	@Test
	void keepsPreformattedLineBreaks() {
		assertThat(HtmlText.toText("<pre>Order   1042\n  Lamp\n</pre>")).isEqualTo("Order 1042\nLamp");
	}

	@Test
	void leavesNoMarkupOfBrokenHtml() {
		String text = HtmlText.toText("<div><p>Unclosed <b>bold <i>italic <img src=x onerror=alert(1)> "
				+ "<a href='https://x.example'>x<script>bad()</script><iframe src='https://evil.example'></iframe>"
				+ "<svg><text>svg</text></svg>");
		assertThat(text).isEqualTo("Unclosed bold italic x (https://x.example)");
		assertThat(HtmlText.toText("")).isEmpty();
		assertThat(HtmlText.toText("plain text, no tags")).isEqualTo("plain text, no tags");
	}

}
