/**
 * A packet and the context a packet program runs with, in the runtime's linear memory: what
 * Linux's BPF_PROG_TEST_RUN builds (an skb or an xdp_buff around the input bytes), run once or
 * many times, and what it reports afterwards (data_out, ctx_out, retval) plus the redirect a
 * helper asked for.
 *
 * Two regions: the context (./layout.ts: the UAPI struct and its pointer slots) and the buffer
 * holding headroom, the packet and tailroom. Positions inside the buffer are offsets from its
 * start ("head"), so the packet can move to a larger buffer (skb_change_head & co.) while
 * everything keeps its meaning. Helpers find the context by r1 (`Runtime.packetAt`); helpers
 * with no context argument (redirect) use the context whose run is in progress.
 */
import type { PreparedProgram } from '../engine.js';
import { VmError } from '../errors.js';
import { addressOf, type Region } from '../memory.js';
import type { Runtime } from '../runtime.js';
import { runProgram } from '../tail-call.js';
import { PACKET_CTX, type PacketKind } from './layout.js';

/** Where a redirect helper asked the packet to go (Linux's per-CPU bpf_redirect_info). */
export interface PacketRedirect {
  /** The helper that asked (`redirect`, `redirect_map`, `redirect_peer`, `redirect_neigh`). */
  helper: string;
  /** Target interface index (redirect), or the map's entry for redirect_map. */
  ifindex: number;
  /** The helper's flags (BPF_F_INGRESS, BPF_F_BROADCAST, …). */
  flags: number;
  /** redirect_map: the map's name and the key looked up. */
  map?: string;
  key?: number;
}

/** A copy of the packet that bpf_clone_redirect sent somewhere. */
export interface PacketClone {
  ifindex: number;
  flags: number;
  data: Uint8Array;
}

/** The outcome of one run: BPF_PROG_TEST_RUN's answer plus what happened to the packet. */
export interface PacketRunResult {
  /** r0, unsigned 64-bit. */
  r0: bigint;
  /** r0's low 32 bits: the `retval` BPF_PROG_TEST_RUN reports (the verdict). */
  retval: number;
  /** The packet after the run (data_out), as BPF_PROG_TEST_RUN returns it. */
  data: Uint8Array;
  /** The context after the run (ctx_out: `struct __sk_buff`, `struct xdp_md`, flow keys). */
  ctx: Uint8Array;
  /** The last redirect a helper asked for in this run, if any. */
  redirect?: PacketRedirect;
  /** Copies sent by bpf_clone_redirect, in order. */
  clones: PacketClone[];
}

/** Throw the error Linux's BPF_PROG_TEST_RUN refuses a packet or context with. */
export function badInput(errno: string, message: string): never {
  throw new VmError('packet', `${message} (Linux: ${errno})`);
}

export abstract class PacketContext {
  /** The runtime context r1 points at. */
  readonly ctx: Region;
  /** The buffer: headroom, packet, tailroom. Replaced when the packet outgrows it. */
  protected buf: Region;
  /** Offset of the packet's first byte from the buffer's start. */
  data: number;
  /** Offset one past the packet's last byte (linear packets: data + len). */
  dataEnd: number;
  /** Offset of the metadata in front of the packet (data_meta; = data when there is none). */
  dataMeta: number;
  /** Set by redirect helpers during a run. */
  redirect: PacketRedirect | undefined;
  readonly clones: PacketClone[] = [];
  private disposed = false;

  protected constructor(
    readonly runtime: Runtime,
    readonly kind: PacketKind,
    /** The Linux program type it runs (helpers differ between types: sk_skb's, xdp's redirect). */
    readonly programType: string,
    bufferSize: number,
    headroom: number,
  ) {
    this.ctx = runtime.memory.alloc(PACKET_CTX[kind].size, {
      name: `${programType} context`,
      kind: 'context',
      writable: true,
    });
    this.buf = runtime.memory.alloc(bufferSize, { name: 'packet', kind: 'data', writable: true });
    this.data = this.dataEnd = this.dataMeta = headroom;
    runtime.packets.set(this.ctx.start, this);
  }

