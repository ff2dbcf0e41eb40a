package dev.porchlight.api.email;

import java.io.IOException;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A configured mail server gets time limits: JavaMail's own are infinite, so a server
 * that took the connection and then stalled would hold a node's email loop for ever.
 */
class MailTimeoutsUnitTests {

	@Test
	void everySmtpWaitHasALimitOfAMinuteAtMost() throws IOException {
		Properties application = PropertiesLoaderUtils.loadProperties(new ClassPathResource("application.properties"));
		for (String protocol : new String[] { "smtp", "smtps" }) {
			for (String wait : new String[] { "connectiontimeout", "timeout", "writetimeout" }) {
				String key = "spring.mail.properties.mail." + protocol + "." + wait;
				assertThat(application.getProperty(key)).as(key).isNotNull();
				assertThat(Long.parseLong(application.getProperty(key))).as(key).isBetween(1000L, 60_000L);
			}
		}
	}

}
