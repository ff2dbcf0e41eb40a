package dev.porchlight.api.account;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Passwords are encoded by a {@code DelegatingPasswordEncoder}: new hashes use bcrypt
 * (cost 10), and the {@code {id}} prefix of every stored hash lets a later release move
 * to another algorithm without invalidating existing passwords.
 */
@Configuration(proxyBeanMethods = false)
class PasswordConfiguration {

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

}
