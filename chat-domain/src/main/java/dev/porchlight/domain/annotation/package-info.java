/**
 * Tags and private notes that staff attach to conversations and customers, and their
 * port.
 */
@NullMarked
package dev.porchlight.domain.annotation;

import org.jspecify.annotations.NullMarked;
