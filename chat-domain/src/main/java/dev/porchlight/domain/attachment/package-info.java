/**
 * Attachments: the files visitors and staff send with a message, what a message says
 * about each, and the ports that keep their records and their bytes.
 */
@NullMarked
package dev.porchlight.domain.attachment;

import org.jspecify.annotations.NullMarked;
