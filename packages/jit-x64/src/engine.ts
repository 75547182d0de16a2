/**
 * The x86-64 JIT as a vm `Engine`: compile with ./codegen, map the code through the native
 * executor, run it on the runtime's linear memory. Helpers the addon implements natively (the
 * standard implementations of map lookup/update/delete, probe reads, memcmp, load_pointer,
 * ktime) run without JavaScript; every other helper goes through a trampoline into the
 * registry with the same `HelperCall` the interpreter passes.
 *
 * Like jit-wasm, compiled code does not check each access against the regions (`boundsCheck:
 * true` is refused, as are instruction limits). A program that was not verified still cannot reach
 * outside the linear memory: every access is confined to the sandbox's window (vm's memory.ts,
 * codegen/memory.ts) and one outside it faults, which the executor turns into a VmError at the
 * access's pc — the interpreter's result (without region checks), bit for bit or fault for fault.
 */
import {
  ArrayMap,
  BPF_ADDRESS_BASE,
  type Engine,
  HashMap,
  HelperCall,
  type HelperRegistry,
  type LinearMemory,
  type LoadedProgram,
  type PreparedProgram,
  type PrepareOptions,
  type Region,
  RingBuffer,
  type Runtime,
  SANDBOX_FAULT,
  setReturn,
  unknownHelperError,
  VmError,
} from '@tbpf/vm';
import { type CompiledProgram, type CompileOptions, compile } from './codegen/compile.js';
import type { Addressing, RandomFill } from './codegen/context.js';
import { CONFINED_BASE_OFFSET } from './codegen/memory.js';
import { type Addon, type Dispatch, type LoadSpec, type NativeProgram, nativeAddon } from './native.js';
import { nativeHelperName } from './native-helpers.js';
import { CONFINED_REACH, reservationProblem } from './reservation.js';

export type JitOptions = Pick<CompileOptions, 'blind'> & {
  /**
   * How accesses reach the linear memory (codegen/memory.ts): 'segment' (the default where
   * this thread's GS is free), else 'confined'; 'direct' has no sandbox (measurements only).
   */
  addressing?: Addressing;
  /**
   * Constant blinding (Linux's bpf_jit_harden): on by default — programs usually come from
   * outside the host (trace-host's control plane, the CLI) and no immediate of theirs should
   * reach executable memory verbatim. `false` for trusted programs; a `{ seed }` for tests.
   */
  blind?: CompileOptions['blind'];
  /** Run the standard helpers natively when the registry holds them (default true). */
  nativeHelpers?: boolean;
};

const TWO32 = 2n ** 32n;

/** The regions of a runtime's memory programs may reach as (offset, length, writable) triples. */
export function regionTable(runtime: Runtime): Float64Array {
  const regions = runtime.memory.programRegions;
  const out = new Float64Array(regions.length * 3);
  regions.forEach((r, i) => {
    out[3 * i] = r.start;
    out[3 * i + 1] = r.size;
    out[3 * i + 2] = r.writable ? 1 : 0;
  });
  return out;
}

/** Words per map in `mapTable` (`tbpf_map_info` in native/helpers.h). */
const MAP_INFO_WORDS = 9;

/**
 * Each map's layout as the runtime created it, by id - 1: descriptor offset, type, key size,
 * value size, max entries, capacity, data offset, stride, value offset. Native helpers use this
 * copy, never the descriptor's bytes (a program may have written them).
 */
function mapTable(runtime: Runtime): Uint32Array {
  const out = new Uint32Array(runtime.maps.length * MAP_INFO_WORDS);
  runtime.maps.forEach((m, i) => {
    const [capacity, data, stride, valueOffset] =
      m instanceof ArrayMap
        ? [m.maxEntries, m.values.start, m.stride, 0]
        : m instanceof HashMap
          ? [m.capacity, m.table.start, m.slotSize, m.valueAt]
          : m instanceof RingBuffer
            ? [m.size, m.ring.start, 0, 0]
            : [0, 0, 0, 0];
    out.set(
      [m.descriptor.start, m.type, m.keySize, m.valueSize, m.maxEntries, capacity, data, stride, valueOffset],
      i * MAP_INFO_WORDS,
    );
  });
  return out;
}

