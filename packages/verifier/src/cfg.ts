/**
 * The structure pass (Linux's check_subprogs + check_cfg): instruction validity for the CPU
 * version, registers, sub-program boundaries, jump targets, reachability, fall-through past the
 * end, and — in the RFC's strict mode — back-edges. Also marks the pruning points.
 */

import { branchTargets, type CpuVersion, cpuVersion, encodeSlots, type Insn, slotStarts } from '@tbpf/isa';

export class StructureError extends Error {
  constructor(
    readonly insnIndex: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export interface Structure {
  /** Branch target (instruction index) of each jump/gotol/local call; -1 elsewhere. */
  target: Int32Array;
  /**
   * Successors of each instruction inside its function: `next[2 * i]` and `next[2 * i + 1]`,
   * -1 for none (a call continues at the next instruction).
   */
  next: Int32Array;
  /** Start instruction of each sub-program, ascending; [0] is the entry. */
  subprogStarts: number[];
  /** Sub-program index of each instruction. */
  subprogOf: Int32Array;
  /**
   * Instructions where explored states are kept for pruning (Linux's prune points): every
   * conditional jump and its target, jump targets, local calls and the instruction after any
   * call.
   */
  prunePoint: Uint8Array;
  /** Static call graph: callees of each sub-program. */
  callees: Set<number>[];
}

/** The opcode byte of an instruction, for messages and the kernel-style log. */
function opcodeOf(insn: Insn): number {
  try {
    return encodeSlots(insn)[0].opcode;
  } catch {
    return 0;
  }
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** A register number an instruction names is valid (-1: it names none). */
const validReg = (r: number): boolean => r === -1 || (Number.isInteger(r) && r >= 0 && r <= 10);

/**
 * The first invalid register the instruction names (the ones it reads, then the one it
 * writes), or -1.
 */
function invalidReg(insn: Insn): number {
  switch (insn.kind) {
    case 'alu':
      if (insn.source === 'reg' && !validReg(insn.src)) return insn.src;
      return validReg(insn.dst) ? -1 : insn.dst;
    case 'end':
    case 'lddw':
      return validReg(insn.dst) ? -1 : insn.dst;
    case 'jmp':
      if (!validReg(insn.dst)) return insn.dst;
      return insn.source === 'reg' && !validReg(insn.src) ? insn.src : -1;
    case 'callx':
      return validReg(insn.reg) ? -1 : insn.reg;
    case 'ldind':
      return validReg(insn.src) ? -1 : insn.src;
    case 'ldx':
      if (!validReg(insn.src)) return insn.src;
      return validReg(insn.dst) ? -1 : insn.dst;
    case 'st':
      return validReg(insn.dst) ? -1 : insn.dst;
    case 'stx':
    case 'atomic':
      if (!validReg(insn.dst)) return insn.dst;
      return validReg(insn.src) ? -1 : insn.src;
    default:
      return -1;
  }
}

/** The register an instruction writes, or -1. */
function writtenReg(insn: Insn): number {
  return insn.kind === 'alu' || insn.kind === 'end' || insn.kind === 'lddw' || insn.kind === 'ldx'
    ? insn.dst
    : -1;
}

function checkInsn(insn: Insn, i: number, cpu: CpuVersion): void {
  const v = cpuVersion(insn);
  if (v === undefined || v > cpu) throw new StructureError(i, `unknown opcode ${hex2(opcodeOf(insn))}`);
  const bad = invalidReg(insn);
  if (bad !== -1) throw new StructureError(i, `R${bad} is invalid`);
  if (writtenReg(insn) === 10) throw new StructureError(i, 'frame pointer is read only');
  if (insn.kind === 'call' && insn.target === 'kfunc') {
    throw new StructureError(i, 'calling kernel functions is not supported');
  }
  if (
    insn.kind === 'alu' &&
    insn.source === 'imm' &&
    insn.imm === 0 &&
    (insn.op === 'div' || insn.op === 'sdiv' || insn.op === 'mod' || insn.op === 'smod')
  ) {
    throw new StructureError(i, 'div by zero');
  }
  if (insn.kind === 'lddw' && (insn.source === 'var_addr' || insn.source === 'code_addr')) {
    throw new StructureError(
      i,
      `unsupported lddw pseudo source ${insn.source} (callbacks and BTF variables)`,
    );
  }
}

/**
 * How an instruction passes control on, one small number per instruction: the passes after the
 * first read these instead of the instruction objects.
 */
const FLOW_NEXT = 0;
const FLOW_EXIT = 1;
/** `ja` and `gotol`. */
const FLOW_GOTO = 2;
const FLOW_COND = 3;
const FLOW_LOCAL_CALL = 4;
/** Helper calls and `callx`. */
const FLOW_CALL = 5;

function flowOf(insn: Insn): number {
  switch (insn.kind) {
    case 'exit':
      return FLOW_EXIT;
    case 'ja':
    case 'gotol':
      return FLOW_GOTO;
    case 'jmp':
      return FLOW_COND;
    case 'call':
      return insn.target === 'local' ? FLOW_LOCAL_CALL : FLOW_CALL;
    case 'callx':
      return FLOW_CALL;
    default:
      return FLOW_NEXT;
  }
}

/**
 * Each instruction's successors inside its function, two numbers per instruction (-1: none): a
 * call, local or not, continues at the next instruction.
 */
function flowSuccessors(flow: Uint8Array, target: Int32Array): Int32Array {
  const n = flow.length;
  const next = new Int32Array(2 * n).fill(-1);
  for (let i = 0; i < n; i++) {
    const after = i + 1 < n ? i + 1 : -1;
    switch (flow[i]) {
      case FLOW_EXIT:
        break;
      case FLOW_GOTO:
        next[2 * i] = target[i];
        break;
      case FLOW_COND:
        next[2 * i] = after;
        next[2 * i + 1] = target[i];
        break;
      default:
        next[2 * i] = after;
    }
  }
  return next;
}

export function checkStructure(insns: readonly Insn[], cpu: CpuVersion, strictRfc: boolean): Structure {
  const n = insns.length;
  if (n === 0) throw new StructureError(0, 'empty program');
  const flow = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    checkInsn(insns[i], i, cpu);
    flow[i] = flowOf(insns[i]);
  }

  const target = new Int32Array(n).fill(-1);
  const targets = branchTargets(insns);
  const starts = new Set<number>([0]);
  targets.forEach((t, i) => {
    if (!t) return;
    if (!t.ok) {
      if (flow[i] === FLOW_LOCAL_CALL) throw new StructureError(i, 'call to invalid destination');
      // Report the target as an instruction index would be (the slot for lddw middles).
      throw new StructureError(
        i,
        t.reason === 'lddw-middle'
          ? `jump into the middle of ldimm64 insn ${slotStarts(insns).indexOf(t.slot - 1)}`
          : `jump out of range from insn ${i} to ${t.slot}`,
      );
    }
    target[i] = t.index;
    if (flow[i] === FLOW_LOCAL_CALL) starts.add(t.index);
  });

  const subprogStarts = [...starts].sort((a, b) => a - b);
  const subprogOf = new Int32Array(n);
  for (let s = 0; s < subprogStarts.length; s++) {
    const end = s + 1 < subprogStarts.length ? subprogStarts[s + 1] : n;
    for (let i = subprogStarts[s]; i < end; i++) subprogOf[i] = s;
    const last = flow[end - 1];
    if (last !== FLOW_EXIT && last !== FLOW_GOTO) {
      if (end === n) throw new StructureError(end - 1, `jump out of range from insn ${end - 1} to ${end}`);
      throw new StructureError(end - 1, 'last insn is not an exit or jmp');
    }
  }
  const callees = subprogStarts.map(() => new Set<number>());
  for (let i = 0; i < n; i++) {
    if (target[i] < 0) continue;
    if (flow[i] === FLOW_LOCAL_CALL) {
      callees[subprogOf[i]].add(subprogOf[target[i]]);
    } else if (subprogOf[target[i]] !== subprogOf[i]) {
      throw new StructureError(i, `jump out of range from insn ${i} to ${target[i]}`);
    }
  }

  // Depth-first walk over the functions' edges and the local calls: reachability and, in
  // strict mode, back-edges (Linux's check_cfg).
  const next = flowSuccessors(flow, target);
  const color = new Uint8Array(n); // 0 new, 1 on the DFS stack, 2 done
  const stack = new Int32Array(n);
  const nextEdge = new Uint8Array(n);
  let depth = 1;
  color[0] = 1;
  while (depth > 0) {
    const t = stack[depth - 1];
    const k = nextEdge[t]++;
    // A local call's second edge is its callee's entry.
    const w =
      k === 0 ? next[2 * t] : k !== 1 ? -1 : flow[t] === FLOW_LOCAL_CALL ? target[t] : next[2 * t + 1];
    if (w < 0) {
      color[t] = 2;
      depth--;
    } else if (color[w] === 0) {
      color[w] = 1;
      stack[depth++] = w;
    } else if (color[w] === 1 && strictRfc) {
      throw new StructureError(t, `back-edge from insn ${t} to ${w}`);
    }
  }
  for (let i = 0; i < n; i++) if (color[i] === 0) throw new StructureError(i, `unreachable insn ${i}`);
  // Pruning points: jumps and their targets, local calls, the instruction after any call.
  const prunePoint = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const f = flow[i];
    if (f === FLOW_COND || f === FLOW_GOTO) prunePoint[target[i]] = 1;
    if (f === FLOW_COND || f === FLOW_LOCAL_CALL) prunePoint[i] = 1;
    if (f === FLOW_CALL || f === FLOW_LOCAL_CALL) prunePoint[i + 1] = 1;
  }
  return { target, next, subprogStarts, subprogOf, prunePoint, callees };
}
