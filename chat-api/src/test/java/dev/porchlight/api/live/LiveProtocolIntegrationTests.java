package dev.porchlight.api.live;

import dev.porchlight.domain.site.Sites;
import dev.porchlight.persistence.testing.UseRealEngines;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The protocol conformance suite against one node.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "porchlight.public-url=https://chat.porchlight.example",
				"porchlight.owner.email=owner@shop.example", "porchlight.owner.password=owner password 123",
				"porchlight.live.visitor-messages=40" })
@UseRealEngines
class LiveProtocolIntegrationTests extends ProtocolConformance {

	@LocalServerPort
	int port;

	@Autowired
	Sites sites;

	@Override
	int port() {
		return this.port;
	}

	@Override
	Sites sites() {
		return this.sites;
	}

}
