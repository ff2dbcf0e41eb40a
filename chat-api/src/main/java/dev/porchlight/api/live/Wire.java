package dev.porchlight.api.live;

import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of the live protocol: frames in and out, and the events the
 * transcript endpoint shows.
 */
final class Wire {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private Wire() {
	}

	static String write(ServerFrame frame) {
		return JSON.writerFor(ServerFrame.class).writeValueAsString(frame);
	}

}
