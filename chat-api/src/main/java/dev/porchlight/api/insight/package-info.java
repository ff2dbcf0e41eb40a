/**
 * Insights for staff: what customers ask for, who they are and how the shop answers, as
 * JSON and CSV (docs/insights.md), and the scheduled count that keeps them.
 */
@NullMarked
package dev.porchlight.api.insight;

import org.jspecify.annotations.NullMarked;
