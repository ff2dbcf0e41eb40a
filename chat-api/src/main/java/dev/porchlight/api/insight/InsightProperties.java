package dev.porchlight.api.insight;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Insight settings (docs/insights.md).
 *
 * @param interval how often a node looks for conversations to count
 * @param batch conversations counted in one transaction
 * @param budget how long one look may go on counting batches before it lets the next wait
 * @param fresh how long a kept page of 30 days is shown after something new was counted
 * @param settle how long a conversation's mark waits before it is counted: a conversation
 * the archive keeps writing is counted once per this, not after every archive pass
 */
@ConfigurationProperties("porchlight.insights")
public record InsightProperties(@DefaultValue("15s") Duration interval, @DefaultValue("100") int batch,
		@DefaultValue("10s") Duration budget, @DefaultValue("5m") Duration fresh, @DefaultValue("1m") Duration settle) {

	public InsightProperties {
		if (interval.isNegative() || interval.isZero() || batch < 1 || batch > 10_000 || budget.isNegative()
				|| budget.isZero() || fresh.isNegative() || settle.isNegative()) {
			throw new IllegalArgumentException("porchlight.insights: interval and budget are positive, "
					+ "fresh and settle not negative, batch is 1 to 10000");
		}
	}

}
