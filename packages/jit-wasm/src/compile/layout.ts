/**
 * Where compiled code finds things in the linear memory, fixed when a program is prepared for
 * one runtime (the module bakes them in as constants).
 */
export interface MemoryLayout {
  /** Size of the imported memory in 64 KiB pages (initial = maximum). */
  pages: number;
  /** Offset one past the entry frame: the entry function's r10 (low half). */
  stackTop: number;
  /** Lowest offset of the stack region (native helpers check that pointers lie in the stack). */
  stackBottom: number;
  /** Bytes per BPF frame (512). */
  frameSize: number;
  /**
   * Offset of the 88-byte helper exchange area: low halves of r0..r10 (11 × i32) then their
   * high halves — the `HelperCall.lo`/`hi` arrays of the JavaScript trampoline.
   */
  scratch: number;
}

/**
 * Set in the pc a `callx` passes to the JavaScript helper trampoline: the helper id is then the
 * 64-bit value in r0's exchange slot (the called register), not the id argument.
 */
export const CALLX_PC = 0x8000_0000 | 0;

/** Byte offset of register n's low half in the exchange area. */
export const scratchLo = (n: number): number => 4 * n;
/** Byte offset of register n's high half in the exchange area. */
export const scratchHi = (n: number): number => 44 + 4 * n;
export const SCRATCH_BYTES = 88;
