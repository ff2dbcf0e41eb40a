// Files in a conversation (docs/attachments.md), for the widget and the dashboard alike:
// the tray of files being uploaded for the next message, the files of a message (images
// as thumbnails that open a viewer, everything else as a download card) and the viewer.
// The widget loads this module only when the visitor first attaches a file or a message
// with files is shown, so the chat itself stays small. Names and sizes go in as text
// only; links are the server's signed ones, refreshed once they have expired.

export const ACCEPT = 'image/jpeg,image/png,image/webp,image/gif,application/pdf,text/plain';

// Files per message unless the server said otherwise (`maxAttachments` in `welcome`).
export const MAX_FILES = 10;

const STYLE = '/shared/attachments.css';

// The styles, before anything is drawn (the dashboard links them from its page).
if (!document.querySelector('link[href="' + STYLE + '"]')) {
	const link = document.createElement('link');
	link.rel = 'stylesheet';
	link.href = STYLE;
	await new Promise((done) => {
		link.onload = done;
		link.onerror = done;
		document.head.append(link);
	});
}

function el(tag, className, text) {
	const element = document.createElement(tag);
	if (className) {
		element.className = className;
	}
	if (text !== undefined) {
		element.textContent = text;
	}
	return element;
}

const IMAGE = /^image\/(jpeg|png|gif|webp)$/;

// Only the server's own file links are ever put into a page (never another scheme).
function ours(url) {
	return typeof url === 'string' && url.startsWith('/files/') ? url : 'about:blank';
}

// 183204 → "179 kB", in the reader's language.
export function humanSize(bytes, locale) {
	let value = Number(bytes) || 0;
	let unit = 'byte';
	if (value >= 1024 * 1024) {
		value /= 1024 * 1024;
		unit = 'megabyte';
	}
	else if (value >= 1024) {
		value /= 1024;
		unit = 'kilobyte';
	}
	try {
		return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short',
			maximumFractionDigits: unit === 'megabyte' ? 1 : 0 }).format(value);
	}
	catch (ignored) {
		return Math.round(value) + ' ' + unit;
	}
}

// ---- the tray: files for the next message ---------------------------------------

