/**
 * The mnemonic layer: one function per x86-64 instruction form the code generator uses, each
 * with the instruction it emits beside it. `w64` selects the 64-bit form; a 32-bit form
 * writing a register zero-extends it, which is exactly BPF's ALU32 rule.
 */
import type { CodeBuffer } from './code-buffer.js';
import { BYTE_REGS, isInt8, LOCK, NO_INDEX, opMem, opReg, P66, rex, W64 } from './encoding.js';

const w = (w64: boolean): number => (w64 ? W64 : 0);

/** Register-register ALU opcodes (`op r/m, r`): the ModRM reg field is the source. */
export const ALU_RR = {
  add: 0x01,
  or: 0x09,
  and: 0x21,
  sub: 0x29,
  xor: 0x31,
  cmp: 0x39,
  test: 0x85,
} as const;
/** One of ALU_RR's opcodes. */
export type AluRR = (typeof ALU_RR)[keyof typeof ALU_RR];

/** The /digit of the 0x81/0x83 immediate group. */
export const ALU_EXT = { add: 0, or: 1, and: 4, sub: 5, xor: 6, cmp: 7 } as const;
/** One of ALU_EXT's digits. */
export type AluExt = (typeof ALU_EXT)[keyof typeof ALU_EXT];

/** The /digit of the shift group 0xc1/0xd3. */
export const SHIFT_EXT = { rol: 0, ror: 1, shl: 4, shr: 5, sar: 7 } as const;
/** One of SHIFT_EXT's digits. */
export type ShiftExt = (typeof SHIFT_EXT)[keyof typeof SHIFT_EXT];

/** Condition codes (the low nibble of jcc). */
export const CC = {
  b: 0x2,
  ae: 0x3,
  e: 0x4,
  ne: 0x5,
  be: 0x6,
  a: 0x7,
  l: 0xc,
  ge: 0xd,
  le: 0xe,
  g: 0xf,
} as const;
/** One of CC's condition codes. */
export type Cc = (typeof CC)[keyof typeof CC];

/** add/or/and/sub/xor/cmp/test dst, src */
export function aluRR(buf: CodeBuffer, op: AluRR, w64: boolean, dst: number, src: number): void {
  opReg(buf, op, w(w64), src, dst);
}

/** add/or/and/sub/xor/cmp dst, imm (imm8 form 0x83 when it fits, else 0x81 imm32; sign-extended) */
export function aluRI(buf: CodeBuffer, op: AluExt, w64: boolean, dst: number, imm: number): void {
  if (isInt8(imm)) {
    opReg(buf, 0x83, w(w64), op, dst);
    buf.emit1(imm);
  } else {
    opReg(buf, 0x81, w(w64), op, dst);
    buf.emit4(imm);
  }
}

/** add/…/cmp dst, imm32 — always the 4-byte immediate (blinded code keeps a fixed size). */
export function aluRI32(buf: CodeBuffer, op: AluExt, w64: boolean, dst: number, imm: number): void {
  opReg(buf, 0x81, w(w64), op, dst);
  buf.emit4(imm);
}

/** test dst, imm32 (0xf7 /0) */
export function testRI(buf: CodeBuffer, w64: boolean, dst: number, imm: number): void {
  opReg(buf, 0xf7, w(w64), 0, dst);
  buf.emit4(imm);
}

/** mov dst, src */
export function movRR(buf: CodeBuffer, w64: boolean, dst: number, src: number): void {
  opReg(buf, 0x89, w(w64), src, dst);
}

/** mov dst32, imm32 (0xb8+r; zero-extends) */
export function movRI32(buf: CodeBuffer, dst: number, imm: number): void {
  rex(buf, 0, 0, 0, dst, false);
  buf.emit1(0xb8 + (dst & 7));
  buf.emit4(imm);
}

/** mov dst, simm32 (REX.W 0xc7 /0; sign-extends) */
export function movRIsx(buf: CodeBuffer, dst: number, imm: number): void {
  opReg(buf, 0xc7, W64, 0, dst);
  buf.emit4(imm);
}

/**
 * mov dst, a; xor dst, b — a blinded constant (codegen/context.ts) in one call, written byte by
 * byte: `movRIsx` + `aluRI32(xor)` (64-bit, both immediates sign-extended) or `movRI32` +
 * `aluRI32(xor)` (32-bit), always with 4-byte immediates.
 */
