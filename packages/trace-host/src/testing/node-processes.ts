/**
 * Real Node.js processes for tests: the entry points a process loads (the preload and the
 * module `tbpf trace attach` injects), bundled from the sources with esbuild, and the test
 * application (./node-app: an HTTP server with no tbpf code) started under the preload or
 * plain, with its own per-user socket folder (XDG_RUNTIME_DIR) so tests never meet other
 * processes' sockets.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * A C filter on node:http_server_response_finish: responses per status code in a hash map
 * (`status_counts`); it keeps the failures (status >= 500) and drops the rest.
 */
export const STATUS_COUNTS_C = `#include <tbpf/bpf_helpers.h>
#include <tbpf/node.h>

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __type(key, __u32);
  __type(value, __u64);
  __uint(max_entries, 64);
} status_counts SEC(".maps");

SEC("tracepoint/node/http_server_response_finish")
int count_status(struct node_http_server_response_finish *ctx) {
  __u32 status = ctx->status;
  __u64 one = 1, *n = bpf_map_lookup_elem(&status_counts, &status);
  if (n) __sync_fetch_and_add(n, 1);
  else bpf_map_update_elem(&status_counts, &status, &one, BPF_NOEXIST);
  return ctx->status >= 500;
}
char LICENSE[] SEC("license") = "GPL";
`;
export const NODE_APP_DIR = path.join(here, 'node-app');

export interface Entries {
  /** `--import` this for the preload. */
  register: string;
  /** AttachOptions.hostModule. */
  attachEntry: string;
  dir: string;
}

/**
 * Bundle register.ts and node/attach-entry.ts (source condition) into a temporary folder, as
 * one build split into chunks at each dynamic import() — so that, as from the package's dist,
 * a preloaded process loads the trace host only when it is first used.
 */
export async function bundleEntries(): Promise<Entries> {
  const esbuild = await import('esbuild');
  const dir = mkdtempSync(path.join(tmpdir(), 'tbpf-entries-'));
  await esbuild.build({
    entryPoints: {
      register: path.join(here, '..', 'register.ts'),
      'attach-entry': path.join(here, '..', 'node', 'attach-entry.ts'),
    },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'silent',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return { register: path.join(dir, 'register.mjs'), attachEntry: path.join(dir, 'attach-entry.mjs'), dir };
}

export interface AppProcess {
  proc: ChildProcess;
  pid: number;
  /** The HTTP port it listens on (127.0.0.1). */
  port: number;
  /** Its XDG_RUNTIME_DIR (the socket folder is `<runtimeDir>/tbpf`). */
  runtimeDir: string;
  /** What it wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface AppOptions {
  /** Node options before the script (e.g. ['--import', register]). */
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Spawn options (e.g. uid for another user). */
  uid?: number;
  gid?: number;
  /** Arguments after the Node options (default ['server.js'], or e.g. ['-e', program]). */
  args?: string[];
  /** Wait for this line on stdout (default /^listening (\d+)/m). */
  ready?: RegExp;
}

/** Start the test application; resolves when it listens. */
export async function startApp(options: AppOptions = {}): Promise<AppProcess> {
  const runtimeDir = mkdtempSync(path.join(tmpdir(), 'tbpf-xdg-'));
  const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), ...(options.args ?? ['server.js'])], {
    cwd: NODE_APP_DIR,
    env: { ...process.env, NODE_OPTIONS: '', XDG_RUNTIME_DIR: runtimeDir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: options.uid,
    gid: options.gid,
  });
  let out = '';
  proc.stdout?.on('data', (d) => {
    out += String(d);
  });
  proc.stderr?.on('data', (d) => {
    out += String(d);
  });
  const ready = options.ready ?? /^listening (\d+)/m;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start:\n${out}`)), 30_000);
    const check = () => {
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1] ?? 0));
      }
    };
    proc.stdout?.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the app exited with ${code}:\n${out}`));
    });
  });
  return {
    proc,
    pid: proc.pid as number,
    port,
    runtimeDir,
    output: () => out,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(runtimeDir, { recursive: true, force: true });
    },
  };
}

/** GET a path from the app; resolves with the status and body. */
export function get(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => {
          body += String(d);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** What the app reports about itself: channels with subscribers, listeners, wrapped exports, inspector, stray requests. */
export interface AppState {
  subscribed: string[];
  listeners: number[];
  wrapped: string[];
  inspector: string | null;
  /** Requests for paths the app does not serve. */
  strays: string[];
}

export async function appState(port: number): Promise<AppState> {
  return JSON.parse((await get(port, '/state')).body) as AppState;
}
