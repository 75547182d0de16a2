import { assemble } from '@tbpf/asm';
import { loadInsns, Runtime } from '@tbpf/vm';
import { expect, it } from 'vitest';
import { wasmEngine } from './index.js';

it('the README example runs as documented', () => {
  const runtime = new Runtime();
  const program = loadInsns(runtime, assemble('ldxb %r0, [%r1+16]\nadd %r0, 1\nexit').insns);
  const prepared = wasmEngine.prepare(program);
  const ctx = runtime.allocData(new TextEncoder().encode('................eth5'), 'ctx');
  expect(prepared.runFast(ctx.start, 20)).toBe(102);
  expect(prepared.run(ctx.start, 20)).toBe(102n);
  prepared.dispose();
});
