/**
 * Filters written to the control plane are read (C compiled) and verified off the host's main
 * thread: each in a worker with a time and a memory limit, so a hostile or runaway filter —
 * macro bombs, programs that take the verifier seconds — never stalls or kills the host, and
 * the event's old filter keeps running until the new one is ready. A few plans run at once;
 * others wait their turn.
 *
 * The worker is `filter-worker.js` beside this module (the built package). Where it is not
 * there (running from TypeScript sources, or bundled), plans run in the calling thread and
 * `inThread` says why.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type FilterPlan, type FilterPlanRequest, planFilter } from './bpf-filter.js';
import { FilterLoadError } from './filter-program.js';

export interface FilterPlannerOptions {
  /** The worker script (default: filter-worker.js beside this module); false: plan in the calling thread. */
  worker?: string | URL | false;
  /** Wall-clock limit per plan, counted once the worker is ready (default 10 s). */
  timeMs?: number;
  /**
   * Wall-clock limit on a worker's start-up — loading its modules, seconds on a busy machine;
   * not counted in `timeMs`, which measures the filter (default 60 s).
   */
  startMs?: number;
  /** Heap limit of each worker in MiB (default 256). */
  memoryMb?: number;
  /** Plans running at once (default 2). */
  concurrency?: number;
}

type Reply =
  | { ready: true }
  | { ok: true; plan: FilterPlan }
  | { ok: false; message: string; log?: string; stage: FilterLoadError['stage'] };

export class FilterPlanner {
  /** Why plans run in the calling thread, or undefined when they run in workers. */
  readonly inThread: string | undefined;
  private readonly script: URL | undefined;
  private readonly timeMs: number;
  private readonly startMs: number;
  private readonly memoryMb: number;
  private readonly concurrency: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(options: FilterPlannerOptions = {}) {
    this.timeMs = options.timeMs ?? 10_000;
    this.startMs = options.startMs ?? 60_000;
    this.memoryMb = options.memoryMb ?? 256;
    this.concurrency = options.concurrency ?? 2;
    const worker = options.worker ?? new URL('./filter-worker.js', import.meta.url);
    if (worker === false) {
      this.inThread = 'no worker was configured';
    } else {
      const url = typeof worker === 'string' ? new URL(worker, 'file:///') : worker;
      if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) {
        this.inThread = `the worker script ${fileURLToPath(url)} does not exist (running from sources or a bundle)`;
      } else {
        this.script = url;
      }
    }
  }

  /** Read and verify a filter. Rejects with FilterLoadError (a time or memory limit: stage 'compile'). */
  async plan(req: FilterPlanRequest): Promise<FilterPlan> {
    if (!this.script) return planFilter(req);
    await this.turn();
    try {
      return await this.inWorker(this.script, req);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private turn(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.running++;
        resolve();
      }),
    );
  }

  private inWorker(script: URL, req: FilterPlanRequest): Promise<FilterPlan> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(script, {
        resourceLimits: {
          maxOldGenerationSizeMb: this.memoryMb,
          maxYoungGenerationSizeMb: 32,
          stackSizeMb: 4,
        },
      });
      let settled = false;
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate();
        f();
      };
      const limit = (ms: number, what: string) =>
        setTimeout(
          () =>
            settle(() =>
              reject(new FilterLoadError(`${what} took longer than ${ms} ms`, undefined, 'compile')),
            ),
          ms,
        );
      // The filter's time starts when the worker is ready for it.
      let timer = limit(this.startMs, 'starting the filter worker');
      worker.on('message', (reply: Reply) => {
        if ('ready' in reply) {
          clearTimeout(timer);
          timer = limit(this.timeMs, 'reading and verifying the filter');
          worker.postMessage(req);
          return;
        }
        settle(() =>
          reply.ok ? resolve(reply.plan) : reject(new FilterLoadError(reply.message, reply.log, reply.stage)),
        );
      });
      worker.once('error', (e: Error & { code?: string }) =>
        settle(() =>
          reject(
            new FilterLoadError(
              e.code === 'ERR_WORKER_OUT_OF_MEMORY'
                ? `reading and verifying the filter needed more than ${this.memoryMb} MiB`
                : `the filter worker failed: ${e.message}`,
              undefined,
              'compile',
            ),
          ),
        ),
      );
      worker.once('exit', (code) =>
        settle(() =>
          reject(new FilterLoadError(`the filter worker exited (code ${code})`, undefined, 'compile')),
        ),
      );
    });
  }
}
