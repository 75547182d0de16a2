/**
 * The RFC's promise for a real Node.js program: safe, filtered access to a running service's
 * events without changing or restarting it. Two copies of an ordinary HTTP service
 * (../node-app, no tracing code): one started under the preload, one attached to while it
 * runs. Each step shows the `tbpf trace` command it stands for and does what that command does,
 * through the same library calls.
 */
import { createServer } from 'node:net';
import { ControlClient, compileFilterC } from '@tbpf/trace-host';
import { attachProcess, findControlSocket, listTracedProcesses } from '@tbpf/trace-host/node';
import { NODE_HTTP_C } from './filters.js';
import { generateLoad, type LoadResult } from './load.js';
import { type NodeApp, startNodeApp } from './node-app.js';
import { indent, type Out, rule } from './text.js';

export interface NodeDemoOptions {
  /** Requests of the load phase (default 2000). */
  requests?: number;
  /** Requests in flight (default 16). */
  concurrency?: number;
  /** The preload to `--import` (default `@tbpf/trace-host/register`; tests pass a bundle). */
  register?: string;
  /** The module `tbpf trace attach` injects (default: the installed @tbpf/trace-host's). */
  hostModule?: string;
  /**
   * `--inspect-port` of the copy attached to (default: Node's 9229, which SIGUSR1 opens, or 0 —
   * any free port — when another process listens on 9229; tests pass 0).
   */
  inspectPort?: number;
}

export interface NodeDemoReport {
  load: LoadResult;
  /** status_counts as the filter counted it. */
  counts: Map<number, number>;
  /** Responses in latency_hist. */
  histogramTotal: number;
  /** trace_pipe lines under `status >= 500`. */
  errorLines: string[];
  /** trace_pipe lines from the attached server's probe and events. */
  attachedLines: string[];
  /** The attached server still answers after detach, and has no socket. */
  detachedCleanly: boolean;
}

/** Request i of the load: the catalogue, health checks, and orders (some missing, some failing). */
const shopPath = (i: number) =>
  i % 5 === 0 ? '/health' : i % 5 === 1 ? '/products' : `/orders/${(i * 7) % 1000}`;

async function client(pid: number): Promise<ControlClient> {
  const socket = findControlSocket(pid);
  if (!socket) throw new Error(`process ${pid} has no control socket`);
  return ControlClient.connect(socket);
}

async function pipeLines(c: ControlClient, max: number, timeoutMs = 5000): Promise<string[]> {
  const lines: string[] = [];
  await c.pipe((l) => lines.push(l), { max, timeoutMs });
  return lines;
}

/** Whether nothing listens on 127.0.0.1:`port` (we can bind it). */
function loopbackPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function parseCounts(dump: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const m of dump.matchAll(/^@status_counts\[(\d+)\]: (\d+)$/gm)) counts.set(Number(m[1]), Number(m[2]));
  return counts;
}

