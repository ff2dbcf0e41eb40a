/**
 * The audit log of owner and staff actions, and its port. Events carry names and ids,
 * never message bodies or secrets.
 */
@NullMarked
package dev.porchlight.domain.audit;

import org.jspecify.annotations.NullMarked;
