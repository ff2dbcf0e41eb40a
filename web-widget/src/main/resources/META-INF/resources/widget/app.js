// The chat frame: runs on Porchlight's origin inside the host page, talks to the server
// over porchlight.v1 and to the loader (/widget.js) over postMessage. What the visitor
// typed survives reloads (drafts and unsent messages are kept until acknowledged), and
// the connection state is always on screen.
import { Live } from '/shared/live.js';
import { chime } from '/shared/chime.js';
import { clientId, renderBody } from '/shared/text.js';
import { pickLocale, translator } from './i18n.js';
import { NS, TO_FRAME, TO_HOST } from './bridge.js';

const params = new URLSearchParams(location.search);
const SITE = params.get('site');
// The page that embeds this frame. The server sent this frame with
// `frame-ancestors <this origin>`, so no other page can be our parent.
const PARENT = params.get('origin');
const $ = (id) => document.getElementById(id);

// Per-site storage of this frame's origin (partitioned by the host site in browsers
// that partition third-party storage); a blocked storage degrades to memory.
const memory = {};
const store = {
	get(key, fallback) {
		try {
			const value = localStorage.getItem('pl.' + SITE + '.' + key);
			return value === null ? fallback : JSON.parse(value);
		}
		catch (ignored) {
			return key in memory ? memory[key] : fallback;
		}
	},
	set(key, value) {
		memory[key] = value;
		try {
			if (value === null || value === undefined) {
				localStorage.removeItem('pl.' + SITE + '.' + key);
			}
			else {
				localStorage.setItem('pl.' + SITE + '.' + key, JSON.stringify(value));
			}
		}
		catch (ignored) {
			// memory only
		}
	}
};

const state = {
	t: (key) => key,
	locale: 'en',
	page: {},
	site: null,
	token: null,
	tokenUntil: 0,
	identity: null,
	identityAnswer: null,
	conversations: new Map(),
	current: store.get('current', null),
	outbox: store.get('outbox', []),
	contact: store.get('contact', null),
	prechatDone: store.get('prechat', false),
	open: false,
	view: 'chat',
	staffAvailable: true,
	everConnected: false,
	// The socket's phase (shared/live.js): the header says "Online" only while connected.
	phase: 'connecting',
	starting: null,
	maxLength: 4000,
	maxFrameBytes: 16384,
	unread: -1,
	// Bumped when the identity changes: tokens asked for before belong to the old one.
	generation: 0
};

// ---- talking to the loader -------------------------------------------------------

function toHost(type, data) {
	parent.postMessage({ ns: NS, type, ...data }, PARENT);
}

addEventListener('message', (event) => {
	if (event.source !== parent || event.origin !== PARENT || !event.data || event.data.ns !== NS) {
		return;
	}
	const message = event.data;
	switch (message.type) {
		case TO_FRAME.INIT:
			state.page = cleanPage(message.page);
			state.open = message.open === true;
			setLocale(message.locale).then(() => {
				if (!live.running) {
					live.start();
				}
				render();
			});
			break;
		case TO_FRAME.OPEN:
			state.open = true;
			render();
			focusFirst();
			markRead();
			break;
		case TO_FRAME.CLOSE:
			state.open = false;
			break;
		case TO_FRAME.LOCALE:
			setLocale(message.locale).then(render);
			break;
		case TO_FRAME.IDENTIFY:
			identify(message.id, message.identity || {});
			break;
		case TO_FRAME.RESET:
			reset();
			break;
	}
});