export async function runNodeDemo(options: NodeDemoOptions, out: Out): Promise<NodeDemoReport> {
  const requests = options.requests ?? 2000;
  const concurrency = options.concurrency ?? 16;
  const register = options.register ?? '@tbpf/trace-host/register';
  const servers: NodeApp[] = [];
  try {
    out('tbpf on a real Node.js service: its own HTTP events, filtered by a verified BPF program,\n');
    out('without a change to its code, in a process started with the preload and in one attached to.\n');

    rule(out, '1. start the service under the preload');
    out(`$ node --import @tbpf/trace-host/register server.js\n`);
    const a = await startNodeApp(['--import', register]);
    servers.push(a);
    out(`    listening on http://127.0.0.1:${a.port} (pid ${a.pid})\n`);
    out('$ tbpf trace list-processes\n');
    for (const p of listTracedProcesses().filter((t) => t.pid === a.pid))
      out(
        `    ${String(p.pid).padEnd(8)} ${p.socket}  ${p.command.replace(/ --import \S+/, ' --import …')}\n`,
      );

    const ca = await client(a.pid);
    const event = 'events/node/http_server_response_finish';
    try {
      rule(out, "2. Node's own event, with its record from <tbpf/node.h>");
      out(`$ tbpf trace -p ${a.pid} format node:http_server_response_finish\n`);
      out(`${indent(await ca.read(`${event}/format`))}\n`);

      rule(out, '3. a BPF filter in C: requests per status code and a log2 latency histogram');
      out(`${indent(NODE_HTTP_C)}\n`);
      out(`$ tbpf trace -p ${a.pid} filter node:http_server_response_finish --file http_stats.c\n`);
      // As the CLI writes it: an options line naming the file, then the object.
      const object = compileFilterC(NODE_HTTP_C, 'http_stats.c');
      const head = new TextEncoder().encode('#!bpf from=http_stats.c\n');
      const payload = new Uint8Array(head.length + object.length);
      payload.set(head);
      payload.set(object, head.length);
      await ca.write(`${event}/filter`, payload);
      out(`$ tbpf trace -p ${a.pid} enable node:http_server_response_finish\n`);
      await ca.write(`${event}/enable`, '1');
      out(`${indent(await ca.read(`${event}/filter`))}\n`);

      rule(out, `4. load: ${requests} requests, ${concurrency} at a time, on the loopback interface`);
      const load = await generateLoad({ port: a.port, requests, concurrency, path: shopPath });
      const sent = [...load.statuses].sort((x, y) => x[0] - y[0]);
      out(
        `${load.requests} requests in ${load.seconds.toFixed(2)} s (${Math.round(load.requests / load.seconds)} req/s); the client saw ${sent.map(([s, n]) => `${n}×${s}`).join(', ')}\n`,
      );
      out(`$ tbpf trace -p ${a.pid} map status_counts\n`);
      const dump = await ca.read('maps/status_counts');
      const counts = parseCounts(dump);
      out(
        `${indent(
          dump
            .split('\n')
            .filter(Boolean)
            .sort((x, y) => Number(/\d+/.exec(x)?.[0]) - Number(/\d+/.exec(y)?.[0]))
            .join('\n'),
        )}\n`,
      );
      out(`$ tbpf trace -p ${a.pid} map latency_hist          # microseconds\n`);
      const hist = await ca.read('maps/latency_hist');
      out(`${indent(hist)}\n`);
      const histogramTotal = [...hist.matchAll(/^\[[^\n]*?\)\s+(\d+) \|/gm)].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
      out('Every response was counted by the filter inside the service, and no trace record was\n');
      out('written: the program returns 0, so each event stops before any buffer work.\n');

      rule(out, "5. ftrace's predicate filter: status >= 500 in trace_pipe");
      out(`$ tbpf trace -p ${a.pid} filter node:http_server_response_finish 'status >= 500'\n`);
      await ca.write(`${event}/filter`, 'status >= 500');
      await ca.read('trace_pipe');
      await generateLoad({ port: a.port, requests: 200, concurrency, path: shopPath });
      out(`$ tbpf trace -p ${a.pid} pipe --count 5\n`);
      const errorLines = await pipeLines(ca, 5);
      out(`${indent(errorLines.join('\n'))}\n`);
      out(`$ tbpf trace -p ${a.pid} cat events/node/http_server_response_finish/stats\n`);
      out(`${indent(await ca.read(`${event}/stats`))}\n`);

      rule(out, '6. a second copy, started without tbpf, attached to while it runs');
      // SIGUSR1 opens the inspector on 9229; where another process's inspector has it, this copy
      // is told to take any free port instead (attach finds it either way).
      const inspectPort = options.inspectPort ?? ((await loopbackPortFree(9229)) ? undefined : 0);
      const bArgs = inspectPort === undefined ? [] : [`--inspect-port=${inspectPort}`];
      out(
        `$ node ${[...bArgs, 'server.js'].join(' ')}${inspectPort === 0 && options.inspectPort === undefined ? '    # 9229 is taken' : ''}\n`,
      );
      const b = await startNodeApp(bArgs);
      servers.push(b);
      out(`    listening on http://127.0.0.1:${b.port} (pid ${b.pid})\n`);
      const warm = generateLoad({ port: b.port, requests: 300, concurrency: 4, path: shopPath });
      out(`$ tbpf trace attach ${b.pid}\n`);
      const attached = await attachProcess(b.pid, {
        hostModule: options.hostModule,
        log: (l) => out(`    ${l}\n`),
      });
      await warm;
      const cb = await client(b.pid);
      let attachedLines: string[] = [];
      try {
        const probes = [
          'p:shop/query ./lib/db.js:query sql=$arg1:string',
          'r:shop/query_done ./lib/db.js:query',
        ];
        for (const p of probes) {
          out(`$ tbpf trace -p ${b.pid} kprobe add '${p}'\n`);
          await cb.write('kprobe_events', p);
        }
        out(`$ tbpf trace -p ${b.pid} enable shop node:http_server_request_start\n`);
        await cb.write('events/shop/enable', '1');
        await cb.write('events/node/http_server_request_start/enable', '1');
        await generateLoad({
          port: b.port,
          requests: 2,
          concurrency: 1,
          path: (i) => (i ? '/orders/42' : '/products'),
        });
        out(`$ tbpf trace -p ${b.pid} pipe --count 6\n`);
        attachedLines = await pipeLines(cb, 6);
        out(`${indent(attachedLines.join('\n'))}\n`);
        out('The return probe fires when the promise db.query returned settles.\n');

        rule(out, '7. detach: every probe and filter removed, the inspector closed, the process as it was');
        out(`$ tbpf trace -p ${b.pid} detach\n`);
        await cb.write('detach', '1');
      } finally {
        cb.close();
      }
      for (let i = 0; i < 100 && findControlSocket(b.pid); i++) await new Promise((r) => setTimeout(r, 20));
      const after = await generateLoad({ port: b.port, requests: 1, path: () => '/health' });
      const detachedCleanly = findControlSocket(b.pid) === undefined && after.statuses.get(200) === 1;
      out(
        `    inspector ${attached.inspector === 'opened-and-closed' ? 'opened for the attach and closed again' : attached.inspector}; ` +
          `socket ${findControlSocket(b.pid) ? 'still there' : 'removed'}; GET /health → ${[...after.statuses.keys()].join(',')}\n`,
      );
      return { load, counts, histogramTotal, errorLines, attachedLines, detachedCleanly };
    } finally {
      ca.close();
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}
