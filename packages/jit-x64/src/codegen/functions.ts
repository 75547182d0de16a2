/**
 * Split a program into its BPF functions (index 0 and every local-call target) and check what
 * native code generation relies on: branches stay inside their function, every function ends
 * in exit or an unconditional jump, calls do not recurse and nest at most `maxFrames` deep.
 * Branches are resolved by isa (packedBranchTargets); the compiler's prescan checks that each
 * resolved and marks the local calls' targets, in its one loop over the program.
 */
import {
  CALL_TARGET,
  KIND_CALL,
  KIND_EXIT,
  KIND_GOTOL,
  KIND_JA,
  OP_KIND,
  OP_SUB,
  type PackedInsns,
} from '@tbpf/isa';
import { JitError } from './errors.js';

export interface ProgramShape {
  /** `target[i]`: the instruction index a branch or local call at i goes to, -1 otherwise. */
  target: Int32Array;
  /** First instruction of each function, ascending; `starts[0]` is 0. */
  starts: number[];
  /** `functionOf[i]`: index into `starts` of the function instruction i belongs to; undefined for one function. */
  functionOf: Int32Array | undefined;
  /** Deepest chain of frames (1 = no local calls). */
  frames: number;
}

const isLocalCall = (id: number): boolean => OP_KIND[id] === KIND_CALL && OP_SUB[id] === CALL_TARGET.local;

/** The program's functions, from its branch targets and the local calls' targets (`entry[i]` = 1; undefined without local calls). */
export function splitFunctions(
  code: PackedInsns,
  target: Int32Array,
  entry: Uint8Array | undefined,
  maxFrames: number,
): ProgramShape {
  const { length: n, op } = code;
  const starts = [0];
  const functionOf = entry ? new Int32Array(n) : undefined;
  if (functionOf) {
    for (let i = 1; i < n; i++) {
      if (entry![i]) starts.push(i);
      functionOf[i] = starts.length - 1;
    }
  }
  for (let i = 0; functionOf && i < n; i++) {
    const t = target[i];
    if (t >= 0 && functionOf[t] !== functionOf[i] && !isLocalCall(op[i])) {
      throw new JitError('cross-function-jump', `jump to instruction ${t} in another function`, i);
    }
  }
  for (let f = 0; f < starts.length; f++) {
    const last = (starts[f + 1] ?? n) - 1;
    const k = OP_KIND[op[last]];
    if (!(k === KIND_EXIT || k === KIND_JA || k === KIND_GOTOL)) {
      throw new JitError(
        'falls-off-function',
        'the last instruction of a function is not exit or a jump',
        last,
      );
    }
  }
  return {
    target,
    starts,
    functionOf,
    frames: functionOf ? callDepth(code, target, starts, functionOf, maxFrames) : 1,
  };
}

/** Depth of the call graph from function 0; a cycle is recursion. */
function callDepth(
  code: PackedInsns,
  target: Int32Array,
  starts: number[],
  functionOf: Int32Array,
  maxFrames: number,
): number {
  const callees: Set<number>[] = starts.map(() => new Set());
  for (let i = 0; i < code.length; i++) {
    if (isLocalCall(code.op[i])) callees[functionOf[i]].add(functionOf[target[i]]);
  }
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
