package dev.porchlight.api.customer;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
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
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

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
	CustomerStory get(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id) {
		Customer customer = visible(staff, CustomerId.parse(id));
		CustomerView view = view(customer);
		// A staff member limited to some sites sees the customer's story on those.
		List<ExternalIdView> externalIds = this.customers.externalIds(customer.id())
			.stream()
			.filter((external) -> staff.serves(external.site()))
			.map((external) -> new ExternalIdView(external.site().toString(), external.externalId()))
			.toList();
		return new CustomerStory(view.id(), view.name(), view.email(), view.phone(), view.verifiedDetails(),
				view.firstSeenAt(), view.lastSeenAt(), externalIds, visitContext(staff, customer.id()),
				this.stories.conversations(customer.id(), staff.siteScope()).stream().map(Object::toString).toList());
	}

	@PostMapping("/api/v1/customers")
	@ResponseStatus(HttpStatus.CREATED)
	ResponseEntity<CustomerView> create(@AuthenticationPrincipal StaffPrincipal staff, @Valid @RequestBody Update body,
			HttpServletRequest http) {
		Customer created = this.management.create(Actor.of(staff, http), body.name(), body.email(), body.phone());
		return ResponseEntity.status(201).body(view(created));
	}

	@PatchMapping("/api/v1/customers/{id}")
	CustomerView update(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			@Valid @RequestBody Update update, HttpServletRequest http) {
		// The details reach every site's staff and emails (a changed email receives the
		// replies of every site's conversations): only for staff who serve them all.
		wholly(staff, visible(staff, CustomerId.parse(id)).id());
		return view(this.management.update(Actor.of(staff, http), CustomerId.parse(id), update.name(), update.email(),
				update.phone()));
	}

	@PostMapping("/api/v1/customers/{id}/merge")
	MergeResult merge(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			@Valid @RequestBody Merge merge, HttpServletRequest http) {
		wholly(staff, visible(staff, CustomerId.parse(id)).id());
		wholly(staff, visible(staff, CustomerId.parse(merge.into())).id());
		Stories.Merged merged = this.management.merge(Actor.of(staff, http), CustomerId.parse(id),
				CustomerId.parse(merge.into()));
		return new MergeResult(merge.into(), merged.conversations().size(), merged.visitors().size(),
				merged.externalIds());
	}

	@DeleteMapping("/api/v1/customers/{id}")
	ResponseEntity<ErasureResult> erase(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			HttpServletRequest http) {
		wholly(staff, visible(staff, CustomerId.parse(id)).id());
		List<?> erased = this.management.erase(Actor.of(staff, http), CustomerId.parse(id));
		return ResponseEntity.ok(new ErasureResult(erased.size()));
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
	 * Editing, merging and erasing change what every site of the customer has (their
	 * details, conversations, emails): only for staff who serve them all.
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
	private VisitContext visitContext(StaffPrincipal staff, CustomerId id) {
		VisitContext context = Frames.JSON.readValue(this.customers.visitContext(id), VisitContext.class);
		if (staff.servesAll(this.customers.sites(id))) {
			return context;
		}
		List<AllowedOrigin> origins = this.sites.all()
			.stream()
			.filter((site) -> staff.serves(site.id()))
			.flatMap((site) -> site.allowedOrigins().stream())
			.toList();
		List<VisitedPage> pages = ((context.pages() != null) ? context.pages() : List.<VisitedPage>of()).stream()
			.filter((page) -> {
				String url = (page.url() != null) ? page.url() : "";
				return origins.stream()
					.anyMatch((origin) -> url.startsWith(origin.value() + "/") || url.equals(origin.value()));
			})
			.toList();
		// The referrer may be a page of another site.
		return new VisitContext(pages, context.locale(), context.browser(), null);
	}

	/**
	 * Links a conversation to a customer: an existing one ({@code customerId}) or a new
	 * one made from {@code email} (and {@code name}).
	 */
	@PostMapping("/api/v1/conversations/{id}/customer")
	CustomerView link(@AuthenticationPrincipal StaffPrincipal staff, @PathVariable String id,
			@Valid @RequestBody Link link, HttpServletRequest http) {
		CustomerId existing = (link.customerId() != null) ? CustomerId.parse(link.customerId()) : null;
		if (existing != null) {
			visible(staff, existing);
		}
		Customer customer = this.management.link(Actor.of(staff, http), ConversationId.parse(id), existing,
				link.email(), link.name(), staff::serves);
		return view(customer);
	}

	/** Reads the stored visit context back for the answer. */
	private static final class Frames {

		static final JsonMapper JSON = JsonMapper.builder()
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.build();

	}

	private CustomerView view(Customer customer) {
		// Which details a site signed; the rest (a pre-chat form, an unsigned claim, what
		// staff typed) is unverified.
		List<String> verified = this.customers.verifiedDetails(customer.id())
			.stream()
			.sorted()
			.map((detail) -> detail.name().toLowerCase(Locale.ROOT))
			.toList();
		return new CustomerView(customer.id().toString(), customer.name(),
				(customer.email() != null) ? customer.email().value() : null, customer.phone(), verified,
				customer.firstSeenAt().toString(), customer.lastSeenAt().toString());
	}

	/**
	 * A customer.
	 *
	 * @param id the customer id
	 * @param name their name
	 * @param email their email
	 * @param phone their phone
	 * @param verifiedDetails which of {@code name} and {@code email} hold exactly what a
	 * site signed
	 * @param firstSeenAt when they were first seen
	 * @param lastSeenAt when they were last seen
	 */
	record CustomerView(String id, @Nullable String name, @Nullable String email, @Nullable String phone,
			List<String> verifiedDetails, String firstSeenAt, String lastSeenAt) {
	}

	/**
	 * A customer's story: the customer, the sites' ids for them, where they were seen and
	 * their conversations.
	 *
	 * @param id the customer id
	 * @param name their name
	 * @param email their email
	 * @param phone their phone
	 * @param verifiedDetails which of {@code name} and {@code email} hold exactly what a
	 * site signed
	 * @param firstSeenAt when they were first seen
	 * @param lastSeenAt when they were last seen
	 * @param externalIds the sites' own ids for them
	 * @param visitContext where they were seen
	 * @param conversations their conversations' ids, newest first
	 */
	record CustomerStory(String id, @Nullable String name, @Nullable String email, @Nullable String phone,
			List<String> verifiedDetails, String firstSeenAt, String lastSeenAt, List<ExternalIdView> externalIds,
			VisitContext visitContext, List<String> conversations) {
	}

	/**
	 * A site's own id for a customer.
	 *
	 * @param siteId the site
	 * @param externalId the site's id for the customer
	 */
	record ExternalIdView(String siteId, String externalId) {
	}

	/**
	 * Where a customer was seen; each part only once known.
	 *
	 * @param pages the 20 latest pages, oldest first
	 * @param locale their browser's language
	 * @param browser their browser
	 * @param referrer the page that sent them
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record VisitContext(@Nullable List<VisitedPage> pages, @Nullable String locale, @Nullable String browser,
			@Nullable String referrer) {
	}

	/**
	 * A page a customer was seen on.
	 *
	 * @param at when (ISO-8601)
	 * @param url the address
	 * @param title the title, if known
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record VisitedPage(@Nullable String at, @Nullable String url, @Nullable String title) {
	}

	/**
	 * What a merge moved.
	 *
	 * @param customerId the customer that stays
	 * @param conversationsMoved how many conversations moved
	 * @param visitorsMoved how many visitors moved
	 * @param externalIdsMoved how many of the sites' ids moved
	 */
	record MergeResult(String customerId, int conversationsMoved, int visitorsMoved, int externalIdsMoved) {
	}

	/**
	 * What an erasure deleted.
	 *
	 * @param conversationsErased how many conversations were deleted
	 */
	record ErasureResult(int conversationsErased) {
	}

	/**
	 * Changes to a customer; absent fields stay, an empty email removes it.
	 *
	 * @param name the name
	 * @param email the email
	 * @param phone the phone
	 */
	@Schema(name = "CustomerUpdate")
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
