package dev.porchlight.persistence.insight;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.account.Role;
import dev.porchlight.domain.common.DomainException;
import dev.porchlight.domain.common.EmailAddress;
import dev.porchlight.domain.conversation.ClientMessageId;
import dev.porchlight.domain.conversation.Conversation;
import dev.porchlight.domain.conversation.ConversationStatus;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.MessageBody;
import dev.porchlight.domain.conversation.PageContext;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.conversation.Stories;
import dev.porchlight.domain.conversation.Transcripts;
import dev.porchlight.domain.customer.Customer;
import dev.porchlight.domain.customer.CustomerId;
import dev.porchlight.domain.customer.Customers;
import dev.porchlight.domain.insight.Answers;
import dev.porchlight.domain.insight.Asks;
import dev.porchlight.domain.insight.Insights;
import dev.porchlight.domain.insight.Page;
import dev.porchlight.domain.insight.People;
import dev.porchlight.domain.insight.Period;
import dev.porchlight.domain.insight.Term;
import dev.porchlight.domain.site.BusinessHours;
import dev.porchlight.domain.site.SearchLanguage;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.site.WidgetSettings;
import dev.porchlight.domain.visitor.Visitor;
import dev.porchlight.domain.visitor.Visitors;
import dev.porchlight.persistence.PersistenceTestApplication;
import dev.porchlight.persistence.testing.UseRealEngines;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Insights over a generated corpus with planted trends, on real PostgreSQL: a request
 * that grows week over week, one that fades, words only staff use. Every count shown is
 * checked against a direct count over the archive.
 */