export function movXorImm(buf: CodeBuffer, w64: boolean, dst: number, a: number, b: number): void {
  const bytes = buf.bytes;
  let at = buf.len;
  const rexv = (w64 ? 0x48 : 0x40) | (dst >> 3);
  const low = dst & 7;
  if (w64) {
    bytes[at++] = rexv;
    bytes[at++] = 0xc7;
    bytes[at++] = 0xc0 | low;
  } else {
    if (rexv !== 0x40) bytes[at++] = rexv;
    bytes[at++] = 0xb8 + low;
  }
  bytes[at++] = a;
  bytes[at++] = a >>> 8;
  bytes[at++] = a >>> 16;
  bytes[at++] = a >>> 24;
  if (rexv !== 0x40) bytes[at++] = rexv;
  bytes[at++] = 0x81;
  bytes[at++] = 0xf0 | low; // /6: xor
  bytes[at++] = b;
  bytes[at++] = b >>> 8;
  bytes[at++] = b >>> 16;
  bytes[at++] = b >>> 24;
  buf.len = at;
}

/** movabs dst, imm64 (REX.W 0xb8+r) */
export function movabs(buf: CodeBuffer, dst: number, lo: number, hi: number): void {
  rex(buf, W64, 0, 0, dst, false);
  buf.emit1(0xb8 + (dst & 7));
  buf.emit8(lo, hi);
}

/** The shortest way to put a sign-extended imm32 (64-bit) or an imm32 (32-bit) in a register. */
export function loadImm(buf: CodeBuffer, w64: boolean, dst: number, imm: number): void {
  if (imm === 0)
    aluRR(buf, ALU_RR.xor, false, dst, dst); // xor dst32, dst32
  else if (!w64 || imm > 0) movRI32(buf, dst, imm);
  else movRIsx(buf, dst, imm);
}

/** imul dst, src (0x0f 0xaf) */
export function imulRR(buf: CodeBuffer, w64: boolean, dst: number, src: number): void {
  opReg(buf, 0x0faf, w(w64), dst, src);
}

/** imul dst, dst, imm (0x6b imm8 / 0x69 imm32) */
export function imulRI(buf: CodeBuffer, w64: boolean, dst: number, imm: number): void {
  if (isInt8(imm)) {
    opReg(buf, 0x6b, w(w64), dst, dst);
    buf.emit1(imm);
  } else {
    opReg(buf, 0x69, w(w64), dst, dst);
    buf.emit4(imm);
  }
}

/** shl/shr/sar/rol/ror dst, imm8 (0xc1 /ext) */
export function shiftRI(buf: CodeBuffer, op: ShiftExt, w64: boolean, dst: number, count: number): void {
  opReg(buf, 0xc1, w(w64), op, dst);
  buf.emit1(count);
}

/** shl/shr/sar dst, cl (0xd3 /ext) */
export function shiftRCL(buf: CodeBuffer, op: ShiftExt, w64: boolean, dst: number): void {
  opReg(buf, 0xd3, w(w64), op, dst);
}

/** ror dst16, 8 (swap the two low bytes) */
export function ror16by8(buf: CodeBuffer, dst: number): void {
  opReg(buf, 0xc1, P66, SHIFT_EXT.ror, dst);
  buf.emit1(8);
}

/** neg dst (0xf7 /3) */
export function neg(buf: CodeBuffer, w64: boolean, dst: number): void {
  opReg(buf, 0xf7, w(w64), 3, dst);
}

/** div/idiv src: rdx:rax / src (0xf7 /6, /7) */
export function divR(buf: CodeBuffer, signed: boolean, w64: boolean, src: number): void {
  opReg(buf, 0xf7, w(w64), signed ? 7 : 6, src);
}

/** cqo (64-bit) / cdq (32-bit): sign-extend rax into rdx */
export function cqo(buf: CodeBuffer, w64: boolean): void {
  if (w64) buf.emit1(0x48);
  buf.emit1(0x99);
}

/** movzx dst32, src8/src16 (0x0f 0xb6/0xb7) */
export function movzxRR(buf: CodeBuffer, bits: 8 | 16, dst: number, src: number): void {
  opReg(buf, bits === 8 ? 0x0fb6 : 0x0fb7, bits === 8 ? BYTE_REGS : 0, dst, src);
}

