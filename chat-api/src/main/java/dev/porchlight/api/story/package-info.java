/**
 * What staff keep about a story: tags, private notes and exports of conversations and
 * customers.
 */
@NullMarked
package dev.porchlight.api.story;

import org.jspecify.annotations.NullMarked;
