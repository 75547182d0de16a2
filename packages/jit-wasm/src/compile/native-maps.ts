/**
 * bpf_map_lookup_elem / update_elem / delete_elem (helpers 1–3) in WebAssembly, over the vm's
 * array and hash map layouts (vm/src/maps/LAYOUT.md: FNV-1a, linear probing, tombstones, LRU
 * stamps). Each map the program references gets functions specialised to its constants
 * (descriptor, table, capacity, key and value sizes); a per-helper entry compares r1 with each
 * map's pointer.
 *
 * The fast path runs only when the result is certain to equal the JavaScript helper's: r1 is one
 * of these maps, and the key (and value) pointers lie inside the program's own stack, which is
 * a region for the program's whole life. Everything else — other pointers, ring buffers, an LRU
 * map that must evict — goes to the JavaScript helper, which also raises the errors.
 */
import {
  ArrayMap,
  BPF_ADDRESS_HIGH,
  type BpfMap,
  E2BIG,
  EEXIST,
  EINVAL,
  ENOENT,
  HashMap,
  mapLayout as L,
} from '@tbpf/vm';
import { Code, I32, I64 } from '../wasm/code.js';
import { Op } from '../wasm/opcodes.js';
import type { BoundNatives, NativeContext, NativeHelpers } from './native.js';

/** What codegen needs to know about one map (fixed for the map's life). */
export interface NativeMap {
  /** Offset of the descriptor in the linear memory. */
  descriptor: number;
  kind: 'array' | 'hash';
  keySize: number;
  valueSize: number;
  maxEntries: number;
  /** Array: max_entries; hash: slot count. */
  capacity: number;
  /** Offset of the values / slot table. */
  data: number;
  stride: number;
  /** Hash: offset of the value inside a slot. */
  valueAt: number;
  lru: boolean;
}

export const LOOKUP = 1;
export const UPDATE = 2;
export const DELETE = 3;

/** Parameters of a native helper: r1..r5, pc. */
const PARAMS = [I64, I64, I64, I64, I64, I32] as const;
const PC = 5;

/** Native map helpers for `maps`, for the helper ids in `ids` (those still the standard helpers). */
export function nativeMapHelpers(maps: readonly NativeMap[], ids: ReadonlySet<number>): NativeHelpers {
  return { bind: (ctx) => bindMaps(ctx, maps, ids) };
}

/** A map's constants, from the map object (not its descriptor); undefined for maps handled in JavaScript. */
export function nativeMapOf(map: BpfMap): NativeMap | undefined {
  if (map instanceof ArrayMap) {
    return {
      descriptor: map.descriptor.start,
      kind: 'array',
      keySize: map.keySize,
      valueSize: map.valueSize,
      maxEntries: map.maxEntries,
      capacity: map.maxEntries,
      data: map.values.start,
      stride: map.stride,
      valueAt: 0,
      lru: false,
    };
  }
  if (map instanceof HashMap) {
    return {
      descriptor: map.descriptor.start,
      kind: 'hash',
      keySize: map.keySize,
      valueSize: map.valueSize,
      maxEntries: map.maxEntries,
      capacity: map.capacity,
      data: map.table.start,
      stride: map.slotSize,
      valueAt: map.valueAt,
      lru: map.lru,
    };
  }
  return undefined;
}

function bindMaps(ctx: NativeContext, maps: readonly NativeMap[], ids: ReadonlySet<number>): BoundNatives {
  const declared = new Map<number, { index: number; code: Code }>();
  return {
    get(id) {
      if (maps.length === 0 || !ids.has(id) || (id !== LOOKUP && id !== UPDATE && id !== DELETE))
        return undefined;
      let d = declared.get(id);
      if (!d) {
        d = { index: ctx.m.func(PARAMS, [I64]), code: new Code(PARAMS.length) };
        declared.set(id, d);
      }
      return d.index;
    },
    finish() {
      for (const [id, d] of declared) {
        entry(ctx, maps, id, d.code);
        ctx.m.define(d.index, d.code);
      }
    },
  };
}

/** Push whether [ptr, ptr + size) lies inside the program's stack region (ptr an i64 local). */
function inStack(c: Code, ctx: NativeContext, ptr: number, size: number): void {
  const { stackBottom, stackTop } = ctx.layout;
  c.localGet(ptr).i64Const(stackBottom, BPF_ADDRESS_HIGH).op(Op.i64Sub);
  c.i64Const(stackTop - stackBottom - size, 0).op(Op.i64LeU);
}

