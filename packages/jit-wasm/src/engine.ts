/**
 * The WebAssembly engine: `wasmEngine.prepare(program)` compiles a loaded program to a module
 * over the runtime's own linear memory and returns a PreparedProgram (vm's Engine contract).
 *
 * Checks: WebAssembly's bounds confine every access to the linear memory (vm's sandbox rule,
 * every engine's default); accesses are not checked against the memory's regions, so
 * `boundsCheck: true` is refused with VmError('load'), as is an instruction limit.
 */
import { CALL_TARGET, KIND_CALL, OP_KIND, OP_SUB } from '@tbpf/isa';
import {
  type Availability,
  type BpfMap,
  type Engine,
  HelperCall,
  type HelperDef,
  type HelperRegistry,
  type LoadedProgram,
  type PreparedProgram,
  type PrepareOptions,
  type Region,
  RingBuffer,
  SANDBOX_FAULT,
  STACK_SIZE,
  setReturn,
  standardHelpers,
  unknownHelperError,
  VmError,
  WASM_PAGE,
} from '@tbpf/vm';
import { WasmCompileError } from './compile/errors.js';
import {
  FailKind,
  IMPORT_CLOCK,
  IMPORT_FAIL,
  IMPORT_HELPER,
  IMPORT_MEMORY,
  IMPORT_RANDOM,
  IMPORT_REFRESH,
} from './compile/imports.js';
import { CALLX_PC, type MemoryLayout } from './compile/layout.js';
import { type CompiledProgram, compileProgram } from './compile/module.js';
import type { NativeHelpers } from './compile/native.js';
import { HOST_HELPERS, nativeHostHelpers } from './compile/native-host.js';
import { DELETE, LOOKUP, nativeMapHelpers, nativeMapOf, UPDATE } from './compile/native-maps.js';
import {
  combineNatives,
  MEMORY_HELPERS,
  nativeMemoryHelpers,
  REGION_TABLE_AT,
  writeRegionTable,
} from './compile/native-memory.js';
import {
  nativeRingHelpers,
  RINGBUF_DISCARD,
  RINGBUF_HELPERS,
  RINGBUF_SUBMIT,
} from './compile/native-ringbuf.js';
import { type Exchange, takeExchange } from './exchange.js';
import { type PcMap, trapPc } from './trap.js';
import { type WasmApi, wasmApi } from './wasm/host.js';

/** Thrown through WebAssembly by a helper that called `stop()`; caught by run/runFast. */
class Stop {
  constructor(readonly value: number) {}
}

interface Exports {
  run(ctx: number, len: number): bigint;
  runFast(ctx: number, len: number): number;
}

export interface WasmEngineOptions {
  /**
   * Compile helpers into the module (default true) where the registry still has the standard
   * implementations: map lookup/update/delete for the program's array and hash maps, probe
   * reads, bpf_memcmp and bpf_load_pointer. false: every helper call goes to JavaScript.
   */
  nativeHelpers?: boolean;
  /**
   * 'structured' (default): blocks and loops, the dispatcher only where nesting fails.
   * 'dispatch': the basic-block dispatcher everywhere — to measure what structure buys.
   */
  controlFlow?: 'structured' | 'dispatch';
}

export class WasmEngine implements Engine {
  readonly name = 'wasm' as const;

  constructor(private readonly options: WasmEngineOptions = {}) {}

  available(): Availability {
    return wasmApi ? { ok: true } : { ok: false, reason: 'this JavaScript host has no WebAssembly' };
  }

  prepare(program: LoadedProgram, options: PrepareOptions = {}): PreparedProgram {
    const prepared = this.compile(program, options);
    prepared.attach((wasm) => new wasm.Module(prepared.compiled.bytes));
    return prepared;
  }

