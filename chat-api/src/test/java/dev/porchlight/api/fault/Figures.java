package dev.porchlight.api.fault;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What one fault cost, and what went wrong. */
final class Figures {

	final String name;

	long sent;

	long acked;

	long unacked;

	long delivered;

	long lost;

	long duplicated;

	long reconnects;

	long recoveryMillis;

	String note = "";

	final List<String> violations = new ArrayList<>();

	Figures(String name) {
		this.name = name;
	}

	void require(boolean holds, String what, Object... args) {
		if (!holds) {
			this.violations.add(String.format(what, args));
		}
	}

	String row() {
		return String.format("| %s | %d | %d | %d | %d | %d | %d ms | %s |", this.name, this.sent, this.acked,
				this.delivered, this.lost, this.duplicated, this.recoveryMillis, this.note);
	}

	void assertNothingLostOrDoubled() {
		assertThat(this.violations).as("history violations").isEmpty();
		assertThat(this.lost).as("acknowledged messages lost").isZero();
		assertThat(this.duplicated).as("messages duplicated").isZero();
		assertThat(this.unacked).as("messages never acknowledged").isZero();
		assertThat(this.acked).as("messages acknowledged").isGreaterThan(50);
	}

}
