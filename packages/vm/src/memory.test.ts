import { describe, expect, it } from 'vitest';
import { VmError } from './errors.js';
import { addressOf, BPF_ADDRESS_BASE, LinearMemory, NULL_GUARD, offsetOf } from './memory.js';

describe('LinearMemory', () => {
  it('is a fixed WebAssembly.Memory whose buffer never moves', () => {
    const mem = new LinearMemory({ bytes: 100_000 });
    expect(mem.size).toBe(2 * 65536);
    expect(mem.memory.buffer).toBe(mem.buffer);
    expect(() => mem.memory.grow(1)).toThrow();
    expect(mem.memory.buffer).toBe(mem.buffer);
  });

  it('keeps the NULL guard out of every region and aligns starts', () => {
    const mem = new LinearMemory({ bytes: 65536 });
    const a = mem.alloc(3, { name: 'a', kind: 'data', writable: true });
    const b = mem.alloc(16, { name: 'b', kind: 'stack', writable: true, align: 64 });
    expect(a.start).toBe(NULL_GUARD);
    expect(b.start % 64).toBe(0);
    expect(b.start).toBeGreaterThanOrEqual(a.end);
    expect(mem.regionAt(0)).toBeUndefined();
    expect(mem.regionAt(a.start + 2)).toBe(a);
    expect(mem.regionAt(a.start + 2, 2)).toBeUndefined();
    expect(mem.regionAt(b.start, 16)).toBe(b);
  });

  it("keeps an engine's private ('scratch') regions out of reach of programs and helpers", () => {
    const mem = new LinearMemory({ bytes: 65536 });
    const a = mem.alloc(16, { name: 'a', kind: 'stack', writable: true });
    const x = mem.alloc(16, { name: 'x', kind: 'scratch', writable: true });
    expect(mem.regions).toEqual([a, x]);
    expect(mem.programRegions).toEqual([a]);
    expect(mem.regionAt(x.start)).toBeUndefined();
    expect(mem.regionOfAddress(addressOf(x.start), 8)).toBeUndefined();
  });

  it('reuses freed space first-fit and zeroes it', () => {
    const mem = new LinearMemory({ bytes: 65536 });
    const a = mem.alloc(64, { name: 'a', kind: 'data', writable: true });
    mem.alloc(64, { name: 'b', kind: 'data', writable: true });
    mem.bytes.fill(7, a.start, a.end);
    mem.free(a);
    const c = mem.alloc(32, { name: 'c', kind: 'data', writable: false });
    expect(c.start).toBe(a.start);
    expect(mem.bytes[c.start]).toBe(0);
  });

  it('finds regions again after freeing and reusing the ones it found last', () => {
    const mem = new LinearMemory({ bytes: 65536 });
    const [a, b, c] = ['a', 'b', 'c'].map((name) => mem.alloc(64, { name, kind: 'data', writable: true }));
    for (let i = 0; i < 3; i++) {
      expect(mem.regionAt(a.start + 8, 8)).toBe(a);
      expect(mem.regionAt(b.start, 64)).toBe(b);
      expect(mem.regionAt(b.start + 60, 8)).toBeUndefined();
      expect(mem.regionAt(c.end - 1)).toBe(c);
    }
    mem.free(c);
    mem.free(b);
    expect(mem.regionAt(b.start)).toBeUndefined();
    expect(mem.regionAt(c.start)).toBeUndefined();
    const x = mem.alloc(32, { name: 'x', kind: 'scratch', writable: true });
    const d = mem.alloc(32, { name: 'd', kind: 'data', writable: false });
    expect(x.start).toBe(b.start);
    expect(mem.regionAt(x.start)).toBeUndefined();
    expect(mem.regionAt(d.start + 4)).toBe(d);
    expect(mem.regionAt(a.start)).toBe(a);
  });

  it('reports exhaustion as a typed error', () => {
    const mem = new LinearMemory({ bytes: 65536 });
    expect(() => mem.alloc(65536, { name: 'big', kind: 'host', writable: true })).toThrow(VmError);
  });

  it('maps BPF addresses to offsets with a non-zero base', () => {
    expect(addressOf(4096)).toBe(0x1_0000_1000n);
    expect(offsetOf(BigInt(BPF_ADDRESS_BASE) + 10n, 65536)).toBe(10);
    expect(offsetOf(10n, 65536)).toBe(-1);
    expect(offsetOf(BigInt(BPF_ADDRESS_BASE) + 65536n, 65536)).toBe(-1);
  });
});