function cleanPage(page) {
	const p = page || {};
	const http = (value) => (typeof value === 'string' && /^https?:\/\//i.test(value) ? value.slice(0, 2000) : null);
	return { url: http(p.url), title: typeof p.title === 'string' ? p.title.slice(0, 200) : null, referrer: http(p.referrer) };
}

// ---- credentials -------------------------------------------------------------------

async function fetchToken() {
	const stored = store.get('visitor', null);
	const body = { siteKey: SITE };
	if (stored) {
		body.visitorId = stored.visitorId;
		body.visitorSecret = stored.visitorSecret;
	}
	if (state.identity) {
		body.identity = state.identity;
	}
	let response;
	try {
		response = await fetch('/api/v1/visitor/session', {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(15000)
		});
	}
	catch (networkError) {
		throw { retry: true };
	}
	const answer = await response.json().catch(() => ({}));
	if (response.ok) {
		// The token's lifetime by the server's clock, so a wrong clock here cannot make
		// an expired token look fresh.
		const served = Date.parse(response.headers.get('Date')) || Date.now();
		answer.lifetime = Date.parse(answer.expiresAt) - served;
		return answer;
	}
	if (answer.error === 'visitor_credential_invalid' && stored) {
		store.set('visitor', null);
		return fetchToken();
	}
	if (state.identity && /^(identity_invalid|invalid_identity)/.test(answer.error)) {
		// A signature the site refuses, or an identity it cannot read (e.g. a name of
		// thousands of characters): say so to the host page and carry on anonymously
		// rather than leave the visitor without a chat.
		const error = answer.error || 'identity_invalid';
		state.identity = null;
		sessionSet('identity', null);
		state.identityAnswer = { error };
		toHost(TO_HOST.IDENTIFIED, { id: state.identifyId, error });
		return fetchToken();
	}
	if (response.status === 429 || response.status >= 500) {
		throw { retry: true };
	}
	throw { final: true, code: answer.error || 'refused' };
}

// One token request at a time (two would make two visitors), and none answered with a
// token for an identity that changed while it was under way.
let tokenRequest = null;

async function token() {
	for (;;) {
		if (state.token && Date.now() < state.tokenUntil) {
			return state.token;
		}
		const generation = state.generation;
		if (!tokenRequest || tokenRequest.generation !== generation) {
			const request = { generation };
			request.promise = fetchToken().then((answer) => {
				if (generation === state.generation) {
					useToken(answer);
				}
			}).finally(() => {
				if (tokenRequest === request) {
					tokenRequest = null;
				}
			});
			tokenRequest = request;
		}
		await tokenRequest.promise;
	}
}

function useToken(answer) {
	if (answer.visitorSecret) {
		store.set('visitor', { visitorId: answer.visitorId, visitorSecret: answer.visitorSecret });
	}
	state.token = answer.token;
	// Refreshed a little early (a minute, or a quarter of a short lifetime).
	const lifetime = Number.isFinite(answer.lifetime) && answer.lifetime > 0 ? answer.lifetime : 60000;
	state.tokenUntil = Date.now() + lifetime - Math.min(60000, lifetime / 4);
	state.site = answer.site;
	state.returning = answer.returning;
	if (answer.returning && !state.prechatDone && !state.identity) {
		// They left their email before (even if this browser forgot): not asked again.
		// Not kept for a signed-in customer: the next person here may be someone else.
		state.prechatDone = true;
		store.set('prechat', true);
	}
	scheduleHours();
	if (state.identity) {
		state.identityAnswer = { identity: answer.identity };
		toHost(TO_HOST.IDENTIFIED, { id: state.identifyId, identity: answer.identity });
	}
	applySite();
}

function sessionSet(key, value) {
	try {
		if (value) {
			sessionStorage.setItem('pl.' + SITE + '.' + key, JSON.stringify(value));
		}
		else {
			sessionStorage.removeItem('pl.' + SITE + '.' + key);
		}
	}
	catch (ignored) {
		// memory only
	}
}

function sessionGet(key) {
	try {
		return JSON.parse(sessionStorage.getItem('pl.' + SITE + '.' + key));
	}
	catch (ignored) {
		return null;
	}
}

function identify(id, identity) {
	state.identifyId = id;
	// A token the site's server signed (docs/security.md); id + signature is the legacy
	// form, accepted only where the site still allows it.
	const wanted = {
		token: identity.token ? String(identity.token) : undefined,
		externalId: (identity.externalId || identity.id) ? String(identity.externalId || identity.id) : undefined,
		email: identity.email || undefined,
		name: identity.name || undefined,
		signature: identity.signature || undefined
	};
	if (state.identity && JSON.stringify(state.identity) === JSON.stringify(wanted)) {
		// Already identified (e.g. on an earlier page): answer, or let the token request
		// under way answer.
		if (state.identityAnswer) {
			toHost(TO_HOST.IDENTIFIED, { id, ...state.identityAnswer });
		}
		return;
	}
	// Sent even without a token, so the server answers it as docs/embedding.md says
	// (unverified and anonymous, or refused in enforced mode) and the promise settles.
	state.identity = wanted;
	state.identityAnswer = null;
	sessionSet('identity', state.identity);
	// A new identity may open other conversations: start over with a new token.
	state.token = null;
	state.generation++;
	state.conversations.clear();
	reconnect();
}

function reset() {
	['visitor', 'current', 'outbox', 'contact', 'prechat', 'draft'].forEach((key) => store.set(key, null));
	sessionSet('identity', null);
	Object.assign(state, { identity: null, identityAnswer: null, token: null, current: null, outbox: [],
		contact: null, prechatDone: false, unread: -1, generation: state.generation + 1 });
	state.conversations.clear();
	$('input').value = '';
	if (tray) {
		tray.clear();
	}
	canSend();
	toHost(TO_HOST.ACTIVE, { active: false });
	reconnect();
}

function reconnect() {
	live.stop('restart');
	live.start();
	render();
}

// ---- the live connection --------------------------------------------------------

const live = new Live({
	url: location.origin.replace(/^http/, 'ws') + '/ws/v1/visitor',
	protocols: async () => ['porchlight.v1', 'porchlight.token.' + await token()],
	onState: showConnection,
	onFrame: handle,
	onRefused: () => { state.token = null; }
});

let countdown = 0;

function showConnection(phase, detail) {
	clearInterval(countdown);
	const box = $('connection');
	const text = $('connection-text');
	const retry = $('retry-now');
	retry.hidden = true;
	$('connection-countdown').textContent = '';
	box.dataset.state = phase;
	state.phase = phase;
	renderPresence();
	if (phase === 'open') {
		state.everConnected = true;
		box.hidden = true;
		return;
	}
	if (phase === 'connecting') {
		box.hidden = !state.everConnected && detail.attempt === 0;
		text.textContent = state.t(state.everConnected ? 'reconnecting' : 'connecting');
		return;
	}
	box.hidden = false;
	if (phase === 'waiting') {
		// Announced once; the countdown beside it is for the eyes only.
		text.textContent = state.t('offline');
		const tick = () => {
			const seconds = Math.max(1, Math.ceil((detail.retryAt - Date.now()) / 1000));
			$('connection-countdown').textContent = state.t('retryIn', { n: seconds });
		};
		tick();
		countdown = setInterval(tick, 1000);
		retry.hidden = false;
		return;
	}
	box.hidden = detail.reason === 'restart';
	text.textContent = state.t('stopped');
}

function conversation(id) {
	let c = state.conversations.get(id);
	if (!c) {
		// complete: every entry up to lastSeq is here; otherwise only those after `base`
		// (a conversation followed in the background, for news only).
		c = { id, summary: null, entries: [], seqs: new Set(), lastSeq: 0, readByStaff: 0, readByVisitor: 0,
			followed: false, synced: false, complete: false, base: 0, baseUnread: 0 };
		state.conversations.set(id, c);
	}
	return c;
}

function remember(summary) {
	const c = conversation(summary.id);
	c.summary = summary;
	c.readByStaff = Math.max(c.readByStaff, summary.readByStaff || 0);
	c.readByVisitor = Math.max(c.readByVisitor, summary.readByVisitor || 0);
	return c;
}

// Follows a conversation: in full (the one shown), or for news only (the others), so
// a reply in any of the visitor's conversations reaches them without loading them all.
function follow(c, full) {
	if (full && !c.complete) {
		if (live.send({ type: 'subscribe', ref: 'f:' + c.id, conversationId: c.id, afterSeq: 0 })) {
			c.complete = true;
			c.followed = true;
		}
		return;
	}
	if (c.followed) {
		return;
	}
	if (!c.complete && !c.base) {
		const summary = c.summary || {};
		c.base = summary.lastSeq || 0;
		c.baseUnread = summary.unread || 0;
		c.lastSeq = Math.max(c.lastSeq, c.base);
		c.complete = c.base === 0;
	}
	c.followed = live.send({ type: 'subscribe', ref: 'f:' + c.id, conversationId: c.id, afterSeq: c.lastSeq });
}

function handle(frame) {
	switch (frame.type) {
		case 'welcome': {
			state.staffAvailable = frame.staffAvailable !== false;
			state.maxLength = frame.maxMessageLength || 4000;
			state.maxFrameBytes = frame.maxFrameBytes || 16384;
			state.maxFiles = frame.maxAttachments;
			for (const c of state.conversations.values()) {
				c.followed = false;
				c.synced = false;
			}
			const summaries = frame.conversations || [];
			// What the server does not list any more (erased, or another visitor now) goes.
			const listed = new Set(summaries.map((s) => s.id));
			for (const id of [...state.conversations.keys()]) {
				if (!listed.has(id)) {
					state.conversations.delete(id);
				}
			}
			state.outbox.forEach((m) => {
				if (m.conversationId && !listed.has(m.conversationId)) {
					m.conversationId = null;
				}
			});
			summaries.forEach(remember);
			adoptUnstarted(summaries);
			if (state.current && !state.conversations.has(state.current)) {
				state.current = null;
			}
			if (!state.current && summaries.length && !state.fresh) {
				state.current = summaries[0].id;
			}
			store.set('current', state.current);
			for (const c of [...state.conversations.values()].slice(0, 50)) {
				follow(c, c.id === state.current);
			}
			if (state.page.url) {
				live.send({ type: 'page', url: state.page.url, title: state.page.title });
			}
			toHost(TO_HOST.ACTIVE, { active: summaries.length > 0 });
			flush();
			render();
			break;
		}
		case 'event':
			onEvent(frame);
			break;
		case 'synced': {
			const c = remember(frame.conversation);
			c.synced = true;
			if (c.id === state.current) {
				renderStates();
				markRead();
			}
			reportUnread();
			break;
		}
		case 'ack': {
			const item = state.outbox.find((m) => m.clientId === frame.clientId);
			if (item) {
				state.outbox = state.outbox.filter((m) => m !== item);
				saveOutbox(item.clientId);
				inFlight.delete(item.clientId);
				holds = 0;
				if (probing) {
					probing = false;
					flush();
				}
				// Only the event stream moves the conversation forward (it comes in order);
				// the ack just tells the visitor the message is safe.
				const li = $('messages').querySelector('[data-client="' + CSS.escape(item.clientId) + '"]');
				if (li && !li.dataset.seq) {
					li.dataset.seq = frame.seq;
				}
				renderStates();
			}
			break;
		}
		case 'typing':
			if (frame.side === 'staff' && frame.conversationId === state.current) {
				showTyping(frame.typing ? (frame.name || state.t('someone')) : null);
			}
			break;
		case 'read': {
			const c = conversation(frame.conversationId);
			if (frame.side === 'staff') {
				c.readByStaff = Math.max(c.readByStaff, frame.seq);
				if (c.id === state.current) {
					renderStates();
				}
			}
			else {
				c.readByVisitor = Math.max(c.readByVisitor, frame.seq);
				reportUnread();
			}
			break;
		}
		case 'availability':
			state.staffAvailable = frame.staffAvailable !== false;
			render();
			break;
		case 'conversations':
			(frame.conversations || []).forEach(remember);
			renderHistory();
			break;
		case 'unsubscribed':
			// Unasked (no ref): the conversation is no longer this visitor's to follow
			// (staff linked it to another customer). It goes, as on a welcome without it.
			if (!frame.ref && state.conversations.delete(frame.conversationId)) {
				state.outbox.forEach((m) => {
					if (m.conversationId === frame.conversationId) {
						m.conversationId = null;
					}
				});
				saveOutbox();
				if (state.current === frame.conversationId) {
					state.current = null;
					store.set('current', null);
				}
				renderHistory();
				render();
			}
			break;
		case 'error':
			onError(frame);
			break;
		case 'reconnect':
			// The node is shutting down; the close that follows makes us reconnect.
			break;
	}
}

// A `start` whose answer was lost with the connection still created the conversation:
// take the newest empty one we do not know instead of starting yet another.
function adoptUnstarted(summaries) {
	if (!state.starting && !state.outbox.some((m) => !m.conversationId)) {
		return;
	}
	const empty = summaries.find((s) => s.lastSeq === 0 && s.status === 'open' && s.id !== state.current);
	if (empty && state.current === null) {
		state.current = empty.id;
		state.outbox.forEach((m) => { m.conversationId = m.conversationId || empty.id; });
		saveOutbox();
	}
}

function onEvent(frame) {
	const c = conversation(frame.conversationId);
	if (c.seqs.has(frame.seq)) {
		return;
	}
	const isLive = c.synced && frame.seq > c.lastSeq;
	showMessage(frame.conversationId, frame);
	if (frame.kind === 'message' && frame.by.kind === 'staff') {
		showTyping(null);
		if (isLive) {
			toHost(TO_HOST.MESSAGE, { conversationId: c.id, from: 'staff', at: frame.at });
			if (!state.open || document.hidden) {
				ring();
			}
		}
		markRead();
	}
	else if (frame.kind === 'message' && isLive) {
		toHost(TO_HOST.MESSAGE, { conversationId: c.id, from: 'visitor', at: frame.at });
	}
	if (c.summary) {
		if (frame.kind === 'closed') {
			c.summary.status = 'closed';
		}
		else if (frame.kind === 'reopened') {
			c.summary.status = 'open';
		}
		c.summary.lastSeq = frame.seq;
		c.summary.lastActivityAt = frame.at;
		if (frame.kind === 'message') {
			c.summary.preview = (frame.message.body || (frame.message.attachments || []).map((a) => a.name).join(', '))
				.replace(/\s+/g, ' ').slice(0, 140);
		}
	}
	if (c.id === state.current) {
		renderClosed();
	}
	reportUnread();
}

// Keeps a log entry (once, in order) and shows it if it belongs to the shown
// conversation.
function showMessage(conversationId, entry) {
	const c = conversation(conversationId);
	if (!c.seqs.has(entry.seq)) {
		c.seqs.add(entry.seq);
		c.entries.push(entry);
		c.entries.sort((a, b) => a.seq - b.seq);
	}
	c.lastSeq = Math.max(c.lastSeq, entry.seq);
	if (conversationId === state.current) {
		placeEntry(entry);
	}
}

function onError(frame) {
	const ref = frame.ref || '';
	if (ref.startsWith('f:')) {
		// A subscribe the server could not serve now: follow again a little later.
		const c = state.conversations.get(ref.slice(2));
		if (c && frame.code !== 'not_found') {
			const full = c.id === state.current;
			c.followed = false;
			if (full && c.entries.length === 0) {
				c.complete = false;
			}
			setTimeout(() => follow(c, full), frame.retryAfterMs || 2000);
		}
		return;
	}
	if (ref.startsWith('s:')) {
		const item = state.outbox.find((m) => m.clientId === ref.slice(2));
		if (!item) {
			return;
		}
		refused(frame, [item]);
	}
}

// ---- sending -----------------------------------------------------------------------

// Which socket each unacknowledged message went out on: after a reconnect it goes out
// again on the new one, with the same client id, so the server stores it once.
const inFlight = new Map();

let holdUntil = 0;
let holdTimer = 0;
let holds = 0;
// After a hold one message goes first and the rest follow its ack: a burst refused once is
// not refused again message by message (every refusal counts against the socket, and
// the server closes a socket that collects too many).
let probing = false;

// The server refused a send or a start. When it says "later" (rate limit, storage
// briefly unavailable), every send waits — longer each time, from what the server
// asked up to 30 s — and then goes again with the same client id; otherwise the
// messages are marked failed, with a Retry button.
function refused(error, items) {
	items.forEach((item) => inFlight.delete(item.clientId));
	if (['rate_limited', 'unavailable', 'internal_error'].includes(error.code)) {
		// A burst refused at once is one hold, not one per message (seven refusals of one
		// burst used to add up to the 30 s cap).
		if (Date.now() >= holdUntil) {
			holds++;
		}
		probing = true;
		const wait = Math.min(30000, Math.max(error.retryAfterMs || 1000, 1000 * Math.pow(2, holds - 1)));
		holdUntil = Math.max(holdUntil, Date.now() + wait);
		clearTimeout(holdTimer);
		holdTimer = setTimeout(flush, holdUntil - Date.now());
		return;
	}
	items.forEach((item) => { item.failed = error.code; });
	saveOutbox();
	renderStates();
	$('composer-error').textContent = state.t(error.code === 'invalid_message' || error.code === 'too_large'
		? 'tooLong' : 'error', { n: state.maxLength });
}

// This tab's unsent messages, merged into what other tabs of the same browser keep.
function saveOutbox(done) {
	const mine = new Set(state.outbox.map((m) => m.clientId));
	const others = store.get('outbox', []).filter((m) => !mine.has(m.clientId) && m.clientId !== done);
	store.set('outbox', [...others, ...state.outbox]);
}

async function flush() {
	if (Date.now() < holdUntil) {
		clearTimeout(holdTimer);
		holdTimer = setTimeout(flush, holdUntil - Date.now() + 50);
		return;
	}
	if (!live.open) {
		return;
	}
	for (const item of state.outbox) {
		if (item.failed || inFlight.get(item.clientId) === live.socket) {
			continue;
		}
		if (!item.conversationId) {
			try {
				await startConversation();
			}
			catch (error) {
				if (error.code !== 'offline') {
					refused(error, state.outbox.filter((m) => !m.conversationId));
				}
				return;
			}
			if (inFlight.get(item.clientId) === live.socket) {
				continue;
			}
		}
		if (Date.now() < holdUntil || (probing && [...inFlight.values()].includes(live.socket))) {
			return;
		}
		const frame = { type: 'send', ref: 's:' + item.clientId, conversationId: item.conversationId,
			clientId: item.clientId, body: item.body };
		if (item.attachments) {
			frame.attachments = item.attachments;
		}
		if (new TextEncoder().encode(JSON.stringify(frame)).length > state.maxFrameBytes) {
			refused({ code: 'too_large', message: state.t('tooLong', { n: state.maxLength }) }, [item]);
			continue;
		}
		if (live.send(frame)) {
			inFlight.set(item.clientId, live.socket);
		}
	}
}

function startConversation() {
	if (!state.starting) {
		const context = { ...state.page, locale: state.locale };
		Object.keys(context).forEach((key) => context[key] || delete context[key]);
		state.starting = live.request({ type: 'start', context })
			.catch((error) => (error.code && error.code.startsWith('invalid_')
				? live.request({ type: 'start' }) : Promise.reject(error)))
			.then((answer) => {
				const c = remember(answer.conversation);
				// The server follows it for us from the start: everything from now on is live.
				c.followed = true;
				c.synced = true;
				c.complete = true;
				state.current = c.id;
				state.fresh = false;
				store.set('current', c.id);
				// Every message typed before it existed belongs to it.
				state.outbox.forEach((m) => { m.conversationId = m.conversationId || c.id; });
				saveOutbox();
				toHost(TO_HOST.ACTIVE, { active: true });
				render();
				return c.id;
			})
			.finally(() => { state.starting = null; });
	}
	return state.starting;
}

function submit(text) {
	const body = text.trim();
	if (tray && tray.busy()) {
		$('composer-error').textContent = state.t('stillUploading');
		return false;
	}
	const files = tray ? tray.uploaded() : [];
	if (!body && !files.length) {
		return false;
	}
	if ([...body].length > state.maxLength) {
		$('composer-error').textContent = state.t('tooLong', { n: state.maxLength });
		return false;
	}
	$('composer-error').textContent = '';
	const item = { clientId: clientId(), conversationId: state.current, body, at: new Date().toISOString() };
	if (files.length) {
		// Kept with the message until acknowledged: the ids for resends, the rest to show it.
		item.attachments = files.map((a) => a.id);
		item.files = files.map((a) => ({ id: a.id, name: a.name, type: a.type, size: a.size }));
		tray.clear();
	}
	state.outbox.push(item);
	saveOutbox();
	placePending(item);
	typing(false);
	flush();
	return true;
}

function retry(clientIdToRetry) {
	const item = state.outbox.find((m) => m.clientId === clientIdToRetry);
	if (item) {
		delete item.failed;
		inFlight.delete(item.clientId);
		saveOutbox();
		$('composer-error').textContent = '';
		renderStates();
		flush();
	}
}

// When the showing "typing" went out (0: none shows), and when any typing frame last went
// out: one every 2.5 s at most, also across messages sent quickly one after another, so
// a fast typist stays within the server's typing budget (5 at once, then one a second;
// refusals past it count against the socket, and too many close it).
let typingSent = 0;
let typingLast = 0;
let typingTimer = 0;

function typing(active) {
	clearTimeout(typingTimer);
	if (!state.current) {
		return;
	}
	const preview = state.site && state.site.typingPreview;
	if (active) {
		if (Date.now() - typingLast > 2500) {
			const frame = { type: 'typing', conversationId: state.current, typing: true };
			if (preview) {
				frame.draft = $('input').value.slice(0, 1000);
			}
			live.send(frame);
			typingSent = typingLast = Date.now();
		}
		typingTimer = setTimeout(() => typing(false), 3000);
	}
	else if (typingSent) {
		live.send({ type: 'typing', conversationId: state.current, typing: false });
		typingSent = 0;
		typingLast = Date.now();
	}
}

function markRead() {
	const c = state.current && state.conversations.get(state.current);
	if (!c || !state.open || document.hidden || state.view !== 'chat' || !c.synced || c.lastSeq <= c.readByVisitor) {
		return;
	}
	c.readByVisitor = c.lastSeq;
	live.send({ type: 'read', conversationId: c.id, seq: c.lastSeq });
	reportUnread();
}

function unreadIn(c) {
	if (!c.synced) {
		return c.summary ? c.summary.unread || 0 : 0;
	}
	const since = c.complete ? 0 : c.base;
	const earlier = !c.complete && c.readByVisitor < c.base ? c.baseUnread : 0;
	return earlier + c.entries.filter((e) => e.seq > since && e.seq > c.readByVisitor && e.kind === 'message'
		&& e.by.kind === 'staff').length;
}

function reportUnread() {
	let count = 0;
	for (const c of state.conversations.values()) {
		count += unreadIn(c);
	}
	if (count !== state.unread) {
		state.unread = count;
		toHost(TO_HOST.UNREAD, { count });
	}
}

// One quiet note for a reply while nobody is looking (silent until the visitor has
// interacted with the frame; the badge and the title tell anyway).
const ring = () => chime([880], 0.06, 0.35);

// ---- contact forms -----------------------------------------------------------------

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

async function leaveContact(email, name) {
	const response = await fetch('/api/v1/visitor/contact', {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + await token() },
		body: JSON.stringify({ email, name: name || null })
	});
	if (!response.ok) {
		const answer = await response.json().catch(() => ({}));
		throw new Error(state.t(String(answer.error).includes('email') ? 'badEmail' : 'error'));
	}
	state.contact = email;
	store.set('contact', email);
}

