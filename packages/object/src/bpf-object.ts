/**
 * A loaded object: live maps and verified programs prepared on their engines, in one runtime
 * (one linear memory). Release it with `dispose()` or `using obj = spec.load()`.
 *
 * Addresses. The host names memory by `Region` (an offset and a size in `runtime.memory`);
 * programs see BPF addresses (`BPF_ADDRESS_BASE + offset`) in their registers. `Program.run`
 * takes bytes or a Region — never an address — and `Program.prepared` is the engine's own
 * object for hot paths (`runFast(offset, r2)`, offsets as everywhere on the host side).
 */
import type { LineInfo, LinkedProgram } from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import type { CtxReads, ProgramType } from '@tbpf/verifier';
import {
  addressOf,
  type EngineName,
  type LoadedProgram,
  type PreparedProgram,
  type Region,
  type Runtime,
} from '@tbpf/vm';
import { ObjectError } from './errors.js';
import { type ObjectSpec, type ProgramInfo, pickProgram } from './spec.js';
import type { TypedMap } from './typed-map.js';

export class Program {
  private disposed = false;

  constructor(
    readonly info: ProgramInfo,
    readonly linked: LinkedProgram,
    /** The program type it was verified against (and whose context `run` builds). */
    readonly type: ProgramType,
    /** False only when loaded with `verify: false`. */
    readonly verified: boolean,
    /** The verifier's log ('' when not verified). */
    readonly verifierLog: string,
    /** The engine's prepared program (hot paths: `runFast`). */
    readonly prepared: PreparedProgram,
    /** Why engines before the chosen one were not used ('wasm: …'). */
    readonly fallbacks: readonly string[],
    /** What the verifier saw it read of its context ('all' when not verified). */
    readonly ctxReads: CtxReads = 'all',
  ) {}

  get name(): string {
    return this.info.name;
  }

  get section(): string {
    return this.info.section;
  }

  get engine(): EngineName {
    return this.prepared.engine;
  }

  get insns(): readonly Insn[] {
    return this.linked.insns;
  }

  get lineInfo(): readonly LineInfo[] {
    return this.linked.lineInfo;
  }

  get loaded(): LoadedProgram {
    return this.prepared.program;
  }

  get runtime(): Runtime {
    return this.prepared.program.runtime;
  }

  /** Instructions the last run executed; undefined on engines that do not count (the JITs). */
  get lastInstructionCount(): number | undefined {
    const n = this.prepared.lastInstructionCount;
    return n >= 0 ? n : undefined;
  }

  /**
   * Run once and return r0 (unsigned 64-bit). r1 points to the context: `ctx` bytes copied
   * into a fresh region the size of the program type's context (zero-padded; read-only unless
   * the type lets the program write it), or a Region of the runtime used in place; r2 is the
   * context's size. No context: r1 = r2 = 0 when the type's context is empty, else a zeroed one.
   * Faults are VmError with the instruction index.
   */
  run(ctx?: Uint8Array | Region): bigint {
    if (this.disposed) throw new ObjectError('the program was disposed', 'run', { program: this.name });
    if (ctx !== undefined && !(ctx instanceof Uint8Array))
      return this.prepared.run(addressOf(ctx.start), BigInt(ctx.size));
    const region = this.allocContext(ctx);
    if (!region) return this.prepared.run(0n, 0n);
    try {
      return this.prepared.run(addressOf(region.start), BigInt(region.size));
    } finally {
      this.runtime.memory.free(region);
    }
  }

  /**
   * The context `run(bytes)` builds, for running many times (`run(region)`): a region the size
   * of the program type's context holding `ctx`, zero-padded; undefined when the type's context
   * is empty and no bytes are given. Free it with `runtime.memory.free`.
   */
  allocContext(ctx?: Uint8Array): Region | undefined {
    const ctxType = this.type.ctx;
    // A BTF-typed context (fentry, lsm) has no layout tbpf can build.
    const want = ctxType.kind === 'btf' ? 0 : ctxType.size;
    const have = ctx?.length ?? 0;
    if (this.verified && have > want)
      throw new ObjectError(
        `the context is ${have} bytes; the program was verified for ${want} (${this.type.name}${this.type.ctx.kind === 'memory' ? ': load with contextSize' : ''})`,
        'run',
        { program: this.name },
      );
    const size = Math.max(want, have);
    if (size === 0) return undefined;
    const region = this.runtime.memory.alloc(size, {
      name: `${this.name} context`,
      kind: 'context',
      writable: this.contextWritable(),
    });
    if (ctx) this.runtime.memory.write(region.start, ctx);
    return region;
  }

  private contextWritable(): boolean {
    const ctx = this.type.ctx;
    if (ctx.kind === 'memory') return ctx.writable;
    return ctx.kind === 'fields' && ctx.fields.some((f) => (f.write?.length ?? 0) > 0);
  }

  /** Release the engine's code and stack. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.prepared.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

export class BpfObject {
  private disposed = false;

  constructor(
    readonly spec: ObjectSpec,
    /** The runtime the programs and maps live in. */
    readonly runtime: Runtime,
    readonly programs: readonly Program[],
    readonly maps: readonly TypedMap[],
    /** Maps of the object no loaded program uses and tbpf does not implement. */
    readonly unloadedMaps: readonly { name: string; reason: string }[],
  ) {}

  /** A program by function or section name; without one, the only (else the first) program. */
  program(name?: string): Program {
    return pickProgram(this.programs, name);
  }

  map(name: string): TypedMap {
    const map = this.maps.find((m) => m.name === name);
    if (!map) {
      const skipped = this.unloadedMaps.find((m) => m.name === name);
      throw new ObjectError(
        skipped
          ? `map '${name}' was not loaded: ${skipped.reason}`
          : `no map '${name}' (maps: ${this.maps.map((m) => m.name).join(', ') || 'none'})`,
        'map',
      );
    }
    return map;
  }

  /** Release every program. Maps live as long as the runtime. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.programs) p.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
