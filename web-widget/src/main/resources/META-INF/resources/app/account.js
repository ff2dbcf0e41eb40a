// Sign-in, who-am-I, password change and sign-out for the dashboard.
// Text from the server is only ever inserted with textContent.
(function () {
	'use strict';

	const $ = (id) => document.getElementById(id);

	function csrfToken() {
		const match = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='));
		return match ? decodeURIComponent(match.substring('XSRF-TOKEN='.length)) : '';
	}

	async function call(method, path, body) {
		const headers = { 'Accept': 'application/json' };
		if (method !== 'GET') {
			headers['X-XSRF-TOKEN'] = csrfToken();
		}
		if (body !== undefined) {
			headers['Content-Type'] = 'application/json';
		}
		const response = await fetch(path, {
			method: method,
			headers: headers,
			credentials: 'same-origin',
			body: body === undefined ? undefined : JSON.stringify(body)
		});
		const text = await response.text();
		const data = text ? JSON.parse(text) : {};
		return { ok: response.ok, status: response.status, data: data };
	}

	function say(message) {
		$('status').textContent = message;
	}

	function show(session) {
		const signedIn = session.signedIn === true;
		$('sign-in').hidden = signedIn;
		$('signed-in').hidden = !signedIn;
		if (signedIn) {
			const account = session.account;
			$('me-name').textContent = account.displayName;
			$('me-email').textContent = account.email;
			$('me-role').textContent = account.role === 'OWNER' ? 'Owner' : 'Agent';
			$('must-change').hidden = !account.passwordMustChange;
			$('main').dataset.signedIn = account.email;
		}
		else {
			delete $('main').dataset.signedIn;
		}
	}

	async function refresh() {
		const result = await call('GET', '/api/v1/session');
		show(result.data);
	}

	$('sign-in').addEventListener('submit', async (event) => {
		event.preventDefault();
		say('Signing in…');
		const result = await call('POST', '/api/v1/session', {
			email: $('email').value,
			password: $('password').value
		});
		$('password').value = '';
		if (result.ok) {
			say('');
			show(result.data);
		}
		else {
			say(result.data.message || 'Sign-in failed.');
		}
	});

	$('change-password').addEventListener('submit', async (event) => {
		event.preventDefault();
		const result = await call('POST', '/api/v1/me/password', {
			currentPassword: $('current-password').value,
			newPassword: $('new-password').value
		});
		$('current-password').value = '';
		$('new-password').value = '';
		if (result.ok) {
			say('Password changed. Every other session of your account was signed out.');
			show(result.data);
		}
		else {
			say(result.data.message || 'The password was not changed.');
		}
	});

	$('sign-out').addEventListener('click', async () => {
		await call('DELETE', '/api/v1/session');
		say('Signed out.');
		await refresh();
	});

	refresh().catch(() => say('Porchlight cannot be reached right now.'));
})();
