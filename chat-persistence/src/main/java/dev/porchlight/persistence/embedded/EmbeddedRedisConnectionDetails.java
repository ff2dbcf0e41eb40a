package dev.porchlight.persistence.embedded;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * Connection details of an embedded or test Redis.
 *
 * @param host the host
 * @param port the port
 * @param database the logical database
 * @param getPassword the password
 */
public record EmbeddedRedisConnectionDetails(String host, int port, int database,
		String getPassword) implements DataRedisConnectionDetails {

	@Override
	public Standalone getStandalone() {
		return Standalone.of(this.host, this.port, this.database);
	}

	@Override
	public String toString() {
		return "EmbeddedRedisConnectionDetails[" + this.host + ":" + this.port + "/" + this.database + "]";
	}

}
