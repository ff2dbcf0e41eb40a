/**
 * Value types and checks shared by every feature of the domain: email addresses, random
 * identifiers, free-text limits and the exception that reports a broken rule. Nothing
 * here knows about conversations or accounts.
 */
@NullMarked
package dev.porchlight.domain.common;

import org.jspecify.annotations.NullMarked;
