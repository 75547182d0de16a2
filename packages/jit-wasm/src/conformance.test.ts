import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble, parseConformanceData } from '@tbpf/asm';
import { bpfConformanceTests as testsDir } from '@tbpf/third-party';
import { loadInsns, Runtime, registerConformanceHelpers } from '@tbpf/vm';
import { describe, expect, it } from 'vitest';
import { WasmEngine, wasmEngine } from './engine.js';

const files = readdirSync(testsDir).filter((f) => f.endsWith('.data'));

it('finds the 313 programs', () => {
  expect(files.length).toBe(313);
});

describe.each([
  ['structured control flow', wasmEngine],
  ['the dispatcher everywhere', new WasmEngine({ controlFlow: 'dispatch' })],
  ['every helper in JavaScript', new WasmEngine({ nativeHelpers: false })],
])('bpf_conformance on the wasm engine, %s', (_, engine) => {
  // One runtime for the whole suite: each program gets its own stack and context regions.
  const runtime = new Runtime({ memoryBytes: 1 << 20 });
  const helpers = registerConformanceHelpers(runtime.helpers.clone());

  it.each(files)('%s', (file) => {
    const t = parseConformanceData(readFileSync(path.join(testsDir, file), 'utf8'), file);
    const { insns } = assemble(t.asm ?? '', { fileName: file });
    const prepared = engine.prepare(loadInsns(runtime, insns, { name: file }), {
      boundsCheck: false,
      helpers,
    });
    const ctx = t.mem.length > 0 ? runtime.allocData(t.mem, 'conformance input') : undefined;
    try {
      expect(prepared.run(ctx?.start, t.mem.length)).toBe(BigInt.asUintN(64, t.result ?? 0n));
      if (ctx) {
        runtime.memory.write(ctx.start, t.mem);
        expect(prepared.runFast(ctx.start, t.mem.length)).toBe(Number(BigInt.asUintN(32, t.result ?? 0n)));
      }
    } finally {
      prepared.dispose();
      if (ctx) runtime.memory.free(ctx);
    }
  });
});
