/**
 * Insights: what a site's customers ask for, who they are and how the shop answers them,
 * for a period of days, counted from the archive.
 */
@NullMarked
package dev.porchlight.domain.insight;

import org.jspecify.annotations.NullMarked;
