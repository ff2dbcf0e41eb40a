package dev.porchlight.domain.site;

/**
 * How much a site relies on its own server vouching for who a visitor is.
 */
public enum IdentityMode {

	/** Identities sent by the widget are ignored; every visitor is anonymous. */
	OFF,

	/**
	 * A verified identity links the visitor to their customer record; unverified ones are
	 * ignored.
	 */
	OPTIONAL,

	/**
	 * Like {@link #OPTIONAL}, and additionally a visitor who claims an identity without a
	 * valid signature is refused outright, so nobody can reach a verified customer's
	 * history without the site's signature.
	 */
	ENFORCED

}
