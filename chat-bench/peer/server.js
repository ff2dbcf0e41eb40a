// The peer of the benchmark: the usual self-hosted alternative for live chat, a Socket.IO
// server with the Redis adapter, run as several processes on one Redis. It relays what
// Porchlight relays on the live path: a message sent to a conversation is acknowledged to
// its sender and delivered to every socket that follows the conversation, on any process.
// It stores nothing (no log, no de-duplication, no archive): that is the point of a peer
// that is minimal, and the report says so next to every ratio.
'use strict';

const { createServer } = require('node:http');
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { createClient } = require('redis');

const port = Number(process.env.PORT || 3000);
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

async function main() {
	const pub = createClient({ url: redisUrl });
	const sub = pub.duplicate();
	pub.on('error', (err) => console.error('redis', err.message));
	sub.on('error', (err) => console.error('redis', err.message));
	await Promise.all([pub.connect(), sub.connect()]);

	const http = createServer((req, res) => {
		if (req.url === '/health') {
			res.end('ok');
			return;
		}
		if (req.url === '/gc' && typeof global.gc === 'function') {
			// The benchmark collects garbage before it reads memory (started with
			// --expose-gc), as it does on Porchlight's nodes.
			global.gc();
			res.end('collected');
			return;
		}
		res.statusCode = 404;
		res.end();
	});
	const io = new Server(http, {
		adapter: createAdapter(pub, sub),
		transports: ['websocket'],
		serveClient: false,
		maxHttpBufferSize: 16384,
	});

	io.on('connection', (socket) => {
		socket.on('subscribe', (frame) => {
			if (frame && typeof frame.conversationId === 'string') {
				socket.join('c:' + frame.conversationId);
			}
		});
		socket.on('send', (frame) => {
			if (!frame || typeof frame.conversationId !== 'string' || typeof frame.clientId !== 'string') {
				return;
			}
			const at = Date.now();
			socket.emit('ack', { conversationId: frame.conversationId, clientId: frame.clientId, sentAt: at });
			io.to('c:' + frame.conversationId).emit('event', {
				conversationId: frame.conversationId,
				kind: 'message',
				at,
				message: { clientId: frame.clientId, body: frame.body },
			});
		});
	});

	http.listen(port, '127.0.0.1', () => {
		console.log(`peer listening on ${port} (socket.io ${require('socket.io/package.json').version}, node ${process.version})`);
	});
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
