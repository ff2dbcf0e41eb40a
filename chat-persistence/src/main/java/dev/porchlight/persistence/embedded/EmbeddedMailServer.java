package dev.porchlight.persistence.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Locale;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * A real SMTP and IMAP server (GreenMail) inside the process, bound to loopback, for the
 * run command: with no {@code spring.mail.host} configured, email continuity works out of
 * the box. The shop's mailbox takes every plus-address of it ({@code shop+r-…@…} is
 * delivered to {@code shop@…}, as ordinary mail providers do); mail to any other address
 * lands in a mailbox of that address (log in with the address as user and password), so
 * what Porchlight sent to a customer can be read, and answered, with any mail client.
 * Mail lives in memory: it is gone when the process stops.
 */
public final class EmbeddedMailServer implements AutoCloseable {

	/** The shop's address when {@code porchlight.email.address} is not set. */
	public static final String DEFAULT_SHOP_ADDRESS = "shop@porchlight.localhost";

	private final GreenMail greenMail;

	private final String shopAddress;

	private final String shopPassword;

	private EmbeddedMailServer(GreenMail greenMail, String shopAddress, String shopPassword) {
		this.greenMail = greenMail;
		this.shopAddress = shopAddress;
		this.shopPassword = shopPassword;
	}

	/**
	 * Starts SMTP and IMAP on free loopback ports, with a mailbox for the shop.
	 * @param shopAddress the shop's address (its mailbox's user name too)
	 * @param shopPassword the shop mailbox's password
	 * @return the running server
	 */
	public static EmbeddedMailServer start(String shopAddress, String shopPassword) {
		return start(shopAddress, shopPassword, freePort(), freePort());
	}

	/**
	 * Starts SMTP and IMAP on the given loopback ports (a test starting a server again
	 * where it was).
	 * @param shopAddress the shop's address (its mailbox's user name too)
	 * @param shopPassword the shop mailbox's password
	 * @param smtpPort the SMTP port
	 * @param imapPort the IMAP port
	 * @return the running server
	 */
	public static EmbeddedMailServer start(String shopAddress, String shopPassword, int smtpPort, int imapPort) {
		String loopback = InetAddress.getLoopbackAddress().getHostAddress();
		GreenMail greenMail = new GreenMail(
				new ServerSetup[] { new ServerSetup(smtpPort, loopback, ServerSetup.PROTOCOL_SMTP),
						new ServerSetup(imapPort, loopback, ServerSetup.PROTOCOL_IMAP) });
		greenMail.setUser(shopAddress, shopAddress, shopPassword);
		UserManager users = greenMail.getUserManager();
		MessageDeliveryHandler standard = users.getMessageDeliveryHandler();
		users.setMessageDeliveryHandler((message, address) -> {
			String email = address.getEmail().toLowerCase(Locale.ROOT);
			int plus = email.indexOf('+');
			int at = email.lastIndexOf('@');
			if (plus > 0 && plus < at) {
				GreenMailUser base = users.getUserByEmail(email.substring(0, plus) + email.substring(at));
				if (base != null) {
					return base;
				}
			}
			return standard.handle(message, address);
		});
		greenMail.start();
		return new EmbeddedMailServer(greenMail, shopAddress, shopPassword);
	}

	public String host() {
		return this.greenMail.getSmtp().getBindTo();
	}

	public int smtpPort() {
		return this.greenMail.getSmtp().getPort();
	}

	public int imapPort() {
		return this.greenMail.getImap().getPort();
	}

	public String shopAddress() {
		return this.shopAddress;
	}

	public String shopPassword() {
		return this.shopPassword;
	}

	/**
	 * Every message delivered to any mailbox of this server, oldest first.
	 * @return the messages
	 */
	public jakarta.mail.internet.MimeMessage[] receivedMessages() {
		return this.greenMail.getReceivedMessages();
	}

	@Override
	public void close() {
		this.greenMail.stop();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free loopback port for the embedded mail server", ex);
		}
	}

}
