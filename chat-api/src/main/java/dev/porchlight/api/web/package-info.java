/**
 * What every web endpoint shares: the error body and its mapping, the one answer to a
 * request too malformed to reach a controller (from Tomcat, the first filter or the
 * firewall), the client address, and the server's own settings.
 */
@NullMarked
package dev.porchlight.api.web;

import org.jspecify.annotations.NullMarked;
