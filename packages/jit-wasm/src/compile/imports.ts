/** The JavaScript functions a compiled module imports (module name `env`). */

/** `helper(id: i32, pc: i32)`: r1..r5 are in the exchange area; the helper leaves r0 there. */
export const IMPORT_HELPER = 'helper';
/** `fail(kind: i32, pc: i32)`: throws the VmError for `kind` (never returns). */
export const IMPORT_FAIL = 'fail';
export const IMPORT_MEMORY = 'memory';
/** `refresh()`: rewrite the region table from the memory's regions (./native-memory.ts). */
export const IMPORT_REFRESH = 'refresh';
/** `clock() → f64`: the runtime's clock in nanoseconds (bpf_ktime_get_ns). */
export const IMPORT_CLOCK = 'clock';
/** `random() → i32`: the runtime's random u32 (bpf_get_prandom_u32). */
export const IMPORT_RANDOM = 'random';

/** Codes passed to `fail`. */
export enum FailKind {
  CallDepth = 1,
  FellOff = 2,
  /** A legacy packet load outside the packet: the program ends with r0 = 0 (as Linux). */
  PacketEnd = 3,
}