// options: t(key, values), locale(), before (the composer: the tray goes above it),
// target() → the conversation's attachments address (may start the conversation),
// headers() → the credentials' headers, again(status, answer) → whether to try once
// more (a token or CSRF token renewed), onChange().
export function createTray(options) {
	const items = [];
	const box = el('div', 'pl-tray');
	const list = el('ul');
	const note = el('p', 'pl-error');
	note.setAttribute('role', 'alert');
	box.hidden = true;
	box.append(list, note);
	options.before.before(box);

	const tray = {
		conversationId: null,
		add(files) {
			note.textContent = '';
			for (const file of files) {
				const max = (options.maxFiles && options.maxFiles()) || MAX_FILES;
				if (items.length >= max) {
					note.textContent = options.t('tooManyFiles', { n: max });
					break;
				}
				const item = { file };
				items.push(item);
				draw(item);
				upload(item, false);
			}
			changed();
		},
		// What the server took, in the order picked.
		uploaded() {
			return items.filter((item) => item.attachment).map((item) => item.attachment);
		},
		busy() {
			return items.some((item) => item.xhr);
		},
		clear() {
			items.slice().forEach(remove);
			note.textContent = '';
			tray.conversationId = null;
			changed();
		}
	};

	function changed() {
		box.hidden = items.length === 0 && !note.textContent;
		list.setAttribute('aria-label', options.t('attachments'));
		options.onChange();
	}

	function draw(item) {
		const file = item.file;
		const li = el('li');
		if (IMAGE.test(file.type)) {
			item.preview = URL.createObjectURL(file);
			const img = el('img', 'pl-preview');
			img.alt = '';
			img.src = item.preview;
			// The picture is decoded: the address is no longer needed.
			img.onload = () => URL.revokeObjectURL(item.preview);
			li.append(img);
		}
		else {
			li.append(el('span', 'pl-preview pl-icon'));
		}
		const close = el('button', 'pl-remove', '×');
		close.type = 'button';
		close.setAttribute('aria-label', options.t('removeFile', { name: file.name }));
		close.addEventListener('click', () => {
			const next = items[items.indexOf(item) + 1] || items[items.indexOf(item) - 1];
			if (item.attachment) {
				discard(item.attachment.id);
			}
			remove(item);
			changed();
			// The focus stays in the tray, or goes back to where one types.
			(next ? next.li.querySelector('.pl-remove') : options.before.querySelector('textarea')).focus();
		});
		item.progress = el('progress');
		item.progress.max = 1;
		item.progress.value = 0;
		item.progress.setAttribute('aria-label', options.t('uploading', { name: file.name }));
		item.error = el('span', 'pl-error');
		li.append(el('span', 'pl-name', file.name), el('span', 'pl-size', humanSize(file.size, options.locale())),
			item.progress, item.error, close);
		item.li = li;
		list.append(li);
	}

	function remove(item) {
		if (item.xhr && item.xhr.abort) {
			item.xhr.abort();
		}
		item.xhr = null;
		if (item.preview) {
			URL.revokeObjectURL(item.preview);
		}
		item.li.remove();
		items.splice(items.indexOf(item), 1);
	}

	// An uploaded file taken back before sending goes from the server at once (else it
	// would wait for the server's clean-up of unsent uploads).
	async function discard(id) {
		try {
			const url = await options.target();
			await fetch(url + '/' + encodeURIComponent(id), { method: 'DELETE', headers: await options.headers() });
		}
		catch (ignored) {
			// Nothing to tell: the server forgets unsent uploads by itself.
		}
	}

	function failed(item, message) {
		item.xhr = null;
		item.progress.hidden = true;
		item.li.classList.add('pl-failed');
		item.error.textContent = message || options.t('uploadFailed', { name: item.file.name });
		item.error.setAttribute('role', 'alert');
		changed();
	}

	async function upload(item, retried) {
		let url;
		let headers;
		// Marked busy from the start: sending waits for the conversation and the upload.
		item.xhr = item.xhr || true;
		try {
			url = await options.target();
			headers = await options.headers();
		}
		catch (ignored) {
			if (items.includes(item)) {
				failed(item);
			}
			return;
		}
		if (!items.includes(item)) {
			return;
		}
		const xhr = new XMLHttpRequest();
		item.xhr = xhr;
		xhr.open('POST', url + '?name=' + encodeURIComponent(item.file.name));
		xhr.setRequestHeader('Accept', 'application/json');
		if (!item.file.type) {
			// The server finds the type from the content; this only says "bytes".
			xhr.setRequestHeader('Content-Type', 'application/octet-stream');
		}
		for (const [name, value] of Object.entries(headers)) {
			xhr.setRequestHeader(name, value);
		}
		xhr.timeout = 300000;
		xhr.upload.onprogress = (event) => {
			if (event.lengthComputable && event.total > 0) {
				item.progress.value = event.loaded / event.total;
			}
		};
		xhr.onload = async () => {
			let answer = {};
			try {
				answer = JSON.parse(xhr.responseText || '{}');
			}
			catch (ignored) {
				// an answer that is not JSON: said below
			}
			if (xhr.status === 201 || xhr.status === 200) {
				item.xhr = null;
				item.attachment = answer;
				item.progress.hidden = true;
				item.li.classList.add('pl-done');
				changed();
				return;
			}
			if (!retried && await options.again(xhr.status, answer)) {
				upload(item, true);
				return;
			}
			failed(item, answer.message);
		};
		xhr.onerror = () => failed(item);
		xhr.ontimeout = () => failed(item);
		xhr.send(item.file);
		changed();
	}

	return tray;
}

// ---- the files of a message -----------------------------------------------------

// One refresh at a time per conversation, and none again within a few seconds: every
// thumbnail of a long transcript failing at once asks the server once.
const refreshing = new Map();

function expired(attachment) {
	return !attachment.expiresAt || Date.parse(attachment.expiresAt) - 10000 < Date.now();
}

// Fresh links for the files of `list` (updated in place, so every copy of the message
// gets them), from options.list: the address of the conversation's files.
async function freshen(list, options) {
	if (!options.list) {
		return;
	}
	let pending = refreshing.get(options.list);
	if (!pending) {
		pending = options.headers()
			.then((headers) => fetch(options.list, { headers: { 'Accept': 'application/json', ...headers } }))
			.then((response) => (response.ok ? response.json() : []))
			.catch(() => []);
		refreshing.set(options.list, pending);
		pending.then(() => setTimeout(() => refreshing.delete(options.list), 5000));
	}
	const fresh = new Map((await pending).map((a) => [a.id, a]));
	list.forEach((attachment) => Object.assign(attachment, fresh.get(attachment.id) || {}));
}

// Fills `box` with the files of a message. Files without links (a message not yet
// acknowledged) show their name and size only.
// options: t, locale(), list and headers() (see freshen), host (where the viewer goes:
// inside a landmark).
export function renderFiles(box, list, options) {
	box.textContent = '';
	box.classList.add('pl-files');
	for (const attachment of list) {
		box.append(attachment.thumbUrl ? thumbnail(attachment, list, options) : card(attachment, list, options));
	}
}

