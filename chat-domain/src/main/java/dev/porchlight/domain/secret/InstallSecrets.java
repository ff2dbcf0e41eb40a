package dev.porchlight.domain.secret;

import java.util.function.Supplier;

/**
 * Secrets generated once per installation and shared by all its nodes, such as the key
 * that signs visitor tokens. Never constants in code.
 */
public interface InstallSecrets {

	/**
	 * The secret with this name, generated and stored on first use. When several nodes
	 * ask at once, all get the same value.
	 * @param name the secret's name
	 * @param generator makes a new random value
	 * @return the secret
	 */
	String getOrCreate(String name, Supplier<String> generator);

}
