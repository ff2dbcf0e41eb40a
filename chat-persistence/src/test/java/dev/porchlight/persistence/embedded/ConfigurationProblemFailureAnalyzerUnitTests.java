package dev.porchlight.persistence.embedded;

import dev.porchlight.domain.common.ConfigurationProblem;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configuration a node cannot start with is reported as what is wrong and what to change,
 * however deep Spring wrapped it, and the analyzer is registered for every application.
 */
class ConfigurationProblemFailureAnalyzerUnitTests {

	@Test
	void aWrappedProblemBecomesItsDescriptionAndAction() {
		ConfigurationProblem problem = new ConfigurationProblem(
				"porchlight.email.imap.host is set: porchlight.email.imap.username and password are needed too",
				"Set porchlight.email.imap.username and porchlight.email.imap.password.");
		FailureAnalysis analysis = new ConfigurationProblemFailureAnalyzer()
			.analyze(new BeanCreationException("emailWork", "Error creating bean", problem));
		assertThat(analysis.getDescription()).isEqualTo(problem.getMessage());
		assertThat(analysis.getAction()).isEqualTo(problem.action());
	}

	@Test
	void otherFailuresAreLeftToSpringBoot() {
		assertThat(new ConfigurationProblemFailureAnalyzer().analyze(new IllegalStateException("something else")))
			.isNull();
	}

	@Test
	void itIsRegistered() {
		// Spring Boot's own analyzers need the application's bean factory; only whether
		// ours is among those listed matters here.
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
			}))).anyMatch(ConfigurationProblemFailureAnalyzer.class::isInstance);
	}

}
