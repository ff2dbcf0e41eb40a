/**
 * Customers in the running application: contact capture from visitors, the customer
 * record API, merging and erasure, all audited.
 */
@NullMarked
package dev.porchlight.api.customer;

import org.jspecify.annotations.NullMarked;