  /** The buffer's bytes (a view of the linear memory; invalid once the buffer is replaced). */
  get bytes(): Uint8Array {
    return this.runtime.memory.bytes.subarray(this.buf.start, this.buf.end);
  }

  /** Absolute offset in the linear memory of buffer offset `off`. */
  at(off: number): number {
    return this.buf.start + off;
  }

  /** Bytes between the buffer's start and the packet (or its metadata). */
  get headroom(): number {
    return Math.min(this.data, this.dataMeta);
  }

  /** Bytes of the buffer after the packet that the packet may grow into. */
  abstract get tailroom(): number;

  protected get view(): DataView {
    return this.runtime.memory.view;
  }

  /** Little-endian field access in the runtime context. */
  ctxGet32(off: number): number {
    return this.view.getUint32(this.ctx.start + off, true);
  }
  ctxSet32(off: number, value: number): void {
    this.view.setUint32(this.ctx.start + off, value >>> 0, true);
  }
  ctxSet64(off: number, value: bigint): void {
    this.view.setBigUint64(this.ctx.start + off, BigInt.asUintN(64, value), true);
  }

  /**
   * Move the packet into a buffer with at least `head` bytes before it and `tail` after it
   * (Linux's pskb_expand_head). Offsets keep their meaning relative to the packet.
   */
  protected expand(head: number, tail: number): void {
    const haveHead = this.headroom;
    const haveTail = this.tailroom;
    if (haveHead >= head && haveTail >= tail) return;
    const shift = Math.max(0, head - haveHead);
    const extraTail = Math.max(0, tail - haveTail);
    const mem = this.runtime.memory;
    const next = mem.alloc(this.buf.size + shift + extraTail, {
      name: 'packet',
      kind: 'data',
      writable: true,
    });
    mem.bytes.copyWithin(next.start + shift, this.buf.start, this.buf.end);
    mem.free(this.buf);
    this.buf = next;
    this.shiftOffsets(shift);
  }

  /** Every buffer offset the context keeps moves by `shift` (after `expand`). */
  protected shiftOffsets(shift: number): void {
    this.data += shift;
    this.dataEnd += shift;
    this.dataMeta += shift;
  }

  /** Write the packet pointers (and whatever else the program reads that depends on them). */
  syncPointers(): void {
    const slots = PACKET_CTX[this.kind];
    this.ctxSet64(slots.data, addressOf(this.at(this.data)));
    this.ctxSet64(slots.dataEnd, addressOf(this.at(this.dataEnd)));
    this.ctxSet64(slots.dataMeta, addressOf(this.at(this.dataMeta)));
  }

  /** Set up what a run starts from (the pointer slots; the flow dissector's keys). */
  protected beforeRun(): void {
    this.syncPointers();
  }

  /** data_out and ctx_out, as BPF_PROG_TEST_RUN reports them after a run. */
  protected abstract output(): { data: Uint8Array; ctx: Uint8Array };

  /**
   * Run `prepared` with r1 = the context (a program loaded with this context kind's
   * conversion, ./convert.ts). Like BPF_PROG_TEST_RUN with `repeat`, runs share the packet:
   * what one run changes, the next one sees.
   */
  run(prepared: PreparedProgram): PacketRunResult {
    if (this.disposed) throw new VmError('packet', 'the packet context was disposed');
    const runtime = this.runtime;
    const outer = runtime.packetInFlight;
    this.redirect = undefined;
    this.clones.length = 0;
    this.beforeRun();
    runtime.packetInFlight = this;
    let r0: bigint;
    try {
      // Through runProgram: a tail call continues with the target on the same context.
      r0 = runProgram(prepared, this.ctx.start, 0);
    } finally {
      runtime.packetInFlight = outer;
    }
    const out = this.output();
    return {
      r0,
      retval: Number(r0 & 0xffffffffn),
      data: out.data,
      ctx: out.ctx,
      ...(this.redirect ? { redirect: this.redirect } : {}),
      clones: [...this.clones],
    };
  }

  /** Release the context's regions. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.runtime.packets.delete(this.ctx.start);
    this.runtime.memory.free(this.ctx);
    this.runtime.memory.free(this.buf);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
