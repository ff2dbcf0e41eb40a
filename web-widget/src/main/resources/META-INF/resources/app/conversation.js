// One conversation, live: the transcript in sequence order (from the staff socket, so
// it continues without a gap after a reconnect), the visitor's context, the reply box,
// close/reopen, tags, notes and export.
import { $, h, clear, time } from './dom.js';
import { csrfToken, get, post } from './api.js';
import { clientId } from '/shared/text.js';
import { ACCEPT, createTray } from '/shared/attachments.js';
import { locale, t } from './texts.js';
import { entryItem, filesOf, notesPanel, tagsPanel } from './panels.js';

export function showConversation(view, app, id, focusSeq) {
	const inbox = app.inbox;
	if (!inbox) {
		return null;
	}
	const state = { lastSeq: 0, seqs: new Set(), synced: false };
	const summary = () => inbox.summary(id) || { id, status: 'open', context: {} };
	const who = () => inbox.who(summary());

	const transcript = h('ol', { id: 'transcript', className: 'transcript' });
	const typing = h('p', { id: 'visitor-typing', className: 'typing', 'aria-live': 'polite' });
	const reply = h('textarea', { id: 'reply', rows: 3, placeholder: t('reply') });
	const replyError = h('p', { id: 'reply-error', className: 'error', role: 'alert' });
	// Near the limit, how much is left (or how much too long) shows while typing.
	const replyCount = h('p', { id: 'reply-count', className: 'meta', 'aria-live': 'polite' });
	const countReply = () => {
		const left = inbox.maxLength - [...reply.value].length;
		replyCount.textContent = left > 200 ? '' : left >= 0 ? t('charsLeft', { n: left }) : t('charsOver', { n: -left });
		replyCount.classList.toggle('error', left < 0);
	};
	const heading = h('h1', { id: 'conversation-title' });
	const statusButton = h('button', { type: 'button', id: 'status-button' });
	const assignee = h('select', { id: 'assignee', onchange: () => {
		inbox.live.request({ type: 'assign', conversationId: id, accountId: assignee.value || null })
			.catch((error) => { replyError.textContent = t('error', { message: error.message }); });
	} });
	const drawTeam = () => clear(assignee, h('option', { value: '' }, t('nobody')),
		app.team.map((member) => h('option', { value: member.id }, member.displayName)));
	drawTeam();
	const tags = tagsPanel('/api/v1/conversations/' + id, 'conversation');
	// Offered canned responses, read out as they change; Enter or Tab takes the marked one.
	const suggestions = h('ul', { id: 'canned-suggestions', className: 'suggestions', 'aria-live': 'polite',
		'aria-label': t('canned'), hidden: true });
	const context = h('dl', { id: 'visitor-context', className: 'facts' });
	const customerLink = h('p', { id: 'customer-link' });
	const linking = linkPanel();
	const visited = h('div', { id: 'pages-visited' });

	// Files: the paperclip (or a drop on the conversation, or a paste into the reply box)
	// uploads each at once; they go with the next reply.
	const fileInput = h('input', { type: 'file', id: 'attach-input', multiple: true, accept: ACCEPT, hidden: true,
		tabIndex: -1, 'aria-label': t('attach'), onchange: () => {
			attach(fileInput.files);
			fileInput.value = '';
		} });
	const attachButton = h('button', { type: 'button', id: 'attach', className: 'secondary attach',
		'aria-label': t('attach'), title: t('attach'), onclick: () => fileInput.click() });
	const sendButton = h('button', { type: 'submit', id: 'send-reply' }, t('send'));
	const form = h('form', { id: 'reply-form', className: 'reply', onsubmit: (event) => {
		event.preventDefault();
		send();
	} }, h('label', { htmlFor: 'reply', className: 'visually-hidden' }, t('replyLabel')), attachButton, fileInput,
	reply, sendButton);

	clear(view, h('div', { className: 'conversation' },
		h('section', { className: 'thread', 'aria-labelledby': 'conversation-title' },
			h('header', { className: 'thread-head' }, h('a', { href: '#/inbox', className: 'back', id: 'back' }, t('backToInbox')),
				heading,
				h('label', { htmlFor: 'assignee' }, t('assignee')), assignee, statusButton,
				h('span', { className: 'exports' }, t('export'), ' ', ['txt', 'csv', 'json'].map((format) =>
					h('a', { href: '/api/v1/conversations/' + id + '/export?format=' + format + '&zone='
						+ encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'), download: '',
						'aria-label': t('export') + ' (' + format + ')' }, format)))),
			h('div', { className: 'scroll', id: 'transcript-scroll', role: 'log', 'aria-label': t('conversations') }, transcript),
			typing, suggestions, form, replyCount, replyError),
		h('section', { className: 'side', 'aria-label': t('context') },
			h('section', { className: 'panel-part' }, h('h2', {}, t('context')), context, customerLink, visited),
			linking.panel,
			tags,
			notesPanel('/api/v1/conversations/' + id, 'conversation', (author) => staffName(author)))));

	function staffName(accountId) {
		const member = app.team.find((m) => m.id === accountId);
		return member ? member.displayName : t('staff');
	}

	function drawHead() {
		const s = summary();
		heading.textContent = who();
		statusButton.textContent = s.status === 'closed' ? t('reopen') : t('close');
		statusButton.dataset.action = s.status === 'closed' ? 'reopen' : 'close';
		if (document.activeElement !== assignee) {
			assignee.value = s.assignee || '';
		}
		if (s.assignee && assignee.value !== s.assignee) {
			// Assigned to someone no longer on the team: still say who.
			assignee.append(h('option', { value: s.assignee }, s.assigneeName || t('staff')));
			assignee.value = s.assignee;
		}
		const c = s.context || {};
		const visitor = inbox.visitors.get(s.visitorId);
		clear(context,
			h('dt', {}, t('page')), h('dd', { id: 'context-page' }, visitor && visitor.online && visitor.page
				? (visitor.title || visitor.page) : (c.title || c.url || '—')),
			h('dt', {}, t('status')), h('dd', { id: 'context-online' }, visitor ? (visitor.online ? t('onlineNow') : t('gone')) : '—'),
			h('dt', {}, t('browser')), h('dd', { id: 'context-browser' }, (visitor && visitor.browser) || '—'),
			h('dt', {}, t('startedOn')), h('dd', {}, c.url || '—'),
			h('dt', {}, t('referrer')), h('dd', {}, c.referrer || '—'),
			h('dt', {}, t('locale')), h('dd', {}, c.locale || '—'));
		clear(customerLink, s.customerId ? h('a', { href: '#/customers/' + s.customerId }, t('openCustomer')) : null);
		if (s.customerId && !state.pagesFor) {
			state.pagesFor = s.customerId;
			get('/api/v1/customers/' + s.customerId).then((customer) => {
				const pages = (customer.visitContext && customer.visitContext.pages) || [];
				clear(visited, pages.length ? [h('h3', {}, t('pagesVisited')),
					h('ol', { className: 'pages' }, pages.map((p) => h('li', {}, p.title || p.url, ' ', time(p.at, true))))] : null);
			}, () => {});
		}
		drawSeen();
	}

	// "Seen" under the last staff message the visitor has read.
	function drawSeen() {
		transcript.querySelectorAll('.seen').forEach((el) => el.remove());
		const upTo = summary().readByVisitor || 0;
		const read = [...transcript.querySelectorAll('.from-staff')].filter((li) => Number(li.dataset.seq) <= upTo).pop();
		if (read) {
			read.append(h('p', { className: 'seen' }, t('seen')));
		}
	}

	// What became of the emails that carried replies to a visitor who had left, beside each
	// reply: fetched when the conversation opens, then every 5 s while one is on its way,
	// and a few times after a new reply (the archive queues its email a moment later).
	const EMAIL_LABELS = { queued: 'emailQueued', sending: 'emailSending', sent: 'emailSent',
		retrying: 'emailRetrying', failed: 'emailFailed', bounced: 'emailBounced', skipped: 'emailSkipped' };
	let emails = [];
	let emailTimer = 0;
	let emailChecks = 0;
	let emailAsked = 0;
	let closed = false;

	function checkEmails(delay) {
		clearTimeout(emailTimer);
		if (!closed) {
			emailTimer = setTimeout(loadEmails, delay);
		}
	}

	function loadEmails() {
		const asked = ++emailAsked;
		get('/api/v1/conversations/' + id + '/emails').then((list) => {
			if (asked === emailAsked) {
				emails = list;
				drawEmails();
			}
		}, () => {}).then(() => {
			if (asked !== emailAsked) {
				return;
			}
			const replies = [...transcript.querySelectorAll('.from-staff[data-seq]')].map((li) => Number(li.dataset.seq));
			const lastReply = Math.max(0, ...replies);
			const onItsWay = emails.some((e) => ['queued', 'sending', 'retrying'].includes(e.status));
			const notYet = lastReply > 0 && !emails.some((e) => e.kind === 'reply' && e.lastSeq >= lastReply);
			if (onItsWay || (notYet && emailChecks-- > 0)) {
				checkEmails(5000);
			}
		});
	}

	function drawEmails() {
		transcript.querySelectorAll('.email-status').forEach((el) => el.remove());
		for (const li of transcript.querySelectorAll('.from-staff[data-seq]')) {
			const seq = Number(li.dataset.seq);
			// The newest email that carries this reply says what became of it.
			const email = emails.filter((e) => e.kind === 'reply' && e.firstSeq <= seq && seq <= e.lastSeq).pop();
			const label = email && EMAIL_LABELS[email.status];
			if (label) {
				li.querySelector('.meta').append(h('span', { className: 'email-status', dataset: { status: email.status } },
					' · ', t(label, { reason: email.reason || '—' })));
			}
		}
	}

	function place(li) {
		const seq = Number(li.dataset.seq || Infinity);
		const after = [...transcript.children].find((el) => Number(el.dataset.seq || Infinity) > seq);
		transcript.insertBefore(li, after || null);
	}

	function onEvent(frame) {
		if (state.seqs.has(frame.seq)) {
			return;
		}
		state.seqs.add(frame.seq);
		state.lastSeq = Math.max(state.lastSeq, frame.seq);
		const mine = frame.message && transcript.querySelector('li.pending[data-client="' + CSS.escape(frame.message.clientId) + '"]');
		if (mine) {
			mine.remove();
		}
		const li = entryItem(frame, who(), id);
		place(li);
		if (frame.kind === 'message' && frame.by.kind === 'visitor') {
			typing.textContent = '';
			linking.offerEmail(frame.message.body);
		}
		else if (frame.kind === 'message') {
			drawEmails();
			if (state.synced) {
				// A new reply: it is emailed if the visitor left.
				emailChecks = 3;
				checkEmails(5000);
			}
		}
		if (focusSeq && frame.seq === focusSeq) {
			li.classList.add('hit');
			li.tabIndex = -1;
			requestAnimationFrame(() => {
				li.scrollIntoView({ block: 'center' });
				li.focus();
			});
		}
		else if (state.synced || !focusSeq) {
			$('transcript-scroll').scrollTop = $('transcript-scroll').scrollHeight;
		}
		drawSeen();
		markRead();
	}

	function markRead() {
		const s = summary();
		if (state.synced && !document.hidden && state.lastSeq > (s.readByStaff || 0)) {
			inbox.live.send({ type: 'read', conversationId: id, seq: state.lastSeq });
		}
	}

	let retries = 0;
	let retryTimer = 0;

	function subscribe() {
		state.synced = false;
		clearTimeout(retryTimer);
		inbox.live.request({ type: 'subscribe', conversationId: id, afterSeq: state.lastSeq }).then(() => {
			retries = 0;
			replyError.textContent = '';
		}, (error) => {
			if (error.code === 'not_found') {
				// Long archived and no longer live: the transcript from the archive.
				get('/api/v1/conversations/' + id).then((data) => {
					data.entries.forEach(onEvent);
					statusButton.hidden = true;
					form.hidden = true;
				}, () => { replyError.textContent = t('notFound'); });
			}
			else if (error.code !== 'offline') {
				// The server's trouble (storage briefly away): say so and try again.
				replyError.textContent = t('error', { message: error.message });
				retryTimer = setTimeout(subscribe, Math.min(30000, error.retryAfterMs || 1000 * Math.pow(2, retries++)));
			}
		});
	}

	// Replies not yet acknowledged live in the inbox, so leaving this page loses none;
	// here they are shown under the transcript with their state.
	function drawPending() {
		transcript.querySelectorAll('li.pending').forEach((li) => li.remove());
		for (const [client, reply] of inbox.pending) {
			if (reply.conversationId === id) {
				transcript.append(h('li', { className: 'msg from-staff pending', dataset: { client } },
					h('p', { className: 'author' }, app.me.displayName),
					h('p', { className: 'body', hidden: !reply.body }, reply.body), filesOf(reply.files),
					h('p', { className: 'meta' }, reply.failed ? t('failed', { reason: reply.failed })
						: reply.acked ? t('sent') : t('sending'),
					reply.failed ? [' ', h('button', { type: 'button', className: 'plain', onclick: () => {
						inbox.retryReply(client);
						drawPending();
					} }, t('retry'))] : null)));
			}
		}
	}

	let typingHide = 0;

	const stop = inbox.listen((frame) => {
		if (frame.type === 'welcome') {
			// Reconnected: continue where the transcript stopped (the inbox resends replies).
			typing.textContent = '';
			subscribe();
			return;
		}
		if (frame.type === 'ack' || (frame.type === 'error' && String(frame.ref).startsWith('r:'))) {
			drawPending();
			return;
		}
		if (frame.type === 'team') {
			drawTeam();
			drawHead();
			return;
		}
		if (frame.type === 'customer' && frame.customerId === summary().customerId) {
			drawHead();
			return;
		}
		if (frame.type === 'tags' && frame.conversationId === id) {
			tags.draw(frame.tags);
			return;
		}
		if (frame.conversationId !== id && !(frame.conversation && frame.conversation.id === id)) {
			if (frame.type === 'visitor' && frame.visitorId === summary().visitorId) {
				drawHead();
			}
			return;
		}
		if (frame.type === 'event') {
			onEvent(frame);
		}
		else if (frame.type === 'synced') {
			state.synced = true;
			drawHead();
			markRead();
		}
		else if (frame.type === 'inbox') {
			drawHead();
		}
		else if (frame.type === 'typing' && frame.side === 'visitor') {
			clearTimeout(typingHide);
			typing.textContent = frame.typing ? (frame.draft ? t('draft', { text: frame.draft }) : t('isTyping', { name: who() })) : '';
			// Never a stuck indicator if "stopped typing" was lost.
			typingHide = setTimeout(() => { typing.textContent = ''; }, 8000);
		}
	});

	// Whose conversation it is: an existing customer (found by name, email, phone or id)
	// or a new one by email, prefilled with an email the visitor wrote in the chat.
	function linkPanel() {
		const query = h('input', { id: 'link-query', type: 'search', autocomplete: 'off' });
		const results = h('ul', { id: 'link-results', className: 'plain-list' });
		const email = h('input', { id: 'link-email', type: 'email', maxLength: 254, autocomplete: 'off' });
		const name = h('input', { id: 'link-name', maxLength: 120, autocomplete: 'off' });
		const result = h('p', { id: 'link-result', role: 'status' });
		const link = (body) => {
			result.textContent = '';
			result.className = '';
			post('/api/v1/conversations/' + id + '/customer', body).then((customer) => {
				inbox.names.set(customer.id, customer.name || customer.email || null);
				result.textContent = t('linked', { name: customer.name || customer.email || t('customer') });
				query.value = '';
				email.value = '';
				name.value = '';
				clear(results);
			}, (error) => {
				result.className = 'error';
				result.textContent = error.message;
			});
		};
		let searching = 0;
		query.addEventListener('input', () => {
			clearTimeout(searching);
			searching = setTimeout(async () => {
				const q = query.value.trim();
				const found = q.length < 2 ? [] : await get('/api/v1/search/customers?q=' + encodeURIComponent(q) + '&limit=5')
					.catch(() => []);
				clear(results, found.map((c) => h('li', {}, h('button', { type: 'button', className: 'plain',
					onclick: () => link({ customerId: c.id }) }, t('linkTo', { name: c.name || c.email || c.id })))));
			}, 250);
		});
		const form = h('form', { id: 'link-new', className: 'stack', onsubmit: (event) => {
			event.preventDefault();
			link({ email: email.value.trim(), name: name.value.trim() || null });
		} }, h('label', { htmlFor: 'link-email' }, t('email')), email, h('label', { htmlFor: 'link-name' }, t('name')), name,
		h('button', { type: 'submit' }, t('createAndLink')));
		const panel = h('section', { className: 'panel-part', 'aria-labelledby': 'link-title' },
			h('h3', { id: 'link-title' }, t('linkCustomer')),
			h('label', { htmlFor: 'link-query' }, t('linkExisting')), query, results, form, result);
		return {
			panel,
			offerEmail(text) {
				const found = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[a-z]{2,}/i.exec(text || '');
				if (found && !email.value && document.activeElement !== email) {
					email.value = found[0];
				}
			}
		};
	}

	const tray = createTray({ t, locale, before: form, onChange: canSend, maxFiles: () => inbox.maxFiles,
		target: async () => '/api/v1/conversations/' + id + '/attachments',
		headers: async () => ({ 'X-XSRF-TOKEN': csrfToken() }),
		// A CSRF token from before this session: once more with a fresh one (as api.js does).
		again: (status, answer) => status === 403 && answer.error === 'csrf_token_invalid'
			&& get('/api/v1/session').then(() => true, () => false) });

	function attach(list) {
		const files = [...list];
		if (files.length && !form.hidden) {
			replyError.textContent = '';
			tray.add(files);
		}
	}

	// Send works with text or an uploaded file, and waits for uploads under way.
	function canSend() {
		sendButton.disabled = !(reply.value.trim() || tray.uploaded().length) || tray.busy();
	}

	const thread = view.querySelector('.thread');
	const dragging = (event) => event.dataTransfer && [...event.dataTransfer.types].includes('Files');
	// A file dropped anywhere on the page never replaces the dashboard; on the conversation
	// it is attached.
	const onDragOver = (event) => {
		if (dragging(event)) {
			event.preventDefault();
			thread.classList.toggle('pl-dropping', thread.contains(event.target));
		}
	};
	const onDrop = (event) => {
		thread.classList.remove('pl-dropping');
		if (dragging(event)) {
			event.preventDefault();
			if (thread.contains(event.target)) {
				attach(event.dataTransfer.files);
			}
		}
	};
	const onDragLeave = (event) => {
		if (!event.relatedTarget) {
			thread.classList.remove('pl-dropping');
		}
	};
	document.addEventListener('dragover', onDragOver);
	document.addEventListener('drop', onDrop);
	document.addEventListener('dragleave', onDragLeave);
	reply.addEventListener('paste', (event) => {
		const files = event.clipboardData && event.clipboardData.files;
		if (files && files.length) {
			event.preventDefault();
			attach(files);
		}
	});

	function send() {
		const body = reply.value.trim();
		if (tray.busy()) {
			replyError.textContent = t('stillUploading');
			return;
		}
		const files = tray.uploaded();
		if (!body && !files.length) {
			return;
		}
		// Too long for the server: say so and keep the text, rather than lose it.
		const frame = JSON.stringify({ type: 'send', ref: 'r:x', conversationId: id, clientId: 'x'.repeat(24), body });
		if ([...body].length > inbox.maxLength || new TextEncoder().encode(frame).length > inbox.maxFrameBytes) {
			replyError.textContent = t('tooLong', { n: inbox.maxLength });
			return;
		}
		inbox.sendReply(id, clientId(), body, files.map((file) => ({ id: file.id, name: file.name, type: file.type,
			size: file.size })));
		tray.clear();
		drawPending();
		$('transcript-scroll').scrollTop = $('transcript-scroll').scrollHeight;
		reply.value = '';
		replyError.textContent = '';
		countReply();
		canSend();
		typingOff();
	}

	// Enter sends, Shift+Enter is a new line; typing reaches the visitor.
	// One typing frame every 2.5 s at most, also across replies sent one after another: past
	// the server's typing budget refusals count against the socket (as in the widget).
	let typingSent = 0;
	let typingLast = 0;
	let typingTimer = 0;
	const typingOff = () => {
		clearTimeout(typingTimer);
		if (typingSent) {
			inbox.live.send({ type: 'typing', conversationId: id, typing: false });
			typingSent = 0;
			typingLast = Date.now();
		}
	};
	reply.addEventListener('keydown', (event) => {
		const offered = suggestions.hidden ? null : suggestions.querySelector('[aria-current="true"]');
		if (offered && (event.key === 'Enter' || event.key === 'Tab')) {
			event.preventDefault();
			useCanned(offered.dataset.body);
		}
		else if (offered && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
			event.preventDefault();
			const all = [...suggestions.children];
			const next = all[(all.indexOf(offered) + (event.key === 'ArrowDown' ? 1 : all.length - 1)) % all.length];
			offered.removeAttribute('aria-current');
			next.setAttribute('aria-current', 'true');
		}
		else if (event.key === 'Escape' && !suggestions.hidden) {
			suggestions.hidden = true;
		}
		else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
			event.preventDefault();
			send();
		}
	});

	// "/ship" offers the canned responses whose shortcut starts with "ship".
	function offerCanned() {
		const match = reply.value.match(/^\/([a-z0-9_-]*)$/i);
		const found = match ? app.canned.filter((c) => c.shortcut.startsWith(match[1].toLowerCase())) : [];
		suggestions.hidden = found.length === 0;
		clear(suggestions, found.slice(0, 8).map((c, i) => h('li', {
			dataset: { body: c.body }, 'aria-current': i === 0 ? 'true' : null,
			onmousedown: (event) => { event.preventDefault(); useCanned(c.body); }
		}, h('strong', {}, '/' + c.shortcut), ' ', c.body)));
	}

	function useCanned(body) {
		reply.value = body;
		suggestions.hidden = true;
		reply.focus();
	}
	reply.addEventListener('input', offerCanned);
	reply.addEventListener('input', countReply);
	reply.addEventListener('input', canSend);
	reply.addEventListener('input', () => {
		clearTimeout(typingTimer);
		if (Date.now() - typingLast > 2500) {
			inbox.live.send({ type: 'typing', conversationId: id, typing: true });
			typingSent = typingLast = Date.now();
		}
		typingTimer = setTimeout(typingOff, 3000);
	});

	statusButton.addEventListener('click', () => {
		const action = statusButton.dataset.action;
		inbox.live.request({ type: action, conversationId: id })
			.catch((error) => { replyError.textContent = t('error', { message: error.message }); });
	});

	const onVisible = () => markRead();
	document.addEventListener('visibilitychange', onVisible);

	drawHead();
	drawPending();
	canSend();
	subscribe();
	loadEmails();
	if (!focusSeq) {
		reply.focus();
	}
	return () => {
		closed = true;
		clearTimeout(emailTimer);
		typingOff();
		clearTimeout(retryTimer);
		clearTimeout(typingHide);
		stop();
		tray.clear();
		document.removeEventListener('visibilitychange', onVisible);
		document.removeEventListener('dragover', onDragOver);
		document.removeEventListener('drop', onDrop);
		document.removeEventListener('dragleave', onDragLeave);
		inbox.live.send({ type: 'unsubscribe', conversationId: id });
	};
}
