/*! Porchlight chat loader: docs/embedding.md */
(() => {
	const me = document.currentScript;
	const old = window.Porchlight;
	if (!me || (old && old.loaded)) {
		return;
	}
	const ORIGIN = new URL(me.src).origin;
	const SITE = me.dataset.site;
	// Message names as in /widget/bridge.js (a test checks).
	const NS = 'porchlight.widget';
	const KEY = 'porchlight.' + SITE;
	const small = matchMedia('(max-width: 480px)');
	const handlers = { message: [], open: [], close: [], unread: [] };
	const waiting = new Map();
	let locale = me.dataset.locale || document.documentElement.lang || navigator.language;
	let look, launcher, badge, frame, ready, opened, wantOpen, broken;
	let queue = [];
	let unread = 0;
	let calls = 0;

	// Kept across pages: has conversations? was open? Never what was said.
	const keep = (store, key, on) => {
		try {
			return on == null ? window[store].getItem(key) == 1 : on ? window[store].setItem(key, 1) : window[store].removeItem(key);
		}
		catch (e) {}
	};
	const text = (key) => look.labels[key];
	const css = (el, styles) => Object.assign(el.style, styles);
	const emit = (name, data) => handlers[name].forEach((fn) => setTimeout(fn, 0, data));
	const plain = () => document.title.replace(/^\(\d+\) /, '');
	const page = () => ({ url: location.href, title: plain(), referrer: document.referrer });
	const send = (m) => frame.contentWindow.postMessage(m, ORIGIN);
	const post = (type, data) => {
		const m = { ns: NS, type, ...data };
		ready ? send(m) : queue.push(m);
	};
	const make = (tag, attrs, ns) => {
		const el = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
		Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
		return el;
	};
	const SVG = 'http://www.w3.org/2000/svg';
	// No answer will come: what waits for one hears why.
	const fail = (e) => {
		waiting.forEach((call) => call.reject(e));
		waiting.clear();
	};

	function draw() {
		launcher = make('button', { type: 'button', id: 'porchlight-launcher' });
		css(launcher, {
			all: 'initial', position: 'fixed', bottom: '20px', [look.position]: '20px',
			width: '56px', height: '56px', borderRadius: '50%', background: look.colour, color: look.textColour,
			boxShadow: '0 4px 14px rgba(0,0,0,.25)', cursor: 'pointer', zIndex: 2147483000,
			display: 'flex', alignItems: 'center', justifyContent: 'center'
		});
		const icon = make('svg', { viewBox: '0 0 24 24', width: 28, height: 28, 'aria-hidden': true }, SVG);
		icon.append(make('path', { fill: 'currentColor', d: 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 2-2z' }, SVG));
		badge = make('span', {});
		css(badge, {
			all: 'initial', position: 'absolute', top: '-4px', right: '-4px', width: '20px', borderRadius: '10px', background: '#c62828', color: '#fff',
			font: 'bold 12px/20px system-ui,sans-serif', textAlign: 'center', display: 'none'
		});
		launcher.append(icon, badge);
		launcher.onclick = toggle;
		// A focus ring of its own: `all: initial` took the browser's away.
		launcher.onfocus = () => css(launcher, { outline: '3px solid #1565c0', outlineOffset: '2px' });
		launcher.onblur = () => css(launcher, { outline: 'none' });
		document.body.append(launcher);
		show();
	}

	function show() {
		launcher.setAttribute('aria-expanded', !!opened);
		place();
		title();
		launcher.setAttribute('aria-label', text(opened ? 'closeChat' : 'openChat') + (unread ? ' (' + unread + ' ' + text('unreadLabel') + ')' : ''));
		badge.textContent = unread > 9 ? '9+' : unread;
		badge.style.display = unread ? 'block' : 'none';
		if (frame) {
			frame.title = text('chat');
		}
	}

	// The frame comes on first open, or at once if there are conversations (for the badge).
	function ensureFrame() {
		if (frame || !launcher) {
			return;
		}
		frame = make('iframe', { id: 'porchlight-frame', src: ORIGIN + '/widget/frame?site=' + encodeURIComponent(SITE) + '&origin=' + encodeURIComponent(location.origin) });
		css(frame, { all: 'initial', position: 'fixed', zIndex: 2147483001, border: 0, background: '#fff', display: 'none' });
		show();
		document.body.append(frame);
	}

	function place() {
		if (frame) {
			css(frame, small.matches
				? { inset: 0, width: '100%', height: '100%', borderRadius: 0, boxShadow: 'none' }
				: { inset: 'auto', bottom: '88px', [look.position]: '20px', width: '370px',
					height: 'min(620px, calc(100vh - 108px))', borderRadius: '12px', boxShadow: '0 8px 30px rgba(0,0,0,.25)' });
		}
		launcher.style.display = small.matches && opened ? 'none' : 'flex';
	}

	function open() {
		if (!launcher) {
			wantOpen = true;
			return;
		}
		ensureFrame();
		opened = true;
		keep('sessionStorage', KEY + '.open', 1);
		frame.style.display = 'block';
		post('open');
		show();
		frame.focus();
		emit('open');
	}

	function close() {
		if (!opened) {
			return;
		}
		const inside = document.activeElement === frame;
		opened = false;
		keep('sessionStorage', KEY + '.open', 0);
		frame.style.display = 'none';
		post('close');
		show();
		if (inside) {
			launcher.focus();
		}
		emit('close');
	}

	const toggle = () => (opened ? close() : open());

	// "(2) Shop" while replies wait unseen.
	function title() {
		document.title = (unread && (document.hidden || !opened) ? '(' + unread + ') ' : '') + plain();
	}

	function onMessage(event) {
		const d = event.data;
		if (!frame || event.source !== frame.contentWindow || event.origin !== ORIGIN || !d || d.ns !== NS) {
			return;
		}
		const t = d.type;
		if (t == 'ready') {
			ready = 1;
			send({ ns: NS, type: 'init', locale, page: page(), open: !!opened });
			queue.forEach(send);
			queue = [];
		}
		t == 'close' && close();
		if (t == 'unread') {
			unread = d.count | 0;
			show();
			emit(t, unread);
		}
		t == 'message' && emit(t, { conversationId: d.conversationId, from: d.from, at: d.at });
		t == 'active' && keep('localStorage', KEY, d.active);
		const call = t == 'identified' && waiting.get(d.id);
		if (call) {
			waiting.delete(d.id);
			d.error ? call.reject(new Error(d.error)) : call.resolve({ identity: d.identity });
		}
	}

	// Porchlight.open() or Porchlight('open').
	const api = (name, ...args) => api[name](...args);
	Object.assign(api, {
		loaded: true,
		open,
		close,
		toggle,
		// Every call settles: with the frame's answer, or at once when there is no widget.
		identify: (who = {}) => new Promise((resolve, reject) => {
			if (broken || !api.loaded) {
				return reject(broken || new Error('shut_down'));
			}
			const id = 'i' + ++calls;
			waiting.set(id, { resolve, reject });
			post('identify', { id, identity: JSON.parse(JSON.stringify(who)) });
			ensureFrame();
		}),
		setLocale(tag) {
			locale = tag;
			post('locale', { locale });
			load().then(() => launcher && show());
		},
		on(name, fn) {
			if (!Object.hasOwn(handlers, name)) {
				throw new Error('Porchlight.on: no event ' + name);
			}
			handlers[name].push(fn);
			return api;
		},
		off(name, fn) {
			const list = handlers[name] || [];
			list.includes(fn) && list.splice(list.indexOf(fn), 1);
			return api;
		},
		// Everything kept for this visitor, here and in the frame (made for it if needed).
		reset() {
			keep('localStorage', KEY, 0);
			keep('sessionStorage', KEY + '.open', 0);
			post('reset');
			ensureFrame();
		},
		shutdown() {
			close();
			fail(new Error('shut_down'));
			launcher && launcher.remove();
			frame && frame.remove();
			frame = launcher = ready = null;
			unread = 0;
			title();
			removeEventListener('message', onMessage);
			api.loaded = false;
		}
	});

	window.Porchlight = api;
	addEventListener('message', onMessage);
	document.addEventListener('visibilitychange', title);
	small.addEventListener('change', () => launcher && place());

	// Colour, corner and labels in the page's language.
	const load = () => fetch(ORIGIN + '/api/v1/visitor/widget/' + encodeURIComponent(SITE) + '?locale=' + encodeURIComponent(locale), { credentials: 'omit' })
		.then((r) => r.json().then((body) => (r.ok ? (look = body) : Promise.reject(new Error(body.message)))));
	load()
		.then(() => {
			const start = () => {
				draw();
				if (keep('localStorage', KEY) || queue.length) {
					ensureFrame();
				}
				// The "continue in the chat" link of a reply email ends in #porchlight-chat.
				if (wantOpen || keep('sessionStorage', KEY + '.open') || location.hash == '#porchlight-chat') {
					open();
				}
			};
			document.body ? start() : addEventListener('DOMContentLoaded', start);
		})
		.catch((e) => {
			fail(broken = e);
			console.warn('Porchlight chat not shown: ' + e.message);
		});

	// Calls queued by the stub before this script loaded (docs/embedding.md).
	// One that throws (a misspelt event) does not stop the ones after it.
	((old && old.q) || []).forEach((args) => {
		try {
			api(...args);
		}
		catch (e) {
			console.error(e);
		}
	});
})();
