/**
 * Draft instructions as text, in the style of v1's own `pr_info_bpf_insn` (the disassembler
 * its verifier used in error messages): `code_d9 r6 = *(u64 *)(r1 +104)`,
 * `code_55 if r0 != 0x0 goto pc+11`, `code_85 call bpf_memcmp`, `code_06 ret`.
 */

import { ALU_OPERATOR, JMP_OPERATOR } from '../text/operators.js';
import type { DraftInsn } from './draft-insn.js';
import { draftOpcode } from './draft-insn.js';
import { strtabName } from './image.js';

const SIZE: Record<number, string> = { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' };

const signed = (n: number) => (n < 0 ? `${n}` : `+${n}`);
const hex = (n: number) => (n < 0 ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`);

/** One draft instruction as v1-style text; `strtab` names called helpers. */
export function formatDraftInsn(insn: DraftInsn, strtab?: Uint8Array): string {
  const code = `code_${draftOpcode(insn.op).toString(16).padStart(2, '0')}`;
  const { dst, src, off, imm } = insn;
  const op = insn.op;
  let text: string;
  switch (op.kind) {
    case 'alu':
      if (op.op === 'neg') text = `r${dst} = -r${dst}`;
      else
        text = `r${dst} ${op.op === 'mov' ? '=' : ALU_OPERATOR[op.op]} ${op.source === 'reg' ? `r${src}` : imm}`;
      break;
    case 'bswap':
      text = `r${dst} = bswap${op.bits} r${dst}`;
      break;
    case 'ldx':
      text = `r${dst} = *(${SIZE[op.size]} *)(r${src} ${signed(off)})`;
      break;
    case 'st':
      text = `*(${SIZE[op.size]} *)(r${dst} ${signed(off)}) = ${imm}`;
      break;
    case 'stx':
      text = `*(${SIZE[op.size]} *)(r${dst} ${signed(off)}) = r${src}`;
      break;
    case 'xadd':
      text = `lock *(${SIZE[op.size]} *)(r${dst} ${signed(off)}) += r${src}`;
      break;
    case 'jmp':
      text = `if r${dst} ${JMP_OPERATOR[op.op]} ${op.source === 'reg' ? `r${src}` : hex(imm)} goto pc${signed(off)}`;
      break;
    case 'ja':
      text = `goto pc${signed(off)}`;
      break;
    case 'call': {
      const name = insn.helper ?? (strtab ? strtabName(strtab, imm) : undefined);
      text = name ? `call ${name}` : `call #${imm}`;
      break;
    }
    case 'ret':
      text = 'ret';
      break;
  }
  return `${code} ${text}`;
}
