package dev.porchlight.bench;

import java.util.List;
import java.util.Locale;

/**
 * A latency-vs-load plot as plain SVG: p50 and p99 of visitor → owner delivery against
 * the offered rate, for Porchlight and the peer, with the 50 ms line. Logarithmic latency
 * axis.
 */
final class Plot {

	private static final int W = 720;

	private static final int H = 420;

	private static final int L = 70;

	private static final int R = 20;

	private static final int T = 40;

	private static final int B = 60;

	private Plot() {
	}

	static String latencyVsLoad(Results.Pair pair) {
		double maxRate = 1;
		for (List<LoadGenerator.Result> steps : List.of(pair.porchlight, pair.peer)) {
			for (LoadGenerator.Result s : steps) {
				maxRate = Math.max(maxRate, s.rate());
			}
		}
		double minMs = 0.1;
		double maxMs = 10_000;
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
				W, H, W, H));
		svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
		svg.append(String.format(Locale.ROOT,
				"<text x=\"%d\" y=\"22\" font-size=\"14\">Delivery latency (visitor → owner, across nodes) vs offered rate</text>\n",
				L));
		for (double ms = minMs; ms <= maxMs; ms *= 10) {
			double y = y(ms, minMs, maxMs);
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s ms</text>\n",
					L, W - R, y, y, L - 6, y + 4, (ms < 1) ? String.valueOf(ms) : String.valueOf((long) ms)));
		}
		double y50 = y(50, minMs, maxMs);
		svg.append(String.format(Locale.ROOT,
				"<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#c00\" stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%.1f\" fill=\"#c00\" text-anchor=\"end\">p99 goal 50 ms</text>\n",
				L, W - R, y50, y50, W - R - 4, y50 - 4));
		for (int i = 0; i <= 5; i++) {
			double rate = maxRate * i / 5;
			double x = x(rate, maxRate);
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#eee\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n",
					x, x, T, H - B, x, H - B + 16, Math.round(rate)));
		}
		svg.append(String.format(Locale.ROOT,
				"<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">offered visitor messages per second</text>\n",
				(L + W - R) / 2, H - 18));
		series(svg, pair.porchlight, maxRate, minMs, maxMs, 50, "#1f6feb", "", "Porchlight p50", 0);
		series(svg, pair.porchlight, maxRate, minMs, maxMs, 99, "#1f6feb", "stroke-dasharray=\"5 3\"", "Porchlight p99",
				1);
		series(svg, pair.peer, maxRate, minMs, maxMs, 50, "#d97706", "", "Socket.IO p50", 2);
		series(svg, pair.peer, maxRate, minMs, maxMs, 99, "#d97706", "stroke-dasharray=\"5 3\"", "Socket.IO p99", 3);
		svg.append("</svg>\n");
		return svg.toString();
	}

	private static void series(StringBuilder svg, List<LoadGenerator.Result> steps, double maxRate, double minMs,
			double maxMs, double percentile, String color, String dash, String label, int legend) {
		StringBuilder points = new StringBuilder();
		for (LoadGenerator.Result s : steps) {
			double ms = Math.max(minMs, Math.min(maxMs, s.p(percentile)));
			points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(s.rate(), maxRate), y(ms, minMs, maxMs)));
		}
		svg.append(String.format(Locale.ROOT,
				"<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" %s points=\"%s\"/>\n", color, dash,
				points.toString().trim()));
		for (LoadGenerator.Result s : steps) {
			double ms = Math.max(minMs, Math.min(maxMs, s.p(percentile)));
			svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
					x(s.rate(), maxRate), y(ms, minMs, maxMs), color));
		}
		int ly = T + 10 + legend * 16;
		svg.append(String.format(Locale.ROOT,
				"<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\" %s/><text x=\"%d\" y=\"%d\">%s</text>\n",
				L + 10, L + 40, ly, ly, color, dash, L + 46, ly + 4, label));
	}

	private static double x(double rate, double maxRate) {
		return L + (W - L - R) * rate / maxRate;
	}

	private static double y(double ms, double minMs, double maxMs) {
		double f = (Math.log10(ms) - Math.log10(minMs)) / (Math.log10(maxMs) - Math.log10(minMs));
		return H - B - (H - T - B) * f;
	}

}