/** movsx dst, src8/src16 (0x0f 0xbe/0xbf) or movsxd dst, src32 (0x63) */
export function movsxRR(buf: CodeBuffer, w64: boolean, bits: 8 | 16 | 32, dst: number, src: number): void {
  if (bits === 32) opReg(buf, 0x63, W64, dst, src);
  else opReg(buf, bits === 8 ? 0x0fbe : 0x0fbf, w(w64) | (bits === 8 ? BYTE_REGS : 0), dst, src);
}

/** bswap dst (0x0f 0xc8+r) */
export function bswap(buf: CodeBuffer, w64: boolean, dst: number): void {
  rex(buf, w(w64), 0, 0, dst, false);
  buf.emit1(0x0f);
  buf.emit1(0xc8 + (dst & 7));
}

/** lea dst32, [base + disp] — 32-bit address arithmetic, zero-extended (0x8d) */
export function lea32(buf: CodeBuffer, dst: number, base: number, disp: number): void {
  opMem(buf, 0x8d, 0, dst, base, NO_INDEX, disp);
}

/** lea dst, [base + disp] (64-bit) */
export function leaQ(buf: CodeBuffer, dst: number, base: number, disp: number): void {
  opMem(buf, 0x8d, W64, dst, base, NO_INDEX, disp);
}

/** Load `size` bytes from [base + index + disp] into dst, zero- or sign-extended to 64 bits. */
export function load(
  buf: CodeBuffer,
  size: 1 | 2 | 4 | 8,
  signed: boolean,
  dst: number,
  base: number,
  index: number,
  disp: number,
): void {
  if (size === 8)
    opMem(buf, 0x8b, W64, dst, base, index, disp); // mov dst, qword [..]
  else if (size === 4)
    opMem(buf, signed ? 0x63 : 0x8b, signed ? W64 : 0, dst, base, index, disp); // movsxd / mov dst32
  else if (signed)
    opMem(buf, size === 1 ? 0x0fbe : 0x0fbf, W64, dst, base, index, disp); // movsx dst, byte/word
  else opMem(buf, size === 1 ? 0x0fb6 : 0x0fb7, 0, dst, base, index, disp); // movzx dst32, byte/word
}

/** mov size [base + index + disp], src */
export function store(
  buf: CodeBuffer,
  size: 1 | 2 | 4 | 8,
  base: number,
  index: number,
  disp: number,
  src: number,
): void {
  const flags = size === 8 ? W64 : size === 2 ? P66 : size === 1 ? BYTE_REGS : 0;
  opMem(buf, size === 1 ? 0x88 : 0x89, flags, src, base, index, disp);
}

/** mov size [base + index + disp], imm (qword: sign-extended imm32) */
export function storeImm(
  buf: CodeBuffer,
  size: 1 | 2 | 4 | 8,
  base: number,
  index: number,
  disp: number,
  imm: number,
): void {
  const flags = size === 8 ? W64 : size === 2 ? P66 : 0;
  opMem(buf, size === 1 ? 0xc6 : 0xc7, flags, 0, base, index, disp);
  if (size === 1) buf.emit1(imm);
  else if (size === 2) buf.emit2(imm);
  else buf.emit4(imm);
}

/** mov dst, qword [base + disp] */
export function loadQ(buf: CodeBuffer, dst: number, base: number, disp: number): void {
  opMem(buf, 0x8b, W64, dst, base, NO_INDEX, disp);
}

/** mov qword [base + disp], src */
export function storeQ(buf: CodeBuffer, base: number, disp: number, src: number): void {
  opMem(buf, 0x89, W64, src, base, NO_INDEX, disp);
}

/** mov dword [base + disp], imm32 */
export function storeDImm(buf: CodeBuffer, base: number, disp: number, imm: number): void {
  opMem(buf, 0xc7, 0, 0, base, NO_INDEX, disp);
  buf.emit4(imm);
}

/** cmp dword [base + disp], imm8 (0x83 /7 ib) */
export function cmpDMemImm8(buf: CodeBuffer, base: number, disp: number, imm: number): void {
  opMem(buf, 0x83, 0, 7, base, NO_INDEX, disp);
  buf.emit1(imm);
}

