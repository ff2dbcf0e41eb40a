/**
 * The audit log's REST API.
 */
@NullMarked
package dev.porchlight.api.audit;

import org.jspecify.annotations.NullMarked;
