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
  const starts = slotStarts(insns);
  const total = starts[insns.length];
  const map = new Int32Array(total).fill(-1);
  for (let i = 0; i < insns.length; i++) map[starts[i]] = i;
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
  const starts = slotStarts(insns);
  const bySlot = indexOfSlot(insns);
  return insns.map((insn, i) => {
    const off = branchOffset(insn);
    if (off === undefined) return undefined;
    const slot = starts[i] + insnWidth(insn) + off;
    if (slot < 0 || slot >= bySlot.length) return { ok: false, slot, reason: 'out-of-range' };
    const index = bySlot[slot];
    return index < 0 ? { ok: false, slot, reason: 'lddw-middle' } : { ok: true, index };
  });
}

/** The slot offset that makes instruction `from` branch to instruction `to`. */
export function offsetBetween(insns: readonly Insn[], from: number, to: number): number {
  const starts = slotStarts(insns);
  return starts[to] - (starts[from] + insnWidth(insns[from]));
}
