/**
 * The worker that reads and verifies a filter written to the control plane (./filter-planner.ts
 * starts it, with time and memory limits): 'ready' out, one request in, one plan or error out.
 */
import { parentPort } from 'node:worker_threads';
import { type FilterPlanRequest, planFilter } from './bpf-filter.js';
import { FilterLoadError } from './filter-program.js';

parentPort?.once('message', (req: FilterPlanRequest) => {
  try {
    parentPort?.postMessage({ ok: true, plan: planFilter(req) });
  } catch (e) {
    const err =
      e instanceof FilterLoadError ? e : new FilterLoadError(e instanceof Error ? e.message : String(e));
    parentPort?.postMessage({ ok: false, message: err.message, log: err.log, stage: err.stage });
  }
});
// Modules loaded: the planner starts the filter's time limit now.
parentPort?.postMessage({ ready: true });
