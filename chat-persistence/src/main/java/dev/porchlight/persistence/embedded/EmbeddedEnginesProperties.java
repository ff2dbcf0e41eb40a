package dev.porchlight.persistence.embedded;

import java.nio.file.Path;

import dev.porchlight.persistence.embedded.EmbeddedRedisServer.AppendFsync;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the engines Porchlight starts itself when no external PostgreSQL or Redis
 * is configured.
 *
 * @param enabled set to false to never start an embedded engine (then an external one
 * must be configured)
 * @param dataDir the directory holding both engines' data and the instance lock
 * @param redisAppendfsync how often Redis flushes its append-only file
 * @param database the PostgreSQL database the application uses
 */
@ConfigurationProperties("porchlight.embedded")
public record EmbeddedEnginesProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("porchlight-data") Path dataDir, @DefaultValue("everysec") AppendFsync redisAppendfsync,
		@DefaultValue("porchlight") String database) {

	public EmbeddedEnginesProperties {
		if (!database.matches("[a-z][a-z0-9_]{0,62}")) {
			throw new IllegalArgumentException("porchlight.embedded.database must be a lower-case identifier");
		}
	}

}
