// Pieces shared by the conversation and customer pages: tags, private notes and a
// transcript rendered from protocol events.
import { del, get, post, put } from './api.js';
import { h, clear, time } from './dom.js';
import { renderBody } from '/shared/text.js';
import { renderFiles } from '/shared/attachments.js';
import { locale, t } from './texts.js';

// Tags of a conversation or customer (`base` is its API path).
export function tagsPanel(base, idPrefix) {
	const list = h('ul', { className: 'tags', id: idPrefix + '-tags' });
	const input = h('input', { id: idPrefix + '-tag-input', maxLength: 40, autocomplete: 'off' });
	const error = h('p', { className: 'error', role: 'alert' });
	const draw = (tags) => clear(list, tags.map((tag) => h('li', {},
		h('span', {}, tag),
		h('button', { type: 'button', className: 'plain', 'aria-label': t('removeTag', { name: tag }),
			onclick: () => del(base + '/tags/' + encodeURIComponent(tag)).then(draw, fail) }, '×'))));
	const fail = (e) => { error.textContent = e.message; };
	const form = h('form', { className: 'inline', onsubmit: (event) => {
		event.preventDefault();
		const tag = input.value.trim();
		if (tag) {
			error.textContent = '';
			put(base + '/tags/' + encodeURIComponent(tag)).then((tags) => { input.value = ''; draw(tags); }, fail);
		}
	} }, h('label', { htmlFor: input.id }, t('addTag')), input, h('button', { type: 'submit' }, t('add')));
	get(base + '/tags').then(draw, fail);
	const panel = h('section', { className: 'panel-part', 'aria-labelledby': idPrefix + '-tags-title' },
		h('h3', { id: idPrefix + '-tags-title' }, t('tags')), list, form, error);
	// Tags changed by a colleague arrive live (a `tags` frame).
	panel.draw = draw;
	return panel;
}

// Private notes: staff only, never sent to the visitor.
export function notesPanel(base, idPrefix, authorName) {
	const list = h('ol', { className: 'notes', id: idPrefix + '-notes' });
	const text = h('textarea', { id: idPrefix + '-note-input', rows: 2, maxLength: 4000 });
	const error = h('p', { className: 'error', role: 'alert' });
	const item = (note) => h('li', {}, h('p', { className: 'body' }, note.body),
		h('p', { className: 'meta' }, authorName(note.authorId), ' · ', time(note.at, true)));
	get(base + '/notes').then((notes) => clear(list, notes.map(item)), (e) => { error.textContent = e.message; });
	const form = h('form', { className: 'stack', onsubmit: (event) => {
		event.preventDefault();
		const body = text.value.trim();
		if (!body) {
			return;
		}
		post(base + '/notes', { body }).then((note) => { text.value = ''; list.append(item(note)); },
			(e) => { error.textContent = e.message; });
	} }, h('label', { htmlFor: text.id }, t('noteLabel')), text, h('button', { type: 'submit' }, t('addNote')));
	return h('section', { className: 'panel-part', 'aria-labelledby': idPrefix + '-notes-title' },
		h('h3', { id: idPrefix + '-notes-title' }, t('notes')), list, form, error);
}

// The files of a message (images as thumbnails opening a viewer, others as download
// cards); without a conversation id (a reply not yet acknowledged) names and sizes only.
export function filesOf(files, conversationId) {
	if (!files || !files.length) {
		return null;
	}
	const box = h('div', { className: 'files' });
	// Expired links are refreshed from the conversation's list of files (the session's
	// cookie is the credential).
	renderFiles(box, files, { t, locale, headers: async () => ({}),
		list: conversationId ? '/api/v1/conversations/' + conversationId + '/attachments' : null,
		host: document.querySelector('main.columns') || document.body });
	return box;
}

// One log entry as a list item: a message (as text, links made safe) or a status line.
export function entryItem(entry, visitorName, conversationId) {
	if (entry.kind !== 'message') {
		return h('li', { className: 'system', dataset: { seq: entry.seq } },
			t(entry.kind === 'closed' ? 'closedEvent' : 'reopenedEvent'), ' · ', time(entry.at));
	}
	const fromVisitor = entry.by.kind === 'visitor';
	const body = h('p', { className: 'body', hidden: !entry.message.body });
	renderBody(body, entry.message.body || '');
	// A visitor's answer to a reply email came in by email, not through the chat.
	const byEmail = entry.message.via === 'email';
	return h('li', { className: 'msg ' + (fromVisitor ? 'from-visitor' : 'from-staff'), dataset: { seq: entry.seq } },
		h('p', { className: 'author' }, fromVisitor ? visitorName : (entry.by.name || t('staff'))),
		body, filesOf(entry.message.attachments, conversationId || entry.conversationId),
		h('p', { className: 'meta' }, time(entry.at),
			byEmail ? [' · ', h('span', { className: 'via-email' }, t('byEmail'))] : null));
}
