/**
 * The playground's worker: every compile, verification and run happens here, off the page's
 * thread. It keeps the last analysis's verifier states for the page to ask about.
 */
import { LINUX_PROGRAM_TYPES } from '@tbpf/verifier';
import { analyse, type Session } from './lib/analyse.js';
import type { WorkerReply, WorkerRequest } from './lib/protocol.js';

declare const self: DedicatedWorkerGlobalScope;

let last: Session | undefined;
const reply = (message: WorkerReply) => self.postMessage(message);

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const m = event.data;
  try {
    if (m.kind === 'analyse') {
      last = analyse(m.request);
      reply({ kind: 'analysis', id: m.id, analysis: last.analysis });
    } else {
      reply({
        kind: 'states',
        id: m.id,
        states: last?.states(m.insn) ?? { insn: m.insn, visits: 0, states: [] },
      });
    }
  } catch (e) {
    // A bug of ours, not a verdict on the program: say what it was.
    reply({ kind: 'failed', id: m.id, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
};

reply({ kind: 'ready', types: ['raw', ...LINUX_PROGRAM_TYPES] });
