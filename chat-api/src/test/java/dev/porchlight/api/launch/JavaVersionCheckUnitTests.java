package dev.porchlight.api.launch;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JavaVersionCheckUnitTests {

	/** Debian's Java 17, the default java of the machines this is built on. */
	static final Path JAVA_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");

	@Test
	void anOlderJavaGetsOneClearSentence() {
		assertThat(JavaVersionCheck.problem(17, "/usr/lib/jvm/java-17-openjdk-amd64"))
			.startsWith("Porchlight needs Java 21 or newer; this is Java 17 (/usr/lib/jvm/java-17-openjdk-amd64)")
			.doesNotContain("\n");
		assertThat(JavaVersionCheck.problem(21, "/opt/jdk")).isNull();
		assertThat(JavaVersionCheck.problem(25, "/opt/jdk")).isNull();
	}

	@Test
	void theCheckIsJava17BytecodeSoJava17CanRunIt() throws IOException {
		try (InputStream in = JavaVersionCheck.class.getResourceAsStream("JavaVersionCheck.class");
				DataInputStream data = new DataInputStream(in)) {
			assertThat(data.readInt()).isEqualTo(0xCAFEBABE);
			data.readUnsignedShort();
			assertThat(data.readUnsignedShort()).as("class file version: 61 is Java 17").isEqualTo(61);
		}
	}

	@Test
	void onJava17ItPrintsTheSentenceAndExitsWithStatus1() throws Exception {
		Assumptions.assumeTrue(Files.isExecutable(JAVA_17), "no Java 17 at " + JAVA_17);
		Path classes = Path.of(JavaVersionCheck.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		Process java17 = new ProcessBuilder(JAVA_17.toString(), "-cp", classes.toString(),
				JavaVersionCheck.class.getName())
			.redirectErrorStream(true)
			.start();
		assertThat(java17.waitFor(30, TimeUnit.SECONDS)).isTrue();
		String output = new String(java17.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(java17.exitValue()).isEqualTo(1);
		assertThat(output.lines()).singleElement()
			.asString()
			.startsWith("Porchlight needs Java 21 or newer; this is Java 17");
	}

}
