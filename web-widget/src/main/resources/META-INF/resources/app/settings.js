// Settings: each site (key and snippet, allowed origins, identity mode and secret, the
// widget's look and texts) and, for the owner, the staff accounts. Every form answers next
// to itself (an `answer` line under its button, cleared at each new try); a one-time
// password stays in its own panel, with a copy button, until it is dismissed.
import { h, clear } from './dom.js';
import { del, get, patch, post, put } from './api.js';
import { t } from './texts.js';

// The search languages a site can have (GET/PATCH /api/v1/sites: searchLanguage).
const LANGUAGES = ['english', 'german', 'french', 'spanish', 'italian', 'portuguese', 'dutch', 'swedish', 'danish',
	'norwegian', 'finnish'];

// A form's own result line: `ok(text)`, `fail(error)`; a new try clears the last answer.
function answer(id) {
	const line = h('p', { id, className: 'answer', role: 'status' });
	return {
		line,
		clear: () => { line.className = 'answer'; line.textContent = ''; },
		ok: (text) => { line.className = 'answer ok'; line.textContent = text; },
		fail: (error) => { line.className = 'answer error'; line.textContent = error.message || String(error); }
	};
}

// A one-time password, shown until dismissed, with a button that copies it.
function oneTimePanel(name, password, dismissed) {
	const copied = h('span', { className: 'answer ok', role: 'status' });
	const panel = h('div', { className: 'one-time', role: 'group', 'aria-label': t('oneTime', { name }) },
		h('p', {}, t('oneTime', { name }), ' ', h('code', { className: 'secret' }, password)),
		h('button', { type: 'button', className: 'secondary', onclick: () => {
			navigator.clipboard.writeText(password).then(() => { copied.textContent = t('copied'); },
				() => getSelection().selectAllChildren(panel.querySelector('code')));
		} }, t('copy')), ' ',
		h('button', { type: 'button', className: 'secondary', onclick: () => { panel.remove(); dismissed(); } }, t('dismiss')),
		' ', copied);
	return panel;
}

