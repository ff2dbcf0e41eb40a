package dev.porchlight.api.email;

import java.time.Clock;
import java.time.Duration;

import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversation;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.customer.Customer;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.email.EmailAddresses;
import dev.porchlight.domain.email.EmailOutbox;
import dev.porchlight.domain.email.OutboundEmail;
import dev.porchlight.domain.ratelimit.RateLimit;
import dev.porchlight.domain.ratelimit.RateLimiter;
import dev.porchlight.domain.visitor.Visitors;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A visitor asks for a conversation of theirs by email, to the address they left (or
 * their site vouched for): never to an address given in the request, so nobody can mail a
 * transcript to someone else.
 */
@RestController
class TranscriptEmailController {

	private final LiveConversations live;

	private final Visitors visitors;

	private final Customers customers;

	private final EmailOutbox outbox;

	private final EmailAddresses addresses;

	private final RateLimiter limiter;

	private final RateLimit perVisitor;

	private final EmailProperties properties;

	private final ObjectProvider<JavaMailSender> senders;

	private final Clock clock = Clock.systemUTC();

	TranscriptEmailController(LiveConversations live, Visitors visitors, Customers customers, EmailOutbox outbox,
			EmailAddresses addresses, RateLimiter limiter, EmailProperties properties,
			ObjectProvider<JavaMailSender> senders) {
		this.live = live;
		this.visitors = visitors;
		this.customers = customers;
		this.outbox = outbox;
		this.addresses = addresses;
		this.limiter = limiter;
		this.properties = properties;
		this.senders = senders;
		this.perVisitor = new RateLimit("email.transcripts.visitor", properties.transcriptsPerVisitorPerHour(),
				Duration.ofHours(1));
	}

	@PostMapping("/api/v1/visitor/conversations/{id}/transcript-email")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Queued transcript(@AuthenticationPrincipal VisitorPrincipal visitor, @PathVariable String id) {
		LiveConversation conversation = this.live.find(ConversationId.parse(id))
			// Any conversation the visitor may open: their own, and a signed-in
			// customer's on this site from another browser.
			.filter((found) -> found.conversation()
				.visibleTo(visitor.visitorId(), visitor.customerId(), visitor.siteId()))
			.orElseThrow(() -> ApiException.notFound("conversation"));
		if (!this.properties.enabled() || this.senders.getIfAvailable() == null) {
			throw new ApiException(HttpStatus.CONFLICT, "email_disabled", "This shop does not send emails.");
		}
		CustomerId customerId = (visitor.customerId() != null) ? visitor.customerId()
				: this.visitors.contactCustomer(visitor.visitorId()).orElse(null);
		Customer customer = (customerId != null) ? this.customers.findById(customerId).orElse(null) : null;
		if (customer == null || customer.email() == null) {
			throw new ApiException(HttpStatus.CONFLICT, "no_email", "Leave your email first.");
		}
		if (this.addresses.standing(customer.email().value()).map((standing) -> standing.blocked()).orElse(false)) {
			throw new ApiException(HttpStatus.CONFLICT, "email_blocked",
					"Emails to this address are stopped (opted out or undeliverable).");
		}
		RateLimiter.Decision decision = this.limiter.tryAcquire(this.perVisitor, visitor.visitorId().toString());
		if (!decision.allowed()) {
			throw ApiException.tooManyRequests("rate_limited", "Too many transcripts asked for; try again later.",
					decision.retryAfter());
		}
		OutboundEmail email = this.outbox.queueTranscript(conversation.id(), conversation.lastSeq(),
				customer.email().value(), this.clock.instant());
		return new Queued(email.id().toString(), mask(customer.email().value()));
	}

	/**
	 * {@code j•••@example.com}: enough to recognise one's own address, not to learn one.
	 */
	static String mask(String address) {
		int at = address.indexOf('@');
		return ((at > 0) ? address.charAt(0) + "•••" : "•••") + address.substring(Math.max(at, 0));
	}

	/**
	 * @param id the email
	 * @param to the address it goes to, masked
	 */
	record Queued(String id, String to) {
	}

}
