package dev.porchlight.api.attachment;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.live.LiveTestClient;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.ClassUtils;

import static dev.porchlight.api.PorchlightTest.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis stores a message but its answer does not reach the node in time (a timeout after
 * the write): the node cannot tell whether the message was stored. The files it names
 * must stay with it.
 */
@PorchlightTest
@Import(LostAnswerIntegrationTests.LoseAnAnswer.class)
class LostAnswerIntegrationTests {

	/** Set to lose the answer of the next append that Redis runs. */
	static final AtomicBoolean LOSE_NEXT = new AtomicBoolean();

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Autowired
	JdbcClient jdbc;

	/**
	 * The widget sends the message again with the same client id and learns it is stored:
	 * the file is the message's. Before, the first attempt gave the file back and so did
	 * the resend (a duplicate), and the sweep of unsent uploads would have deleted the
	 * file of a stored message.
	 */
	@Test
	void aFileStaysWithAMessageStoredWhoseAnswerWasLost() {
		Site site = Site.create("Lost answers", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(site);
		String token = ApiClient.visitorToken(this.port, APP, site.key().value());
		ApiClient visitor = new ApiClient(this.port).header("Authorization", "Bearer " + token);
		try (LiveTestClient socket = LiveTestClient.visitor(this.port, APP, token)) {
			String conversation = socket.startConversation();
			String files = "/api/v1/visitor/conversations/" + conversation + "/attachments";
			String id = visitor.postBytes(files + "?name=receipt.txt", "order 4411".getBytes(), "text/plain")
				.json()
				.path("id")
				.asString();
			Map<String, Object> send = Map.of("type", "send", "ref", "late", "conversationId", conversation, "clientId",
					"late1", "attachments", List.of(id));

			LOSE_NEXT.set(true);
			socket.send(send);
			JsonNode answer = socket.next((frame) -> frame.path("ref").asString().equals("late"), "the first answer");
			assertThat(answer.path("type").asString()).as(answer.toString()).isEqualTo("error");
			assertThat(answer.path("code").asString()).isEqualTo("unavailable");

			socket.send(send);
			JsonNode ack = socket.next((frame) -> frame.path("ref").asString().equals("late"), "the resend's answer");
			assertThat(ack.path("type").asString()).as(ack.toString()).isEqualTo("ack");
			assertThat(ack.path("duplicate").asBoolean()).as("stored by the first attempt").isTrue();
			assertThat(visitor.delete(files + "/" + id).status()).as("sent: no longer the visitor's to take back")
				.isEqualTo(404);
			assertThat(this.jdbc.sql("select client_msg_id from attachment where id = cast(? as uuid)")
				.param(id)
				.query(String.class)
				.single()).isEqualTo("late1");
			assertThat(visitor.get(files).json()).extracting((file) -> file.path("name").asString())
				.containsExactly("receipt.txt");
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> !LOSE_NEXT.get());
	}

	/**
	 * Wraps the node's live conversations: an armed append runs in Redis, then fails as a
	 * command whose answer did not come in time does.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class LoseAnAnswer {

		@Bean
		static BeanPostProcessor loseAnAnswer() {
			return new BeanPostProcessor() {
				@Override
				public Object postProcessAfterInitialization(Object bean, String name) {
					if (!(bean instanceof LiveConversations) || Proxy.isProxyClass(bean.getClass())) {
						return bean;
					}
					return Proxy.newProxyInstance(LiveConversations.class.getClassLoader(),
							ClassUtils.getAllInterfaces(bean), (proxy, method, args) -> {
								Object result;
								try {
									result = method.invoke(bean, args);
								}
								catch (InvocationTargetException ex) {
									throw ex.getCause();
								}
								if (method.getName().equals("append") && LOSE_NEXT.compareAndSet(true, false)) {
									throw new QueryTimeoutException("Redis did not answer within 2s (test)");
								}
								return result;
							});
				}
			};
		}

	}

}