/**
 * Frees a forgotten program's stack region when the program is collected: one registry per
 * memory, reachable only through the memory (a WeakMap), holding only the regions — nothing in
 * it keeps a runtime alive, so a forgotten program and its runtime can go together.
 */
const stackRegistries = new WeakMap<LinearMemory, FinalizationRegistry<Region>>();

function stackRegistry(memory: LinearMemory): FinalizationRegistry<Region> {
  let registry = stackRegistries.get(memory);
  if (!registry) {
    registry = new FinalizationRegistry((stack) => memory.free(stack));
    stackRegistries.set(memory, registry);
  }
  return registry;
}

export class JitPrepared implements PreparedProgram {
  readonly engine = 'jit' as const;
  readonly lastInstructionCount = -1;
  private disposed = false;
  private released = false;
  /** Helper calls that went through the JavaScript trampoline (native helpers do not count). */
  get trampolineCalls(): number {
    return this.counter.calls;
  }

  constructor(
    readonly program: LoadedProgram,
    readonly compiled: CompiledProgram,
    private readonly native: NativeProgram,
    addon: Addon,
    private readonly counter: { calls: number },
    private readonly stack: Region,
  ) {
    stackRegistry(program.runtime.memory).register(this, stack, this);
    this.runIo = addon.runIo;
    this.takeRunFailure = addon.takeRunFailure;
    this.io = addon.runIoBlock;
    this.runIndex = native.runIndex;
  }

  /** runFast's crossing: the addon's runIo, its io block, and this program's index there. */
  private readonly runIo: () => void;
  private readonly takeRunFailure: () => unknown;
  private readonly io: Uint32Array;
  private readonly runIndex: number;

  run(ctx = 0, len = 0): bigint {
    try {
      return this.native.run(ctx === 0 ? 0n : BigInt(BPF_ADDRESS_BASE + ctx), BigInt(len >>> 0));
    } catch (e) {
      throw this.failure(e);
    } finally {
      if (this.disposed) this.finishDispose();
    }
  }

  /** Where the code is mapped (for listings and the W^X test). */
  get codeAddress(): bigint {
    return this.native.codeAddress;
  }

  runFast(ctx: number, len: number): number {
    // Arguments, result and failure travel through the thread's io block: no N-API value
    // conversions, no callback data and no try/catch on the hot path (a try or finally here
    // makes TurboFan optimise the host's loop around the call less well).
    const io = this.io;
    io[0] = this.runIndex;
    io[1] = ctx;
    io[2] = len;
    this.runIo();
    if (io[4] !== 0) throw this.runFailed(this.takeRunFailure());
    if (this.disposed) this.finishDispose();
    return io[3];
  }

  /** A run threw: release a program disposed during it, and say what happened. */
  private runFailed(e: unknown): unknown {
    if (this.disposed) this.finishDispose();
    return this.failure(e);
  }

  /** Total ns of `n` runs in a C loop (no JavaScript crossing), the context alternating between two offsets. */
  benchNative(ctxA: number, ctxB: number, len: number, n: number): number {
    const base = BigInt(BPF_ADDRESS_BASE);
    try {
      return this.native.bench(base + BigInt(ctxA), base + BigInt(ctxB), BigInt(len), n);
    } catch (e) {
      throw this.failure(e);
    }
  }

  /**
   * Release the code and the stack region. From inside a run of this program (a helper), the
   * release waits until the run returns; later runs fail with VmError('load').
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.finishDispose();
  }

  private finishDispose(): void {
    if (this.released || !this.native.free()) return; // running: the run's own finally comes back here
    this.released = true;
    const memory = this.program.runtime.memory;
    stackRegistry(memory).unregister(this);
    memory.free(this.stack);
  }

  /** The VmError for what the executor threw: a fault, a disposed program, a nested run. */
  private failure(e: unknown): unknown {
    const code = (e as { code?: string } | null)?.code;
    if (code === 'TBPF_FREED') return new VmError('load', 'the prepared program was disposed');
    if (code === 'TBPF_BUSY')
      return new VmError('load', 'the prepared program is already running (runs do not nest)');
    if (code !== 'TBPF_FAULT') return e;
    const { codeOffset, memoryOffset } = e as { codeOffset: number; memoryOffset: bigint };
    const pc = pcAt(this.compiled.insnOffsets, codeOffset);
    const insn = this.program.insns[pc];
    const size = insn && 'size' in insn ? insn.size : 0;
    const write = insn !== undefined && insn.kind !== 'ldx';
    // A guard access lands 4 GiB above the base: its offset wraps.
    const offset = Number(memoryOffset) % 2 ** 32;
    const address = BigInt(BPF_ADDRESS_BASE + offset);
    const what = `${write ? 'write' : 'read'} of ${size} byte${size > 1 ? 's' : ''} at 0x${address.toString(16)}`;
    return new VmError('out-of-bounds', `invalid ${what}: ${SANDBOX_FAULT}`, pc, address, size);
  }
}

