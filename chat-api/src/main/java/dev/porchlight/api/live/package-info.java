/**
 * Live chat over WebSockets: the {@code porchlight.v1} protocol (frames, commands,
 * errors, close codes), the sockets this node holds, and the fan-out of events from any
 * node to them. Everything a conversation is lives in Redis; a node keeps only its
 * sockets.
 */
@NullMarked
package dev.porchlight.api.live;

import org.jspecify.annotations.NullMarked;
