import { describe, expect, it } from 'vitest';
import { E2BIG, EEXIST, EINVAL, ENOENT } from '../errors.js';
import { Runtime } from '../runtime.js';
import { ArrayMap } from './array.js';
import { MAP_TYPE } from './create.js';
import { HashMap } from './hash.js';
import {
  BPF_ANY,
  BPF_EXIST,
  BPF_NOEXIST,
  DESC_CAPACITY,
  DESC_DATA,
  DESC_STRIDE,
  DESC_TYPE,
  DESC_VALUE_OFFSET,
  fnv1a,
  round8,
} from './layout.js';
import { EAGAIN, type RingBuffer } from './ringbuf.js';

const u32 = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);
const u64 = (n: bigint) => new Uint8Array(new BigUint64Array([n]).buffer);

describe('array map', () => {
  const rt = new Runtime({ memoryBytes: 1 << 20 });
  const map = rt.createMap({
    name: 'a',
    type: MAP_TYPE.array,
    keySize: 4,
    valueSize: 6,
    maxEntries: 3,
  }) as ArrayMap;

  it('has every element, zero-initialised, with 8-byte strides', () => {
    expect(map.lookup(u32(2))).toEqual(new Uint8Array(6));
    expect(map.lookup(u32(3))).toBeUndefined();
    expect(map.valueOffset(1) - map.valueOffset(0)).toBe(8);
    expect(map.keys().map((k) => k[0])).toEqual([0, 1, 2]);
  });

  it('applies the update flags like Linux', () => {
    const v = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    expect(map.update(u32(1), v, BPF_NOEXIST)).toBe(-EEXIST);
    expect(map.update(u32(1), v, BPF_EXIST)).toBe(0);
    expect(map.update(u32(3), v, BPF_ANY)).toBe(-E2BIG);
    expect(map.update(u32(0), v, 7)).toBe(-EINVAL);
    expect(map.lookup(u32(1))).toEqual(v);
    expect(map.delete(u32(1))).toBe(-EINVAL);
    map.clear();
    expect(map.lookup(u32(1))).toEqual(new Uint8Array(6));
  });

  it('puts read-only values in a read-only region', () => {
    const ro = rt.createMap(
      { name: '.rodata', type: MAP_TYPE.array, keySize: 4, valueSize: 4, maxEntries: 1 },
      { readOnly: true },
    ) as ArrayMap;
    expect(ro.values.writable).toBe(false);
    expect(ro.update(u32(0), u32(7))).toBe(0); // user space, like before freezing
    const key = rt.allocData(u32(0), 'key');
    expect(ro.updateAt(key.start, key.start, BPF_ANY)).toBe(-1); // a program: -EPERM
    expect(rt.memory.regionAt(ro.valueOffset(0), 4)?.writable).toBe(false);
    expect(map.values.writable).toBe(true);
  });

  it('rejects bad sizes with a typed error', () => {
    expect(() => map.lookup(Uint8Array.of(1))).toThrow(/key is 1 bytes, expected 4/);
    expect(() =>
      rt.createMap({ name: 'x', type: MAP_TYPE.array, keySize: 8, valueSize: 4, maxEntries: 1 }),
    ).toThrow(/key_size must be 4/);
    expect(() => rt.createMap({ name: 'x', type: 99, keySize: 4, valueSize: 4, maxEntries: 1 })).toThrow(
      /not supported/,
    );
  });
});

