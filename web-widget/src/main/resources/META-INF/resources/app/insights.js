// Insights (docs/insights.md): for a site and a period, what customers ask for (terms,
// each opening its conversations in the search; staff hide or merge them), who the
// customers are and how the shop answers, as small SVG charts with their numbers for
// screen readers, and a CSV of every figure. The choice of site and period lives in the
// route (#/insights?site=…&days=…), so a reload or a shared link shows the same page.
import { h, clear } from './dom.js';
import { del, get, put } from './api.js';
import { dateLocale, t } from './texts.js';
import { bars, heatMap, hiddenTable, meter, sparkline } from './charts.js';

const PERIODS = [7, 30, 90, 365];

// The control just changed: the page is drawn again for the new route, and the focus
// stays on it (not on the heading) so a keyboard user can go on choosing.
let changed = null;

export function showInsights(view, app, params) {
	let alive = true;
	// How each term was written, kept while the page is open: a term just hidden is
	// still named by its label in the list of corrections (else by its key).
	const seen = new Map();
	const sites = app.sites;
	const site = sites.some((s) => s.id === params.get('site')) ? params.get('site') : (sites[0] && sites[0].id);
	const days = PERIODS.includes(Number(params.get('days'))) ? Number(params.get('days')) : 30;
	const go = (changes) => {
		const next = new URLSearchParams({ site, days, ...changes });
		location.hash = '#/insights?' + next;
	};
	const choose = (id, label, value, options, onchange) => h('div', { className: 'control' },
		h('label', { htmlFor: id }, label),
		h('select', { id, onchange: (event) => { changed = id; onchange(event.target.value); } },
			options.map(([v, text]) => h('option', { value: v, selected: String(v) === String(value) }, text))));
	const status = h('p', { id: 'insights-status', className: 'status-line', role: 'status' });
	const body = h('div', { id: 'insights-body' }, h('p', {}, '…'));
	clear(view, h('section', { className: 'insights' }, h('h1', {}, t('insights')),
		h('form', { className: 'insights-controls', onsubmit: (event) => event.preventDefault() },
			choose('insights-site', t('site'), site, sites.map((s) => [s.id, s.name]), (value) => go({ site: value })),
			choose('insights-days', t('insightsPeriod'), days, PERIODS.map((n) => [n, t('lastDays', { n })]),
				(value) => go({ days: value }))),
		status, body));
	if (changed && document.getElementById(changed)) {
		document.getElementById(changed).focus();
	}
	changed = null;
	if (!site) {
		clear(body, h('p', { className: 'empty' }, t('insightsNoSite')));
		return () => { alive = false; };
	}
	const query = 'site=' + encodeURIComponent(site) + '&days=' + days;
	const csv = (figure, name) => h('a', { className: 'csv', download: '', dataset: { figure },
		href: '/api/v1/insights/export?' + query + '&figure=' + figure }, t('csv'),
	h('span', { className: 'visually-hidden' }, ' ' + name));

	function load() {
		return Promise.all([get('/api/v1/insights/asks?' + query + '&limit=10'), get('/api/v1/insights/people?' + query),
			get('/api/v1/insights/answers?' + query), get('/api/v1/insights/rules?site=' + encodeURIComponent(site))])
			.then(([asks, people, answers, rules]) => alive && draw(asks, people.people, answers.answers, rules, asks.period),
				(error) => alive && clear(body, h('p', { className: 'error', role: 'alert' }, error.message)));
	}

	function draw(asks, people, answers, rules, period) {
		const range = t('insightsRange', { from: day(period.from), to: day(period.to) });
		const intro = [h('p', { id: 'insights-period', className: 'meta' }, range, ' · ',
			t('insightsCompared', { from: day(period.previousFrom), to: day(period.previousTo) }), ' · ', period.zone),
		period.waiting > 0 ? h('p', { id: 'insights-waiting', className: 'note' },
			count('insightsCounting', period.waiting)) : null];
		// No conversation in the period: said plainly; the figures still show what faded
		// when the period before had some.
		const empty = people.conversations ? null : h('p', { id: 'insights-empty', className: 'empty' },
			t('insightsEmpty', { site: period.siteName, period: range }));
		if (empty && !people.previousConversations) {
			clear(body, intro, empty);
			return;
		}
		clear(body, intro, empty, asksSection(asks, rules, period), peopleSection(people, period), answersSection(answers));
	}

	// ---- what customers ask for -----------------------------------------------------

	function asksSection(asks, rules, period) {
		const all = [...asks.top, ...asks.rising, ...asks.fading];
		const labels = new Map(all.map((term) => [term.key, term.label]));
		labels.forEach((label, key) => seen.set(key, label));
		const list = (id, title, terms, figure) => h('section', { className: 'figure terms' },
			h('div', { className: 'figure-head' }, h('h3', { id: id + '-title' }, title), csv(figure, title)),
			terms.length ? h('ol', { id, className: 'term-list' }, terms.map((term) => termItem(id, term, labels, period)))
				: h('p', { id, className: 'empty' }, t('noTerms')));
		return h('section', { className: 'insight-part', 'aria-labelledby': 'asks-title' },
			h('h2', { id: 'asks-title' }, t('asksTitle')),
			h('div', { className: 'figures three' }, list('terms-top', t('topTerms'), asks.top, 'terms'),
				list('terms-rising', t('risingTerms'), asks.rising, 'rising'),
				list('terms-fading', t('fadingTerms'), asks.fading, 'fading')),
			correctionsPart(rules));
	}

	function termItem(list, term, labels, period) {
		const phrase = term.label.includes(' ') ? '"' + term.label + '"' : term.label;
		const search = new URLSearchParams({ q: phrase, site, from: period.from, to: period.to });
		const change = term.previousConversations === term.conversations ? 'termSame'
			: term.previousConversations < term.conversations ? 'termUp' : 'termDown';
		const actions = h('div', { className: 'term-actions' });
		const others = [...labels].filter(([key]) => key !== term.key);
		const hidden = (text) => h('span', { className: 'visually-hidden' }, ' ' + text);
		const mergeForm = () => {
			const id = list + '-merge-' + term.key.replaceAll(' ', '-');
			const select = h('select', { id }, others.map(([key, label]) => h('option', { value: key }, label)));
			clear(actions, h('form', { className: 'inline', onsubmit: (event) => {
				event.preventDefault();
				correct({ key: term.key, mergeInto: select.value });
			} }, h('label', { htmlFor: id }, t('mergeIntoLabel', { term: term.label })), select,
			h('button', { type: 'submit' }, t('mergeButton')),
			h('button', { type: 'button', className: 'secondary', onclick: () => clear(actions, buttons()) }, t('cancel'))));
			select.focus();
		};
		const buttons = () => [
			h('button', { type: 'button', className: 'plain hide-term', onclick: () => correct({ key: term.key, hidden: true }) },
				t('hideTerm'), hidden(term.label)),
			others.length ? h('button', { type: 'button', className: 'plain merge-term', onclick: mergeForm },
				t('mergeTerm'), hidden(term.label)) : null];
		clear(actions, buttons());
		return h('li', { className: term.rising ? 'term rising' : 'term', dataset: { key: term.key } },
			h('a', { className: 'term-label', href: '#/search?' + search }, term.label),
			term.rising ? h('span', { className: 'badge' }, t('risingBadge')) : null,
			h('p', { className: 'meta' }, t(change + (term.conversations === 1 ? 'One' : ''),
				{ n: number(term.conversations), before: number(term.previousConversations) }), ' · ',
			count('termPeople', term.customers)),
			term.merged.length ? h('p', { className: 'meta' }, t('mergedAlso', { terms: term.merged.map((key) => seen.get(key) || key).join(', ') })) : null,
			actions);
	}

	function correctionsPart(rules) {
		const name = (key) => seen.get(key) || key;
		return h('section', { className: 'figure corrections' },
			h('h3', { id: 'corrections-title' }, t('corrections')),
			rules.length ? h('ul', { id: 'insights-rules', className: 'plain-list' }, rules.map((rule) => h('li', {},
				rule.hidden ? t('ruleHidden', { key: name(rule.key) }) : t('ruleMerged', { key: name(rule.key), into: name(rule.mergeInto) }),
				' ', h('button', { type: 'button', className: 'secondary', onclick: () => {
					del('/api/v1/insights/rules?site=' + encodeURIComponent(site) + '&key=' + encodeURIComponent(rule.key))
						.then(() => { status.textContent = t('restored'); return load(); }, fail);
				} }, t('restore'), h('span', { className: 'visually-hidden' }, ' ' + name(rule.key))))))
				: h('p', { id: 'insights-rules', className: 'empty' }, t('noCorrections')));
	}

	function correct(rule) {
		put('/api/v1/insights/rules?site=' + encodeURIComponent(site), rule)
			.then(() => { status.textContent = t(rule.hidden ? 'termHidden' : 'termMerged'); return load(); }, fail);
	}

	function fail(error) {
		status.textContent = error.message;
	}

	// ---- who the customers are ------------------------------------------------------

	function peopleSection(people, period) {
		const max = (list) => Math.max(0, ...list.map((c) => c.count));
		const counted = (id, title, list, figure, label) => h('section', { className: 'figure' },
			h('div', { className: 'figure-head' }, h('h3', { id: id + '-title' }, title), csv(figure, title)),
			list.length ? h('ul', { id, className: 'counts' }, list.map((c) => h('li', {},
				h('span', { className: 'count-label' }, label(c.label)), h('span', { className: 'count' }, number(c.count)),
				meter(c.count, max(list))))) : h('p', { id, className: 'empty' }, t('noneYet')));
		const perDay = people.days.map((d) => d.conversations);
		const busiest = people.days.reduce((best, d) => (d.conversations > best.conversations ? d : best),
			{ conversations: 0, day: period.from });
		const weekdays = [0, 1, 2, 3, 4, 5, 6].map((i) => new Date(2024, 0, 1 + i)
			.toLocaleDateString(dateLocale(), { weekday: 'short' }));
		let peak = { day: 0, hour: 0, n: 0 };
		people.arrivals.forEach((row, d) => row.forEach((n, hour) => { if (n > peak.n) { peak = { day: d, hour, n }; } }));
		const daysLabel = t('daysSummary', { total: number(people.conversations), from: day(period.from), to: day(period.to),
			day: day(busiest.day), n: number(busiest.conversations) });
		const heatLabel = peak.n ? t('arrivalsSummary', { day: weekdays[peak.day], hour: String(peak.hour).padStart(2, '0'),
			n: number(peak.n) }) : t('noneYet');
		return h('section', { className: 'insight-part', 'aria-labelledby': 'people-title' },
			h('h2', { id: 'people-title' }, t('peopleTitle')),
			h('div', { className: 'figure-head' }, h('h3', { className: 'visually-hidden' }, t('peopleFacts')),
				csv('people', t('peopleFacts'))),
			h('dl', { id: 'people-facts', className: 'tiles' },
				tile(t('factConversations'), number(people.conversations),
					t('previousPeriod', { n: number(people.previousConversations) })),
				tile(t('factPeople'), number(people.people)),
				tile(t('factNew'), number(people.newPeople)),
				tile(t('factReturning'), number(people.returningPeople)),
				tile(t('factIdentified'), number(people.identified))),
			h('div', { className: 'figures' },
				counted('per-person', t('perPersonTitle'), people.perPerson, 'people', (label) => t(label === '1' ? 'perPersonLabelOne' : 'perPersonLabel', { label })),
				h('section', { className: 'figure wide' },
					h('div', { className: 'figure-head' }, h('h3', { id: 'days-title' }, t('daysTitle')), csv('days', t('daysTitle'))),
					h('div', { id: 'days-chart' }, sparkline(perDay, daysLabel)),
					h('p', { className: 'axis-labels meta', 'aria-hidden': 'true' }, h('span', {}, day(period.from)),
						h('span', {}, day(period.to))),
					hiddenTable(t('daysTitle'), [t('colDay'), t('conversations')],
						people.days.map((d) => [day(d.day), number(d.conversations)]))),
				h('section', { className: 'figure wide' },
					h('div', { className: 'figure-head' }, h('h3', { id: 'arrivals-title' }, t('arrivalsTitle')),
						csv('arrivals', t('arrivalsTitle'))),
					h('div', { id: 'arrivals-chart' }, heatMap(people.arrivals, weekdays, t('arrivalsTitle') + ': ' + heatLabel)),
					hiddenTable(t('arrivalsTitle'), [t('colWeekday'), ...Array.from({ length: 24 }, (_, hour) => String(hour).padStart(2, '0'))],
						people.arrivals.map((row, d) => [weekdays[d], ...row.map(number)]))),
				counted('pages', t('pagesTitle'), people.pages, 'pages', (label) => label),
				counted('referrers', t('referrersTitle'), people.referrers, 'referrers', (label) => label || t('directOrUnknown')),
				h('section', { className: 'figure' },
					h('div', { className: 'figure-head' }, h('h3', { id: 'stories-title' }, t('storiesTitle')),
						csv('stories', t('storiesTitle'))),
					people.longest.length ? h('ol', { id: 'stories', className: 'plain-list' }, people.longest.map((story) => h('li', {},
						h('a', { href: '#/customers/' + story.customer }, story.name || t('customer')), ' ',
						h('span', { className: 'meta' }, count('storyConversations', story.conversations), ', ',
							count('storyMessages', story.messages)))))
						: h('p', { id: 'stories', className: 'empty' }, t('noneYet')))));
	}

	// ---- how the shop answers -------------------------------------------------------

	function answersSection(answers) {
		const all = answers.all;
		const asked = answers.byHour.map((row) => row.asked);
		const busiest = answers.byHour.reduce((best, row) => (row.asked > best.asked ? row : best), answers.byHour[0]);
		const hourLabel = t('hoursSummary', { hour: busiest.label, n: number(busiest.asked), waiting: number(all.waiting) });
		const cols = [t('colReplied'), t('colReplyMedian'), t('colReplyP90'), t('colClosed'), t('colCloseMedian'), t('colCloseP90')];
		return h('section', { className: 'insight-part', 'aria-labelledby': 'answers-title' },
			h('h2', { id: 'answers-title' }, t('answersTitle')),
			h('div', { className: 'figure-head' }, h('h3', { className: 'visually-hidden' }, t('answersFacts')),
				csv('answers', t('answersFacts'))),
			h('dl', { id: 'answer-facts', className: 'tiles' },
				tile(t('firstReply'), duration(all.replyMedian), t('p90', { value: duration(all.replyP90) })),
				tile(t('toClose'), duration(all.closeMedian), t('p90', { value: duration(all.closeP90) })),
				tile(t('waitingNoReply'), number(all.waiting), t('repliedOf', { replied: number(all.replied), asked: number(all.asked) }))),
			h('div', { className: 'figures' },
				h('section', { className: 'figure wide' },
					h('div', { className: 'figure-head' }, h('h3', { id: 'hours-title' }, t('hoursTitle')), csv('hours', t('hoursTitle'))),
					h('div', { id: 'hours-chart' }, bars(asked, t('hoursTitle') + ': ' + hourLabel, answers.byHour.map((row) => row.waiting))),
					h('p', { className: 'axis-labels meta', 'aria-hidden': 'true' },
						['00', '06', '12', '18', '23'].map((hour) => h('span', {}, hour))),
					h('p', { className: 'legend meta' }, h('span', { className: 'key asked' }), t('colAsked'), ' ',
						h('span', { className: 'key waiting' }), t('colWaiting')),
					hiddenTable(t('hoursTitle'), [t('colHour'), t('colAsked'), t('colWaiting'), t('colReplyMedian')],
						answers.byHour.map((row) => [row.label, number(row.asked), number(row.waiting), duration(row.replyMedian)]))),
				h('section', { className: 'figure wide' },
					h('div', { className: 'figure-head' }, h('h3', { id: 'staff-title' }, t('byStaffTitle')), csv('staff', t('byStaffTitle'))),
					answers.byStaff.length ? h('div', { className: 'table-scroll', tabIndex: 0, role: 'region', 'aria-labelledby': 'staff-title' },
						h('table', { id: 'staff-table', className: 'figures-table' },
							h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('colStaff')), cols.map((c) => h('th', { scope: 'col' }, c)))),
							h('tbody', {}, answers.byStaff.map((row) => h('tr', {}, h('th', { scope: 'row' }, row.label),
								h('td', {}, number(row.replied)), h('td', {}, duration(row.replyMedian)), h('td', {}, duration(row.replyP90)),
								h('td', {}, number(row.closed)), h('td', {}, duration(row.closeMedian)), h('td', {}, duration(row.closeP90)))))))
						: h('p', { id: 'staff-table', className: 'empty' }, t('noStaff')))));
	}

	load();
	return () => { alive = false; };
}

