import { assemble } from '@tbpf/asm';
import { HelperRegistry, interpreter, loadInsns, Runtime } from '@tbpf/vm';
import { describe, expect, it, vi } from 'vitest';
import { wasmEngine } from './engine.js';

// r0 = ktime * 3 + prandom + prandom * 5 + cpu * 7
const text = `
  call 5
  mul %r0, 3
  mov %r6, %r0
  call 7
  add %r6, %r0
  call 7
  mul %r0, 5
  add %r6, %r0
  call 8
  mul %r0, 7
  add %r0, %r6
  exit`;

function world() {
  let t = 2 ** 40 + 5;
  const clock = () => {
    t += 1000;
    return t;
  };
  return new Runtime({ memoryBytes: 1 << 16, seed: 99, cpu: 5, clock });
}

describe('ktime, prandom and the processor id without the helper trampoline', () => {
  it('agree with the interpreter and never enter the JavaScript helpers', () => {
    const a = world();
    const b = world();
    const insns = assemble(text).insns;
    const pa = interpreter.prepare(loadInsns(a, insns));
    const pb = wasmEngine.prepare(loadInsns(b, insns));
    expect((pb as unknown as { compiled: { nativeHelpers: number[] } }).compiled.nativeHelpers).toEqual([
      5, 7, 8,
    ]);
    const lookups = vi.spyOn(HelperRegistry.prototype, 'get');
    const got = [pb.run(), pb.run()];
    expect(lookups).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    expect(got).toEqual([pa.run(), pa.run()]);
  });

  it('a host that replaces ktime gets its replacement', () => {
    const rt = world();
    const helpers = rt.helpers.clone();
    helpers.register(rt.helpers.get(5)!.proto, () => 42);
    const p = wasmEngine.prepare(loadInsns(rt, assemble('call 5\nexit').insns), { helpers });
    expect(p.run()).toBe(42n);
  });
});
