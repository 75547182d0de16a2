/**
 * The instruction model: one value per instruction, in the vocabulary of RFC 9669.
 *
 * Extended operations (sdiv/smod, movsx, sign-extending loads, each atomic operation, gotol,
 * the unconditional byte swap) are distinct values here. The wire-format folding that RFC 9669
 * uses for them (offset = 1 for sdiv, offset = 8/16/32 for movsx, the atomic operation in imm,
 * …) lives only in encode/decode.
 *
 * `lddw` is one instruction of width 2 (two 8-byte slots). Jump and call offsets (`off`, the
 * `imm` of gotol and of local calls) are *slot* offsets, exactly as on the wire: counted in
 * 8-byte slots from the slot after the instruction. Use `slotIndex`/`insnIndexOfSlot` from
 * `./program.js` to move between instruction indices and slot offsets.
 */

/** A register number, 0–10 (r10 is the read-only frame pointer). */
export type Reg = number;

export const R0 = 0;
export const R1 = 1;
export const R2 = 2;
export const R3 = 3;
export const R4 = 4;
export const R5 = 5;
export const R6 = 6;
export const R7 = 7;
export const R8 = 8;
export const R9 = 9;
export const R10 = 10;
/** The frame pointer, r10. */
export const FP = 10;

/** Operand width of an ALU or JMP operation. */
export type Width = 32 | 64;
/** Access size in bytes: B, H, W, DW. */
export type Size = 1 | 2 | 4 | 8;
/** Where the second operand comes from: the `imm` field (K) or the `src` register (X). */
export type Source = 'imm' | 'reg';

export const ALU_OPS = [
  'add',
  'sub',
  'mul',
  'div',
  'sdiv',
  'or',
  'and',
  'lsh',
  'rsh',
  'neg',
  'mod',
  'smod',
  'xor',
  'mov',
  'movsx8',
  'movsx16',
  'movsx32',
  'arsh',
] as const;
export type AluOp = (typeof ALU_OPS)[number];

export const JMP_OPS = [
  'jeq',
  'jgt',
  'jge',
  'jset',
  'jne',
  'jsgt',
  'jsge',
  'jlt',
  'jle',
  'jslt',
  'jsle',
] as const;
export type JmpOp = (typeof JMP_OPS)[number];

export const ATOMIC_OPS = ['add', 'or', 'and', 'xor', 'xchg', 'cmpxchg'] as const;
export type AtomicOp = (typeof ATOMIC_OPS)[number];

/** Byte-order operations: to little-endian, to big-endian (ALU class), unconditional swap (ALU64). */
export type EndOp = 'le' | 'be' | 'bswap';

/** `lddw` pseudo sources (the src field of the first slot), RFC 9669 §5.4. */
export const LDDW_SOURCES = [
  'imm64', // 0: dst = imm64
  'map_fd', // 1: dst = map_by_fd(imm)
  'map_value', // 2: dst = map_val(map_by_fd(imm)) + next_imm
  'var_addr', // 3: dst = var_addr(imm)
  'code_addr', // 4: dst = code_addr(imm)
  'map_idx', // 5: dst = map_by_idx(imm)
  'map_idx_value', // 6: dst = map_val(map_by_idx(imm)) + next_imm
] as const;
export type LddwSource = (typeof LDDW_SOURCES)[number];

export type CallTarget = 'helper' | 'local' | 'kfunc';

export interface AluInsn {
  kind: 'alu';
  width: Width;
  op: AluOp;
  source: Source;
  dst: Reg;
  /** Source register; 0 when `source` is 'imm'. */
  src: Reg;
  /** Signed 32-bit immediate; 0 when `source` is 'reg'. */
  imm: number;
}

export interface EndInsn {
  kind: 'end';
  op: EndOp;
  bits: 16 | 32 | 64;
  dst: Reg;
}

export interface JmpInsn {
  kind: 'jmp';
  width: Width;
  op: JmpOp;
  source: Source;
  dst: Reg;
  src: Reg;
  imm: number;
  /** Slot offset from the next slot. */
  off: number;
}

/** Unconditional jump with a 16-bit offset (JMP class). */
export interface JaInsn {
  kind: 'ja';
  off: number;
}

/** Unconditional jump with a 32-bit offset in imm (JMP32 class, "gotol"). */
export interface GotolInsn {
  kind: 'gotol';
  imm: number;
}

