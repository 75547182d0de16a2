import { encode, type Insn } from '@tbpf/isa';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble, disassemble, formatInsn } from './index.js';
import { arbitraryInsn, llvmCanWrite } from './samples.test-util.js';

const writable = arbitraryInsn.filter(llvmCanWrite);
const reassemble = (insns: readonly Insn[]) =>
  assemble(insns.map((i) => formatInsn(i, { alu32: true })).join('\n'), { syntax: 'llvm' }).insns;

describe('round trips', { timeout: 60_000 }, () => {
  it('format (llvm, alu32) then assemble is the identity on single instructions', () => {
    fc.assert(
      fc.property(writable, (insn) => {
        expect(reassemble([insn])).toEqual([insn]);
      }),
      { seed: 9669, numRuns: 3000 },
    );
  });

  it('format (ubpf) then assemble (ubpf) is the identity on every instruction but pseudo-source lddw', () => {
    const ubpfWritable = arbitraryInsn.filter((i) => i.kind !== 'lddw' || i.source === 'imm64');
    fc.assert(
      fc.property(fc.array(ubpfWritable, { minLength: 1, maxLength: 20 }), (insns) => {
        const text = insns.map((i) => formatInsn(i, { style: 'ubpf' })).join('\n');
        expect(assemble(text, { syntax: 'ubpf' }).insns).toEqual(insns);
      }),
      { seed: 313, numRuns: 1000 },
    );
  });

  it('and on whole programs, bytes included', () => {
    fc.assert(
      fc.property(fc.array(writable, { maxLength: 40 }), (insns) => {
        const back = reassemble(insns);
        expect(back).toEqual(insns);
        expect(encode(back)).toEqual(encode(insns));
      }),
      { seed: 2013, numRuns: 300 },
    );
  });

  it('assemble, disassemble, assemble: the listing text reassembles to the same instructions', () => {
    fc.assert(
      fc.property(fc.array(writable, { minLength: 1, maxLength: 30 }), (insns) => {
        const listing = disassemble(insns, { alu32: true });
        // Strip the listing down to instruction text: drop headers and the `N:` prefix and `<target>` suffix.
        const text = listing
          .split('\n')
          .filter((l) => /^\s*\d+:\t/.test(l))
          .map((l) => l.replace(/^\s*\d+:\t/, '').replace(/ <[^<>]*>$/, ''))
          .join('\n');
        expect(assemble(text, { syntax: 'llvm' }).insns).toEqual(insns);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
