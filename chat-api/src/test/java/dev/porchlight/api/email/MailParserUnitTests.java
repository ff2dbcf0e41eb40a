package dev.porchlight.api.email;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

class MailParserUnitTests {

	private static final String GMAIL_REPLY = """
			Delivered-To: shop+r-7f3k2@example.com
			Received: by 2002:a05:6a10:1234 with SMTP id abc; Tue, 1 Dec 2026 02:15:00 -0800 (PST)
			Return-Path: <anna.schmidt@gmail.com>
			MIME-Version: 1.0
			References: <welcome-1@porchlight.example>
			 <reply-2@porchlight.example>
			In-Reply-To: <reply-2@porchlight.example>
			From: Anna Schmidt <Anna.Schmidt@gmail.com>
			Date: Tue, 1 Dec 2026 11:15:02 +0100
			Message-ID: <CAF8xK=p2qR+w@mail.gmail.com>
			Subject: Re: Your question about size 42
			To: Shop <shop@example.com>
			Content-Type: multipart/alternative; boundary="000000000000a1b2c3"

			--000000000000a1b2c3
			Content-Type: text/plain; charset="UTF-8"
			Content-Transfer-Encoding: quoted-printable

			Yes, please reserve the blue one in size 42.

			Thanks!
			Anna

			On Tue, 1 Dec 2026 at 10:00, Shop <shop@example.com> wrote:

			> Hi Anna, we have the blue sneakers in size 42 again.
			> Shall we reserve a pair for you?
			>

			--000000000000a1b2c3
			Content-Type: text/html; charset="UTF-8"
			Content-Transfer-Encoding: quoted-printable

			<div dir=3D"ltr">Yes, please reserve the blue one in size 42.<div><br></d=
			iv><div>Thanks!</div><div>Anna</div></div><br><div class=3D"gmail_quote"><d=
			iv dir=3D"ltr" class=3D"gmail_attr">On Tue, 1 Dec 2026 at 10:00, Shop &lt;<=
			a href=3D"mailto:shop@example.com">shop@example.com</a>&gt; wrote:<br></div=
			><blockquote class=3D"gmail_quote" style=3D"margin:0px 0px 0px 0.8ex">Hi An=
			na, we have the blue sneakers in size 42 again.<br>Shall we reserve a pair =
			for you?</blockquote></div>

			--000000000000a1b2c3--
			""";

	private static final String POSTFIX_BOUNCE = """
			Return-Path: <>
			Delivered-To: shop@example.com
			Received: by mail.example.com (Postfix) id 3F1A2; Tue,  1 Dec 2026 10:00:05 +0100 (CET)
			Date: Tue,  1 Dec 2026 10:00:05 +0100 (CET)
			From: MAILER-DAEMON@mail.example.com (Mail Delivery System)
			Subject: Undelivered Mail Returned to Sender
			To: shop@example.com
			Auto-Submitted: auto-replied
			MIME-Version: 1.0
			Content-Type: multipart/report; report-type=delivery-status;
				boundary="3F1A2.1764579605/mail.example.com"
			Content-Transfer-Encoding: 8bit
			Message-Id: <20261201090005.3F1A2@mail.example.com>

			This is a MIME-encapsulated message.

			--3F1A2.1764579605/mail.example.com
			Content-Description: Notification
			Content-Type: text/plain; charset=utf-8
			Content-Transfer-Encoding: 8bit

			This is the mail system at host mail.example.com.

			I'm sorry to have to inform you that your message could not
			be delivered to one or more recipients. It's attached below.

			                   The mail system

			<nobody@customer.example>: host mx.customer.example[203.0.113.5] said: 550
			    5.1.1 <nobody@customer.example>: Recipient address rejected: User unknown
			    (in reply to RCPT TO command)

			--3F1A2.1764579605/mail.example.com
			Content-Description: Delivery report
			Content-Type: message/delivery-status

			Reporting-MTA: dns; mail.example.com
			X-Postfix-Queue-ID: 3F1A2
			X-Postfix-Sender: rfc822; shop@example.com
			Arrival-Date: Tue,  1 Dec 2026 10:00:04 +0100 (CET)

			Final-Recipient: rfc822; Nobody@customer.example
			Original-Recipient: rfc822;nobody@customer.example
			Action: %s
			Status: %s
			Remote-MTA: dns; mx.customer.example
			Diagnostic-Code: smtp; 550 5.1.1 <nobody@customer.example>: Recipient address
			    rejected: User unknown

			--3F1A2.1764579605/mail.example.com
			Content-Description: Undelivered Message Headers
			Content-Type: text/rfc822-headers
			Content-Transfer-Encoding: 8bit

			Return-Path: <shop@example.com>
			Received: by mail.example.com (Postfix, from userid 1000) id 1B2C3; Tue,  1 Dec 2026 10:00:04 +0100
			From: Shop <shop@example.com>
			To: nobody@customer.example
			Subject: Your reply from the shop
			Message-ID: <conv-81f2.msg-17@porchlight.example>
			Date: Tue,  1 Dec 2026 10:00:04 +0100

			--3F1A2.1764579605/mail.example.com--
			""";

