package dev.porchlight.persistence.site;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.BusinessHours;
import dev.porchlight.domain.site.IdentityMode;
import dev.porchlight.domain.site.IdentitySecret;
import dev.porchlight.domain.site.LauncherPosition;
import dev.porchlight.domain.site.PreChatForm;
import dev.porchlight.domain.site.SearchLanguage;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.SiteId;
import dev.porchlight.domain.site.SiteKey;
import dev.porchlight.domain.site.Sites;
import dev.porchlight.domain.site.WidgetSettings;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Sites in PostgreSQL. Widget settings are a JSON object built and read by the database
 * field by field, so each setting stays a bound parameter.
 */
@Repository
class JdbcSites implements Sites {

	private static final String SELECT = """
			select id, site_key, name, allowed_origins, identity_mode, identity_secret, legacy_identity, created_at,
			       cast(search_config as text) as search_config,
			       widget_settings ->> 'colour' as colour,
			       coalesce(widget_settings ->> 'position', 'RIGHT') as position,
			       widget_settings ->> 'greeting' as greeting,
			       widget_settings ->> 'awayMessage' as away_message,
			       widget_settings ->> 'preChatForm' as pre_chat_form,
			       (widget_settings ->> 'typingPreview')::boolean as typing_preview,
			       coalesce(widget_settings #>> '{businessHours,zone}', 'UTC') as hours_zone,
			       array(select jsonb_array_elements_text(coalesce(widget_settings #> '{businessHours,weekly}', '[]')))
			         as hours_weekly
			  from site
			""";

	private static final String WIDGET_JSON = """
			jsonb_build_object('colour', cast(:colour as text), 'position', cast(:position as text), 'greeting', cast(:greeting as text),
			                   'awayMessage', cast(:awayMessage as text), 'preChatForm', cast(:preChatForm as text),
			                   'typingPreview', cast(:typingPreview as boolean),
			                   'businessHours', jsonb_build_object('zone', cast(:hoursZone as text),
			                                                       'weekly', to_jsonb(cast(:hoursWeekly as text[]))))
			""";

	private static final String INSERT = """
			insert into site (id, site_key, name, allowed_origins, identity_mode, identity_secret, legacy_identity,
			                  widget_settings, search_config, created_at, updated_at)
			values (:id, :key, :name, :origins, :identityMode, :identitySecret, :legacyIdentity, %s,
			        cast(:searchConfig as regconfig), :createdAt, :now)
			""".formatted(WIDGET_JSON);

	private static final String UPDATE = """
			update site
			   set name = :name, allowed_origins = :origins, identity_mode = :identityMode,
			       identity_secret = :identitySecret, legacy_identity = :legacyIdentity, widget_settings = %s,
			       search_config = cast(:searchConfig as regconfig), updated_at = :now
			 where id = :id
			""".formatted(WIDGET_JSON);

	private final JdbcClient jdbc;

	JdbcSites(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public Optional<Site> findById(SiteId id) {
		return this.jdbc.sql(SELECT + " where id = :id").param("id", id.value()).query(JdbcSites::site).optional();
	}

	@Override
	public Optional<Site> findByKey(SiteKey key) {
		return this.jdbc.sql(SELECT + " where site_key = :key")
			.param("key", key.value())
			.query(JdbcSites::site)
			.optional();
	}

	@Override
	public List<Site> all() {
		return this.jdbc.sql(SELECT + " order by created_at, id").query(JdbcSites::site).list();
	}

	@Override
	public void add(Site site) {
		bind(this.jdbc.sql(INSERT), site).param("key", site.key().value())
			.param("createdAt", Timestamp.from(site.createdAt()))
			.update();
	}

	@Override
	public void update(Site site) {
		bind(this.jdbc.sql(UPDATE), site).update();
	}

	private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement, Site site) {
		WidgetSettings widget = site.widget();
		return statement.param("id", site.id().value())
			.param("name", site.name())
			.param("origins", site.allowedOrigins().stream().map(AllowedOrigin::value).toArray(String[]::new))
			.param("identityMode", site.identityMode().name())
			.param("identitySecret", site.identitySecret().value())
			.param("legacyIdentity", site.legacyIdentity())
			.param("searchConfig", config(site.searchLanguage()))
			.param("colour", widget.colour())
			.param("position", widget.position().name())
			.param("greeting", widget.greeting())
			.param("awayMessage", widget.awayMessage())
			.param("preChatForm", widget.preChatForm().name())
			.param("typingPreview", widget.typingPreview())
			.param("hoursZone", widget.businessHours().zone().getId())
			.param("hoursWeekly",
					widget.businessHours()
						.weekly()
						.stream()
						.map(BusinessHours.Opening::toString)
						.toArray(String[]::new))
			.param("now", Timestamp.from(Instant.now()));
	}

	private static Site site(ResultSet row, int rowNum) throws SQLException {
		String[] origins = (String[]) row.getArray("allowed_origins").getArray();
		String[] weekly = (String[]) row.getArray("hours_weekly").getArray();
		BusinessHours hours = new BusinessHours(ZoneId.of(row.getString("hours_zone")),
				Arrays.stream(weekly).map(BusinessHours.Opening::parse).toList());
		WidgetSettings widget = new WidgetSettings(row.getString("colour"),
				LauncherPosition.valueOf(row.getString("position")), row.getString("greeting"),
				row.getString("away_message"), PreChatForm.valueOf(row.getString("pre_chat_form")),
				row.getBoolean("typing_preview"), hours);
		return new Site(new SiteId(row.getObject("id", UUID.class)), new SiteKey(row.getString("site_key")),
				row.getString("name"), Arrays.stream(origins).map(AllowedOrigin::new).toList(),
				IdentityMode.valueOf(row.getString("identity_mode")),
				new IdentitySecret(row.getString("identity_secret")), widget,
				row.getTimestamp("created_at").toInstant(), language(row.getString("search_config")),
				row.getBoolean("legacy_identity"));
	}

	/**
	 * The text search configuration of a language (created by the V7 migration).
	 * @param language the language
	 * @return the configuration's name
	 */
	static String config(SearchLanguage language) {
		return "porchlight_" + language.id();
	}

	private static SearchLanguage language(String config) {
		String name = config.startsWith("porchlight_") ? config.substring("porchlight_".length()) : config;
		return Arrays.stream(SearchLanguage.values())
			.filter((language) -> language.id().equals(name))
			.findFirst()
			.orElse(SearchLanguage.ENGLISH);
	}

}
