package dev.porchlight.api.archive;

import java.time.Duration;

import dev.porchlight.api.web.Settings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How live conversations move into PostgreSQL.
 *
 * @param interval how often an archive run starts; one that falls behind is followed at
 * once
 * @param batch log entries written per conversation per transaction
 * @param conversationsPerPass conversations written together in one transaction at most
 * @param keepInRedis archived entries kept in Redis per conversation, so that most
 * resumes never touch PostgreSQL
 * @param lease how long a node may hold a shard of the archive queue before another node
 * takes over (a node that dies mid-pass delays its shards by this long)
 * @param maxBackoff the longest pause after PostgreSQL failed
 */
@ConfigurationProperties("porchlight.archive")
public record ArchiveProperties(@DefaultValue("250ms") Duration interval, @DefaultValue("1000") int batch,
		@DefaultValue("2000") int conversationsPerPass, @DefaultValue("500") int keepInRedis,
		@DefaultValue("30s") Duration lease, @DefaultValue("30s") Duration maxBackoff) {

	public ArchiveProperties {
		Settings.positive("porchlight.archive.interval", interval);
		Settings.atLeast("porchlight.archive.batch", batch, 1);
		Settings.atLeast("porchlight.archive.conversations-per-pass", conversationsPerPass, 1);
		Settings.atLeast("porchlight.archive.keep-in-redis", keepInRedis, 0);
		Settings.positive("porchlight.archive.lease", lease);
		Settings.positive("porchlight.archive.max-backoff", maxBackoff);
	}

}
