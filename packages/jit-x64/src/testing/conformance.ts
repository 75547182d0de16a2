/** Test support: programs of plain instructions, as the conformance and executor tests load them. */
import type { Insn } from '@tbpf/isa';
import { type LoadedProgram, loadInsns, type Runtime } from '@tbpf/vm';

/** A LoadedProgram of plain instructions (map references by fd) on `runtime`. */
export function plainProgram(runtime: Runtime, insns: readonly Insn[], name = 'test'): LoadedProgram {
  return loadInsns(runtime, insns, { name });
}