export function showSettings(view, app) {
	const owner = app.me.role === 'OWNER';
	const status = answer('settings-status');
	const sites = h('div', { id: 'sites' });
	const staff = h('div', { id: 'staff' });
	// Each one-time password shows in its account's row, kept across redraws of the list.
	const passwords = new Map();
	const canned = h('div', { id: 'canned' });
	const email = h('div', { id: 'email-settings' });
	const files = h('div', { id: 'files-settings' });
	clear(view, h('section', { className: 'settings' }, h('h1', {}, t('settings')), status.line,
		h('h2', {}, t('sites')), owner ? null : h('p', {}, t('ownerOnly')), sites, newSiteForm(),
		owner ? [h('h2', {}, t('emailSection')), email, h('h2', {}, t('filesSection')), files, h('h2', {}, t('staff')),
			staff] : null,
		h('h2', {}, t('canned')), canned));

	// Only a failure to load a list is said at the top: there is no form to say it by.
	const fail = status.fail;

	// `then(forms)` runs on the new forms (a save redraws them, so its answer goes on the new one).
	function loadSites(then) {
		get('/api/v1/sites').then((list) => {
			app.sites = list;
			app.sitesChanged();
			const forms = list.map(siteForm);
			clear(sites, forms.map((f) => f.form));
			if (then) {
				then(forms);
			}
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
		const result = answer(id('answer'));
		const saved = (message) => loadSites((forms) => forms.find((f) => f.site.id === site.id)?.result.ok(message));
		const form = h('form', { className: 'site stack', dataset: { id: site.id }, onsubmit: (event) => {
			event.preventDefault();
			result.clear();
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
			}).then(() => saved(t('saved')), result.fail);
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
					result.clear();
					post('/api/v1/sites/' + site.id + '/identity-secret').then(() => saved(t('rotated')), result.fail);
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
		owner ? h('button', { type: 'submit' }, t('save')) : null, result.line);
		return { site, form, result };
	}

	function newSiteForm() {
		if (!owner) {
			return null;
		}
		const name = h('input', { id: 'new-site-name', required: true, maxLength: 80 });
		const origins = h('textarea', { id: 'new-site-origins', rows: 3, placeholder: 'https://shop.example' });
		const result = answer('new-site-answer');
		return h('form', { className: 'inline', onsubmit: (event) => {
			event.preventDefault();
			result.clear();
			post('/api/v1/sites', { name: name.value, allowedOrigins: origins.value.split(/\s+/).filter(Boolean) })
				.then((site) => {
					name.value = '';
					origins.value = '';
					result.ok(t('siteCreated', { name: site.name }));
					loadSites();
					loadEmail();
					loadFiles();
				}, result.fail);
		} }, h('h3', {}, t('newSite')), h('label', { htmlFor: 'new-site-name' }, t('siteName')), name,
		h('label', { htmlFor: 'new-site-origins' }, t('origins')), origins, h('button', { type: 'submit' }, t('create')),
		result.line);
	}

	// Email continuity (owner): whether replies to visitors who left are emailed and
	// through which server, a test email, and each site's sender name and address.
	function loadEmail() {
		Promise.all([get('/api/v1/email'), get('/api/v1/sites')]).then(([mail, list]) => {
			const testResult = answer('email-test-answer');
			const at = (server) => server.host + ':' + server.port;
			const delay = mail.offlineDelaySeconds;
			const fact = (id, term, value) => [h('dt', {}, term), h('dd', { id }, value)];
			clear(email, h('div', { className: 'site stack' },
				h('p', { id: 'email-sending', className: mail.sending ? 'answer ok' : 'answer error' },
					t(mail.sending ? 'emailOn' : 'emailOff')),
				h('dl', { className: 'facts' },
					fact('email-address', t('emailAddress'), mail.address),
					fact('email-smtp', t('emailServer'), mail.smtp ? at(mail.smtp) : t('none')),
					fact('email-delay', t('emailDelay'), delay % 60 === 0 && delay > 0
						? t('minutes', { n: delay / 60 }) : t('seconds', { n: delay })),
					fact('email-imap', t('emailImap'), mail.imap ? t('onAt', { name: at(mail.imap) }) : t('off')),
					fact('email-webhook', t('emailWebhook'), mail.webhook ? t('on') : t('off'))),
				(mail.smtp && mail.smtp.embedded) || (mail.imap && mail.imap.embedded)
					? h('div', { id: 'email-local', className: 'help' }, h('p', {}, t('emailLocal')), mail.imap
						? h('dl', { className: 'facts' },
							fact('email-local-imap', t('emailImap'), at(mail.imap)),
							fact('email-local-user', t('emailUser'), h('code', {}, mail.imap.username)),
							mail.imap.password ? fact('email-local-password', t('password'),
								h('code', { className: 'secret' }, mail.imap.password)) : null) : null)
					: null,
				h('div', {}, h('button', { type: 'button', id: 'email-test', className: 'secondary', onclick: () => {
					testResult.clear();
					post('/api/v1/email/test').then((r) => (r.sent ? testResult.ok(t('testSent', { name: r.to }))
						: testResult.fail({ message: t('failed', { reason: r.reason || '—' }) })), testResult.fail);
				} }, t('sendTest')), ' ', testResult.line)),
			list.map(siteEmailForm));
		}, fail);
	}

	// Files (owner): whether each site keeps pictures as they were uploaded (metadata such
	// as a photo's location included) beside the cleaned copy everybody sees.
	function loadFiles() {
		get('/api/v1/sites').then((list) => clear(files, h('p', { className: 'help' }, t('filesHelp')),
			list.map(siteFilesForm)), fail);
	}

	function siteFilesForm(site) {
		const id = 'site-' + site.id + '-keep-originals';
		const keep = h('input', { id, type: 'checkbox' });
		const result = answer(id + '-answer');
		get('/api/v1/sites/' + site.id + '/attachments').then((policy) => { keep.checked = policy.keepOriginals; },
			result.fail);
		return h('form', { className: 'site stack', dataset: { id: site.id }, onsubmit: (event) => {
			event.preventDefault();
			result.clear();
			put('/api/v1/sites/' + site.id + '/attachments', { keepOriginals: keep.checked }).then((policy) => {
				keep.checked = policy.keepOriginals;
				result.ok(t('saved'));
			}, result.fail);
		} }, h('h3', {}, site.name),
		h('div', {}, keep, ' ', h('label', { htmlFor: id }, t('keepOriginals'))),
		h('button', { type: 'submit' }, t('save')), result.line);
	}

	function siteEmailForm(site) {
		const id = (name) => 'site-' + site.id + '-' + name;
		const fromName = h('input', { id: id('from-name'), maxLength: 80, placeholder: site.name });
		const address = h('input', { id: id('email-address'), type: 'email', maxLength: 254 });
		const effective = h('p', { id: id('email-effective'), className: 'help' });
		const result = answer(id('email-answer'));
		const show = (settings) => {
			fromName.value = settings.fromName || '';
			address.value = settings.address || '';
			address.placeholder = settings.effectiveAddress;
			effective.textContent = t('emailUsed', { name: settings.effectiveAddress });
		};
		get('/api/v1/sites/' + site.id + '/email').then(show, result.fail);
		return h('form', { className: 'site stack', dataset: { id: site.id }, onsubmit: (event) => {
			event.preventDefault();
			result.clear();
			put('/api/v1/sites/' + site.id + '/email', { fromName: fromName.value.trim() || null,
				address: address.value.trim() || null }).then((settings) => {
				show(settings);
				result.ok(t('saved'));
			}, (error) => result.fail({ message: error.code === 'address_in_use' ? t('addressInUse')
				: error.code === 'invalid_email' ? t('badAddress') : error.message }));
		} }, h('h3', {}, t('siteEmail', { name: site.name })),
		h('label', { htmlFor: id('from-name') }, t('fromName')), fromName,
		h('label', { htmlFor: id('email-address') }, t('shopAddress')), address, effective,
		h('button', { type: 'submit' }, t('save')), result.line);
	}

	function showPassword(account, password) {
		passwords.set(account.id, oneTimePanel(account.displayName, password, () => passwords.delete(account.id)));
		loadStaff(() => passwords.get(account.id)?.querySelector('button').focus());
	}

	function loadStaff(then) {
		get('/api/v1/accounts').then((accounts) => {
			clear(staff, h('ul', { className: 'plain-list', id: 'staff-list' }, accounts.map(staffRow)), addStaffForm());
			if (then) {
				then();
			}
		}, fail);
	}

	function staffRow(a) {
		const result = answer('staff-' + a.id + '-answer');
		const act = (path, then) => () => {
			result.clear();
			post('/api/v1/accounts/' + a.id + path).then(then, result.fail);
		};
		const reset = (r) => showPassword(a, r.oneTimePassword);
		return h('li', { dataset: { id: a.id } },
			h('span', {}, a.displayName, ' · ', a.email, ' · ', a.role === 'OWNER' ? t('owner') : t('agent'),
				a.enabled ? '' : ' · ' + t('disabled')), ' ',
			a.id === app.me.id ? null : [
				h('button', { type: 'button', className: 'secondary', onclick: act(a.enabled ? '/disable' : '/enable', () => loadStaff()) },
					a.enabled ? t('disable') : t('enable')), ' ',
				h('button', { type: 'button', className: 'secondary',
					onclick: act('/password-reset', reset) }, t('resetPassword'))],
			result.line, passwords.get(a.id));
	}

	function addStaffForm() {
		const email = h('input', { id: 'new-staff-email', type: 'email', required: true });
		const name = h('input', { id: 'new-staff-name', required: true, maxLength: 80 });
		const role = h('select', { id: 'new-staff-role' }, h('option', { value: 'AGENT' }, t('agent')), h('option', { value: 'OWNER' }, t('owner')));
		const result = answer('new-staff-answer');
		return h('form', { className: 'inline', onsubmit: (event) => {
			event.preventDefault();
			result.clear();
			post('/api/v1/accounts', { email: email.value, displayName: name.value, role: role.value }).then((r) => {
				showPassword(r.account, r.oneTimePassword);
			}, result.fail);
		} }, h('h3', {}, t('addStaff')), h('label', { htmlFor: 'new-staff-email' }, t('email')), email,
		h('label', { htmlFor: 'new-staff-name' }, t('staffName')), name,
		h('label', { htmlFor: 'new-staff-role' }, t('role')), role, h('button', { type: 'submit' }, t('add')),
		result.line);
	}

	function loadCanned() {
		get('/api/v1/canned-responses').then((list) => {
			app.canned = list;
			const shortcut = h('input', { id: 'new-canned-shortcut', required: true, maxLength: 31, placeholder: 'shipping' });
			const body = h('textarea', { id: 'new-canned-body', required: true, rows: 2, maxLength: 4000 });
			const result = answer('new-canned-answer');
			clear(canned,
				list.length ? h('ul', { className: 'plain-list', id: 'canned-list' }, list.map((c) => h('li', {},
					h('strong', {}, '/' + c.shortcut), ' ', c.body, ' ',
					h('button', { type: 'button', className: 'secondary', 'aria-label': t('remove') + ' /' + c.shortcut,
						onclick: () => del('/api/v1/canned-responses/' + c.id).then(loadCanned, result.fail) }, t('remove')))))
					: h('p', {}, t('noCanned')),
				h('form', { className: 'inline', onsubmit: (event) => {
					event.preventDefault();
					result.clear();
					post('/api/v1/canned-responses', { shortcut: shortcut.value, body: body.value }).then(loadCanned, result.fail);
				} }, h('label', { htmlFor: 'new-canned-shortcut' }, t('shortcut')), shortcut,
				h('label', { htmlFor: 'new-canned-body' }, t('text')), body, h('button', { type: 'submit' }, t('add')),
				result.line));
		}, fail);
	}

	loadSites();
	loadCanned();
	if (owner) {
		loadEmail();
		loadFiles();
		loadStaff();
	}
	return null;
}
