// Every text of the dashboard, in /app/locales/<locale>.json (English, German, French,
// Spanish: the widget's four languages). The page loads English and, when it shows another
// language, that table too; a key missing there falls back to English (a test keeps every
// table complete). `{name}` placeholders are filled by `t`.

export const LOCALES = ['en', 'de', 'fr', 'es'];

// Where a staff member's own choice is kept; without one the browser's languages decide.
const CHOICE = 'porchlight.dashboard.locale';

// The one text needed when not even the English table can be fetched.
let english = { unreachable: 'Porchlight cannot be reached right now.' };
let texts = {};
let current = 'en';

// The best supported locale for BCP 47 tags ('de-AT' → 'de'), English otherwise.
export function pickLocale(tags) {
	for (const tag of tags) {
		const language = String(tag || '').toLowerCase().split(/[-_]/)[0];
		if (LOCALES.includes(language)) {
			return language;
		}
	}
	return 'en';
}

export function browserLocale() {
	return pickLocale(navigator.languages || [navigator.language]);
}

export function chosenLocale() {
	try {
		return localStorage.getItem(CHOICE) || '';
	}
	catch {
		return '';
	}
}

// '' forgets the choice (the browser decides again).
export function chooseLocale(locale) {
	try {
		if (locale) {
			localStorage.setItem(CHOICE, locale);
		}
		else {
			localStorage.removeItem(CHOICE);
		}
	}
	catch {
		// Storage refused (private mode): the choice lasts until the page reloads.
	}
}

export function locale() {
	return current;
}

async function table(name) {
	const response = await fetch('/app/locales/' + name + '.json');
	if (!response.ok) {
		throw new Error('texts ' + name + ': ' + response.status);
	}
	return response.json();
}

// Loads the texts before the first view is drawn; English if the other table cannot load.
export async function loadTexts() {
	const wanted = LOCALES.includes(chosenLocale()) ? chosenLocale() : browserLocale();
	english = await table('en');
	texts = english;
	current = 'en';
	if (wanted !== 'en') {
		try {
			texts = await table(wanted);
			current = wanted;
		}
		catch {
			texts = english;
		}
	}
	document.documentElement.lang = current;
}

// Dates and times in the dashboard's language; in the browser's own regional format when
// that is the same language (en-GB keeps its 24-hour clock).
export function dateLocale() {
	return current === browserLocale() ? undefined : current;
}

export function t(key, values) {
	let text = texts[key] ?? english[key] ?? key;
	for (const [name, value] of Object.entries(values || {})) {
		text = text.replaceAll('{' + name + '}', () => String(value));
	}
	return text;
}

// Each language named in itself, for the choice on the account page.
export const NATIVE = { en: 'English', de: 'Deutsch', fr: 'Français', es: 'Español' };
