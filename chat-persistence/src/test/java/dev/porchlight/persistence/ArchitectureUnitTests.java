package dev.porchlight.persistence;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

class ArchitectureUnitTests {

	private static final JavaClasses PERSISTENCE = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.porchlight.persistence");

	@Test
	void hasNoPackageCycles() {
		slices().matching("dev.porchlight.persistence.(*)..").should().beFreeOfCycles().check(PERSISTENCE);
	}

	@Test
	void adaptersArePackagePrivate() {
		classes().that()
			.resideOutsideOfPackage("dev.porchlight.persistence.embedded..")
			.and()
			.areAnnotatedWith(org.springframework.stereotype.Repository.class)
			.should()
			.notBePublic()
			.check(PERSISTENCE);
	}

}
