// A porchlight.v1 connection that stays up: it reconnects with backoff, keeps the
// socket alive with pings, notices a dead one, and reports every state change so the
// UI is never silently stale. Used by the widget frame and the dashboard.
// Protocol: docs/protocol.md.

export const PROTOCOL = 'porchlight.v1';

// Close codes after which reconnecting cannot help (docs/protocol.md, "Close codes").
const FINAL = { 1008: 'protocol', 1009: 'too_large', 4401: 'signed_out' };
const TOKEN_EXPIRED = 4403;

export class Live {

	// options.url: the wss:// address; options.protocols(): a promise of the
	// subprotocol list (called before every attempt, so tokens can be refreshed);
	// options.onFrame(frame); options.onState(state, detail) with state one of
	// 'connecting', 'open', 'waiting' (detail: {retryAt, attempt}), 'stopped' (detail:
	// {reason}); options.onRefused(): a socket closed before its welcome, or with an
	// expired token: credentials should be fetched afresh.
	constructor(options) {
		this.options = options;
		this.socket = null;
		this.attempt = 0;
		this.timer = 0;
		this.pinger = 0;
		this.lastHeard = 0;
		this.running = false;
		// Each start/stop begins a new generation; an attempt still awaiting its
		// credentials from an older one gives up, so two sockets never race.
		this.generation = 0;
		this.pending = false;
		this.refs = new Map();
		this.nextRef = 1;
		this.wake = () => {
			if (this.running && !this.socket) {
				this.connectNow();
			}
		};
	}

	start() {
		if (this.running) {
			return;
		}
		this.running = true;
		addEventListener('online', this.wake);
		document.addEventListener('visibilitychange', this.wake);
		this.connect();
	}

	stop(reason) {
		this.running = false;
		this.generation++;
		this.pending = false;
		removeEventListener('online', this.wake);
		document.removeEventListener('visibilitychange', this.wake);
		clearTimeout(this.timer);
		this.drop(1000);
		this.options.onState('stopped', { reason: reason || 'stopped' });
	}

	get open() {
		return this.socket !== null && this.socket.readyState === WebSocket.OPEN && this.welcomed;
	}

	// Sends a frame if the socket is open; returns whether it went out. Callers keep
	// what must survive a reconnect (unacknowledged messages) and send it again.
	send(frame) {
		if (!this.open) {
			return false;
		}
		this.socket.send(JSON.stringify(frame));
		return true;
	}

	// Sends a frame with a fresh ref and resolves with the answer carrying it (an
	// `error` frame rejects). Rejects at once when not connected, or when the socket
	// closes before the answer came.
	request(frame) {
		return new Promise((resolve, reject) => {
			const ref = 'r' + this.nextRef++;
			if (!this.send({ ...frame, ref })) {
				reject(Object.assign(new Error('offline'), { code: 'offline' }));
				return;
			}
			this.refs.set(ref, { resolve, reject });
		});
	}

	connectNow() {
		clearTimeout(this.timer);
		this.attempt = 0;
		this.connect();
	}

	async connect() {
		if (!this.running || this.socket || this.pending) {
			return;
		}
		const generation = this.generation;
		this.pending = true;
		this.options.onState('connecting', { attempt: this.attempt });
		let protocols;
		try {
			protocols = await this.options.protocols();
		}
		catch (error) {
			if (generation !== this.generation) {
				return;
			}
			this.pending = false;
			if (error && error.final) {
				this.stop(error.code || 'credentials');
				return;
			}
			this.retry();
			return;
		}
		if (generation !== this.generation || !this.running || this.socket) {
			return;
		}
		this.pending = false;
		const socket = new WebSocket(this.options.url, protocols);
		this.socket = socket;
		this.welcomed = false;
		// A socket that opens but never says welcome is as dead as a closed one.
		setTimeout(() => {
			if (this.socket === socket && !this.welcomed) {
				this.drop(4000);
			}
		}, 15000);
		socket.onmessage = (event) => {
			this.lastHeard = Date.now();
			let frame;
			try {
				frame = JSON.parse(event.data);
			}
			catch (ignored) {
				return;
			}
			if (frame.type === 'welcome') {
				this.welcomed = true;
				// The backoff starts over only once a socket has stayed up a while, so a
				// server that closes right after its welcome is not hammered.
				setTimeout(() => {
					if (this.socket === socket) {
						this.attempt = 0;
					}
				}, 10000);
				this.heartbeat(frame.heartbeatMs || 25000);
				this.options.onState('open', {});
			}
			const waiting = frame.ref && this.refs.get(frame.ref);
			if (waiting) {
				this.refs.delete(frame.ref);
				if (frame.type === 'error') {
					waiting.reject(Object.assign(new Error(frame.message), frame));
				}
				else {
					waiting.resolve(frame);
				}
			}
			if (frame.type !== 'pong') {
				this.options.onFrame(frame);
			}
		};
		socket.onclose = (event) => {
			if (this.socket !== socket) {
				return;
			}
			this.socket = null;
			if (!this.welcomed || event.code === TOKEN_EXPIRED) {
				// Refused at the handshake (browsers hide the HTTP status) or expired.
				this.options.onRefused();
			}
			this.failPending();
			clearInterval(this.pinger);
			if (!this.running) {
				return;
			}
			if (FINAL[event.code]) {
				this.stop(FINAL[event.code]);
			}
			else if (event.code === TOKEN_EXPIRED) {
				// The token ran out: a fresh one is a request away, no need to wait.
				this.connect();
			}
			else {
				this.retry();
			}
		};
	}

	// 0.5 s doubling to 30 s, with jitter so a restarted node is not hit by every
	// client at the same instant.
	retry() {
		if (!this.running) {
			return;
		}
		const base = Math.min(30000, 500 * Math.pow(2, this.attempt));
		const delay = Math.round(base * (0.75 + Math.random() * 0.5));
		this.attempt++;
		this.options.onState('waiting', { retryAt: Date.now() + delay, attempt: this.attempt });
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.connect(), delay);
	}

	// Pings often enough for the server's idle timeout, and treats a socket that has
	// been silent for two intervals as dead (a laptop lid, a lost network): closing it
	// starts a reconnect instead of showing a stale conversation.
	heartbeat(interval) {
		clearInterval(this.pinger);
		this.lastHeard = Date.now();
		const every = Math.min(interval, 25000);
		this.pinger = setInterval(() => {
			if (Date.now() - this.lastHeard > every * 2 + 5000) {
				this.drop(4000);
				return;
			}
			this.send({ type: 'ping' });
		}, every);
	}

	drop(code) {
		const socket = this.socket;
		if (!socket) {
			return;
		}
		this.socket = null;
		clearInterval(this.pinger);
		this.failPending();
		try {
			socket.close(code === 1000 ? 1000 : 4000);
		}
		catch (ignored) {
			// already closing
		}
		if (this.running) {
			this.retry();
		}
	}

	failPending() {
		for (const waiting of this.refs.values()) {
			waiting.reject(Object.assign(new Error('offline'), { code: 'offline' }));
		}
		this.refs.clear();
	}

}
