package dev.porchlight.domain.account;

/**
 * What a signed-in person may do. The owner runs the business and manages staff and
 * sites; an agent answers conversations.
 */
public enum Role {

	OWNER, AGENT;

	public boolean managesStaff() {
		return this == OWNER;
	}

}
