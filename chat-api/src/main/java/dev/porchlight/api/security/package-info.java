/**
 * Spring Security for the whole server: the filter chains (visitor tokens, staff
 * sessions), the staff principal and its lookup, CORS for the sites' origins, security
 * headers and the JSON answers to refused requests.
 */
@NullMarked
package dev.porchlight.api.security;

import org.jspecify.annotations.NullMarked;
