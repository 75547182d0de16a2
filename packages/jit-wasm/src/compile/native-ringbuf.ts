/**
 * Ring buffer helpers in WebAssembly over vm's layout (LAYOUT.md "Ring buffer"):
 * bpf_ringbuf_output (130), reserve (131), submit (132), discard (133), specialised per ring
 * buffer the program references. Cases the fast path does not cover exactly — an unknown map or
 * record pointer, a record that is not busy, output data outside the program's stack — go to
 * the JavaScript helper, which also raises the errors.
 */
import { BPF_ADDRESS_HIGH, EAGAIN, mapLayout as L } from '@tbpf/vm';
import { Code, I32, I64 } from '../wasm/code.js';
import { Op } from '../wasm/opcodes.js';
import type { BoundNatives, NativeContext, NativeHelpers } from './native.js';

export const RINGBUF_OUTPUT = 130;
export const RINGBUF_RESERVE = 131;
export const RINGBUF_SUBMIT = 132;
export const RINGBUF_DISCARD = 133;
export const RINGBUF_HELPERS = [RINGBUF_OUTPUT, RINGBUF_RESERVE, RINGBUF_SUBMIT, RINGBUF_DISCARD] as const;

export interface NativeRing {
  descriptor: number;
  /** Offset of the 16-byte ring header; the data area follows it. */
  header: number;
  /** Data area size (a power of two). */
  size: number;
}

const PARAMS = [I64, I64, I64, I64, I64, I32] as const;
const PC = 5;

export function nativeRingHelpers(rings: readonly NativeRing[], ids: ReadonlySet<number>): NativeHelpers {
  return {
    bind(ctx: NativeContext): BoundNatives {
      const declared = new Map<number, { index: number; code: Code }>();
      return {
        get(id) {
          if (rings.length === 0 || !ids.has(id)) return undefined;
          let d = declared.get(id);
          if (!d) {
            d = { index: ctx.m.func(PARAMS, [I64]), code: new Code(PARAMS.length) };
            declared.set(id, d);
          }
          return d.index;
        },
        finish() {
          for (const [id, d] of declared) {
            define(d.code, id, rings, ctx);
            ctx.m.define(d.index, d.code);
          }
        },
      };
    },
  };
}

function slow(c: Code, id: number, ctx: NativeContext): void {
  c.i32Const(id).localGet(PC);
  for (let n = 0; n < 5; n++) c.localGet(n);
  c.call(ctx.slowPath);
}

function define(c: Code, id: number, rings: readonly NativeRing[], ctx: NativeContext): void {
  const [r1, r2, r3] = [0, 1, 2];
  if (id === RINGBUF_SUBMIT || id === RINGBUF_DISCARD) {
    const at = c.local(I32);
    const word = c.local(I32);
    const header = c.local(I32);
    c.localGet(r1).i64Const(32).op(Op.i64ShrU).i64Const(BPF_ADDRESS_HIGH).op(Op.i64Eq).open(Op.if);
    c.localGet(r1).op(Op.i32WrapI64).localSet(at);
    for (const ring of rings) {
      const data = ring.header + L.RING_HEADER;
      // The record's header must be an 8-aligned, busy record inside this ring's data area.
      c.localGet(at)
        .i32Const(data + L.RECORD_HEADER)
        .op(Op.i32GeU);
      c.localGet(at)
        .i32Const(data + ring.size)
        .op(Op.i32LtU)
        .op(Op.i32And);
      c.localGet(at).i32Const(data).op(Op.i32Sub).i32Const(7).op(Op.i32And).op(Op.i32Eqz).op(Op.i32And);
      c.open(Op.if);
      c.localGet(at).i32Const(L.RECORD_HEADER).op(Op.i32Sub).localTee(header);
      c.mem(Op.i32Load, 2, 0).localTee(word).i32Const(L.RECORD_BUSY).op(Op.i32And).open(Op.if);
      c.localGet(header);
      c.localGet(word).i32Const(L.RECORD_LEN_MASK).op(Op.i32And);
      if (id === RINGBUF_DISCARD) c.i32Const(L.RECORD_DISCARD).op(Op.i32Or);
      c.mem(Op.i32Store, 2, 0).i64Const(0).op(Op.return);
      c.end().end();
    }
    c.end();
    slow(c, id, ctx);
    return;
  }
  const ringAt = (r: NativeRing): void => {
    c.localGet(r1).i64Const(r.descriptor, BPF_ADDRESS_HIGH).op(Op.i64Eq);
  };
  for (const ring of rings) {
    if (id === RINGBUF_RESERVE) {
      ringAt(ring);
      c.open(Op.if);
      // flags must be 0; size 0 and sizes above 2^30 - 1 get no record.
      c.localGet(r3)
        .i64Const(0)
        .op(Op.i64Ne)
        .localGet(r2)
        .i64Const(L.RECORD_LEN_MASK)
        .op(Op.i64GtU)
        .op(Op.i32Or);
      c.localGet(r2).op(Op.i64Eqz).op(Op.i32Or);
      c.open(Op.if).i64Const(0).op(Op.return).end();
      reserve(c, ring, () => c.localGet(r2).op(Op.i32WrapI64));
      c.op(Op.return).end();
    } else {
      // output(ring, data, size, flags): size 0 is -EAGAIN; data must lie in the program's stack.
      const { stackBottom, stackTop } = ctx.layout;
      ringAt(ring);
      c.open(Op.if);
      c.localGet(r3).op(Op.i64Eqz).open(Op.if).i64Const(-EAGAIN).op(Op.return).end();
      c.localGet(r2).i64Const(stackBottom, BPF_ADDRESS_HIGH).op(Op.i64Sub).localGet(r3).op(Op.i64Add);
      c.i64Const(stackTop - stackBottom, 0).op(Op.i64LeU);
      c.localGet(r2).i64Const(stackBottom, BPF_ADDRESS_HIGH).op(Op.i64GeU).op(Op.i32And);
      c.localGet(r3)
        .i64Const(stackTop - stackBottom)
        .op(Op.i64LeU)
        .op(Op.i32And);
      c.open(Op.if);
      const payload = c.local(I64);
      reserve(c, ring, () => c.localGet(r3).op(Op.i32WrapI64));
      c.localTee(payload).op(Op.i64Eqz).open(Op.if).i64Const(-EAGAIN).op(Op.return).end();
      c.localGet(payload)
        .op(Op.i32WrapI64)
        .localGet(r2)
        .op(Op.i32WrapI64)
        .localGet(r3)
        .op(Op.i32WrapI64)
        .memoryCopy();
      // submit: the header holds len | BUSY; clear BUSY.
      c.localGet(payload).op(Op.i32WrapI64).i32Const(L.RECORD_HEADER).op(Op.i32Sub);
      c.localGet(r3).op(Op.i32WrapI64).mem(Op.i32Store, 2, 0);
      c.i64Const(0).op(Op.return);
      c.end().end();
    }
  }
  slow(c, id, ctx);
}

