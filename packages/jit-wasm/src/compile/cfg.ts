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
  KIND_CALL,
  KIND_GOTOL,
  KIND_JA,
  KIND_JMP,
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
}

/** Is the instruction of kind `k` a jump inside its function (not a call)? */
export function isJump(k: number): boolean {
  return k === KIND_JMP || k === KIND_JA || k === KIND_GOTOL;
}

export function analyse(code: PackedInsns): ControlFlow {
  const n = code.length;
  if (n === 0) throw new WasmCompileError('empty program');
  const kind = new Uint8Array(n);
  for (let i = 0; i < n; i++) kind[i] = OP_KIND[code.op[i]];
  const { target, slot } = packedBranchTargets(code);
  const starts = new Set<number>([0]);
  // +1 at a backward jump's target, -1 after the jump: the running sum counts the loops around.
  const loopEdges = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const t = target[i];
    if (t === NO_BRANCH) continue;
    if (t === BRANCH_OUT_OF_RANGE || t === BRANCH_LDDW_MIDDLE) {
      const why = t === BRANCH_LDDW_MIDDLE ? 'into the middle of an lddw' : 'out of the program';
      const to = slot[i + 1] + (packedBranchOffset(code, i) as number);
      throw new WasmCompileError(`branch ${why} (slot ${to})`, i);
    }
    if (t <= i) {
      loopEdges[t]++;
      loopEdges[i + 1]--;
    }
    if (kind[i] === KIND_CALL) starts.add(t);
  }
  const sorted = [...starts].sort((a, b) => a - b);
  const subprograms = sorted.map((start, k) => ({ start, end: sorted[k + 1] ?? n }));
  const owner = new Int32Array(n);
  for (const [k, s] of subprograms.entries()) owner.fill(k, s.start, s.end);
  for (let i = 0; i < n; i++) {
    if (target[i] < 0 || kind[i] === KIND_CALL) continue;
    if (owner[target[i]] !== owner[i]) throw new WasmCompileError('jump out of its function', i);
  }
  const inLoop = new Uint8Array(n);
  for (let i = 0, depth = 0; i < n; i++) {
    depth += loopEdges[i];
    inLoop[i] = depth > 0 ? 1 : 0;
  }
  return { kind, target, subprograms, owner, inLoop };
}