/** The helper's entry: find the map by r1, check the pointers, run the specialised code. */
function entry(ctx: NativeContext, maps: readonly NativeMap[], id: number, c: Code): void {
  const r1 = 0;
  const r2 = 1;
  const r3 = 2;
  const r4 = 3;
  for (const map of maps) {
    c.localGet(r1).i64Const(map.descriptor, BPF_ADDRESS_HIGH).op(Op.i64Eq);
    inStack(c, ctx, r2, map.keySize);
    c.op(Op.i32And);
    if (id === UPDATE) {
      inStack(c, ctx, r3, map.valueSize);
      c.op(Op.i32And);
    }
    c.open(Op.if);
    const key = (): void => {
      c.localGet(r2).op(Op.i32WrapI64);
    };
    const gen = new MapCode(c, map, ctx);
    if (id === LOOKUP) gen.lookup(key);
    else if (id === UPDATE) gen.update(key, r3, r4);
    else gen.remove(key);
    c.op(Op.return).end();
  }
  c.i32Const(id).localGet(PC);
  for (let n = 0; n < 5; n++) c.localGet(n);
  c.call(ctx.slowPath);
}

/** Code generators for one map; each leaves r0 (i64) on the stack or returns it. */
class MapCode {
  private readonly mask: number;

  constructor(
    private readonly c: Code,
    private readonly map: NativeMap,
    private readonly ctx: NativeContext,
  ) {
    this.mask = map.capacity - 1;
  }

  private desc(field: number): number {
    return this.map.descriptor + field;
  }

  /** Push BASE | (i32 offset on the stack). */
  private address(): void {
    this.c.op(Op.i64ExtendI32U).i64Const(0, BPF_ADDRESS_HIGH).op(Op.i64Or);
  }

  lookup(key: () => void): void {
    const { c, map } = this;
    if (map.kind === 'array') {
      const idx = c.local(I32);
      key();
      c.mem(Op.i32Load, 0).localTee(idx).i32Const(map.maxEntries).op(Op.i32LtU).open(Op.if, I64);
      c.localGet(idx).i32Const(map.stride).op(Op.i32Mul).i32Const(map.data).op(Op.i32Add);
      this.address();
      c.op(Op.else).i64Const(0).end();
      return;
    }
    const slot = this.find(key);
    c.localGet(slot).op(Op.i32Eqz).open(Op.if, I64).i64Const(0).op(Op.else);
    this.touch(slot);
    c.localGet(slot).i32Const(map.valueAt).op(Op.i32Add);
    this.address();
    c.end();
  }

