/**
 * The jar's start class, which checks the Java version before anything else of Porchlight
 * is loaded. Compiled for Java 17, unlike the rest (see chat-api's pom).
 */
@NullMarked
package dev.porchlight.api.launch;

import org.jspecify.annotations.NullMarked;
