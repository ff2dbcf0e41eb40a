/**
 * Visitors in the running application: visitor tokens (issue, verify, the bearer filter),
 * continuity credentials, site-vouched identity, and the visitor REST API.
 */
@NullMarked
package dev.porchlight.api.visitor;

import org.jspecify.annotations.NullMarked;
