// The widget's texts live in /widget/locales/<locale>.json (English, German, French,
// Spanish); the frame loads only the one it shows, and the server reads the same files
// for the loader's launcher labels. `{n}` and `{name}` are filled in by the translator.

export const LOCALES = ['en', 'de', 'fr', 'es'];

// The best supported locale for BCP 47 tags ('de-AT' → 'de'), English otherwise.
export function pickLocale(...tags) {
	for (const tag of tags) {
		const language = String(tag || '').toLowerCase().split(/[-_]/)[0];
		if (LOCALES.includes(language)) {
			return language;
		}
	}
	return 'en';
}

const loaded = {};

export async function translator(locale) {
	if (!loaded[locale]) {
		const response = await fetch('/widget/locales/' + locale + '.json');
		loaded[locale] = await response.json();
	}
	const texts = loaded[locale];
	return (key, values) => {
		let text = texts[key] || key;
		for (const [name, value] of Object.entries(values || {})) {
			text = text.replaceAll('{' + name + '}', () => value);
		}
		return text;
	};
}
