/** The README's example, run as written. */
import { assemble } from '@tbpf/asm';
import { loadInsns, Runtime } from '@tbpf/vm';
import { expect, it } from 'vitest';
import { x64Engine } from './index.js';
import { nativeAvailable } from './testing/native.js';

it.skipIf(!nativeAvailable())('README example', () => {
  const runtime = new Runtime();
  const program = loadInsns(runtime, assemble('mov %r0, 6\nmul %r0, 7\nexit').insns);
  const prepared = x64Engine.prepare(program, { boundsCheck: false });
  expect(prepared.run()).toBe(42n);
  const ctx = runtime.allocData(new Uint8Array(32), 'ctx');
  expect(prepared.runFast(ctx.start, 32)).toBe(42);
  prepared.dispose();
});
