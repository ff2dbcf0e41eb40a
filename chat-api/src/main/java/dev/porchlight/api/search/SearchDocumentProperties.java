package dev.porchlight.api.search;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How archived messages reach the conversations' search documents.
 *
 * @param refreshInterval how often a node appends what the archive wrote meanwhile: a
 * message is found by search at most about this long after it was archived (longer only
 * when PostgreSQL falls behind); the longer, the more archive passes share one rewrite of
 * a busy conversation's document
 * @param batch marks taken per transaction (each archive transaction marks each of its
 * conversations once; a run appends to every conversation its marks name)
 * @param budget how long one run may go on with full batches before it lets the next wait
 */
@ConfigurationProperties("porchlight.search")
public record SearchDocumentProperties(@DefaultValue("1s") Duration refreshInterval, @DefaultValue("2000") int batch,
		@DefaultValue("10s") Duration budget) {

	public SearchDocumentProperties {
		if (refreshInterval.isNegative() || refreshInterval.isZero() || batch < 1 || batch > 10_000
				|| budget.isNegative() || budget.isZero()) {
			throw new IllegalArgumentException(
					"porchlight.search: refresh-interval and budget are positive, batch is 1 to 10000");
		}
	}

}
