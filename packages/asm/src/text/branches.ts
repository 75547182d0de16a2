/** Writing a resolved slot offset into the field a branch keeps it in. Shared by the assembler and the builder. */
import type { Insn } from '@tbpf/isa';

/**
 * A copy of `insn` branching `off` slots ahead (jumps: `off`; gotol and local calls: `imm`), or
 * the reason it cannot (a 16-bit jump offset out of range).
 */
export function withBranchOffset(insn: Insn, off: number): Insn | string {
  switch (insn.kind) {
    case 'jmp':
    case 'ja':
      if (off < -32768 || off > 32767)
        return `target is ${off} slots away, beyond a 16-bit jump offset (use gotol)`;
      return { ...insn, off };
    case 'gotol':
      return { ...insn, imm: off };
    case 'call':
      return { ...insn, target: 'local', imm: off };
    default:
      return `${insn.kind} has no branch target`;
  }
}
