/** Why an encoding was rejected; stable strings for tools to switch on. */
export type IsaErrorCode =
  | 'truncated'
  | 'unknown-opcode'
  | 'bad-register'
  | 'reserved-field'
  | 'bad-selector'
  | 'lddw-second-slot'
  | 'out-of-range';

/**
 * The one error the isa layer throws. `index` is the instruction index (lddw counts once) and
 * `slot` the 8-byte slot where the problem is; both are -1 when not applicable.
 */
export class IsaError extends Error {
  override readonly name = 'IsaError';
  constructor(
    readonly code: IsaErrorCode,
    readonly reason: string,
    readonly index = -1,
    readonly slot = -1,
  ) {
    super(index >= 0 ? `instruction ${index}: ${reason}` : reason);
  }
}
