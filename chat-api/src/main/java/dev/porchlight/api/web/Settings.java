package dev.porchlight.api.web;

import java.time.Duration;

/**
 * Checks of settings as they are bound. A value that would leave a node running but doing
 * nothing (an archive that never archives, a loop that never waits, tokens that are born
 * expired) stops start-up instead, naming the property: Spring Boot reports it as a short
 * description and an action, not a stack trace.
 */
public final class Settings {

	private Settings() {
	}

	/**
	 * Refuses a duration that is zero or negative.
	 * @param name the property, as written in configuration
	 * @param value its value
	 */
	public static void positive(String name, Duration value) {
		if (value.isZero() || value.isNegative()) {
			throw new IllegalArgumentException(name + " must be longer than zero (it is " + value + ")");
		}
	}

	/**
	 * Refuses a duration that is negative.
	 * @param name the property, as written in configuration
	 * @param value its value
	 */
	public static void notNegative(String name, Duration value) {
		if (value.isNegative()) {
			throw new IllegalArgumentException(name + " must not be negative (it is " + value + ")");
		}
	}

	/**
	 * Refuses a number below a least value.
	 * @param name the property, as written in configuration
	 * @param value its value
	 * @param least the least value that works
	 */
	public static void atLeast(String name, long value, long least) {
		if (value < least) {
			throw new IllegalArgumentException(name + " must be at least " + least + " (it is " + value + ")");
		}
	}

}
