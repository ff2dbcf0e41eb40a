package dev.porchlight.api.web;

import java.util.Map;

import dev.porchlight.api.archive.ArchiveProperties;
import dev.porchlight.api.attachment.AttachmentProperties;
import dev.porchlight.api.email.EmailProperties;
import dev.porchlight.api.live.LiveProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Settings that would leave a node running but doing nothing stop start-up instead, and
 * the reason names the property (README's configuration table): an archive that never
 * archives, a loop that never waits, visitor tokens born expired, a limit that refuses
 * every message.
 */
public class SettingsUnitTests {

	@Test
	void theDefaultsBind() {
		assertThatNoException().isThrownBy(() -> {
			bind("porchlight.archive", ArchiveProperties.class, Map.of());
			bind("porchlight.live", LiveProperties.class, Map.of());
			bind("porchlight.email", EmailProperties.class, Map.of());
			bind("porchlight.attachments", AttachmentProperties.class, Map.of());
			bind("porchlight", PorchlightProperties.class, Map.of());
		});
	}

	@Test
	void anArchiveThatWouldNeverArchiveOrNeverWaitIsRefused() {
		assertThat(refusal("porchlight.archive", ArchiveProperties.class,
				Map.of("porchlight.archive.conversations-per-pass", "0")))
			.contains("porchlight.archive.conversations-per-pass must be at least 1 (it is 0)");
		assertThat(refusal("porchlight.archive", ArchiveProperties.class, Map.of("porchlight.archive.interval", "0s")))
			.contains("porchlight.archive.interval must be longer than zero");
		assertThat(refusal("porchlight.archive", ArchiveProperties.class, Map.of("porchlight.archive.batch", "0")))
			.contains("porchlight.archive.batch must be at least 1");
		assertThat(
				refusal("porchlight.archive", ArchiveProperties.class, Map.of("porchlight.archive.max-backoff", "-1s")))
			.contains("porchlight.archive.max-backoff must be longer than zero");
	}

	@Test
	void liveLimitsThatWouldRefuseEveryMessageAreRefused() {
		assertThat(refusal("porchlight.live", LiveProperties.class, Map.of("porchlight.live.max-in-flight", "0")))
			.contains("porchlight.live.max-in-flight must be at least 1 (it is 0)");
		assertThat(refusal("porchlight.live", LiveProperties.class, Map.of("porchlight.live.max-backlog", "-5")))
			.contains("porchlight.live.max-backlog must be at least 1 (it is -5)");
		assertThat(refusal("porchlight.live", LiveProperties.class, Map.of("porchlight.live.visitor-messages", "0")))
			.contains("porchlight.live.visitor-messages must be at least 1");
		assertThat(refusal("porchlight.live", LiveProperties.class, Map.of("porchlight.live.replica-acks", "-1")))
			.contains("porchlight.live.replica-acks must be at least 0");
	}

	@Test
	void visitorTokensBornExpiredAndAnAddressWithoutSchemeAreRefused() {
		assertThat(refusal("porchlight", PorchlightProperties.class, Map.of("porchlight.visitor-token-ttl", "0s")))
			.contains("porchlight.visitor-token-ttl must be longer than zero");
		assertThat(
				refusal("porchlight", PorchlightProperties.class, Map.of("porchlight.public-url", "chat.example.com")))
			.contains("porchlight.public-url is the address browsers reach Porchlight at")
			.contains("(it is chat.example.com)");
		assertThat(refusal("porchlight", PorchlightProperties.class,
				Map.of("porchlight.visitor-sessions-per-address", "0")))
			.contains("porchlight.visitor-sessions-per-address must be at least 1");
	}

	@Test
	void emailAndAttachmentTimingsThatWouldSpinOrDeleteUploadsAreRefused() {
		assertThat(refusal("porchlight.email", EmailProperties.class, Map.of("porchlight.email.interval", "0ms")))
			.contains("porchlight.email.interval must be longer than zero");
		assertThat(refusal("porchlight.email", EmailProperties.class, Map.of("porchlight.email.max-attempts", "0")))
			.contains("porchlight.email.max-attempts must be at least 1");
		assertThat(refusal("porchlight.email", EmailProperties.class, Map.of("porchlight.email.imap.port", "70000")))
			.contains("porchlight.email.imap.port is at most 65535");
		assertThat(refusal("porchlight.attachments", AttachmentProperties.class,
				Map.of("porchlight.attachments.unsent-after", "0s")))
			.contains("porchlight.attachments.unsent-after must be longer than zero");
		assertThat(refusal("porchlight.attachments", AttachmentProperties.class,
				Map.of("porchlight.attachments.site-uploads-per-hour", "0")))
			.contains("porchlight.attachments.site-uploads-per-hour must be at least 1");
	}

	@Test
	void zeroIsKeptWhereItMeansNone() {
		assertThatNoException().isThrownBy(() -> {
			bind("porchlight.live", LiveProperties.class, Map.of("porchlight.live.replica-acks", "0",
					"porchlight.live.follow-grace", "0s", "porchlight.live.inbox-interval", "0s"));
			bind("porchlight.email", EmailProperties.class,
					Map.of("porchlight.email.offline-delay", "0s", "porchlight.email.context-messages", "0"));
			bind("porchlight.archive", ArchiveProperties.class, Map.of("porchlight.archive.keep-in-redis", "0"));
		});
	}

	public static <T> T bind(String prefix, Class<T> type, Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate(prefix, type);
	}

	public static String refusal(String prefix, Class<?> type, Map<String, String> values) {
		BindException refused = catchThrowableOfType(BindException.class, () -> bind(prefix, type, values));
		assertThat(refused).as("binding %s", values).isNotNull();
		Throwable cause = refused;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		assertThat(cause).isInstanceOf(IllegalArgumentException.class);
		return cause.getMessage();
	}

}
