import type { VerifyResult } from './types.js';

/**
 * A rejection inside the walk: the reason is the log's last line. Not an `Error`: it never
 * leaves `verify`, and capturing a stack trace for every rejected program costs more than
 * verifying a small one.
 */
export class Reject {
  constructor(
    readonly insnIndex: number,
    readonly reason: string,
  ) {}
}

/**
 * A program the verifier rejected. Its message is one line — the reason (after the program's
 * name, when given), plus how many log lines were left out; the whole log is `error.log`, the
 * structured result `error.result`.
 */
export class VerifierError extends Error {
  override readonly name = 'VerifierError';
  readonly log: string;
  readonly insnIndex: number;
  readonly reason: string;
  readonly sourceLine?: string;

  constructor(
    readonly result: VerifyResult,
    /** The rejected program's name, when the caller knows it (an object's program). */
    readonly program?: string,
  ) {
    const err = result.error ?? { insnIndex: -1, reason: 'rejected' };
    const lines = result.log.split('\n').filter((l) => l !== '');
    const omitted = Math.max(0, lines.length - 1);
    super(
      `${program !== undefined ? `program ${program}: ` : ''}${err.reason}${omitted > 0 ? ` (${omitted} line(s) omitted)` : ''}`,
    );
    this.log = result.log;
    this.insnIndex = err.insnIndex;
    this.reason = err.reason;
    if (err.sourceLine !== undefined) this.sourceLine = err.sourceLine;
  }
}
