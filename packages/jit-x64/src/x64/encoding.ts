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

/**
 * `op reg, rm` with both operands registers (ModRM mod = 11). This and `opMem` write their bytes
 * straight into the buffer (no call per byte): every instruction the code generator emits goes
 * through one of them, so they are the hottest code of a compilation, cold or warm.
 */
export function opReg(buf: CodeBuffer, op: number, flags: number, reg: number, rm: number): void {
  const b = buf.bytes;
  let at = buf.len;
  if (flags & LOCK) b[at++] = 0xf0; // lock
  if (flags & P66) b[at++] = 0x66; // operand-size override
  const rexv = 0x40 | (flags & W64 ? 8 : 0) | ((reg >> 3) << 2) | (rm >> 3);
  if (rexv !== 0x40 || (flags & BYTE_REGS && ((reg & 7) >= 4 || (rm & 7) >= 4))) b[at++] = rexv;
  if (op > 0xff) b[at++] = op >> 8;
  b[at++] = op & 0xff;
  b[at++] = 0xc0 | ((reg & 7) << 3) | (rm & 7);
  buf.len = at;
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
  const b = buf.bytes;
  let at = buf.len;
  if (flags & LOCK) b[at++] = 0xf0; // lock
  if (flags & P66) b[at++] = 0x66; // operand-size override
  const x = index === NO_INDEX ? 0 : index;
  const rexv = 0x40 | (flags & W64 ? 8 : 0) | ((reg >> 3) << 2) | ((x >> 3) << 1) | (base >> 3);
  if (rexv !== 0x40 || (flags & BYTE_REGS && (reg & 7) >= 4)) b[at++] = rexv;
  if (op > 0xff) b[at++] = op >> 8;
  b[at++] = op & 0xff;
  const mod = disp === 0 && (base & 7) !== 5 ? 0 : isInt8(disp) ? 1 : 2;
  const r = (reg & 7) << 3;
  if (index !== NO_INDEX) {
    b[at++] = (mod << 6) | r | 4;
    b[at++] = ((index & 7) << 3) | (base & 7); // SIB, scale 1
  } else if ((base & 7) === 4) {
    b[at++] = (mod << 6) | r | 4;
    b[at++] = (4 << 3) | (base & 7); // SIB: no index
  } else {
    b[at++] = (mod << 6) | r | (base & 7);
  }
  if (mod === 1) b[at++] = disp;
  else if (mod === 2) {
    b[at++] = disp;
    b[at++] = disp >>> 8;
    b[at++] = disp >>> 16;
    b[at++] = disp >>> 24;
  }
  buf.len = at;
}
