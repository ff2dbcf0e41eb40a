package dev.porchlight.domain;

import java.security.MessageDigest;
import java.util.Arrays;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

class ArchitectureUnitTests {

	private static final JavaClasses DOMAIN = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.porchlight.domain");

	@Test
	void domainDependsOnNothingButTheJdkAndJspecify() {
		classes().should()
			.onlyDependOnClassesThat()
			.resideInAnyPackage("dev.porchlight.domain..", "java..", "javax.crypto..", "org.jspecify.annotations..")
			.because("the domain must stay free of Spring, Redis and JDBC")
			.check(DOMAIN);
	}

	@Test
	void secretsAreComparedInConstantTime() {
		classes().that()
			.haveSimpleName("IdentitySecret")
			.should()
			.callMethod(MessageDigest.class, "isEqual", byte[].class, byte[].class)
			.because("a signature compared with String.equals leaks how many characters matched")
			.check(DOMAIN);
		noClasses().that()
			.haveSimpleName("IdentitySecret")
			.should()
			.callMethod(String.class, "equals", Object.class)
			.orShould()
			.callMethod(Arrays.class, "equals", byte[].class, byte[].class)
			.check(DOMAIN);
	}

	@Test
	void domainHasNoPackageCycles() {
		slices().matching("dev.porchlight.domain.(*)..").should().beFreeOfCycles().check(DOMAIN);
	}

}
