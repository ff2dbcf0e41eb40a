package dev.porchlight.api.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.porchlight.api.PorchlightApplication;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringApplication;

/**
 * Runs a Porchlight node whose archiver can be made to crash the whole process at the
 * worst moment: right after a batch committed to PostgreSQL and before Redis learned of
 * it. The test arms it by creating the file named by the system property
 * {@value #TRIGGER}; the first node to commit a batch after that takes the file and halts
 * (no shutdown hook, like {@code kill -9}).
 */
public final class CrashingArchiverNode {

	public static final String TRIGGER = "porchlight.test.archiver-crash-trigger";

	private CrashingArchiverNode() {
	}

	public static void main(String[] args) {
		Path trigger = Path.of(System.getProperty(TRIGGER));
		SpringApplication application = new SpringApplication(PorchlightApplication.class);
		application.addInitializers((context) -> context.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof Archiver archiver) {
					archiver.afterCommit((id) -> crashIfArmed(trigger));
				}
				return bean;
			}

		}));
		application.run(args);
	}

	private static void crashIfArmed(Path trigger) {
		try {
			// Only one node can delete the file, so only one crashes.
			if (Files.deleteIfExists(trigger)) {
				Runtime.getRuntime().halt(137);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
