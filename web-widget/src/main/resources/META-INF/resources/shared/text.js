// Message bodies are stored exactly as typed and shown as text: never parsed as HTML or
// markdown. Addresses become links only for http, https and mailto (a bare email address
// too), and every link opens in a new tab without giving it a handle on this page.

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;
const LINK = /\b(?:https?:\/\/[^\s<>"']+|mailto:[^\s<>"']+@[^\s<>"']+|www\.[^\s<>"']+\.[^\s<>"']+|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})/gi;
const TRAILING = /[.,;:!?)\]}]+$/;

export function safeHref(text) {
	let candidate = /^www\./i.test(text) ? 'https://' + text : text;
	if (EMAIL.test(text)) {
		candidate = 'mailto:' + text;
	}
	try {
		const url = new URL(candidate);
		return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null;
	}
	catch (ignored) {
		return null;
	}
}

// Fills `parent` with the body: text nodes, and <a> elements whose text is the address
// as written.
export function renderBody(parent, body) {
	parent.textContent = '';
	let last = 0;
	for (const match of body.matchAll(LINK)) {
		let text = match[0];
		const trailing = text.match(TRAILING);
		if (trailing) {
			text = text.slice(0, -trailing[0].length);
		}
		const href = safeHref(text);
		if (!href) {
			continue;
		}
		parent.append(body.slice(last, match.index));
		const link = document.createElement('a');
		link.href = href;
		link.textContent = text;
		link.target = '_blank';
		link.rel = 'noopener noreferrer';
		parent.append(link);
		last = match.index + text.length;
	}
	parent.append(body.slice(last));
}

// A client id for a message: unique per message, same on every resend.
export function clientId() {
	const bytes = crypto.getRandomValues(new Uint8Array(12));
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
