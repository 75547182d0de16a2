/**
 * Upper bounds on the bytes of code one instruction lowers to, by opcode row (isa's packed
 * `op`), with and without blinding, per addressing mode. The code generator sums them ahead of
 * emission: a forward jump whose target lies within 127 bytes by those sums is emitted short
 * (its displacement patched once the target is placed), so the code comes out in one pass;
 * and the sum of every bound sizes the buffer once. A bound that is too small cannot produce
 * wrong code — a short jump that does not reach is caught when it is patched, and the program
 * is emitted again with near forward jumps — it only costs that second pass; size-bounds.test.ts
 * checks every row against the emitter with its widest operands.
 */
import {
  ALU_OP,
  ATOMIC_OP,
  KIND_ALU,
  KIND_ATOMIC,
  KIND_CALL,
  KIND_CALLX,
  KIND_END,
  KIND_EXIT,
  KIND_GOTOL,
  KIND_JA,
  KIND_JMP,
  KIND_LDDW,
  KIND_LDX,
  KIND_ST,
  KIND_STX,
  OP_FLAG,
  OP_KIND,
  OP_REG,
  OP_SUB,
  OPCODE_TABLE,
} from '@tbpf/isa';
import type { Addressing } from './context.js';

/** Bytes of a function's prologue plus epilogue, besides zeroing its stack (2 bytes of code per byte zeroed). */
export const FUNCTION_BOUND = 96;

/** The bound of every row, for one blinding setting and addressing mode. */
function table(blind: boolean, addressing: Addressing): Uint8Array {
  // An access: gs + addr32 + 0x66 + REX + two opcode bytes + ModRM + disp32 (segment); a lea of
  // 7 bytes, then 0x66 + REX + two opcode bytes + ModRM + SIB (confined); 0x66 + REX + two
  // opcode bytes + ModRM + SIB + disp32 (direct).
  const access = addressing === 'confined' ? 13 : 11;
  const out = new Uint8Array(OPCODE_TABLE.length);
  for (let id = 0; id < out.length; id++) {
    const op = OP_SUB[id];
    const byReg = OP_REG[id] === 1;
    let bytes: number;
    switch (OP_KIND[id]) {
      case KIND_ALU:
        if (op === ALU_OP.div || op === ALU_OP.mod || op === ALU_OP.sdiv || op === ALU_OP.smod) bytes = 56;
        else if (op === ALU_OP.lsh || op === ALU_OP.rsh || op === ALU_OP.arsh) bytes = byReg ? 18 : 7;
        else if (byReg || op === ALU_OP.neg) bytes = 4;
        else if (op === ALU_OP.mov) bytes = blind ? 14 : 7;
        else bytes = blind ? 18 : 7; // mov r10, imm ^ r; xor r10, r; op dst, r10
        break;
      case KIND_END:
        bytes = 9;
        break;
      case KIND_LDX:
      case KIND_STX:
        bytes = access;
        break;
      case KIND_ST:
        bytes = access + (blind ? 14 : 4); // the value blinded into r10, or an imm32
        break;
      case KIND_ATOMIC:
        // fetch_or/and/xor: a cmpxchg loop.
        bytes =
          OP_FLAG[id] === 1 && op !== ATOMIC_OP.add && op !== ATOMIC_OP.xchg && op !== ATOMIC_OP.cmpxchg
            ? 40
            : 20;
        break;
      case KIND_JMP:
        bytes = (byReg ? 3 : blind ? 17 : 7) + 6; // cmp/test, then jcc rel32
        break;
      case KIND_JA:
      case KIND_GOTOL:
      case KIND_EXIT:
        bytes = 5;
        break;
      case KIND_LDDW:
        bytes = blind ? 23 : 10; // movabs, movabs r10, xor
        break;
      case KIND_CALL:
        bytes = 48; // a helper call and its check of env.unwinding (a local call: 5, plus any stack zeroing)
        break;
      case KIND_CALLX:
        bytes = 52;
        break;
      default:
        bytes = 0; // not compiled (legacy packet loads)
    }
    out[id] = bytes;
  }
  return out;
}

const tables = new Map<string, Uint8Array>();

/** The bounds by row id for one blinding setting and addressing mode (built on first use). */
export function sizeBounds(blind: boolean, addressing: Addressing): Uint8Array {
  const key = `${blind}${addressing}`;
  let t = tables.get(key);
  if (!t) {
    t = table(blind, addressing);
    tables.set(key, t);
  }
  return t;
}
