/**
 * `node --import @tbpf/trace-host/register app.js` (or NODE_OPTIONS="--import
 * @tbpf/trace-host/register"): starts this process's trace host — Node's events under
 * events/node/…, probes on module exports, the control socket that `tbpf trace -p PID` finds
 * (see ./node/socket-dir.ts) — without changing the application. Every event starts disabled,
 * so until someone enables one the application runs as without it. Worker threads share the
 * process (and its socket): only the main thread starts a host. A host that cannot start says
 * why on stderr and leaves the application alone.
 */
import { isMainThread } from 'node:worker_threads';
import { startProcessHost } from './node/process-host.js';

if (isMainThread) {
  try {
    await startProcessHost({ mode: 'preload' });
  } catch (e) {
    process.stderr.write(`tbpf: trace host not started: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
