/**
 * Customers: the people behind visitors, with the contact details they gave or the site
 * vouched for. Every conversation of a customer belongs to their record.
 */
@NullMarked
package dev.porchlight.domain.customer;

import org.jspecify.annotations.NullMarked;
