// Every text of the dashboard. English is complete; another language is another table
// with the same keys. `{name}` placeholders are filled by `t`.

const EN = {
	appName: 'Porchlight', signIn: 'Sign in', signOut: 'Sign out', email: 'Email', password: 'Password',
	signingIn: 'Signing in…', signInFailed: 'Sign-in failed.', unreachable: 'Porchlight cannot be reached right now.',
	inbox: 'Inbox', search: 'Search', settings: 'Settings', account: 'Your account',
	conversationErased: 'That conversation was erased.', charsLeft: 'Characters left: {n}',
	charsOver: 'Characters over the limit: {n}', displayName: 'Your name',
	displayNameLabel: 'Name shown to colleagues and visitors', backToInbox: '← Inbox', linkCustomer: 'Link to a customer',
	linkExisting: 'Find a customer', linkTo: 'Link to {name}', createAndLink: 'Create customer and link',
	linked: 'Linked to {name}.', shopOpen: '{site}: open', shopClosed: '{site}: closed, visitors see the away message',
	waiting: 'Waiting for reply', open: 'Open', closed: 'Closed', allSites: 'All sites', site: 'Site',
	visitorFrom: 'Visitor from {page}', visitor: 'Visitor', unknownPage: 'an unknown page', unread: '{n} unread',
	typing: 'typing…', isTyping: '{name} is typing…', noConversations: 'No conversations here yet.',
	live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', offline: 'Offline. Retrying in {n} s.',
	retryNow: 'Retry now', stopped: 'Signed out or disconnected. Reload to continue.',
	soundOn: 'Sound on', soundOff: 'Sound off', notifyAsk: 'Desktop notifications',
	newConversation: 'New conversation', newMessage: 'New message', choose: 'Choose a conversation from the inbox.',
	reply: 'Reply', replyLabel: 'Reply to the visitor', send: 'Send', sending: 'Sending…', sent: 'Sent',
	failed: 'Not sent: {reason}', seen: 'Seen', close: 'Close conversation', reopen: 'Reopen',
	closedEvent: 'Conversation closed', reopenedEvent: 'Conversation reopened', export: 'Export transcript',
	context: 'Visitor', page: 'Page', browser: 'Browser', referrer: 'Came from', locale: 'Language', onlineNow: 'On the site now',
	gone: 'Left the site', startedOn: 'Started on', customer: 'Customer', openCustomer: 'Open the customer record',
	tags: 'Tags', addTag: 'Add a tag', add: 'Add', removeTag: 'Remove tag {name}', notes: 'Private notes',
	noteLabel: 'A note for your team (never shown to the visitor)', addNote: 'Add note', draft: 'Draft: {text}',
	profile: 'Profile', name: 'Name', phone: 'Phone', save: 'Save', saved: 'Saved.', story: 'Conversations',
	showTranscript: 'Show the transcript', hideTranscript: 'Hide the transcript', merge: 'Merge into another customer',
	mergeLabel: 'Find the customer to keep', mergeInto: 'Merge into {name}', erase: 'Erase this customer',
	eraseConfirm: 'Erase {name} and every conversation, note and visitor of theirs? This cannot be undone.',
	erased: 'The customer was erased.', merged: 'Merged.', firstSeen: 'First seen', lastSeen: 'Last seen',
	searchLabel: 'Search customers and conversations', searchButton: 'Search', customers: 'Customers',
	conversations: 'Conversations', noResults: 'Nothing found.', more: 'More results', status: 'Status',
	any: 'Any', tag: 'Tag', from: 'From', to: 'To', results: '{n} results', oneResult: '1 result', sites: 'Sites', staff: 'Staff',
	searchHint: 'Words, "an exact phrase", -without, this or that. A customer\'s name, email, phone or id finds their conversations.',
	onSite: 'on {site}', searchLanguage: 'Search language (stems and stop words)',
	english: 'English', german: 'German', french: 'French', spanish: 'Spanish', italian: 'Italian',
	portuguese: 'Portuguese', dutch: 'Dutch', swedish: 'Swedish', danish: 'Danish', norwegian: 'Norwegian', finnish: 'Finnish',
	siteKey: 'Site key', snippet: 'Put this on every page of your site', origins: 'Allowed origins (one per line)',
	identityMode: 'Identity mode', identitySecret: 'Identity secret', rotate: 'Rotate the secret',
	rotateConfirm: 'Rotate the identity secret? Signatures made with the old one stop working at once.',
	hmacHelp: 'Your server signs a token for the signed-in customer with this secret (JWT, HS256, expiring within 24 hours): see docs/security.md.',
	legacyIdentity: 'Also accept legacy signatures (HMAC of the id alone, never expire; only for old integrations)',
	colour: 'Theme colour', position: 'Position', greeting: 'Greeting', awayMessage: 'Away message',
	preChatForm: 'Pre-chat form', typingPreview: 'Staff see drafts while visitors type', right: 'Right', left: 'Left',
	none: 'None', optionalEmail: 'Optional email', requiredEmail: 'Required email', newSite: 'Add a site',
	siteName: 'Name', create: 'Create', role: 'Role', owner: 'Owner', agent: 'Agent', disable: 'Disable',
	enable: 'Enable', resetPassword: 'Reset password', oneTime: 'One-time password for {name}: {password}',
	addStaff: 'Add a staff member', displayName: 'Name', disabled: 'disabled', changePassword: 'Change your password',
	currentPassword: 'Current password', newPassword: 'New password (at least 12 characters)',
	passwordChanged: 'Password changed. Every other session of your account was signed out.',
	mustChange: 'You signed in with a one-time password. Choose your own password to continue.',
	notFound: 'Not found.', error: 'Something went wrong: {message}', assignee: 'Assigned to', nobody: 'Nobody',
	anyone: 'Assigned to anyone', mine: 'Assigned to me', unassigned: 'Unassigned', assign: 'Assign',
	noCanned: 'No canned responses yet. Type /shortcut in a reply to use one.', cannedHint: 'Canned responses for {text}',
	pagesVisited: 'Pages visited', retry: 'Retry', tooLong: 'A reply can be at most {n} characters.', byStatus: 'Conversations by status', hours: 'Business hours',
	zone: 'Time zone', weekly: 'Opening times, one per line, like MONDAY 09:00-17:30', conversationOf: 'Conversation of {date}',
	mergeConfirm: 'Merge {from} into {into}? Everything of {from} moves to {into} and {from} is deleted.',
	identityOff: 'Off: every visitor is anonymous', identityOptional: 'Optional: a valid signature links the customer',
	identityEnforced: 'Enforced: a token is needed every session, a wrong one is refused', canned: 'Canned responses', shortcut: 'Shortcut', text: 'Text', remove: 'Remove', ownerOnly: 'Only the owner changes this.'
};

export function t(key, values) {
	let text = EN[key] || key;
	for (const [name, value] of Object.entries(values || {})) {
		text = text.replaceAll('{' + name + '}', () => String(value));
	}
	return text;
}
