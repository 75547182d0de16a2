/** Why a program run (or a load) stopped with an error; stable strings for tools to switch on. */
export type VmErrorKind =
  /** A load or store outside every region, into a read-only region, or through a non-pointer. */
  | 'out-of-bounds'
  /** An opcode (or an encoding of one) the interpreter does not execute. */
  | 'unknown-opcode'
  /** A jump or local call whose target is outside the program or inside an lddw. */
  | 'bad-jump'
  /** The configured instruction limit was reached. */
  | 'instruction-limit'
  /** More nested BPF-to-BPF calls than `MAX_CALL_FRAMES`. */
  | 'call-depth'
  /** A call (or callx) to a helper id with no registered implementation. */
  | 'unknown-helper'
  /** A helper implementation failed (threw) while running. */
  | 'helper-failed'
  /** Execution ran past the last instruction without `exit`. */
  | 'fell-off'
  /** The program cannot be loaded (bad bytes, unresolvable map reference, …). */
  | 'load'
  /** The linear memory cannot satisfy an allocation. */
  | 'out-of-memory'
  /** A map operation was given bad arguments (wrong key size, …) from user space. */
  | 'map'
  /** A packet or packet context a program type cannot run with (too short, bad ctx fields). */
  | 'packet'
  /** The debug hook asked to stop. */
  | 'stopped'
  /** A bug in the vm itself (an unexpected JavaScript exception), reported with the pc. */
  | 'internal';

/**
 * The one error the vm throws. `pc` is the instruction index (lddw counts once; -1 when no
 * instruction is involved), `address` the BPF address of a faulting access, `size` its width.
 */
export class VmError extends Error {
  override readonly name = 'VmError';
  constructor(
    readonly kind: VmErrorKind,
    readonly reason: string,
    readonly pc = -1,
    readonly address?: bigint,
    readonly size?: number,
  ) {
    super(pc >= 0 ? `pc ${pc}: ${reason}` : reason);
  }
}

/** Linux errno values returned (negated) by helpers and map operations. */
export const EPERM = 1;
export const ENOENT = 2;
export const E2BIG = 7;
export const ENOMEM = 12;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;
export const ENOSPC = 28;
export const ERANGE = 34;
export const EOPNOTSUPP = 95;
