/**
 * A bounded load generator on the loopback interface: `requests` GETs over `concurrency`
 * keep-alive connections, each path chosen by its index, every response read to the end.
 */
import http from 'node:http';

export interface LoadOptions {
  port: number;
  requests: number;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** The path of request i. */
  path: (i: number) => string;
}

export interface LoadResult {
  requests: number;
  /** Wall-clock seconds from the first request to the last response. */
  seconds: number;
  /** Responses per status code. */
  statuses: Map<number, number>;
}

export async function generateLoad(options: LoadOptions): Promise<LoadResult> {
  const concurrency = options.concurrency ?? 8;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses = new Map<number, number>();
  let next = 0;
  const one = (i: number) =>
    new Promise<void>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: options.port, path: options.path(i), agent }, (res) => {
          res.resume();
          res.on('end', () => {
            const s = res.statusCode ?? 0;
            statuses.set(s, (statuses.get(s) ?? 0) + 1);
            resolve();
          });
        })
        .on('error', reject);
    });
  const worker = async () => {
    while (next < options.requests) await one(next++);
  };
  const t0 = performance.now();
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, options.requests) }, worker));
  } finally {
    agent.destroy();
  }
  return { requests: options.requests, seconds: (performance.now() - t0) / 1000, statuses };
}
