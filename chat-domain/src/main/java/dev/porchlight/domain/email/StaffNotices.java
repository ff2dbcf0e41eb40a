package dev.porchlight.domain.email;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.porchlight.domain.account.AccountId;
import dev.porchlight.domain.conversation.ConversationId;

/**
 * Emails to staff about conversations waiting with nobody online: which waits were told
 * already (so every node may look, and each wait is told once), and who wants to be told.
 */
public interface StaffNotices {

	/**
	 * Records waits as told, unless they were: a conversation is told again only after a
	 * newer visitor message.
	 * @param waiting conversations waiting, with the sequence they wait at
	 * @param at now
	 * @return the conversations this call recorded (to be told by the caller)
	 */
	Set<ConversationId> claim(Map<ConversationId, Long> waiting, Instant at);

	/**
	 * @return the staff member's choice, empty when they made none
	 */
	Optional<Boolean> wantsEmails(AccountId account);

	void setWantsEmails(AccountId account, boolean wants);

}
