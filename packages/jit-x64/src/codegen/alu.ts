/**
 * ALU and byte-order lowering. 32-bit forms zero-extend (x86 does so for every 32-bit register
 * write); shift counts are masked as RFC 9669 says (x86 masks `cl` the same way); division and
 * modulo follow RFC 9669 for zero and INT_MIN / -1 and never reach a CPU trap.
 */
import type { AluInsn, EndInsn } from '@tbpf/isa';
import {
  aluRI,
  aluRR,
  bindHere,
  bswap,
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
  type ShiftExt,
  shiftRCL,
  shiftRI,
} from '../x64/instructions.js';
import { ADDR, AUX, BPF_TO_X64, ENV, RAX, RCX, RDX } from '../x64/registers.js';
import { blindedOperand, type Ctx, movImm } from './context.js';

const SHIFT: Record<string, ShiftExt> = { lsh: 'shl', rsh: 'shr', arsh: 'sar' };

export function lowerAlu(ctx: Ctx, insn: AluInsn): void {
  const { buf } = ctx;
  const w64 = insn.width === 64;
  const d = BPF_TO_X64[insn.dst];
  const s = BPF_TO_X64[insn.src];
  const byImm = insn.source === 'imm';
  switch (insn.op) {
    case 'mov':
      if (byImm) movImm(ctx, w64, d, insn.imm);
      else if (d !== s || !w64) movRR(buf, w64, d, s); // mov d32, d32 still zero-extends
      return;
    case 'add':
    case 'sub':
    case 'and':
    case 'or':
    case 'xor': {
      if (!byImm) {
        aluRR(buf, insn.op, w64, d, s);
        return;
      }
      const blinded = blindedOperand(ctx, w64, insn.imm);
      if (blinded >= 0) aluRR(buf, insn.op, w64, d, blinded);
      else aluRI(buf, insn.op, w64, d, insn.imm);
      return;
    }
    case 'mul': {
      if (!byImm) {
        imulRR(buf, w64, d, s);
        return;
      }
      const blinded = blindedOperand(ctx, w64, insn.imm);
      if (blinded >= 0) imulRR(buf, w64, d, blinded);
      else imulRI(buf, w64, d, insn.imm);
      return;
    }
    case 'lsh':
    case 'rsh':
    case 'arsh':
      if (byImm) {
        const count = insn.imm & (w64 ? 63 : 31);
        if (count !== 0) shiftRI(buf, SHIFT[insn.op], w64, d, count);
        else if (!w64) movRR(buf, false, d, d);
      } else {
        shiftByRegister(ctx, SHIFT[insn.op], w64, d, s);
      }
      return;
    case 'neg':
      neg(buf, w64, d);
      return;
    case 'div':
    case 'mod':
    case 'sdiv':
    case 'smod':
      if (byImm) divideByConstant(ctx, insn.op, w64, d, insn.imm);
      else divideByRegister(ctx, insn.op, w64, d, s);
      return;
    case 'movsx8':
      movsxRR(buf, w64, 8, d, s);
      return;
    case 'movsx16':
      movsxRR(buf, w64, 16, d, s);
      return;
    case 'movsx32':
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

type DivOp = 'div' | 'mod' | 'sdiv' | 'smod';

/** Division by zero: DIV gives 0, MOD leaves dst (zero-extended when 32-bit). */
function byZero(ctx: Ctx, op: DivOp, w64: boolean, d: number): void {
  if (op === 'div' || op === 'sdiv') aluRR(ctx.buf, 'xor', false, d, d);
  else if (!w64) movRR(ctx.buf, false, d, d);
}

/** Signed division by -1: SDIV negates (INT_MIN stays INT_MIN), SMOD gives 0. */
function byMinusOne(ctx: Ctx, op: DivOp, w64: boolean, d: number): void {
  if (op === 'sdiv') neg(ctx.buf, w64, d);
  else aluRR(ctx.buf, 'xor', false, d, d);
}

function divideByConstant(ctx: Ctx, op: DivOp, w64: boolean, d: number, imm: number): void {
  const signed = op === 'sdiv' || op === 'smod';
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
  const signed = op === 'sdiv' || op === 'smod';
  movRR(buf, w64, ADDR, s); // mov r11, s
  aluRR(buf, 'test', w64, ADDR, ADDR); // test r11, r11
  const toNonZero = jccForward(buf, 'ne'); // jnz nonzero
  byZero(ctx, op, w64, d);
  const doneZero = jmpForward(buf); // jmp done
  bindHere(buf, toNonZero);
  let doneMinusOne = -1;
  if (signed) {
    aluRI(buf, 'cmp', w64, ADDR, -1); // cmp r11, -1
    const toDivide = jccForward(buf, 'ne'); // jne divide
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
  const signed = op === 'sdiv' || op === 'smod';
  movRR(buf, true, ENV, RAX); // mov r9, rax
  movRR(buf, true, AUX, RDX); // mov r10, rdx
  if (d !== RAX) movRR(buf, w64, RAX, d); // mov rax, d
  if (signed)
    cqo(buf, w64); // cqo / cdq
  else aluRR(buf, 'xor', false, RDX, RDX); // xor edx, edx
  divR(buf, signed, w64, ADDR); // div/idiv r11
  movRR(buf, w64, ADDR, op === 'div' || op === 'sdiv' ? RAX : RDX); // mov r11, quotient/remainder
  movRR(buf, true, RAX, ENV); // mov rax, r9
  movRR(buf, true, RDX, AUX); // mov rdx, r10
  movRR(buf, w64, d, ADDR); // mov d, r11
}

export function lowerEnd(ctx: Ctx, insn: EndInsn): void {
  const { buf } = ctx;
  const d = BPF_TO_X64[insn.dst];
  if (insn.op === 'le') {
    if (insn.bits === 16)
      movzxRR(buf, 16, d, d); // movzx d32, d16
    else if (insn.bits === 32) movRR(buf, false, d, d); // mov d32, d32
    return;
  }
  if (insn.bits === 16) {
    ror16by8(buf, d); // ror d16, 8
    movzxRR(buf, 16, d, d); // movzx d32, d16
  } else {
    bswap(buf, insn.bits === 64, d); // bswap d
  }
}
