// One box that finds customers (typo-tolerant) and conversations by what was said or by
// whose they are (a customer's name, email, phone or id), with the matching words
// highlighted and each result naming its customer and site; filters and "more results"
// paging. A result opens the conversation scrolled to the message that matched.
import { h, clear, time } from './dom.js';
import { get } from './api.js';
import { t } from './texts.js';

export function showSearch(view, app, params) {
	const q = params.get('q') || '';
	const input = h('input', { id: 'search-query', type: 'search', name: 'q', value: q, maxLength: 200 });
	const select = (name, label, options) => [h('label', { htmlFor: 'search-' + name }, label),
		h('select', { id: 'search-' + name, name }, options.map(([value, text]) =>
			h('option', { value, selected: params.get(name) === value }, text)))];
	const date = (name, label) => [h('label', { htmlFor: 'search-' + name }, label),
		h('input', { id: 'search-' + name, name, type: 'date', value: params.get(name) || '' })];
	const form = h('form', { id: 'search-form', className: 'search-form', role: 'search', onsubmit: (event) => {
		event.preventDefault();
		const data = new URLSearchParams();
		for (const [key, value] of new FormData(form)) {
			if (value) {
				data.set(key, value);
			}
		}
		location.hash = '#/search?' + data;
	} },
	h('label', { htmlFor: 'search-query' }, t('searchLabel')), input, h('button', { type: 'submit' }, t('searchButton')),
	h('p', { id: 'search-hint', className: 'help' }, t('searchHint')),
	h('div', { className: 'filters' },
		select('site', t('site'), [['', t('allSites')], ...app.sites.map((s) => [s.id, s.name])]),
		select('status', t('status'), [['', t('any')], ['open', t('open')], ['closed', t('closed')]]),
		h('label', { htmlFor: 'search-tag' }, t('tag')), h('input', { id: 'search-tag', name: 'tag', value: params.get('tag') || '' }),
		date('from', t('from')), date('to', t('to'))));
	const customers = h('ul', { id: 'customer-results', className: 'results' });
	const conversations = h('ol', { id: 'conversation-results', className: 'results' });
	const more = h('button', { type: 'button', id: 'more-results', hidden: true }, t('more'));
	const error = h('p', { className: 'error', role: 'alert' });
	const count = h('p', { id: 'result-count', role: 'status' });
	clear(view, h('section', { className: 'search' }, h('h1', {}, t('search')), form, error,
		h('h2', {}, t('customers')), customers, h('h2', {}, t('conversations')), count, conversations, more));
	if (!q) {
		input.focus();
		return null;
	}

	get('/api/v1/search/customers?q=' + encodeURIComponent(q) + '&limit=10').then((found) => {
		clear(customers, found.length ? found.map((c) => h('li', {}, h('a', { href: '#/customers/' + c.id },
			c.name || c.email || c.phone || c.id),
			h('span', { className: 'meta' }, [c.name ? c.email : null, c.phone].filter(Boolean).map((detail) => ' · ' + detail))))
			: h('li', { className: 'empty' }, t('noResults')));
	}, (e) => { error.textContent = e.message; });

	const filters = new URLSearchParams();
	filters.set('q', q);
	for (const key of ['site', 'status', 'tag']) {
		if (params.get(key)) {
			filters.set(key, params.get(key));
		}
	}
	if (params.get('from')) {
		filters.set('from', new Date(params.get('from')).toISOString());
	}
	if (params.get('to')) {
		filters.set('to', new Date(Date.parse(params.get('to')) + 86400000).toISOString());
	}
	const page = (cursor) => {
		const query = new URLSearchParams(filters);
		if (cursor) {
			query.set('cursor', cursor);
		}
		get('/api/v1/search/conversations?' + query).then((answer) => {
			count.textContent = answer.estimatedTotal === 1 && !answer.totalIsCapped ? t('oneResult')
				: t('results', { n: answer.estimatedTotal + (answer.totalIsCapped ? '+' : '') });
			if (!cursor && !answer.results.length) {
				conversations.append(h('li', { className: 'empty' }, t('noResults')));
			}
			answer.results.forEach((r) => conversations.append(h('li', {},
				h('a', { href: '#/c/' + r.conversationId + '?seq=' + r.seq },
					h('span', { className: 'snippet' }, r.snippet.map((part) => (part.match ? h('mark', {}, part.text) : part.text)))),
				h('span', { className: 'meta' }, ' ', r.customerName || t('visitor'), ' · ', t('onSite', { site: r.siteName }),
					' · ', t(r.status === 'open' ? 'open' : 'closed'), ' · ', time(r.lastActivityAt, true)))));
			more.hidden = !answer.next;
			more.onclick = () => page(answer.next);
		}, (e) => { error.textContent = e.message; });
	};
	page(null);
	return null;
}
