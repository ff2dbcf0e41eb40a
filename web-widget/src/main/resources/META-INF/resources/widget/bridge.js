// The messages between the loader on the host page (/widget.js) and the chat frame.
// The loader cannot import modules, so it spells the same names; a test in web-widget
// checks that both agree.
export const NS = 'porchlight.widget';

// Host page → frame.
export const TO_FRAME = {
	INIT: 'init', // {locale, page: {url, title, referrer}, open}
	OPEN: 'open',
	CLOSE: 'close',
	IDENTIFY: 'identify', // {id, identity: {externalId, email, name, signature}}
	LOCALE: 'locale', // {locale}
	RESET: 'reset'
};

// Frame → host page.
export const TO_HOST = {
	READY: 'ready',
	CLOSE: 'close', // the visitor closed the chat from inside
	UNREAD: 'unread', // {count}
	MESSAGE: 'message', // {conversationId, from, at}: never the text
	ACTIVE: 'active', // {active}: this browser has conversations, so load the frame early next time
	IDENTIFIED: 'identified' // {id, identity} or {id, error}
};
