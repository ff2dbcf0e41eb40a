package dev.porchlight.persistence.presence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.presence.Presences;
import dev.porchlight.domain.presence.Presences.VisitorPresence;
import dev.porchlight.domain.visitor.VisitorId;
import dev.porchlight.persistence.PersistenceTestApplication;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = PersistenceTestApplication.class)
@UseRealEngines
class RedisPresencesIntegrationTests {

	@Autowired
	Presences presences;

	@Autowired
	StringRedisTemplate redis;

	@Test
	void aSightingKeepsWhatALaterOneLeavesOut() {
		VisitorId visitor = VisitorId.random();
		this.presences.visitorSocketOpened(visitor, "socket-1", "Firefox on Windows", Duration.ofMinutes(1));
		this.presences.visitorSeen(visitor, "https://shop.example/rings", "Rings", null, Duration.ofMinutes(1));
		VisitorPresence seen = this.presences.visitor(visitor).orElseThrow();
		assertThat(seen.page()).isEqualTo("https://shop.example/rings");
		assertThat(seen.title()).isEqualTo("Rings");
		assertThat(seen.browser()).isEqualTo("Firefox on Windows");
		assertThat(this.presences.visitorSocketClosed(visitor, "socket-1")).isTrue();
		assertThat(this.presences.visitor(visitor)).isEmpty();
	}

	/**
	 * A visitor with a tab on each of two nodes: one node seeing its socket close says
	 * nothing about the other's. They are gone, and when they left is kept, only once the
	 * last socket closed.
	 */
	@Test
	void aVisitorIsGoneOnlyWhenTheirLastSocketOnAnyNodeCloses() {
		VisitorId visitor = VisitorId.random();
		this.presences.visitorSocketOpened(visitor, "node-a/1", "Safari on iOS", Duration.ofMinutes(1));
		this.presences.visitorSocketOpened(visitor, "node-b/7", "Safari on iOS", Duration.ofMinutes(1));
		this.presences.visitorSeen(visitor, "https://shop.example/rings", "Rings", null, Duration.ofMinutes(1));

		assertThat(this.presences.visitorSocketClosed(visitor, "node-a/1")).isFalse();
		assertThat(this.presences.visitor(visitor)).map(VisitorPresence::page).contains("https://shop.example/rings");
		assertThat(this.presences.visitorLeftAt(visitor)).isEmpty();

		assertThat(this.presences.visitorSocketClosed(visitor, "node-b/7")).isTrue();
		assertThat(this.presences.visitor(visitor)).isEmpty();
		assertThat(this.presences.visitorLeftAt(visitor)).isPresent();
		// A socket closing twice (or after its sighting expired) finds them gone.
		assertThat(this.presences.visitorSocketClosed(visitor, "node-b/7")).isTrue();
	}

	@Test
	void aSightingExpiresAfterItsTimeToLive() {
		VisitorId visitor = VisitorId.random();
		this.presences.visitorSeen(visitor, null, null, null, Duration.ofSeconds(90));
		assertThat(this.redis.getExpire("pl:{v:" + visitor + "}:presence", TimeUnit.MILLISECONDS)).isBetween(1L,
				90_000L);
		assertThat(this.presences.visitor(visitor).orElseThrow().seenAtMillis()).isPositive();
	}

	@Test
	void staffAreAvailableWhenSomeoneSeenAndUnexpiredIsNotAway() {
		this.redis.delete(List.of(RedisPresences.STAFF, RedisPresences.AWAY));
		assertThat(this.presences.anyStaffAvailable()).isFalse();
		AccountId owner = AccountId.random();
		AccountId agent = AccountId.random();
		this.presences.staffSeen(owner, "laptop", Duration.ofMinutes(1));
		assertThat(this.presences.anyStaffAvailable()).isTrue();
		this.presences.staffAvailability(owner, false);
		assertThat(this.presences.anyStaffAvailable()).isFalse();
		// A sighting already past its expiry counts for nothing (and is dropped).
		this.presences.staffSeen(agent, "desk", Duration.ofSeconds(-1));
		assertThat(this.presences.anyStaffAvailable()).isFalse();
		assertThat(this.redis.opsForZSet().score(RedisPresences.STAFF, RedisPresences.staffMember(agent, "desk")))
			.isNull();
		this.presences.staffSeen(agent, "desk", Duration.ofMinutes(1));
		assertThat(this.presences.anyStaffAvailable()).isTrue();
		this.presences.staffGone(agent, "desk");
		this.presences.staffAvailability(owner, true);
		assertThat(this.presences.anyStaffAvailable()).isTrue();
		this.presences.staffGone(owner, "laptop");
		assertThat(this.presences.anyStaffAvailable()).isFalse();
	}

	/**
	 * The owner on a laptop and a phone, each on another node: closing the laptop leaves
	 * them present (the phone's node had nothing to say about the laptop's socket).
	 */
	@Test
	void aStaffMemberStaysPresentWhileAnyOfTheirSocketsIsConnected() {
		this.redis.delete(List.of(RedisPresences.STAFF, RedisPresences.AWAY));
		AccountId owner = AccountId.random();
		this.presences.staffSeen(owner, "node-a/laptop", Duration.ofMinutes(1));
		this.presences.staffSeen(owner, "node-b/phone", Duration.ofMinutes(1));
		this.presences.staffGone(owner, "node-a/laptop");
		assertThat(this.presences.anyStaffAvailable()).isTrue();
		this.presences.staffAvailability(owner, false);
		assertThat(this.presences.anyStaffAvailable()).as("away on every device").isFalse();
		this.presences.staffAvailability(owner, true);
		this.presences.staffGone(owner, "node-b/phone");
		assertThat(this.presences.anyStaffAvailable()).isFalse();
	}

	@Test
	void theSnapshotHasExactlyThePresentOfManyVisitorsInOneCall() {
		List<VisitorId> asked = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			VisitorId visitor = VisitorId.random();
			asked.add(visitor);
			if (i % 3 == 0) {
				this.presences.visitorSeen(visitor, "https://shop.example/" + i, "Page " + i, "Safari on iOS",
						Duration.ofMinutes(1));
			}
		}
		Map<VisitorId, VisitorPresence> present = this.presences.visitors(asked);
		assertThat(present).hasSize(100);
		present.forEach((visitor, presence) -> {
			int i = asked.indexOf(visitor);
			assertThat(i % 3).isZero();
			assertThat(presence.page()).isEqualTo("https://shop.example/" + i);
			assertThat(presence.title()).isEqualTo("Page " + i);
			assertThat(presence.browser()).isEqualTo("Safari on iOS");
			assertThat(presence.seenAtMillis()).isPositive();
		});
		assertThat(this.presences.visitors(List.of())).isEmpty();
	}

}
