/**
 * The search REST API for staff.
 */
@NullMarked
package dev.porchlight.api.search;

import org.jspecify.annotations.NullMarked;
