/**
 * The owner's web sites: their public widget key, the exact origins where the widget may
 * run, the identity secret and mode for site-vouched customers, widget settings and the
 * language the site's conversations are searched in. Holds the
 * {@link dev.porchlight.domain.site.Sites} port.
 */
@NullMarked
package dev.porchlight.domain.site;

import org.jspecify.annotations.NullMarked;
