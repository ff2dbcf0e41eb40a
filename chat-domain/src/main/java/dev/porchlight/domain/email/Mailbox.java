package dev.porchlight.domain.email;

import java.util.Objects;

/**
 * An IMAP mailbox Porchlight reads mail for the shop from.
 *
 * @param host the IMAP server
 * @param port its port
 * @param ssl whether to connect with TLS from the start (IMAPS)
 * @param username the mailbox's user
 * @param password its password
 * @param folder the folder new mail arrives in
 * @param embedded whether it is the run command's own local mail server
 */
public record Mailbox(String host, int port, boolean ssl, String username, String password, String folder,
		boolean embedded) {

	public Mailbox {
		Objects.requireNonNull(host, "host");
		Objects.requireNonNull(username, "username");
		Objects.requireNonNull(password, "password");
		Objects.requireNonNull(folder, "folder");
	}

	@Override
	public String toString() {
		// Never the password, nor the user: it is usually the shop's address, and no
		// address is logged.
		return "Mailbox[" + this.host + ":" + this.port + "/" + this.folder + "]";
	}

}
