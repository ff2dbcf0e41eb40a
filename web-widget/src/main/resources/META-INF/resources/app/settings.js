// Settings: each site (key and snippet, allowed origins, identity mode and secret, the
// widget's look and texts) and, for the owner, the staff accounts.
import { h, clear } from './dom.js';
import { del, get, patch, post } from './api.js';
import { t } from './texts.js';

// The search languages a site can have (GET/PATCH /api/v1/sites: searchLanguage).
const LANGUAGES = ['english', 'german', 'french', 'spanish', 'italian', 'portuguese', 'dutch', 'swedish', 'danish',
	'norwegian', 'finnish'];

export function showSettings(view, app) {
	const owner = app.me.role === 'OWNER';
	const status = h('p', { id: 'settings-status', className: 'status-line', role: 'status' });
	const sites = h('div', { id: 'sites' });
	const staff = h('div', { id: 'staff' });
	const canned = h('div', { id: 'canned' });
	clear(view, h('section', { className: 'settings' }, h('h1', {}, t('settings')), status,
		h('h2', {}, t('sites')), owner ? null : h('p', {}, t('ownerOnly')), sites, newSiteForm(),
		owner ? [h('h2', {}, t('staff')), staff] : null, h('h2', {}, t('canned')), canned));

	const fail = (error) => { status.textContent = error.message; };

	function loadSites() {
		get('/api/v1/sites').then((list) => {
			app.sites = list;
			app.sitesChanged();
			clear(sites, list.map(siteForm));
		}, fail);
	}

	function siteForm(site) {
		const id = (name) => 'site-' + site.id + '-' + name;
		const input = (name, label, value, props) => [h('label', { htmlFor: id(name) }, label),
			h('input', { id: id(name), name, value: value || '', disabled: !owner, ...props })];
		const select = (name, label, value, options) => [h('label', { htmlFor: id(name) }, label),
			h('select', { id: id(name), name, disabled: !owner }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)))];
		const w = site.widget;
		const snippet = '<script src="' + location.origin + '/widget.js" data-site="' + site.siteKey + '" async></script>';
		const form = h('form', { className: 'site stack', dataset: { id: site.id }, onsubmit: (event) => {
			event.preventDefault();
			const data = new FormData(form);
			// Only a change of language re-indexes the site's archive.
			const language = data.get('searchLanguage') !== site.searchLanguage ? { searchLanguage: data.get('searchLanguage') } : {};
			patch('/api/v1/sites/' + site.id, {
				...language,
				name: data.get('name'),
				allowedOrigins: String(data.get('origins')).split(/\s+/).filter(Boolean),
				identityMode: data.get('identityMode'),
				legacyIdentity: data.get('legacyIdentity') === 'on',
				widget: { colour: data.get('colour'), position: data.get('position'), greeting: data.get('greeting'),
					awayMessage: data.get('awayMessage'), preChatForm: data.get('preChatForm'),
					typingPreview: data.get('typingPreview') === 'on',
					businessHours: { zone: data.get('hoursZone'),
						weekly: String(data.get('hoursWeekly')).split('\n').map((line) => line.trim()).filter(Boolean) } }
			}).then(() => { status.textContent = t('saved'); loadSites(); }, fail);
		} },
		h('h3', {}, site.name),
		h('p', {}, t('siteKey'), ': ', h('code', {}, site.siteKey)),
		h('label', { htmlFor: id('snippet') }, t('snippet')),
		h('textarea', { id: id('snippet'), readOnly: true, rows: 2, className: 'code', value: snippet }),
		input('name', t('siteName'), site.name, { maxLength: 80 }),
		h('label', { htmlFor: id('origins') }, t('origins')),
		h('textarea', { id: id('origins'), name: 'origins', rows: 3, disabled: !owner, value: site.allowedOrigins.join('\n') }),
		select('searchLanguage', t('searchLanguage'), site.searchLanguage, LANGUAGES.map((l) => [l, t(l)])),
		select('identityMode', t('identityMode'), site.identityMode, [['OFF', t('identityOff')],
			['OPTIONAL', t('identityOptional')], ['ENFORCED', t('identityEnforced')]]),
		owner ? [h('p', {}, t('identitySecret'), ': ', h('code', { className: 'secret' }, site.identitySecret)),
			h('p', { className: 'help' }, t('hmacHelp')),
			h('pre', { className: 'code' }, "// Node.js, on your server (npm install jsonwebtoken)\n"
				+ "const token = require('jsonwebtoken').sign({ sub: String(customer.id), email, name },\n"
				+ "  IDENTITY_SECRET, { algorithm: 'HS256', expiresIn: '1h' });\n"
				+ "// on the page: Porchlight('identify', { token });"),
			h('label', { className: 'check' }, h('input', { type: 'checkbox', name: 'legacyIdentity', checked: site.legacyIdentity, disabled: !owner }), ' ', t('legacyIdentity')),
			h('button', { type: 'button', className: 'secondary', onclick: () => {
				if (confirm(t('rotateConfirm'))) {
					post('/api/v1/sites/' + site.id + '/identity-secret').then(loadSites, fail);
				}
			} }, t('rotate'))] : null,
		input('colour', t('colour'), w.colour, { type: 'color' }),
		select('position', t('position'), w.position, [['RIGHT', t('right')], ['LEFT', t('left')]]),
		input('greeting', t('greeting'), w.greeting, { maxLength: 500 }),
		input('awayMessage', t('awayMessage'), w.awayMessage, { maxLength: 500 }),
		select('preChatForm', t('preChatForm'), w.preChatForm, [['NONE', t('none')], ['OPTIONAL_EMAIL', t('optionalEmail')], ['REQUIRED_EMAIL', t('requiredEmail')]]),
		h('label', { className: 'check' }, h('input', { type: 'checkbox', name: 'typingPreview', checked: w.typingPreview, disabled: !owner }), ' ', t('typingPreview')),
		h('fieldset', {}, h('legend', {}, t('hours')),
			input('hoursZone', t('zone'), w.businessHours.zone, { maxLength: 64 }),
			h('label', { htmlFor: id('hoursWeekly') }, t('weekly')),
			h('textarea', { id: id('hoursWeekly'), name: 'hoursWeekly', rows: 3, disabled: !owner,
				value: w.businessHours.weekly.join('\n') })),
		owner ? h('button', { type: 'submit' }, t('save')) : null);
		return form;
	}

	function newSiteForm() {
		if (!owner) {
			return null;
		}
		const name = h('input', { id: 'new-site-name', required: true, maxLength: 80 });
		const origins = h('input', { id: 'new-site-origins', placeholder: 'https://shop.example' });
		return h('form', { className: 'inline', onsubmit: (event) => {
			event.preventDefault();
			post('/api/v1/sites', { name: name.value, allowedOrigins: origins.value.split(/\s+/).filter(Boolean) })
				.then(() => { name.value = ''; origins.value = ''; loadSites(); }, fail);
		} }, h('h3', {}, t('newSite')), h('label', { htmlFor: 'new-site-name' }, t('siteName')), name,
		h('label', { htmlFor: 'new-site-origins' }, t('origins')), origins, h('button', { type: 'submit' }, t('create')));
	}

	function loadStaff() {
		get('/api/v1/accounts').then((accounts) => clear(staff,
			h('ul', { className: 'plain-list', id: 'staff-list' }, accounts.map((a) => h('li', {},
				h('span', {}, a.displayName, ' · ', a.email, ' · ', a.role === 'OWNER' ? t('owner') : t('agent'),
					a.enabled ? '' : ' · ' + t('disabled')), ' ',
				a.id === app.me.id ? null : [
					h('button', { type: 'button', className: 'secondary', onclick: () => post('/api/v1/accounts/' + a.id + (a.enabled ? '/disable' : '/enable')).then(loadStaff, fail) },
						a.enabled ? t('disable') : t('enable')), ' ',
					h('button', { type: 'button', className: 'secondary', onclick: () => post('/api/v1/accounts/' + a.id + '/password-reset')
						.then((r) => { status.textContent = t('oneTime', { name: a.displayName, password: r.oneTimePassword }); }, fail) },
					t('resetPassword'))]))),
			addStaffForm()), fail);
	}

	function addStaffForm() {
		const email = h('input', { id: 'new-staff-email', type: 'email', required: true });
		const name = h('input', { id: 'new-staff-name', required: true, maxLength: 80 });
		const role = h('select', { id: 'new-staff-role' }, h('option', { value: 'AGENT' }, t('agent')), h('option', { value: 'OWNER' }, t('owner')));
		return h('form', { className: 'inline', onsubmit: (event) => {
			event.preventDefault();
			post('/api/v1/accounts', { email: email.value, displayName: name.value, role: role.value }).then((r) => {
				status.textContent = t('oneTime', { name: r.account.displayName, password: r.oneTimePassword });
				email.value = '';
				name.value = '';
				loadStaff();
			}, fail);
		} }, h('h3', {}, t('addStaff')), h('label', { htmlFor: 'new-staff-email' }, t('email')), email,
		h('label', { htmlFor: 'new-staff-name' }, t('displayName')), name,
		h('label', { htmlFor: 'new-staff-role' }, t('role')), role, h('button', { type: 'submit' }, t('add')));
	}

	function loadCanned() {
		get('/api/v1/canned-responses').then((list) => {
			app.canned = list;
			const shortcut = h('input', { id: 'new-canned-shortcut', required: true, maxLength: 31, placeholder: 'shipping' });
			const body = h('textarea', { id: 'new-canned-body', required: true, rows: 2, maxLength: 4000 });
			clear(canned,
				list.length ? h('ul', { className: 'plain-list', id: 'canned-list' }, list.map((c) => h('li', {},
					h('strong', {}, '/' + c.shortcut), ' ', c.body, ' ',
					h('button', { type: 'button', className: 'secondary', 'aria-label': t('remove') + ' /' + c.shortcut,
						onclick: () => del('/api/v1/canned-responses/' + c.id).then(loadCanned, fail) }, t('remove')))))
					: h('p', {}, t('noCanned')),
				h('form', { className: 'inline', onsubmit: (event) => {
					event.preventDefault();
					post('/api/v1/canned-responses', { shortcut: shortcut.value, body: body.value }).then(loadCanned, fail);
				} }, h('label', { htmlFor: 'new-canned-shortcut' }, t('shortcut')), shortcut,
				h('label', { htmlFor: 'new-canned-body' }, t('text')), body, h('button', { type: 'submit' }, t('add'))));
		}, fail);
	}

	loadSites();
	loadCanned();
	if (owner) {
		loadStaff();
	}
	return null;
}
