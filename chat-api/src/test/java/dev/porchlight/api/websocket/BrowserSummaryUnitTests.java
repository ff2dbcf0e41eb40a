package dev.porchlight.api.websocket;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BrowserSummaryUnitTests {

	@Test
	void namesCommonBrowsersAndSystems() {
		assertThat(
				BrowserSummary.of("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0"))
			.isEqualTo("Firefox on Windows");
		assertThat(BrowserSummary.of("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 "
				+ "(KHTML, like Gecko) Version/18.0 Safari/605.1.15"))
			.isEqualTo("Safari on macOS");
		assertThat(BrowserSummary.of("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
				+ "Chrome/129.0 Mobile Safari/537.36"))
			.isEqualTo("Chrome on Android");
		assertThat(BrowserSummary
			.of("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/129.0 Safari/537.36 " + "Edg/129.0"))
			.isEqualTo("Edge on Windows");
		assertThat(BrowserSummary.of("curl/8.5")).isEqualTo("Another browser");
		assertThat(BrowserSummary.of(null)).isNull();
		assertThat(BrowserSummary.of("  ")).isNull();
	}

}
