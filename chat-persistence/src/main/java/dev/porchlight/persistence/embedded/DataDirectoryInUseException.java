package dev.porchlight.persistence.embedded;

import java.nio.file.Path;

/**
 * Another running Porchlight holds the data directory.
 */
public class DataDirectoryInUseException extends IllegalStateException {

	private final Path directory;

	public DataDirectoryInUseException(Path directory) {
		super("The data directory " + directory + " is in use by another running Porchlight instance.");
		this.directory = directory;
	}

	public Path directory() {
		return this.directory;
	}

}
