/** The program a filter source yields, and the error every filter stage throws. */

import type { LinkedProgram, MapSpec } from '@tbpf/asm';

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

/**
 * A program in a form the loader can verify and run: linked (asm's LinkedProgram — its maps
 * are created, or reused by name, once it verifies; its line info names source lines in
 * verifier messages), and where it came from, for the `filter` file.
 */
export interface FilterProgram extends LinkedProgram {
  origin: string;
}
