/**
 * Jump sizing by branch relaxation. The layout pass emits every jump near and records, per
 * instruction, where its jump is and where it goes. Relaxation then shrinks every jump whose
 * short form reaches, using only those sizes (sizes only shrink, so distances only shrink and
 * it converges), and the final code is the layout's bytes with each jump re-encoded and each
 * local call re-aimed — everything else the code generator emits is position-independent.
 */
import { CodeBuffer } from '../x64/code-buffer.js';
import { isInt8 } from '../x64/encoding.js';
import { JCC_NEAR, JCC_SHORT, JMP_NEAR, JMP_SHORT, jcc, jmp } from '../x64/instructions.js';
import type { ProgramShape } from './functions.js';

export interface JumpLayout {
  shape: ProgramShape;
  /** Code offset of each instruction (the extra last entry: the end), of each function's prologue and epilogue. */
  addrs: Int32Array;
  entryAddr: Int32Array;
  exitAddr: Int32Array;
  /** Per jump, in program order: its instruction (at most one jump each). */
  jumps: number[];
  /** Per jump: the bytes its short form saves (3 for jmp, 4 for jcc). */
  jumpSaving: number[];
  /** Per jump: its target, an instruction index, or -(f + 1) for function f's exit. */
  jumpTarget: number[];
  /** Per jump: its layout offset. */
  jumpAt: number[];
  /** Local calls, three numbers each: layout offset of the call, instruction, callee function. */
  callSites: number[];
}

export function newJumpLayout(
  shape: ProgramShape,
  addrs: Int32Array,
  entryAddr: Int32Array,
  exitAddr: Int32Array,
): JumpLayout {
  return {
    shape,
    addrs,
    entryAddr,
    exitAddr,
    jumps: [],
    jumpSaving: [],
    jumpTarget: [],
    jumpAt: [],
    callSites: [],
  };
}

/**
 * Relax, move every address in `layout` to its final place, and assemble the final code from
 * the layout pass's bytes. Undefined if the result does not have the predicted size (the
 * caller then sizes jumps with whole passes).
 */
export function assembleRelaxed(
  layout: JumpLayout,
  bytes: Uint8Array,
  length: number,
): Uint8Array | undefined {
  const { short, shrunk } = relax(layout);
  const { addrs, entryAddr, exitAddr, jumpSaving, jumpTarget, jumpAt, jumps } = layout;
  const n = addrs.length - 1;
  const out = new CodeBuffer(length);
  let from = 0;
  for (let k = 0; k < jumps.length; k++) {
    const at = jumpAt[k];
    out.copy(bytes, from, at);
    const t = jumpTarget[k];
    const to = t >= 0 ? addrs[t] : exitAddr[-t - 1];
    const isJcc = jumpSaving[k] === JCC_NEAR - JCC_SHORT;
    const isShort = short[k] === 1;
    const len = isJcc ? (isShort ? JCC_SHORT : JCC_NEAR) : isShort ? JMP_SHORT : JMP_NEAR;
    out.ensure(len);
    if (isJcc)
      jcc(out, bytes[at + 1] & 0x0f, isShort, to - (out.len + len)); // condition of the near jcc 0f 8x
    else jmp(out, isShort, to - (out.len + len));
    from = at + (isJcc ? JCC_NEAR : JMP_NEAR);
  }
  out.copy(bytes, from, length);
  if (out.len !== addrs[n]) return undefined;
  const calls = layout.callSites;
  for (let c = 0; c < calls.length; c += 3) {
    const [at, i, f] = [calls[c], calls[c + 1], calls[c + 2]];
    const pos = at - shrunk[i];
    out.patch4(pos + 1, entryAddr[f] - (pos + 5)); // call rel32
  }
  return out.view(); // the buffer is this program's own: no copy
}

/** Decide which jumps are short (per jump); shrunk[i] = bytes saved before instruction i. */
function relax(layout: JumpLayout): { short: Uint8Array; shrunk: Int32Array } {
  const { shape, addrs, entryAddr, exitAddr, jumpSaving, jumpTarget, jumps } = layout;
  const { starts, functionOf } = shape;
  const n = addrs.length - 1;
  const m = jumps.length;
  const lastOf = (f: number) => (starts[f + 1] ?? n) - 1;
  const endOf = (i: number) =>
    i + 1 === n || functionOf[i + 1] !== functionOf[i] ? exitAddr[functionOf[i]] : addrs[i + 1];
  // Bytes saved before instruction i = saved[before[i]]: before[i] counts the jumps ahead of
  // i, saved[k] sums the savings of the short ones among the first k jumps. Each round of
  // relaxation then costs a pass over the jumps, not over the program.
  const before = new Int32Array(n + 1);
  for (let i = 0, k = 0; i <= n; i++) {
    while (k < m && jumps[k] < i) k++;
    before[i] = k;
  }
  const short = new Uint8Array(m);
  const saved = new Int32Array(m + 1);
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = 0; k < m; k++) saved[k + 1] = saved[k] + (short[k] ? jumpSaving[k] : 0);
    for (let k = 0; k < m; k++) {
      if (short[k]) continue;
      const t = jumpTarget[k];
      const to = t >= 0 ? addrs[t] - saved[before[t]] : exitAddr[-t - 1] - saved[before[lastOf(-t - 1) + 1]];
      const shortEnd = endOf(jumps[k]) - saved[k] - jumpSaving[k];
      if (isInt8(to - shortEnd)) {
        short[k] = 1;
        changed = true;
      }
    }
  }
  for (let k = 0; k < m; k++) saved[k + 1] = saved[k] + (short[k] ? jumpSaving[k] : 0);
  const shrunk = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) shrunk[i] = saved[before[i]];
  for (let f = 0; f < starts.length; f++) {
    entryAddr[f] -= shrunk[starts[f]];
    exitAddr[f] -= shrunk[lastOf(f) + 1];
  }
  for (let i = 0; i <= n; i++) addrs[i] -= shrunk[i];
  return { short, shrunk };
}
