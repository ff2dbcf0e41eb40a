// Small charts for the insights page, drawn as inline SVG from numbers: no library, no
// style attributes (the CSP allows none), only SVG presentation attributes. Each chart is
// an image with a spoken summary (aria-label) and a visually hidden table carrying every
// number, so a screen reader gets what the picture shows.
import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';

export function svg(tag, attrs, ...children) {
	const el = document.createElementNS(NS, tag);
	for (const [key, value] of Object.entries(attrs || {})) {
		if (value !== undefined && value !== null) {
			el.setAttribute(key, String(value));
		}
	}
	for (const child of children.flat(Infinity)) {
		if (child !== null && child !== undefined) {
			el.append(child instanceof Node ? child : document.createTextNode(String(child)));
		}
	}
	return el;
}

// The numbers behind a chart, for screen readers: `head` the column names, `rows` arrays.
// (Hidden by a box around it: a table is never narrower than its cells.)
export function hiddenTable(caption, head, rows) {
	return h('div', { className: 'visually-hidden' }, h('table', {}, h('caption', {}, caption),
		h('thead', {}, h('tr', {}, head.map((name) => h('th', { scope: 'col' }, name)))),
		h('tbody', {}, rows.map((row) => h('tr', {}, row.map((cell, i) => (i === 0
			? h('th', { scope: 'row' }, cell) : h('td', {}, cell))))))));
}

function image(className, label, viewBox, children) {
	return svg('svg', { class: 'chart ' + className, role: 'img', 'aria-label': label, viewBox,
		preserveAspectRatio: 'none', focusable: 'false' }, svg('title', {}, label), children);
}

// Vertical bars (one per value), scaled to the largest; `marks` (optional) is a second
// series drawn over the bars from the bottom (e.g. the part still waiting).
export function bars(values, label, marks) {
	const max = Math.max(1, ...values);
	const width = 10;
	return image('bars', label, '0 0 ' + values.length * width + ' 100', values.map((value, i) => [
		svg('rect', { class: 'bar', x: i * width + 1, width: width - 2, y: 100 - value / max * 100,
			height: value / max * 100 }),
		marks && marks[i] ? svg('rect', { class: 'bar-mark', x: i * width + 1, width: width - 2,
			y: 100 - marks[i] / max * 100, height: marks[i] / max * 100 }) : null]));
}

// A line through the values with the area under it; the largest value is marked.
export function sparkline(values, label) {
	const max = Math.max(1, ...values);
	const step = values.length > 1 ? 300 / (values.length - 1) : 300;
	const points = values.map((value, i) => [i * step, 38 - value / max * 34]);
	const line = points.map(([x, y], i) => (i ? 'L' : 'M') + x.toFixed(1) + ' ' + y.toFixed(1)).join(' ');
	return image('sparkline', label, '0 0 300 40', [
		svg('path', { class: 'area', d: line + ' L' + points[points.length - 1][0].toFixed(1) + ' 40 L0 40 Z' }),
		svg('path', { class: 'line', d: line, fill: 'none', 'vector-effect': 'non-scaling-stroke' })]);
}

// The week × hour heat map: 7 rows (Monday first, named by `days`) × 24 hours; the
// darker a cell, the more conversations started then.
export function heatMap(arrivals, days, label) {
	const max = Math.max(1, ...arrivals.flat());
	const cell = 12;
	const left = 34;
	const hours = [0, 6, 12, 18].map((hour) => svg('text', { class: 'axis', x: left + hour * cell, y: 9 },
		String(hour).padStart(2, '0')));
	const rows = arrivals.map((row, day) => [
		svg('text', { class: 'axis', x: 0, y: 14 + day * cell + 9 }, days[day]),
		row.map((count, hour) => svg('rect', { class: count ? 'cell' : 'cell none', x: left + hour * cell,
			y: 14 + day * cell, width: cell - 1, height: cell - 1, 'fill-opacity': count ? (0.2 + 0.8 * count / max).toFixed(2) : null }))]);
	const map = image('heat', label, '0 0 ' + (left + 24 * cell) + ' ' + (14 + 7 * cell), [hours, rows]);
	map.setAttribute('preserveAspectRatio', 'xMinYMin meet');
	return map;
}

// A bar as wide as its share of the largest (the list item holds label and number).
export function meter(value, max) {
	return svg('svg', { class: 'meter', 'aria-hidden': 'true', focusable: 'false' },
		svg('rect', { class: 'track', width: '100%', height: '100%' }),
		svg('rect', { class: 'bar', width: (max && value ? Math.max(1, value / max * 100) : 0).toFixed(1) + '%', height: '100%' }));
}
