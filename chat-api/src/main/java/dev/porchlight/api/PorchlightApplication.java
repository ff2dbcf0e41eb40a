package dev.porchlight.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The Porchlight server. Scans the whole {@code dev.porchlight} namespace so that the
 * persistence adapters (package-private, in chat-persistence) are picked up next to the
 * web layer.
 */
@SpringBootApplication(scanBasePackages = "dev.porchlight")
@ConfigurationPropertiesScan("dev.porchlight.api")
public class PorchlightApplication {

	public static void main(String[] args) {
		SpringApplication.run(PorchlightApplication.class, args);
	}

}
