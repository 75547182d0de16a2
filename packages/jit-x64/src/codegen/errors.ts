/** Why a program cannot be compiled; stable strings a caller can switch on before falling back. */
export type JitErrorCode =
  | 'empty-program'
  | 'bad-register'
  | 'no-encoding'
  | 'bad-jump'
  | 'cross-function-jump'
  | 'falls-off-function'
  | 'recursion'
  | 'call-depth'
  | 'legacy-packet-load'
  | 'kfunc-call'
  | 'unresolved-lddw';

/**
 * A program (or one instruction of it) the JIT does not compile. The interpreter runs such
 * programs; `index` is the instruction index, -1 when the reason is the whole program.
 */
export class JitError extends Error {
  override readonly name = 'JitError';
  constructor(
    readonly code: JitErrorCode,
    readonly reason: string,
    readonly index = -1,
  ) {
    super(index >= 0 ? `instruction ${index}: ${reason}` : reason);
  }
}
