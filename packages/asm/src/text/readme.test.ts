/** The README's example, checked. */
import { exit, mov, R0, R1 } from '@tbpf/isa';
import { expect, it } from 'vitest';
import { assemble, disassemble, formatInsn, ProgramBuilder } from './index.js';

it('README example', () => {
  const a = assemble('ldxw %r0, [%r1+2]\njne %r0, 0, out\nmov %r0, 1\nout:\nexit\n');
  expect(a.syntax).toBe('ubpf');
  expect(a.insns).toHaveLength(4);
  const b = assemble(
    'r1 = counters ll\ncall 1\nif r0 == 0 goto LBB0_1\nr0 = *(u32 *)(r0 + 4)\nLBB0_1:\nexit',
    {
      syntax: 'llvm',
      fileName: 'prog.s',
    },
  );
  expect(b.relocations).toEqual([
    { section: '.text', index: 0, offset: 0, symbol: 'counters', type: 'R_BPF_64_64' },
  ]);
  const p = new ProgramBuilder();
  p.emit(mov.imm(R0, 0));
  p.jeq.imm(R1, 0, 'out');
  p.emit(mov.imm(R0, 1));
  p.label('out').emit(exit());
  const insns = p.build();
  expect(disassemble(insns)).toBe(
    '\nDisassembly of section .text:\n\n0000000000000000 <.text>:\n       0:\tr0 = 0x0\n       1:\tif r1 == 0x0 goto +0x1 <.text+0x18>\n       2:\tr0 = 0x1\n       3:\texit\n',
  );
  expect(formatInsn(insns[1], { style: 'kernel' })).toBe('(15) if r1 == 0x0 goto pc+1');
  const q = new ProgramBuilder();
  q.emit(mov.imm(R0, 0)).jeq.imm(R1, 0, 'out');
  expect(() => q.build()).toThrow("instruction 1: unknown label 'out'");
});
