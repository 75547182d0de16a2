/**
 * Instruction text in the ubpf / bpf_conformance mnemonic syntax (`mov32 %r0, 1`,
 * `ldxw %r0, [%r1+2]`, `jne %r1, 0, +3`, `lock fetch add [%r10-8], %r1`), which `assemble`
 * reads back to the same instruction. Immediates are decimal, `lddw` constants hex.
 */
import { type Insn, lddwValue } from '@tbpf/isa';

const SIZE = { 1: 'b', 2: 'h', 4: 'w', 8: 'dw' } as const;

const signed = (n: number) => (n < 0 ? `${n}` : `+${n}`);
const mem = (reg: number, off: number) => `[%r${reg}${off === 0 ? '' : signed(off)}]`;

export function formatUbpf(insn: Insn): string {
  switch (insn.kind) {
    case 'alu': {
      const w = insn.width === 32 ? '32' : '';
      if (insn.op === 'neg') return `neg${w} %r${insn.dst}`;
      if (insn.op.startsWith('movsx')) return `${insn.op}${insn.width} %r${insn.dst}, %r${insn.src}`;
      return `${insn.op}${w} %r${insn.dst}, ${insn.source === 'reg' ? `%r${insn.src}` : insn.imm}`;
    }
    case 'end':
      return `${insn.op === 'bswap' ? 'swap' : insn.op}${insn.bits} %r${insn.dst}`;
    case 'jmp': {
      const w = insn.width === 32 ? '32' : '';
      return `${insn.op}${w} %r${insn.dst}, ${insn.source === 'reg' ? `%r${insn.src}` : insn.imm}, ${signed(insn.off)}`;
    }
    case 'ja':
      return `ja ${signed(insn.off)}`;
    case 'gotol':
      return `ja32 ${signed(insn.imm)}`;
    case 'call':
      if (insn.target === 'local') return `call local ${signed(insn.imm)}`;
      return insn.target === 'kfunc' ? `call runtime ${insn.imm}` : `call ${insn.imm}`;
    case 'callx':
      return `call %r${insn.reg}`;
    case 'exit':
      return 'exit';
    case 'lddw': {
      const text = `lddw %r${insn.dst}, 0x${lddwValue(insn).toString(16)}`;
      // The ubpf syntax has no pseudo sources (maps, …): the constant is all it can say.
      return insn.source === 'imm64' ? text : `${text} # src ${insn.source} has no ubpf spelling`;
    }
    case 'ldabs':
      return `ldabs${SIZE[insn.size]} ${insn.imm}`;
    case 'ldind':
      return `ldind${SIZE[insn.size]} %r${insn.src}, ${insn.imm}`;
    case 'ldx':
      return `ldx${insn.signed ? 's' : ''}${SIZE[insn.size]} %r${insn.dst}, ${mem(insn.src, insn.off)}`;
    case 'st':
      return `st${SIZE[insn.size]} ${mem(insn.dst, insn.off)}, ${insn.imm}`;
    case 'stx':
      return `stx${SIZE[insn.size]} ${mem(insn.dst, insn.off)}, %r${insn.src}`;
    case 'atomic': {
      const fetch = insn.fetch && insn.op !== 'xchg' && insn.op !== 'cmpxchg' ? 'fetch ' : '';
      return `lock ${fetch}${insn.op}${insn.size === 4 ? '32' : ''} ${mem(insn.dst, insn.off)}, %r${insn.src}`;
    }
  }
}
