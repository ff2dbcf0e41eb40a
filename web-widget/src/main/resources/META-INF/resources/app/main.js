// The owner's dashboard: sign-in, the shell, the router and the account page. Every view
// builds its DOM with `h` (dom.js): text from visitors and the server is only ever a
// text node.
import { call, get, patch, post } from './api.js';
import { $, h, clear } from './dom.js';
import { NATIVE, LOCALES, browserLocale, chooseLocale, chosenLocale, loadTexts, t } from './texts.js';
import { Inbox } from './inbox.js';
import { showConversation } from './conversation.js';
import { showCustomer } from './customer.js';
import { showInsights } from './insights.js';
import { showSearch } from './search.js';
import { showSettings } from './settings.js';

const app = { me: null, inbox: null, sites: [], team: [], canned: [], leave: null, pending: new Map(),
	sitesChanged: () => showHours() };

// Leaving the page with replies the server has not acknowledged loses them: ask first.
addEventListener('beforeunload', (event) => {
	if ([...app.pending.values()].some((reply) => !reply.acked && !reply.failed)) {
		event.preventDefault();
	}
});

function say(message) {
	$('status').textContent = message || '';
}

async function refresh() {
	const session = await get('/api/v1/session');
	if (session.signedIn) {
		app.me = session.account;
		await enter();
	}
	else {
		showSignIn();
	}
}

function showSignIn() {
	app.me = null;
	if (app.inbox) {
		app.inbox.stop();
		app.inbox = null;
	}
	$('shell').hidden = true;
	$('sign-in-view').hidden = false;
	document.title = t('appName');
	$('email').focus();
}

async function enter() {
	$('sign-in-view').hidden = true;
	$('shell').hidden = false;
	$('me-name').textContent = app.me.displayName;
	if (app.me.passwordMustChange) {
		location.hash = '#/account';
		route();
		return;
	}
	app.sites = await get('/api/v1/sites').catch(() => []);
	showHours();
	app.team = await get('/api/v1/team').catch(() => []);
	app.canned = await get('/api/v1/canned-responses').catch(() => []);
	if (!app.inbox) {
		app.inbox = new Inbox(app, { onSignedOut: showSignIn });
		app.inbox.start();
	}
	route();
}

// Whether each shop with business hours is open now (the widget shows its away state
// while closed), redrawn when the next one opens or closes.
let hoursTimer = 0;

function showHours() {
	clearTimeout(hoursTimer);
	const scheduled = app.sites.filter((site) => site.hoursChangeAt);
	clear($('shop-hours'), scheduled.map((site) => h('span', { className: site.openNow ? 'open' : 'closed',
		dataset: { site: site.id } }, t(site.openNow ? 'shopOpen' : 'shopClosed', { site: site.name }))));
	const next = Math.min(...scheduled.map((site) => Date.parse(site.hoursChangeAt)));
	if (Number.isFinite(next) && next - Date.now() < 2147483647) {
		hoursTimer = setTimeout(async () => {
			app.sites = await get('/api/v1/sites').catch(() => app.sites);
			showHours();
		}, Math.max(1000, next - Date.now() + 1000));
	}
}

$('sign-in').addEventListener('submit', async (event) => {
	event.preventDefault();
	say(t('signingIn'));
	try {
		const session = await call('POST', '/api/v1/session', { email: $('email').value, password: $('password').value });
		say('');
		app.me = session.account;
		await enter();
	}
	catch (error) {
		say(error.message || t('signInFailed'));
	}
	finally {
		$('password').value = '';
	}
});

$('sign-out').addEventListener('click', async () => {
	await call('DELETE', '/api/v1/session').catch(() => null);
	location.hash = '';
	showSignIn();
});

// ---- routing -----------------------------------------------------------------------

function route() {
	if (!app.me) {
		return;
	}
	if (app.leave) {
		app.leave();
		app.leave = null;
	}
	const [path, query] = location.hash.slice(1).split('?');
	const parts = path.split('/').filter(Boolean);
	const params = new URLSearchParams(query || '');
	const view = $('view');
	// On a phone one column shows at a time: the inbox, or what was opened from it.
	document.body.dataset.route = parts[0] || 'inbox';
	document.querySelectorAll('[data-route]').forEach((link) => {
		const current = link.dataset.route === (parts[0] || 'inbox') || (parts[0] === 'c' && link.dataset.route === 'inbox');
		current ? link.setAttribute('aria-current', 'page') : link.removeAttribute('aria-current');
	});
	if (app.me.passwordMustChange && parts[0] !== 'account') {
		location.hash = '#/account';
		return;
	}
	if (parts[0] === 'c' && parts[1]) {
		app.leave = showConversation(view, app, parts[1], Number(params.get('seq') || 0));
	}
	else if (parts[0] === 'customers' && parts[1]) {
		app.leave = showCustomer(view, app, parts[1]);
	}
	else if (parts[0] === 'search') {
		app.leave = showSearch(view, app, params);
	}
	else if (parts[0] === 'insights') {
		app.leave = showInsights(view, app, params);
	}
	else if (parts[0] === 'settings') {
		app.leave = showSettings(view, app);
	}
	else if (parts[0] === 'account') {
		showAccount(view);
	}
	else {
		clear(view, h('p', { className: 'empty' }, t('choose')));
	}
	if (app.inbox) {
		app.inbox.select(parts[0] === 'c' ? parts[1] : null);
	}
	// A new page: the focus goes to it (its heading), unless the view placed it.
	requestAnimationFrame(() => {
		if (!view.contains(document.activeElement) && !$('inbox').contains(document.activeElement)) {
			const heading = view.querySelector('h1');
			if (heading) {
				heading.tabIndex = -1;
				heading.focus();
			}
		}
	});
}