$('prechat').addEventListener('submit', async (event) => {
	event.preventDefault();
	const email = $('prechat-email').value.trim();
	const required = state.site && state.site.preChatForm === 'REQUIRED_EMAIL';
	$('prechat-error').textContent = '';
	if (!email && !required) {
		finishPrechat();
		return;
	}
	if (!EMAIL.test(email)) {
		$('prechat-error').textContent = state.t('badEmail');
		$('prechat-email').setAttribute('aria-invalid', 'true');
		$('prechat-email').focus();
		return;
	}
	try {
		await leaveContact(email, $('prechat-name').value.trim());
		finishPrechat();
	}
	catch (error) {
		$('prechat-error').textContent = error.message;
	}
});

$('prechat-skip').addEventListener('click', finishPrechat);

function finishPrechat() {
	state.prechatDone = true;
	store.set('prechat', true);
	render();
	$('input').focus();
}

$('away-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const email = $('away-email').value.trim();
	$('away-error').textContent = '';
	if (!EMAIL.test(email)) {
		$('away-error').textContent = state.t('badEmail');
		$('away-email').setAttribute('aria-invalid', 'true');
		$('away-email').focus();
		return;
	}
	try {
		await leaveContact(email, null);
		render();
	}
	catch (error) {
		$('away-error').textContent = error.message;
	}
});

