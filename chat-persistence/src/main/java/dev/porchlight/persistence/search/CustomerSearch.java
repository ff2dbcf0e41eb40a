package dev.porchlight.persistence.search;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import dev.porchlight.domain.account.SiteScope;
import dev.porchlight.domain.common.Text;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.search.CustomerHit;
import dev.porchlight.domain.search.SearchTerms;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Customer search: by name (unaccented trigrams, prefixes, one typo in a short name),
 * email (prefix; with an {@code @} nothing looser), phone digits (any format, country
 * code optional, the last six or more digits) and the sites' ids for them.
 */
final class CustomerSearch {

	// Each way of matching is its own branch on its own index, scoring only the rows it
	// found; one WHERE with all of them OR-ed made PostgreSQL scan every customer: 155 ms
	// at 20,000 customers, against 22 ms this way. Only the best rows are joined for
	// their details.
	private static final String CUSTOMERS = """
			with q as (
			  select porchlight_unaccent(lower(cast(:text as text))) as text,
			         porchlight_name_keys(cast(:typoWords as text)) as keys
			),
			hits as (
			  -- Word similarity: a last name alone, or a name with typos (it is never below
			  -- the similarity of the whole name).
			  select c.id, word_similarity(q.text, c.name_plain) as score
			    from customer c, q
			   where not cast(:isEmail as boolean) and q.text <% c.name_plain
			  union all
			  select c.id, 0.9 from customer c
			   where c.name_plain like porchlight_unaccent(lower(cast(:escaped as text))) || '%'
			  union all
			  select c.id, 0.6 from customer c, q
			   where cardinality(q.keys) > 0 and c.name_keys && q.keys
			     and not exists (select 1 from regexp_split_to_table(cast(:typoWords as text), ' ') w
			                      where not (c.name_keys && porchlight_name_keys(w)))
			  union all
			  select c.id, case when lower(cast(c.email as text)) = lower(:text) then 1.0 else 0.9 end from customer c
			   where lower(cast(c.email as text)) like lower(:escaped) || '%'
			  union all
			  -- A word inside an email (customers who only left an email).
			  select c.id, 0.7 from customer c
			   where not cast(:isEmail as boolean) and char_length(:text) >= 3
			     and lower(cast(c.email as text)) like '%' || lower(:escaped) || '%'
			  union all
			  select c.id, 0.9 from customer c
			   where reverse(c.phone_digits) like reverse(cast(:phone as text)) || '%'
			      or reverse(c.phone_digits) like reverse(cast(:phoneStripped as text)) || '%'
			      or c.phone_digits = any(cast(:phoneEndings as text[]))
			  union all
			  select i.customer_id, case when i.external_id = :text then 1.0 else 0.9 end from customer_identity i
			   where i.external_id ilike :escaped || '%'
			  union all
			  select i.customer_id, similarity(i.external_id, :text) from customer_identity i
			   where not cast(:isEmail as boolean) and i.external_id % :text
			),
			best as (
			  select h.id, max(h.score) as score from hits h
			   -- A staff member limited to some sites finds customers of those, and records
			   -- of no site yet.
			   where cast(:sites as uuid[]) is null
			      or exists (select 1 from customer_identity i
			                  where i.customer_id = h.id and i.site_id = any(cast(:sites as uuid[])))
			      or exists (select 1 from visitor v
			                  where (v.customer_id = h.id or v.contact_customer_id = h.id)
			                    and v.site_id = any(cast(:sites as uuid[])))
			      or exists (select 1 from conversation cv
			                  where cv.customer_id = h.id and cv.site_id = any(cast(:sites as uuid[])))
			      or exists (select 1 from customer_site cs
			                  where cs.customer_id = h.id and cs.site_id = any(cast(:sites as uuid[])))
			      or not (exists (select 1 from customer_identity i where i.customer_id = h.id)
			              or exists (select 1 from visitor v where v.customer_id = h.id or v.contact_customer_id = h.id)
			              or exists (select 1 from conversation cv where cv.customer_id = h.id)
			              or exists (select 1 from customer_site cs where cs.customer_id = h.id))
			   group by h.id order by max(h.score) desc, h.id limit :limit
			)
			select c.id, c.name, cast(c.email as text) as email, c.phone, b.score
			  from best b join customer c on c.id = b.id
			 order by b.score desc, c.id
			""";

	private CustomerSearch() {
	}

	/**
	 * Customers matching a text, best first.
	 * @param text the text typed
	 * @param limit how many at most
	 * @param scope the sites searched
	 * @param customPlans runs the statement with custom plans
	 * ({@code JdbcSearch.customPlans})
	 * @return the customers found
	 */
	static List<CustomerHit> customers(String text, int limit, SiteScope scope,
			Function<Function<JdbcClient, List<CustomerHit>>, List<CustomerHit>> customPlans) {
		String cleaned = Text.required("query", text, 200);
		// A prefix search: % and _ typed by the user are literal characters, not
		// wildcards.
		String escaped = cleaned.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
		boolean email = cleaned.contains("@");
		String digits = cleaned.replaceAll("[^0-9]", "");
		boolean phone = cleaned.matches("[0-9+()\\-./\\s]+") && digits.length() >= SearchTerms.PHONE_DIGITS;
		String stripped = digits.replaceFirst("^0+", "");
		List<String> endings = new ArrayList<>();
		for (int n = SearchTerms.PHONE_DIGITS; phone && n <= stripped.length(); n++) {
			endings.add(stripped.substring(stripped.length() - n));
		}
		// One typo is tolerated in short names: only when every word typed is one.
		List<String> words = SearchTerms.words(cleaned);
		boolean shortWords = !email && !phone && !words.isEmpty()
				&& words.stream()
					.allMatch((word) -> word.codePointCount(0, word.length()) >= 3
							&& word.codePointCount(0, word.length()) <= 8
							&& word.chars().noneMatch(Character::isDigit));
		return customPlans.apply((jdbc) -> jdbc.sql(CUSTOMERS)
			.param("text", cleaned)
			.param("escaped", escaped)
			.param("isEmail", email)
			.param("typoWords", shortWords ? String.join(" ", words) : "")
			.param("phone", phone ? digits : null)
			.param("phoneStripped", (phone && stripped.length() >= SearchTerms.PHONE_DIGITS) ? stripped : null)
			.param("phoneEndings", endings.toArray(String[]::new))
			.param("limit", Math.clamp(limit, 1, 100))
			.param("sites", JdbcSearch.sites(scope))
			.query((row, rowNum) -> new CustomerHit(new CustomerId(row.getObject("id", UUID.class)),
					row.getString("name"), row.getString("email"), row.getString("phone"), row.getDouble("score")))
			.list());
	}

}
