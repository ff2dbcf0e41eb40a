/**
 * Owner and staff accounts: who may sign in to the dashboard and with which role. Holds
 * the account record and the {@link dev.porchlight.domain.account.Accounts} port;
 * password hashing lives outside the domain.
 */
@NullMarked
package dev.porchlight.domain.account;

import org.jspecify.annotations.NullMarked;
