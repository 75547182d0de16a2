// A plain HTTP server with no tbpf code in it: the tests start it under the preload, or
// attach to it while it runs. GET /state reports what tracing could have changed, so a test can
// check that detaching leaves the process as it was, and that attaching sent it no request.
const dc = require('node:diagnostics_channel');
const http = require('node:http');
const inspector = require('node:inspector');
const db = require('./lib/db.js');

const original = { query: db.query, count: db.count };
// Requests for paths this app does not serve (an attach must not send any).
const strays = [];
const CHANNELS = [
  'http.server.request.start',
  'http.server.response.finish',
  'http.client.request.start',
  'net.server.socket',
  'undici:request:create',
  'child_process',
];

function state() {
  return {
    subscribed: CHANNELS.filter((c) => dc.hasSubscribers(c)),
    listeners: ['exit', 'warning', 'uncaughtExceptionMonitor'].map((e) => process.listenerCount(e)),
    wrapped: Object.keys(original).filter((k) => db[k] !== original[k]),
    inspector: inspector.url() ?? null,
    strays,
  };
}

const server = http.createServer(async (req, res) => {
  if (req.url === '/state') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(state()));
    return;
  }
  if (req.url.startsWith('/users')) {
    const rows = await db.query('select * from users', db.count('users'));
    res.end(JSON.stringify(rows));
    return;
  }
  if (req.url === '/fail') res.statusCode = 500;
  else if (req.url !== '/') strays.push(req.url);
  res.end('ok\n');
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
