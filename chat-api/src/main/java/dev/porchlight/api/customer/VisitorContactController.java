package dev.porchlight.api.customer;

import dev.porchlight.api.visitor.VisitorPrincipal;
import dev.porchlight.api.websocket.BrowserSummary;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.common.Text;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * A visitor leaves their email (pre-chat or away form). It creates or updates the
 * visitor's own customer record for the owner, and grants the visitor nothing.
 */
@RestController
class VisitorContactController {

	private final CustomerManagement customers;

	VisitorContactController(CustomerManagement customers) {
		this.customers = customers;
	}

	@PostMapping("/api/v1/visitor/contact")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	ResponseEntity<Void> contact(@AuthenticationPrincipal VisitorPrincipal visitor, @Valid @RequestBody Contact contact,
			@RequestHeader(name = "User-Agent", required = false) @Nullable String userAgent) {
		this.customers.contactLeft(visitor.visitorId(), visitor.customerId(), new EmailAddress(contact.email()),
				Text.optional("name", contact.name(), 120), BrowserSummary.of(userAgent));
		return ResponseEntity.noContent().build();
	}

	/**
	 * Contact details a visitor leaves.
	 *
	 * @param email their email
	 * @param name their name, optional
	 */
	record Contact(@NotNull @Size(max = 254) String email, @Nullable @Size(max = 120) String name) {
	}

}
