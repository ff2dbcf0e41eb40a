package dev.porchlight.api.account;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
	List<Map<String, Object>> team() {
		return this.accounts.all().stream().filter(Account::enabled).map((account) -> {
			Map<String, Object> member = new LinkedHashMap<>();
			member.put("id", account.id().toString());
			member.put("displayName", account.displayName());
			return member;
		}).toList();
	}

}
