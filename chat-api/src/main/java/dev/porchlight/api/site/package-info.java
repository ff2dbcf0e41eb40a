/**
 * The owner's sites in the running application: their REST API and the audited changes.
 */
@NullMarked
package dev.porchlight.api.site;

import org.jspecify.annotations.NullMarked;
