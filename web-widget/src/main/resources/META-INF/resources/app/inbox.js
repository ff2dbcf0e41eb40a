// The live inbox: one staff socket (shared/live.js) feeds the list of conversations,
// the open conversation view, typing indicators and notifications. After a dropped
// connection it reconnects by itself and the `welcome` replaces the whole list, so
// nothing that happened meanwhile is missed; the open view resumes from its last
// sequence.
import { Live } from '/shared/live.js';
import { chime } from '/shared/chime.js';
import { get } from './api.js';
import { $, h, clear, time } from './dom.js';
import { t } from './texts.js';

const TABS = ['waiting', 'open', 'closed'];

export class Inbox {

	constructor(app, options) {
		this.app = app;
		this.options = options;
		this.conversations = new Map();
		this.typing = new Map();
		this.visitors = new Map();
		this.names = new Map();
		this.listeners = new Set();
		// Replies not yet acknowledged, by client id: resent after every reconnect (the
		// server stores each once), kept when the owner moves to another page and across
		// a new sign-in (they belong to the app, not to this connection).
		this.pending = app.pending;
		this.maxLength = 4000;
		this.maxFrameBytes = 16384;
		this.tab = 'waiting';
		this.site = '';
		this.assignee = '';
		this.tagged = null;
		this.selected = null;
		// Muting is per staff member (and per browser).
		this.muteKey = 'pl.dashboard.muted.' + app.me.id;
		this.muted = localStorage.getItem(this.muteKey) === '1';
		this.live = new Live({
			url: location.origin.replace(/^http/, 'ws') + '/ws/v1/staff',
			protocols: async () => ['porchlight.v1'],
			onFrame: (frame) => this.handle(frame),
			onState: (state, detail) => this.showState(state, detail),
			// Refused before the welcome: maybe the session ended while the laptop slept.
			onRefused: () => this.checkSession()
		});
		this.drawControls();
	}

	start() {
		this.live.start();
	}

	stop() {
		this.live.stop('signed out');
	}

