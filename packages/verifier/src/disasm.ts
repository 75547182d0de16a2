/**
 * A minimal kernel-style ("xlated") printer for the verifier log: `(61) r1 = *(u32 *)(r1 +4)`,
 * `(15) if r0 == 0x0 goto pc+1`. Local to the verifier until asm's printer is wired in.
 */
import type { Insn } from '@tbpf/isa';
import { opcodeOf } from './cfg.js';

const ALU_SYM: Record<string, string> = {
  add: '+=',
  sub: '-=',
  mul: '*=',
  div: '/=',
  sdiv: 's/=',
  or: '|=',
  and: '&=',
  lsh: '<<=',
  rsh: '>>=',
  arsh: 's>>=',
  mod: '%=',
  smod: 's%=',
  xor: '^=',
};

const JMP_SYM: Record<string, string> = {
  jeq: '==',
  jne: '!=',
  jgt: '>',
  jge: '>=',
  jlt: '<',
  jle: '<=',
  jsgt: 's>',
  jsge: 's>=',
  jslt: 's<',
  jsle: 's<=',
  jset: '&',
};

const sizeName = (s: number, signed = false): string => `${signed ? 's' : 'u'}${s * 8}`;
const offStr = (off: number): string => (off >= 0 ? `+${off}` : `${off}`);
const pc = (off: number): string => `pc${offStr(off)}`;
const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

export function insnText(insn: Insn, helperName: (id: number) => string | undefined): string {
  switch (insn.kind) {
    case 'alu': {
      const r = insn.width === 64 ? 'r' : 'w';
      const d = `${r}${insn.dst}`;
      const s = insn.source === 'reg' ? `${r}${insn.src}` : `${insn.imm}`;
      if (insn.op === 'mov') return `${d} = ${s}`;
      if (insn.op === 'neg') return `${d} = -${d}`;
      if (insn.op.startsWith('movsx')) return `${d} = (s${insn.op.slice(5)})${r}${insn.src}`;
      return `${d} ${ALU_SYM[insn.op]} ${s}`;
    }
    case 'end':
      return `r${insn.dst} = ${insn.op}${insn.bits} r${insn.dst}`;
    case 'jmp': {
      const r = insn.width === 64 ? 'r' : 'w';
      const s = insn.source === 'reg' ? `${r}${insn.src}` : hex(insn.imm);
      return `if ${r}${insn.dst} ${JMP_SYM[insn.op]} ${s} goto ${pc(insn.off)}`;
    }
    case 'ja':
      return `goto ${pc(insn.off)}`;
    case 'gotol':
      return `gotol ${pc(insn.imm)}`;
    case 'call':
      if (insn.target === 'local') return `call ${pc(insn.imm)}`;
      if (insn.target === 'kfunc') return `call kernel-function#${insn.imm}`;
      return `call ${helperName(insn.imm) ? `bpf_${helperName(insn.imm)}` : 'unknown'}#${insn.imm}`;
    case 'callx':
      return `callx r${insn.reg}`;
    case 'exit':
      return 'exit';
    case 'lddw':
      switch (insn.source) {
        case 'imm64': {
          const v = (BigInt(insn.imm2 >>> 0) << 32n) | BigInt(insn.imm >>> 0);
          return `r${insn.dst} = 0x${v.toString(16)}`;
        }
        case 'map_fd':
        case 'map_idx':
          return `r${insn.dst} = map[id:${insn.imm}]`;
        case 'map_value':
        case 'map_idx_value':
          return `r${insn.dst} = map[id:${insn.imm}][0]+${insn.imm2}`;
        default:
          return `r${insn.dst} = ${insn.source}[${insn.imm}]`;
      }
    case 'ldabs':
      return `r0 = *(${sizeName(insn.size)} *)skb[${insn.imm}]`;
    case 'ldind':
      return `r0 = *(${sizeName(insn.size)} *)skb[r${insn.src} + ${insn.imm}]`;
    case 'ldx':
      return `r${insn.dst} = *(${sizeName(insn.size, insn.signed)} *)(r${insn.src} ${offStr(insn.off)})`;
    case 'st':
      return `*(${sizeName(insn.size)} *)(r${insn.dst} ${offStr(insn.off)}) = ${insn.imm}`;
    case 'stx':
      return `*(${sizeName(insn.size)} *)(r${insn.dst} ${offStr(insn.off)}) = r${insn.src}`;
    case 'atomic': {
      const mem = `(${sizeName(insn.size)} *)(r${insn.dst} ${offStr(insn.off)})`;
      const bits = insn.size * 8;
      const src = `${insn.size === 8 ? 'r' : 'w'}${insn.src}`;
      if (insn.op === 'cmpxchg') return `r0 = atomic${bits}_cmpxchg(${mem}, r0, ${src})`;
      if (insn.op === 'xchg') return `${src} = atomic${bits}_xchg(${mem}, ${src})`;
      if (insn.fetch) return `${src} = atomic${bits}_fetch_${insn.op}(${mem}, ${src})`;
      return `lock *${mem} ${ALU_SYM[insn.op]} ${src}`;
    }
  }
}

/** `(b7) r0 = 0` */
export function insnLine(insn: Insn, helperName: (id: number) => string | undefined): string {
  return `(${opcodeOf(insn).toString(16).padStart(2, '0')}) ${insnText(insn, helperName)}`;
}
