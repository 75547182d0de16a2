/**
 * The opcodes of the 2013 RFC's draft instruction set ("tracing filters with BPF", v1 patch
 * set; DESIGN.md §6). Same 8-byte layout as RFC 9669, different meanings:
 *
 * - class 0x04 (ALU) is 64-bit; there is no ALU64 class and no JMP32;
 * - memory mode REL 0xc0 is today's MEM; XADD 0xe0 is an atomic add of any size;
 * - BSWAP32 0xd0 and BSWAP64 0xe0 are ALU ops (X form), NEG is the X form too;
 * - JA carries the X bit (0x0d); CALL's imm is a byte offset into the image's helper-name table;
 * - class 0x06 is RET: a void return that must be the last instruction.
 *
 * This module only decodes the draft opcodes; the asm layer translates draft programs to
 * RFC 9669 (helper names to ids, RET to `r0 = 0; exit`).
 */
import type { AluOp, Size, Source } from './insn.js';

export type DraftOp =
  | { kind: 'alu'; op: Exclude<AluOp, 'sdiv' | 'smod' | 'movsx8' | 'movsx16' | 'movsx32'>; source: Source }
  | { kind: 'bswap'; bits: 32 | 64 }
  | { kind: 'jmp'; op: 'jeq' | 'jgt' | 'jge' | 'jset' | 'jne' | 'jsgt' | 'jsge'; source: Source }
  | { kind: 'ja' }
  | { kind: 'call' }
  | { kind: 'ldx'; size: Size }
  | { kind: 'st'; size: Size }
  | { kind: 'stx'; size: Size }
  | { kind: 'xadd'; size: Size }
  | { kind: 'ret' };

const DRAFT_CLASS = { LDX: 0x01, ST: 0x02, STX: 0x03, ALU: 0x04, JMP: 0x05, RET: 0x06 } as const;
const DRAFT_MODE = { REL: 0xc0, XADD: 0xe0 } as const;
const DRAFT_SIZES: [number, Size][] = [
  [0x00, 4],
  [0x08, 2],
  [0x10, 1],
  [0x18, 8],
];
const DRAFT_ALU: [number, (DraftOp & { kind: 'alu' })['op']][] = [
  [0x00, 'add'],
  [0x10, 'sub'],
  [0x20, 'mul'],
  [0x30, 'div'],
  [0x40, 'or'],
  [0x50, 'and'],
  [0x60, 'lsh'],
  [0x70, 'rsh'],
  [0x90, 'mod'],
  [0xa0, 'xor'],
  [0xb0, 'mov'],
  [0xc0, 'arsh'],
];
const DRAFT_JMP: [number, (DraftOp & { kind: 'jmp' })['op']][] = [
  [0x10, 'jeq'],
  [0x20, 'jgt'],
  [0x30, 'jge'],
  [0x40, 'jset'],
  [0x50, 'jne'],
  [0x60, 'jsgt'],
  [0x70, 'jsge'],
];

function buildDraftTable(): Map<number, DraftOp> {
  const t = new Map<number, DraftOp>();
  for (const [code, op] of DRAFT_ALU) {
    t.set(DRAFT_CLASS.ALU | code, { kind: 'alu', op, source: 'imm' });
    t.set(DRAFT_CLASS.ALU | code | 0x08, { kind: 'alu', op, source: 'reg' });
  }
  t.set(DRAFT_CLASS.ALU | 0x80 | 0x08, { kind: 'alu', op: 'neg', source: 'reg' });
  t.set(DRAFT_CLASS.ALU | 0xd0 | 0x08, { kind: 'bswap', bits: 32 });
  t.set(DRAFT_CLASS.ALU | 0xe0 | 0x08, { kind: 'bswap', bits: 64 });
  for (const [code, op] of DRAFT_JMP) {
    t.set(DRAFT_CLASS.JMP | code, { kind: 'jmp', op, source: 'imm' });
    t.set(DRAFT_CLASS.JMP | code | 0x08, { kind: 'jmp', op, source: 'reg' });
  }
  t.set(DRAFT_CLASS.JMP | 0x00 | 0x08, { kind: 'ja' });
  t.set(DRAFT_CLASS.JMP | 0x80, { kind: 'call' });
  for (const [sz, size] of DRAFT_SIZES) {
    t.set(DRAFT_CLASS.LDX | DRAFT_MODE.REL | sz, { kind: 'ldx', size });
    t.set(DRAFT_CLASS.ST | DRAFT_MODE.REL | sz, { kind: 'st', size });
    t.set(DRAFT_CLASS.STX | DRAFT_MODE.REL | sz, { kind: 'stx', size });
    t.set(DRAFT_CLASS.STX | DRAFT_MODE.XADD | sz, { kind: 'xadd', size });
  }
  t.set(DRAFT_CLASS.RET | 0x00, { kind: 'ret' });
  return t;
}

const DRAFT_TABLE = buildDraftTable();

/** The draft meaning of an opcode byte, or undefined if the draft ISA has none. */
export function decodeDraftOpcode(opcode: number): DraftOp | undefined {
  return DRAFT_TABLE.get(opcode);
}

/** Every draft opcode with its meaning (for listings and tests). */
export function draftOpcodes(): ReadonlyMap<number, DraftOp> {
  return DRAFT_TABLE;
}
