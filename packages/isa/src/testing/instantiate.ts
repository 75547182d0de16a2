import type { Insn } from '../insn.js';
import type { Shape } from '../table.js';

/** A concrete instruction of a shape, with the given operand values where the shape has them. */
export function instantiate(
  shape: Shape,
  v: { dst: number; src: number; off: number; imm: number; imm2: number },
): Insn {
  switch (shape.kind) {
    case 'alu': {
      const neg = shape.op === 'neg';
      return shape.source === 'imm'
        ? { ...shape, dst: v.dst, src: 0, imm: neg ? 0 : v.imm }
        : { ...shape, dst: v.dst, src: v.src, imm: 0 };
    }
    case 'jmp':
      return shape.source === 'imm'
        ? { ...shape, dst: v.dst, src: 0, imm: v.imm, off: v.off }
        : { ...shape, dst: v.dst, src: v.src, imm: 0, off: v.off };
    case 'end':
      return { ...shape, dst: v.dst };
    case 'ja':
      return { kind: 'ja', off: v.off };
    case 'gotol':
      return { kind: 'gotol', imm: v.imm };
    case 'call':
      return { ...shape, imm: v.imm };
    case 'callx':
      return { kind: 'callx', reg: v.dst };
    case 'exit':
      return { kind: 'exit' };
    case 'lddw':
      return { ...shape, dst: v.dst, imm: v.imm, imm2: v.imm2 };
    case 'ldabs':
      return { ...shape, imm: v.imm };
    case 'ldind':
      return { ...shape, src: v.src, imm: v.imm };
    case 'ldx':
    case 'stx':
    case 'atomic':
      return { ...shape, dst: v.dst, src: v.src, off: v.off };
    case 'st':
      return { ...shape, dst: v.dst, off: v.off, imm: v.imm };
  }
}
