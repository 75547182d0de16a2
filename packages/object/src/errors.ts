/**
 * The object API's own error. The layers below keep theirs and they pass through unchanged —
 * ElfError, AsmError, RfcImageError and IsaError when opening; LinkError, VerifierError (the
 * whole kernel-shaped log in `.log`) and VmError when loading and running — so that each keeps
 * its location fields.
 */

/** Where in the object's life a problem arose. */
export type ObjectStage = 'open' | 'compile' | 'link' | 'verify' | 'load' | 'engine' | 'map' | 'run';

export interface ObjectErrorDetails {
  /** The program concerned. */
  program?: string;
  /** More text: e.g. every compiler diagnostic, clang-style. */
  detail?: string;
  /** A source position (C compile errors). */
  location?: { file: string; line: number; column: number };
}

export class ObjectError extends Error {
  override readonly name = 'ObjectError';
  readonly program?: string;
  readonly detail?: string;
  readonly location?: { file: string; line: number; column: number };

  constructor(
    message: string,
    readonly stage: ObjectStage,
    details: ObjectErrorDetails = {},
  ) {
    super(message);
    if (details.program !== undefined) this.program = details.program;
    if (details.detail !== undefined) this.detail = details.detail;
    if (details.location !== undefined) this.location = details.location;
  }
}
