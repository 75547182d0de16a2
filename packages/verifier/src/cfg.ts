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

/** The register an instruction writes (-1: none) and the ones it reads (-1: none). */
function regsOf(insn: Insn): [write: number, read1: number, read2: number] {
  switch (insn.kind) {
    case 'alu':
      return [insn.dst, insn.source === 'reg' ? insn.src : -1, -1];
    case 'end':
    case 'lddw':
      return [insn.dst, -1, -1];
    case 'jmp':
      return [-1, insn.dst, insn.source === 'reg' ? insn.src : -1];
    case 'callx':
      return [-1, insn.reg, -1];
    case 'ldind':
      return [-1, insn.src, -1];
    case 'ldx':
      return [insn.dst, insn.src, -1];
    case 'st':
      return [-1, insn.dst, -1];
    case 'stx':
    case 'atomic':
      return [-1, insn.dst, insn.src];
    default:
      return [-1, -1, -1];
  }
}

const validReg = (r: number): boolean => r === -1 || (Number.isInteger(r) && r >= 0 && r <= 10);

function checkInsn(insn: Insn, i: number, cpu: CpuVersion): void {
  const v = cpuVersion(insn);
  if (v === undefined || v > cpu) throw new StructureError(i, `unknown opcode ${hex2(opcodeOf(insn))}`);
  const [write, read1, read2] = regsOf(insn);
  const bad = !validReg(read1) ? read1 : !validReg(read2) ? read2 : !validReg(write) ? write : -1;
  if (bad !== -1) throw new StructureError(i, `R${bad} is invalid`);
  if (write === 10) throw new StructureError(i, 'frame pointer is read only');
  if (insn.kind === 'call' && insn.target === 'kfunc') {
    throw new StructureError(i, 'calling kernel functions is not supported');
  }
  if (insn.kind === 'alu' && insn.source === 'imm' && insn.imm === 0 && /^s?(div|mod)$/.test(insn.op)) {
    throw new StructureError(i, 'div by zero');
  }
  if (insn.kind === 'lddw' && (insn.source === 'var_addr' || insn.source === 'code_addr')) {
    throw new StructureError(
      i,
      `unsupported lddw pseudo source ${insn.source} (callbacks and BTF variables)`,
    );
  }
}

function isCondJump(insn: Insn): boolean {
  return insn.kind === 'jmp';
}

function endsFlow(insn: Insn): boolean {
  return insn.kind === 'exit' || insn.kind === 'ja' || insn.kind === 'gotol';
}

export function checkStructure(insns: readonly Insn[], cpu: CpuVersion, strictRfc: boolean): Structure {
  const n = insns.length;
  if (n === 0) throw new StructureError(0, 'empty program');
  for (let i = 0; i < n; i++) checkInsn(insns[i], i, cpu);

  const target = new Int32Array(n).fill(-1);
  const targets = branchTargets(insns);
  const starts0 = slotStarts(insns);
  const starts = new Set<number>([0]);
  targets.forEach((t, i) => {
    if (!t) return;
    const insn = insns[i];
    if (!t.ok) {
      const isCall = insn.kind === 'call';
      if (isCall) throw new StructureError(i, 'call to invalid destination');
      // Report the target as an instruction index would be (the slot for lddw middles).
      throw new StructureError(
        i,
        t.reason === 'lddw-middle'
          ? `jump into the middle of ldimm64 insn ${starts0.indexOf(t.slot - 1)}`
          : `jump out of range from insn ${i} to ${t.slot}`,
      );
    }
    target[i] = t.index;
    if (insn.kind === 'call') starts.add(t.index);
  });

  const subprogStarts = [...starts].sort((a, b) => a - b);
  const subprogOf = new Int32Array(n);
  for (let s = 0; s < subprogStarts.length; s++) {
    const end = s + 1 < subprogStarts.length ? subprogStarts[s + 1] : n;
    for (let i = subprogStarts[s]; i < end; i++) subprogOf[i] = s;
    const last = insns[end - 1];
    if (!endsFlow(last)) {
      if (end === n) throw new StructureError(end - 1, `jump out of range from insn ${end - 1} to ${end}`);
      throw new StructureError(end - 1, 'last insn is not an exit or jmp');
    }
  }
  const callees = subprogStarts.map(() => new Set<number>());
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    if (target[i] < 0) continue;
    if (insn.kind === 'call') {
      callees[subprogOf[i]].add(subprogOf[target[i]]);
    } else if (subprogOf[target[i]] !== subprogOf[i]) {
      throw new StructureError(i, `jump out of range from insn ${i} to ${target[i]}`);
    }
  }

  // Depth-first walk: reachability, back-edges, pruning points (Linux's check_cfg).
  const prunePoint = new Uint8Array(n);
  const color = new Uint8Array(n); // 0 new, 1 on the DFS stack, 2 done
  const stack: number[] = [0];
  const nextEdge = new Int32Array(n);
  color[0] = 1;
  /** The k-th successor of instruction i, or -1 when it has no more. */
  const successor = (i: number, k: number): number => {
    const insn = insns[i];
    if (insn.kind === 'exit') return -1;
    if (insn.kind === 'ja' || insn.kind === 'gotol') return k === 0 ? target[i] : -1;
    if (isCondJump(insn) || (insn.kind === 'call' && insn.target === 'local'))
      return k === 0 ? i + 1 : k === 1 ? target[i] : -1;
    return k === 0 ? i + 1 : -1;
  };
  while (stack.length > 0) {
    const t = stack[stack.length - 1];
    const w = successor(t, nextEdge[t]);
    if (w < 0) {
      color[t] = 2;
      stack.pop();
      continue;
    }
    nextEdge[t]++;
    const insn = insns[t];
    if (insn.kind === 'jmp' || insn.kind === 'ja' || insn.kind === 'gotol') prunePoint[target[t]] = 1;
    if (insn.kind === 'jmp') prunePoint[t] = 1;
    if (insn.kind === 'call' || insn.kind === 'callx') prunePoint[t + 1] = 1;
    if (insn.kind === 'call' && insn.target === 'local') prunePoint[t] = 1;
    if (color[w] === 0) {
      color[w] = 1;
      stack.push(w);
    } else if (color[w] === 1 && strictRfc) {
      throw new StructureError(t, `back-edge from insn ${t} to ${w}`);
    }
  }
  for (let i = 0; i < n; i++) if (color[i] === 0) throw new StructureError(i, `unreachable insn ${i}`);
  return { target, subprogStarts, subprogOf, prunePoint, callees };
}
