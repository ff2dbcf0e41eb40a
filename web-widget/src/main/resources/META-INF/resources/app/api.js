// The REST API as the dashboard uses it: same-origin, session cookie, the CSRF token
// from its cookie on every change. Errors become exceptions carrying the server's code.

import { t } from './texts.js';

export function csrfToken() {
	const match = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='));
	return match ? decodeURIComponent(match.substring('XSRF-TOKEN='.length)) : '';
}

export class ApiError extends Error {
	constructor(status, code, message) {
		super(message || code);
		this.status = status;
		this.code = code;
	}
}

export async function call(method, path, body, retried) {
	const headers = { 'Accept': 'application/json' };
	if (method !== 'GET') {
		headers['X-XSRF-TOKEN'] = csrfToken();
	}
	if (body !== undefined) {
		headers['Content-Type'] = 'application/json';
	}
	let response;
	try {
		response = await fetch(path, {
			method, headers, credentials: 'same-origin',
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	}
	catch (offline) {
		throw new ApiError(0, 'offline', t('unreachable'));
	}
	const text = await response.text();
	let data = {};
	try {
		data = text ? JSON.parse(text) : {};
	}
	catch (notJson) {
		data = {};
	}
	if (response.status === 403 && data.error === 'csrf_token_invalid' && method !== 'GET' && !retried) {
		// The token is bound to the session; a session from before that (or one whose
		// token was replaced) gets a fresh one from GET /api/v1/session. Once.
		await call('GET', '/api/v1/session').catch(() => null);
		return call(method, path, body, true);
	}
	if (!response.ok) {
		throw new ApiError(response.status, data.error || 'http_' + response.status, data.message);
	}
	return data;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body === undefined ? {} : body);
export const put = (path, body) => call('PUT', path, body);
export const patch = (path, body) => call('PATCH', path, body);
export const del = (path) => call('DELETE', path);
