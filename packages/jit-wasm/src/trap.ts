/**
 * Mapping a WebAssembly trap back to the BPF instruction that caused it — at zero run-time
 * cost. JavaScript engines put the module byte offset of the faulting instruction in the trap's
 * stack trace (V8: `wasm://wasm/1a2b:wasm-function[3]:0x1a2`, or `wasm://wasm/1a2b:1:419`
 * — column = offset + 1 — when a tool such as a source-map formatter rewrites frames;
 * SpiderMonkey: `wasm-function[3]:0x1a2`). The compiler recorded the byte offset where each
 * instruction's code starts, so the instruction is the last one starting at or before the trap.
 * Setting a "current pc" global before every memory access would also work in every engine but
 * costs a store per access on the hot path; a trap is rare, the access is not.
 */

export interface PcMap {
  /** Module byte offsets of instruction starts, ascending. */
  offsets: Int32Array;
  /** Instruction index at each offset. */
  pcs: Int32Array;
  /** Module byte ranges [start, end) holding BPF functions' code. */
  ranges: readonly (readonly [number, number])[];
}

const HEX_FRAME = /wasm-function\[\d+\]:0x([0-9a-f]+)/g;
const COLUMN_FRAME = /wasm:\/\/wasm\/[0-9a-f]+:1:(\d+)/g;

type StackFormatter = ((error: Error, frames: unknown[]) => unknown) | undefined;

/** The BPF instruction index where `error` (a trap) happened, or -1 if the trace does not say. */
export function trapPc(error: unknown, map: PcMap): number {
  if (!(error instanceof Error)) return -1;
  // Read the stack with the engine's own formatting (tools may install their own formatter).
  const ctor = Error as { prepareStackTrace?: StackFormatter };
  const saved = ctor.prepareStackTrace;
  ctor.prepareStackTrace = undefined;
  let stack: string | undefined;
  try {
    stack = error.stack;
  } finally {
    ctor.prepareStackTrace = saved;
  }
  if (!stack) return -1;
  const offsets = [
    ...[...stack.matchAll(HEX_FRAME)].map((m) => Number.parseInt(m[1], 16)),
    ...[...stack.matchAll(COLUMN_FRAME)].map((m) => Number(m[1]) - 1),
  ];
  for (const offset of offsets) {
    if (map.ranges.some(([start, end]) => offset >= start && offset < end)) return pcAt(map, offset);
  }
  return -1;
}

function pcAt(map: PcMap, offset: number): number {
  let lo = 0;
  let hi = map.offsets.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (map.offsets[mid] <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? -1 : map.pcs[found];
}
