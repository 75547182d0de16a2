/**
 * Split a program into its BPF functions (index 0 and every local-call target) and check what
 * native code generation relies on: branches stay inside their function, every function ends
 * in exit or an unconditional jump, calls do not recurse and nest at most `maxFrames` deep.
 */
import { branchOffset, type Insn, insnWidth, slotStarts } from '@tbpf/isa';
import { JitError } from './errors.js';

export interface ProgramShape {
  /** `target[i]`: the instruction index a branch or local call at i goes to, -1 otherwise. */
  target: Int32Array;
  /** First instruction of each function, ascending; `starts[0]` is 0. */
  starts: number[];
  /** `functionOf[i]`: index into `starts` of the function instruction i belongs to. */
  functionOf: Int32Array;
  /** Deepest chain of frames (1 = no local calls). */
  frames: number;
}

export function analyse(insns: readonly Insn[], maxFrames: number): ProgramShape {
  if (insns.length === 0) throw new JitError('empty-program', 'the program has no instructions');
  const n = insns.length;
  const target = new Int32Array(n).fill(-1);
  const entries = new Set<number>([0]);
  const starts0 = slotStarts(insns);
  const bySlot = new Int32Array(starts0[n]).fill(-1);
  for (let i = 0; i < n; i++) bySlot[starts0[i]] = i;
  for (let i = 0; i < n; i++) {
    const off = branchOffset(insns[i]);
    if (off === undefined) continue;
    const slot = starts0[i] + insnWidth(insns[i]) + off;
    const t = slot >= 0 && slot < bySlot.length ? bySlot[slot] : -2;
    if (t < 0) {
      throw new JitError(
        'bad-jump',
        `branch to slot ${slot} (${t === -2 ? 'out-of-range' : 'lddw-middle'})`,
        i,
      );
    }
    target[i] = t;
    if (insns[i].kind === 'call') entries.add(t);
  }
  const starts = [...entries].sort((a, b) => a - b);
  const functionOf = new Int32Array(n);
  for (let f = 0; f < starts.length; f++) functionOf.fill(f, starts[f], starts[f + 1] ?? n);

  const callees: Set<number>[] = starts.map(() => new Set());
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    const isCall = insn.kind === 'call' && insn.target === 'local';
    if (target[i] >= 0 && !isCall && functionOf[target[i]] !== functionOf[i]) {
      throw new JitError('cross-function-jump', `jump to instruction ${target[i]} in another function`, i);
    }
    if (isCall) callees[functionOf[i]].add(functionOf[target[i]]);
    const last = i + 1 === n || functionOf[i + 1] !== functionOf[i];
    if (last && !(insn.kind === 'exit' || insn.kind === 'ja' || insn.kind === 'gotol')) {
      throw new JitError('falls-off-function', 'the last instruction of a function is not exit or a jump', i);
    }
  }
  return { target, starts, functionOf, frames: callDepth(callees, starts, maxFrames) };
}

/** Depth of the call graph from function 0; a cycle is recursion. */
function callDepth(callees: Set<number>[], starts: number[], maxFrames: number): number {
  const depth = new Int32Array(callees.length); // 0 unvisited, -1 on the current path
  const visit = (f: number): number => {
    if (depth[f] === -1) throw new JitError('recursion', 'recursive BPF-to-BPF call', starts[f]);
    if (depth[f] > 0) return depth[f];
    depth[f] = -1;
    let deepest = 0;
    for (const g of callees[f]) deepest = Math.max(deepest, visit(g));
    depth[f] = deepest + 1;
    return depth[f];
  };
  const frames = visit(0);
  if (frames > maxFrames) {
    throw new JitError('call-depth', `calls nest ${frames} frames deep; the limit is ${maxFrames}`);
  }
  return frames;
}
