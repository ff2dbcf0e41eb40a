/**
 * Owner and staff accounts in the running application: password encoding and the creation
 * of the first owner.
 */
@NullMarked
package dev.porchlight.api.account;

import org.jspecify.annotations.NullMarked;
