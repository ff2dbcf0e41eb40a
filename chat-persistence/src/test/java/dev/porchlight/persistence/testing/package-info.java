/**
 * Test support shared by every module: real PostgreSQL and Redis for integration tests
 * (Testcontainers or embedded engines, chosen automatically), isolated per test class.
 */
package dev.porchlight.persistence.testing;
