package dev.porchlight.api.customer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.porchlight.api.security.Actor;
import dev.porchlight.api.security.StaffPrincipal;
import dev.porchlight.api.web.ApiException;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.Stories;
import dev.porchlight.domain.customer.Customer;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Sites;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * A customer's record for staff: profile, the sites' ids for them, and their story (every
 * conversation); editing, merging and erasing.
 */
@RestController
class CustomerController {

	private final CustomerManagement management;

	private final Customers customers;

	private final Stories stories;

	private final Sites sites;

	CustomerController(CustomerManagement management, Customers customers, Stories stories, Sites sites) {
		this.sites = sites;
		this.management = management;
		this.customers = customers;
		this.stories = stories;
	}

	@GetMapping("/api/v1/customers/{id}")
	Map<String, Object> get(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id) {
		Customer customer = visible(staff, CustomerId.parse(id));
		Map<String, Object> view = view(customer);
		// A staff member limited to some sites sees the customer's story on those.
		view.put("externalIds", this.customers.externalIds(customer.id())
			.stream()
			.filter((external) -> staff.serves(external.site()))
			.map((external) -> Map.of("siteId", external.site().toString(), "externalId", external.externalId()))
			.toList());
		view.put("visitContext", visitContext(staff, customer.id()));
		view.put("conversations",
				this.stories.conversations(customer.id(), staff.siteScope()).stream().map(Object::toString).toList());
		return view;
	}

	@PostMapping("/api/v1/customers")
	@ResponseStatus(HttpStatus.CREATED)
	ResponseEntity<Map<String, Object>> create(@AuthenticationPrincipal StaffPrincipal staff,
			@Valid @RequestBody Update body, HttpServletRequest http) {
		Customer created = this.management.create(Actor.of(staff, http), body.name(), body.email(), body.phone());
		return ResponseEntity.status(201).body(view(created));
	}

	@PatchMapping("/api/v1/customers/{id}")
	Map<String, Object> update(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			@Valid @RequestBody Update update, HttpServletRequest http) {
		visible(staff, CustomerId.parse(id));
		return view(this.management.update(Actor.of(staff, http), CustomerId.parse(id), update.name(), update.email(),
				update.phone()));
	}

	@PostMapping("/api/v1/customers/{id}/merge")
	Map<String, Object> merge(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			@Valid @RequestBody Merge merge, HttpServletRequest http) {
		wholly(staff, visible(staff, CustomerId.parse(id)).id());
		wholly(staff, visible(staff, CustomerId.parse(merge.into())).id());
		Stories.Merged merged = this.management.merge(Actor.of(staff, http), CustomerId.parse(id),
				CustomerId.parse(merge.into()));
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("customerId", merge.into());
		body.put("conversationsMoved", merged.conversations().size());
		body.put("visitorsMoved", merged.visitors().size());
		body.put("externalIdsMoved", merged.externalIds());
		return body;
	}

	@DeleteMapping("/api/v1/customers/{id}")
	ResponseEntity<Map<String, Object>> erase(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			HttpServletRequest http) {
		wholly(staff, visible(staff, CustomerId.parse(id)).id());
		List<?> erased = this.management.erase(Actor.of(staff, http), CustomerId.parse(id));
		return ResponseEntity.ok(Map.of("conversationsErased", erased.size()));
	}

	/**
	 * The customer, if this staff member may see them: a staff member limited to some
	 * sites sees customers of those sites (and records of no site yet); any other id is
	 * "not found", so ids of other sites cannot be probed.
	 */
	private Customer visible(StaffPrincipal staff, CustomerId id) {
		Customer customer = this.management.get(id);
		if (!staff.servesAnyOf(this.customers.sites(id))) {
			throw ApiException.notFound("customer");
		}
		return customer;
	}

	/**
	 * Merging and erasing change the customer's conversations on every site: only for
	 * staff who serve them all.
	 */
	private void wholly(StaffPrincipal staff, CustomerId id) {
		if (!staff.servesAll(this.customers.sites(id))) {
			throw ApiException.forbidden("forbidden",
					"This customer also belongs to sites you do not serve; ask an owner to do this.");
		}
	}

	/**
	 * Where the customer was seen; for a staff member limited to some sites, only the
	 * pages of those sites.
	 */
	private tools.jackson.databind.JsonNode visitContext(StaffPrincipal staff, CustomerId id) {
		tools.jackson.databind.JsonNode context = Frames.JSON.readTree(this.customers.visitContext(id));
		if (staff.servesAll(this.customers.sites(id)) || !(context instanceof ObjectNode object)) {
			return context;
		}
		List<AllowedOrigin> origins = this.sites.all()
			.stream()
			.filter((site) -> staff.serves(site.id()))
			.flatMap((site) -> site.allowedOrigins().stream())
			.toList();
		ArrayNode pages = Frames.JSON.createArrayNode();
		object.path("pages").forEach((page) -> {
			String url = page.path("url").asString("");
			if (origins.stream()
				.anyMatch((origin) -> url.startsWith(origin.value() + "/") || url.equals(origin.value()))) {
				pages.add(page);
			}
		});
		object.set("pages", pages);
		// The referrer may be a page of another site.
		object.remove("referrer");
		return object;
	}

	/**
	 * Links a conversation to a customer: an existing one ({@code customerId}) or a new
	 * one made from {@code email} (and {@code name}).
	 */
	@PostMapping("/api/v1/conversations/{id}/customer")
	Map<String, Object> link(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			@Valid @RequestBody Link link, HttpServletRequest http) {
		CustomerId existing = (link.customerId() != null) ? CustomerId.parse(link.customerId()) : null;
		if (existing != null) {
			visible(staff, existing);
		}
		Customer customer = this.management.link(Actor.of(staff, http), ConversationId.parse(id), existing,
				link.email(), link.name(), staff::serves);
		return view(customer);
	}

	/** Reads stored JSON back into a tree for the answer. */
	private static final class Frames {

		static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
			.build();

	}

	private Map<String, Object> view(Customer customer) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("id", customer.id().toString());
		view.put("name", customer.name());
		view.put("email", (customer.email() != null) ? customer.email().value() : null);
		view.put("phone", customer.phone());
		// Which details a site signed; the rest (a pre-chat form, an unsigned claim, what
		// staff typed) is unverified.
		view.put("verifiedDetails",
				this.customers.verifiedDetails(customer.id())
					.stream()
					.sorted()
					.map((detail) -> detail.name().toLowerCase(java.util.Locale.ROOT))
					.toList());
		view.put("firstSeenAt", customer.firstSeenAt().toString());
		view.put("lastSeenAt", customer.lastSeenAt().toString());
		return view;
	}

	/**
	 * Changes to a customer; absent fields stay, an empty email removes it.
	 *
	 * @param name the name
	 * @param email the email
	 * @param phone the phone
	 */
	record Update(@Nullable @Size(max = 120) String name, @Nullable @Size(max = 254) String email,
			@Nullable @Size(max = 40) String phone) {
	}

	/**
	 * Whose conversation it is: an existing customer, or a new one.
	 *
	 * @param customerId an existing customer
	 * @param email a new customer's email (without {@code customerId})
	 * @param name a new customer's name
	 */
	record Link(@Nullable @Size(max = 36) String customerId, @Nullable @Size(max = 254) String email,
			@Nullable @Size(max = 120) String name) {
	}

	/**
	 * A merge.
	 *
	 * @param into the customer that stays
	 */
	record Merge(@NotNull @Size(max = 36) String into) {
	}

}
