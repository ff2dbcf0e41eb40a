package dev.porchlight.api.live;

import dev.porchlight.api.PorchlightTest;
import dev.porchlight.domain.site.Sites;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The protocol conformance suite against one node.
 */
@PorchlightTest(properties = "porchlight.live.visitor-messages=40")
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
