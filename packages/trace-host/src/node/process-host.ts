/**
 * The trace host of a Node.js process: one per process, with Node's events (events/node/…),
 * probes on the functions its modules export (`p:NAME ./lib/db.js:query`), and the control
 * socket in the per-user folder (./socket-dir.ts) that `tbpf trace -p PID` finds.
 *
 * Started by `node --import @tbpf/trace-host/register app.js` (mode 'preload') or injected
 * into a running process by `tbpf trace attach PID` (mode 'attach'). A preloaded process only
 * binds its socket: the trace host (./node-host.ts, the verifier, the engines, the compiler)
 * loads when the first request arrives, so an application nobody traces carries none of it —
 * measured, loading it costs the application several per cent of CPU per request even with
 * every event disabled (apps/bench `node`). Writing the `detach`
 * control file disables every event and removes every filter and probe; an attached host then
 * also closes its socket and forgets itself, leaving the process as it was (the module stays
 * loaded, inert).
 */
import { type ControlServer, serveControlSocket } from '../control-socket.js';
import type { TraceHost } from '../trace-host.js';
import type { NodeEventsOptions } from './node-events.js';
import { controlSocketPath, ensureControlSocketDir, removeDeadSockets } from './socket-dir.js';

export type ProcessHostMode = 'preload' | 'attach';

export interface ProcessHostOptions extends NodeEventsOptions {
  mode: ProcessHostMode;
  /** Default: controlSocketPath(process.pid). */
  socketPath?: string;
}

export interface ProcessHost {
  /** The trace host, made when first asked for (a preloaded one: by the first control request). */
  host(): Promise<TraceHost>;
  readonly socketPath: string;
  readonly mode: ProcessHostMode;
  /** Remove every probe and filter, close the socket and forget this host. */
  stop(): Promise<void>;
}

/** The process's host lives on globalThis so a second copy of this module finds it. */
const KEY = Symbol.for('tbpf.trace-host.process');
type Global = { [KEY]?: Promise<ProcessHost> };

/** The running process host, if any. */
export function currentProcessHost(): Promise<ProcessHost> | undefined {
  return (globalThis as Global)[KEY];
}

/** Start this process's host, or return the one already running. */
export function startProcessHost(options: ProcessHostOptions): Promise<ProcessHost> {
  const g = globalThis as Global;
  const running = g[KEY];
  if (running) return running;
  const starting = start(options);
  g[KEY] = starting;
  starting.catch(() => {
    if (g[KEY] === starting) delete g[KEY];
  });
  return starting;
}

async function start(options: ProcessHostOptions): Promise<ProcessHost> {
  let made: Promise<TraceHost> | undefined;
  const host = (): Promise<TraceHost> => {
    made ??= import('./node-host.js').then(({ createNodeHost }) => {
      const h = createNodeHost(options);
      // An attached host leaves once detached; a preloaded one stays for the next session. The
      // close waits a turn so the reply to the `detach` write goes out first.
      h.onDetach = options.mode === 'attach' ? () => setImmediate(() => void self.stop()) : null;
      return h;
    });
    return made;
  };
  // Attaching loads the host at once: whoever attached is about to use it.
  if (options.mode === 'attach') await host();
  const socketPath = options.socketPath ?? controlSocketPath();
  const dir = socketPath.slice(0, socketPath.lastIndexOf('/'));
  ensureControlSocketDir(dir);
  removeDeadSockets(dir);
  // The server removes its socket file when closed and when the process exits.
  const server: ControlServer = await serveControlSocket(host, socketPath, { unref: true });
  let stopped: Promise<void> | undefined;
  const self: ProcessHost = {
    host,
    socketPath,
    mode: options.mode,
    stop: () => {
      stopped ??= (async () => {
        const g = globalThis as Global;
        delete g[KEY];
        await made?.then(
          (h) => {
            h.dispose();
            h.onDetach = null;
          },
          () => {}, // never made: nothing to remove
        );
        await server.close();
      })();
      return stopped;
    },
  };
  return self;
}
