package dev.porchlight.persistence;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The smallest application that wires the persistence adapters, for this module's
 * integration tests.
 */
@SpringBootApplication
public class PersistenceTestApplication {

}