// The conversation by email, to the address the visitor left (never one given here).
async function emailTranscript() {
	const out = $('email-me-result');
	out.textContent = '';
	let answer = {};
	try {
		const response = await fetch('/api/v1/visitor/conversations/' + encodeURIComponent(state.current)
			+ '/transcript-email', { method: 'POST', headers: { 'Authorization': 'Bearer ' + await token() } });
		answer = await response.json().catch(() => ({}));
		if (response.ok) {
			out.textContent = state.t('emailSentTo', { name: answer.to });
			return;
		}
	}
	catch (offline) {
		// said below
	}
	// The server's reasons (no_email, email_blocked, …) are texts of their own.
	const text = state.t(answer.error || 'error');
	out.textContent = text === answer.error ? answer.message || state.t('error') : text;
}

// ---- rendering -------------------------------------------------------------------

async function setLocale(requested) {
	// The page's language, then the browser's in its order, as the launcher's labels.
	const locale = pickLocale(requested, ...(navigator.languages || [navigator.language]));
	try {
		state.t = await translator(locale);
		state.locale = locale;
	}
	catch (offline) {
		// Keep the texts we have: the server that just sent this frame is unreachable.
	}
	document.documentElement.lang = state.locale;
	document.querySelectorAll('[data-text]').forEach((el) => { el.textContent = state.t(el.dataset.text); });
	document.querySelectorAll('[data-label]').forEach((el) => el.setAttribute('aria-label', state.t(el.dataset.label)));
	document.querySelectorAll('[data-placeholder]').forEach((el) => { el.placeholder = state.t(el.dataset.placeholder); });
	document.title = state.t('chat');
	if (state.current) {
		renderConversation();
	}
}

