/**
 * Attachments: uploads, their processing, storage and serving.
 */
@NullMarked
package dev.porchlight.api.attachment;

import org.jspecify.annotations.NullMarked;
