/**
 * Replication: the port that confirms this node's writes reached replicas of the live
 * store, so that an acknowledgement can outlive the loss of its primary.
 */
@NullMarked
package dev.porchlight.domain.replication;

import org.jspecify.annotations.NullMarked;