  update(key: () => void, value: number, flags: number): void {
    const { c, map } = this;
    c.localGet(flags).i64Const(L.BPF_EXIST).op(Op.i64GtU).open(Op.if).i64Const(-EINVAL).op(Op.return).end();
    if (map.kind === 'array') {
      const idx = c.local(I32);
      key();
      c.mem(Op.i32Load, 0).localTee(idx).i32Const(map.maxEntries).op(Op.i32GeU);
      c.open(Op.if).i64Const(-E2BIG).op(Op.return).end();
      c.localGet(flags)
        .i64Const(L.BPF_NOEXIST)
        .op(Op.i64Eq)
        .open(Op.if)
        .i64Const(-EEXIST)
        .op(Op.return)
        .end();
      c.localGet(idx).i32Const(map.stride).op(Op.i32Mul).i32Const(map.data).op(Op.i32Add);
      c.localGet(value).op(Op.i32WrapI64).i32Const(map.valueSize).memoryCopy();
      c.i64Const(0);
      return;
    }
    const slot = this.find(key);
    const hash = this.hashLocal;
    c.localGet(slot).open(Op.if);
    c.localGet(flags).i64Const(L.BPF_NOEXIST).op(Op.i64Eq).open(Op.if).i64Const(-EEXIST).op(Op.return).end();
    c.localGet(slot).i32Const(map.valueAt).op(Op.i32Add);
    c.localGet(value).op(Op.i32WrapI64).i32Const(map.valueSize).memoryCopy();
    this.touch(slot);
    c.i64Const(0).op(Op.return).end();
    c.localGet(flags).i64Const(L.BPF_EXIST).op(Op.i64Eq).open(Op.if).i64Const(-ENOENT).op(Op.return).end();
    c.i32Const(0)
      .mem(Op.i32Load, 2, this.desc(L.DESC_COUNT))
      .i32Const(map.maxEntries)
      .op(Op.i32GeU)
      .open(Op.if);
    if (map.lru) {
      // Eviction: the JavaScript helper does it (rare; nothing has been written yet).
      c.i32Const(UPDATE).localGet(PC);
      for (let n = 0; n < 5; n++) c.localGet(n);
      c.call(this.ctx.slowPath).op(Op.return);
    } else {
      c.i64Const(-E2BIG).op(Op.return);
    }
    c.end();
    // The first non-USED slot of the probe sequence.
    const i = c.local(I32);
    const n = c.local(I32);
    c.localGet(hash).i32Const(this.mask).op(Op.i32And).localSet(i);
    c.open(Op.block).open(Op.loop);
    this.slotAddr(i);
    c.mem(Op.i32Load, 2, L.SLOT_STATE).i32Const(L.SLOT_USED).op(Op.i32Ne).brIf(1);
    this.next(i);
    c.localGet(n).i32Const(1).op(Op.i32Add).localTee(n).i32Const(map.capacity).op(Op.i32LtU).brIf(0);
    c.end().end();
    this.slotAddr(i);
    c.localSet(slot);
    c.localGet(slot).mem(Op.i32Load, 2, L.SLOT_STATE).i32Const(L.SLOT_DELETED).op(Op.i32Eq).open(Op.if);
    this.addDesc(L.DESC_TOMBSTONES, -1);
    c.end();
    c.localGet(slot).i32Const(L.SLOT_USED).mem(Op.i32Store, 2, L.SLOT_STATE);
    c.localGet(slot).localGet(hash).mem(Op.i32Store, 2, L.SLOT_HASH);
    c.localGet(slot).i32Const(0).mem(Op.i32Store, 2, L.SLOT_STAMP);
    c.localGet(slot).i32Const(L.SLOT_HEADER).op(Op.i32Add);
    key();
    c.i32Const(map.keySize).memoryCopy();
    c.localGet(slot).i32Const(map.valueAt).op(Op.i32Add);
    c.localGet(value).op(Op.i32WrapI64).i32Const(map.valueSize).memoryCopy();
    this.addDesc(L.DESC_COUNT, 1);
    this.touch(slot);
    c.i64Const(0);
  }

  remove(key: () => void): void {
    const { c, map } = this;
    if (map.kind === 'array') {
      c.i64Const(-EINVAL);
      return;
    }
    const slot = this.find(key);
    c.localGet(slot).op(Op.i32Eqz).open(Op.if).i64Const(-ENOENT).op(Op.return).end();
    const i = c.local(I32);
    const n = c.local(I32);
    const tombs = c.local(I32);
    c.localGet(slot).i32Const(L.SLOT_DELETED).mem(Op.i32Store, 2, L.SLOT_STATE);
    this.addDesc(L.DESC_COUNT, -1);
    c.i32Const(0).mem(Op.i32Load, 2, this.desc(L.DESC_TOMBSTONES)).i32Const(1).op(Op.i32Add).localSet(tombs);
    c.localGet(slot).i32Const(map.data).op(Op.i32Sub).i32Const(map.stride).op(Op.i32DivU).localSet(i);
    // A tombstone followed by an empty slot ends no probe chain: empty it and those before it.
    c.localGet(i).i32Const(1).op(Op.i32Add).i32Const(this.mask).op(Op.i32And).localSet(n);
    this.slotAddr(n);
    c.mem(Op.i32Load, 2, L.SLOT_STATE).i32Const(L.SLOT_EMPTY).op(Op.i32Eq).open(Op.if);
    c.i32Const(0).localSet(n);
    c.open(Op.block).open(Op.loop);
    c.localGet(n).i32Const(map.capacity).op(Op.i32GeU).brIf(1);
    this.slotAddr(i);
    c.mem(Op.i32Load, 2, L.SLOT_STATE).i32Const(L.SLOT_DELETED).op(Op.i32Ne).brIf(1);
    this.slotAddr(i);
    c.i32Const(L.SLOT_EMPTY).mem(Op.i32Store, 2, L.SLOT_STATE);
    c.localGet(tombs).i32Const(1).op(Op.i32Sub).localSet(tombs);
    c.localGet(i).i32Const(1).op(Op.i32Sub).i32Const(this.mask).op(Op.i32And).localSet(i);
    c.localGet(n).i32Const(1).op(Op.i32Add).localSet(n);
    c.br(0).end().end();
    c.end();
    c.i32Const(0).localGet(tombs).mem(Op.i32Store, 2, this.desc(L.DESC_TOMBSTONES));
    c.i64Const(0);
  }

