/**
 * The control-flow facts codegen needs, read from the packed program (isa's packed.ts: numbers,
 * not instruction objects of fifteen shapes): every instruction's kind, every branch resolved to
 * an instruction index, and the program split into functions (the entry plus every BPF-to-BPF
 * call target), each a contiguous range of instructions as clang, GCC and the verifier lay them
 * out.
 */
import {
  BRANCH_LDDW_MIDDLE,
  BRANCH_OUT_OF_RANGE,
  INSN_KINDS,
  KIND_CALL,
  KIND_CALLX,
  KIND_EXIT,
  KIND_GOTOL,
  KIND_JA,
  KIND_JMP,
  KIND_LDABS,
  KIND_LDIND,
  NO_BRANCH,
  OP_KIND,
  type PackedInsns,
  packedBranchOffset,
  packedBranchTargets,
} from '@tbpf/isa';
import { WasmCompileError } from './errors.js';

export interface Subprogram {
  /** First instruction index. */
  start: number;
  /** One past the last instruction index. */
  end: number;
}

export interface ControlFlow {
  /** For each instruction: its kind (isa's KIND_* numbers). */
  kind: Uint8Array;
  /** For each instruction: the index its jump/gotol/local call goes to, or -1. */
  target: Int32Array;
  subprograms: Subprogram[];
  /** For each instruction: the index of its subprogram in `subprograms`. */
  owner: Int32Array;
  /**
   * For each instruction: non-zero if it lies between a backward jump and its target, so may
   * run more than once per call (a backward BPF-to-BPF call counts too: an over-approximation).
   */
  inLoop: Uint8Array;
  /** The program has legacy packet loads (ldabs/ldind). */
  usesPacket: boolean;
  /** A BPF-to-BPF call targets instruction 0: the entry is also a callee. */
  entryCalled: boolean;
  /** The program calls a helper (by id or callx). */
  callsHelpers: boolean;
  /** A function's last instruction can continue past it (`fell-off` is reachable). */
  fallsOff: boolean;
}

/** Is the instruction of kind `k` one after which nothing runs in order (exit, ja, gotol)? */
export function endsFlow(k: number): boolean {
  return k === KIND_EXIT || k === KIND_JA || k === KIND_GOTOL;
}

/** By kind: 1 for a jump inside its function (not a call) — a table, read per instruction unoptimised. */
export const JUMP_KIND = Uint8Array.from({ length: INSN_KINDS.length }, (_, k) =>
  k === KIND_JMP || k === KIND_JA || k === KIND_GOTOL ? 1 : 0,
);

/** Is the instruction of kind `k` a jump inside its function (not a call)? */
export function isJump(k: number): boolean {
  return JUMP_KIND[k] === 1;
}

export function analyse(code: PackedInsns): ControlFlow {
  const n = code.length;
  if (n === 0) throw new WasmCompileError('empty program');
  const { target, slot } = packedBranchTargets(code);
  const kind = new Uint8Array(n);
  const starts = new Set<number>([0]);
  // +1 at a backward jump's target, -1 after the jump: the running sum counts the loops around.
  const loopEdges = new Int32Array(n + 1);
  let usesPacket = false;
  let entryCalled = false;
  let callsHelpers = false;
  for (let i = 0; i < n; i++) {
    const k = OP_KIND[code.op[i]];
    kind[i] = k;
    if (k === KIND_LDABS || k === KIND_LDIND) usesPacket = true;
    const t = target[i];
    if (t === NO_BRANCH) {
      if (k === KIND_CALL || k === KIND_CALLX) callsHelpers = true; // a call without a target
      continue;
    }
    if (t === BRANCH_OUT_OF_RANGE || t === BRANCH_LDDW_MIDDLE) {
      const why = t === BRANCH_LDDW_MIDDLE ? 'into the middle of an lddw' : 'out of the program';
      const to = slot[i + 1] + (packedBranchOffset(code, i) as number);
      throw new WasmCompileError(`branch ${why} (slot ${to})`, i);
    }
    if (t <= i) {
      loopEdges[t]++;
      loopEdges[i + 1]--;
    }
    if (k === KIND_CALL) {
      starts.add(t); // a local call: helper calls have no target
      if (t === 0) entryCalled = true;
    }
  }
  const sorted = [...starts].sort((a, b) => a - b);
  const subprograms = sorted.map((start, k) => ({ start, end: sorted[k + 1] ?? n }));
  const owner = new Int32Array(n);
  const inLoop = new Uint8Array(n);
  for (const [k, s] of subprograms.entries()) owner.fill(k, s.start, s.end);
  for (let i = 0, depth = 0; i < n; i++) {
    depth += loopEdges[i];
    inLoop[i] = depth > 0 ? 1 : 0;
    // Checked where there are several functions (one function owns every target).
    if (subprograms.length > 1 && target[i] >= 0 && kind[i] !== KIND_CALL && owner[target[i]] !== owner[i])
      throw new WasmCompileError('jump out of its function', i);
  }
  const fallsOff = subprograms.some((s) => !endsFlow(kind[s.end - 1]));
  return { kind, target, subprograms, owner, inLoop, usesPacket, entryCalled, callsHelpers, fallsOff };
}