function applySite() {
	const site = state.site;
	document.documentElement.style.setProperty('--accent', site.colour);
	document.documentElement.style.setProperty('--on-accent', site.textColour);
	$('site-name').textContent = site.name;
	$('greeting').textContent = site.greeting;
	$('away-text').textContent = site.awayMessage;
	render();
}

function render() {
	if (!state.site) {
		return;
	}
	if ($('widget').hidden) {
		// First drawn (texts and site known): an open chat takes the focus now.
		$('widget').hidden = false;
		if (state.open) {
			setTimeout(focusFirst);
		}
	}
	renderPresence();
	$('chat').hidden = state.view !== 'chat';
	$('history').hidden = state.view !== 'history';
	const needsForm = !state.current && !state.contact && !state.prechatDone && state.site.preChatForm !== 'NONE'
		&& !state.identity;
	const required = state.site.preChatForm === 'REQUIRED_EMAIL';
	$('prechat').hidden = !needsForm;
	$('composer').hidden = needsForm;
	$('prechat-text').textContent = state.t(required ? 'prechatRequired' : 'prechat');
	$('prechat-email-label').textContent = state.t(required ? 'email' : 'emailOptional');
	$('prechat-email').required = required;
	$('prechat-skip').hidden = required;
	$('away').hidden = answering();
	$('away-form').hidden = Boolean(state.contact);
	$('away-thanks').hidden = !state.contact;
	$('away-thanks').textContent = state.contact ? state.t('thanks', { name: state.contact }) : '';
	$('preview-note').hidden = !(state.site.typingPreview && state.current);
	// Replies reach a visitor who left an address (here or before) by email too.
	const mailable = Boolean(state.contact || state.returning);
	$('email-note').hidden = !(mailable || state.current);
	$('email-note-text').hidden = !mailable;
	$('email-me').hidden = !state.current;
	if ($('messages').dataset.conversation !== String(state.current)) {
		renderConversation();
	}
	renderClosed();
	if (state.view === 'history') {
		renderHistory();
	}
}

