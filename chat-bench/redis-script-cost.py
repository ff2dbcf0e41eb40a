#!/usr/bin/env python3
"""Redis CPU per call of the live path's append script, this tree against another commit,
on a Redis of its own (the embedded-redis binary from ~/.m2, append-only file on, two
subscribers reading every event as two nodes would). No node, no network peer: only what
Redis spends per append, from /proc/PID/stat, and INFO commandstats of the script's calls.

Usage: chat-bench/redis-script-cost.py [BASE_COMMIT] [ROUNDS]   (defaults: HEAD~1, 5)
Rounds alternate base and tree; each round appends 40,000 messages (after 4,000 to warm up)
over 1,000 conversations, pipelined 200 at a time."""
import glob, os, shutil, socket, subprocess, sys, tempfile, threading, time, uuid, zipfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE = sys.argv[1] if len(sys.argv) > 1 else 'HEAD~1'
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
PORT = 7399


def resp(*args):
    out = [b'*%d\r\n' % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(b'$%d\r\n%s\r\n' % (len(b), b))
    return b''.join(out)


class Conn:
    def __init__(self):
        self.s = socket.create_connection(('127.0.0.1', PORT), timeout=60)
        self.f = self.s.makefile('rb')

    def send(self, data):
        self.s.sendall(data)

    def read(self):
        line = self.f.readline()
        kind, rest = line[:1], line[1:-2]
        if kind in (b'+', b':'):
            return rest
        if kind == b'-':
            raise RuntimeError(rest.decode())
        if kind == b'$':
            n = int(rest)
            return None if n < 0 else self.f.read(n + 2)[:-2]
        if kind == b'*':
            return [self.read() for _ in range(max(int(rest), 0))]
        raise RuntimeError('not RESP: %r' % line)

    def call(self, *args):
        self.send(resp(*args))
        return self.read()


def script(rev):
    def text(name):
        path = 'chat-persistence/src/main/resources/redis/%s.lua' % name
        if rev is None:
            return open(os.path.join(REPO, path)).read()
        return subprocess.check_output(['git', '-C', REPO, 'show', '%s:%s' % (rev, path)], text=True)
    # As LiveScripts builds it: the shared helpers in front.
    return text('live') + '\n' + text('append')


def cpu_seconds(pid):
    fields = open('/proc/%d/stat' % pid).read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def drain(conn):
    try:
        while conn.s.recv(1 << 20):
            pass
    except OSError:
        pass


def run(pid, lua, label, conversations=1000, n=40000, batch=200):
    c = Conn()
    c.call('FLUSHALL')
    sha = c.call('SCRIPT', 'LOAD', lua).decode()
    ids = [str(uuid.uuid4()) for _ in range(conversations)]
    site = str(uuid.uuid4())
    now = int(time.time() * 1000)
    for cid in ids:
        c.call('HSET', 'pl:{c:%s}:meta' % cid, 'site', site, 'visitor', str(uuid.uuid4()), 'status', 'OPEN',
               'seq', '0', 'pub', '0', 'ver', '0', 'startedAt', now, 'lastActivity', now,
               'ctxUrl', 'https://shop.example/rings', 'ctxTitle', 'Rings', 'ctxLocale', 'en')
    subscribers = []
    for _ in range(2):
        s = Conn()
        s.send(resp('PSUBSCRIBE', 'pl:{c:*}:events') + resp('SUBSCRIBE', 'pl:inbox:events'))
        threading.Thread(target=drain, args=(s,), daemon=True).start()
        subscribers.append(s)
    time.sleep(0.2)
    body = 'Do you still have the ankh pendant in silver, size M?'

    def append(i):
        cid = ids[i % conversations]
        visitor = 'v' + cid[:8]
        # Every limit the node counts for a visitor: their own, their address's (one
        # address for all, as a load from one machine; a script before it ignores the
        # eighth key and the last two arguments) and the site's.
        return resp('EVALSHA', sha, 8, 'pl:{c:%s}:meta' % cid, 'pl:{c:%s}:log' % cid, 'pl:{c:%s}:dedup' % cid,
                    'pl:rl:visitor:' + visitor, 'pl:inbox', 'pl:archive:pending:%d' % (i % 16), 'pl:rl:site:' + site,
                    'pl:rl:address:127.0.0.1',
                    'm%d' % i, 'VISITOR', visitor, body, now + i, body, cid, 'pl:{c:%s}:events' % cid,
                    'pl:inbox:events', '1000000', '60000', '1', '100000000', '60000', '',
                    'VISITOR:%s:m%d' % (visitor, i), '100000000', '60000')

    def burst(first, count):
        last = None
        for start in range(first, first + count, batch):
            c.send(b''.join(append(i) for i in range(start, start + batch)))
            for _ in range(batch):
                last = c.read()
        if last[0] != b'1':
            raise RuntimeError('the append script answered %r' % last)

    burst(0, 4000)
    c.call('CONFIG', 'RESETSTAT')
    before, started = cpu_seconds(pid), time.time()
    burst(4000, n)
    used, took = cpu_seconds(pid) - before, time.time() - started
    stats = c.call('INFO', 'commandstats').decode()
    calls = sum(int(line.split('calls=')[1].split(',')[0]) for line in stats.splitlines()
                if line.startswith('cmdstat_') and not line.startswith(('cmdstat_evalsha', 'cmdstat_config')))
    inside = [line for line in stats.splitlines() if line.startswith('cmdstat_evalsha')][0]
    print('%-6s %6.1f us of Redis CPU per append, %4.1f commands inside, script %s us per call (%.0f appends/s)'
          % (label, used / n * 1e6, calls / n, inside.split('usec_per_call=')[1].split(',')[0], n / took), flush=True)
    for s in subscribers:
        s.s.close()
    c.s.close()


def redis_binary(workdir):
    jars = sorted(glob.glob(os.path.expanduser('~/.m2/repository/com/github/codemonstur/embedded-redis/*/embedded-redis-*.jar')))
    if not jars:
        sys.exit('embedded-redis is not in ~/.m2: build the project once (mvn -DskipTests install)')
    with zipfile.ZipFile(jars[-1]) as jar:
        name = [n for n in jar.namelist() if n.startswith('redis-server-6.2') and n.endswith('linux-amd64')][0]
        path = jar.extract(name, workdir)
    os.chmod(path, 0o755)
    return path


def main():
    workdir = tempfile.mkdtemp(prefix='redis-script-cost-')
    try:
        data = os.path.join(workdir, 'data')
        os.makedirs(data)
        server = subprocess.Popen([redis_binary(workdir), '--port', str(PORT), '--appendonly', 'yes',
                                   '--appendfsync', 'everysec', '--dir', data, '--save', ''], stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        try:
            base, tree = script(BASE), script(None)
            print('base = %s, tree = the working tree' % BASE)
            for _ in range(ROUNDS):
                run(server.pid, base, 'base')
                run(server.pid, tree, 'tree')
        finally:
            server.terminate()
            server.wait(10)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


main()
