package dev.porchlight.persistence.embedded;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * Connection details of an embedded or test PostgreSQL.
 *
 * @param getJdbcUrl the JDBC URL
 * @param getUsername the user
 * @param getPassword the password
 */
public record EmbeddedJdbcConnectionDetails(String getJdbcUrl, String getUsername,
		String getPassword) implements JdbcConnectionDetails {

	@Override
	public String toString() {
		return "EmbeddedJdbcConnectionDetails[" + this.getJdbcUrl + "]";
	}

}
