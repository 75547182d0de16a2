/**
 * The control-flow facts codegen needs: every branch resolved to an instruction index, and the
 * program split into functions (the entry plus every BPF-to-BPF call target), each a contiguous
 * range of instructions as clang, GCC and the verifier lay them out.
 */
import { branchTargets, type Insn } from '@tbpf/isa';
import { WasmCompileError } from './errors.js';

export interface Subprogram {
  /** First instruction index. */
  start: number;
  /** One past the last instruction index. */
  end: number;
}

export interface ControlFlow {
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

export function analyse(insns: readonly Insn[]): ControlFlow {
  if (insns.length === 0) throw new WasmCompileError('empty program');
  const target = new Int32Array(insns.length).fill(-1);
  const starts = new Set<number>([0]);
  // +1 at a backward jump's target, -1 after the jump: the running sum counts the loops around.
  const loopEdges = new Int32Array(insns.length + 1);
  const resolved = branchTargets(insns);
  for (let i = 0; i < insns.length; i++) {
    const t = resolved[i];
    if (t === undefined) continue;
    if (!t.ok) {
      const why = t.reason === 'lddw-middle' ? 'into the middle of an lddw' : 'out of the program';
      throw new WasmCompileError(`branch ${why} (slot ${t.slot})`, i);
    }
    target[i] = t.index;
    if (t.index <= i) {
      loopEdges[t.index]++;
      loopEdges[i + 1]--;
    }
    const insn = insns[i];
    if (insn.kind === 'call') starts.add(t.index);
  }
  const sorted = [...starts].sort((a, b) => a - b);
  const subprograms = sorted.map((start, k) => ({ start, end: sorted[k + 1] ?? insns.length }));
  const owner = new Int32Array(insns.length);
  for (const [k, s] of subprograms.entries()) owner.fill(k, s.start, s.end);
  for (let i = 0; i < insns.length; i++) {
    const insn = insns[i];
    if (target[i] < 0 || insn.kind === 'call') continue;
    if (owner[target[i]] !== owner[i]) throw new WasmCompileError('jump out of its function', i);
  }
  const inLoop = new Uint8Array(insns.length);
  for (let i = 0, depth = 0; i < insns.length; i++) {
    depth += loopEdges[i];
    inLoop[i] = depth > 0 ? 1 : 0;
  }
  return { target, subprograms, owner, inLoop };
}