	// A conversation view listens to frames while it is shown.
	listen(listener) {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	// Still signed in? (A password change on this device ends the old session and its
	// socket, but the page has a new one.) Otherwise back to the sign-in form.
	checkSession() {
		get('/api/v1/session').then((session) => {
			if (!session.signedIn) {
				this.options.onSignedOut();
			}
			else if (!this.live.running) {
				this.live.start();
			}
		}, () => {});
	}

	// `files`: the uploaded attachments the reply carries (ids sent, the rest shown).
	sendReply(conversationId, clientId, body, files) {
		this.pending.set(clientId, { conversationId, body, files: files || [] });
		this.flushReply(clientId);
	}

	// Sends a failed reply again (the owner pressed Retry).
	retryReply(clientId) {
		const reply = this.pending.get(clientId);
		if (reply) {
			delete reply.failed;
			reply.attempts = 0;
			this.flushReply(clientId);
		}
	}

	flushReply(clientId) {
		const reply = this.pending.get(clientId);
		if (reply && !reply.acked && !reply.failed) {
			const frame = { type: 'send', ref: 'r:' + clientId, conversationId: reply.conversationId, clientId,
				body: reply.body };
			if (reply.files && reply.files.length) {
				frame.attachments = reply.files.map((file) => file.id);
			}
			this.live.send(frame);
		}
	}

	handle(frame) {
		if (frame.type === 'ack' && this.pending.has(frame.clientId)) {
			this.pending.get(frame.clientId).acked = true;
			setTimeout(() => this.pending.delete(frame.clientId), 10000);
		}
		else if (frame.type === 'error' && String(frame.ref).startsWith('r:') && this.pending.has(frame.ref.slice(2))) {
			const clientId = frame.ref.slice(2);
			const reply = this.pending.get(clientId);
			reply.attempts = (reply.attempts || 0) + 1;
			if (frame.retryAfterMs && reply.attempts < 6) {
				// Later, longer each time.
				setTimeout(() => this.flushReply(clientId), frame.retryAfterMs * reply.attempts);
			}
			else {
				reply.failed = frame.message || frame.code;
			}
		}
		else if (frame.type === 'event' && frame.message && this.pending.has(frame.message.clientId)) {
			this.pending.delete(frame.message.clientId);
		}
		if (frame.type === 'welcome') {
			this.started = Date.now();
			this.visitors.clear();
			// Where the inbox's visitors are right now (a snapshot; `visitor` frames follow).
			(frame.visitors || []).forEach((v) => this.visitors.set(v.visitorId, v));
			for (const [clientId, reply] of this.pending) {
				if (!reply.acked && !reply.failed) {
					this.flushReply(clientId);
				}
			}
			this.conversations.clear();
			(frame.conversations || []).forEach((c) => this.conversations.set(c.id, c));
			this.staffAvailable = frame.staffAvailable;
			this.maxLength = frame.maxMessageLength || 4000;
			this.maxFrameBytes = frame.maxFrameBytes || 16384;
			this.maxFiles = frame.maxAttachments;
			this.render();
		}
		else if (frame.type === 'inbox') {
			this.update(frame.conversation);
		}
		else if (frame.type === 'typing' && frame.side === 'visitor') {
			clearTimeout((this.typing.get(frame.conversationId) || {}).timer);
			if (frame.typing) {
				const timer = setTimeout(() => {
					this.typing.delete(frame.conversationId);
					this.renderItem(frame.conversationId);
				}, 8000);
				this.typing.set(frame.conversationId, { draft: frame.draft, timer });
			}
			else {
				this.typing.delete(frame.conversationId);
			}
			this.renderItem(frame.conversationId);
		}
		else if (frame.type === 'visitor') {
			const before = this.visitors.get(frame.visitorId) || {};
			// Leaving says only that they left: keep the browser for the details.
			this.visitors.set(frame.visitorId, { ...frame, browser: frame.browser || before.browser });
			[...this.conversations.values()].filter((c) => c.visitorId === frame.visitorId)
				.forEach((c) => this.renderItem(c.id));
		}
		else if (frame.type === 'team') {
			this.app.team = frame.team;
			this.drawAssignees();
			this.render();
		}
		else if (frame.type === 'customer') {
			if (frame.mergedInto) {
				this.names.delete(frame.customerId);
			}
			else {
				this.names.set(frame.customerId, frame.name || frame.email || null);
			}
			this.render();
		}
		else if (frame.type === 'erased') {
			// Gone everywhere at once: no Reply or Export on what no longer exists.
			for (const id of frame.conversationIds) {
				this.conversations.delete(id);
				this.typing.delete(id);
			}
			this.names.delete(frame.customerId);
			if (frame.conversationIds.includes(this.selected)) {
				$('status').textContent = t('conversationErased');
				location.hash = '#/inbox';
			}
			this.render();
		}
		else if (frame.type === 'tags' && frame.conversationId && this.tagged) {
			this.filterByTag();
		}
		for (const listener of this.listeners) {
			listener(frame);
		}
	}

	// A changed conversation: new ones and new visitor messages ring, unless muted.
	update(summary) {
		const before = this.conversations.get(summary.id);
		this.conversations.set(summary.id, summary);
		// New: not known and started just now (an old one coming back into view is not).
		const isNew = !before && Date.now() - Date.parse(summary.startedAt) < 120000;
		const newMessage = before && summary.lastSeq > before.lastSeq && summary.lastSender === 'visitor';
		if ((isNew || newMessage) && !(this.selected === summary.id && !document.hidden)) {
			this.notify(summary, isNew);
		}
		if (isNew) {
			$('announcer').textContent = t('newConversation') + ': ' + this.who(summary);
		}
		this.render();
	}

	select(id) {
		this.selected = id;
		this.render();
	}

	summary(id) {
		return this.conversations.get(id);
	}

	// Who the conversation is with: the customer's name or email when known, else the
	// visitor's own generated name (stable, and different for different visitors).
	who(summary) {
		if (summary.customerId) {
			const known = this.names.get(summary.customerId);
			if (known) {
				return known;
			}
			if (known === undefined) {
				this.names.set(summary.customerId, null);
				get('/api/v1/customers/' + summary.customerId)
					// As if it had changed: the inbox and any open view show the name.
					.then((customer) => this.handle({ type: 'customer', customerId: customer.id, name: customer.name,
						email: customer.email, mergedInto: null }))
					.catch(() => {});
			}
		}
		if (summary.visitorName) {
			return summary.visitorName;
		}
		const context = summary.context || {};
		let page = context.title || t('unknownPage');
		if (!context.title && context.url) {
			try {
				page = new URL(context.url).host;
			}
			catch (ignored) {
				page = context.url;
			}
		}
		return t('visitorFrom', { page });
	}

	// What tells visitors apart at a glance: where they are (or started), their browser
	// and device, their language.
	details(summary) {
		const visitor = this.visitors.get(summary.visitorId) || {};
		const context = summary.context || {};
		const page = visitor.online && (visitor.title || visitor.page) ? (visitor.title || visitor.page)
			: (context.title || context.url);
		return [page, visitor.browser, context.locale].filter(Boolean).join(' · ');
	}

	group(summary) {
		if (summary.status === 'closed') {
			return 'closed';
		}
		return summary.awaitingReply ? 'waiting' : 'open';
	}

	// ---- drawing ---------------------------------------------------------------------

	drawControls() {
		const sites = $('site-filter');
		clear(sites, h('option', { value: '' }, t('allSites')),
			this.app.sites.map((site) => h('option', { value: site.id }, site.name)));
		sites.onchange = () => {
			this.site = sites.value;
			this.render();
		};
		this.drawAssignees();
		$('assignee-filter').onchange = () => {
			this.assignee = $('assignee-filter').value;
			this.render();
		};
		let tagTimer = 0;
		$('tag-filter').oninput = () => {
			clearTimeout(tagTimer);
			tagTimer = setTimeout(() => this.filterByTag(), 300);
		};
		$('mute').onclick = () => {
			this.muted = !this.muted;
			localStorage.setItem(this.muteKey, this.muted ? '1' : '0');
			this.drawMute();
		};
		this.drawMute();
		if ('Notification' in window && Notification.permission === 'default') {
			$('notify').hidden = false;
			$('notify').textContent = t('notifyAsk');
			$('notify').onclick = () => Notification.requestPermission().then(() => { $('notify').hidden = true; });
		}
	}

	// The team as it is now (a `team` frame redraws it); a chosen colleague who left
	// the team falls back to everyone.
	drawAssignees() {
		const assignees = $('assignee-filter');
		clear(assignees, h('option', { value: '' }, t('anyone')), h('option', { value: 'me' }, t('mine')),
			h('option', { value: 'none' }, t('unassigned')),
			this.app.team.filter((m) => m.id !== this.app.me.id).map((m) => h('option', { value: m.id }, m.displayName)));
		assignees.value = this.assignee;
		if (assignees.value !== this.assignee) {
			this.assignee = '';
			assignees.value = '';
		}
	}

	// Tags live in the archive: the ids of tagged conversations come from there (asked
	// again when any conversation's tags change).
	filterByTag() {
		const tag = $('tag-filter').value.trim();
		if (!tag) {
			this.tagged = null;
			this.render();
			return;
		}
		get('/api/v1/conversations?limit=100&tag=' + encodeURIComponent(tag)).then((answer) => {
			if ($('tag-filter').value.trim() === tag) {
				this.tagged = new Set(answer.results.map((r) => r.conversationId));
				this.render();
			}
		}, () => {});
	}

	drawMute() {
		$('mute').textContent = this.muted ? t('soundOff') : t('soundOn');
		$('mute').setAttribute('aria-pressed', String(this.muted));
	}

	visible() {
		return [...this.conversations.values()]
			.filter((c) => !this.site || c.siteId === this.site)
			.filter((c) => !this.tagged || this.tagged.has(c.id))
			.filter((c) => !this.assignee || (this.assignee === 'none' ? !c.assignee
				: c.assignee === (this.assignee === 'me' ? this.app.me.id : this.assignee)))
			.sort((a, b) => Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt));
	}

