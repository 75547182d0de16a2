import { exit, ldabs, mov, R0 } from '@tbpf/isa';
import { loadInsns, Runtime } from '@tbpf/vm';
import { describe, expect, it } from 'vitest';
import { jitWithFallback } from './fallback.js';
import { nativeAvailable } from './testing/native.js';

describe('jitWithFallback', () => {
  const runtime = new Runtime({ memoryBytes: 1 << 20 });

  it.skipIf(!nativeAvailable())(
    'compiles what it can and interprets the rest, warning once per reason',
    () => {
      const warnings: string[] = [];
      const engine = jitWithFallback({ warn: (m) => warnings.push(m) });
      const ok = engine.prepare(loadInsns(runtime, [mov.imm(R0, 3), exit()]));
      expect(ok.engine).toBe('jit');
      expect(ok.run()).toBe(3n);
      const legacy = [mov.imm(R0, 0), ldabs(4, 0), exit()];
      const a = engine.prepare(loadInsns(runtime, legacy, { name: 'a' }));
      const b = engine.prepare(loadInsns(runtime, legacy, { name: 'a' }));
      expect([a.engine, b.engine]).toEqual(['interp', 'interp']);
      expect(a.run()).toBe(0n); // ld_abs outside the (empty) packet ends the program with 0
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/legacy packet loads.*runs on the interpreter/);
      for (const p of [ok, a, b]) p.dispose();
    },
  );
});
