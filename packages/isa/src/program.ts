/**
 * Instruction indices versus slot offsets. Jump offsets on the wire count 8-byte slots, and
 * `lddw` takes two, so index i and slot s differ after the first `lddw`.
 */
import { type Insn, insnWidth } from './insn.js';

/** `slots[i]` is the first slot of instruction i; the extra last entry is the total slot count. */
export function slotStarts(insns: readonly Insn[]): Int32Array {
  const starts = new Int32Array(insns.length + 1);
  let s = 0;
  for (let i = 0; i < insns.length; i++) {
    starts[i] = s;
    s += insnWidth(insns[i]);
  }
  starts[insns.length] = s;
  return starts;
}

/** Map from slot to instruction index; -1 for the second slot of an lddw. */
export function indexOfSlot(insns: readonly Insn[]): Int32Array {
  return slotIndex(slotStarts(insns));
}

function slotIndex(starts: Int32Array): Int32Array {
  const n = starts.length - 1;
  const map = new Int32Array(starts[n]).fill(-1);
  for (let i = 0; i < n; i++) map[starts[i]] = i;
  return map;
}

/** The slot-relative branch displacement of an instruction, if it has one (jumps, gotol, local calls). */
export function branchOffset(insn: Insn): number | undefined {
  switch (insn.kind) {
    case 'jmp':
    case 'ja':
      return insn.off;
    case 'gotol':
      return insn.imm;
    case 'call':
      return insn.target === 'local' ? insn.imm : undefined;
    default:
      return undefined;
  }
}

export type BranchTarget =
  | { ok: true; index: number }
  | { ok: false; slot: number; reason: 'out-of-range' | 'lddw-middle' };

/**
 * Resolve every branch of a program to an instruction index. Entries are undefined for
 * instructions without a branch.
 */
export function branchTargets(insns: readonly Insn[]): (BranchTarget | undefined)[] {
  const n = insns.length;
  const starts = slotStarts(insns);
  const total = starts[n];
  const bySlot = slotIndex(starts);
  // A plain loop: every program load resolves its branches, so no closure or entry per
  // instruction without a branch.
  const out = new Array<BranchTarget | undefined>(n).fill(undefined);
  for (let i = 0; i < n; i++) {
    const off = branchOffset(insns[i]);
    if (off === undefined) continue;
    const slot = starts[i + 1] + off;
    const index = slot >= 0 && slot < total ? bySlot[slot] : -2;
    out[i] =
      index >= 0
        ? { ok: true, index }
        : { ok: false, slot, reason: index === -1 ? 'lddw-middle' : 'out-of-range' };
  }
  return out;
}

/** The slot offset that makes instruction `from` branch to instruction `to`. */
export function offsetBetween(insns: readonly Insn[], from: number, to: number): number {
  const starts = slotStarts(insns);
  return starts[to] - (starts[from] + insnWidth(insns[from]));
}