// Someone may answer: staff are available and the shop is open by its business hours
// (without business hours, availability alone decides; docs/embedding.md).
function answering() {
	return state.staffAvailable && state.site.openNow !== false;
}

function renderPresence() {
	if (!state.site) {
		return;
	}
	const connected = state.phase === 'open';
	let key = 'online';
	if (!connected) {
		key = state.everConnected ? 'offline' : 'connecting';
	}
	else if (state.site.openNow === false) {
		key = 'closedNow';
	}
	else if (!state.staffAvailable) {
		key = 'away';
	}
	$('presence').dataset.available = connected && answering();
	$('presence-text').textContent = state.t(key);
}

// Opening and closing by the business hours happen on time, without asking the server:
// at the change the state flips, and a fresh session answer brings the change after.
let hoursTimer = 0;

function scheduleHours() {
	clearTimeout(hoursTimer);
	const at = Date.parse(state.site.hoursChangeAt);
	// setTimeout waits at most ~24.8 days; a later change is learnt from a later session.
	if (Number.isFinite(at) && at - Date.now() < 2147483647) {
		hoursTimer = setTimeout(() => {
			state.site.openNow = !state.site.openNow;
			state.site.hoursChangeAt = null;
			render();
		}, Math.max(0, at - Date.now()));
	}
}

function renderClosed() {
	const c = state.current && state.conversations.get(state.current);
	$('closed-note').hidden = !(c && c.summary && c.summary.status === 'closed');
}

