package dev.porchlight.api.story;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.porchlight.api.web.Csv;
import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.account.Accounts;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LiveConversations;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.Sender;
import dev.porchlight.domain.conversation.Transcripts;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Transcripts as files: JSON for machines, CSV for spreadsheets (cells that a spreadsheet
 * would run as a formula are defused), plain text for people. Times are in the zone the
 * reader asked for (the dashboard sends its own), UTC by default, and every file says
 * which.
 */
@Component
class Exports {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");

	private static final int PAGE = 5_000;

	private final Transcripts transcripts;

	private final LiveConversations live;

	private final Accounts accounts;

	Exports(Transcripts transcripts, LiveConversations live, Accounts accounts) {
		this.transcripts = transcripts;
		this.live = live;
		this.accounts = accounts;
	}

	/**
	 * Every entry of a conversation, archived and live, in sequence order.
	 */
	List<LogEntry> entries(ConversationId conversation) {
		List<LogEntry> entries = new ArrayList<>();
		long last = 0;
		List<LogEntry> page;
		do {
			page = this.transcripts.after(conversation, last, PAGE);
			entries.addAll(page);
			last = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).seq();
		}
		while (page.size() == PAGE);
		do {
			page = this.live.after(conversation, last, PAGE);
			for (LogEntry entry : page) {
				if (entry.seq() == last + 1) {
					entries.add(entry);
					last = entry.seq();
				}
			}
		}
		while (page.size() == PAGE);
		return entries;
	}

	String render(Format format, Map<ConversationId, List<LogEntry>> conversations, ZoneId zone) {
		Map<AccountId, String> names = new LinkedHashMap<>();
		return switch (format) {
			case JSON -> json(conversations, names, zone);
			case CSV -> csv(conversations, names, zone);
			case TXT -> text(conversations, names, zone);
		};
	}

	/**
	 * ISO-8601 with the offset of the zone (UTC keeps its {@code Z}).
	 */
	private static String iso(Instant at, ZoneId zone) {
		return at.atZone(zone).toOffsetDateTime().toString();
	}

	private String json(Map<ConversationId, List<LogEntry>> conversations, Map<AccountId, String> names, ZoneId zone) {
		List<ExportedConversation> list = new ArrayList<>();
		conversations.forEach((id, entries) -> list.add(new ExportedConversation(id.toString(), entries.stream()
			.map((entry) -> new ExportedEntry(entry.seq(), iso(entry.at(), zone),
					entry.kind().name().toLowerCase(Locale.ROOT), entry.sender().kind().name().toLowerCase(Locale.ROOT),
					name(entry.sender(), names), (entry.body() != null) ? entry.body().text() : null,
					entry.attachments()
						.stream()
						.map((file) -> new ExportedFile(file.id().toString(), file.name(), file.mediaType(),
								file.size()))
						.toList()))
			.toList())));
		return JSON.writeValueAsString(new ExportFile(zone.getId(), list));
	}

	private String csv(Map<ConversationId, List<LogEntry>> conversations, Map<AccountId, String> names, ZoneId zone) {
		StringBuilder out = new StringBuilder("conversation_id,seq,at,kind,sender,name,body,files\r\n");
		conversations.forEach((id,
				entries) -> entries.forEach((entry) -> out.append(id)
					.append(',')
					.append(entry.seq())
					.append(',')
					.append(iso(entry.at(), zone))
					.append(',')
					.append(entry.kind().name().toLowerCase(Locale.ROOT))
					.append(',')
					.append(entry.sender().kind().name().toLowerCase(Locale.ROOT))
					.append(',')
					.append(Csv.cell(name(entry.sender(), names)))
					.append(',')
					.append(Csv.cell((entry.body() != null) ? entry.body().text() : ""))
					.append(',')
					.append(Csv.cell(files(entry)))
					.append("\r\n")));
		return out.toString();
	}

	private String text(Map<ConversationId, List<LogEntry>> conversations, Map<AccountId, String> names, ZoneId zone) {
		StringBuilder out = new StringBuilder("Times in ").append(zone.getId()).append("\n\n");
		conversations.forEach((id, entries) -> {
			out.append("Conversation ").append(id).append('\n');
			for (LogEntry entry : entries) {
				out.append('[')
					.append(TIME.format(entry.at().atZone(zone)))
					.append("] ")
					.append(name(entry.sender(), names));
				switch (entry.kind()) {
					case MESSAGE -> {
						out.append(":");
						if (!entry.body().isEmpty()) {
							out.append(' ').append(entry.body().text().replace("\n", "\n    "));
						}
						if (!entry.attachments().isEmpty()) {
							out.append(" [files: ").append(files(entry)).append(']');
						}
					}
					case CLOSED -> out.append(" closed the conversation");
					case REOPENED -> out.append(" reopened the conversation");
				}
				out.append('\n');
			}
			out.append('\n');
		});
		return out.toString();
	}

	private String name(Sender sender, Map<AccountId, String> names) {
		return switch (sender.kind()) {
			case VISITOR -> "Visitor";
			case SYSTEM -> "Porchlight";
			case STAFF -> names.computeIfAbsent(sender.accountId(),
					(id) -> this.accounts.findById(id).map((account) -> account.displayName()).orElse("Staff"));
		};
	}

	/**
	 * Export formats.
	 */
	enum Format {

		JSON("application/json"), CSV("text/csv"), TXT("text/plain");

		private final String mediaType;

		Format(String mediaType) {
			this.mediaType = mediaType;
		}

		String mediaType() {
			return this.mediaType;
		}

		String extension() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/**
	 * An export as JSON.
	 *
	 * @param timeZone the zone the times are in
	 * @param conversations the conversations
	 */
	record ExportFile(String timeZone, List<ExportedConversation> conversations) {
	}

	/**
	 * An exported conversation.
	 *
	 * @param conversationId the conversation
	 * @param entries its log, in sequence order
	 */
	record ExportedConversation(String conversationId, List<ExportedEntry> entries) {
	}

	/**
	 * An exported log entry.
	 *
	 * @param seq its sequence number
	 * @param at when (ISO-8601 with the zone's offset)
	 * @param kind what happened, e.g. {@code message}
	 * @param sender {@code visitor}, {@code staff} or {@code system}
	 * @param name the sender's shown name
	 * @param body the message's text (empty for a message of files only), null for other
	 * entries
	 * @param files the files a message carries
	 */
	record ExportedEntry(long seq, String at, String kind, String sender, String name, @Nullable String body,
			@JsonInclude(JsonInclude.Include.NON_EMPTY) List<ExportedFile> files) {
	}

	/**
	 * A file a message carries (its bytes are not in the export).
	 *
	 * @param id the file
	 * @param name its name
	 * @param type what it is
	 * @param size its size in bytes
	 */
	record ExportedFile(String id, String name, String type, long size) {
	}

	/** A message's files by name and type, for the CSV and text files. */
	private static String files(LogEntry entry) {
		return entry.attachments()
			.stream()
			.map((file) -> file.name() + " (" + file.mediaType() + ", " + file.size() + " B)")
			.collect(java.util.stream.Collectors.joining("; "));
	}

}