  /**
   * `prepare` with asynchronous WebAssembly compilation — for browsers, which refuse to compile
   * modules over 4 KB synchronously on the main thread.
   */
  async prepareAsync(program: LoadedProgram, options: PrepareOptions = {}): Promise<PreparedProgram> {
    const prepared = this.compile(program, options);
    let module: object;
    try {
      module = await prepared.wasm.compile(prepared.compiled.bytes);
    } catch (e) {
      prepared.dispose();
      throw e;
    }
    prepared.attach(() => module);
    return prepared;
  }

  private compile(program: LoadedProgram, options: PrepareOptions): WasmProgram {
    if (options.boundsCheck === true) {
      throw new VmError(
        'load',
        'the wasm engine has no region checks (boundsCheck: true): WebAssembly confines accesses to the linear memory; use the interpreter',
      );
    }
    if (options.instructionLimit) {
      throw new VmError('load', 'the wasm engine has no instruction limit; use the interpreter');
    }
    if (!wasmApi) throw new VmError('load', 'this JavaScript host has no WebAssembly');
    const helpers = options.helpers ?? program.runtime.helpers;
    return new WasmProgram(wasmApi, program, helpers, this.options);
  }
}

/** The default engine instance. */
export const wasmEngine: WasmEngine = new WasmEngine();

class WasmProgram implements PreparedProgram {
  readonly engine = 'wasm' as const;
  readonly lastInstructionCount = -1;
  /** The compiled module's bytes and control-flow plans (for tools and tests). */
  readonly compiled: CompiledProgram;
  /** The module's exports, held one by one: the hot paths call them without a lookup. */
  private runExport!: Exports['run'];
  private runFastExport!: Exports['runFast'];
  private readonly env: Record<string, unknown>;
  private readonly regions: Region[];
  private exchange: Exchange | undefined;
  private readonly pcMap: PcMap;

  constructor(
    readonly wasm: WasmApi,
    readonly program: LoadedProgram,
    helpers: HelperRegistry,
    options: WasmEngineOptions,
  ) {
    const rt = program.runtime;
    const mem = rt.memory;
    const stack = rt.allocStack();
    const scratch = takeExchange(mem);
    this.regions = [stack];
    this.exchange = scratch;
    const providers: NativeHelpers[] = [];
    let tableUsed = false;
    if (options.nativeHelpers !== false) {
      // Only helpers the program calls by id: a module without native helpers imports less.
      const standard = standardCalled(program, helpers);
      const referenced = referencedMaps(program);
      const maps = mapNatives(referenced, standard);
      if (maps) providers.push(maps);
      const host = new Set(HOST_HELPERS.filter(standard));
      if (host.size > 0) providers.push(nativeHostHelpers(host, rt.cpu));
      const rings = ringNatives(referenced, standard);
      if (rings) providers.push(rings);
      const ids = new Set(MEMORY_HELPERS.filter(standard));
      if (ids.size > 0) {
        tableUsed = true;
        writeRegionTable(mem.view, REGION_TABLE_AT, mem.programRegions);
        providers.push(nativeMemoryHelpers(ids, REGION_TABLE_AT));
      }
    }
    const natives = providers.length > 0 ? combineNatives(...providers) : undefined;
    const layout: MemoryLayout = {
      pages: mem.size / WASM_PAGE,
      stackTop: stack.end,
      stackBottom: stack.start,
      frameSize: STACK_SIZE,
      scratch: scratch.at,
    };
    try {
      this.compiled = compileProgram(program, {
        layout,
        constants: program.constants,
        natives,
        controlFlow: options.controlFlow,
        zeroedStacks: program.zeroedStacks,
      });
    } catch (e) {
      this.dispose();
      if (e instanceof WasmCompileError) throw new VmError('load', e.reason, e.index);
      throw e;
    }
    this.pcMap = {
      offsets: this.compiled.offsets,
      pcs: this.compiled.pcs,
      ranges: this.compiled.ranges,
    };
    const call = new HelperCall(
      rt,
      new Int32Array(mem.buffer, scratch.at, 11),
      new Int32Array(mem.buffer, scratch.at + 44, 11),
    );
    const env = {
      [IMPORT_MEMORY]: mem.memory,
      [IMPORT_HELPER]: (id: number, pc: number) => callHelper(helpers, call, id, pc),
      [IMPORT_FAIL]: (kind: number, pc: number) => {
        throw kind === FailKind.PacketEnd ? new Stop(0) : failure(kind, pc);
      },
      [IMPORT_CLOCK]: () => rt.clock(),
      [IMPORT_RANDOM]: () => rt.random(),
      [IMPORT_REFRESH]: () => {
        if (tableUsed) writeRegionTable(mem.view, REGION_TABLE_AT, mem.programRegions);
      },
    };
    this.env = env;
  }