describe('map sizes', () => {
  const rt = new Runtime({ memoryBytes: 1 << 20 });
  const def = (type: number, keySize: number, valueSize: number, maxEntries: number) => ({
    name: 'big',
    type,
    keySize,
    valueSize,
    maxEntries,
  });

  it('rounds without 32-bit wrapping', () => {
    expect(round8(2 ** 31 + 1)).toBe(2 ** 31 + 8);
    expect(round8(2 ** 32 - 1)).toBe(2 ** 32);
    expect(round8(0)).toBe(0);
    expect(round8(9)).toBe(16);
  });

  it.each([
    ['array, value_size 2^31', def(MAP_TYPE.array, 4, 2 ** 31, 1)],
    ['array, value_size 2^32 - 1', def(MAP_TYPE.array, 4, 2 ** 32 - 1, 1)],
    ['array, many entries', def(MAP_TYPE.array, 4, 8, 2 ** 32 - 1)],
    ['hash, key_size 2^31', def(MAP_TYPE.hash, 2 ** 31, 4, 1)],
    ['lru hash, max_entries 2^31', def(MAP_TYPE.lru_hash, 4, 4, 2 ** 31)],
    ['ring buffer, 2^31 bytes', def(MAP_TYPE.ringbuf, 0, 0, 2 ** 31)],
  ])('refuses a map the memory cannot hold: %s', (_, d) => {
    const regions = rt.memory.regions.length;
    expect(() => rt.createMap(d)).toThrow(expect.objectContaining({ kind: 'map' }));
    expect(rt.memory.regions.length).toBe(regions); // nothing left behind
  });

  it.each([
    [
      'value_size 2^32',
      def(MAP_TYPE.array, 4, 2 ** 32, 1),
      /value_size must be an integer in 1\.\.4294967295/,
    ],
    ['max_entries 0', def(MAP_TYPE.hash, 4, 4, 0), /max_entries must be/],
    ['key_size 1.5', def(MAP_TYPE.hash, 1.5, 4, 1), /key_size must be/],
  ])('refuses sizes that are not u32: %s', (_, d, message) => {
    expect(() => rt.createMap(d)).toThrow(message);
  });

  it('releases the descriptor when the table finds no room', () => {
    const small = new Runtime({ memoryBytes: 1 << 17 });
    small.allocData(new Uint8Array(70_000), 'filler');
    const regions = small.memory.regions.length;
    expect(() => small.createMap(def(MAP_TYPE.array, 4, 8, 8000))).toThrow(
      expect.objectContaining({ kind: 'out-of-memory' }),
    );
    expect(small.memory.regions.length).toBe(regions);
  });
});

