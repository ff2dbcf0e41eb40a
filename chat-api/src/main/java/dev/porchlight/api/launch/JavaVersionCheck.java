package dev.porchlight.api.launch;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import org.jspecify.annotations.Nullable;

/**
 * The start class of {@code porchlight.jar}. Spring Boot's launcher runs on Java 17, but
 * Porchlight is Java 21 bytecode, so on an older Java the first class of Porchlight's
 * failed with a raw {@code UnsupportedClassVersionError}. This class is compiled for Java
 * 17: it says in one sentence what is wrong and exits with status 1, or starts
 * {@code PorchlightApplication}.
 */
public final class JavaVersionCheck {

	static final int REQUIRED = 21;

	static final String APPLICATION = "dev.porchlight.api.PorchlightApplication";

	private JavaVersionCheck() {
	}

	public static void main(String[] args) throws Throwable {
		String problem = problem(Runtime.version().feature(), System.getProperty("java.home"));
		if (problem != null) {
			System.err.println(problem);
			System.exit(1);
		}
		// Looked up by name: referring to the class would load it before the check.
		MethodHandle main = MethodHandles.publicLookup()
			.findStatic(Class.forName(APPLICATION), "main", MethodType.methodType(void.class, String[].class));
		main.invokeExact(args);
	}

	/**
	 * @param feature the Java version, e.g. 17
	 * @param home where that Java is installed
	 * @return the sentence to print, or null when this Java runs Porchlight
	 */
	static @Nullable String problem(int feature, @Nullable String home) {
		if (feature >= REQUIRED) {
			return null;
		}
		return "Porchlight needs Java " + REQUIRED + " or newer; this is Java " + feature
				+ ((home != null) ? " (" + home + ")" : "")
				+ ": run it with a newer Java, for example $JAVA_HOME/bin/java -jar porchlight.jar.";
	}

}