function thumbnail(attachment, list, options) {
	const button = el('button', 'pl-thumb');
	button.type = 'button';
	const img = el('img');
	img.alt = attachment.name;
	// Laid out before it arrives: the thumbnail's shape, at most 200 pixels.
	const w = attachment.width || 200;
	const h = attachment.height || 200;
	const scale = Math.min(1, 200 / w, 200 / h);
	img.width = Math.max(1, Math.round(w * scale));
	img.height = Math.max(1, Math.round(h * scale));
	img.src = ours(attachment.thumbUrl);
	img.addEventListener('error', async () => {
		// Maybe the link expired while the page was open: once with a fresh one.
		if (!img.dataset.retried) {
			img.dataset.retried = '1';
			await freshen(list, options);
			img.src = ours(attachment.thumbUrl);
		}
	});
	button.setAttribute('aria-label', options.t('viewImage', { name: attachment.name }));
	button.addEventListener('click', async () => {
		if (expired(attachment)) {
			await freshen(list, options);
		}
		openViewer(attachment, button, options);
	});
	button.append(img);
	return button;
}

function card(attachment, list, options) {
	const link = el(attachment.downloadUrl ? 'a' : 'span', 'pl-file');
	link.append(el('span', 'pl-icon'), el('span', 'pl-name', attachment.name),
		el('span', 'pl-size', humanSize(attachment.size, options.locale())));
	if (attachment.downloadUrl) {
		link.href = ours(attachment.downloadUrl);
		link.download = attachment.name;
		link.addEventListener('click', async (event) => {
			if (expired(attachment) && !link.dataset.fresh) {
				event.preventDefault();
				await freshen(list, options);
				link.href = ours(attachment.downloadUrl);
				link.dataset.fresh = '1';
				link.click();
				delete link.dataset.fresh;
			}
		});
	}
	return link;
}

// ---- the viewer -------------------------------------------------------------------

let viewer = null;

// A modal dialog with the picture in full: Escape, the close button or a click on the
// picture or around it closes it, and the focus goes back to the thumbnail.
export function openViewer(attachment, opener, options) {
	if (!viewer || !viewer.dialog.isConnected) {
		viewer = makeViewer(options);
	}
	const v = viewer;
	v.opener = opener;
	v.title.textContent = attachment.name;
	v.img.alt = attachment.name;
	v.img.removeAttribute('src');
	['width', 'height'].forEach((side) => (attachment[side] ? v.img.setAttribute(side, attachment[side])
		: v.img.removeAttribute(side)));
	v.img.src = ours(attachment.url);
	v.download.href = ours(attachment.downloadUrl);
	v.download.download = attachment.name;
	v.download.textContent = options.t('download');
	v.close.setAttribute('aria-label', options.t('closeViewer'));
	v.close.textContent = '×';
	v.dialog.showModal();
	v.close.focus();
}

function makeViewer(options) {
	const dialog = el('dialog', 'pl-viewer');
	dialog.setAttribute('aria-labelledby', 'pl-viewer-title');
	const title = el('h2');
	title.id = 'pl-viewer-title';
	const download = el('a', 'pl-download');
	const close = el('button', 'pl-close');
	close.type = 'button';
	const head = el('div', 'pl-head');
	head.append(title, download, close);
	const img = el('img');
	img.id = 'pl-viewer-image';
	const frame = el('div', 'pl-frame');
	frame.append(img);
	dialog.append(head, frame);
	(options.host || document.body).append(dialog);
	const v = { dialog, title, img, download, close, opener: null };
	const shut = () => dialog.open && dialog.close();
	close.addEventListener('click', shut);
	dialog.addEventListener('click', (event) => {
		if (event.target === dialog || event.target === frame || event.target === img) {
			shut();
		}
	});
	dialog.addEventListener('keydown', (event) => {
		if (event.key === 'Escape') {
			// Only the viewer closes (the widget would close itself on Escape too).
			event.preventDefault();
			event.stopPropagation();
			shut();
		}
		else if (event.key === 'Tab') {
			// The focus stays in the dialog: download link and close button.
			const last = event.shiftKey ? download : close;
			if (document.activeElement === last) {
				event.preventDefault();
				(event.shiftKey ? close : download).focus();
			}
		}
	});
	dialog.addEventListener('close', () => {
		img.removeAttribute('src');
		if (v.opener && v.opener.isConnected) {
			v.opener.focus();
		}
	});
	return v;
}