function renderConversation() {
	const list = $('messages');
	list.textContent = '';
	if (tray && tray.conversationId && tray.conversationId !== state.current) {
		// Uploads belong to their conversation.
		tray.clear();
	}
	list.dataset.conversation = String(state.current);
	$('email-me-result').textContent = '';
	const c = state.current && state.conversations.get(state.current);
	if (c) {
		c.entries.forEach(placeEntry);
	}
	state.outbox.filter((m) => m.conversationId === state.current).forEach(placePending);
	renderStates();
}

function time(at) {
	const el = document.createElement('time');
	el.dateTime = at;
	el.textContent = new Date(at).toLocaleTimeString(state.locale, { hour: '2-digit', minute: '2-digit' });
	return el;
}

function messageItem(from, author, body, at, files) {
	const li = document.createElement('li');
	li.className = 'msg from-' + from;
	const who = document.createElement('span');
	who.className = from === 'visitor' ? 'visually-hidden' : 'author';
	who.textContent = author;
	const text = document.createElement('p');
	text.className = 'body';
	renderBody(text, body);
	// A message may be files alone.
	text.hidden = !body;
	const meta = document.createElement('p');
	meta.className = 'meta';
	meta.append(time(at));
	li.append(who, text, meta);
	showFiles(li, files);
	return li;
}

// Puts an entry in sequence order; a visitor's own message replaces its pending copy.
function placeEntry(entry) {
	const list = $('messages');
	const shown = list.querySelector('[data-seq="' + entry.seq + '"]');
	if (shown) {
		if (entry.kind === 'message') {
			// A message of the visitor's whose ack came first: now with the server's links.
			showFiles(shown, entry.message.attachments);
		}
		return;
	}
	let li;
	if (entry.kind === 'message') {
		const mine = entry.by.kind === 'visitor';
		const pending = mine && list.querySelector('[data-client="' + CSS.escape(entry.message.clientId) + '"]');
		li = pending || messageItem(mine ? 'visitor' : 'staff',
			mine ? state.t('you') : (entry.by.name || state.t('staff')), entry.message.body, entry.at,
			entry.message.attachments);
		if (pending) {
			// Now with the server's links.
			showFiles(li, entry.message.attachments);
		}
		if (mine) {
			li.dataset.client = entry.message.clientId;
		}
	}
	else {
		li = document.createElement('li');
		li.className = 'system';
		li.textContent = state.t(entry.kind === 'closed' ? 'closedEvent' : 'reopenedEvent');
	}
	li.dataset.seq = entry.seq;
	const after = [...list.children].find((el) => !el.dataset.seq || Number(el.dataset.seq) > entry.seq);
	if (after !== li) {
		list.insertBefore(li, after || null);
	}
	renderStates();
	scrollDown();
}

function placePending(item) {
	const list = $('messages');
	if (item.conversationId !== state.current
		|| list.querySelector('[data-client="' + CSS.escape(item.clientId) + '"]')) {
		return;
	}
	const li = messageItem('visitor', state.t('you'), item.body, item.at, item.files);
	li.dataset.client = item.clientId;
	list.append(li);
	renderStates();
	scrollDown();
}

// The state under each of the visitor's messages: sending, sent, read or failed.
function renderStates() {
	const c = state.current && state.conversations.get(state.current);
	const readUpTo = c ? c.readByStaff : 0;
	for (const li of $('messages').querySelectorAll('.from-visitor')) {
		const item = state.outbox.find((m) => m.clientId === li.dataset.client);
		const seq = Number(li.dataset.seq || 0);
		const status = item ? (item.failed ? 'failed' : 'sending') : (seq && seq <= readUpTo ? 'read' : 'sent');
		if (li.dataset.state === status) {
			continue;
		}
		li.dataset.state = status;
		const meta = li.querySelector('.meta');
		meta.querySelectorAll('.state, button').forEach((el) => el.remove());
		const label = document.createElement('span');
		label.className = 'state';
		label.textContent = state.t(status);
		meta.append(' ', label);
		if (status === 'failed') {
			const again = document.createElement('button');
			again.type = 'button';
			again.className = 'link';
			again.textContent = state.t('retry');
			again.addEventListener('click', () => retry(li.dataset.client));
			meta.append(' ', again);
		}
	}
}

let typingHide = 0;

function showTyping(name) {
	clearTimeout(typingHide);
	$('typing').textContent = name ? state.t('typing', { name }) : '';
	if (name) {
		// Never a stuck indicator if the "stopped typing" frame was lost.
		typingHide = setTimeout(() => showTyping(null), 8000);
	}
}

function scrollDown() {
	const scroller = $('scroller');
	scroller.scrollTop = scroller.scrollHeight;
}

function renderHistory() {
	const list = $('conversations');
	list.textContent = '';
	const all = [...state.conversations.values()].filter((c) => c.summary)
		.sort((a, b) => Date.parse(b.summary.lastActivityAt) - Date.parse(a.summary.lastActivityAt));
	$('no-conversations').hidden = all.length > 0;
	for (const c of all) {
		const s = c.summary;
		const item = document.createElement('li');
		const button = document.createElement('button');
		button.type = 'button';
		button.className = 'conversation';
		button.dataset.id = c.id;
		const title = document.createElement('span');
		title.className = 'title';
		title.textContent = state.t('conversationFrom', { name: new Date(s.startedAt).toLocaleDateString(state.locale) })
			+ ' · ' + state.t(s.status === 'open' ? 'open' : 'closedStatus');
		const preview = document.createElement('span');
		preview.className = 'preview';
		preview.textContent = s.preview || '';
		button.append(title, preview);
		const unread = unreadIn(c);
		if (unread > 0) {
			const badge = document.createElement('span');
			badge.className = 'unread';
			badge.textContent = state.t('unread', { n: unread });
			button.append(badge);
		}
		button.addEventListener('click', () => {
			state.current = c.id;
			store.set('current', c.id);
			showView('chat');
			follow(c, true);
		});
		item.append(button);
		list.append(item);
	}
}

