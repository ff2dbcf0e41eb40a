package dev.porchlight.api.attachment;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

import dev.porchlight.api.ApiClient;
import dev.porchlight.api.PorchlightTest;
import dev.porchlight.api.live.LiveTestClient;
import dev.porchlight.domain.attachment.Variant;
import dev.porchlight.domain.conversation.AttachmentId;
import dev.porchlight.domain.conversation.ConversationId;
import dev.porchlight.domain.conversation.LogEntry;
import dev.porchlight.domain.conversation.Transcripts;
import dev.porchlight.domain.secret.InstallSecrets;
import dev.porchlight.domain.site.AllowedOrigin;
import dev.porchlight.domain.site.Site;
import dev.porchlight.domain.site.Sites;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.porchlight.api.PorchlightTest.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attachments end to end on real PostgreSQL and Redis (docs/attachments.md): upload,
 * send, live delivery, signed links, the files as served, limits, who may fetch what,
 * archive, resume, search, export and erase.
 */
@PorchlightTest(properties = { "porchlight.attachments.max-file-size=300KB",
		"porchlight.attachments.visitor-uploads-per-hour=12", "porchlight.attachments.max-per-message=3",
		"porchlight.attachments.site-uploads-per-hour=16", "porchlight.live.message-window=1h" })
class AttachmentIntegrationTests {

	private static final Duration ARCHIVED = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	Transcripts transcripts;

	@Autowired
	InstallSecrets secrets;

	@Autowired
	AttachmentProperties properties;

	Site site;

	ApiClient owner;

	final List<Visitor> visitors = new ArrayList<>();

	@AfterEach
	void closeTheVisitorsSockets() {
		this.visitors.forEach((visitor) -> visitor.socket().close());
	}

	@BeforeEach
	void aShopAndItsOwner() {
		this.site = Site.create("Jewellery", List.of(new AllowedOrigin("https://shop.example")), Instant.now());
		this.sites.add(this.site);
		this.owner = new ApiClient(this.port);
		this.owner.signIn(PorchlightTest.OWNER_EMAIL, PorchlightTest.OWNER_PASSWORD);
	}

