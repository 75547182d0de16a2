/**
 * `tbpf run --repeat N`: what a run costs on the engine's hot path, as a trace filter calls it —
 * `runFast` (no BigInt), CPU time (a busy machine's preemption does not count), after a warm-up.
 */
import type { Program } from '@tbpf/object';
import type { Region } from '@tbpf/vm';

/** Timed batches after the warm-up batch. */
const BATCHES = 10;

/** The fewest runs `timeRuns` times: a warm-up batch and BATCHES batches of at least one run. */
export const TIMED_RUNS_MIN = BATCHES + 1;

export interface RunTiming {
  /** Median over the timed batches of CPU ns per run. */
  nsPerRun: number;
  /** Runs per timed batch. */
  batchRuns: number;
  /** Timed batches. */
  batches: number;
  /** Runs of the first batch, which warmed up and was not timed. */
  warmupRuns: number;
}

/**
 * Run `runs` times through `runFast` with r1 = the context (offset 0 when there is none, as
 * the benchmark's empty program runs) in batches: the first warms up (V8 optimises the loop,
 * WebAssembly tiers up), the median of the others is the figure. Undefined for fewer than
 * TIMED_RUNS_MIN runs.
 */
export function timeRuns(prog: Program, region: Region | undefined, runs: number): RunTiming | undefined {
  const batchRuns = Math.floor(runs / TIMED_RUNS_MIN);
  if (batchRuns < 1) return undefined;
  const offset = region?.start ?? 0;
  const size = region?.size ?? 0;
  const fast = prog.prepared;
  const batch = (n: number): number => {
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) fast.runFast(offset, size);
    const t = process.cpuUsage(t0);
    return ((t.user + t.system) * 1000) / n;
  };
  const warmupRuns = runs - BATCHES * batchRuns;
  batch(warmupRuns);
  const ns = Array.from({ length: BATCHES }, () => batch(batchRuns)).sort((a, b) => a - b);
  return {
    nsPerRun: (ns[(BATCHES - 1) >> 1] + ns[BATCHES >> 1]) / 2,
    batchRuns,
    batches: BATCHES,
    warmupRuns,
  };
}
