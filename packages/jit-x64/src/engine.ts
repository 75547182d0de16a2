/**
 * The x86-64 JIT as a vm `Engine`: compile with ./codegen, map the code through the native
 * executor, run it on the runtime's linear memory. Helpers the addon implements natively (the
 * standard implementations of map lookup/update/delete, probe reads, memcmp, load_pointer,
 * ktime) run without JavaScript; every other helper goes through a trampoline into the
 * registry with the same `HelperCall` the interpreter passes.
 *
 * Like jit-wasm, compiled code does not check each access against the regions — prepare
 * verified programs (`boundsCheck: false`). Accesses are still confined to the linear memory
 * (see codegen/memory.ts). `boundsCheck: true` and instruction limits are refused.
 */
import {
  BPF_ADDRESS_BASE,
  type Engine,
  HelperCall,
  type HelperRegistry,
  type LoadedProgram,
  type PreparedProgram,
  type PrepareOptions,
  type Runtime,
  setReturn,
  VmError,
} from '@tbpf/vm';
import { type CompiledProgram, type CompileOptions, compile } from './codegen/compile.js';
import { type Addon, type Dispatch, type NativeProgram, nativeAddon } from './native.js';
import { nativeHelperName } from './native-helpers.js';
import { reservationProblem } from './reservation.js';

export type JitOptions = Pick<CompileOptions, 'blind' | 'confine' | 'jumpSizing'> & {
  /** Run the standard helpers natively when the registry holds them (default true). */
  nativeHelpers?: boolean;
};

const TWO32 = 2n ** 32n;

/** The regions of a runtime's memory as (offset, length, writable) triples. */
export function regionTable(runtime: Runtime): Float64Array {
  const regions = runtime.memory.regions;
  const out = new Float64Array(regions.length * 3);
  regions.forEach((r, i) => {
    out[3 * i] = r.start;
    out[3 * i + 1] = r.size;
    out[3 * i + 2] = r.writable ? 1 : 0;
  });
  return out;
}

/** Descriptor offset of each map of a runtime, by id - 1. */
function mapTable(runtime: Runtime): Uint32Array {
  return Uint32Array.from(runtime.maps, (m) => m.descriptor.start);
}

export class JitPrepared implements PreparedProgram {
  readonly engine = 'jit' as const;
  readonly lastInstructionCount = -1;
  private disposed = false;
  /** Helper calls that went through the JavaScript trampoline (native helpers do not count). */
  get trampolineCalls(): number {
    return this.counter.calls;
  }

  constructor(
    readonly program: LoadedProgram,
    readonly compiled: CompiledProgram,
    private readonly native: NativeProgram,
    private readonly io: Uint32Array,
    private readonly counter: { calls: number },
    private readonly release: () => void,
  ) {}

  run(r1 = 0n, r2 = 0n): bigint {
    return this.native.run(BigInt.asUintN(64, r1), BigInt.asUintN(64, r2));
  }

  /** Where the code is mapped (for listings and the W^X test). */
  get codeAddress(): bigint {
    return this.native.codeAddress;
  }

  runFast(r1Offset: number, r2: number): number {
    // Arguments and result travel through a Uint32Array the addon shares: no N-API value
    // conversions on the hot path.
    const io = this.io;
    io[0] = r1Offset;
    io[1] = r2;
    this.native.runFastIo();
    return io[2];
  }

  /** Total ns of `n` runs in a C loop (no JavaScript crossing), r1 alternating between two offsets. */
  benchNative(r1OffsetA: number, r1OffsetB: number, r2: number, n: number): number {
    const base = BigInt(BPF_ADDRESS_BASE);
    return this.native.bench(base + BigInt(r1OffsetA), base + BigInt(r1OffsetB), BigInt(r2), n);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.native.free();
    this.release();
  }
}

/** A trampoline into the registry: the interpreter's HelperCall, r0 back as a BigInt. */
function makeDispatch(
  runtime: Runtime,
  helpers: HelperRegistry,
  counter: { calls: number },
  stop: (r0: bigint) => void,
): Dispatch {
  const lo = new Int32Array(11);
  const hi = new Int32Array(11);
  const call = new HelperCall(runtime, lo, hi);
  return (id, ...regs) => {
    counter.calls++;
    const def = helpers.get(id);
    if (!def) throw new VmError('unknown-helper', `call to unknown helper ${id}`);
    for (let n = 0; n < 5; n++) {
      lo[n + 1] = Number(BigInt.asIntN(32, regs[n]));
      hi[n + 1] = Number(BigInt.asIntN(32, regs[n] >> 32n));
    }
    call.stopped = false;
    call.retLo = 0;
    call.retHi = 0;
    const value = def.fn(call);
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

  /** Compile only (no native code needed): what `prepare` would map, or why it cannot. */
  compile(program: LoadedProgram): CompiledProgram {
    const result = compile(program.insns, {
      blind: this.options.blind,
      confine: this.options.confine,
      jumpSizing: this.options.jumpSizing,
      resolveLddw: (_insn, i) => {
        const c = program.constants[i];
        return c ? BigInt(c.hi >>> 0) * TWO32 + BigInt(c.lo >>> 0) : undefined;
      },
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
        'the x86-64 JIT does not check each access against the regions: prepare verified programs with boundsCheck: false, or use the interpreter',
      );
    }
    if (options.instructionLimit) {
      throw new VmError('load', 'the x86-64 JIT has no instruction limit: use the interpreter');
    }
    const compiled = this.compile(program);
    const { runtime } = program;
    if (compiled.addressing === 'confined') {
      const buffer = runtime.memory.buffer;
      const problem = reservationProblem(buffer, status.addon.bufferAddress(buffer));
      if (problem) throw new VmError('load', `x86-64 JIT: cannot confine accesses: ${problem}`);
    }
    const helpers = options.helpers ?? runtime.helpers;
    const stack = runtime.allocStack();
    const counter = { calls: 0 };
    const io = new Uint32Array(4);
    let native: NativeProgram | undefined;
    try {
      const r10 = BigInt(BPF_ADDRESS_BASE + stack.end);
      const dispatch = makeDispatch(runtime, helpers, counter, (r0) => native!.requestStop(r0));
      native = load(status.addon, runtime, helpers, compiled, r10, this.options, dispatch, io);
    } catch (e) {
      runtime.memory.free(stack);
      throw e;
    }
    return new JitPrepared(program, compiled, native, io, counter, () => runtime.memory.free(stack));
  }
}

function load(
  addon: Addon,
  runtime: Runtime,
  helpers: HelperRegistry,
  compiled: CompiledProgram,
  r10: bigint,
  options: JitOptions,
  dispatch: Dispatch,
  io: Uint32Array,
): NativeProgram {
  const natives: [number, string][] = [];
  if (options.nativeHelpers !== false) {
    for (const def of helpers.list()) {
      const name = nativeHelperName(def, runtime, addon.nativeHelpers);
      if (name) natives.push([def.proto.id, name]);
    }
  }
  return addon.load({
    code: compiled.code,
    memory: runtime.memory.buffer,
    direct: compiled.addressing === 'direct',
    r10,
    slotIds: compiled.helperSlots,
    natives,
    usesCallx: compiled.usesCallx,
    dispatch,
    io,
    regions: regionTable(runtime),
    maps: mapTable(runtime),
    refresh: () => [regionTable(runtime), mapTable(runtime)],
    clockOffset: clockOffset(addon, runtime),
  });
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

/** The x86-64 JIT engine with default options. */
export const x64Engine = new JitEngine();
