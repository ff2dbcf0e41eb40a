package dev.porchlight.api.email;

import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import dev.porchlight.persistence.embedded.EmbeddedMailServer;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.jspecify.annotations.Nullable;

/**
 * What the tests of email continuity do with a real mail server: find what it delivered
 * to an address, read an email's parts, and answer an email as a mail program does.
 */
public final class Mails {

	private Mails() {
	}

	/**
	 * @return every message the server delivered with the address in To, oldest first
	 */
	public static List<MimeMessage> to(EmbeddedMailServer server, String address) {
		return Arrays.stream(server.receivedMessages()).filter((message) -> {
			try {
				return message.getRecipients(Message.RecipientType.TO) != null
						&& Arrays.stream(message.getRecipients(Message.RecipientType.TO))
							.anyMatch((to) -> ((InternetAddress) to).getAddress().equalsIgnoreCase(address));
			}
			catch (MessagingException ex) {
				return false;
			}
		}).toList();
	}

	/**
	 * @return the first {@code text/plain} part, or null
	 */
	public static @Nullable String text(Part email) {
		return part(email, "text/plain");
	}

	/**
	 * @return the first {@code text/html} part, or null
	 */
	public static @Nullable String html(Part email) {
		return part(email, "text/html");
	}

	/**
	 * @return whether the plain text of the email contains the text
	 */
	public static boolean contains(Part email, String text) {
		String plain = text(email);
		return plain != null && plain.contains(text);
	}

	/**
	 * Answers an email as a mail program does: through the server's SMTP port, to its
	 * Reply-To, in reply to its Message-ID.
	 */
	public static void answer(EmbeddedMailServer server, String from, String to, String subject, String inReplyTo,
			String text) throws MessagingException {
		Properties properties = new Properties();
		properties.put("mail.smtp.host", "127.0.0.1");
		properties.put("mail.smtp.port", String.valueOf(server.smtpPort()));
		MimeMessage message = new MimeMessage(Session.getInstance(properties));
		message.setFrom(new InternetAddress(from));
		message.setRecipients(Message.RecipientType.TO, to);
		message.setSubject(subject, "UTF-8");
		message.setHeader("In-Reply-To", inReplyTo);
		message.setText(text, "UTF-8");
		Transport.send(message);
	}

	private static @Nullable String part(Part part, String type) {
		try {
			if (part.isMimeType(type)) {
				return (String) part.getContent();
			}
			if (part.getContent() instanceof Multipart multipart) {
				for (int i = 0; i < multipart.getCount(); i++) {
					String found = part(multipart.getBodyPart(i), type);
					if (found != null) {
						return found;
					}
				}
			}
			return null;
		}
		catch (MessagingException | java.io.IOException ex) {
			throw new IllegalStateException("The email cannot be read", ex);
		}
	}

}
