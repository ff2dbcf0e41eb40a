package dev.porchlight.api;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

class ArchitectureIntegrationTests {

	private static final JavaClasses API = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.porchlight.api");

	@Test
	void hasNoPackageCycles() {
		slices().matching("dev.porchlight.api.(*)..").should().beFreeOfCycles().check(API);
	}

	@Test
	void reachesStorageOnlyThroughTheDomainPorts() {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.porchlight.persistence.account..", "dev.porchlight.persistence.site..",
					"dev.porchlight.persistence.audit..")
			.because("the web layer talks to the domain's ports, not to adapters")
			.check(API);
	}

}
