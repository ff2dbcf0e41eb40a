/**
 * Redis storage of staff sessions: Spring Session's indexed repository, with a listener
 * container for its events that subscribes again after a failed connection.
 */
@NullMarked
package dev.porchlight.persistence.session;

import org.jspecify.annotations.NullMarked;