	@Test
	void readsAGmailReply() {
		InboundEmail email = parse(GMAIL_REPLY);
		assertThat(email.messageId()).isEqualTo("CAF8xK=p2qR+w@mail.gmail.com");
		assertThat(email.from()).isEqualTo("anna.schmidt@gmail.com");
		assertThat(email.fromName()).isEqualTo("Anna Schmidt");
		assertThat(email.recipients()).containsExactly("shop@example.com", "shop+r-7f3k2@example.com");
		assertThat(email.subject()).isEqualTo("Re: Your question about size 42");
		assertThat(email.inReplyTo()).containsExactly("reply-2@porchlight.example");
		assertThat(email.references()).containsExactly("welcome-1@porchlight.example", "reply-2@porchlight.example");
		assertThat(email.text()).isEqualTo("Yes, please reserve the blue one in size 42.\n\nThanks!\nAnna");
		assertThat(email.attachments()).isEmpty();
		assertThat(email.automatic()).isFalse();
		assertThat(email.bounce()).isNull();
	}

	@Test
	void readsTheHtmlOfAGmailReplyWithoutItsQuote() {
		String htmlOnly = GMAIL_REPLY.replaceFirst("(?s)--000000000000a1b2c3\nContent-Type: text/plain.*?(?=--0000)",
				"");
		assertThat(htmlOnly).doesNotContain("text/plain");
		assertThat(parse(htmlOnly).text()).isEqualTo("Yes, please reserve the blue one in size 42.\n\nThanks!\nAnna");
	}

	@Test
	void readsAnOutlookHtmlReply() {
		InboundEmail email = parse("""
				From: Tom Becker <tom.becker@contoso.com>
				To: "shop@example.com" <shop@example.com>
				Subject: RE: Order 1042
				Thread-Topic: Order 1042
				Date: Tue, 1 Dec 2026 10:30:00 +0000
				Message-ID: <AM0PR01MB1234ABCD@AM0PR01MB1234.eurprd01.prod.exchangelabs.com>
				References: <order-1042@porchlight.example>
				In-Reply-To: <order-1042@porchlight.example>
				X-Auto-Response-Suppress: All
				Content-Type: text/html; charset="us-ascii"
				Content-Transfer-Encoding: quoted-printable
				MIME-Version: 1.0

				<html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=
				=3Dus-ascii"><style type=3D"text/css">p {margin:0}</style></head>
				<body><div class=3D"elementToProof" style=3D"font-family: Aptos">Could you d=
				eliver it on Friday instead?</div>
				<div class=3D"elementToProof">Best regards, Tom</div>
				<div id=3D"appendonsend"></div>
				<hr style=3D"display:inline-block;width:98%" tabindex=3D"-1">
				<div id=3D"divRplyFwdMsg" dir=3D"ltr"><font face=3D"Calibri, sans-serif"><b>F=
				rom:</b> Shop &lt;shop@example.com&gt;<br><b>Sent:</b> Tuesday, December 1, =
				2026 10:00 AM<br><b>To:</b> Tom Becker<br><b>Subject:</b> Order 1042</font>
				<div>&nbsp;</div></div>
				<div>Your order 1042 will be delivered on Thursday.</div>
				</body></html>
				""");
		assertThat(email.text()).isEqualTo("Could you deliver it on Friday instead?\nBest regards, Tom");
		assertThat(email.from()).isEqualTo("tom.becker@contoso.com");
		assertThat(email.inReplyTo()).containsExactly("order-1042@porchlight.example");
		assertThat(email.automatic()).as("X-Auto-Response-Suppress is no signal").isFalse();
	}

	@Test
	void readsAnOutlookPlainTextReply() {
		InboundEmail email = parse("""
				From: Tom Becker <tom.becker@contoso.com>
				To: shop@example.com
				Subject: RE: Order 1042
				Message-ID: <AM0PR01MB5678@eurprd01.prod.exchangelabs.com>
				Content-Type: text/plain; charset="iso-8859-1"
				Content-Transfer-Encoding: quoted-printable
				MIME-Version: 1.0

				Thanks, that works for me.

				Tom

				________________________________
				From: Shop <shop@example.com>
				Sent: Tuesday, December 1, 2026 10:00 AM
				To: Tom Becker <tom.becker@contoso.com>
				Subject: Order 1042

				Your order 1042 will be delivered on Thursday.
				""");
		assertThat(email.text()).isEqualTo("Thanks, that works for me.\n\nTom");
	}