  /** Instantiate the module (made by `make`) over the runtime's memory. */
  attach(make: (wasm: WasmApi) => object): void {
    try {
      const module = make(this.wasm);
      const exports = new this.wasm.Instance(module, { env: this.env }).exports as unknown as Exports;
      this.runExport = exports.run;
      this.runFastExport = exports.runFast;
    } catch (e) {
      this.dispose();
      throw new VmError(
        'load',
        `internal error: the generated WebAssembly was rejected (${(e as Error).message})`,
      );
    }
  }

  run(ctx = 0, len = 0): bigint {
    const run = this.runExport;
    try {
      return BigInt.asUintN(64, run(ctx, len));
    } catch (e) {
      return BigInt.asUintN(64, BigInt(this.stopped(e)));
    }
  }

  /**
   * The hot path. Its shape is measured (`npm run bench -- vm`): the export is read from a
   * field into a local before the try, and the catch is a call — the less the inlined try/catch
   * holds, the less a host's loop around it pays per call.
   */
  runFast(ctx: number, len: number): number {
    const runFast = this.runFastExport;
    try {
      return runFast(ctx, len) >>> 0;
    } catch (e) {
      return this.stopped(e) >>> 0;
    }
  }

  dispose(): void {
    for (const r of this.regions) this.program.runtime.memory.free(r);
    this.regions.length = 0;
    this.exchange?.free();
    this.exchange = undefined;
  }

  /** A helper's stop() ends the run with its value; anything else thrown is rethrown as VmError. */
  private stopped(e: unknown): number {
    if (e instanceof Stop) return e.value;
    throw this.translate(e);
  }

  private translate(e: unknown): unknown {
    if (!(e instanceof this.wasm.RuntimeError)) return e;
    const pc = trapPc(e, this.pcMap);
    const insn = pc >= 0 ? this.program.insns[pc] : undefined;
    if (/out of bounds/i.test(e.message)) {
      // The sandbox's fault (vm's memory.ts); WebAssembly does not say the address.
      const size = insn && 'size' in insn ? insn.size : undefined;
      const what = insn
        ? `invalid ${insn.kind === 'ldx' ? 'read' : 'write'} of ${size} byte${size === 1 ? '' : 's'}`
        : 'invalid access';
      return new VmError(
        'out-of-bounds',
        `${what}: ${SANDBOX_FAULT} (WebAssembly trap)`,
        pc,
        undefined,
        size,
      );
    }
    return new VmError('helper-failed', `WebAssembly trap: ${e.message}`, pc);
  }
}

/**
 * Is helper `id` one the program calls by id (`call` with a helper id; `callx` always goes to
 * JavaScript) and still vm's standard implementation in `helpers`?
 */
function standardCalled(program: LoadedProgram, helpers: HelperRegistry): (id: number) => boolean {
  const called = new Set<number>();
  const { code } = program;
  for (let i = 0; i < code.length; i++) {
    const op = code.op[i];
    if (OP_KIND[op] === KIND_CALL && OP_SUB[op] === CALL_TARGET.helper) called.add(code.imm[i]);
  }
  return (id) => called.has(id) && isStandard(helpers, id);
}

