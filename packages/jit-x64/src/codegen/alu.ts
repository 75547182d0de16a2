/**
 * ALU and byte-order lowering. 32-bit forms zero-extend (x86 does so for every 32-bit register
 * write); shift counts are masked as RFC 9669 says (x86 masks `cl` the same way); division and
 * modulo follow RFC 9669 for zero and INT_MIN / -1 and never reach a CPU trap.
 */
import * as isa from '@tbpf/isa';
import {
  ALU_EXT,
  ALU_RR,
  type AluExt,
  type AluRR,
  aluRI,
  aluRR,
  bindHere,
  bswap,
  CC,
  cqo,
  divR,
  imulRI,
  imulRR,
  jccForward,
  jmpForward,
  movRR,
  movsxRR,
  movzxRR,
  neg,
  ror16by8,
  SHIFT_EXT,
  type ShiftExt,
  shiftRCL,
  shiftRI,
} from '../x64/instructions.js';
import { ADDR, AUX, BPF_TO_X64, ENV, RAX, RCX, RDX } from '../x64/registers.js';
import { blindedOperand, type Ctx, movImm } from './context.js';

/** isa's tables as this module's own constants (V8 folds those, not imported bindings: see compile.ts). */
const { ALU_OP, ALU_OPS, END_OP, OP_REG, OP_SIZE, OP_SUB, OP_WIDE } = isa;

/** Per ALU operation (isa's OP_SUB): the x86 register-register opcode, the immediate group's digit, the shift's digit. */
const RR_CODE = new Uint8Array(ALU_OPS.length);
const EXT_CODE = new Uint8Array(ALU_OPS.length);
const SHIFT_CODE = new Uint8Array(ALU_OPS.length);
for (const op of ['add', 'sub', 'and', 'or', 'xor'] as const) {
  RR_CODE[ALU_OP[op]] = ALU_RR[op];
  EXT_CODE[ALU_OP[op]] = ALU_EXT[op];
}
SHIFT_CODE[ALU_OP.lsh] = SHIFT_EXT.shl;
SHIFT_CODE[ALU_OP.rsh] = SHIFT_EXT.shr;
SHIFT_CODE[ALU_OP.arsh] = SHIFT_EXT.sar;

const DIV = 0;
const MOD = 1;
const SDIV = 2;
const SMOD = 3;
type DivOp = typeof DIV | typeof MOD | typeof SDIV | typeof SMOD;
const DIV_OP = new Uint8Array(ALU_OPS.length);
DIV_OP[ALU_OP.mod] = MOD;
DIV_OP[ALU_OP.sdiv] = SDIV;
DIV_OP[ALU_OP.smod] = SMOD;

/** An ALU instruction: row `id` (isa's packed form) with its operands; the common operations here. */
export function lowerAlu(ctx: Ctx, id: number, dst: number, src: number, imm: number): void {
  const { buf } = ctx;
  const w64 = OP_WIDE[id] === 1;
  const byImm = OP_REG[id] === 0;
  const d = BPF_TO_X64[dst];
  const s = BPF_TO_X64[src];
  const op = OP_SUB[id];
  switch (op) {
    case ALU_OP.mov:
      if (byImm) movImm(ctx, w64, d, imm);
      else if (d !== s || !w64) movRR(buf, w64, d, s); // mov d32, d32 still zero-extends
      return;
    case ALU_OP.add:
    case ALU_OP.sub:
    case ALU_OP.and:
    case ALU_OP.or:
    case ALU_OP.xor: {
      if (!byImm) {
        aluRR(buf, RR_CODE[op] as AluRR, w64, d, s);
        return;
      }
      const blinded = blindedOperand(ctx, w64, imm);
      if (blinded >= 0) aluRR(buf, RR_CODE[op] as AluRR, w64, d, blinded);
      else aluRI(buf, EXT_CODE[op] as AluExt, w64, d, imm);
      return;
    }
    default:
      lowerAluOther(ctx, op, w64, byImm, d, s, imm);
  }
}

/** The ALU operations `lowerAlu` leaves (kept apart so that V8 inlines `lowerAlu`, which only small functions get). */
function lowerAluOther(
  ctx: Ctx,
  op: number,
  w64: boolean,
  byImm: boolean,
  d: number,
  s: number,
  imm: number,
): void {
  const { buf } = ctx;
  switch (op) {
    case ALU_OP.mul: {
      if (!byImm) {
        imulRR(buf, w64, d, s);
        return;
      }
      const blinded = blindedOperand(ctx, w64, imm);
      if (blinded >= 0) imulRR(buf, w64, d, blinded);
      else imulRI(buf, w64, d, imm);
      return;
    }
    case ALU_OP.lsh:
    case ALU_OP.rsh:
    case ALU_OP.arsh:
      if (byImm) {
        const count = imm & (w64 ? 63 : 31);
        if (count !== 0) shiftRI(buf, SHIFT_CODE[op] as ShiftExt, w64, d, count);
        else if (!w64) movRR(buf, false, d, d);
      } else {
        shiftByRegister(ctx, SHIFT_CODE[op] as ShiftExt, w64, d, s);
      }
      return;
    case ALU_OP.neg:
      neg(buf, w64, d);
      return;
    case ALU_OP.div:
    case ALU_OP.mod:
    case ALU_OP.sdiv:
    case ALU_OP.smod:
      if (byImm) divideByConstant(ctx, DIV_OP[op] as DivOp, w64, d, imm);
      else divideByRegister(ctx, DIV_OP[op] as DivOp, w64, d, s);
      return;
    case ALU_OP.movsx8:
      movsxRR(buf, w64, 8, d, s);
      return;
    case ALU_OP.movsx16:
      movsxRR(buf, w64, 16, d, s);
      return;
    case ALU_OP.movsx32:
      if (w64) movsxRR(buf, true, 32, d, s);
      else movRR(buf, false, d, s); // no such ALU32 form; the isa rejects it, keep it total
      return;
  }
}

