/** The demo's Node.js service (../node-app: plain CommonJS, run by `node` as it is). */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_APP_DIR = fileURLToPath(new URL('../node-app', import.meta.url));
export const NODE_APP_SERVER = path.join(NODE_APP_DIR, 'server.js');

/** A running copy of the service. */
export interface NodeApp {
  proc: ChildProcess;
  pid: number;
  port: number;
  stop(): Promise<void>;
}

/** Start the service with `nodeArgs` (e.g. ['--import', preload]); resolves when it listens. */
export async function startNodeApp(nodeArgs: readonly string[]): Promise<NodeApp> {
  const proc = spawn(process.execPath, [...nodeArgs, NODE_APP_SERVER], {
    cwd: NODE_APP_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not start:\n${output}`)), 30_000);
    const onData = (d: Buffer) => {
      output += String(d);
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', (d) => {
      output += String(d);
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with ${code}:\n${output}`));
    });
  });
  return {
    proc,
    pid: proc.pid as number,
    port,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
