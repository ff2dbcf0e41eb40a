/**
 * Broadcasting to all nodes, and its port.
 */
@NullMarked
package dev.porchlight.domain.broadcast;

import org.jspecify.annotations.NullMarked;