	@Test
	void readsAnAppleMailReply() {
		InboundEmail email = parse(
				"""
						From: Kim Lee <kim@icloud.example>
						Content-Type: multipart/alternative; boundary=Apple-Mail-8B1C2D3E
						Mime-Version: 1.0 (1.0)
						Subject: Re: Table for two
						Date: Tue, 1 Dec 2026 10:05:00 +0100
						References: <table-7@porchlight.example>
						In-Reply-To: <table-7@porchlight.example>
						Message-Id: <9A3F1B2C-1D2E-4F5A-8B9C-0D1E2F3A4B5C@icloud.example>
						To: shop+r-k1@example.com

						--Apple-Mail-8B1C2D3E
						Content-Type: text/plain; charset=us-ascii
						Content-Transfer-Encoding: 7bit

						Sounds good, see you at 5.

						Sent from my iPhone

						> On 1 Dec 2026, at 10:00, Shop <shop@example.com> wrote:
						>\s
						> Your table is ready.

						--Apple-Mail-8B1C2D3E
						Content-Type: text/html; charset=utf-8
						Content-Transfer-Encoding: 7bit

						<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body dir="auto">\
						Sounds good, see you at 5.<br><br><div dir="ltr">Sent from my iPhone</div><div dir="ltr"><br><blockquote \
						type="cite">On 1 Dec 2026, at 10:00, Shop &lt;shop@example.com&gt; wrote:<br><br></blockquote></div>\
						<blockquote type="cite"><div dir="ltr">Your table is ready.</div></blockquote></body></html>
						--Apple-Mail-8B1C2D3E--
						""");
		assertThat(email.text()).isEqualTo("Sounds good, see you at 5.");
		assertThat(email.recipients()).containsExactly("shop+r-k1@example.com");
		assertThat(email.messageId()).isEqualTo("9A3F1B2C-1D2E-4F5A-8B9C-0D1E2F3A4B5C@icloud.example");
	}

	@Test
	void readsAGermanReplyInQuotedPrintableLatin1() {
		InboundEmail email = parse("""
				From: =?iso-8859-1?Q?J=FCrgen_M=FCller?= <Juergen.Mueller@Example.DE>
				To: shop@example.com
				Subject: =?iso-8859-1?Q?AW:_Gr=F6=DFe_der_Jacke?=
				Message-ID: <5f2a9c@example.de>
				Date: Tue, 1 Dec 2026 10:30:00 +0100
				MIME-Version: 1.0
				Content-Type: text/plain; charset=ISO-8859-1
				Content-Transfer-Encoding: quoted-printable

				Hallo,

				die Jacke in Gr=F6=DFe M w=E4re perfekt. K=F6nnen Sie sie bis M=FCnchen =
				liefern?

				Viele Gr=FC=DFe
				J=FCrgen

				Am 01.12.2026 um 10:00 schrieb Shop <shop@example.com>:
				> Welche Gr=F6=DFe h=E4tten Sie gern?
				""");
		assertThat(email.text()).isEqualTo(
				"Hallo,\n\ndie Jacke in Größe M wäre perfekt. Können Sie sie bis München liefern?\n\nViele Grüße\nJürgen");
		assertThat(email.from()).isEqualTo("juergen.mueller@example.de");
		assertThat(email.fromName()).isEqualTo("Jürgen Müller");
		assertThat(email.subject()).isEqualTo("AW: Größe der Jacke");
	}

	@Test
	void readsAFrenchReply() {
		InboundEmail email = parse("""
				From: =?UTF-8?B?w4lsb2RpZSBEdXBvbnQ=?= <elodie@example.fr>
				To: shop@example.com
				Subject: =?UTF-8?Q?Re:_Commande_n=C2=B0_1042?=
				 =?UTF-8?Q?_=E2=80=93_d=C3=A9j=C3=A0_pay=C3=A9e?=
				Message-ID: <a1b2c3@example.fr>
				MIME-Version: 1.0
				Content-Type: text/plain; charset=utf-8
				Content-Transfer-Encoding: 8bit

				Parfait, merci beaucoup !

				Élodie

				Le mar. 1 déc. 2026 à 10:00, Boutique <shop@example.com> a écrit\u00a0:
				> Votre commande est prête.
				""");
		assertThat(email.text()).isEqualTo("Parfait, merci beaucoup !\n\nÉlodie");
		assertThat(email.fromName()).isEqualTo("Élodie Dupont");
		assertThat(email.subject()).isEqualTo("Re: Commande n° 1042 – déjà payée");
	}

