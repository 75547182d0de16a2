/**
 * The second and third emitter layers: ModRM/SIB bytes, the REX prefix, and the two operand
 * shapes every instruction here uses — register-direct and `[base + index + disp]`.
 */
import type { CodeBuffer } from './code-buffer.js';

/** Operand-size and prefix flags for `opReg`/`opMem`. */
export const W64 = 1; // REX.W: 64-bit operand
export const P66 = 2; // 0x66 prefix: 16-bit operand
export const BYTE_REGS = 4; // a byte register operand: force REX so 4–7 mean spl/bpl/sil/dil
export const LOCK = 8; // 0xf0 prefix

/** No index register in a memory operand. */
export const NO_INDEX = -1;

export function isInt8(v: number): boolean {
  return v >= -128 && v <= 127;
}

export function modrm(buf: CodeBuffer, mod: number, reg: number, rm: number): void {
  buf.emit1((mod << 6) | ((reg & 7) << 3) | (rm & 7));
}

export function sib(buf: CodeBuffer, scale: number, index: number, base: number): void {
  buf.emit1((scale << 6) | ((index & 7) << 3) | (base & 7));
}

/**
 * REX = 0100WRXB, omitted when it would be plain 0x40 — unless a byte-register operand is
 * 4–7 (`byteRm` says whether rm is a register operand too), which without REX would mean
 * ah/ch/dh/bh.
 */
export function rex(
  buf: CodeBuffer,
  flags: number,
  reg: number,
  index: number,
  base: number,
  byteRm: boolean,
): void {
  const v = 0x40 | (flags & W64 ? 8 : 0) | ((reg >> 3) << 2) | ((index >> 3) << 1) | (base >> 3);
  if (v !== 0x40 || (flags & BYTE_REGS && ((reg & 7) >= 4 || (byteRm && (base & 7) >= 4)))) buf.emit1(v);
}

function prefixes(buf: CodeBuffer, flags: number): void {
  if (flags & LOCK) buf.emit1(0xf0); // lock
  if (flags & P66) buf.emit1(0x66); // operand-size override
}

/** One opcode, or a two-byte opcode written as 0x0fXX. */
function opcode(buf: CodeBuffer, op: number): void {
  if (op > 0xff) buf.emit1(op >> 8);
  buf.emit1(op & 0xff);
}

/** `op reg, rm` with both operands registers (ModRM mod = 11). */
export function opReg(buf: CodeBuffer, op: number, flags: number, reg: number, rm: number): void {
  prefixes(buf, flags);
  rex(buf, flags, reg, 0, rm, true);
  opcode(buf, op);
  modrm(buf, 3, reg, rm);
}

/**
 * `op reg, [base + index + disp]`. Chooses the shortest displacement; base rsp/r12 (rm = 100)
 * and an index need a SIB byte, base rbp/r13 (rm = 101) with mod = 00 would mean "no base".
 */
export function opMem(
  buf: CodeBuffer,
  op: number,
  flags: number,
  reg: number,
  base: number,
  index: number,
  disp: number,
): void {
  prefixes(buf, flags);
  rex(buf, flags, reg, index === NO_INDEX ? 0 : index, base, false);
  opcode(buf, op);
  const mod = disp === 0 && (base & 7) !== 5 ? 0 : isInt8(disp) ? 1 : 2;
  if (index !== NO_INDEX) {
    modrm(buf, mod, reg, 4);
    sib(buf, 0, index, base);
  } else if ((base & 7) === 4) {
    modrm(buf, mod, reg, 4);
    sib(buf, 0, 4, base);
  } else {
    modrm(buf, mod, reg, base);
  }
  if (mod === 1) buf.emit1(disp);
  else if (mod === 2) buf.emit4(disp);
}