  private hashLocal = -1;

  /** Hash the key and probe: returns a local holding the matching slot's offset, or 0. */
  private find(key: () => void): number {
    const { c, map } = this;
    const k = c.local(I32);
    const h = c.local(I32);
    const i = c.local(I32);
    const n = c.local(I32);
    const slot = c.local(I32);
    this.hashLocal = h;
    key();
    c.localSet(k);
    // FNV-1a over the key bytes.
    c.i32Const(0x811c9dc5).localSet(h);
    for (let b = 0; b < map.keySize; b++) {
      c.localGet(h)
        .localGet(k)
        .mem(Op.i32Load8U, 0, b)
        .op(Op.i32Xor)
        .i32Const(0x01000193)
        .op(Op.i32Mul)
        .localSet(h);
    }
    c.localGet(h).i32Const(this.mask).op(Op.i32And).localSet(i);
    c.i32Const(0).localSet(slot);
    c.open(Op.block).open(Op.loop);
    this.slotAddr(i);
    c.localTee(slot)
      .mem(Op.i32Load, 2, L.SLOT_STATE)
      .op(Op.i32Eqz)
      .open(Op.if)
      .i32Const(0)
      .localSet(slot)
      .br(2)
      .end();
    c.localGet(slot).mem(Op.i32Load, 2, L.SLOT_STATE).i32Const(L.SLOT_USED).op(Op.i32Eq);
    c.localGet(slot).mem(Op.i32Load, 2, L.SLOT_HASH).localGet(h).op(Op.i32Eq).op(Op.i32And);
    c.open(Op.if);
    this.keyEquals(slot, k);
    c.brIf(2).end();
    this.next(i);
    c.localGet(n).i32Const(1).op(Op.i32Add).localTee(n).i32Const(map.capacity).op(Op.i32LtU).brIf(0);
    c.i32Const(0).localSet(slot);
    c.end().end();
    return slot;
  }

  /** Push whether the key at slot + 16 equals the key at k (widest loads first). */
  private keyEquals(slot: number, k: number): void {
    const { c, map } = this;
    c.i32Const(1);
    let at = 0;
    for (const [size, load, eq] of [
      [8, Op.i64Load, Op.i64Eq],
      [4, Op.i32Load, Op.i32Eq],
      [2, Op.i32Load16U, Op.i32Eq],
      [1, Op.i32Load8U, Op.i32Eq],
    ] as const) {
      for (; at + size <= map.keySize; at += size) {
        c.localGet(slot)
          .mem(load, 0, L.SLOT_HEADER + at)
          .localGet(k)
          .mem(load, 0, at)
          .op(eq)
          .op(Op.i32And);
      }
    }
  }

  private slotAddr(i: number): void {
    this.c.localGet(i).i32Const(this.map.stride).op(Op.i32Mul).i32Const(this.map.data).op(Op.i32Add);
  }

  private next(i: number): void {
    this.c.localGet(i).i32Const(1).op(Op.i32Add).i32Const(this.mask).op(Op.i32And).localSet(i);
  }

  private addDesc(field: number, delta: number): void {
    const c = this.c;
    c.i32Const(0).i32Const(0).mem(Op.i32Load, 2, this.desc(field)).i32Const(delta).op(Op.i32Add);
    c.mem(Op.i32Store, 2, this.desc(field));
  }

  /** LRU maps: lru_clock += 1; slot.stamp = lru_clock. */
  private touch(slot: number): void {
    if (!this.map.lru) return;
    const c = this.c;
    this.addDesc(L.DESC_LRU_CLOCK, 1);
    c.localGet(slot)
      .i32Const(0)
      .mem(Op.i32Load, 2, this.desc(L.DESC_LRU_CLOCK))
      .mem(Op.i32Store, 2, L.SLOT_STAMP);
  }
}
