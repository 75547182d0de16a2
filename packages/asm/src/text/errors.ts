/** Where a problem is in assembler input: 1-based line and column. */
export interface SourceLocation {
  fileName: string;
  line: number;
  column: number;
}

/**
 * The one error the text assembler throws. The message reads like a compiler's,
 * `prog.s:3:9: error: expected a register, found '%x1'`, and every part of it is also a field.
 */
export class AsmError extends Error {
  override readonly name = 'AsmError';
  constructor(
    /** What is wrong, without the location prefix. */
    readonly reason: string,
    readonly fileName: string,
    readonly line: number,
    readonly column: number,
    /** The offending text (a token, or the rest of the line). */
    readonly text: string,
    /** What the assembler expected instead, when it knows. */
    readonly expected?: string,
  ) {
    super(`${fileName}:${line}:${column}: error: ${reason}`);
  }

  static at(loc: SourceLocation, reason: string, text: string, expected?: string): AsmError {
    return new AsmError(reason, loc.fileName, loc.line, loc.column, text, expected);
  }
}

/** A mistake in a `ProgramBuilder` program, found by `build()`. */
export class ProgramBuildError extends Error {
  override readonly name = 'ProgramBuildError';
  constructor(
    readonly reason: string,
    /** Instruction index of the offending instruction (-1 when it is about the program as a whole). */
    readonly index: number,
    /** The label concerned, if any. */
    readonly label?: string,
  ) {
    super(index >= 0 ? `instruction ${index}: ${reason}` : reason);
  }
}