	@Test
	void readsAnHtmlOnlyMailWithoutScriptsTrackersOrMarkup() {
		InboundEmail email = parse("""
				From: Lena <lena@example.org>
				To: shop@example.com
				Subject: Lamp
				MIME-Version: 1.0
				Content-Type: text/html; charset=utf-8

				<!DOCTYPE html><html><head><title>Hidden title</title><style>.x{color:red}</style>
				<script>alert('x')</script></head><body><p>Hi, is the <b>red</b> lamp still available?</p>
				<!-- a comment --><p>See <a href="https://shop.example.com/p/lamp?utm=1">this lamp</a>.</p>
				<img src="http://tracker.example.net/open.gif?id=42" width="1" height="1">
				<img src="cid:logo" alt="Logo"><script>document.write('<b>x</b>')</script>
				<p>2 &lt; 3 &amp; caf&eacute;</p></body></html>
				""");
		assertThat(email.text()).isEqualTo("Hi, is the red lamp still available?\n"
				+ "See this lamp (https://shop.example.com/p/lamp?utm=1).\n[image: Logo]\n2 < 3 & café");
		assertThat(email.text()).doesNotContain("tracker", "alert", "Hidden title", "color", "comment", "<b>");
	}

	@Test
	void readsABase64Utf8BodyWithEmoji() {
		InboundEmail email = parse("""
				From: Juergen <juergen@example.de>
				To: shop@example.com
				Subject: Lieferung
				MIME-Version: 1.0
				Content-Type: text/plain; charset=UTF-8
				Content-Transfer-Encoding: base64

				SGFsbG8gQW5uYSwNCg0KZGllIExpZWZlcnVuZyBrYW0gaGV1dGUgYW4g8J+OiSBWaWVsZW4gRGFu
				ayENCg0KR3LDvMOfZQ0KSsO8cmdlbg0K
				""");
		assertThat(email.text())
			.isEqualTo("Hallo Anna,\n\ndie Lieferung kam heute an 🎉 Vielen Dank!\n\nGrüße\nJürgen");
	}

	@Test
	void listsAttachmentsWithoutTakingTheirContent() {
		InboundEmail email = parse("""
				From: Ben <ben@example.net>
				To: shop@example.com
				Subject: Invoice
				MIME-Version: 1.0
				Content-Type: multipart/mixed; boundary="mixed"

				--mixed
				Content-Type: multipart/alternative; boundary="alt"

				--alt
				Content-Type: text/plain; charset=utf-8

				Here is the invoice you asked about.
				--alt
				Content-Type: multipart/related; boundary="rel"

				--rel
				Content-Type: text/html; charset=utf-8

				<p>Here is the <b>invoice</b> you asked about.</p><img src="cid:logo@x">
				--rel
				Content-Type: image/png; name="logo.png"
				Content-ID: <logo@x>
				Content-Disposition: inline; filename="logo.png"
				Content-Transfer-Encoding: base64

				iVBORw0KGgpmYWtlaW1hZ2U=
				--rel--
				--alt--
				--mixed
				Content-Type: application/pdf; name="invoice-1042.pdf"
				Content-Disposition: attachment; filename="invoice-1042.pdf"
				Content-Transfer-Encoding: base64

				JVBERi0xLjQKMSAwIG9iajw8Pj5lbmRvYmoKdHJhaWxlcjw8Pj4KJSVFT0YK
				--mixed
				Content-Type: text/plain; charset=utf-8
				Content-Disposition: attachment; filename*=UTF-8''Notiz%20f%C3%BCr%20..%2FSie.txt

				Ich bin eine Notiz.
				--mixed--
				""");
		assertThat(email.text()).isEqualTo("Here is the invoice you asked about.");
		assertThat(email.attachments()).containsExactly("logo.png", "invoice-1042.pdf", "Sie.txt");
		assertThat(email.text()).doesNotContain("JVBERi", "Notiz", "PNG");
	}

	@Test
	void readsTheHtmlOfARelatedPartWhenThereIsNoPlainText() {
		InboundEmail email = parse("""
				From: Ben <ben@example.net>
				Subject: Photo
				Content-Type: multipart/related; boundary="rel"

				--rel
				Content-Type: text/html; charset=windows-1252
				Content-Transfer-Encoding: quoted-printable

				<p>Price: 20 =80, see photo <img src=3D"cid:p" alt=3D"Photo of the lamp"></p>
				--rel
				Content-Type: image/jpeg
				Content-ID: <p>
				Content-Transfer-Encoding: base64

				/9j/4AAQSkZJRg==
				--rel--
				""");
		assertThat(email.text()).isEqualTo("Price: 20 €, see photo [image: Photo of the lamp]");
		assertThat(email.attachments()).isEmpty();
	}

	@Test
	void readsTheCharsetOfAnHtmlMetaTagWhenTheHeaderHasNone() {
		InboundEmail email = parse("""
				From: a@example.com
				Subject: Price
				Content-Type: text/html
				Content-Transfer-Encoding: quoted-printable

				<html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=
				=3Dwindows-1252"></head><body>Only 20 =80 today</body></html>
				""");
		assertThat(email.text()).isEqualTo("Only 20 € today");
	}

