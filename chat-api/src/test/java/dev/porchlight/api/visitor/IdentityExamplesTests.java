package dev.porchlight.api.visitor;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.porchlight.api.IdentityTokenFixture;
import dev.porchlight.domain.common.EmailAddress;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The token-signing examples of docs/security.md ("Signing the token on your server"),
 * known-answer tested: each script example is taken from the page as it stands, run with
 * its interpreter for the documented inputs, and must print the documented token, which
 * in turn must carry the header and claims the Java example (IdentityTokenFixture) signs
 * and verify on the server. So the page, the scripts and the server cannot drift apart.
 * Without an interpreter a local run skips that language with a message; in CI
 * ({@code CI=true}, set by .ci/run, which installs them) it fails instead.
 */
class IdentityExamplesTests {

	/** The page, from the chat-api module directory that Maven runs tests in. */
	static final Path SECURITY_MD = Path.of("../docs/security.md");

	static final String SECTION = "### Signing the token on your server";

	static final String CUSTOMER = "customer-42";

	static final String EMAIL = "ada@shop.example";

	static final String NAME = "Ada Lovelace";

	/** Per interpreter run; starting one takes well under a second on a quiet machine. */
	static final Duration DEADLINE = Duration.ofSeconds(30);

	/**
	 * Each script example, how to run it and a driver that prints two tokens for the
	 * documented inputs: with email and name, then with neither. Arguments: secret,
	 * customer, email, name (all as quoted literals), iat.
	 */
	enum Example {

		NODE("js", "node", "nodejs", List.of(), ".js", """
				console.log(identityToken(%1$s, { id: %2$s, email: %3$s, name: %4$s }, %5$d));
				console.log(identityToken(%1$s, { id: %2$s }, %5$d));
				"""),

		PYTHON("python", "python3", "python3", List.of("-I"), ".py", """
				print(identity_token(%1$s, %2$s, email=%3$s, name=%4$s, now=%5$d))
				print(identity_token(%1$s, %2$s, now=%5$d))
				"""),

		PHP("php", "php", "php-cli", List.of("-d", "display_errors=stderr", "-d", "error_reporting=-1"), ".php", """
				echo identity_token(%1$s, %2$s, %3$s, %4$s, %5$d), "\\n";
				echo identity_token(%1$s, %2$s, null, null, %5$d), "\\n";
				"""),

		RUBY("ruby", "ruby", "ruby", List.of(), ".rb", """
				puts identity_token(%1$s, %2$s, email: %3$s, name: %4$s, now: %5$d)
				puts identity_token(%1$s, %2$s, now: %5$d)
				""");

		final String fence;

		final String command;

		final String debianPackage;

		final List<String> options;

		final String suffix;

		final String driver;

		Example(String fence, String command, String debianPackage, List<String> options, String suffix,
				String driver) {
			this.fence = fence;
			this.command = command;
			this.debianPackage = debianPackage;
			this.options = options;
			this.suffix = suffix;
			this.driver = driver;
		}

		String script(String example) {
			String prologue = (this == PHP && !example.startsWith("<?php")) ? "<?php\n" : "";
			return prologue + example + "\n" + this.driver.formatted(quoted(IdentityTokensUnitTests.SECRET.value()),
					quoted(CUSTOMER), quoted(EMAIL), quoted(NAME), IdentityTokensUnitTests.ISSUED.getEpochSecond());
		}

	}

	@Test
	void theDocumentedTokenCarriesTheJavaExamplesHeaderAndClaims() throws Exception {
		Section section = Section.read();
		String documented = section.documentedToken();
		assertThat(documented).isEqualTo(IdentityTokensUnitTests.DOCUMENTED);
		// The inputs the page states are the ones the examples are run with.
		assertThat(section.text()).contains("`sub = \"" + CUSTOMER + "\"`", "\"" + EMAIL + "\"", "\"" + NAME + "\"",
				"`" + IdentityTokensUnitTests.ISSUED.getEpochSecond() + "`",
				"`" + IdentityTokensUnitTests.SECRET.value() + "`");
		assertSameHeaderAndClaims(documented, javaExample(EMAIL, NAME));
		assertThat(IdentityTokens.verify(documented, IdentityTokensUnitTests.SECRET,
				IdentityTokensUnitTests.ISSUED.plusSeconds(10)))
			.isEqualTo(new IdentityTokens.Claims(CUSTOMER, new EmailAddress(EMAIL), NAME));
	}

	@ParameterizedTest
	@EnumSource(Example.class)
	void theScriptExamplePrintsTheDocumentedToken(Example example, @TempDir Path dir) throws Exception {
		Section section = Section.read();
		String script = example.script(section.codeBlock(example.fence));
		Path interpreter = interpreter(example);
		Path file = Files.writeString(dir.resolve("identity-token" + example.suffix), script);
		List<String> command = new ArrayList<>();
		command.add(interpreter.toString());
		command.addAll(example.options);
		command.add(file.toString());

		List<String> printed = run(command, dir, script);

		assertThat(printed).as("what %s printed for the driver%n%s", example, script).hasSize(2);
		assertThat(printed.get(0)).as("%s example's token for the documented inputs", example)
			.isEqualTo(section.documentedToken());
		// Without email and name the claims hold only sub, iat and exp, as the server's.
		assertSameHeaderAndClaims(printed.get(1), javaExample(null, null));
		assertThat(IdentityTokens.verify(printed.get(1), IdentityTokensUnitTests.SECRET,
				IdentityTokensUnitTests.ISSUED.plusSeconds(10)))
			.isEqualTo(new IdentityTokens.Claims(CUSTOMER, null, null));
	}

