import { describe, expect, it } from 'vitest';
import { type PcMap, trapPc } from './trap.js';

const map: PcMap = {
  offsets: Int32Array.from([0x40, 0x48, 0x55, 0x90, 0xa0]),
  pcs: Int32Array.from([0, 1, 2, 0, 1]),
  ranges: [
    [0x40, 0x80],
    [0x90, 0xb0],
  ],
};

function trap(stack: string): Error {
  const e = new Error('memory access out of bounds');
  Object.defineProperty(e, 'stack', { value: stack });
  return e;
}

describe('trap → BPF pc from the stack trace', () => {
  it.each([
    [
      'V8 (Node.js, Chromium)',
      'RuntimeError: oob\n    at wasm://wasm/1a2b3c4d:wasm-function[5]:0x4f\n    at run (x.js:1:1)',
      1,
    ],
    ['SpiderMonkey (Firefox)', 'run@http://x/y.js line 2 > WebAssembly.Module:wasm-function[6]:0x9a\n', 0],
    [
      'a rewritten frame (line 1, column = offset + 1)',
      '    at null.<anonymous> (wasm://wasm/1a2b3c4d:1:86)\n',
      2,
    ],
  ])('%s', (_, stack, pc) => {
    expect(trapPc(trap(stack as string), map)).toBe(pc);
  });

  it('skips frames outside BPF code (helpers, wrappers) and gives -1 without a wasm frame', () => {
    const helperFirst =
      '    at wasm://wasm/1:wasm-function[9]:0x200\n    at wasm://wasm/1:wasm-function[3]:0xa4\n';
    expect(trapPc(trap(helperFirst), map)).toBe(1);
    expect(trapPc(trap('Error\n    at f (a.js:1:1)'), map)).toBe(-1);
    expect(trapPc('not an error', map)).toBe(-1);
  });
});
