/**
 * Builders that read like assembly: `add.imm(R1, 22)`, `mov32.reg(R0, R1)`,
 * `jsgt.imm(R1, 4, +3)`, `ldxw(R0, R1, 2)`, `lockAdd.dw(R10, R1, -8)`. Jump offsets here are
 * slot offsets; the asm layer's program builder resolves labels into them.
 */
import {
  type AluInsn,
  type AluOp,
  type AtomicInsn,
  type AtomicOp,
  type CallInsn,
  type CallxInsn,
  type EndInsn,
  type ExitInsn,
  type GotolInsn,
  type JaInsn,
  type JmpInsn,
  type JmpOp,
  type LdAbsInsn,
  type LddwInsn,
  type LddwSource,
  type LdIndInsn,
  type LdxInsn,
  type Reg,
  type Size,
  type StInsn,
  type StxInsn,
  splitImm64,
  type Width,
} from './insn.js';

export interface AluBuilder {
  imm(dst: Reg, imm: number): AluInsn;
  reg(dst: Reg, src: Reg): AluInsn;
}

function alu(op: AluOp, width: Width): AluBuilder {
  return {
    imm: (dst, imm) => ({ kind: 'alu', width, op, source: 'imm', dst, src: 0, imm }),
    reg: (dst, src) => ({ kind: 'alu', width, op, source: 'reg', dst, src, imm: 0 }),
  };
}

export const add = alu('add', 64);
export const sub = alu('sub', 64);
export const mul = alu('mul', 64);
export const div = alu('div', 64);
export const sdiv = alu('sdiv', 64);
export const or = alu('or', 64);
export const and = alu('and', 64);
export const lsh = alu('lsh', 64);
export const rsh = alu('rsh', 64);
export const mod = alu('mod', 64);
export const smod = alu('smod', 64);
export const xor = alu('xor', 64);
export const mov = alu('mov', 64);
export const arsh = alu('arsh', 64);
export const add32 = alu('add', 32);
export const sub32 = alu('sub', 32);
export const mul32 = alu('mul', 32);
export const div32 = alu('div', 32);
export const sdiv32 = alu('sdiv', 32);
export const or32 = alu('or', 32);
export const and32 = alu('and', 32);
export const lsh32 = alu('lsh', 32);
export const rsh32 = alu('rsh', 32);
export const mod32 = alu('mod', 32);
export const smod32 = alu('smod', 32);
export const xor32 = alu('xor', 32);
export const mov32 = alu('mov', 32);
export const arsh32 = alu('arsh', 32);

export const neg = (dst: Reg): AluInsn => alu('neg', 64).imm(dst, 0);
export const neg32 = (dst: Reg): AluInsn => alu('neg', 32).imm(dst, 0);

/** Sign-extending moves: `movsx(8, R1, R2)` is `r1 = (s8)r2`; `movsx32(16, …)` is `w1 = (s16)w2`. */
export const movsx = (bits: 8 | 16 | 32, dst: Reg, src: Reg): AluInsn =>
  alu(`movsx${bits}`, 64).reg(dst, src);
export const movsx32 = (bits: 8 | 16, dst: Reg, src: Reg): AluInsn => alu(`movsx${bits}`, 32).reg(dst, src);

export const le = (bits: 16 | 32 | 64, dst: Reg): EndInsn => ({ kind: 'end', op: 'le', bits, dst });
export const be = (bits: 16 | 32 | 64, dst: Reg): EndInsn => ({ kind: 'end', op: 'be', bits, dst });
export const bswap = (bits: 16 | 32 | 64, dst: Reg): EndInsn => ({ kind: 'end', op: 'bswap', bits, dst });

export interface JmpBuilder {
  imm(dst: Reg, imm: number, off: number): JmpInsn;
  reg(dst: Reg, src: Reg, off: number): JmpInsn;
}

function jmp(op: JmpOp, width: Width): JmpBuilder {
  return {
    imm: (dst, imm, off) => ({ kind: 'jmp', width, op, source: 'imm', dst, src: 0, imm, off }),
    reg: (dst, src, off) => ({ kind: 'jmp', width, op, source: 'reg', dst, src, imm: 0, off }),
  };
}

