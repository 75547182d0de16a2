/**
 * Tail calls (bpf_tail_call). A tail call never returns: the caller's frame is gone and the
 * target's r0 is the run's result. The helper therefore records the target and stops the
 * calling program (`HelperCall.stop`, which every engine honours), and `runProgram` starts the
 * target with the same context — so the engines need no tail-call code of their own.
 */
import type { PreparedProgram } from './engine.js';

/** Linux's MAX_TAIL_CALL_CNT: how many tail calls one run may chain; the next one falls through. */
export const MAX_TAIL_CALLS = 33;

/** The tail-call state of a runtime's current run. */
export class TailCalls {
  /** True while `runProgram` drives a run (bpf_tail_call refuses to work without it). */
  driving = false;
  /** Tail calls taken in the current run. */
  count = 0;
  /** The target the last tail call chose, with its context (an offset in the linear memory; 0: none). */
  pending: { program: PreparedProgram; ctx: number } | undefined;

  /** The pending tail call, cleared. */
  take(): { program: PreparedProgram; ctx: number } | undefined {
    const next = this.pending;
    this.pending = undefined;
    return next;
  }
}

/**
 * Run `prepared` with its context at offset `ctx` of the linear memory (0: r1 = NULL) and
 * r2 = `len`, then every program it tail-calls (each with the context the caller passed and the
 * same r2); r0 of the last one, unsigned 64-bit. Throws VmError on a fault.
 */
export function runProgram(prepared: PreparedProgram, ctx = 0, len = 0): bigint {
  const state = prepared.program.runtime.tailCalls;
  const outer = { driving: state.driving, count: state.count };
  state.driving = true;
  state.count = 0;
  state.pending = undefined;
  const run = (p: PreparedProgram, at: number) => p.run(at, len);
  try {
    let r0 = run(prepared, ctx);
    for (let next = state.take(); next; next = state.take()) r0 = run(next.program, next.ctx);
    return r0;
  } finally {
    state.pending = undefined;
    state.driving = outer.driving;
    state.count = outer.count;
  }
}