function tile(name, value, detail) {
	return h('div', { className: 'tile' }, h('dt', {}, name), h('dd', {}, h('span', { className: 'value' }, value),
		detail ? h('span', { className: 'meta' }, detail) : null));
}

function number(n) {
	return Number(n).toLocaleString(dateLocale());
}

// "{n} things" with a singular text (`key + 'One'`) for one.
function count(key, n) {
	return t(n === 1 ? key + 'One' : key, { n: number(n) });
}

// A day of the site's calendar (YYYY-MM-DD), written as the dashboard's language does.
function day(text) {
	const [y, m, d] = String(text).split('-').map(Number);
	return new Date(y, m - 1, d).toLocaleDateString(dateLocale(), { day: 'numeric', month: 'short', year: 'numeric' });
}

// Seconds as s, min or h; none (no reply or close in the period) as a dash.
function duration(seconds) {
	if (seconds === null || seconds === undefined) {
		return t('noValue');
	}
	if (seconds < 60) {
		return t('durSeconds', { n: Math.round(seconds) });
	}
	if (seconds < 3600) {
		return t('durMinutes', { n: Math.round(seconds / 60) });
	}
	return t('durHours', { n: (seconds / 3600).toLocaleString(dateLocale(), { maximumFractionDigits: 1 }) });
}
