package dev.porchlight.domain.customer;

/**
 * A contact detail of a customer record that a site can vouch for by signing it in an
 * identity token. A detail is verified only while its value is the one the site signed;
 * anything typed in a form, passed unsigned by a page or entered by staff is not.
 */
public enum ContactDetail {

	NAME, EMAIL

}
