// An ordinary HTTP service with no tracing code in it: a tiny shop. `npm run demo -- node`
// starts one copy under `node --import @tbpf/trace-host/register` and attaches to another
// while it runs.
//   GET /health         200
//   GET /products       200, the product list
//   GET /orders/<id>    200, 404 for an unknown order, 500 when the database fails
const http = require('node:http');
const db = require('./lib/db.js');

function send(res, status, body) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

const server = http.createServer(async (req, res) => {
  const path = req.url.split('?')[0];
  if (path === '/health') return send(res, 200, { ok: true });
  if (path === '/products') return send(res, 200, await db.query('SELECT * FROM products'));
  const order = /^\/orders\/(\d+)$/.exec(path);
  if (order) {
    try {
      const rows = await db.query('SELECT * FROM orders WHERE id = ?', [Number(order[1])]);
      return rows.length ? send(res, 200, rows[0]) : send(res, 404, { error: 'no such order' });
    } catch (e) {
      return send(res, 500, { error: e.message });
    }
  }
  send(res, 404, { error: 'not found' });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port} (pid ${process.pid})`);
});