/** Push the payload's BPF address of a new busy record of `len` bytes (1 ≤ len < 2^30), or 0. */
function reserve(c: Code, ring: NativeRing, len: () => void): void {
  const data = ring.header + L.RING_HEADER;
  const n = c.local(I32);
  const total = c.local(I32);
  const producer = c.local(I32);
  const at = c.local(I32);
  const pad = c.local(I32);
  len();
  c.localTee(n)
    .i32Const(L.RECORD_HEADER + 7)
    .op(Op.i32Add)
    .i32Const(-8)
    .op(Op.i32And)
    .localSet(total);
  c.i32Const(0)
    .mem(Op.i32Load, 2, ring.header + L.RING_PRODUCER)
    .localTee(producer);
  c.i32Const(ring.size - 1)
    .op(Op.i32And)
    .localSet(at);
  // pad = at + total > size ? size - at : 0
  c.i32Const(ring.size).localGet(at).op(Op.i32Sub).i32Const(0);
  c.localGet(at).localGet(total).op(Op.i32Add).i32Const(ring.size).op(Op.i32GtU).op(Op.select).localSet(pad);
  // No room: pad + total > size - (producer - consumer), computed without wrapping.
  c.localGet(pad).localGet(total).op(Op.i32Add).op(Op.i64ExtendI32U);
  c.i64Const(ring.size);
  c.localGet(producer)
    .i32Const(0)
    .mem(Op.i32Load, 2, ring.header + L.RING_CONSUMER)
    .op(Op.i32Sub);
  c.op(Op.i64ExtendI32U).op(Op.i64Sub).op(Op.i64GtS);
  c.open(Op.if, I64).i64Const(0).op(Op.else);
  c.localGet(pad).open(Op.if);
  c.localGet(at)
    .localGet(pad)
    .i32Const(L.RECORD_HEADER)
    .op(Op.i32Sub)
    .i32Const(L.RECORD_DISCARD)
    .op(Op.i32Or);
  c.mem(Op.i32Store, 2, data);
  c.localGet(at)
    .i32Const(0)
    .mem(Op.i32Store, 2, data + 4);
  c.localGet(producer).localGet(pad).op(Op.i32Add).localSet(producer);
  c.i32Const(0).localSet(at);
  c.end();
  c.localGet(at).localGet(n).i32Const(L.RECORD_BUSY).op(Op.i32Or).mem(Op.i32Store, 2, data);
  c.localGet(at)
    .i32Const(0)
    .mem(Op.i32Store, 2, data + 4);
  c.i32Const(0)
    .localGet(producer)
    .localGet(total)
    .op(Op.i32Add)
    .mem(Op.i32Store, 2, ring.header + L.RING_PRODUCER);
  c.localGet(at)
    .i32Const(data + L.RECORD_HEADER)
    .op(Op.i32Add)
    .op(Op.i64ExtendI32U);
  c.i64Const(0, BPF_ADDRESS_HIGH).op(Op.i64Or);
  c.end();
}
