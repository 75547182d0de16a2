/** The program a filter source yields, and the error every filter stage throws. */

import type { MapSpec } from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import type { LineRef } from '@tbpf/verifier';

export class FilterLoadError extends Error {
  override name = 'FilterLoadError';
  constructor(
    message: string,
    /** The verifier's log, when the verifier rejected the program. */
    readonly log?: string,
    readonly stage: 'parse' | 'compile' | 'link' | 'verify' | 'load' | 'engine' = 'load',
  ) {
    super(message);
  }
}

/** A map the program uses, as ELF/RFC tables describe it (asm's MapSpec fits). */
export type FilterMapSpec = MapSpec;

/** A program in a form the loader can verify and run. */
export interface FilterProgram {
  name: string;
  section?: string;
  insns: readonly Insn[];
  /** Maps the program's `map_idx` lddw refer to; created (or reused by name) once it verifies. */
  maps: readonly FilterMapSpec[];
  /** Source lines for verifier messages. */
  lineInfo?: readonly LineRef[];
  /** Where the program came from, for the `filter` file. */
  origin: string;
}
