// A customer's page: who they are (editable), tags, notes, and their story: every
// conversation they ever had, each expandable to its transcript. Merge and erase.
import { $, h, clear, time } from './dom.js';
import { del, get, patch, post } from './api.js';
import { dateLocale, t } from './texts.js';
import { entryItem, notesPanel, tagsPanel } from './panels.js';

export function showCustomer(view, app, id) {
	let alive = true;
	const status = h('p', { className: 'status-line', role: 'status' });
	clear(view, h('p', {}, '…'));
	const fail = (error) => { status.textContent = error.message; };
	get('/api/v1/customers/' + id).then((customer) => alive && draw(customer), (error) => {
		if (alive) {
			clear(view, h('p', { className: 'error' }, error.status === 404 ? t('notFound') : error.message));
		}
	});
	let tagsPart = null;
	// Erased or merged by a colleague: this page follows at once.
	const stop = app.inbox ? app.inbox.listen((frame) => {
		if (frame.type === 'erased' && frame.customerId === id) {
			clear(view, h('p', { role: 'status' }, t('erased')));
		}
		else if (frame.type === 'customer' && frame.customerId === id && frame.mergedInto) {
			location.hash = '#/customers/' + frame.mergedInto;
		}
		else if (frame.type === 'tags' && frame.customerId === id && tagsPart) {
			tagsPart.draw(frame.tags);
		}
	}) : () => {};
	// Every conversation of the customer with its dates, from the archive (which has them all).
	const listed = get('/api/v1/conversations?limit=100&customer=' + id).then((a) => a.results, () => []);

	function draw(customer) {
		const field = (name, label, value, type) => [
			h('label', { htmlFor: 'customer-' + name }, label),
			h('input', { id: 'customer-' + name, name, type: type || 'text', value: value || '' })];
		const form = h('form', { id: 'customer-profile', className: 'stack', onsubmit: (event) => {
			event.preventDefault();
			const data = new FormData(form);
			patch('/api/v1/customers/' + id, { name: data.get('name'), email: data.get('email'), phone: data.get('phone') })
				.then((saved) => { status.textContent = t('saved'); $('customer-title').textContent = saved.name || saved.email || t('customer'); },
					(error) => { status.textContent = error.message; });
		} },
		field('name', t('name'), customer.name), field('email', t('email'), customer.email, 'email'),
		field('phone', t('phone'), customer.phone), h('button', { type: 'submit' }, t('save')));

		const story = h('ol', { id: 'customer-story', className: 'story' });
		listed.then((results) => {
			const known = new Map(results.map((r) => [r.conversationId, r]));
			for (const conversationId of customer.conversations || []) {
				story.append(storyItem(conversationId, customer, known.get(conversationId)));
			}
		});

		clear(view, h('div', { className: 'customer' },
			h('section', { className: 'main-col' },
				h('h1', { id: 'customer-title' }, customer.name || customer.email || t('customer')),
				h('p', { className: 'meta' }, t('firstSeen'), ' ', time(customer.firstSeenAt, true), ' · ',
					t('lastSeen'), ' ', time(customer.lastSeenAt, true)),
				h('h2', {}, t('story')), story),
			h('section', { className: 'side' },
				h('section', { className: 'panel-part' }, h('h2', {}, t('profile')), form, status),
				tagsPart = tagsPanel('/api/v1/customers/' + id, 'customer'),
				notesPanel('/api/v1/customers/' + id, 'customer', (author) => {
					const member = app.team.find((m) => m.id === author);
					return member ? member.displayName : t('staff');
				}),
				mergePanel(customer), erasePanel(customer))));
	}

	function storyItem(conversationId, customer, archived) {
		const transcript = h('ol', { className: 'transcript', hidden: true });
		const live = app.inbox && app.inbox.summary(conversationId);
		const summary = live || (archived && { preview: null, lastActivityAt: archived.lastActivityAt });
		const toggle = h('button', { type: 'button', className: 'plain', 'aria-expanded': 'false' }, t('showTranscript'));
		toggle.addEventListener('click', async () => {
			const open = toggle.getAttribute('aria-expanded') === 'true';
			toggle.setAttribute('aria-expanded', String(!open));
			toggle.textContent = open ? t('showTranscript') : t('hideTranscript');
			transcript.hidden = open;
			if (!open && !transcript.childElementCount) {
				const data = await get('/api/v1/conversations/' + conversationId).catch(() => ({ entries: [] }));
				clear(transcript, data.entries.map((entry) => entryItem(entry, customer.name || t('visitor'), conversationId)));
			}
		});
		return h('li', { dataset: { id: conversationId } },
			h('a', { href: '#/c/' + conversationId }, (summary && summary.preview) || t('conversationOf',
				{ date: summary ? new Date(summary.lastActivityAt).toLocaleDateString(dateLocale()) : '' })),
			summary ? [' · ', time(summary.lastActivityAt, true)] : null, ' ', toggle, transcript);
	}

	function mergePanel(customer) {
		const input = h('input', { id: 'merge-query', type: 'search', autocomplete: 'off' });
		const results = h('ul', { id: 'merge-results', className: 'plain-list' });
		input.addEventListener('input', async () => {
			const q = input.value.trim();
			if (q.length < 2) {
				clear(results);
				return;
			}
			const found = await get('/api/v1/search/customers?q=' + encodeURIComponent(q) + '&limit=5').catch(() => []);
			clear(results, found.filter((c) => c.id !== id).map((c) => h('li', {},
				h('button', { type: 'button', className: 'plain', onclick: () => {
					const name = c.name || c.email || c.id;
					if (!confirm(t('mergeConfirm', { from: customer.name || customer.email || t('customer'), into: name }))) {
						return;
					}
					post('/api/v1/customers/' + id + '/merge', { into: c.id })
						.then(() => { location.hash = '#/customers/' + c.id; }, fail);
				} }, t('mergeInto', { name: c.name || c.email || c.id })))));
		});
		return h('section', { className: 'panel-part' }, h('h3', {}, t('merge')),
			h('label', { htmlFor: 'merge-query' }, t('mergeLabel')), input, results);
	}

	function erasePanel(customer) {
		return h('section', { className: 'panel-part danger' }, h('button', { type: 'button', id: 'erase-customer',
			onclick: async () => {
				if (!confirm(t('eraseConfirm', { name: customer.name || customer.email || t('customer') }))) {
					return;
				}
				try {
					await del('/api/v1/customers/' + id);
				}
				catch (error) {
					fail(error);
					return;
				}
				if (alive) {
					clear(view, h('p', { role: 'status' }, t('erased')));
				}
			} }, t('erase')));
	}

	return () => {
		alive = false;
		stop();
	};
}