/** Standard helpers that vm creates as a fresh closure per registry. */
const CLOSURES = new Set<number>([RINGBUF_SUBMIT, RINGBUF_DISCARD, ...HOST_HELPERS]);

/**
 * Helper `id` of `helpers` is vm's standard implementation. For the helpers vm makes as fresh
 * closures per registry (ktime, prandom, cpu id, ring buffer submit/discard), the same source
 * text under the same id stands in for identity (as jit-x64 does for ktime).
 */
function isStandard(helpers: HelperRegistry, id: number): boolean {
  const mine = helpers.get(id)?.fn;
  const std = STANDARD.get(id)?.fn;
  if (!mine || !std) return false;
  if (mine === std) return true;
  return CLOSURES.has(id) && mine.toString() === std.toString();
}

const STANDARD = standardHelpers();

/** Native ring buffer helpers for the ring buffers among `maps` (the ones the program references). */
function ringNatives(maps: Set<BpfMap>, standard: (id: number) => boolean): NativeHelpers | undefined {
  const ids = new Set(RINGBUF_HELPERS.filter(standard));
  const rings = [...maps].flatMap((m) =>
    m instanceof RingBuffer ? [{ descriptor: m.descriptor.start, header: m.ring.start, size: m.size }] : [],
  );
  return ids.size > 0 && rings.length > 0 ? nativeRingHelpers(rings, ids) : undefined;
}

/**
 * The maps the program's lddw instructions reference. Their layout constants come from these
 * objects, never from the descriptors in the memory: a program may have written those.
 */
function referencedMaps(program: LoadedProgram): Set<BpfMap> {
  const maps = new Set<BpfMap>();
  // forEach visits the lddws only: the loader leaves holes elsewhere.
  program.constants.forEach((c) => {
    if (c?.map) maps.add(c.map);
  });
  return maps;
}

/** Native map helpers for the array and hash maps among `maps`, for the calls of helpers 1–3 that are standard. */
function mapNatives(maps: Set<BpfMap>, standard: (id: number) => boolean): NativeHelpers | undefined {
  const ids = new Set([LOOKUP, UPDATE, DELETE].filter(standard));
  const native = [...maps].flatMap((m) => nativeMapOf(m) ?? []);
  return ids.size > 0 && native.length > 0 ? nativeMapHelpers(native, ids) : undefined;
}

function callHelper(helpers: HelperRegistry, call: HelperCall, id: number, pc: number): void {
  let def: HelperDef | undefined;
  if (pc & CALLX_PC) {
    // callx: the called register's value is in r0's exchange slot.
    pc &= ~CALLX_PC;
    const lo = call.lo[0];
    const hi = call.hi[0];
    def = hi === 0 ? helpers.get(lo >>> 0) : undefined;
    if (!def) throw unknownHelperError((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), pc, true);
  } else {
    def = helpers.get(id >>> 0);
    if (!def) throw unknownHelperError(id >>> 0, pc, false);
  }
  call.pc = pc;
  let value: number | bigint | undefined;
  try {
    value = def.fn(call);
  } catch (e) {
    if (e instanceof VmError) throw e;
    throw new VmError('helper-failed', `helper ${def.proto.name} failed: ${(e as Error).message}`, pc);
  }
  if (call.stopped) {
    call.stopped = false;
    throw new Stop(call.stopValue);
  }
  setReturn(call, call.lo, call.hi, value);
}

function failure(kind: number, pc: number): VmError {
  switch (kind) {
    case FailKind.CallDepth:
      return new VmError('call-depth', 'too many nested BPF-to-BPF calls', pc);
    case FailKind.FellOff:
      return new VmError('fell-off', 'execution ran past the last instruction without exit', pc);
    default:
      return new VmError('helper-failed', `internal failure code ${kind}`, pc);
  }
}
