import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble, parseConformanceData } from '@tbpf/asm';
import { bpfConformanceTests as testsDir } from '@tbpf/third-party';
import { Runtime, registerConformanceHelpers } from '@tbpf/vm';
import { describe, expect, it } from 'vitest';
import { JitEngine, x64Engine } from './engine.js';
import { plainProgram } from './testing/conformance.js';
import { nativeAvailable } from './testing/native.js';

const files = readdirSync(testsDir).filter((f) => f.endsWith('.data'));

describe.skipIf(!nativeAvailable())('bpf_conformance on the x86-64 JIT', () => {
  it('finds the 313 programs', () => {
    expect(files.length).toBe(313);
  });

  const runtime = new Runtime({ memoryBytes: 1 << 20 });
  const helpers = registerConformanceHelpers(runtime.helpers.clone());

  describe.each([
    { name: 'default (confined, blinded)', engine: x64Engine },
    { name: 'unblinded', engine: new JitEngine({ blind: false }) },
    { name: 'blinded with a seed', engine: new JitEngine({ blind: { seed: 7 } }) },
    { name: 'direct', engine: new JitEngine({ blind: false, addressing: 'direct' }) },
    { name: 'confined', engine: new JitEngine({ blind: false, addressing: 'confined' }) },
  ])('$name', ({ engine }) => {
    it.each(files)('%s', (file) => {
      const t = parseConformanceData(readFileSync(path.join(testsDir, file), 'utf8'), file);
      const { insns } = assemble(t.asm ?? '', { fileName: file });
      const prepared = engine.prepare(plainProgram(runtime, insns, file), { boundsCheck: false, helpers });
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
});
