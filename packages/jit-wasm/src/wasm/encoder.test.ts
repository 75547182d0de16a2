import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Code } from './code.js';
import { wasmApi } from './host.js';
import { writeI32, writeI64, writeU32 } from './leb128.js';
import { ModuleBuilder } from './module.js';
import { I32, I64, Op } from './opcodes.js';

/** Reference signed LEB128 over BigInt (the spec's definition, written the slow way). */
function slebRef(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** The bytes one writer call produces (the writers write at most 10). */
const bytes = (write: (b: Uint8Array, p: number) => number): number[] => {
  const b = new Uint8Array(16);
  return [...b.subarray(0, write(b, 0))];
};

const WebAssembly = wasmApi!;

describe('LEB128', () => {
  it.each([
    [0, [0x00]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [624485, [0xe5, 0x8e, 0x26]],
    [0xffffffff, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('unsigned %d', (value, want) => {
    expect(bytes((b, p) => writeU32(b, p, value))).toEqual(want);
  });

  it.each([
    [0, [0x00]],
    [-1, [0x7f]],
    [63, [0x3f]],
    [64, [0xc0, 0x00]],
    [-64, [0x40]],
    [-65, [0xbf, 0x7f]],
    [-123456, [0xc0, 0xbb, 0x78]],
    [-2147483648, [0x80, 0x80, 0x80, 0x80, 0x78]],
  ])('signed 32-bit %d', (value, want) => {
    expect(bytes((b, p) => writeI32(b, p, value))).toEqual(want);
  });

  it('signed 32-bit agrees with the BigInt definition', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (v) => {
        expect(bytes((b, p) => writeI32(b, p, v))).toEqual(slebRef(BigInt(v)));
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('signed 64-bit from halves agrees with the BigInt definition', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        const lo = Number(BigInt.asIntN(32, v));
        const hi = Number(BigInt.asIntN(32, v >> 32n));
        expect(bytes((b, p) => writeI64(b, p, lo, hi))).toEqual(slebRef(v));
      }),
      { seed: 11, numRuns: 2000 },
    );
  });
});

describe('ModuleBuilder', () => {
  it('encodes a module that WebAssembly validates and runs: imports, memory, globals, loops, br_table', () => {
    const m = new ModuleBuilder();
    m.importMemory('env', 'memory', 1, 1);
    const log = m.importFunc('env', 'log', [I32], []);
    const g = m.global(I32, true, 5);
    // sum(n: i64) → i64: s = 0; do { s += n; n -= 1 } while (n != 0); log(g); return s
    const c = new Code(1);
    const s = c.local(I64);
    c.open(Op.loop);
    c.localGet(s).localGet(0).op(Op.i64Add).localSet(s);
    c.localGet(0).i64Const(1).op(Op.i64Sub).localTee(0).op(Op.i64Eqz).op(Op.i32Eqz).brIf(0);
    c.end();
    c.globalGet(g).call(log);
    c.localGet(s);
    const sum = m.funcWithBody([I64], [I64], c);
    m.exportFunc('sum', sum);
    // pick(k: i32) → i32 via br_table; stores k at address 8 first
    const p = new Code(1);
    p.i32Const(8).localGet(0).mem(Op.i32Store, 2);
    p.open(Op.block).open(Op.block).open(Op.block);
    p.localGet(0).brTable([0, 1], 2);
    p.end().i32Const(10).op(Op.return);
    p.end().i32Const(20).op(Op.return);
    p.end().i32Const(30);
    m.exportFunc('pick', m.funcWithBody([I32], [I32], p));
    m.exportGlobal('g', g);

    const { bytes: wasm, codeStarts } = m.encode();
    expect(WebAssembly.validate(wasm)).toBe(true);
    expect(codeStarts).toHaveLength(2);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
    const logged: number[] = [];
    const inst = new WebAssembly.Instance(new WebAssembly.Module(wasm), {
      env: { memory, log: (x: number) => logged.push(x) },
    });
    const ex = inst.exports as { sum(n: bigint): bigint; pick(k: number): number };
    expect(ex.sum(100n)).toBe(5050n);
    expect(logged).toEqual([5]);
    expect([0, 1, 2, 99].map((k) => ex.pick(k))).toEqual([10, 20, 30, 30]);
    expect(new Int32Array(memory.buffer, 8, 1)[0]).toBe(99);
  });

  it('produces bytes WebAssembly rejects when the body is ill-typed (validation is a real check)', () => {
    const m = new ModuleBuilder();
    const c = new Code(0);
    c.i32Const(1); // an i32 where the function returns i64
    m.exportFunc('f', m.funcWithBody([], [I64], c));
    expect(WebAssembly.validate(m.encode().bytes)).toBe(false);
  });

  it('groups consecutive locals of one type in the body header', () => {
    const c = new Code(0);
    c.local(I64);
    c.local(I64);
    c.local(I32);
    expect([...c.localDeclarations()]).toEqual([2, 2, I64, 1, I32]);
  });
});
