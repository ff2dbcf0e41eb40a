/**
 * What the embeddable widget needs from the server besides the live protocol: the
 * launcher's appearance for the loader, the chat frame served with a per-site
 * {@code frame-ancestors} policy (so only the site's own pages can embed it), and the
 * demo store with its demo site for a first run.
 */
@NullMarked
package dev.porchlight.api.widget;

import org.jspecify.annotations.NullMarked;
