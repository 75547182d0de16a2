import { assemble } from '@tbpf/asm';
import { type Insn, lddwPseudo } from '@tbpf/isa';
import { ArrayMap, HashMap, interpreter, loadInsns, MAP_TYPE, NULL_GUARD, Runtime } from '@tbpf/vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { wasmEngine } from './engine.js';

/**
 * for (i = 0; i < 40; i++) { key = i * 7 % 23; value = i; update(map, &key, &value, i % 3); }
 * then count lookups that hit and sum their values, delete every third key; r0 = hits * 1000 + sum.
 */
function program(fd: number, keyBytes: number): Insn[] {
  const text = `
    mov %r6, 0
    put:
    mov %r1, %r6
    mul %r1, 7
    mod %r1, 23
    stxdw [%r10-8], %r1
    stxdw [%r10-16], %r1
    stxdw [%r10-24], %r6
    stxdw [%r10-32], %r6
    MAP
    mov %r2, %r10
    add %r2, -${keyBytes}
    mov %r3, %r10
    add %r3, -32
    mov %r4, %r6
    mod %r4, 3
    call 2
    add %r6, 1
    jlt %r6, 40, put
    mov %r6, 0
    mov %r7, 0
    mov %r8, 0
    get:
    stxdw [%r10-8], %r6
    stxdw [%r10-16], %r6
    MAP
    mov %r2, %r10
    add %r2, -${keyBytes}
    call 1
    jeq %r0, 0, miss
    ldxdw %r1, [%r0+0]
    add %r8, %r1
    add %r7, 1
    miss:
    mov %r1, %r6
    mod %r1, 3
    jne %r1, 0, keep
    MAP
    mov %r2, %r10
    add %r2, -${keyBytes}
    call 3
    add %r8, %r0
    keep:
    add %r6, 1
    jlt %r6, 30, get
    mov %r0, %r7
    mul %r0, 1000
    add %r0, %r8
    exit`;
  // `lddw %r1, 0x5eed` placeholders (two slots, like the map reference) become `r1 = map fd`.
  const insns = assemble(text.replaceAll('MAP', 'lddw %r1, 0x5eed')).insns;
  return insns.map((insn) =>
    insn.kind === 'lddw' && insn.imm === 0x5eed ? lddwPseudo('map_fd', 1, fd) : insn,
  );
}

function world(type: number, keySize: number, maxEntries: number) {
  const runtime = new Runtime({ memoryBytes: 1 << 16 });
  const map = runtime.createMap({ name: 'm', type, keySize, valueSize: 16, maxEntries });
  return { runtime, map };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each([
  ['hash, 8-byte keys', MAP_TYPE.hash, 8, 32],
  ['hash, 5-byte keys (byte compare), full at 16', MAP_TYPE.hash, 5, 16],
  ['LRU hash, evicting', MAP_TYPE.lru_hash, 8, 8],
  ['array', MAP_TYPE.array, 4, 16],
])('native map helpers: %s', (_, type, keySize, maxEntries) => {
  it('agree with the interpreter (r0 and every map byte)', () => {
    const a = world(type, keySize, maxEntries);
    const b = world(type, keySize, maxEntries);
    const insns = program(a.map.id, keySize);
    const want = interpreter.prepare(loadInsns(a.runtime, insns)).run();
    const prepared = wasmEngine.prepare(loadInsns(b.runtime, insns), { boundsCheck: false });
    const js = [
      vi.spyOn(HashMap.prototype, 'lookupAt'),
      vi.spyOn(HashMap.prototype, 'updateAt'),
      vi.spyOn(HashMap.prototype, 'deleteAt'),
      vi.spyOn(ArrayMap.prototype, 'lookupAt'),
      vi.spyOn(ArrayMap.prototype, 'updateAt'),
    ];
    expect((prepared as unknown as { compiled: { nativeHelpers: number[] } }).compiled.nativeHelpers).toEqual(
      [1, 2, 3],
    );
    const got = prepared.run();
    expect(got).toBe(want);
    // Every byte above the NULL guard (which holds the wasm engine's helper exchange).
    const x = a.runtime.memory.bytes.subarray(NULL_GUARD);
    const y = b.runtime.memory.bytes.subarray(NULL_GUARD);
    expect(y.findIndex((v, i) => v !== x[i])).toBe(-1);
    const jsCalls = js.reduce((n, spy) => n + spy.mock.calls.length, 0);
    // Only an LRU map that must evict goes back to JavaScript.
    if (type === MAP_TYPE.lru_hash) expect(jsCalls).toBeGreaterThan(0);
    else expect(jsCalls).toBe(0);
  });
});
