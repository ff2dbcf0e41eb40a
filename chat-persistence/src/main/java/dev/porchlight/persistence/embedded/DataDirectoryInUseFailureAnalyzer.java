package dev.porchlight.persistence.embedded;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a locked data directory into a clear start-up message instead of a stack trace.
 */
class DataDirectoryInUseFailureAnalyzer extends AbstractFailureAnalyzer<DataDirectoryInUseException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DataDirectoryInUseException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Stop the other instance, or give this one its own directory with porchlight.embedded.data-dir "
						+ "(PORCHLIGHT_EMBEDDED_DATA_DIR). To run several nodes on shared data, use an external "
						+ "PostgreSQL and Redis (spring.datasource.url, spring.data.redis.url).",
				cause);
	}

}
