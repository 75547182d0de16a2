/**
 * Loading the native executor (build/tbpf_jit.node, built at install time by
 * scripts/build-native.mjs). When it is missing or unusable, `nativeAddon()` says why, once,
 * and callers fall back to the interpreter.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV_LAYOUT } from './env-layout.js';

/**
 * A JavaScript helper call from native code: the helper id as the program named it (a callx's
 * whole register, as a BigInt), the call's pc, whether it is a callx, r1..r5; returns r0.
 */
export type Dispatch = (
  id: number | bigint,
  pc: number,
  callx: boolean,
  r1: bigint,
  r2: bigint,
  r3: bigint,
  r4: bigint,
  r5: bigint,
) => bigint;

export interface LoadSpec {
  code: Uint8Array;
  /** The linear memory's buffer (never detached: the memory is never grown). */
  memory: ArrayBuffer;
  /** What the code expects in r12 relative to the memory's start: CONFINED_BASE_OFFSET, or -2^32 for direct addressing. */
  baseOffset: number;
  /** Segment addressing: the executor sets GS to the memory's start + baseOffset for every run. */
  segment: boolean;
  /** CompiledProgram.faultExit: where a faulting access resumes (-1: the program cannot fault). */
  faultExit: number;
  /** Faults at [memory, memory + reach) are the program's own (the guard region it can reach). */
  reach: number;
  /** R10 at entry: the BPF address one past the top frame of the stack. */
  r10: bigint;
  /** Helper id per slot of the code's helper table. */
  slotIds: number[];
  /** Per BPF pc: the helper id a call there names, -1 for a callx (CompiledProgram.callIds). */
  callIds: Float64Array;
  /** Helpers implemented natively: [id, native name]. Others go to `dispatch`. */
  natives: [number, string][];
  usesCallx: boolean;
  dispatch?: Dispatch;
  /** Regions as (offset, length, writable) triples, for native helpers' range checks. */
  regions?: Float64Array;
  /** Each map's layout (9 u32 words: descriptor, type, key, value, max entries, capacity, data, stride, value offset), by id - 1. */
  maps?: Uint32Array;
  /** Fresh [regions, maps] when a native helper misses (created after loading). */
  refresh?: () => [Float64Array, Uint32Array];
  /** CLOCK_MONOTONIC ns minus this = the runtime clock's ns (native ktime_get_ns). */
  clockOffset?: number;
}

/** One loaded program: code mapped read+execute, bound to its memory and helpers. */
export interface NativeProgram {
  run(r1: bigint, r2: bigint): bigint;
  /** Thread CPU nanoseconds of `n` calls in a C loop, r1 alternating between r1a and r1b. */
  bench(r1a: bigint, r1b: bigint, r2: bigint, n: number): number;
  /** From inside a JavaScript helper: end the program with r0 once the helper returns. */
  requestStop(r0: bigint): void;
  /**
   * Unmap the code and drop the JavaScript functions now — true — or, from inside a run of this
   * program, once the run returns — false. (The rest goes when the object is collected.)
   */
  free(): boolean;
  readonly codeAddress: bigint;
  /** The program's index for `Addon.runIo` (per thread, reused once the handle is collected). */
  readonly runIndex: number;
}

export interface Addon {
  load(spec: LoadSpec): NativeProgram;
  /**
   * runFast through the thread's io block: runIoBlock[0] = a program's runIndex, [1] = ctx,
   * [2] = len → [3] = r0's low 32 bits, [4] = 1 when the run failed. One function for every
   * program, with no values to convert: the cheapest crossing N-API offers. It does not throw:
   * a failed run's exception is held for `takeRunFailure`.
   */
  runIo(): void;
  /** What the last failed runIo threw (and clears runIoBlock[4]). */
  takeRunFailure(): unknown;
  runIoBlock: Uint32Array;
  layout(): Record<keyof typeof ENV_LAYOUT, number>;
  /** Names of the helpers the addon implements natively. */
  nativeHelpers: string[];
  /** The native address of a buffer's bytes (tests: W^X and the memory's reservation). */
  bufferAddress(buffer: ArrayBuffer): bigint;
  /** Whether segment-addressed code can run on this thread (GS unused, or the executor's own). */
  segmentAvailable(): boolean;
  /** Undefined when everything from the buffer's end to `reach` bytes past its start is mapped and inaccessible, else why not. */
  windowProblem(buffer: ArrayBuffer, reach: number): string | undefined;
  /** Does nothing: the cost of the cheapest N-API call (benchmark reference). */
  nop(a: number, b: number): void;
  /**
   * Fill with cryptographically random bytes (Node's own OpenSSL RAND_bytes, else the kernel's getrandom):
   * blinding's randomness without loading Node's crypto module.
   */
  randomFill(values: Int32Array): void;
  /** CPU time of the calling thread in ns (benchmarks on a shared machine). */
  threadCpuNs(): number;
  /** CLOCK_MONOTONIC in ns (as a double). */
  monotonicNs(): number;
}

export type NativeStatus = { ok: true; addon: Addon } | { ok: false; reason: string };

/**
 * The package's folder, found through the package's name rather than this file's place, so that
 * a bundle that inlines this module (the tbpf CLI) still finds the addon its installed package
 * built; this file's own place when the name does not resolve.
 */
function findPackageRoot(): string {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('@tbpf/jit-x64/package.json'));
  } catch {
    return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  }
}

const packageRoot = findPackageRoot();
/** Where the build script puts the addon. */
export const ADDON_PATH = path.join(packageRoot, 'build', 'tbpf_jit.node');

let status: NativeStatus | undefined;

/** The native executor, or why it is unavailable. Loaded once. */
export function nativeAddon(): NativeStatus {
  status ??= loadAddon();
  return status;
}

function loadAddon(): NativeStatus {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return {
      ok: false,
      reason: `the x86-64 JIT needs x86-64 Linux (this is ${process.platform}-${process.arch})`,
    };
  }
  if (!existsSync(ADDON_PATH)) {
    const why = path.join(packageRoot, 'build', 'unavailable.txt');
    const detail = existsSync(why) ? readFileSync(why, 'utf8').trim() : 'it was not built';
    return {
      ok: false,
      reason: `native executor unavailable: ${detail} (build it with \`node ${path.join(packageRoot, 'scripts', 'build-native.mjs')}\`)`,
    };
  }
  try {
    const addon = createRequire(import.meta.url)(ADDON_PATH) as Addon;
    const layout = addon.layout();
    for (const [field, offset] of Object.entries(ENV_LAYOUT)) {
      if (layout[field as keyof typeof ENV_LAYOUT] !== offset) {
        return {
          ok: false,
          reason: `native executor is stale: env field ${field} at ${layout[field as keyof typeof ENV_LAYOUT]}, code expects ${offset}; rebuild it`,
        };
      }
    }
    return { ok: true, addon };
  } catch (e) {
    return { ok: false, reason: `native executor failed to load: ${(e as Error).message}` };
  }
}
