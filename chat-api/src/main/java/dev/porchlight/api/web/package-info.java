/**
 * What every web endpoint shares: the error body and its mapping, the client address, and
 * the server's own settings.
 */
@NullMarked
package dev.porchlight.api.web;

import org.jspecify.annotations.NullMarked;