	@Test
	@Timeout(20)
	void readsLargeHostileInputInLinearTime() {
		String mail = "From: MAILER-DAEMON@example.com\nSubject: Undeliverable: x\nTo: <" + "a".repeat(100_000)
				+ "\n\nOn " + " schrieb".repeat(100_000) + "\n" + "\n".repeat(100_000) + "x\n"
				+ "On 1 Dec 2026, Shop wrote:\n> q\n".repeat(20_000) + "Bye\n";
		InboundEmail email = parse(mail);
		assertThat(email.recipients()).isEmpty();
		assertThat(email.text()).startsWith("On  schrieb schrieb").endsWith("\n\n\nx\nBye");
		assertThat(email.bounce()).isEqualTo(new DeliveryReport(null, null, null, null, true));
	}

	@Test
	void readsAPostfixBounce() {
		InboundEmail email = parse(POSTFIX_BOUNCE.formatted("failed", "5.1.1"));
		assertThat(email.bounce())
			.isEqualTo(new DeliveryReport("nobody@customer.example", "conv-81f2.msg-17@porchlight.example", "5.1.1",
					"550 5.1.1 <nobody@customer.example>: Recipient address rejected: User unknown", true));
		assertThat(email.automatic()).isTrue();
		assertThat(email.from()).isEqualTo("mailer-daemon@mail.example.com");
		assertThat(email.messageId()).isEqualTo("20261201090005.3F1A2@mail.example.com");
		assertThat(email.text()).startsWith("This is the mail system at host mail.example.com.")
			.doesNotContain("Reporting-MTA", "conv-81f2");
		assertThat(email.attachments()).isEmpty();
	}

	@Test
	void aFailedDsnWithATemporaryStatusIsNotPermanent() {
		DeliveryReport bounce = parse(POSTFIX_BOUNCE.formatted("failed", "4.2.2 (mailbox full)")).bounce();
		assertThat(bounce).isNotNull();
		assertThat(bounce.status()).isEqualTo("4.2.2");
		assertThat(bounce.permanent()).isFalse();
	}

	@Test
	void aDelayedDsnIsNoBounce() {
		InboundEmail email = parse(POSTFIX_BOUNCE.formatted("delayed", "4.4.1")
			.replace("Subject: Undelivered Mail Returned to Sender", "Subject: Delayed Mail (still being retried)")
			.replace("Auto-Submitted: auto-replied\n", ""));
		assertThat(email.bounce()).isNull();
		assertThat(email.automatic()).as("a delivery report is automatic").isTrue();
		assertThat(parse(POSTFIX_BOUNCE.formatted("delivered", "2.0.0")).bounce()).isNull();
		assertThat(parse(POSTFIX_BOUNCE.formatted("relayed", "2.0.0")).bounce()).isNull();
	}

	@Test
	void readsANonStandardBounce() {
		InboundEmail email = parse("""
				Return-path: <>
				Envelope-to: shop@example.com
				From: Mail Delivery System <Mailer-Daemon@mx.hoster.example>
				To: shop@example.com
				Subject: Mail delivery failed: returning message to sender
				Message-Id: <E1abc-0001@mx.hoster.example>
				Content-Type: text/plain; charset=us-ascii

				This message was created automatically by mail delivery software.

				A message that you sent could not be delivered to one or more of its
				recipients. This is a permanent error. The following address(es) failed:

				  Gone@customer.example
				    host mx.customer.example [198.51.100.7]
				    SMTP error from remote mail server after RCPT TO:<gone@customer.example>:
				    550 5.1.1 User unknown

				------ This is a copy of the message, including all the headers. ------

				Return-path: <shop@example.com>
				From: Shop <shop@example.com>
				To: gone@customer.example
				Subject: Your reply from the shop
				Message-ID: <conv-81f2.msg-18@porchlight.example>

				Hello!
				""");
		assertThat(email.bounce()).isEqualTo(new DeliveryReport("gone@customer.example",
				"conv-81f2.msg-18@porchlight.example", "5.1.1", "550 5.1.1 User unknown", true));
		assertThat(email.automatic()).isTrue();
	}

	@Test
	void aNonStandardBounceOfATemporaryFailureIsNotPermanent() {
		InboundEmail email = parse("""
				Return-path: <>
				From: Mail Delivery System <Mailer-Daemon@mx.hoster.example>
				To: shop@example.com
				Subject: Mail delivery failed: returning message to sender
				Message-Id: <E1abd-0002@mx.hoster.example>
				Content-Type: text/plain; charset=us-ascii

				A message that you sent could not be delivered to one or more of its
				recipients. Retry timeout exceeded. The following address(es) failed:

				  busy@customer.example
				    451 4.4.7 Delivery time expired

				------ This is a copy of the message, including all the headers. ------

				From: Shop <shop@example.com>
				To: busy@customer.example
				Message-ID: <conv-81f2.msg-19@porchlight.example>

				Hello!
				""");
		assertThat(email.bounce()).isNotNull();
		assertThat(email.bounce().status()).isEqualTo("4.4.7");
		assertThat(email.bounce().permanent()).as("the address may work tomorrow").isFalse();
	}