	private static String javaExample(String email, String name) {
		return IdentityTokenFixture.token(IdentityTokensUnitTests.SECRET, CUSTOMER, email, name,
				IdentityTokensUnitTests.ISSUED, IdentityTokensUnitTests.ISSUED.plus(Duration.ofHours(1)));
	}

	/**
	 * The same header and claims, in whatever order: Nimbus orders JSON members its own
	 * way, so its token differs from the examples' in bytes but not in meaning.
	 */
	private static void assertSameHeaderAndClaims(String token, String expected) throws ParseException {
		String[] parts = token.split("\\.", -1);
		String[] expectedParts = expected.split("\\.", -1);
		assertThat(parts).as("parts of %s", token).hasSize(3);
		assertThat(json(parts[0])).as("header of %s", token).isEqualTo(json(expectedParts[0]));
		assertThat(json(parts[1])).as("claims of %s", token).isEqualTo(json(expectedParts[1]));
	}

	private static Map<String, Object> json(String base64url) throws ParseException {
		return JSONObjectUtils.parse(new String(Base64.getUrlDecoder().decode(base64url), StandardCharsets.UTF_8));
	}

	/** A string literal that means the same in JavaScript, Python, PHP and Ruby. */
	static String quoted(String value) {
		assertThat(value).doesNotContain("'", "\\", "\n");
		return "'" + value + "'";
	}

	private static Path interpreter(Example example) {
		Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
			.filter((dir) -> !dir.isEmpty())
			.map((dir) -> Path.of(dir, example.command))
			.filter(Files::isExecutable)
			.findFirst();
		if (found.isEmpty()) {
			String message = example.command + " not found on the PATH: install it with 'apt-get install "
					+ example.debianPackage + "' to run the " + example.fence + " example of docs/security.md";
			if ("true".equalsIgnoreCase(System.getenv("CI"))) {
				fail(message);
			}
			Assumptions.abort(message);
		}
		return found.get();
	}

	/** Runs the script with a deadline and returns the lines it printed. */
	private static List<String> run(List<String> command, Path dir, String script)
			throws IOException, InterruptedException {
		Path out = dir.resolve("stdout");
		Path err = dir.resolve("stderr");
		Process process = new ProcessBuilder(command).directory(dir.toFile())
			.redirectOutput(out.toFile())
			.redirectError(err.toFile())
			.start();
		try {
			process.getOutputStream().close();
			boolean exited = process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
			if (!exited) {
				process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
			String stderr = Files.readString(err);
			String context = String.format("%s%nstderr:%n%s%nscript:%n%s", command, stderr, script);
			assertThat(exited).as("still running after %s: %s", DEADLINE, context).isTrue();
			assertThat(process.exitValue()).as("exit status of %s", context).isZero();
			return Files.readString(out).lines().toList();
		}
		finally {
			if (process.isAlive()) {
				process.destroyForcibly();
			}
		}
	}

	/** The section of docs/security.md, split into its fenced code blocks. */
	record Section(String text, List<Block> blocks) {

		record Block(String language, String code) {
		}

		static Section read() throws IOException {
			assertThat(SECURITY_MD).as("docs/security.md from %s", Path.of("").toAbsolutePath()).isRegularFile();
			List<String> lines = Files.readAllLines(SECURITY_MD);
			int start = lines.indexOf(SECTION);
			assertThat(start).as("'%s' in %s", SECTION, SECURITY_MD).isNotNegative();
			StringBuilder text = new StringBuilder();
			List<Block> blocks = new ArrayList<>();
			String fence = null;
			StringBuilder code = null;
			for (String line : lines.subList(start + 1, lines.size())) {
				if (fence == null && line.startsWith("#")) {
					break;
				}
				text.append(line).append('\n');
				if (fence == null && line.startsWith("```")) {
					fence = line.substring(3).strip();
					code = new StringBuilder();
				}
				else if (fence != null && line.strip().equals("```")) {
					blocks.add(new Block(fence, code.toString()));
					fence = null;
				}
				else if (fence != null) {
					code.append(line).append('\n');
				}
			}
			assertThat(fence).as("unclosed code block in '%s'", SECTION).isNull();
			return new Section(text.toString(), blocks);
		}

		/** The first plain block: the token the examples print. */
		String documentedToken() {
			Block block = this.blocks.stream()
				.filter((candidate) -> candidate.language().isEmpty())
				.findFirst()
				.orElseThrow(() -> new AssertionError("no plain ``` block with the token in '" + SECTION + "'"));
			return block.code().strip();
		}

		/** The one block of that language. */
		String codeBlock(String language) {
			List<Block> found = this.blocks.stream().filter((block) -> block.language().equals(language)).toList();
			assertThat(found).as("```%s blocks in '%s'", language, SECTION).hasSize(1);
			return found.get(0).code();
		}

	}

}
