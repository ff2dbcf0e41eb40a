package dev.porchlight.api.account;

import java.util.List;

import dev.porchlight.domain.account.Account;
import dev.porchlight.domain.account.Accounts;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Who is on the team, for every staff member (to assign a conversation or show who wrote
 * a note): names only, nothing an agent should not see.
 */
@RestController
class TeamController {

	private final Accounts accounts;

	TeamController(Accounts accounts) {
		this.accounts = accounts;
	}

	@GetMapping("/api/v1/team")
	List<TeamMember> team() {
		return this.accounts.all()
			.stream()
			.filter(Account::enabled)
			.map((account) -> new TeamMember(account.id().toString(), account.displayName()))
			.toList();
	}

	/**
	 * An enabled staff member.
	 *
	 * @param id the account id
	 * @param displayName the shown name
	 */
	record TeamMember(String id, String displayName) {
	}

}