	@Test
	void eachAllowedTypeTravelsFromVisitorToOwnerAndIsServedSafely() throws Exception {
		Visitor visitor = visitor();
		String conversation = visitor.start();
		JsonNode png = visitor.upload(conversation, "sketch.png", png(120, 80), "image/png");
		JsonNode jpeg = visitor.upload(conversation, "photo.jpg", jpeg(64, 48), "image/jpeg");
		JsonNode gif = visitor.upload(conversation, "wave.gif", gif(30, 20), "image/gif");
		JsonNode webp = visitor.upload(conversation, "phone.webp", resource("/attachments/opaque.webp"), "image/webp");
		JsonNode pdf = visitor.upload(conversation, "order.pdf", pdf(), "application/pdf");
		JsonNode text = visitor.upload(conversation, "notes.txt",
				"Théière en fonte, 1 L \uD83E\uDED6\n".getBytes(StandardCharsets.UTF_8), "text/plain");
		assertThat(png.path("type").asString()).isEqualTo("image/png");
		assertThat(png.path("width").asInt()).isEqualTo(120);
		assertThat(png.path("height").asInt()).isEqualTo(80);
		assertThat(jpeg.path("type").asString()).isEqualTo("image/jpeg");
		assertThat(gif.path("type").asString()).isEqualTo("image/gif");
		assertThat(webp.path("type").asString()).as("served as JPEG").isEqualTo("image/jpeg");
		assertThat(webp.path("width").asInt()).isEqualTo(48);
		assertThat(webp.path("name").asString()).isEqualTo("phone.webp");
		assertThat(pdf.path("type").asString()).isEqualTo("application/pdf");
		assertThat(pdf.has("width")).as("no pixels for a document").isFalse();
		assertThat(pdf.has("thumbUrl")).isFalse();
		assertThat(text.path("type").asString()).isEqualTo("text/plain");

		try (LiveTestClient staff = staff()) {
			staff.send(Map.of("type", "subscribe", "conversationId", conversation, "afterSeq", 0));
			staff.next("synced");
			visitor.sendFiles(conversation, "v1", "Something like this?", png, jpeg, gif);
			visitor.sendFiles(conversation, "v2", null, pdf, text);
			JsonNode first = staff.next((frame) -> isMessage(frame, "v1"), "the message with pictures");
			JsonNode second = staff.next((frame) -> isMessage(frame, "v2"), "the message of documents");
			assertThat(first.path("message").path("body").asString()).isEqualTo("Something like this?");
			assertThat(second.path("message").path("body").asString()).as("files only").isEmpty();
			JsonNode pictures = first.path("message").path("attachments");
			assertThat(pictures).hasSize(3);
			assertThat(pictures.get(0).path("id").asString()).isEqualTo(png.path("id").asString());
			assertThat(pictures.get(0).path("name").asString()).isEqualTo("sketch.png");

			HttpResponse<byte[]> image = fetch(pictures.get(0).path("url").asString());
			assertThat(image.statusCode()).isEqualTo(200);
			assertThat(image.headers().firstValue("Content-Type")).hasValue("image/png");
			assertThat(image.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("inline")
				.contains("sketch.png");
			assertThat(image.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
			assertThat(image.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("sandbox")
				.contains("default-src 'none'");
			assertThat(image.headers().firstValue("Set-Cookie")).as("no session for a file").isEmpty();
			BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image.body()));
			assertThat(decoded.getWidth()).isEqualTo(120);
			assertThat(decoded.getHeight()).isEqualTo(80);
			BufferedImage thumbnail = ImageIO
				.read(new ByteArrayInputStream(fetch(pictures.get(0).path("thumbUrl").asString()).body()));
			assertThat(Math.max(thumbnail.getWidth(), thumbnail.getHeight()))
				.isLessThanOrEqualTo(this.properties.thumbnailSize());
			assertThat(ImageIO.read(new ByteArrayInputStream(fetch(pictures.get(1).path("url").asString()).body())))
				.as("the JPEG decodes")
				.isNotNull();
			assertThat(ImageIO.read(new ByteArrayInputStream(fetch(pictures.get(2).path("url").asString()).body())))
				.as("the GIF decodes")
				.isNotNull();

			JsonNode documents = second.path("message").path("attachments");
			HttpResponse<byte[]> document = fetch(documents.get(0).path("url").asString());
			assertThat(document.headers().firstValue("Content-Type")).hasValue("application/pdf");
			assertThat(document.headers().firstValue("Content-Disposition").orElseThrow())
				.as("documents always download")
				.startsWith("attachment")
				.contains("order.pdf");
			assertThat(document.body()).isEqualTo(pdf());
			HttpResponse<byte[]> notes = fetch(documents.get(1).path("url").asString());
			assertThat(notes.headers().firstValue("Content-Type").map((type) -> type.replace(" ", "")))
				.hasValue("text/plain;charset=utf-8");
			assertThat(notes.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment");
			assertThat(new String(notes.body(), StandardCharsets.UTF_8)).contains("Théière");
			HttpResponse<byte[]> download = fetch(pictures.get(0).path("downloadUrl").asString());
			assertThat(download.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment");
		}
		// The visitor, resuming on a new socket, gets the same files with links that
		// work.
		try (LiveTestClient again = LiveTestClient.visitor(this.port, APP, visitor.token)) {
			again.send(Map.of("type", "subscribe", "conversationId", conversation, "afterSeq", 0));
			JsonNode resumed = again.next((frame) -> isMessage(frame, "v1"), "the resumed message");
			assertThat(resumed.path("message").path("attachments")).hasSize(3);
			assertThat(fetch(resumed.path("message").path("attachments").get(1).path("url").asString()).statusCode())
				.isEqualTo(200);
		}
		// Archived: the same list in PostgreSQL, read back as the log.
		await("the messages archived").atMost(ARCHIVED)
			.until(() -> this.jdbc
				.sql("select count(*) from message where conversation_id = :id and attachments is not null")
				.param("id", java.util.UUID.fromString(conversation))
				.query(Integer.class)
				.single() == 2);
		List<LogEntry> archived = this.transcripts.after(ConversationId.parse(conversation), 0, 10);
		assertThat(archived).hasSize(2);
		assertThat(archived.get(0).attachments()).extracting((file) -> file.name())
			.containsExactly("sketch.png", "photo.jpg", "wave.gif");
		assertThat(archived.get(1).body().isEmpty()).isTrue();
		// The transcript, the list with fresh links, search by a file's name, the export.
		JsonNode transcript = this.owner.get("/api/v1/conversations/" + conversation).json();
		assertThat(transcript.path("entries").get(1).path("message").path("attachments").get(0).path("name").asString())
			.isEqualTo("order.pdf");
		JsonNode listed = this.owner.get("/api/v1/conversations/" + conversation + "/attachments").json();
		assertThat(listed).hasSize(5);
		assertThat(visitor.api.get("/api/v1/visitor/conversations/" + conversation + "/attachments").json()).hasSize(5);
		await("found by a file's name").atMost(ARCHIVED)
			.until(() -> this.owner.get("/api/v1/search/conversations?q=sketch").body().contains(conversation));
		String export = this.owner.get("/api/v1/conversations/" + conversation + "/export?format=json").body();
		assertThat(export).contains("\"name\":\"order.pdf\"").contains("\"type\":\"application/pdf\"");
		assertThat(this.owner.get("/api/v1/conversations/" + conversation + "/export?format=csv").body())
			.contains("notes.txt (text/plain");
		assertThat(this.owner.get("/api/v1/conversations/" + conversation + "/export?format=txt").body())
			.contains("[files: sketch.png");
	}

	@Test
	void theOwnerSendsAFileTheVisitorFetches() {
		Visitor visitor = visitor();
		String conversation = visitor.start();
		visitor.socket.sendAndAck(conversation, "v1", "Do you have the invoice?");
		ApiClient.Response upload = this.owner.postBytes(
				"/api/v1/conversations/" + conversation + "/attachments?name=" + encode("Invoice 2231.pdf"), pdf(),
				"application/pdf");
		assertThat(upload.status()).isEqualTo(201);
		try (LiveTestClient staff = staff()) {
			staff.send(Map.of("type", "send", "conversationId", conversation, "clientId", "s1", "attachments",
					List.of(upload.text("/id"))));
			staff.next("ack");
		}
		JsonNode event = visitor.socket.next((frame) -> isMessage(frame, "s1"), "the owner's file");
		JsonNode file = event.path("message").path("attachments").get(0);
		assertThat(file.path("name").asString()).isEqualTo("Invoice 2231.pdf");
		assertThat(file.has("originalUrl")).as("never to visitors").isFalse();
		assertThat(fetch(file.path("downloadUrl").asString()).body()).isEqualTo(pdf());
	}

	@Test
	void aRenamedWebPageOrSvgIsRefusedAndSoIsAnythingElseUnknown() {
		Visitor visitor = visitor();
		String conversation = visitor.start();
		byte[] page = "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
			.getBytes(StandardCharsets.UTF_8);
		ApiClient.Response html = visitor.tryUpload(conversation, "cute-cat.jpg", page, "image/jpeg");
		assertThat(html.status()).isEqualTo(415);
		assertThat(html.text("/error")).isEqualTo("unsupported_type");
		assertThat(html.text("/message")).contains("HTML");
		byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".getBytes(StandardCharsets.UTF_8);
		ApiClient.Response vector = visitor.tryUpload(conversation, "logo.png", svg, "image/png");
		assertThat(vector.status()).isEqualTo(415);
		byte[] zip = { 'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0 };
		assertThat(visitor.tryUpload(conversation, "photos.zip", zip, "application/zip").status()).isEqualTo(415);
		// A form is not the file: refused with what to send instead, not stored as a
		// file.
		byte[] form = ("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\n"
				+ "Content-Type: text/plain\r\n\r\nhello\r\n--b--\r\n")
			.getBytes(StandardCharsets.UTF_8);
		for (String type : List.of("multipart/form-data; boundary=b", "application/x-www-form-urlencoded")) {
			ApiClient.Response refused = visitor.tryUpload(conversation, "notes.txt", form, type);
			assertThat(refused.status()).as(type).isEqualTo(415);
			assertThat(refused.text("/error")).as(type).isEqualTo("unsupported_media_type");
			assertThat(refused.text("/message")).as(type).contains("not a form");
		}
		ApiClient.Response broken = visitor.tryUpload(conversation, "broken.png",
				java.util.Arrays.copyOf(png(50, 50), 40), "image/png");
		assertThat(broken.status()).isEqualTo(422);
		assertThat(broken.text("/error")).isEqualTo("unreadable_image");
		assertThat(this.jdbc.sql("select count(*) from attachment where conversation_id = :id")
			.param("id", java.util.UUID.fromString(conversation))
			.query(Integer.class)
			.single()).as("nothing kept of a refused file").isZero();
	}

	@Test
	void aPhotosLocationNeverLeavesTheServerUnlessTheSiteKeepsOriginalsForStaff() {
		byte[] photo = withGpsExif(jpeg(80, 60));
		assertThat(contains(photo, "Exif".getBytes(StandardCharsets.US_ASCII))).isTrue();
		Visitor visitor = visitor();
		String conversation = visitor.start();
		JsonNode stripped = visitor.upload(conversation, "where.jpg", photo, "image/jpeg");
		byte[] served = fetch(stripped.path("url").asString()).body();
		assertThat(contains(served, "Exif".getBytes(StandardCharsets.US_ASCII))).as("no EXIF").isFalse();
		assertThat(contains(served, LATITUDE)).as("no latitude").isFalse();
		assertThat(contains(fetch(stripped.path("thumbUrl").asString()).body(), LATITUDE)).isFalse();
		assertThat(stripped.has("originalUrl")).isFalse();

		// A site that keeps originals: staff, and only staff, can have the photo as
		// taken.
		assertThat(this.owner
			.put("/api/v1/sites/" + this.site.id() + "/attachments", ApiClient.json(Map.of("keepOriginals", true)))
			.status()).isEqualTo(200);
		JsonNode kept = visitor.upload(conversation, "where-again.jpg", photo, "image/jpeg");
		visitor.sendFiles(conversation, "v1", null, kept);
		JsonNode listed = this.owner.get("/api/v1/conversations/" + conversation + "/attachments").json();
		String original = listed.get(0).path("originalUrl").asString();
		HttpResponse<byte[]> taken = fetch(original);
		assertThat(taken.body()).isEqualTo(photo);
		assertThat(taken.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment");
		assertThat(taken.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
		assertThat(visitor.api.get("/api/v1/visitor/conversations/" + conversation + "/attachments")
			.json()
			.get(0)
			.has("originalUrl")).isFalse();
		assertThat(this.owner.get("/api/v1/audit?limit=5").body()).contains("site.attachments_changed");
	}

	@Test
	void sizeRateAndCountLimitsAnswerClearErrors() {
		Visitor visitor = visitor();
		String conversation = visitor.start();
		byte[] large = new byte[400 * 1024];
		new Random(7).nextBytes(large);
		ApiClient.Response tooLarge = visitor.tryUpload(conversation, "big.pdf", large, "application/pdf");
		assertThat(tooLarge.status()).isEqualTo(413);
		assertThat(tooLarge.text("/error")).isEqualTo("file_too_large");
		assertThat(tooLarge.text("/message")).contains("300 KB");
		assertThat(visitor.tryUpload(conversation, "empty.txt", new byte[0], "text/plain").text("/error"))
			.isEqualTo("empty_file");
		// Without a Content-Length the limit holds while the body is read.
		ApiClient.Response chunked = visitor.api.postChunked(
				"/api/v1/visitor/conversations/" + conversation + "/attachments?name=big.pdf", large,
				"application/pdf");
		assertThat(chunked.status()).isEqualTo(413);
		assertThat(chunked.text("/error")).isEqualTo("file_too_large");

		assertThat(visitor.socket.next("welcome").path("maxAttachments").asInt())
			.as("the limit of files in a message, as the clients are told")
			.isEqualTo(3);
		List<JsonNode> uploaded = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			uploaded.add(visitor.upload(conversation, "note" + i + ".txt", ("note " + i).getBytes(), "text/plain"));
		}
		visitor.socket.send(Map.of("type", "send", "conversationId", conversation, "clientId", "many", "attachments",
				uploaded.stream().map((file) -> file.path("id").asString()).toList()));
		assertThat(visitor.socket.next("error").path("code").asString()).isEqualTo("too_many_attachments");
		// However many are listed: a list longer than any limit is not even read.
		visitor.socket.send(Map.of("type", "send", "conversationId", conversation, "clientId", "very-many",
				"attachments", Collections.nCopies(101, uploaded.get(0).path("id").asString())));
		assertThat(visitor.socket.next("error").path("code").asString()).isEqualTo("too_many_attachments");

		// 12 an hour: the empty one, the chunked one and the 4 taken count too (the first
		// one too large was refused from its Content-Length, before anything was
		// counted).
		ApiClient.Response last = null;
		int accepted = 0;
		for (int i = 0; i < 8; i++) {
			last = visitor.tryUpload(conversation, "more" + i + ".txt", "more".getBytes(), "text/plain");
			if (last.status() == 201) {
				accepted++;
			}
		}
		assertThat(accepted).isEqualTo(6);
		assertThat(last.status()).isEqualTo(429);
		assertThat(last.text("/error")).isEqualTo("rate_limited");
		assertThat(last.header("Retry-After")).isPresent();

		// 16 an hour for all visitors of the site: the first visitor's 12 count (not
		// their refused 13th), so another visitor has 4 left.
		Visitor other = visitor();
		String theirs = other.start();
		int taken = 0;
		ApiClient.Response refused = null;
		for (int i = 0; i < 6 && refused == null; i++) {
			ApiClient.Response response = other.tryUpload(theirs, "site" + i + ".txt", "x".getBytes(), "text/plain");
			if (response.status() == 201) {
				taken++;
			}
			else {
				refused = response;
			}
		}
		assertThat(taken).isEqualTo(4);
		assertThat(refused.status()).isEqualTo(429);
	}

	@Test
	void nobodyReachesAFileThatIsNotTheirs() throws Exception {
		Visitor alice = visitor();
		String hers = alice.start();
		JsonNode photo = alice.upload(hers, "ring.png", png(20, 20), "image/png");
		Visitor mallory = visitor();
		String his = mallory.start();
		// Not into her conversation, not her upload into his message, not her list.
		assertThat(mallory.tryUpload(hers, "x.txt", "x".getBytes(), "text/plain").status()).isEqualTo(404);
		assertThat(mallory.api.get("/api/v1/visitor/conversations/" + hers + "/attachments").status()).isEqualTo(404);
		mallory.socket.send(Map.of("type", "send", "conversationId", his, "clientId", "steal", "attachments",
				List.of(photo.path("id").asString())));
		assertThat(mallory.socket.next("error").path("code").asString()).isEqualTo("attachment_not_found");
		// An upload taken back is gone; only its uploader can take it back, and only
		// unsent.
		JsonNode second = alice.upload(hers, "ring-2.png", png(20, 20), "image/png");
		String secondPath = "/api/v1/visitor/conversations/" + hers + "/attachments/" + second.path("id").asString();
		assertThat(mallory.api.delete(secondPath).status()).isEqualTo(404);
		assertThat(alice.api.delete(secondPath).status()).isEqualTo(204);
		assertThat(chunks(second.path("id").asString())).isZero();
		assertThat(fetchError(second.path("url").asString())).isEqualTo("404 not_found");
		assertThat(alice.api.delete(secondPath).status()).isEqualTo(404);
		// One upload goes with one message only.
		alice.sendFiles(hers, "a1", "this one", photo);
		alice.socket.send(Map.of("type", "send", "conversationId", hers, "clientId", "a2", "attachments",
				List.of(photo.path("id").asString())));
		assertThat(alice.socket.next("error").path("code").asString()).isEqualTo("attachment_not_found");
		// A resend of the same message is fine (the same sequence comes back).
		alice.socket.send(Map.of("type", "send", "conversationId", hers, "clientId", "a1", "body", "this one",
				"attachments", List.of(photo.path("id").asString())));
		assertThat(alice.socket.next("ack").path("duplicate").asBoolean()).isTrue();
		String sentPath = "/api/v1/visitor/conversations/" + hers + "/attachments/" + photo.path("id").asString();
		assertThat(alice.api.delete(sentPath).status()).as("a sent file stays").isEqualTo(404);

		String url = photo.path("url").asString();
		String id = photo.path("id").asString();
		assertThat(fetch(url).statusCode()).isEqualTo(200);
		// A guessed id, a changed variant, a changed expiry, no signature: all refused.
		assertThat(fetchError(url.replace(id, AttachmentId.random().toString()))).isEqualTo("403 invalid_link");
		assertThat(fetchError(url.replace("/f?", "/o?"))).isEqualTo("403 invalid_link");
		assertThat(fetchError(url.replaceFirst("exp=(\\d+)", "exp=9$1"))).isEqualTo("403 invalid_link");
		assertThat(fetchError(url.substring(0, url.indexOf("&sig=")))).isEqualTo("403 invalid_link");
		assertThat(fetchError(url.replaceFirst("exp=(\\d+)", "exp=soon"))).isEqualTo("403 invalid_link");
		assertThat(fetchError("/files/" + id + "/f")).isEqualTo("403 invalid_link");
		// A link that was good an hour ago (signed as then) no longer is.
		AttachmentLinks then = new AttachmentLinks(this.secrets, this.properties,
				Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC));
		String old = then
			.view(new dev.porchlight.domain.attachment.Attachments.Stored(
					new dev.porchlight.domain.conversation.Attachment(AttachmentId.parse(id), "ring.png", "image/png",
							1, 20, 20),
					this.site.id(), ConversationId.parse(hers), dev.porchlight.domain.conversation.Sender.system(),
					false, null, Instant.now()), false)
			.url();
		assertThat(fetchError(old)).isEqualTo("403 link_expired");
		// Signed now for a file that does not exist: not found.
		String ghost = new AttachmentLinks(this.secrets, this.properties)
			.views(List.of(new dev.porchlight.domain.conversation.Attachment(AttachmentId.random(), "ghost.png",
					"image/png", 1, 1, 1)))
			.get(0)
			.url();
		assertThat(fetchError(ghost)).isEqualTo("404 not_found");
		// A conversation that does not exist has no files to list.
		assertThat(this.owner.get("/api/v1/conversations/" + AttachmentId.random() + "/attachments").status())
			.isEqualTo(404);
	}

	@Test
	void anAgentOfAnotherSiteNeitherUploadsNorListsNorChangesOriginals() {
		Visitor visitor = visitor();
		String conversation = visitor.start();
		JsonNode photo = visitor.upload(conversation, "ring.png", png(20, 20), "image/png");
		visitor.sendFiles(conversation, "v1", null, photo);
		String other = this.owner.post("/api/v1/sites", ApiClient.json(Map.of("name", "Other storefront"))).text("/id");
		String email = "elsewhere" + System.nanoTime() + "@shop.example";
		ApiClient.Response created = this.owner.post("/api/v1/accounts",
				ApiClient.json(Map.of("email", email, "displayName", "Eli", "role", "AGENT", "sites", List.of(other))));
		ApiClient agent = new ApiClient(this.port);
		agent.signIn(email, created.text("/oneTimePassword"));
		assertThat(agent
			.post("/api/v1/me/password", ApiClient.json(Map.of("currentPassword", created.text("/oneTimePassword"),
					"newPassword", "eli's own long password")))
			.status()).isEqualTo(200);
		String inConversation = "/api/v1/conversations/" + conversation + "/attachments";
		assertThat(agent.get(inConversation).status()).isEqualTo(404);
		assertThat(agent.postBytes(inConversation + "?name=x.txt", "x".getBytes(), "text/plain").status())
			.isEqualTo(404);
		assertThat(agent
			.put("/api/v1/sites/" + this.site.id() + "/attachments", ApiClient.json(Map.of("keepOriginals", true)))
			.status()).as("owners only").isEqualTo(403);
		assertThat(this.owner.get(inConversation).json()).hasSize(1);
	}

	@Test
	void anUploadAMessageDoesNotCarryIsGivenBack() {
		Visitor visitor = visitor();
		String conversation = visitor.start();
		JsonNode first = visitor.upload(conversation, "first.txt", "first".getBytes(), "text/plain");
		visitor.sendFiles(conversation, "m1", null, first);
		// A resend of m1 naming another file: m1 is stored already, without it.
		JsonNode second = visitor.upload(conversation, "second.txt", "second".getBytes(), "text/plain");
		visitor.socket.send(Map.of("type", "send", "conversationId", conversation, "clientId", "m1", "attachments",
				List.of(second.path("id").asString())));
		assertThat(visitor.socket.next("ack").path("duplicate").asBoolean()).isTrue();
		String files = "/api/v1/visitor/conversations/" + conversation + "/attachments";
		assertThat(visitor.api.get(files).json()).extracting((file) -> file.path("name").asString())
			.containsExactly("first.txt");
		assertThat(visitor.api.delete(files + "/" + second.path("id").asString()).status())
			.as("given back, so its sender can take it back")
			.isEqualTo(204);
		// A message refused (the visitor's message limit, 20 per window, here an hour):
		// its
		// file is given back.
		JsonNode third = visitor.upload(conversation, "third.txt", "third".getBytes(), "text/plain");
		for (int i = 0; i < 25; i++) {
			visitor.socket
				.send(Map.of("type", "send", "conversationId", conversation, "clientId", "t" + i, "body", "text " + i));
		}
		visitor.socket.send(Map.of("type", "send", "ref", "m2", "conversationId", conversation, "clientId", "m2",
				"attachments", List.of(third.path("id").asString())));
		JsonNode refusal = visitor.socket.next(
				(frame) -> frame.path("type").asString().equals("error") && frame.path("ref").asString().equals("m2"),
				"the refusal of m2");
		assertThat(refusal.path("code").asString()).isEqualTo("rate_limited");
		assertThat(visitor.api.get(files).json()).hasSize(1);
		assertThat(visitor.api.delete(files + "/" + third.path("id").asString()).status()).isEqualTo(204);
	}

	@Test
	void erasingACustomerRemovesTheirFilesFromTheStore() {
		Visitor visitor = visitor();
		assertThat(visitor.api.post("/api/v1/visitor/contact", ApiClient.json(Map.of("email", "erase.me@example.com")))
			.status()).isEqualTo(204);
		String conversation = visitor.start();
		JsonNode photo = visitor.upload(conversation, "me.png", png(40, 40), "image/png");
		visitor.sendFiles(conversation, "v1", "my face", photo);
		String customer = this.owner.get("/api/v1/conversations/" + conversation).text("/conversation/customerId");
		assertThat(chunks(photo.path("id").asString())).as("file and thumbnail stored").isGreaterThanOrEqualTo(2);
		assertThat(this.owner.delete("/api/v1/customers/" + customer).status()).isEqualTo(200);
		assertThat(chunks(photo.path("id").asString())).isZero();
		assertThat(fetchError(photo.path("url").asString())).isEqualTo("404 not_found");
	}

	// ---------------------------------------------------------------------------------

	private static final byte[] LATITUDE = HexFormat.of().parseHex("000000340000000100000031");

	private int chunks(String id) {
		return this.jdbc.sql("select count(*) from attachment_chunk where attachment_id = :id")
			.param("id", java.util.UUID.fromString(id))
			.query(Integer.class)
			.single();
	}

	private static boolean isMessage(JsonNode frame, String clientId) {
		return frame.path("type").asString().equals("event")
				&& frame.path("message").path("clientId").asString().equals(clientId);
	}

	private HttpResponse<byte[]> fetch(String link) {
		assertThat(link).startsWith("/files/");
		return new ApiClient(this.port).download(link);
	}

	private String fetchError(String link) {
		HttpResponse<byte[]> response = new ApiClient(this.port).download(link);
		String body = new String(response.body(), StandardCharsets.UTF_8);
		String code = body.replaceAll("(?s).*\"error\"\\s*:\\s*\"([a-z_]+)\".*", "$1");
		return response.statusCode() + " " + code;
	}

	private LiveTestClient staff() {
		return LiveTestClient.staff(this.port, APP, this.owner.cookie("PORCHLIGHT_SESSION").orElseThrow());
	}

	private Visitor visitor() {
		ApiClient.Response session = new ApiClient(this.port).header("Origin", APP)
			.post("/api/v1/visitor/session", ApiClient.json(Map.of("siteKey", this.site.key().value())));
		String token = session.text("/token");
		Visitor visitor = new Visitor(token, new ApiClient(this.port).header("Authorization", "Bearer " + token),
				LiveTestClient.visitor(this.port, APP, token));
		this.visitors.add(visitor);
		return visitor;
	}

	private static String encode(String name) {
		return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
	}

	/**
	 * A visitor: their token, REST client and socket (closed with the test's server).
	 */
	private record Visitor(String token, ApiClient api, LiveTestClient socket) {

		String start() {
			return this.socket.startConversation();
		}

		ApiClient.Response tryUpload(String conversation, String name, byte[] bytes, String claimedType) {
			return this.api.postBytes(
					"/api/v1/visitor/conversations/" + conversation + "/attachments?name=" + encode(name), bytes,
					claimedType);
		}

		JsonNode upload(String conversation, String name, byte[] bytes, String claimedType) {
			ApiClient.Response response = tryUpload(conversation, name, bytes, claimedType);
			assertThat(response.status()).as(response.body()).isEqualTo(201);
			return response.json();
		}

		void sendFiles(String conversation, String clientId, String body, JsonNode... files) {
			Map<String, Object> frame = new java.util.HashMap<>(
					Map.of("type", "send", "conversationId", conversation, "clientId", clientId, "attachments",
							java.util.Arrays.stream(files).map((file) -> file.path("id").asString()).toList()));
			if (body != null) {
				frame.put("body", body);
			}
			this.socket.send(frame);
			JsonNode answer = this.socket.next((node) -> (node.path("type").asString().equals("ack")
					&& node.path("clientId").asString().equals(clientId))
					|| node.path("type").asString().equals("error"), "the ack of " + clientId);
			assertThat(answer.path("type").asString()).as(answer.toString()).isEqualTo("ack");
		}

	}

	static byte[] png(int width, int height) {
		return image(width, height, "png", BufferedImage.TYPE_INT_ARGB);
	}

	static byte[] jpeg(int width, int height) {
		return image(width, height, "jpg", BufferedImage.TYPE_INT_RGB);
	}

	static byte[] gif(int width, int height) {
		return image(width, height, "gif", BufferedImage.TYPE_INT_RGB);
	}

	private static byte[] image(int width, int height, String format, int type) {
		BufferedImage image = new BufferedImage(width, height, type);
		Graphics2D graphics = image.createGraphics();
		graphics.setColor(new Color(200, 160, 40));
		graphics.fillRect(0, 0, width, height);
		graphics.setColor(Color.DARK_GRAY);
		graphics.fillOval(width / 4, height / 4, width / 2, height / 2);
		graphics.dispose();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			assertThat(ImageIO.write(image, format, out)).isTrue();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return out.toByteArray();
	}

	static byte[] resource(String path) throws IOException {
		try (var in = AttachmentIntegrationTests.class.getResourceAsStream(path)) {
			assertThat(in).as(path).isNotNull();
			return in.readAllBytes();
		}
	}

	static byte[] pdf() {
		return ("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
				+ "trailer<</Root 1 0 R>>\n%%EOF\n")
			.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * A JPEG with an EXIF block that says where it was taken (52°31'…N, as a camera
	 * writes it: IFD0 pointing to a GPS IFD with GPSLatitudeRef and GPSLatitude).
	 */
	static byte[] withGpsExif(byte[] jpeg) {
		ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4 + 2 + 24 + 4 + 24);
		tiff.put(new byte[] { 'M', 'M', 0, 42, 0, 0, 0, 8 });
		tiff.putShort((short) 1).putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(26).putInt(0);
		tiff.putShort((short) 2);
		tiff.putShort((short) 1).putShort((short) 2).putInt(2).put(new byte[] { 'N', 0, 0, 0 });
		tiff.putShort((short) 2).putShort((short) 5).putInt(3).putInt(26 + 2 + 24 + 4);
		tiff.putInt(0);
		tiff.putInt(52).putInt(1).putInt(49).putInt(1).putInt(1234).putInt(100);
		byte[] exif = new byte[6 + tiff.position()];
		System.arraycopy("Exif\0\0".getBytes(StandardCharsets.US_ASCII), 0, exif, 0, 6);
		System.arraycopy(tiff.array(), 0, exif, 6, tiff.position());
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(jpeg, 0, 2);
		out.write(0xFF);
		out.write(0xE1);
		int length = exif.length + 2;
		out.write(length >> 8);
		out.write(length & 0xFF);
		out.write(exif, 0, exif.length);
		out.write(jpeg, 2, jpeg.length - 2);
		return out.toByteArray();
	}

	static boolean contains(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return true;
		}
		return false;
	}

}
