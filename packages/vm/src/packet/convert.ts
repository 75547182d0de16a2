/**
 * Linux's convert_ctx_access for packet programs, done on the instructions after verification
 * and before any engine sees them (so every engine runs the same rewritten program):
 *
 * - a 4-byte load of a u32 packet pointer field (`data`, `data_end`, `data_meta`) becomes an
 *   8-byte load of the runtime context's pointer slot (./layout.ts);
 * - stores into `__sk_buff` fields that are narrower in the kernel's skb store only their width
 *   (tc_index and tc_classid are u16), and queue_mapping ignores values ≥ 0xffff
 *   (NO_QUEUE_MAPPING), as Linux's rewrites do;
 * - the legacy packet loads of skb programs (ld_abs, ld_ind; the verifier has checked that r6
 *   holds the context) become calls of bpf_skb_load_helper_{8,16,32}, Linux's bpf_gen_ld_abs.
 *
 * Only the loads and stores the verifier saw dereference the context are touched (its
 * `ctxInsns`). Rewrites that take more than one instruction shift the rest: jump and call
 * offsets, code addresses and function starts are adjusted; `origin` maps each new
 * instruction back to the one it came from (for fault locations).
 */
import {
  add,
  branchOffset,
  call,
  type Insn,
  insnWidth,
  ja,
  jge,
  type LdAbsInsn,
  type LdIndInsn,
  type LdxInsn,
  mov,
  type StInsn,
  type StxInsn,
  slotStarts,
} from '@tbpf/isa';
import { VmError } from '../errors.js';
import { HELPER } from '../helpers/ids.js';
import { PACKET_CTX, type PacketKind, POINTER_FIELDS, SKB } from './layout.js';

export interface ConvertedProgram {
  insns: Insn[];
  /** For each instruction of `insns`, the index of the original instruction it replaces. */
  origin: number[];
  /** Where each original instruction starts in `insns` (with a final entry: the new length). */
  start: number[];
}

/** NO_QUEUE_MAPPING: a queue_mapping store of this or more leaves the field as it is. */
const NO_QUEUE_MAPPING = 0xffff;

const LD_ABS = { 1: HELPER.ld_abs_8, 2: HELPER.ld_abs_16, 4: HELPER.ld_abs_32 } as const;

/** The slot a 4-byte load at `off` of `kind`'s UAPI struct reads instead, if it is a pointer. */
function pointerSlot(kind: PacketKind, off: number): number | undefined {
  const fields = POINTER_FIELDS[kind];
  const slots = PACKET_CTX[kind];
  if (off === fields.data) return slots.data;
  if (off === fields.dataEnd) return slots.dataEnd;
  if (off === fields.dataMeta) return slots.dataMeta;
  return undefined;
}

function convertLoad(kind: PacketKind, insn: LdxInsn): Insn[] {
  const slot = insn.size === 4 ? pointerSlot(kind, insn.off) : undefined;
  return slot === undefined ? [insn] : [{ ...insn, size: 8, off: slot }];
}

function convertStore(kind: PacketKind, insn: StInsn | StxInsn): Insn[] {
  if (kind !== 'skb' || insn.size !== 4) return [insn];
  switch (insn.off) {
    case SKB.tc_index:
    case SKB.tc_classid:
      return [{ ...insn, size: 2 }];
    case SKB.queue_mapping:
      if (insn.kind === 'st') return insn.imm >>> 0 >= NO_QUEUE_MAPPING ? [ja(0)] : [{ ...insn, size: 2 }];
      return [jge.imm(insn.src, NO_QUEUE_MAPPING, 1), { ...insn, size: 2 }];
    default:
      return [insn];
  }
}

/** bpf_gen_ld_abs: r2 = offset; r1 = r6 (the context); call the load helper (r0 = 0 and exit when outside). */
function convertLdAbs(insn: LdAbsInsn | LdIndInsn): Insn[] {
  const offset: Insn[] =
    insn.kind === 'ldabs'
      ? [mov.imm(2, insn.imm)]
      : [mov.reg(2, insn.src), ...(insn.imm ? [add.imm(2, insn.imm)] : [])];
  return [...offset, mov.reg(1, 6), call(LD_ABS[insn.size])];
}

/**
 * Rewrite a verified program for `kind`'s runtime context. `ctxInsns`: the indices of the
 * loads and stores through the context pointer (the verifier's VerifyResult.ctxInsns).
 */
export function convertCtxAccesses(
  insns: readonly Insn[],
  ctxInsns: Iterable<number>,
  kind: PacketKind,
): ConvertedProgram {
  const viaCtx = new Set(ctxInsns);
  const parts = insns.map((insn, i): Insn[] => {
    if (kind === 'skb' && (insn.kind === 'ldabs' || insn.kind === 'ldind')) return convertLdAbs(insn);
    if (!viaCtx.has(i)) return [insn];
    if (insn.kind === 'ldx') return convertLoad(kind, insn);
    if (insn.kind === 'st' || insn.kind === 'stx') return convertStore(kind, insn);
    return [insn];
  });
  const start: number[] = [];
  let n = 0;
  for (const p of parts) {
    start.push(n);
    n += p.length;
  }
  start.push(n);
  const origin = parts.flatMap((p, i) => p.map(() => i));
  if (n === insns.length) return { insns: parts.flat(), origin, start };
  return { insns: relink(insns, parts, start), origin, start };
}

/** Adjust branch offsets and code addresses of the original instructions to the new layout. */
function relink(insns: readonly Insn[], parts: Insn[][], start: number[]): Insn[] {
  const oldSlots = slotStarts(insns);
  const slotToIndex = new Map<number, number>();
  for (let i = 0; i <= insns.length; i++) slotToIndex.set(oldSlots[i], i);
  const out = parts.flat();
  const newSlots = slotStarts(out);
  /** The new slot offset from the end of the instruction at new index `at` to original `target`. */
  const rel = (at: number, target: number) => newSlots[start[target]] - (newSlots[at] + insnWidth(out[at]));
  /** The original instruction `slot` slots after the start of original instruction `i`. */
  const targetOf = (i: number, slot: number) => {
    const t = slotToIndex.get(oldSlots[i] + slot);
    if (t === undefined) throw new VmError('load', 'a jump lands inside an lddw or outside the program', i);
    return t;
  };
  insns.forEach((insn, i) => {
    // Only unchanged instructions branch or hold code addresses (rewrites never start from one).
    if (parts[i].length !== 1 || parts[i][0] !== insn) return;
    const at = start[i];
    const off = branchOffset(insn);
    if (off !== undefined) {
      const next = rel(at, targetOf(i, insnWidth(insn) + off));
      if (insn.kind === 'gotol' || insn.kind === 'call') out[at] = { ...insn, imm: next };
      else if (next >= -0x8000 && next <= 0x7fff) out[at] = { ...insn, off: next } as Insn;
      else throw new VmError('load', 'a jump offset no longer fits in 16 bits after the context rewrite', i);
    } else if (insn.kind === 'lddw' && insn.source === 'code_addr') {
      // A code address counts from the lddw's first slot plus one (the loader's rule).
      out[at] = { ...insn, imm: rel(at, targetOf(i, insn.imm + 1)) + insnWidth(insn) - 1 };
    }
  });
  return out;
}
