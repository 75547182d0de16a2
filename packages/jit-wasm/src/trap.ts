/**
 * Mapping a WebAssembly trap back to the BPF instruction that caused it — at zero run-time
 * cost. Engines that run WebAssembly (V8 in Node.js and Chromium, SpiderMonkey) put the
 * faulting function and module byte offset in the trap's stack trace
 * (`wasm-function[3]:0x1a2`); the compiler recorded the byte offset where each instruction's
 * code starts, so the instruction is the last one starting at or before the trap offset.
 * Setting a "current pc" global before every memory access would also work everywhere but
 * costs a store per access on the hot path; a trap is rare, the access is not.
 */

export interface PcMap {
  /** Module byte offsets of instruction starts, ascending. */
  offsets: Int32Array;
  /** Instruction index at each offset. */
  pcs: Int32Array;
  /** Wasm function indices [firstFunc, firstFunc + funcCount) hold BPF code. */
  firstFunc: number;
  funcCount: number;
}

const FRAME = /wasm-function\[(\d+)\]:0x([0-9a-f]+)/g;

/** The BPF instruction index where `error` (a trap) happened, or -1 if the trace does not say. */
export function trapPc(error: unknown, map: PcMap): number {
  const stack = error instanceof Error ? error.stack : undefined;
  if (!stack) return -1;
  for (const m of stack.matchAll(FRAME)) {
    const func = Number(m[1]);
    if (func < map.firstFunc || func >= map.firstFunc + map.funcCount) continue;
    return pcAt(map, Number.parseInt(m[2], 16));
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
