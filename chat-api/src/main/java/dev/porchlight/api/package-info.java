/**
 * The Porchlight server application: one sub-package per feature (accounts, sites,
 * conversations, ...), each holding its web endpoints and application services.
 */
@NullMarked
package dev.porchlight.api;

import org.jspecify.annotations.NullMarked;
