import {
  CALL_TARGET,
  KIND_CALL,
  KIND_EXIT,
  KIND_GOTOL,
  KIND_JA,
  KIND_JMP,
  KIND_LDABS,
  KIND_LDIND,
  OP_KIND,
  OP_SUB,
  OPCODE_TABLE,
  rowIdOf,
  zeroPacked,
} from '@tbpf/isa';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';
import type { Addressing } from './context.js';
import { sizeBounds } from './size-bounds.js';

// Registers whose x86 homes need a REX bit or special ModRM forms (rbp, r13, r8, r15, rcx as a
// shift count), and immediates/offsets at the ends of their ranges.
const REGS = [0, 1, 4, 5, 7, 9, 10];
const IMMS = [-1, 0x7fffffff, -0x80000000, 0x3a5c1f77];
const OFFS = [-0x8000, 0x7fff, 0];

/** Every operand combination of row `id`, then an exit (jumps go to it). */
function combinations(id: number) {
  const n = REGS.length * REGS.length * IMMS.length * OFFS.length;
  const code = zeroPacked(n + 1);
  let k = 0;
  for (const dst of REGS) {
    for (const src of REGS) {
      for (const imm of IMMS) {
        for (const off of OFFS) {
          code.op[k] = id;
          code.dst[k] = dst;
          code.src[k] = src;
          code.imm[k] = imm;
          code.imm2[k] = ~imm;
          code.off[k] = off;
          const kind = OP_KIND[id];
          // Jumps: to the exit, far away (near forms).
          if (kind === KIND_JMP || kind === KIND_JA) code.off[k] = n - k - 1;
          if (kind === KIND_GOTOL) code.imm[k] = n - k - 1;
          k++;
        }
      }
    }
  }
  code.op[n] = rowIdOf({ kind: 'exit' });
  return code;
}

describe('size bounds', () => {
  for (const blind of [false, true]) {
    for (const addressing of ['segment', 'confined', 'direct'] as Addressing[]) {
      it(`hold for every row with its widest operands (blind ${blind}, ${addressing})`, () => {
        const bounds = sizeBounds(blind, addressing);
        const over: string[] = [];
        for (let id = 0; id < OPCODE_TABLE.length; id++) {
          const kind = OP_KIND[id];
          if (kind === KIND_LDABS || kind === KIND_LDIND || kind === KIND_EXIT) continue;
          if (kind === KIND_CALL && OP_SUB[id] !== CALL_TARGET.helper) continue; // local: 5 bytes; kfunc: refused
          const code = combinations(id);
          const r = compile(code, {
            blind: blind ? { seed: 9 } : false,
            addressing,
            resolveLddw: () => ({ lo: -1, hi: -1 }),
          });
          if (!r.ok) throw r.error;
          const at = r.program.insnOffsets;
          let widest = 0;
          for (let i = 0; i < code.length - 1; i++) widest = Math.max(widest, at[i + 1] - at[i]);
          if (widest > bounds[id]) over.push(`${OPCODE_TABLE[id].key}: ${widest} > ${bounds[id]}`);
        }
        expect(over).toEqual([]);
      });
    }
  }
});