	render() {
		const all = this.visible();
		const tabs = $('inbox-tabs');
		const focusedTab = tabs.contains(document.activeElement) ? document.activeElement.id : null;
		clear(tabs, TABS.map((tab) => {
			const count = all.filter((c) => this.group(c) === tab).length;
			return h('button', {
				type: 'button', role: 'tab', id: 'tab-' + tab, 'aria-selected': String(tab === this.tab),
				tabIndex: tab === this.tab ? 0 : -1, 'aria-controls': 'inbox-list',
				onclick: () => { this.tab = tab; this.render(); },
				onkeydown: (event) => this.tabKeys(event, tab)
			}, t(tab), ' ', h('span', { className: 'count' }, String(count)));
		}));
		if (focusedTab) {
			$(focusedTab).focus();
		}
		const shown = all.filter((c) => this.group(c) === this.tab);
		const list = $('inbox-list');
		// Redrawn on every change; a keyboard user keeps their place.
		const focused = list.contains(document.activeElement) && document.activeElement.closest('li[data-id]');
		clear(list, shown.length ? shown.map((c) => this.item(c)) : h('li', { className: 'empty' }, t('noConversations')));
		if (focused) {
			const again = list.querySelector('li[data-id="' + CSS.escape(focused.dataset.id) + '"] a');
			(again || $('inbox-tabs').querySelector('[aria-selected="true"]')).focus();
		}
		this.title([...this.conversations.values()]);
	}