	@Test
	void readsAnExchangeBounceWithTheOriginalAttached() {
		InboundEmail email = parse("""
				From: postmaster@contoso.com
				To: shop@example.com
				Subject: Undeliverable: Your reply from the shop
				Content-Type: multipart/mixed; boundary="ndr"

				--ndr
				Content-Type: text/html; charset=utf-8

				<p>Your message to <b>left@contoso.com</b> couldn't be delivered.</p>
				<p>Remote server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'</p>
				--ndr
				Content-Type: message/rfc822

				From: Shop <shop@example.com>
				To: Left <left@contoso.com>
				Subject: Your reply from the shop
				Message-ID: <conv-9.msg-2@porchlight.example>

				Hello!
				--ndr--
				""");
		assertThat(email.bounce()).isEqualTo(new DeliveryReport("left@contoso.com", "conv-9.msg-2@porchlight.example",
				"5.1.10", "Remote server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'", true));
		assertThat(email.text()).isEqualTo("Your message to left@contoso.com couldn't be delivered.\n"
				+ "Remote server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'");
	}

	@Test
	void aMailerDaemonMailWithAnotherSubjectIsNoBounce() {
		InboundEmail email = parse("""
				From: MAILER-DAEMON@mail.example.com
				To: shop@example.com
				Subject: Warning: could not send message for past 4 hours

				Still trying.
				""");
		assertThat(email.bounce()).isNull();
		assertThat(email.text()).isEqualTo("Still trying.");
	}

	@Test
	void anOutOfOfficeReplyIsAutomatic() {
		InboundEmail email = parse("""
				From: Maria Rossi <maria@example.it>
				To: shop@example.com
				Subject: Automatic reply: Your order
				Auto-Submitted: auto-replied
				X-Auto-Response-Suppress: All
				Content-Type: text/plain; charset=utf-8

				I am out of the office until 7 December.
				""");
		assertThat(email.automatic()).isTrue();
		assertThat(email.bounce()).isNull();
		assertThat(email.text()).isEqualTo("I am out of the office until 7 December.");
	}

	@Test
	void recognisesOtherAutomaticMail() {
		String mail = "From: a@example.com\nTo: shop@example.com\nSubject: Hi\n%s\n\nHello\n";
		assertThat(parse(mail.formatted("Auto-Submitted: auto-generated")).automatic()).isTrue();
		assertThat(parse(mail.formatted("Auto-Submitted: No")).automatic()).isFalse();
		assertThat(parse(mail.formatted("X-Autoreply: yes")).automatic()).isTrue();
		assertThat(parse(mail.formatted("X-Autorespond: Vacation")).automatic()).isTrue();
		assertThat(parse(mail.formatted("Precedence: bulk")).automatic()).isTrue();
		assertThat(parse(mail.formatted("Precedence: JUNK")).automatic()).isTrue();
		assertThat(parse(mail.formatted("Precedence: list")).automatic()).isTrue();
		assertThat(parse(mail.formatted("Precedence: auto_reply")).automatic()).isTrue();
		assertThat(parse(mail.formatted("Precedence: first-class")).automatic()).isFalse();
		assertThat(parse(mail.formatted("X-Auto-Response-Suppress: OOF, AutoReply")).automatic()).isFalse();
	}

	@Test
	void collectsRecipientsIncludingThePlusAddressOfDeliveredTo() {
		InboundEmail email = parse("""
				Delivered-To: Shop+r-abc123@example.com
				X-Original-To: shop+r-abc123@example.com
				Envelope-To: shop+r-abc123@example.com, archive@example.com
				From: Ben <ben@example.net>
				To: Shop <Shop@Example.com>, "Support" <support@example.com>
				Cc: shop@example.com, undisclosed-recipients:;
				Subject: Hello

				Hi!
				""");
		assertThat(email.recipients()).containsExactly("shop@example.com", "support@example.com",
				"shop+r-abc123@example.com", "archive@example.com");
	}

	@Test
	void keepsTheOriginalWhenTheMailIsOnlyAQuote() {
		InboundEmail email = parse("""
				From: Ben <ben@example.net>
				Subject: Re: Hello
				Content-Type: text/plain

				On Tue, 1 Dec 2026 at 10:00, Shop <shop@example.com> wrote:
				> Is there anything else we can help with?
				""");
		assertThat(email.text()).isEqualTo("On Tue, 1 Dec 2026 at 10:00, Shop <shop@example.com> wrote:\n"
				+ "> Is there anything else we can help with?");
	}

