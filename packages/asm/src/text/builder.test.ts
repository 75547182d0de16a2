import { add, encode, exit, type Insn, lddw, mov, R0, R1, R2 } from '@tbpf/isa';
import { describe, expect, it } from 'vitest';
import { assemble, ProgramBuildError, ProgramBuilder } from './index.js';

describe('ProgramBuilder', () => {
  it('resolves forward and backward labels like the assembler does', () => {
    const p = new ProgramBuilder();
    p.emit(mov.imm(R0, 0), lddw(R2, 0x1122334455667788n));
    p.label('loop');
    p.emit(add.imm(R0, 1));
    p.jeq.imm(R0, 10, 'out');
    p.jgt32.reg(R1, R2, 'loop');
    p.ja('loop');
    p.label('out').emit(exit());
    const want = assemble(
      `mov %r0, 0
       lddw %r2, 0x1122334455667788
       loop: add %r0, 1
       jeq %r0, 10, out
       jgt32 %r1, %r2, loop
       ja loop
       out: exit`,
      { syntax: 'ubpf' },
    ).insns;
    expect(encode(p.build())).toEqual(encode(want));
    expect(p.labels).toEqual({ loop: 2, out: 6 });
  });

  it('counts lddw as two slots in offsets', () => {
    const p = new ProgramBuilder();
    p.ja('end').emit(lddw(R1, 1)).label('end').emit(exit());
    expect(p.build()[0]).toEqual({ kind: 'ja', off: 2 });
  });

  it('takes numeric slot offsets, gotol and local calls', () => {
    const p = new ProgramBuilder();
    p.jne.imm(R1, 0, +1).gotol('f').callLocal('f').emit(exit()).label('f').emit(exit());
    const insns: Insn[] = p.build();
    expect(insns[0]).toMatchObject({ kind: 'jmp', off: 1 });
    expect(insns[1]).toEqual({ kind: 'gotol', imm: 2 });
    expect(insns[2]).toEqual({ kind: 'call', target: 'local', imm: 1 });
  });

  it('names the instruction index and the label when a label is unknown', () => {
    const p = new ProgramBuilder();
    p.emit(mov.imm(R0, 0)).emit(mov.imm(R1, 0)).jeq.imm(R1, 0, 'nowhere').emit(exit());
    expect(() => p.build()).toThrow(ProgramBuildError);
    try {
      p.build();
    } catch (e) {
      expect(e).toMatchObject({
        index: 2,
        label: 'nowhere',
        message: "instruction 2: unknown label 'nowhere'",
      });
    }
  });

  it('rejects duplicate labels and out-of-range jump offsets', () => {
    const p = new ProgramBuilder().label('a');
    expect(() => p.label('a')).toThrow(/label 'a' is already defined at instruction 0/);
    const far = new ProgramBuilder().ja('far');
    for (let i = 0; i < 40000; i++) far.emit(exit());
    far.label('far');
    expect(() => far.build()).toThrow(/instruction 0: label 'far': target is 40000 slots away/);
    expect(() => new ProgramBuilder().ja(70000)).toThrow(ProgramBuildError);
  });
});
