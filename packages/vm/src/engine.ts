/**
 * The engine contract: the interpreter ('interp'), the x86-64 JIT ('jit') and the WebAssembly
 * JIT ('wasm') all implement `Engine`, so hosts choose an engine by name and run programs the
 * same way. All engines share the runtime's linear memory, maps and helper registry, and must
 * agree bit for bit with the interpreter (the reference).
 */
import type { HelperRegistry } from './helpers/registry.js';
import type { LoadedProgram } from './program.js';

export type EngineName = 'interp' | 'jit' | 'wasm';

export type Availability = { ok: true } | { ok: false; reason: string };

/**
 * Called before each instruction executes (interpreter only; compiled engines ignore it).
 * `lo`/`hi` are the live 32-bit halves of r0..r10 — read them, or write them to patch state.
 * Return false to stop the run with VmError('stopped'); anything else continues.
 */
export type DebugHook = (pc: number, lo: Int32Array, hi: Int32Array) => boolean | undefined;

export interface PrepareOptions {
  /**
   * Region checks: every load and store checked against the memory's regions (writes: writable
   * regions only), a fault a VmError('out-of-bounds') naming pc, address and size — diagnostics
   * for programs that were not verified. Default false on EVERY engine: the sandbox rule
   * (memory.ts), which confines accesses to the linear memory and gives the same result or the
   * same fault on every engine. Only the interpreter checks regions; the compiled engines refuse
   * `true` with the reason, as they refuse an instruction limit (the object API's `auto` then
   * moves on to the interpreter).
   */
  boundsCheck?: boolean;
  /** Stop with VmError('instruction-limit') after this many instructions; 0 = no limit (default). */
  instructionLimit?: number;
  /** Per-instruction hook (interpreter). */
  debug?: DebugHook;
  /** Helpers to call (default: the runtime's registry). */
  helpers?: HelperRegistry;
  /**
   * Constant blinding in engines that emit machine code (the x86-64 JIT: on by default, for
   * programs from outside the host; `false` for trusted ones). Other engines ignore it.
   */
  blind?: boolean;
}

/**
 * After a helper call (`call` of a helper id, `callx`) r1–r5 are 0 on every engine. Linux leaves
 * them undefined and its verifier never lets a program read them; defining them makes the
 * engines agree on programs that were not verified, and keeps whatever a native helper left in
 * those machine registers (host pointers) out of the program's reach.
 */
export const HELPER_CLOBBERS_ZEROED = [1, 2, 3, 4, 5] as const;

/**
 * A program ready to run on one engine. Not reentrant: a helper must not run the same prepared
 * program again while it is running (prepare it twice instead).
 */
export interface PreparedProgram {
  readonly engine: EngineName;
  readonly program: LoadedProgram;
  /**
   * Run once; returns r0 as an unsigned 64-bit value (the exact path). Throws VmError on a fault.
   *
   * THE HOST'S ADDRESS CONVENTION (every engine, `run` and `runFast` alike): the host names
   * memory by offsets into the linear memory (`Region.start`), never by BPF addresses.
   * `ctx` is the offset of the context: r1 = its BPF address (`BPF_ADDRESS_BASE + ctx`), or
   * r1 = 0 (NULL) when `ctx` is 0 — offset 0 lies in the NULL guard, never in a region, so it
   * is free to mean "no context". `len` is r2, an integer 0..2^32-1 (zero-extended). r10 is the
   * top of a fresh frame; every other register starts at 0.
   */
  run(ctx?: number, len?: number): bigint;
  /**
   * The hot path (trace filters): `run`'s arguments, but returns r0's LOW 32 BITS as an
   * unsigned number (0..2^32-1) — exactly what Linux's `bpf_prog_run()` returns (u32), so a
   * filter keeps the event iff the result is non-zero. No BigInt anywhere on this path.
   */
  runFast(ctx: number, len: number): number;
  /** Instructions executed by the last run (the interpreter counts; compiled engines may return -1). */
  readonly lastInstructionCount: number;
  /** Release what `prepare` allocated (stack region, code). The object is unusable afterwards. */
  dispose(): void;
}

export interface Engine {
  readonly name: EngineName;
  /** Whether this engine can run here (native addon built, WebAssembly present, …) and why not. */
  available(): Availability;
  /**
   * Compile/prepare a loaded program for repeated runs on `program.runtime`. Throws VmError
   * ('load') when the program cannot be prepared by this engine, with the reason.
   */
  prepare(program: LoadedProgram, options?: PrepareOptions): PreparedProgram;
}
