/**
 * WebSocket handshake protection: exact origin checks and authentication for the staff
 * (session) and visitor (token) sockets.
 */
@NullMarked
package dev.porchlight.api.websocket;

import org.jspecify.annotations.NullMarked;