export interface CallInsn {
  kind: 'call';
  target: CallTarget;
  /** Helper id, slot offset of a local function, or BTF id of a kfunc. */
  imm: number;
}

/** Call through a register (the register holds a helper id in tbpf). */
export interface CallxInsn {
  kind: 'callx';
  reg: Reg;
}

export interface ExitInsn {
  kind: 'exit';
}

/** The 64-bit immediate load; occupies two slots. */
export interface LddwInsn {
  kind: 'lddw';
  source: LddwSource;
  dst: Reg;
  /** First slot's imm (signed 32-bit): the low half of the constant, or a map fd/index, … */
  imm: number;
  /** Second slot's imm (signed 32-bit): the high half, or the map value offset. */
  imm2: number;
}

/** Legacy packet load, absolute: r0 = ntoh(*(size *)(skb->data + imm)). */
export interface LdAbsInsn {
  kind: 'ldabs';
  size: 1 | 2 | 4;
  imm: number;
}

/** Legacy packet load, indirect: r0 = ntoh(*(size *)(skb->data + src + imm)). */
export interface LdIndInsn {
  kind: 'ldind';
  size: 1 | 2 | 4;
  src: Reg;
  imm: number;
}

/** dst = *(size *)(src + off), zero- or sign-extended. */
export interface LdxInsn {
  kind: 'ldx';
  size: Size;
  /** MEMSX mode: sign-extend (sizes 1, 2, 4 only). */
  signed: boolean;
  dst: Reg;
  src: Reg;
  off: number;
}

/** *(size *)(dst + off) = imm. */
export interface StInsn {
  kind: 'st';
  size: Size;
  dst: Reg;
  off: number;
  imm: number;
}

/** *(size *)(dst + off) = src. */
export interface StxInsn {
  kind: 'stx';
  size: Size;
  dst: Reg;
  src: Reg;
  off: number;
}

/**
 * Atomic read-modify-write on *(size *)(dst + off) with src.
 * `fetch` puts the old value in src (for cmpxchg: in r0). xchg and cmpxchg always fetch.
 */
export interface AtomicInsn {
  kind: 'atomic';
  size: 4 | 8;
  op: AtomicOp;
  fetch: boolean;
  dst: Reg;
  src: Reg;
  off: number;
}

export type Insn =
  | AluInsn
  | EndInsn
  | JmpInsn
  | JaInsn
  | GotolInsn
  | CallInsn
  | CallxInsn
  | ExitInsn
  | LddwInsn
  | LdAbsInsn
  | LdIndInsn
  | LdxInsn
  | StInsn
  | StxInsn
  | AtomicInsn;

export type InsnKind = Insn['kind'];

/** Every instruction kind; a kind's index here is its number in packed programs (./packed.ts). */
export const INSN_KINDS = [
  'alu',
  'end',
  'jmp',
  'ja',
  'gotol',
  'call',
  'callx',
  'exit',
  'lddw',
  'ldabs',
  'ldind',
  'ldx',
  'st',
  'stx',
  'atomic',
] as const satisfies readonly InsnKind[];

/** Byte-order operations in the order of their numbers in packed programs. */
export const END_OPS = ['le', 'be', 'bswap'] as const satisfies readonly EndOp[];
/** Call targets in the order of their numbers in packed programs (also the wire's src field). */
export const CALL_TARGETS = ['helper', 'local', 'kfunc'] as const satisfies readonly CallTarget[];

/** Number of 8-byte slots an instruction occupies: 2 for lddw, 1 otherwise. */
export function insnWidth(insn: Insn): 1 | 2 {
  return insn.kind === 'lddw' ? 2 : 1;
}

/** The 64-bit value of an `lddw` as a BigInt (imm2:imm). Not for hot paths. */
export function lddwValue(insn: LddwInsn): bigint {
  return (BigInt(insn.imm2 >>> 0) << 32n) | BigInt(insn.imm >>> 0);
}

/** Split a 64-bit constant into the two signed 32-bit halves of an `lddw`. */
export function splitImm64(value: bigint): { imm: number; imm2: number } {
  const v = BigInt.asUintN(64, value);
  return { imm: Number(BigInt.asIntN(32, v)), imm2: Number(BigInt.asIntN(32, v >> 32n)) };
}
