import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundleEntries, type Entries } from '../../../packages/trace-host/src/testing/node-processes.js';
import { runNodeDemo } from './node-story.js';

let entries: Entries;
let runtimeDir: string;
const saved = process.env.XDG_RUNTIME_DIR;

beforeAll(async () => {
  entries = await bundleEntries();
  // The demo's sockets in a folder of their own.
  runtimeDir = mkdtempSync(path.join(tmpdir(), 'tbpf-demo-xdg-'));
  process.env.XDG_RUNTIME_DIR = runtimeDir;
}, 60_000);

afterAll(() => {
  if (saved === undefined) delete process.env.XDG_RUNTIME_DIR;
  else process.env.XDG_RUNTIME_DIR = saved;
  rmSync(runtimeDir, { recursive: true, force: true });
  rmSync(entries.dir, { recursive: true, force: true });
});

describe('the Node.js demo', () => {
  test('counts what the client saw, pipes only errors, traces the attached copy and detaches', async () => {
    // Node's inspector port taken (by this test, or by whoever has it): the copy attached to is
    // told to take any free port instead.
    const holder = createServer();
    await new Promise<void>((resolve) => {
      holder.once('error', () => resolve());
      holder.listen(9229, '127.0.0.1', () => resolve());
    });
    let text = '';
    const report = await runNodeDemo(
      { requests: 300, concurrency: 8, register: entries.register, hostModule: entries.attachEntry },
      (t) => {
        text += t;
      },
    ).finally(() => holder.close());
    expect(text).toContain('$ node --inspect-port=0 server.js    # 9229 is taken\n');
    // The filter inside the service counted exactly the responses the load generator received.
    expect(report.counts).toEqual(report.load.statuses);
    expect([...report.load.statuses.keys()].sort()).toEqual([200, 404, 500]);
    expect(report.histogramTotal).toBe(300);
    expect(report.errorLines).toHaveLength(5);
    for (const l of report.errorLines)
      expect(l).toMatch(/http_server_response_finish: .* url=\/orders\/\d+ .* status=500$/);
    expect(report.attachedLines).toEqual([
      expect.stringMatching(/http_server_request_start: .* url=\/products /),
      expect.stringMatching(/query: \(\.\/lib\/db\.js:query\+0x0\) sql="SELECT \* FROM products"$/),
      expect.stringMatching(/query_done: \(<js> <- \.\/lib\/db\.js:query\)$/),
      expect.stringMatching(/http_server_request_start: .* url=\/orders\/42 /),
      expect.stringMatching(
        /query: \(\.\/lib\/db\.js:query\+0x0\) sql="SELECT \* FROM orders WHERE id = \?"$/,
      ),
      expect.stringMatching(/query_done: /),
    ]);
    expect(report.detachedCleanly).toBe(true);
    expect(text).toContain('field:unsigned short status;');
    expect(text).toMatch(/@status_counts\[500\]: \d+/);
    expect(text).toMatch(/\[\d+[KM]?, \d+[KM]?\)\s+\d+ \|@+/);
  }, 120_000);
});