	@Test
	void joinsFlowedLines() {
		InboundEmail email = parse("""
				From: Kim <kim@example.org>
				Subject: Re: Hello
				Content-Type: text/plain; charset=UTF-8; format=flowed

				This line is long and was wrapped by the mail program\s
				so it continues here.

				On 01/12/2026 10:00, Shop wrote:
				> Quoted\s
				> text
				""");
		assertThat(email.text())
			.isEqualTo("This line is long and was wrapped by the mail program so it continues here.");
	}

	@Test
	void fallsBackToUtf8ForAMissingOrUnknownCharset() {
		String mail = """
				From: a@example.com
				Subject: Hi
				Content-Type: text/plain; charset=%s

				Gr\u00fc\u00dfe
				""";
		assertThat(parse(mail.formatted("x-no-such-charset")).text()).isEqualTo("Grüße");
		assertThat(parse(mail.formatted("\"\"")).text()).isEqualTo("Grüße");
		assertThat(parse("From: a@example.com\nSubject: Hi\n\nGr\u00fc\u00dfe\n").text()).isEqualTo("Grüße");
	}

	@Test
	void rejectsGarbage() {
		byte[] random = new byte[4096];
		new Random(42).nextBytes(random);
		assertThatIllegalArgumentException().isThrownBy(() -> MailParser.parse(random));
		assertThatIllegalArgumentException().isThrownBy(() -> MailParser.parse(new byte[0]));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MailParser.parse("this is not an email at all".getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void neverThrowsAnythingButIllegalArgumentExceptionOnMalformedMail() {
		List<String> malformed = List.of("From: a@example.com\nContent-Type: multipart/mixed\n\nno boundary at all\n",
				"From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n"
						+ "Content-Transfer-Encoding: base64\n\n!!!not base64@@@=\n",
				"From: a@example.com\nContent-Type: text/plain; charset=\"utf-8\nContent-Transfer-Encoding: x-bogus\n\nHi",
				"From: <<<>>>@@@\nTo: ,,,;;;\nSubject: =?utf-8?B?####?=\nMessage-ID: <<<>>>\n\nHi",
				"From: a@example.com\nContent-Type: ;;;===\nContent-Disposition: ===;\n\nHi",
				"From: a@example.com\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\n\n"
						+ "--r\nContent-Type: message/delivery-status\n\nAction failed\n: :\n\tx\n--r\n"
						+ "Content-Type: message/rfc822\n\n\u0000\u0001\n--r--\n",
				"Subject: " + "=?utf-8?q?a?= ".repeat(5000) + "\n\nx", nested(200));
		for (String mail : malformed) {
			Throwable thrown = catchThrowable(() -> parse(mail));
			assertThat(thrown).as(mail.substring(0, Math.min(80, mail.length())))
				.satisfiesAnyOf((t) -> assertThat(t).isNull(),
						(t) -> assertThat(t).isInstanceOf(IllegalArgumentException.class));
		}
		assertThat(parse(malformed.get(4)).text()).isEqualTo("Hi");
		assertThat(parse(nested(200)).text()).isEmpty();
		assertThat(parse(nested(5)).text()).isEqualTo("deep");
	}

	@Test
	void removesLineBreaksSmuggledIntoHeaders() {
		InboundEmail email = parse("""
				From: =?UTF-8?B?RXZlDQpYLUV2aWw6IDE=?= <eve@example.com>
				To: shop@example.com
				Subject: =?UTF-8?B?SGVsbG8NCkJjYzogZXZpbEBleGFtcGxlLmNvbQ==?=
				Message-ID: <abc@
				 example.com>
				In-Reply-To: <x@example.com> (Eve's message of Tue, 1 Dec 2026)

				Hi
				""");
		assertThat(email.subject()).isEqualTo("Hello Bcc: evil@example.com").doesNotContain("\r", "\n");
		assertThat(email.fromName()).isEqualTo("Eve X-Evil: 1");
		assertThat(email.from()).isEqualTo("eve@example.com");
		assertThat(email.messageId()).isEqualTo("abc@example.com");
		assertThat(email.inReplyTo()).containsExactly("x@example.com");
	}

	@Test
	void dropsAnInvalidSenderAddress() {
		InboundEmail email = parse("From: Nobody <not-an-address>\nSubject: x\n\nHi\n");
		assertThat(email.from()).isNull();
		assertThat(email.fromName()).isNull();
		assertThat(parse("Subject: x\n\nHi\n").from()).isNull();
	}

	@Test
	void parsesAMimeMessageReadByJakartaMail() throws Exception {
		MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
		message.setFrom(new InternetAddress("Kim@Example.org", "Kim Lee"));
		message.setRecipients(RecipientType.TO, "shop+r-xyz@example.com");
		message.setSubject("Re: Hello", "UTF-8");
		message.setHeader("Message-ID", "<kim-1@example.org>");
		message.setHeader("In-Reply-To", "<shop-1@porchlight.example>");
		message.setText("Works for me 👍\n\n-- \nKim Lee", "UTF-8");
		InboundEmail email = MailParser.parse(message);
		assertThat(email).isEqualTo(new InboundEmail("kim-1@example.org", "kim@example.org", "Kim Lee",
				List.of("shop+r-xyz@example.com"), "Re: Hello", List.of("shop-1@porchlight.example"), List.of(),
				"Works for me 👍", List.of(), false, null));
	}

	@Test
	void readsMailThatAProviderParsedAlready() {
		InboundEmail email = MailParser.fromParts("<CAF8@mail.gmail.com>", "\"Anna Schmidt\" <Anna@Example.com>",
				List.of("Shop <shop+r-abc@example.com>", "support@example.com, shop+r-abc@example.com"), "Re: Size 42",
				"<reply-2@porchlight.example>", "<welcome-1@porchlight.example>\r\n <reply-2@porchlight.example>", null,
				"<div>Yes please!</div><div class=\"gmail_quote\">On Tue, 1 Dec 2026, Shop wrote: Size?</div>",
				List.of("photo.jpg", " "), Map.of("delivered-to", "shop+r-def@example.com"));
		assertThat(email).isEqualTo(new InboundEmail("CAF8@mail.gmail.com", "anna@example.com", "Anna Schmidt",
				List.of("shop+r-abc@example.com", "support@example.com", "shop+r-def@example.com"), "Re: Size 42",
				List.of("reply-2@porchlight.example"),
				List.of("welcome-1@porchlight.example", "reply-2@porchlight.example"), "Yes please!",
				List.of("photo.jpg"), false, null));
	}

	@Test
	void prefersTheProvidersTextAndReadsItsHeaders() {
		InboundEmail email = MailParser.fromParts(null, "ben@example.net", List.of(), "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=",
				"a@example.net, b@example.net", null, "Fine.\n\nSent from my iPhone\n\n> Which day?", "<p>ignored</p>",
				List.of(), Map.of("AUTO-SUBMITTED", "auto-replied", "Message-Id", "<m-1@example.net>"));
		assertThat(email.text()).isEqualTo("Fine.");
		assertThat(email.subject()).isEqualTo("Grüße");
		assertThat(email.inReplyTo()).containsExactly("a@example.net", "b@example.net");
		assertThat(email.messageId()).isEqualTo("m-1@example.net");
		assertThat(email.automatic()).isTrue();
		assertThat(email.fromName()).isNull();
	}

	@Test
	void recognisesABounceThatAProviderParsedAlready() {
		InboundEmail email = MailParser.fromParts(null, "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
				List.of("shop@example.com"), "Delivery Status Notification (Failure)", null, null,
				"Your message wasn't delivered to gone@customer.example because the address couldn't be found.\n\n"
						+ "The response was:\n550 5.1.1 The email account that you tried to reach does not exist.\n\n"
						+ "Message-ID: <conv-3.msg-4@porchlight.example>\n",
				null, List.of(), Map.of("X-Failed-Recipients", "gone@customer.example"));
		assertThat(email.bounce())
			.isEqualTo(new DeliveryReport("gone@customer.example", "conv-3.msg-4@porchlight.example", "5.1.1",
					"550 5.1.1 The email account that you tried to reach does not exist.", true));
		assertThat(email.automatic()).isTrue();
	}

	@Test
	void fromPartsOnlyThrowsIllegalArgumentException() {
		Throwable thrown = catchThrowable(
				() -> MailParser.fromParts(null, null, List.of(), null, null, null, null, null, List.of(), Map.of()));
		assertThat(thrown).isNull();
		InboundEmail empty = MailParser.fromParts(null, "<<>>", List.of("nope"), null, "", "  ", "", null, List.of(),
				Map.of());
		assertThat(empty.from()).isNull();
		assertThat(empty.recipients()).isEmpty();
		assertThat(empty.text()).isEmpty();
		assertThat(empty.references()).isEmpty();
	}

	private static String nested(int depth) {
		StringBuilder mail = new StringBuilder("From: a@example.com\nContent-Type: multipart/mixed; boundary=b0\n\n");
		for (int i = 1; i <= depth; i++) {
			mail.append("--b")
				.append(i - 1)
				.append("\nContent-Type: multipart/mixed; boundary=b")
				.append(i)
				.append("\n\n");
		}
		mail.append("--b").append(depth).append("\nContent-Type: text/plain\n\ndeep\n");
		for (int i = depth; i >= 0; i--) {
			mail.append("--b").append(i).append("--\n");
		}
		return mail.toString();
	}

	private static InboundEmail parse(String raw) {
		return MailParser.parse(raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
	}

}