/** cmovcc dst, qword [base + disp] (0x0f 0x40+cc) */
export function cmovLoadQ(buf: CodeBuffer, cc: Cc, dst: number, base: number, disp: number): void {
  opMem(buf, 0x0f40 | cc, W64, dst, base, NO_INDEX, disp);
}

/** lock add/or/and/xor [base + index], src */
export function lockAlu(
  buf: CodeBuffer,
  op: AluRR,
  w64: boolean,
  base: number,
  index: number,
  src: number,
): void {
  opMem(buf, op, LOCK | w(w64), src, base, index, 0);
}

/** lock xadd [base + index], src (0x0f 0xc1) */
export function lockXadd(buf: CodeBuffer, w64: boolean, base: number, index: number, src: number): void {
  opMem(buf, 0x0fc1, LOCK | w(w64), src, base, index, 0);
}

/** lock cmpxchg [base + index], src (0x0f 0xb1): compares with rax */
export function lockCmpxchg(buf: CodeBuffer, w64: boolean, base: number, index: number, src: number): void {
  opMem(buf, 0x0fb1, LOCK | w(w64), src, base, index, 0);
}

/** xchg [base + index], src (0x87; implicitly locked) */
export function xchgMem(buf: CodeBuffer, w64: boolean, base: number, index: number, src: number): void {
  opMem(buf, 0x87, w(w64), src, base, index, 0);
}

/** push reg (0x50+r) */
export function push(buf: CodeBuffer, reg: number): void {
  rex(buf, 0, 0, 0, reg, false);
  buf.emit1(0x50 + (reg & 7));
}

/** pop reg (0x58+r) */
export function pop(buf: CodeBuffer, reg: number): void {
  rex(buf, 0, 0, 0, reg, false);
  buf.emit1(0x58 + (reg & 7));
}

/** push qword [base + disp] (0xff /6) */
export function pushMem(buf: CodeBuffer, base: number, disp: number): void {
  opMem(buf, 0xff, 0, 6, base, NO_INDEX, disp);
}

/** call qword [base + disp] (0xff /2) */
export function callMem(buf: CodeBuffer, base: number, disp: number): void {
  opMem(buf, 0xff, 0, 2, base, NO_INDEX, disp);
}

/** call rel32 (0xe8) */
export function callRel32(buf: CodeBuffer, rel: number): void {
  buf.emit1(0xe8);
  buf.emit4(rel);
}

/** ret */
export function ret(buf: CodeBuffer): void {
  buf.emit1(0xc3);
}

/** Bytes of a jmp/jcc in its short (rel8) and near (rel32) forms. */
export const JMP_SHORT = 2;
export const JMP_NEAR = 5;
export const JCC_SHORT = 2;
export const JCC_NEAR = 6;

/** jmp rel8 (0xeb) / jmp rel32 (0xe9); `rel` counts from the end of the jump. */
export function jmp(buf: CodeBuffer, short: boolean, rel: number): void {
  if (short) {
    buf.emit1(0xeb);
    buf.emit1(rel);
  } else {
    buf.emit1(0xe9);
    buf.emit4(rel);
  }
}

/** jcc rel8 (0x70+cc) / jcc rel32 (0x0f 0x80+cc); `code` is the condition's 4-bit code (CC). */
export function jcc(buf: CodeBuffer, code: number, short: boolean, rel: number): void {
  if (short) {
    buf.emit1(0x70 | code);
    buf.emit1(rel);
  } else {
    buf.emit1(0x0f);
    buf.emit1(0x80 | code);
    buf.emit4(rel);
  }
}

/** A short jcc whose target is not emitted yet; returns the displacement byte to patch. */
export function jccForward(buf: CodeBuffer, cc: Cc): number {
  jcc(buf, cc, true, 0);
  return buf.len - 1;
}

/** A short jmp whose target is not emitted yet. */
export function jmpForward(buf: CodeBuffer): number {
  jmp(buf, true, 0);
  return buf.len - 1;
}

/** Point a forward short jump at the current position. */
export function bindHere(buf: CodeBuffer, at: number): void {
  const rel = buf.len - (at + 1);
  if (rel > 127) throw new Error(`internal: short forward jump of ${rel} bytes`);
  buf.patch1(at, rel);
}
