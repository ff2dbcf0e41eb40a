/**
 * Visitors: browsers on the owner's sites, identified by a random id the widget keeps. A
 * visitor may later be linked to a customer.
 */
@NullMarked
package dev.porchlight.domain.visitor;

import org.jspecify.annotations.NullMarked;
