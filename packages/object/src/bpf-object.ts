/**
 * A loaded object: live maps and verified programs prepared on their engines, in one runtime
 * (one linear memory). Release it with `dispose()` or `using obj = spec.load()`.
 *
 * Addresses. The host names memory by `Region` (an offset and a size in `runtime.memory`);
 * programs see BPF addresses (`BPF_ADDRESS_BASE + offset`) in their registers. `Program.run`
 * takes bytes or a Region — never an address — and `Program.prepared` is the engine's own
 * object for hot paths (`runFast(ctx, len)`: offsets, as everywhere on the host side).
 */
import type { LineInfo, LinkedProgram } from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import type { CtxReads, ProgramType } from '@tbpf/verifier';
import {
  createPacketContext,
  type EngineName,
  ETH_HLEN,
  encodePacketCtx,
  type LoadedProgram,
  type PacketCtxFields,
  type PacketKind,
  type PacketRunResult,
  type PreparedProgram,
  packetKindOf,
  type Region,
  type Runtime,
  runProgram,
  VmError,
} from '@tbpf/vm';
import { ObjectError } from './errors.js';
import { type ObjectSpec, type ProgramInfo, pickProgram } from './spec.js';
import type { TypedMap } from './typed-map.js';

/** How `Program.runPacket` runs: BPF_PROG_TEST_RUN's ctx_in and repeat. */
export interface PacketRunOptions {
  /**
   * ctx_in: the context struct's bytes (`struct __sk_buff`, `struct xdp_md`, `struct
   * bpf_flow_keys`) or its fields by name (`{ mark: 1, cb: [7] }`); only the fields a test run
   * takes may be set (skb: mark, priority, ingress_ifindex, ifindex, cb, tstamp, wire_len,
   * gso_segs, gso_size, hwtstamp; xdp: data (metadata length), data_end, ingress_ifindex,
   * rx_queue_index; flow keys: flags).
   */
  ctx?: Uint8Array | PacketCtxFields;
  /** Run this many times on the same packet (what one run changes, the next sees); default 1. */
  repeat?: number;
}

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
    /**
     * Packet programs: the original instruction of each loaded one (their context accesses
     * were rewritten for the runtime's context, see vm's packet/convert.ts); faults name the
     * original. Undefined when the instructions were loaded as they are.
     */
    readonly origin?: readonly number[],
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

  /** The kind of packet context the program runs with (skb, xdp, flow_dissector), if it runs on packets. */
  get packetKind(): PacketKind | undefined {
    return packetKindOf(this.type.name);
  }

  /**
   * Run once and return r0 (unsigned 64-bit). r1 points to the context: `ctx` bytes copied
   * into a fresh region the size of the program type's context (zero-padded; read-only unless
   * the type lets the program write it), or a Region of the runtime used in place; r2 is the
   * context's size. No context: r1 = r2 = 0 when the type's context is empty, else a zeroed one.
   * Packet programs (`packetKind`): `ctx` bytes are the packet, run as `runPacket` runs it (no
   * bytes: an all-zero 14-byte Ethernet header). Faults are VmError with the instruction index.
   */
  run(ctx?: Uint8Array | Region): bigint {
    if (this.disposed) throw new ObjectError('the program was disposed', 'run', { program: this.name });
    if (this.packetKind && (ctx === undefined || ctx instanceof Uint8Array))
      return this.runPacket(ctx ?? new Uint8Array(ETH_HLEN)).r0;
    if (ctx !== undefined && !(ctx instanceof Uint8Array)) return this.runPrepared(ctx.start, ctx.size);
    const region = this.allocContext(ctx);
    if (!region) return this.runPrepared(0, 0);
    try {
      return this.runPrepared(region.start, region.size);
    } finally {
      this.runtime.memory.free(region);
    }
  }

  /**
   * Run a packet program on `data` as Linux's BPF_PROG_TEST_RUN does: the packet and the
   * context built as the kernel builds them for the program's type (skb: 64 bytes of headroom,
   * eth_type_trans, tc programs from the MAC header and the others from the network header;
   * xdp: 256 bytes of headroom in a page), then r0 (`retval` = its low 32 bits), the packet
   * afterwards (`data`, data_out: adjust_head/tail, store_bytes, checksum changes), the context
   * afterwards (`ctx`, ctx_out) and the redirect a helper asked for. Input the kernel refuses
   * is a VmError('packet') naming its errno.
   */
  runPacket(data: Uint8Array, options: PacketRunOptions = {}): PacketRunResult {
    if (this.disposed) throw new ObjectError('the program was disposed', 'run', { program: this.name });
    const kind = this.packetKind;
    if (!kind)
      throw new ObjectError(`program type ${this.type.name} does not run on packets`, 'run', {
        program: this.name,
      });
    if (!this.origin)
      throw new ObjectError(
        'a packet program runs only once verified: loading rewrites its context accesses with what the verifier saw',
        'run',
        { program: this.name },
      );
    const ctxIn =
      options.ctx instanceof Uint8Array || options.ctx === undefined
        ? options.ctx
        : encodePacketCtx(kind, options.ctx);
    const packet = createPacketContext(this.runtime, this.type.name, data, ctxIn);
    if (!packet) throw new ObjectError(`program type ${this.type.name} does not run on packets`, 'run');
    try {
      let result = packet.run(this.prepared);
      for (let i = 1; i < (options.repeat ?? 1); i++) result = packet.run(this.prepared);
      return result;
    } catch (e) {
      throw this.originalPc(e);
    } finally {
      packet.dispose();
    }
  }

  /** Run with the context at offset `ctx` (0: none) and r2 = `len`, following tail calls. */
  private runPrepared(ctx: number, len: number): bigint {
    try {
      return runProgram(this.prepared, ctx, len);
    } catch (e) {
      throw this.originalPc(e);
    }
  }

  /** A fault at a rewritten instruction, named by the original one. */
  private originalPc(e: unknown): unknown {
    if (!(e instanceof VmError) || !this.origin || e.pc < 0 || this.origin[e.pc] === e.pc) return e;
    return new VmError(e.kind, e.reason, this.origin[e.pc] ?? e.pc, e.address, e.size);
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
