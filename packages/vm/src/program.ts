/**
 * A loaded program: instructions bound to a runtime, with every `lddw` pseudo source resolved
 * to a 64-bit constant (map pointers and map value addresses are BPF addresses in the linear
 * memory). Engines only read `constants[i].lo/hi`; the verifier also reads `.map` and `.source`.
 */
import type { Insn, LddwSource, PackedInsns } from '@tbpf/isa';
import type { BpfMap } from './maps/map.js';
import type { Runtime } from './runtime.js';

/** The resolved value of the lddw at some instruction index, as 32-bit halves. */
export interface LddwConstant {
  source: LddwSource;
  /** Low 32 bits (signed int32). */
  lo: number;
  /** High 32 bits (signed int32). */
  hi: number;
  /** map_fd / map_idx: the map; map_value / map_idx_value: the map whose value it points into. */
  map?: BpfMap;
  /** map_value / map_idx_value: byte offset into the value. */
  valueOffset?: number;
  /** code_addr: the instruction index of the function (lo holds it too; hi is 0). */
  target?: number;
}

/**
 * Stack bytes an engine zeroes when a function is entered: `bytes` (a multiple of 8, at most
 * STACK_SIZE) below the frame pointer of the function starting at `insnIndex` — the entry at
 * the start of every run, any other function at each local call to it. The verifier asks for
 * this where a program may read stack bytes it never wrote (VerifyResult.zeroedStacks, Linux's
 * allow_uninit_stack), so what it reads is defined and the same on every engine; other
 * functions' stacks are left as they are (they keep what earlier runs and calls wrote there).
 * The zeroing is the stores `*(u64 *)(r10 - 8) = 0`, `*(u64 *)(r10 - 16) = 0`, … in that order,
 * under the sandbox rule (./memory.ts): with a frame pointer an unverified program moved, a
 * store outside the linear memory faults at the local call.
 */
export interface ZeroedStack {
  insnIndex: number;
  bytes: number;
}

export interface LoadedProgram {
  readonly name: string;
  /** ELF section / program type hint, when known (e.g. `kprobe/sys_write`). */
  readonly section?: string;
  readonly runtime: Runtime;
  readonly insns: readonly Insn[];
  /** The same instructions as numbers (isa's packed.ts): what engines' passes read. */
  readonly code: PackedInsns;
  /** `constants[i]` for every lddw at index i; undefined elsewhere. */
  readonly constants: readonly (LddwConstant | undefined)[];
  /** Maps referenced by index (`map_idx`), in the LinkedProgram's order. */
  readonly maps: readonly BpfMap[];
  /** Where each function starts (entry first), when known. */
  readonly functionStarts: readonly { name: string; insnIndex: number }[];
  /** Functions whose stack is zeroed on entry (see `ZeroedStack`); none when absent. */
  readonly zeroedStacks?: readonly ZeroedStack[];
}

/**
 * `zeroedStacks` as a table: entry i is the number of stack bytes zeroed when the function
 * starting at instruction i is entered (0 for most).
 */
export function zeroedStackTable(program: LoadedProgram): Int32Array {
  const table = new Int32Array(program.code.length);
  for (const z of program.zeroedStacks ?? []) table[z.insnIndex] = z.bytes;
  return table;
}
