package dev.porchlight.persistence.embedded;

import dev.porchlight.domain.common.ConfigurationProblem;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports configuration a node cannot start with as what is wrong and what to change,
 * instead of a stack trace (docs/operations.md).
 */
class ConfigurationProblemFailureAnalyzer extends AbstractFailureAnalyzer<ConfigurationProblem> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ConfigurationProblem cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}

}