/** The instruction whose code holds byte `offset`: the last one starting at or before it. */
function pcAt(insnOffsets: Int32Array, offset: number): number {
  let lo = 0;
  let hi = insnOffsets.length - 2;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (insnOffsets[mid] <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * A trampoline into the registry: the interpreter's HelperCall (with the call's pc), r0 back as
 * a BigInt; errors as the interpreter raises them (an unknown id, named as it was called; a
 * helper's own failure).
 */
function makeDispatch(
  runtime: Runtime,
  helpers: HelperRegistry,
  counter: { calls: number },
  stop: (r0: bigint) => void,
): Dispatch {
  const lo = new Int32Array(11);
  const hi = new Int32Array(11);
  const call = new HelperCall(runtime, lo, hi);
  return (id, pc, callx, ...regs) => {
    counter.calls++;
    const def = typeof id === 'number' ? helpers.get(id) : id < TWO32 ? helpers.get(Number(id)) : undefined;
    if (!def) throw unknownHelperError(id, pc, callx);
    for (let n = 0; n < 5; n++) {
      lo[n + 1] = Number(BigInt.asIntN(32, regs[n]));
      hi[n + 1] = Number(BigInt.asIntN(32, regs[n] >> 32n));
    }
    call.pc = pc;
    call.stopped = false;
    call.retLo = 0;
    call.retHi = 0;
    let value: ReturnType<typeof def.fn>;
    try {
      value = def.fn(call);
    } catch (e) {
      if (e instanceof VmError) throw e;
      throw new VmError(
        'helper-failed',
        `helper ${def.proto.id} failed: ${e instanceof Error ? e.message : String(e)}`,
        pc,
      );
    }
    setReturn(call, lo, hi, value);
    if (call.stopped) stop(BigInt.asUintN(64, BigInt(call.stopValue)));
    return BigInt(hi[0] >>> 0) * TWO32 + BigInt(lo[0] >>> 0);
  };
}

export class JitEngine implements Engine {
  readonly name = 'jit' as const;

  constructor(private readonly options: JitOptions = {}) {}

  available(): { ok: true } | { ok: false; reason: string } {
    const status = nativeAddon();
    return status.ok ? { ok: true } : { ok: false, reason: status.reason };
  }

  /**
   * Compile only (no native code needed): what `prepare` would map, or why it cannot. `blind`
   * overrides the engine's blinding for this program.
   */
  compile(program: LoadedProgram, blind?: boolean): CompiledProgram {
    const result = compile(program.code, {
      blind: blind ?? this.options.blind ?? true,
      randomFill: addonRandomFill(),
      addressing: this.options.addressing ?? defaultAddressing(),
      zeroedStacks: program.zeroedStacks,
      resolveLddw: (i) => program.constants[i],
    });
    if (!result.ok) throw new VmError('load', `x86-64 JIT: ${result.error.message}`, result.error.index);
    return result.program;
  }

  prepare(program: LoadedProgram, options: PrepareOptions = {}): JitPrepared {
    const status = nativeAddon();
    if (!status.ok) throw new VmError('load', `x86-64 JIT unavailable: ${status.reason}`);
    if (options.boundsCheck === true) {
      throw new VmError(
        'load',
        'the x86-64 JIT has no region checks (boundsCheck: true): its code confines accesses to the linear memory; use the interpreter',
      );
    }
    if (options.instructionLimit) {
      throw new VmError('load', 'the x86-64 JIT has no instruction limit: use the interpreter');
    }
    const compiled = this.compile(program, options.blind);
    const { runtime } = program;
    const problem = reservationProblem(status.addon, runtime.memory.buffer);
    if (problem) throw new VmError('load', `x86-64 JIT: no guard region behind the memory: ${problem}`);
    const helpers = options.helpers ?? runtime.helpers;
    const stack: Region = runtime.allocStack();
    const counter = { calls: 0 };
    let native: NativeProgram | undefined;
    try {
      const r10 = BigInt(BPF_ADDRESS_BASE + stack.end);
      // A program that calls no helper needs no trampoline and no region or map tables.
      const callsHelpers = compiled.usesCallx || compiled.helperSlots.length > 0;
      const dispatch = callsHelpers
        ? makeDispatch(runtime, helpers, counter, (r0) => native!.requestStop(r0))
        : undefined;
      native = load(status.addon, runtime, helpers, compiled, r10, this.options, dispatch);
    } catch (e) {
      runtime.memory.free(stack);
      throw e;
    }
    return new JitPrepared(program, compiled, native, status.addon, counter, stack);
  }
}

function load(
  addon: Addon,
  runtime: Runtime,
  helpers: HelperRegistry,
  compiled: CompiledProgram,
  r10: bigint,
  options: JitOptions,
  dispatch: Dispatch | undefined,
): NativeProgram {
  const spec: LoadSpec = {
    code: compiled.code,
    memory: runtime.memory.buffer,
    baseOffset: compiled.addressing === 'direct' ? -(2 ** 32) : CONFINED_BASE_OFFSET,
    segment: compiled.addressing === 'segment',
    faultExit: compiled.faultExit,
    reach: CONFINED_REACH,
    r10,
    slotIds: compiled.helperSlots,
    callIds: compiled.callIds,
    natives: [],
    usesCallx: compiled.usesCallx,
  };
  if (!dispatch) return addon.load(spec);
  if (options.nativeHelpers !== false) {
    // The helpers the program names, or any with a callx.
    const defs = compiled.usesCallx ? helpers.list() : compiled.helperSlots.map((id) => helpers.get(id));
    for (const def of defs) {
      const name = def && nativeHelperName(def, runtime, addon.nativeHelpers);
      if (name) spec.natives.push([def.proto.id, name]);
    }
  }
  // Only native ktime needs the runtime clock's offset (reading that clock can load Node's
  // perf_hooks: a millisecond in a fresh process).
  const ktime = spec.natives.find(([, name]) => name === 'ktime_get_ns');
  const readsClock = ktime !== undefined && (compiled.usesCallx || compiled.helperSlots.includes(ktime[0]));
  spec.dispatch = dispatch;
  spec.regions = regionTable(runtime);
  spec.maps = mapTable(runtime);
  spec.refresh = () => [regionTable(runtime), mapTable(runtime)];
  spec.clockOffset = readsClock ? clockOffset(addon, runtime) : 0;
  return addon.load(spec);
}

/** The addon's randomFill where it is loaded (older builds lack it): blinding without Node's crypto module. */
function addonRandomFill(): RandomFill | undefined {
  const status = nativeAddon();
  return status.ok && typeof status.addon.randomFill === 'function' ? status.addon.randomFill : undefined;
}

/**
 * CLOCK_MONOTONIC minus the runtime's clock, from the tightest of a few bracketed samples (a
 * preemption between the two reads would otherwise skew native ktime_get_ns).
 */
function clockOffset(addon: Addon, runtime: Runtime): number {
  let best = Number.POSITIVE_INFINITY;
  let offset = 0;
  for (let k = 0; k < 5; k++) {
    const t1 = addon.monotonicNs();
    const c = runtime.clock();
    const t2 = addon.monotonicNs();
    if (t2 - t1 < best) {
      best = t2 - t1;
      offset = (t1 + t2) / 2 - c;
    }
  }
  return offset;
}

/** Segment addressing where this thread's GS is free for it (the executor's own), else `lea` confinement. */
function defaultAddressing(): Addressing {
  const status = nativeAddon();
  return status.ok && status.addon.segmentAvailable() ? 'segment' : 'confined';
}

/** The x86-64 JIT engine with default options. */
export const x64Engine = new JitEngine();