function showView(view) {
	state.view = view;
	if (view === 'history') {
		live.send({ type: 'conversations' });
	}
	render();
	if (view === 'history') {
		$('history-title').focus();
	}
	else {
		focusFirst();
		markRead();
	}
}

function focusFirst() {
	const target = !$('prechat').hidden ? $('prechat-email') : $('input');
	target.focus();
}

// ---- files (shared/attachments.js, loaded when first needed) ----------------------

let filesModule = null;
let tray = null;
const loadFiles = () => filesModule || (filesModule = import('/shared/attachments.js'));
// Where the current conversation's files go, with the visitor's token.
const filesUrl = (id) => '/api/v1/visitor/conversations/' + encodeURIComponent(id) + '/attachments';
const fileOptions = () => ({ t: (key, values) => state.t(key, values), locale: () => state.locale,
	host: $('widget'), headers: async () => ({ 'Authorization': 'Bearer ' + await token() }) });

// The files of a message, below its text (links refreshed from the conversation's list
// once expired).
function showFiles(li, files) {
	if (files && files.length) {
		const box = li.querySelector('.files') || document.createElement('div');
		box.className = 'files';
		li.querySelector('.body').after(box);
		const list = filesUrl(state.current);
		loadFiles().then((m) => m.renderFiles(box, files, { ...fileOptions(), list }));
	}
}

// Each file picked, dropped or pasted is uploaded at once into the conversation (started
// first if there is none yet), and sent with the next message.
async function attach(list) {
	const files = [...list];
	if (!files.length || $('composer').hidden || state.view !== 'chat') {
		return;
	}
	const m = await loadFiles();
	tray = tray || m.createTray({ ...fileOptions(), before: $('composer'), onChange: canSend, maxFiles: () => state.maxFiles,
		target: async () => (tray.conversationId = state.current || await startConversation()) && filesUrl(tray.conversationId),
		// An expired token: once more with a new one.
		again: async (status) => status === 401 && !(state.token = null) });
	tray.add(files);
}

// Send works with text or an uploaded file, and waits for uploads under way.
function canSend() {
	const files = tray ? tray.uploaded().length : 0;
	$('send').disabled = !(input.value.trim() || files) || Boolean(tray && tray.busy());
}

// ---- wiring ------------------------------------------------------------------------

function make(tag, id, text) {
	const el = document.createElement(tag);
	el.id = id;
	if (text) {
		el.dataset.text = text;
	}
	return el;
}

// "Replies will also reach you by email." and "Email me this conversation" (render()
// shows what applies), under the composer.
const mailNote = make('p', 'email-note');
const mailMe = make('button', 'email-me', 'emailMe');
const mailResult = make('span', 'email-me-result');
mailNote.className = 'fineprint';
mailMe.type = 'button';
mailMe.className = 'link';
mailMe.addEventListener('click', emailTranscript);
mailResult.setAttribute('role', 'status');
mailNote.append(make('span', 'email-note-text', 'byEmail'), ' ', mailMe, ' ', mailResult);
$('preview-note').before(mailNote);

$('history-title').tabIndex = -1;
$('history-button').addEventListener('click', () => showView(state.view === 'history' ? 'chat' : 'history'));
$('back-button').addEventListener('click', () => showView('chat'));
$('new-conversation').addEventListener('click', () => {
	state.current = null;
	state.fresh = true;
	store.set('current', null);
	showView('chat');
});
$('close-button').addEventListener('click', () => toHost(TO_HOST.CLOSE, {}));
$('retry-now').addEventListener('click', () => live.connectNow());
document.addEventListener('keydown', (event) => {
	if (event.key === 'Escape' && !event.isComposing) {
		toHost(TO_HOST.CLOSE, {});
	}
});
document.addEventListener('visibilitychange', markRead);

const input = $('input');
input.value = store.get('draft', '') || '';
canSend();
input.addEventListener('input', () => {
	canSend();
	store.set('draft', input.value);
	input.style.height = 'auto';
	input.style.height = Math.min(input.scrollHeight, 120) + 'px';
	typing(input.value.trim().length > 0);
});
input.addEventListener('keydown', (event) => {
	if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
		event.preventDefault();
		$('composer').requestSubmit();
	}
});
$('composer').addEventListener('submit', (event) => {
	event.preventDefault();
	if (submit(input.value)) {
		input.value = '';
		input.style.height = 'auto';
		store.set('draft', null);
		canSend();
	}
});
input.addEventListener('paste', (event) => {
	const files = event.clipboardData && event.clipboardData.files;
	if (files && files.length) {
		event.preventDefault();
		attach(files);
	}
});
$('attach').addEventListener('click', () => $('file').click());
$('file').addEventListener('change', () => {
	attach($('file').files);
	$('file').value = '';
});
// Files dropped anywhere in the frame are attached (never opened in place of the chat).
['dragover', 'dragleave', 'drop'].forEach((type) => document.addEventListener(type, (event) => {
	const files = event.dataTransfer && [...event.dataTransfer.types].includes('Files');
	$('chat').classList.toggle('pl-dropping', files && type === 'dragover');
	if (files && type !== 'dragleave') {
		event.preventDefault();
		if (type === 'drop') {
			attach(event.dataTransfer.files);
		}
	}
}));

state.identity = sessionGet('identity');
toHost(TO_HOST.READY, {});