	tabKeys(event, tab) {
		const i = TABS.indexOf(tab);
		const next = event.key === 'ArrowRight' ? TABS[(i + 1) % 3] : event.key === 'ArrowLeft' ? TABS[(i + 2) % 3] : null;
		if (next) {
			this.tab = next;
			this.render();
			$('tab-' + next).focus();
		}
	}

	renderItem(id) {
		const summary = this.conversations.get(id);
		const old = $('inbox-list').querySelector('[data-id="' + CSS.escape(id) + '"]');
		if (summary && old) {
			const focused = old.contains(document.activeElement);
			const fresh = this.item(summary);
			old.replaceWith(fresh);
			if (focused) {
				fresh.querySelector('a').focus();
			}
		}
	}

	item(c) {
		const typing = this.typing.get(c.id);
		return h('li', { dataset: { id: c.id }, className: c.id === this.selected ? 'selected' : '' },
			h('a', { href: '#/c/' + c.id, 'aria-current': c.id === this.selected ? 'page' : null },
				h('span', { className: 'who' }, this.who(c)),
				time(c.lastActivityAt),
				h('span', { className: 'details' }, this.details(c)),
				c.unread > 0 ? h('span', { className: 'badge' }, h('span', { 'aria-hidden': 'true' }, String(c.unread)),
					h('span', { className: 'visually-hidden' }, t('unread', { n: c.unread }))) : null,
				c.assigneeName ? h('span', { className: 'assignee' }, c.assigneeName) : null,
				h('span', { className: 'preview' }, typing ? t('typing') : (c.preview || ''))));
	}

	// "(3) Porchlight": visitor messages nobody has read yet.
	title(all) {
		const unread = all.filter((c) => c.status === 'open').reduce((sum, c) => sum + (c.unread || 0), 0);
		document.title = (unread ? '(' + unread + ') ' : '') + t('appName');
	}

	notify(summary, isNew) {
		if (!this.muted) {
			ring();
		}
		if ('Notification' in window && Notification.permission === 'granted' && (document.hidden || !document.hasFocus())) {
			const note = new Notification(isNew ? t('newConversation') : t('newMessage'), {
				body: this.who(summary) + ': ' + (summary.preview || ''), tag: summary.id
			});
			note.onclick = () => {
				window.focus();
				location.hash = '#/c/' + summary.id;
			};
		}
		document.body.dataset.lastNotification = summary.id;
	}

	showState(state, detail) {
		const box = $('connection');
		clearInterval(this.countdown);
		box.dataset.state = state;
		$('retry-now').hidden = state !== 'waiting';
		$('retry-now').textContent = t('retryNow');
		$('retry-now').onclick = () => this.live.connectNow();
		if (state === 'open') {
			box.textContent = t('live');
		}
		else if (state === 'connecting') {
			box.textContent = detail.attempt ? t('reconnecting') : t('connecting');
		}
		else if (state === 'waiting') {
			const tick = () => {
				box.textContent = t('offline', { n: Math.max(1, Math.ceil((detail.retryAt - Date.now()) / 1000)) });
			};
			tick();
			this.countdown = setInterval(tick, 1000);
		}
		else if (detail.reason === 'signed_out') {
			this.checkSession();
		}
		else if (detail.reason !== 'signed out' && detail.reason !== 'restart') {
			box.textContent = t('stopped');
		}
	}

}

// Two rising notes: a visitor wrote.
const ring = () => chime([660, 880], 0.08, 0.4);