describe('hash map', () => {
  const make = (maxEntries: number, lru = false) =>
    new Runtime({ memoryBytes: 1 << 20 }).createMap({
      name: 'h',
      type: lru ? MAP_TYPE.lru_hash : MAP_TYPE.hash,
      keySize: 8,
      valueSize: 4,
      maxEntries,
    }) as HashMap;

  it('implements BPF_ANY / BPF_NOEXIST / BPF_EXIST, delete and -E2BIG', () => {
    const m = make(2);
    expect(m.update(u64(1n), u32(10), BPF_EXIST)).toBe(-ENOENT);
    expect(m.update(u64(1n), u32(10), BPF_NOEXIST)).toBe(0);
    expect(m.update(u64(1n), u32(11), BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.update(u64(1n), u32(12), BPF_EXIST)).toBe(0);
    expect(m.update(u64(2n), u32(20), BPF_ANY)).toBe(0);
    expect(m.update(u64(3n), u32(30), BPF_ANY)).toBe(-E2BIG);
    expect(m.lookup(u64(1n))).toEqual(u32(12));
    expect(m.count).toBe(2);
    expect(m.delete(u64(1n))).toBe(0);
    expect(m.delete(u64(1n))).toBe(-ENOENT);
    expect(m.lookup(u64(1n))).toBeUndefined();
    expect(m.update(u64(3n), u32(30), BPF_ANY)).toBe(0);
    expect(
      m
        .keys()
        .map((k) => new DataView(k.buffer).getBigUint64(0, true))
        .sort(),
    ).toEqual([2n, 3n]);
    m.clear();
    expect(m.count).toBe(0);
    expect(m.keys()).toEqual([]);
  });

  it('keeps values in place: a value pointer stays valid while its key lives', () => {
    const m = make(16);
    for (let i = 0; i < 16; i++) m.update(u64(BigInt(i)), u32(i));
    const at = m.lookupAt(writeKey(m, 7n));
    for (let i = 0; i < 16; i += 2) m.delete(u64(BigInt(i)));
    for (let i = 100; i < 108; i++) m.update(u64(BigInt(i)), u32(i));
    expect(m.lookupAt(writeKey(m, 7n))).toBe(at);
  });

  it('survives churn: many inserts and deletes through tombstones', () => {
    const m = make(8);
    for (let round = 0; round < 500; round++) {
      const k = u64(BigInt(round));
      expect(m.update(k, u32(round))).toBe(0);
      if (round >= 7) expect(m.delete(u64(BigInt(round - 7)))).toBe(0);
    }
    expect(m.count).toBe(7);
    for (let r = 493; r < 500; r++) expect(m.lookup(u64(BigInt(r)))).toEqual(u32(r));
  });

  it('LRU: evicts the least recently used entry when full; lookups refresh', () => {
    const m = make(3, true);
    for (const k of [1n, 2n, 3n]) m.update(u64(k), u32(Number(k)));
    m.lookup(u64(1n)); // 2 is now the oldest
    expect(m.update(u64(4n), u32(4))).toBe(0);
    expect(m.lookup(u64(2n))).toBeUndefined();
    expect(m.count).toBe(3);
    for (const k of [1n, 3n, 4n]) expect(m.lookup(u64(k))).toEqual(u32(Number(k)));
  });

  it('matches LAYOUT.md byte for byte (an independent lookup over the raw memory)', () => {
    const m = make(5);
    for (let i = 0; i < 5; i++) m.update(u64(BigInt(i * 977)), u32(i + 1));
    m.delete(u64(977n));
    const mem = (m as unknown as { mem: { view: DataView; bytes: Uint8Array } }).mem;
    const d = m.descriptor.start;
    expect(mem.view.getUint32(d + DESC_TYPE, true)).toBe(MAP_TYPE.hash);
    const cap = mem.view.getUint32(d + DESC_CAPACITY, true);
    expect(cap).toBe(16);
    const data = mem.view.getUint32(d + DESC_DATA, true);
    const stride = mem.view.getUint32(d + DESC_STRIDE, true);
    const valueOff = mem.view.getUint32(d + DESC_VALUE_OFFSET, true);
    expect([stride, valueOff]).toEqual([16 + 8 + 8, 24]);
    const rawLookup = (key: Uint8Array): number | undefined => {
      const h = fnv1a(key, 0, 8);
      for (let n = 0, i = h & (cap - 1); n < cap; n++, i = (i + 1) & (cap - 1)) {
        const slot = data + i * stride;
        const state = mem.view.getUint32(slot, true);
        if (state === 0) return undefined;
        if (
          state === 1 &&
          mem.view.getUint32(slot + 4, true) === h &&
          key.every((b, j) => mem.bytes[slot + 16 + j] === b)
        ) {
          return mem.view.getUint32(slot + valueOff, true);
        }
      }
      return undefined;
    };
    expect([0, 1, 2, 3, 4].map((i) => rawLookup(u64(BigInt(i * 977))))).toEqual([1, undefined, 3, 4, 5]);
  });

  it('FNV-1a is the reference 32-bit FNV-1a', () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(fnv1a(text(''), 0, 0)).toBe(0x811c9dc5);
    expect(fnv1a(text('a'), 0, 1)).toBe(0xe40c292c);
    expect(fnv1a(text('foobar'), 0, 6)).toBe(0xbf9cf968);
  });
});

/** Copy a u64 key into a scratch region of the map's memory; returns its offset. */
function writeKey(m: HashMap, key: bigint): number {
  const mem = (m as unknown as { mem: import('../memory.js').LinearMemory }).mem;
  const r = mem.alloc(8, { name: 'key', kind: 'scratch', writable: true });
  mem.write(r.start, u64(key));
  return r.start;
}