/** The count must be in cl; R4 lives in rcx, so other counts borrow it through r11. */
function shiftByRegister(ctx: Ctx, op: ShiftExt, w64: boolean, d: number, s: number): void {
  const { buf } = ctx;
  if (s === RCX) {
    shiftRCL(buf, op, w64, d); // shl d, cl
  } else if (d === RCX) {
    movRR(buf, true, ADDR, RCX); // mov r11, rcx
    movRR(buf, true, RCX, s); // mov rcx, s
    shiftRCL(buf, op, w64, ADDR); // shl r11, cl
    movRR(buf, w64, RCX, ADDR); // mov rcx, r11
    return;
  } else {
    movRR(buf, true, ADDR, RCX); // mov r11, rcx
    movRR(buf, true, RCX, s); // mov rcx, s
    shiftRCL(buf, op, w64, d); // shl d, cl
    movRR(buf, true, RCX, ADDR); // mov rcx, r11
  }
  // A 32-bit shift by a count of 0 leaves the register unwritten on some CPUs: zero-extend.
  if (!w64) movRR(buf, false, d, d);
}

/** Division by zero: DIV gives 0, MOD leaves dst (zero-extended when 32-bit). */
function byZero(ctx: Ctx, op: DivOp, w64: boolean, d: number): void {
  if (op === DIV || op === SDIV) aluRR(ctx.buf, ALU_RR.xor, false, d, d);
  else if (!w64) movRR(ctx.buf, false, d, d);
}

/** Signed division by -1: SDIV negates (INT_MIN stays INT_MIN), SMOD gives 0. */
function byMinusOne(ctx: Ctx, op: DivOp, w64: boolean, d: number): void {
  if (op === SDIV) neg(ctx.buf, w64, d);
  else aluRR(ctx.buf, ALU_RR.xor, false, d, d);
}

function divideByConstant(ctx: Ctx, op: DivOp, w64: boolean, d: number, imm: number): void {
  const signed = op === SDIV || op === SMOD;
  if (imm === 0) {
    byZero(ctx, op, w64, d);
    return;
  }
  if (signed && imm === -1) {
    byMinusOne(ctx, op, w64, d);
    return;
  }
  movImm(ctx, w64, ADDR, imm);
  divideCore(ctx, op, w64, d);
}

function divideByRegister(ctx: Ctx, op: DivOp, w64: boolean, d: number, s: number): void {
  const { buf } = ctx;
  const signed = op === SDIV || op === SMOD;
  movRR(buf, w64, ADDR, s); // mov r11, s
  aluRR(buf, ALU_RR.test, w64, ADDR, ADDR); // test r11, r11
  const toNonZero = jccForward(buf, CC.ne); // jnz nonzero
  byZero(ctx, op, w64, d);
  const doneZero = jmpForward(buf); // jmp done
  bindHere(buf, toNonZero);
  let doneMinusOne = -1;
  if (signed) {
    aluRI(buf, ALU_EXT.cmp, w64, ADDR, -1); // cmp r11, -1
    const toDivide = jccForward(buf, CC.ne); // jne divide
    byMinusOne(ctx, op, w64, d);
    doneMinusOne = jmpForward(buf); // jmp done
    bindHere(buf, toDivide);
  }
  divideCore(ctx, op, w64, d);
  bindHere(buf, doneZero);
  if (doneMinusOne >= 0) bindHere(buf, doneMinusOne);
}

/** d = d op r11 through rdx:rax (R3 and R0), both restored unless d is one of them. */
function divideCore(ctx: Ctx, op: DivOp, w64: boolean, d: number): void {
  const { buf } = ctx;
  const signed = op === SDIV || op === SMOD;
  movRR(buf, true, ENV, RAX); // mov r9, rax
  movRR(buf, true, AUX, RDX); // mov r10, rdx
  if (d !== RAX) movRR(buf, w64, RAX, d); // mov rax, d
  if (signed)
    cqo(buf, w64); // cqo / cdq
  else aluRR(buf, ALU_RR.xor, false, RDX, RDX); // xor edx, edx
  divR(buf, signed, w64, ADDR); // div/idiv r11
  movRR(buf, w64, ADDR, op === DIV || op === SDIV ? RAX : RDX); // mov r11, quotient/remainder
  movRR(buf, true, RAX, ENV); // mov rax, r9
  movRR(buf, true, RDX, AUX); // mov rdx, r10
  movRR(buf, w64, d, ADDR); // mov d, r11
}

/** A byte-order instruction: row `id` on register `dst`. */
export function lowerEnd(ctx: Ctx, id: number, dst: number): void {
  const { buf } = ctx;
  const d = BPF_TO_X64[dst];
  const bytes = OP_SIZE[id];
  if (OP_SUB[id] === END_OP.le) {
    if (bytes === 2)
      movzxRR(buf, 16, d, d); // movzx d32, d16
    else if (bytes === 4) movRR(buf, false, d, d); // mov d32, d32
    return;
  }
  if (bytes === 2) {
    ror16by8(buf, d); // ror d16, 8
    movzxRR(buf, 16, d, d); // movzx d32, d16
  } else {
    bswap(buf, bytes === 8, d); // bswap d
  }
}
