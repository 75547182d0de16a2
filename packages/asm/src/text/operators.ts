/**
 * The operators of the C-like BPF assembly (LLVM's and the kernel's): `r1 += r2`,
 * `if r1 s> 3 goto …`, `lock *(u64 *)(r1 + 0) |= r2`. One table each way, for the printers and
 * the parser.
 */
import type { AluOp, AtomicOp, JmpOp } from '@tbpf/isa';

/** The assignment operator of each two-operand ALU op (mov, neg and movsx print otherwise). */
export const ALU_OPERATOR: Partial<Record<AluOp, string>> = {
  add: '+=',
  sub: '-=',
  mul: '*=',
  div: '/=',
  sdiv: 's/=',
  or: '|=',
  and: '&=',
  lsh: '<<=',
  rsh: '>>=',
  mod: '%=',
  smod: 's%=',
  xor: '^=',
  arsh: 's>>=',
};

/** The comparison of each conditional jump. */
export const JMP_OPERATOR: Record<JmpOp, string> = {
  jeq: '==',
  jgt: '>',
  jge: '>=',
  jset: '&',
  jne: '!=',
  jsgt: 's>',
  jsge: 's>=',
  jlt: '<',
  jle: '<=',
  jslt: 's<',
  jsle: 's<=',
};

/** The operator of each non-fetching atomic (`lock *(…) += rN`). */
export const ATOMIC_OPERATOR: Partial<Record<AtomicOp, string>> = {
  add: '+=',
  or: '|=',
  and: '&=',
  xor: '^=',
};

const inverse = <K extends string>(table: Partial<Record<K, string>>): Record<string, K> =>
  Object.fromEntries(Object.entries(table).map(([op, text]) => [text, op])) as Record<string, K>;

export const ALU_OP_OF_OPERATOR = inverse(ALU_OPERATOR);
export const JMP_OP_OF_OPERATOR = inverse<JmpOp>(JMP_OPERATOR);
export const ATOMIC_OP_OF_OPERATOR = inverse(ATOMIC_OPERATOR);