describe('ring buffer', () => {
  const make = (size = 64) =>
    new Runtime({ memoryBytes: 1 << 20 }).createMap({
      name: 'rb',
      type: MAP_TYPE.ringbuf,
      keySize: 0,
      valueSize: 0,
      maxEntries: size,
    }) as RingBuffer;

  it('delivers submitted records in order, skips discarded ones, stops at a busy one', () => {
    const rb = make();
    const a = rb.reserve(3);
    const b = rb.reserve(5);
    const c = rb.reserve(1);
    expect([a, b, c].every((x) => x > 0)).toBe(true);
    (rb as unknown as { mem: { bytes: Uint8Array } }).mem.bytes.set([7, 8, 9], a);
    rb.submit(a);
    rb.submit(c);
    expect(rb.drain().map((r) => [...r])).toEqual([[7, 8, 9]]); // b is still busy
    rb.submit(b, true);
    expect(rb.drain().map((r) => r.length)).toEqual([1]);
    expect(rb.pending).toBe(0);
  });

  it('refuses records that do not fit, pads instead of wrapping', () => {
    const rb = make(64);
    expect(rb.reserve(0)).toBe(0);
    expect(rb.reserve(57)).toBe(0); // 8 + 57 > 64
    expect(rb.output(new Uint8Array(20))).toBe(0); // 32 bytes at 0
    expect(rb.output(new Uint8Array(20))).toBe(0); // 32 bytes at 32: full
    expect(rb.output(new Uint8Array(1))).toBe(-EAGAIN);
    expect(rb.drain().length).toBe(2);
    expect(rb.output(new Uint8Array(4))).toBe(0); // 16 bytes at 0 (positions 64..80)
    expect(rb.output(new Uint8Array(30))).toBe(0); // 40 bytes at 16
    // 8 bytes left at the end: a 16-byte record pads them and starts at 0 — but 0..16 is unconsumed.
    expect(rb.output(new Uint8Array(8))).toBe(-EAGAIN);
    expect(rb.drain().map((r) => r.length)).toEqual([4, 30]);
    expect(rb.output(new Uint8Array(8))).toBe(0); // pad 8 at 56, record at 0
    expect(rb.drain().map((r) => r.length)).toEqual([8]);
  });

  it('rejects a size that is not a power of two', () => {
    expect(() => make(100)).toThrow(/power of two/);
  });

  it('stays consistent under a seeded random workload', () => {
    const rb = make(256);
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 8;
    };
    const expected: number[] = [];
    const got: number[] = [];
    let next = 0;
    for (let i = 0; i < 2000; i++) {
      if (rand() % 3 === 0) rb.consume((p) => got.push(p[0] | (p[1] << 8)));
      else {
        const len = 2 + (rand() % 40);
        const rec = new Uint8Array(len);
        rec[0] = next & 0xff;
        rec[1] = next >> 8;
        if (rb.output(rec) === 0) expected.push(next);
        next = (next + 1) & 0xffff;
      }
    }
    rb.consume((p) => got.push(p[0] | (p[1] << 8)));
    expect(got).toEqual(expected);
    expect(expected.length).toBeGreaterThan(500);
  });
});

describe('per-CPU maps (one CPU)', () => {
  it('behave like their plain counterparts with a single value', () => {
    const rt = new Runtime({ memoryBytes: 1 << 20 });
    const pa = rt.createMap({
      name: 'pa',
      type: MAP_TYPE.percpu_array,
      keySize: 4,
      valueSize: 8,
      maxEntries: 2,
    });
    const ph = rt.createMap({
      name: 'ph',
      type: MAP_TYPE.percpu_hash,
      keySize: 4,
      valueSize: 8,
      maxEntries: 2,
    });
    const lph = rt.createMap({
      name: 'lph',
      type: MAP_TYPE.lru_percpu_hash,
      keySize: 4,
      valueSize: 8,
      maxEntries: 1,
    });
    expect(pa).toBeInstanceOf(ArrayMap);
    expect(ph).toBeInstanceOf(HashMap);
    expect(pa.update(u32(1), u64(9n))).toBe(0);
    expect(pa.lookup(u32(1))).toEqual(u64(9n));
    expect(ph.update(u32(1), u64(9n), BPF_NOEXIST)).toBe(0);
    expect(ph.lookup(u32(1))).toEqual(u64(9n));
    expect(lph.update(u32(1), u64(1n))).toBe(0);
    expect(lph.update(u32(2), u64(2n))).toBe(0);
    expect(lph.keys()).toEqual([u32(2)]);
  });
});