addEventListener('hashchange', route);

// ---- your account ------------------------------------------------------------------

function showAccount(view) {
	const me = app.me;
	const current = h('input', { id: 'current-password', type: 'password', autocomplete: 'current-password', required: true });
	const next = h('input', { id: 'new-password', type: 'password', autocomplete: 'new-password', minLength: 12, required: true });
	const form = h('form', { id: 'change-password', className: 'stack' },
		h('h2', {}, t('changePassword')),
		h('p', { id: 'must-change', hidden: !me.passwordMustChange }, t('mustChange')),
		h('label', { htmlFor: 'current-password' }, t('currentPassword')), current,
		h('label', { htmlFor: 'new-password' }, t('newPassword')), next,
		h('button', { type: 'submit' }, t('changePassword')));
	form.addEventListener('submit', async (event) => {
		event.preventDefault();
		try {
			const forced = app.me.passwordMustChange;
			const session = await post('/api/v1/me/password', { currentPassword: current.value, newPassword: next.value });
			app.me = session.account;
			say(t('passwordChanged'));
			$('must-change').hidden = true;
			if (forced) {
				// The password was all that stood between a new colleague and the inbox.
				location.hash = '#/inbox';
			}
			await enter();
		}
		catch (error) {
			say(error.message);
		}
		finally {
			current.value = '';
			next.value = '';
		}
	});
	// The name colleagues and visitors see; the answer shows next to the form.
	const nameInput = h('input', { id: 'display-name', value: me.displayName, maxLength: 80, required: true,
		autocomplete: 'name' });
	const nameResult = h('p', { id: 'display-name-result', role: 'status' });
	const nameForm = h('form', { id: 'change-name', className: 'stack', hidden: me.passwordMustChange },
		h('h2', {}, t('displayName')), h('label', { htmlFor: 'display-name' }, t('displayNameLabel')), nameInput,
		h('button', { type: 'submit' }, t('save')), nameResult);
	nameForm.addEventListener('submit', async (event) => {
		event.preventDefault();
		nameResult.className = '';
		nameResult.textContent = '';
		try {
			app.me = await patch('/api/v1/me', { displayName: nameInput.value });
			$('me-name').textContent = app.me.displayName;
			$('me-display-name').textContent = app.me.displayName;
			nameResult.textContent = t('saved');
		}
		catch (error) {
			nameResult.className = 'error';
			nameResult.textContent = error.message;
		}
	});
	clear(view, h('section', { id: 'signed-in', className: 'panel' },
		h('h1', {}, t('account')),
		h('dl', { className: 'facts' },
			h('dt', {}, t('name')), h('dd', { id: 'me-display-name' }, me.displayName),
			h('dt', {}, t('email')), h('dd', { id: 'me-email' }, me.email),
			h('dt', {}, t('role')), h('dd', { id: 'me-role' }, me.role === 'OWNER' ? t('owner') : t('agent'))),
		nameForm, languageForm(), form));
}

// The language of the dashboard: the browser's unless this staff member chose one here
// (kept in this browser). Every view draws its texts once, so a change reloads the page.
function languageForm() {
	const select = h('select', { id: 'dashboard-language' },
		h('option', { value: '' }, t('browserLanguage', { name: NATIVE[browserLocale()] })),
		LOCALES.map((code) => h('option', { value: code, lang: code }, NATIVE[code])));
	select.value = chosenLocale();
	select.addEventListener('change', () => {
		chooseLocale(select.value);
		location.reload();
	});
	return h('div', { className: 'stack' },
		h('h2', {}, t('language')), h('label', { htmlFor: 'dashboard-language', className: 'visually-hidden' }, t('language')),
		select);
}

async function start() {
	await loadTexts().catch(() => {});
	// The page's own texts come from the table too.
	document.querySelectorAll('[data-text]').forEach((el) => { el.textContent = t(el.dataset.text); });
	document.querySelectorAll('[data-label]').forEach((el) => el.setAttribute('aria-label', t(el.dataset.label)));
	document.querySelectorAll('[data-placeholder]').forEach((el) => { el.placeholder = t(el.dataset.placeholder); });
	await refresh();
}

start().catch(() => say(t('unreachable')));
