package dev.porchlight.api.live;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import dev.porchlight.api.PorchlightTest;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The socket sweep (silent sockets, ended staff sessions) runs on Spring's one thread for
 * fixed-delay tasks; the node's long scheduled work (the insights count, the sweep of
 * unsent uploads) runs beside it, so a count that takes long does not keep silent sockets
 * open.
 */
@PorchlightTest(properties = { "porchlight.live.idle-timeout=2s", "porchlight.live.sweep-interval=200ms",
		"porchlight.insights.interval=100ms", "porchlight.insights.settle=0s" })
class SweepBesideLongWorkIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Autowired
	DataSource dataSource;

	@Autowired
	JdbcClient jdbc;

	@Test
	void aSilentSocketIsClosedWhileAnInsightsCountWaitsForALock() throws Exception {
		String token = HeartbeatIntegrationTests.token(this.port, this.sites);
		try (Connection holder = this.dataSource.getConnection()) {
			holder.setAutoCommit(false);
			try (Statement statement = holder.createStatement()) {
				// Every look of the insights count starts by taking marks from this
				// table:
				// the next look waits here until the test lets go.
				statement.execute("lock table insight_pending in access exclusive mode");
			}
			try {
				await("an insights count waiting for the lock").atMost(Duration.ofSeconds(30))
					.until(() -> this.jdbc.sql("""
							select count(*) from pg_stat_activity
							 where wait_event_type = 'Lock' and query like '%delete from insight_pending%'
							""").query(Long.class).single() > 0);
				try (LiveClient silent = LiveClient.visitor(this.port, HeartbeatIntegrationTests.APP, token)) {
					silent.next("welcome");
					await("the silent socket closed by the sweep").atMost(Duration.ofSeconds(20))
						.until(silent::isClosed);
					assertThat(silent.awaitClose()).isEqualTo(4408);
				}
			}
			finally {
				holder.rollback();
			}
		}
	}

}
