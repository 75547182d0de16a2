/**
 * What `tbpf trace attach PID` loads into a running process through its inspector (by way of
 * ../../attach-loader.cjs, since the inspector's evaluate has `require` but no `import()`):
 * start the process's trace host in 'attach' mode, or report the one already running.
 */
import { currentProcessHost, startProcessHost } from './process-host.js';

export interface AttachedHost {
  pid: number;
  socketPath: string;
  mode: 'preload' | 'attach';
  /** The host was already running (preloaded, or attached before). */
  existing: boolean;
}

export async function attachHost(): Promise<AttachedHost> {
  const running = currentProcessHost();
  const h = await (running ?? startProcessHost({ mode: 'attach' }));
  return { pid: process.pid, socketPath: h.socketPath, mode: h.mode, existing: running !== undefined };
}
