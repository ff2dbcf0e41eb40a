package dev.porchlight.api.browser;

import java.util.List;

/**
 * Messages a hostile visitor (or a compromised staff account) might send. Every one must
 * appear exactly as typed and nothing in it may run, in the widget and in the dashboard.
 * Payloads that would run set {@code window.__xss}.
 */
final class XssCorpus {

	static final List<String> ENTRIES = List.of("<script>window.__xss = 1</script>",
			"<img src=x onerror=\"window.__xss = 2\">", "<svg onload=\"window.__xss = 3\"><circle r=\"9\"/></svg>",
			"[click me](javascript:window.__xss=4)", "javascript:window.__xss=5",
			"<a href=\"javascript:window.__xss=6\">prize</a>", "\"><iframe src=\"javascript:window.__xss=7\"></iframe>",
			"**bold** _italic_ `code` <b>tag</b>", "<style>body { display: none }</style>",
			"data:text/html,<script>window.__xss=8</script>", "&lt;script&gt;entities stay literal&lt;/script&gt;",
			"https://ok.example/?q=<b>x</b>&r=\"y\" and mailto:ada@example.com",
			"<math><mi xlink:href=\"javascript:window.__xss=9\">m</mi></math>",
			"{{constructor.constructor('window.__xss=10')()}}");

	private XssCorpus() {
	}

}