export const jeq = jmp('jeq', 64);
export const jgt = jmp('jgt', 64);
export const jge = jmp('jge', 64);
export const jset = jmp('jset', 64);
export const jne = jmp('jne', 64);
export const jsgt = jmp('jsgt', 64);
export const jsge = jmp('jsge', 64);
export const jlt = jmp('jlt', 64);
export const jle = jmp('jle', 64);
export const jslt = jmp('jslt', 64);
export const jsle = jmp('jsle', 64);
export const jeq32 = jmp('jeq', 32);
export const jgt32 = jmp('jgt', 32);
export const jge32 = jmp('jge', 32);
export const jset32 = jmp('jset', 32);
export const jne32 = jmp('jne', 32);
export const jsgt32 = jmp('jsgt', 32);
export const jsge32 = jmp('jsge', 32);
export const jlt32 = jmp('jlt', 32);
export const jle32 = jmp('jle', 32);
export const jslt32 = jmp('jslt', 32);
export const jsle32 = jmp('jsle', 32);

export const ja = (off: number): JaInsn => ({ kind: 'ja', off });
export const gotol = (imm: number): GotolInsn => ({ kind: 'gotol', imm });
/** Call helper `id`. */
export const call = (id: number): CallInsn => ({ kind: 'call', target: 'helper', imm: id });
/** Call the local (BPF-to-BPF) function `off` slots after the next one. */
export const callLocal = (off: number): CallInsn => ({ kind: 'call', target: 'local', imm: off });
export const callKfunc = (btfId: number): CallInsn => ({ kind: 'call', target: 'kfunc', imm: btfId });
export const callx = (reg: Reg): CallxInsn => ({ kind: 'callx', reg });
export const exit = (): ExitInsn => ({ kind: 'exit' });

/** `dst = value ll` — a 64-bit constant. */
export function lddw(dst: Reg, value: bigint | number): LddwInsn {
  return { kind: 'lddw', source: 'imm64', dst, ...splitImm64(BigInt(value)) };
}

/** `lddw` with a pseudo source: a map by fd or index, a map value address, … */
export function lddwPseudo(source: LddwSource, dst: Reg, imm: number, imm2 = 0): LddwInsn {
  return { kind: 'lddw', source, dst, imm, imm2 };
}

export const ldabs = (size: 1 | 2 | 4, imm: number): LdAbsInsn => ({ kind: 'ldabs', size, imm });
export const ldind = (size: 1 | 2 | 4, src: Reg, imm: number): LdIndInsn => ({
  kind: 'ldind',
  size,
  src,
  imm,
});

const ldx =
  (size: Size, signed: boolean) =>
  (dst: Reg, src: Reg, off: number): LdxInsn => ({ kind: 'ldx', size, signed, dst, src, off });
export const ldxb = ldx(1, false);
export const ldxh = ldx(2, false);
export const ldxw = ldx(4, false);
export const ldxdw = ldx(8, false);
export const ldxsb = ldx(1, true);
export const ldxsh = ldx(2, true);
export const ldxsw = ldx(4, true);

const st =
  (size: Size) =>
  (dst: Reg, off: number, imm: number): StInsn => ({ kind: 'st', size, dst, off, imm });
export const stb = st(1);
export const sth = st(2);
export const stw = st(4);
export const stdw = st(8);

const stx =
  (size: Size) =>
  (dst: Reg, src: Reg, off: number): StxInsn => ({ kind: 'stx', size, dst, src, off });
export const stxb = stx(1);
export const stxh = stx(2);
export const stxw = stx(4);
export const stxdw = stx(8);

export interface AtomicBuilder {
  /** 32-bit: `lock *(u32 *)(dst + off) op= src`. */
  w(dst: Reg, src: Reg, off: number): AtomicInsn;
  /** 64-bit. */
  dw(dst: Reg, src: Reg, off: number): AtomicInsn;
}

function atomic(op: AtomicOp, fetch: boolean): AtomicBuilder {
  return {
    w: (dst, src, off) => ({ kind: 'atomic', size: 4, op, fetch, dst, src, off }),
    dw: (dst, src, off) => ({ kind: 'atomic', size: 8, op, fetch, dst, src, off }),
  };
}

export const lockAdd = atomic('add', false);
export const lockOr = atomic('or', false);
export const lockAnd = atomic('and', false);
export const lockXor = atomic('xor', false);
export const fetchAdd = atomic('add', true);
export const fetchOr = atomic('or', true);
export const fetchAnd = atomic('and', true);
export const fetchXor = atomic('xor', true);
export const xchg = atomic('xchg', true);
export const cmpxchg = atomic('cmpxchg', true);
