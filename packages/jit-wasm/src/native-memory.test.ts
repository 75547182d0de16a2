import { assemble } from '@tbpf/asm';
import { addressOf, EFAULT, interpreter, LinearMemory, loadInsns, NULL_GUARD, Runtime } from '@tbpf/vm';
import { describe, expect, it, vi } from 'vitest';
import { REGION_TABLE_AT, TABLE_BYTES } from './compile/native-memory.js';
import { wasmEngine } from './engine.js';

const nativeIds = (p: unknown) => (p as { compiled: { nativeHelpers: number[] } }).compiled.nativeHelpers;

// r0 = probe_read(r10 - 16, 16, r1); then the 16 bytes read, as r0 + 2 * first qword.
const probe = `
  mov %r6, %r1
  mov %r1, %r10
  add %r1, -16
  mov %r2, 16
  mov %r3, %r6
  call 4
  ldxdw %r1, [%r10-16]
  lsh %r1, 1
  add %r0, %r1
  exit`;

describe('native memory helpers', () => {
  it("keep their region table inside the NULL guard, out of every program's reach", () => {
    expect(REGION_TABLE_AT + TABLE_BYTES).toBeLessThanOrEqual(NULL_GUARD);
  });

  it('probe_read finds regions allocated after prepare (one refresh) and faults on others', () => {
    const runtime = new Runtime({ memoryBytes: 1 << 16 });
    const prepared = wasmEngine.prepare(loadInsns(runtime, assemble(probe).insns));
    expect(nativeIds(prepared)).toEqual([4]);
    const later = runtime.allocData(
      Uint8Array.from({ length: 16 }, (_, i) => i + 1),
      'host data',
      'host',
    );
    const qword = 0x0807060504030201n;
    // The JavaScript helper would look regions up with regionAt; the WebAssembly one does not.
    const js = vi.spyOn(LinearMemory.prototype, 'regionAt');
    expect(prepared.run(later.start)).toBe(2n * qword);
    expect(js).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    // Crossing the region's end, and a pointer outside every region: -EFAULT, destination zeroed.
    expect(prepared.run(later.start + 8)).toBe(BigInt.asUintN(64, BigInt(-EFAULT)));
    const outside = wasmEngine.prepare(
      loadInsns(runtime, assemble(probe.replace('mov %r6, %r1', 'lddw %r6, 0x200000000')).insns),
    );
    expect(outside.run()).toBe(BigInt.asUintN(64, BigInt(-EFAULT)));
    outside.dispose();
    prepared.dispose();
  });

  it('bpf_memcmp and bpf_load_pointer follow the RFC helpers (sizes, faults, byte differences)', () => {
    const runtime = new Runtime({ memoryBytes: 1 << 16 });
    const data = runtime.allocData(new TextEncoder().encode('eth5\0eth6\0'), 'names', 'host');
    const text = `
      mov %r6, %r1
      mov %r2, %r1
      add %r2, 5
      mov %r3, 4
      call 1001
      mov %r7, %r0
      mov %r1, %r6
      mov %r2, %r6
      mov %r3, 64
      call 1001
      lsh %r0, 8
      add %r7, %r0
      mov %r1, %r6
      call 1002
      mov %r1, %r0
      rsh %r1, 32
      and %r1, 0xff
      lsh %r1, 16
      add %r7, %r1
      mov %r0, %r7
      exit`;
    const prepared = wasmEngine.prepare(loadInsns(runtime, assemble(text).insns));
    expect(nativeIds(prepared)).toEqual([1001, 1002]);
    // '5' - '6' = -1; size 64 → -1 (<< 8); load_pointer's byte 4 is the NUL → 0.
    const js = vi.spyOn(LinearMemory.prototype, 'regionAt');
    expect(prepared.run(data.start)).toBe(BigInt.asUintN(64, -1n + (-1n << 8n)));
    expect(js).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    prepared.dispose();
  });

  it('bpf_memcmp agrees with the JavaScript helper at every size and first difference (word steps, then bytes)', () => {
    const runtime = new Runtime({ memoryBytes: 1 << 16 });
    const a = runtime.allocData(new Uint8Array(64), 'a', 'host');
    const b = runtime.allocData(new Uint8Array(64), 'b', 'host');
    // r0 = memcmp(r1 = a, r2 = b, r3 = r2's size argument): run(a, n).
    const text = `mov %r3, %r2\nlddw %r2, ${addressOf(b.start)}\ncall 1001\nexit`;
    const wasm = wasmEngine.prepare(loadInsns(runtime, assemble(text).insns));
    const interp = interpreter.prepare(loadInsns(runtime, assemble(text).insns));
    expect(nativeIds(wasm)).toEqual([1001]);
    for (let n = 0; n < 64; n++) {
      for (const at of [-1, 0, n >> 1, n - 1, n]) {
        const x = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff);
        const y = x.slice();
        if (at >= 0 && at < 64) y[at] = (y[at] + 1 + (at & 1) * 0x80) & 0xff;
        runtime.memory.write(a.start, x);
        runtime.memory.write(b.start, y);
        const args = [a.start, n] as const;
        expect(wasm.run(...args), `n ${n}, difference at ${at}`).toBe(interp.run(...args));
      }
    }
    wasm.dispose();
    interp.dispose();
  });

  it('probe_read_str copies up to a NUL or size - 1 bytes, and faults on strings that run off their region', () => {
    // r0 = probe_read_str(r10 - 16, r2, r1)
    const text = 'mov %r3, %r1\nmov %r1, %r10\nadd %r1, -16\ncall 45\nexit';
    const runtime = new Runtime({ memoryBytes: 1 << 16 });
    const prepared = wasmEngine.prepare(loadInsns(runtime, assemble(text).insns));
    expect(nativeIds(prepared)).toEqual([45]);
    const stack = runtime.memory.regions.find((r) => r.kind === 'stack')!;
    const dst = () => new TextDecoder().decode(runtime.memory.read(stack.end - 16, 6));
    const s = runtime.allocData(new TextEncoder().encode('eth5\0xyzw'), 'name', 'host');
    const open = runtime.allocData(new TextEncoder().encode('abcd'), 'unterminated', 'host');
    const js = vi.spyOn(LinearMemory.prototype, 'regionAt');
    expect(prepared.run(s.start, 16)).toBe(5n);
    expect(dst()).toBe('eth5\0\0');
    expect(prepared.run(s.start, 3)).toBe(3n);
    expect(dst()).toBe('et\0' + '5\0\0');
    expect(prepared.run(open.start, 3)).toBe(3n);
    expect(dst()).toBe('ab\0' + '5\0\0');
    // No NUL before the region ends: -EFAULT and the destination zeroed.
    expect(prepared.run(open.start, 16)).toBe(BigInt.asUintN(64, BigInt(-EFAULT)));
    expect(dst()).toBe('\0'.repeat(6));
    expect(js).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    prepared.dispose();
  });

  it('falls back to JavaScript when the memory has more regions than the table holds', () => {
    const runtime = new Runtime({ memoryBytes: 1 << 20 });
    for (let i = 0; i < 300; i++) runtime.allocData(new Uint8Array(8), `r${i}`, 'host');
    const prepared = wasmEngine.prepare(loadInsns(runtime, assemble(probe).insns));
    const src = runtime.allocData(
      Uint8Array.from({ length: 16 }, () => 3),
      'src',
      'host',
    );
    expect(prepared.run(src.start)).toBe(2n * 0x0303030303030303n);
    prepared.dispose();
  });
});
