import { dateLocale } from './texts.js';

// Building DOM without HTML strings: every text goes in as a text node, so nothing a
// visitor typed can ever become markup.

export const $ = (id) => document.getElementById(id);

// h('li', {className: 'x', dataset: {id}, onclick}, 'text', child, …)
export function h(tag, props, ...children) {
	const el = document.createElement(tag);
	for (const [key, value] of Object.entries(props || {})) {
		if (value === undefined || value === null || value === false) {
			continue;
		}
		if (key === 'dataset') {
			Object.assign(el.dataset, value);
		}
		else if (key.startsWith('on')) {
			el.addEventListener(key.slice(2), value);
		}
		else if (key in el && !key.includes('-')) {
			el[key] = value;
		}
		else {
			el.setAttribute(key, value === true ? '' : value);
		}
	}
	for (const child of children.flat()) {
		if (child !== null && child !== undefined && child !== false) {
			el.append(child instanceof Node ? child : String(child));
		}
	}
	return el;
}

export function clear(el, ...children) {
	el.textContent = '';
	el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
	return el;
}

export function time(at, withDate) {
	const date = new Date(at);
	const tag = dateLocale();
	const text = withDate ? date.toLocaleString(tag) : date.toLocaleTimeString(tag, { hour: '2-digit', minute: '2-digit' });
	return h('time', { dateTime: at, title: date.toLocaleString(tag) }, text);
}
