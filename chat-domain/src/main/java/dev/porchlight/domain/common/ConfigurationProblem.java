package dev.porchlight.domain.common;

/**
 * Configuration a node cannot start with. It is reported at start-up as what is wrong and
 * what to do about it, without a stack trace.
 */
public class ConfigurationProblem extends IllegalStateException {

	private final String action;

	/**
	 * A problem with the configuration.
	 * @param description what is wrong, naming the property
	 * @param action what to change
	 */
	public ConfigurationProblem(String description, String action) {
		super(description);
		this.action = action;
	}

	/**
	 * What to change.
	 * @return the action, one or two sentences
	 */
	public String action() {
		return this.action;
	}

}