@SpringBootTest(classes = PersistenceTestApplication.class)
@UseRealEngines
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcInsightsIntegrationTests {

	/** The last day of the period looked at (28 days, four weeks). */
	private static final LocalDate TODAY = LocalDate.parse("2026-06-28");

	private static final Period PERIOD = Period.last(28, TODAY);

	@Autowired
	Insights insights;

	@Autowired
	Transcripts transcripts;

	@Autowired
	Sites sites;

	@Autowired
	Visitors visitors;

	@Autowired
	Customers customers;

	@Autowired
	Accounts accounts;

	@Autowired
	Stories stories;

	@Autowired
	JdbcClient jdbc;

	Site shop;

	Account anna;

	Account ben;

	final List<CustomerId> people = new ArrayList<>();

	int serial;

	@BeforeAll
	void corpus() {
		this.shop = site("Kettle & Co");
		this.anna = account("Anna", "anna@kettle.example");
		this.ben = account("Ben", "ben@kettle.example");
		for (int i = 0; i < 40; i++) {
			this.people.add(customer("Customer " + i, "c" + i + "@example.com"));
		}
		// Previous period (28 days before): engraving twice, gift wrapping in ten.
		for (int i = 0; i < 2; i++) {
			chat(this.shop, this.people.get(i), day(-40 + i), "Do you offer engraving on the kettles?");
		}
		for (int i = 0; i < 10; i++) {
			chat(this.shop, this.people.get(10 + i), day(-50 + i), "Is gift wrapping available for the teapot?");
		}
		// This period: engraving grows week by week (2, 3, 4, 5 conversations), gift
		// wrapping once, and staff always say "warranty".
		int person = 0;
		for (int week = 0; week < 4; week++) {
			for (int i = 0; i < week + 2; i++) {
				chat(this.shop, this.people.get(person++ % 30), day(-27 + week * 7 + i),
						(i % 2 == 0) ? "Can you engrave my name on a kettle?" : "I want an engraved teapot please.");
			}
		}
		chat(this.shop, this.people.get(35), day(-3), "Gift wrapping for a mug, please.");
		for (int i = 0; i < 4; i++) {
			chat(this.shop, this.people.get(30 + i), day(-20 + i),
					"My order has not arrived, what about the delivery?");
		}
		countAll();
	}

	@Test
	void thePlantedRisingRequestIsOnTopOfWhatIsRisingAndItsCountsMatchTheArchive() {
		Asks asks = this.insights.asks(this.shop.id(), PERIOD, 10);
		assertThat(asks.rising()).first().satisfies((term) -> {
			assertThat(term.key()).isEqualTo("engrav");
			assertThat(term.label()).isIn("engrave", "engraved");
			assertThat(term.conversations()).isEqualTo(archived(this.shop, "engrav", PERIOD)).isEqualTo(14);
			assertThat(term.previousConversations()).isEqualTo(archived(this.shop, "engrav", PERIOD.previous()))
				.isEqualTo(2);
			assertThat(term.customers()).isEqualTo(people(this.shop, "engrav", PERIOD));
			assertThat(term.rising()).isTrue();
		});
		assertThat(asks.top()).first().extracting(Term::key).isEqualTo("engrav");
		// Everyone who asked wrote "gift wrapping available": the phrase stands for its
		// words.
		assertThat(asks.fading()).first().satisfies((term) -> {
			assertThat(term.key()).isEqualTo("gift wrap avail");
			assertThat(term.label()).isEqualTo("gift wrapping available");
			assertThat(term.previousConversations()).isEqualTo(10)
				.isEqualTo(archived(this.shop, "gift wrapping available", PERIOD.previous()));
			assertThat(term.conversations()).isZero();
			assertThat(term.rising()).isFalse();
		});
		assertThat(asks.fading()).extracting(Term::key).doesNotContain("gift", "wrap", "avail", "wrap avail");
	}

	@Test
	void staffWordsStopWordsAndSingleCustomersNeverShow() {
		Asks asks = this.insights.asks(this.shop.id(), PERIOD, 50);
		List<String> keys = new ArrayList<>();
		for (List<Term> list : List.of(asks.top(), asks.rising(), asks.fading())) {
			list.forEach((term) -> keys.add(term.key()));
		}
		assertThat(keys).isNotEmpty().noneMatch((key) -> key.contains("warranti"));
		assertThat(keys).doesNotContain("the", "my", "on", "a");
		// "mug" was asked for by one customer only: not a market signal, and not shown.
		assertThat(keys).doesNotContain("mug");
		Integer staffTerms = this.jdbc.sql("select count(*) from insight_term where term like '%warranti%'")
			.query(Integer.class)
			.single();
		assertThat(staffTerms).isZero();
	}

	@Test
	void phrasesAreCountedAndStemsGroupedUnderTheCommonestSpelling() {
		Asks asks = this.insights.asks(this.shop.id(), PERIOD, 50);
		assertThat(asks.top()).extracting(Term::key).contains("deliveri", "engrav teapot pleas");
		Term phrase = asks.top()
			.stream()
			.filter((term) -> term.key().equals("engrav teapot pleas"))
			.findFirst()
			.orElseThrow();
		assertThat(phrase.label()).isEqualTo("engraved teapot please");
		assertThat(phrase.conversations()).isEqualTo(6)
			.isEqualTo(archived(this.shop, "engraved teapot please", PERIOD));
		// Everyone who wrote "teapot" this period wrote "engraved teapot please": the
		// longest
		// phrase stands for its parts.
		assertThat(asks.top()).extracting(Term::key).doesNotContain("teapot", "engrav teapot", "teapot pleas");
		Term delivery = asks.top().stream().filter((term) -> term.key().equals("deliveri")).findFirst().orElseThrow();
		assertThat(delivery.label()).isEqualTo("delivery");
		assertThat(delivery.conversations()).isEqualTo(4).isEqualTo(archived(this.shop, "delivery", PERIOD));
	}

	@Test
	void staffCanHideATermOrMergeTwo() {
		Site site = site("Merges");
		for (int i = 0; i < 3; i++) {
			chat(site, this.people.get(i), day(-2), "A teapot with a lid");
			chat(site, this.people.get(3 + i), day(-2), "A kettle with a lid");
		}
		chat(site, this.people.get(0), day(-1), "A kettle and a teapot");
		countAll();
		Asks before = this.insights.asks(site.id(), PERIOD, 10);
		assertThat(before.top()).extracting(Term::key).contains("kettl", "teapot", "lid");
		this.insights.correct(site.id(), new Term.Rule("teapot", false, "kettl"));
		this.insights.correct(site.id(), new Term.Rule("lid", true, null));
		Asks after = this.insights.asks(site.id(), PERIOD, 10);
		assertThat(after.top()).extracting(Term::key).doesNotContain("teapot", "lid");
		Term merged = after.top().stream().filter((term) -> term.key().equals("kettl")).findFirst().orElseThrow();
		// Seven conversations mention either; the one with both counts once.
		assertThat(merged.conversations()).isEqualTo(7);
		assertThat(merged.customers()).isEqualTo(6);
		assertThat(merged.merged()).containsExactly("teapot");
		assertThat(this.insights.rules(site.id())).extracting(Term.Rule::key).containsExactly("lid", "teapot");
		assertThatExceptionOfType(DomainException.class)
			.isThrownBy(() -> this.insights.correct(site.id(), new Term.Rule("lid", false, "teapot")))
			.withMessageContaining("kettl");
		assertThat(this.insights.uncorrect(site.id(), "lid")).isTrue();
		assertThat(this.insights.asks(site.id(), PERIOD, 10).top()).extracting(Term::key).contains("lid");
	}

	@Test
	void termsAreInTheSitesLanguageAndHoursInItsTimeZone() {
		WidgetSettings defaults = WidgetSettings.defaults();
		Site created = Site.create("Gravur & Co", List.of(), day(-100));
		Site site = created
			.withSettings(created.name(), List.of(), created.identityMode(),
					new WidgetSettings(defaults.colour(), defaults.position(), defaults.greeting(),
							defaults.awayMessage(), defaults.preChatForm(), defaults.typingPreview(),
							new BusinessHours(ZoneId.of("Europe/Berlin"), List.of())))
			.withSearchLanguage(SearchLanguage.GERMAN);
		this.sites.add(site);
		chat(site, this.people.get(0), day(-3), "Ich möchte eine Gravur auf dem Ring.");
		chat(site, this.people.get(1), day(-2), "Sind Gravuren auf den Ringen möglich?");
		chat(site, this.people.get(2), day(-1), "Was kostet die Gravur?");
		countAll();
		Asks asks = this.insights.asks(site.id(), PERIOD, 20);
		Term engraving = asks.top().stream().filter((term) -> term.key().equals("gravur")).findFirst().orElseThrow();
		assertThat(engraving.conversations()).isEqualTo(3);
		assertThat(engraving.label()).isEqualTo("gravur");
		assertThat(asks.top()).extracting(Term::key).contains("ring").doesNotContain("ich", "auf", "dem", "die", "was");
		// 10:00 UTC in June is 12:00 in Berlin.
		int atNoon = 0;
		for (int[] weekday : this.insights.people(site.id(), PERIOD).arrivals()) {
			atNoon += weekday[12];
		}
		assertThat(atNoon).isEqualTo(3);
	}

	@Test
	void newAndReturningPeopleArrivalsAndLongestStories() {
		Site site = site("People");
		CustomerId regular = this.people.get(0);
		CustomerId newcomer = this.people.get(1);
		chat(site, regular, day(-40), "Hello again");
		chat(site, regular, day(-5), "Hello once more", "And another thing", "And one more");
		chat(site, newcomer, day(-4), "First time here");
		chat(site, null, day(-3), "Just browsing");
		countAll();
		People people = this.insights.people(site.id(), PERIOD);
		assertThat(people.conversations()).isEqualTo(3);
		assertThat(people.previousConversations()).isEqualTo(1);
		assertThat(people.people()).isEqualTo(3);
		assertThat(people.returningPeople()).isEqualTo(1);
		assertThat(people.newPeople()).isEqualTo(2);
		assertThat(people.identified()).isEqualTo(2);
		assertThat(people.perPerson()).extracting(People.Count::count).containsExactly(3, 0, 0, 0);
		assertThat(people.days()).hasSize(28);
		assertThat(people.days().stream().mapToInt(People.Day::conversations).sum()).isEqualTo(3);
		// day(n) is 10:00 UTC; the site's zone is UTC.
		int arrivals = 0;
		for (int[] weekday : people.arrivals()) {
			arrivals += weekday[10];
		}
		assertThat(arrivals).isEqualTo(3);
		assertThat(people.pages()).extracting(People.Count::label).containsExactly("https://shop.example/kettles");
		assertThat(people.referrers()).extracting(People.Count::label).containsExactly("search.example");
		assertThat(people.longest()).first().satisfies((story) -> {
			assertThat(story.customer()).isEqualTo(regular.toString());
			assertThat(story.messages()).isEqualTo(3);
		});
	}

	@Test
	void replyAndCloseTimesByHourAndByStaff() {
		Site site = site("Answers");
		// Replies after 60 s (Anna), 120 s (Anna) and 600 s (Ben); one chat never
		// answered.
		answered(site, day(-2), 60, this.anna);
		answered(site, day(-2).plusSeconds(3600), 120, this.anna);
		answered(site, day(-1), 600, this.ben);
		quiet(site, this.people.get(7), day(-1), "Anyone there?");
		countAll();
		Answers answers = this.insights.answers(site.id(), PERIOD);
		assertThat(answers.all().asked()).isEqualTo(4);
		assertThat(answers.all().replied()).isEqualTo(3);
		assertThat(answers.all().waiting()).isEqualTo(1);
		assertThat(answers.all().replyMedian()).isEqualTo(120.0);
		assertThat(answers.all().closed()).isEqualTo(3);
		assertThat(answers.byHour()).hasSize(24);
		assertThat(answers.byHour().get(10).asked()).isEqualTo(3);
		assertThat(answers.byHour().get(11).replied()).isEqualTo(1);
		assertThat(answers.byStaff()).extracting(Answers.Figures::label).containsExactly("Anna", "Ben");
		assertThat(answers.byStaff().get(0).replyMedian()).isEqualTo(90.0);
		assertThat(answers.byStaff().get(1).closed()).isEqualTo(1);
	}

	@Test
	void erasingACustomerRemovesThemFromEveryFigure() {
		Site site = site("Erasure");
		CustomerId erased = customer("Eve Erased", "eve@example.com");
		chat(site, erased, day(-3), "I need a blue kettle urgently", "Blue kettle, please");
		chat(site, this.people.get(0), day(-3), "A blue kettle for me");
		chat(site, this.people.get(1), day(-2), "Blue kettle in stock?");
		countAll();
		assertThat(term(site, "blue kettl").conversations()).isEqualTo(3);
		assertThat(this.insights.people(site.id(), PERIOD).longest()).extracting(People.Story::customer)
			.contains(erased.toString());
		this.stories.erase(erased);
		countAll();
		assertThat(term(site, "blue kettl").conversations()).isEqualTo(2);
		assertThat(term(site, "blue kettl").customers()).isEqualTo(2);
		People people = this.insights.people(site.id(), PERIOD);
		assertThat(people.conversations()).isEqualTo(2);
		assertThat(people.longest()).extracting(People.Story::customer).doesNotContain(erased.toString());
		Map<String, Object> left = this.jdbc.sql("""
				select (select count(*) from insight_term where who = :who) as terms,
				       (select count(*) from insight_conversation where who = :who) as conversations,
				       (select coalesce(sum(conversations), 0) from insight_term_day
				         where site_id = :site and term = 'blue kettl') as day_count
				""").param("who", erased.value()).param("site", site.id().value()).query().singleRow();
		assertThat(left).containsEntry("terms", 0L).containsEntry("conversations", 0L).containsEntry("day_count", 2L);
	}

	@Test
	void aPageOfTheLastDaysIsKeptComputedAgainByTheJobAndGoesWithAnErasureOrACorrection() {
		Site site = site("Kept");
		CustomerId kim = customer("Kim Kept", "kim@example.com");
		chat(site, kim, day(-2), "A copper kettle please", "Copper kettle, yes");
		chat(site, this.people.get(0), day(-2), "A copper kettle for me");
		countAll();
		Page first = this.insights.page(site.id(), PERIOD, true);
		assertThat(first.period()).isEqualTo(PERIOD);
		assertThat(key(first, "copper kettl").conversations()).isEqualTo(2);
		chat(site, this.people.get(1), day(-1), "Copper kettle in stock?");
		countAll();
		Page again = this.insights.page(site.id(), PERIOD, true);
		assertThat(again.computedAt()).as("shown as kept until the job computes it again")
			.isEqualTo(first.computedAt());
		assertThat(again.asks()).isEqualTo(first.asks());
		assertThat(again.people().arrivals()).isDeepEqualTo(first.people().arrivals());
		assertThat(this.insights.page(site.id(), PERIOD, false).computedAt()).as("another period: computed")
			.isAfter(first.computedAt());
		// Something new was counted, but the page is younger than five minutes: not due.
		// Its last day has passed, though (PERIOD is not today): the job computes it for
		// today.
		assertThat(this.insights.refreshPages(Duration.ofMinutes(5))).isPositive();
		Page today = this.insights.page(site.id(), PERIOD, true);
		assertThat(today.computedAt()).isAfter(first.computedAt());
		assertThat(today.period().to()).isAfter(PERIOD.to());
		assertThat(this.insights.refreshPages(Duration.ofMinutes(5))).as("nothing due any more").isZero();
		assertThat(kept(site)).isEqualTo(1);
		// Something new: due once the page is older than fresh (per 30 days it covers).
		chat(site, this.people.get(2), Instant.now().minusSeconds(60), "Copper kettle, is it copper?");
		countAll();
		assertThat(this.insights.refreshPages(Duration.ofMinutes(5))).as("younger than 5 min × 28 / 30").isZero();
		this.jdbc
			.sql("update insight_page set computed_at = computed_at - interval '281 seconds' where site_id = :site")
			.param("site", site.id().value())
			.update();
		assertThat(this.insights.refreshPages(Duration.ofMinutes(5))).isPositive();
		Page refreshed = this.insights.page(site.id(), PERIOD, true);
		assertThat(refreshed.computedAt()).isAfter(today.computedAt().minusSeconds(281));
		assertThat(refreshed.people().conversations()).isEqualTo(1);
		this.insights.correct(site.id(), new Term.Rule("copper", true, null));
		assertThat(kept(site)).as("a correction drops the kept pages").isZero();
		Page corrected = this.insights.page(site.id(), PERIOD, true);
		assertThat(corrected.computedAt()).isAfter(first.computedAt());
		assertThat(corrected.people().longest()).extracting(People.Story::customer).contains(kim.toString());
		assertThat(kept(site)).isEqualTo(1);
		this.stories.erase(kim);
		assertThat(kept(site)).as("an erasure drops the kept pages").isZero();
		Page after = this.insights.page(site.id(), PERIOD, true);
		assertThat(after.people().longest()).extracting(People.Story::customer).doesNotContain(kim.toString());
		assertThat(key(after, "copper kettl").conversations()).isEqualTo(2);
	}

	@Test
	void aConversationIsCountedOnceItsMarkHasSettledAndARebuildsMarksAreDueAtOnce() {
		countAll();
		Site site = site("Settling");
		chat(site, null, day(-2), "Do you ship marmalade abroad?");
		// Just marked: not due with a minute to settle.
		assertThat(this.insights.count(500, Duration.ofMinutes(1))).isZero();
		assertThat(this.insights.waiting(site.id())).isEqualTo(1);
		// Marked a minute ago: due.
		this.jdbc.sql("""
				update insight_pending set touched_at = now() - interval '61 seconds'
				 where conversation_id in (select id from conversation where site_id = ?)
				""").param(site.id().value()).update();
		assertThat(this.insights.count(500, Duration.ofMinutes(1))).isEqualTo(1);
		assertThat(this.insights.waiting(site.id())).isZero();

		// A rebuild's marks are due at once, settling or not.
		long marked = this.insights.rebuild();
		int counted = 0;
		for (int i = 0; i < 1000; i++) {
			int batch = this.insights.count(500, Duration.ofMinutes(1));
			if (batch == 0) {
				break;
			}
			counted += batch;
		}
		assertThat(counted).isEqualTo(marked);
		assertThat(this.jdbc.sql("select count(*) from insight_pending").query(Long.class).single()).isZero();
	}

	@Test
	void aRebuildCountsTheSameAgain() {
		Asks before = this.insights.asks(this.shop.id(), PERIOD, 20);
		assertThat(this.insights.rebuild()).isPositive();
		assertThat(this.insights.asks(this.shop.id(), PERIOD, 20).top()).isEmpty();
		countAll();
		assertThat(this.insights.asks(this.shop.id(), PERIOD, 20)).isEqualTo(before);
	}

	@Test
	void periodsAreCheckedAndTheDayCountsAlwaysAddUp() {
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> Period.last(400, TODAY));
		assertThatExceptionOfType(DomainException.class).isThrownBy(() -> new Period(TODAY, TODAY.minusDays(1)));
		assertThat(PERIOD.previous()).isEqualTo(new Period(TODAY.minusDays(55), TODAY.minusDays(28)));
		Long mismatched = this.jdbc.sql("""
				select count(*) from (
				    select site_id, day, term, count(*) as n from insight_term group by 1, 2, 3) t
				full join insight_term_day d using (site_id, day, term)
				 where t.n is distinct from d.conversations
				""").query(Long.class).single();
		assertThat(mismatched).isZero();
	}

	private static Term key(Page page, String key) {
		return page.asks()
			.top()
			.stream()
			.filter((term) -> term.key().equals(key))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no term " + key + " in " + page.asks().top()));
	}

	private int kept(Site site) {
		return this.jdbc.sql("select count(*) from insight_page where site_id = :site")
			.param("site", site.id().value())
			.query(Integer.class)
			.single();
	}

	private Term term(Site site, String key) {
		return this.insights.asks(site.id(), PERIOD, 50)
			.top()
			.stream()
			.filter((term) -> term.key().equals(key))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no term " + key));
	}

	/** Conversations of the period with a customer message containing the text. */
	private int archived(Site site, String text, Period period) {
		return direct("c.id", site, text, period);
	}

	/** The people (customers, else visitors) behind those conversations. */
	private int people(Site site, String text, Period period) {
		return direct("coalesce(c.customer_id, c.visitor_id)", site, text, period);
	}

	/** A count straight from the archive, independent of the insight tables. */
	private int direct(String distinct, Site site, String text, Period period) {
		return this.jdbc.sql("select count(distinct " + distinct + """
				) from conversation c join message m on m.conversation_id = c.id
				 where c.site_id = :site and m.sender_kind = 'VISITOR' and m.body ilike '%' || :text || '%'
				   and c.started_at >= cast(:from as date) and c.started_at < cast(:end as date)
				""")
			.param("site", site.id().value())
			.param("text", text)
			.param("from", period.from().toString())
			.param("end", period.end().toString())
			.query(Integer.class)
			.single();
	}

	private void countAll() {
		for (int i = 0; i < 1000 && this.insights.count(500, Duration.ZERO) > 0; i++) {
			// until nothing waits
		}
		Long waiting = this.jdbc.sql("select count(*) from insight_pending").query(Long.class).single();
		assertThat(waiting).isZero();
		assertThat(this.insights.waiting(this.shop.id())).isZero();
	}

	private static Instant day(int offset) {
		return TODAY.plusDays(offset).atTime(10, 0).toInstant(ZoneOffset.UTC);
	}

	private Site site(String name) {
		Site site = Site.create(name, List.of(), day(-100));
		this.sites.add(site);
		return site;
	}

	private Account account(String name, String email) {
		Account account = Account.create(new EmailAddress(email), name, Role.AGENT, "{bcrypt}x", false, day(-100));
		this.accounts.add(account);
		return account;
	}

	private CustomerId customer(String name, String email) {
		Customer customer = new Customer(CustomerId.random(), name, new EmailAddress(email), null, day(-100),
				day(-100));
		this.customers.add(customer);
		return customer.id();
	}

	/** A customer's chat; staff answer every one with the warranty. */
	private void chat(Site site, @Nullable CustomerId customer, Instant start, String... messages) {
		chat(site, customer, start, true, messages);
	}

	/** A customer's chat nobody answered. */
	private void quiet(Site site, @Nullable CustomerId customer, Instant start, String... messages) {
		chat(site, customer, start, false, messages);
	}

	private void chat(Site site, @Nullable CustomerId customer, Instant start, boolean answered, String... messages) {
		Visitor visitor = Visitor.arrive(site.id(), start);
		this.visitors.add(visitor, "hash");
		Conversation conversation = Conversation.start(site.id(), visitor.id(), customer,
				new PageContext("https://shop.example/kettles?ref=1", "Kettles", "https://search.example/q", "en"),
				start);
		List<LogEntry> log = new ArrayList<>();
		for (String text : messages) {
			log.add(new LogEntry(conversation.id(), log.size() + 1, LogEntry.Kind.MESSAGE,
					new ClientMessageId("m" + this.serial++), Sender.visitor(visitor.id()), new MessageBody(text),
					start.plusSeconds(log.size())));
		}
		if (answered) {
			log.add(new LogEntry(conversation.id(), log.size() + 1, LogEntry.Kind.MESSAGE,
					new ClientMessageId("s" + this.serial++), Sender.staff(this.anna.id()),
					new MessageBody("Every kettle has a warranty of two years; warranty details follow."),
					start.plusSeconds(3600 * 5)));
		}
		this.transcripts.archive(new Conversation(conversation.id(), site.id(), visitor.id(), customer,
				ConversationStatus.OPEN, conversation.context(), start, start.plusSeconds(3600 * 5), null), 1, log);
	}

	private void answered(Site site, Instant start, int replyAfter, Account by) {
		Visitor visitor = Visitor.arrive(site.id(), start);
		this.visitors.add(visitor, "hash");
		Conversation conversation = Conversation.start(site.id(), visitor.id(), null, PageContext.unknown(), start);
		List<LogEntry> log = List.of(
				new LogEntry(conversation.id(), 1, LogEntry.Kind.MESSAGE, new ClientMessageId("a" + this.serial++),
						Sender.visitor(visitor.id()), new MessageBody("Where is my parcel?"), start),
				new LogEntry(conversation.id(), 2, LogEntry.Kind.MESSAGE, new ClientMessageId("b" + this.serial++),
						Sender.staff(by.id()), new MessageBody("On its way."), start.plusSeconds(replyAfter)));
		Instant closed = start.plusSeconds(replyAfter + 60);
		this.transcripts
			.archive(
					List.of(new Transcripts.Batch(
							new Conversation(conversation.id(), site.id(), visitor.id(), null,
									ConversationStatus.CLOSED, PageContext.unknown(), start, closed, closed),
							by.id(), 1, log)));
	}

}
