/**
 * CO-RE access paths as clang builds them: for a relocatable member / array-element access,
 * the base pointer it starts from, the root type (what the pointer points to) and the access
 * string — the index into the base pointer, then each member's index in its struct (anonymous
 * members are steps of their own) and each constant array index — plus the local byte offset.
 */
import type { Expr } from './ast.js';
import { type Member, type StructDef, sizeOf, type Type, unqualified } from './types.js';

export interface CoreAccess {
  /** The pointer expression the path starts from. */
  base: Expr;
  root: Type;
  indices: number[];
  /** Byte offset of the accessed object from `base` (for a bit-field: of its storage unit). */
  offset: number;
  /** Bit offset of the accessed object from `base`. */
  bitOffset: number;
  /** The accessed member when the path ends at one. */
  member?: Member;
}

/** The access path of a relocatable lvalue (member or array element marked `core`), if it has one. */
export function coreAccess(e: Expr): CoreAccess | undefined {
  if (e.kind === 'member' && e.core) {
    const st = e.base.type.kind === 'ptr' ? unqualified(e.base.type.to) : undefined;
    if (!st || st.kind !== 'struct') return undefined;
    const path = memberPath(st.def, e.member);
    if (!path) return undefined;
    const inner = e.base.kind === 'addr' ? coreAccess(e.base.e) : undefined;
    const start = inner ?? { base: e.base, root: st, indices: [0], offset: 0, bitOffset: 0 };
    return {
      base: start.base,
      root: start.root,
      indices: [...start.indices, ...path.indices],
      offset: start.offset + e.offset,
      bitOffset: start.bitOffset + path.bitOffset,
      member: e.member,
    };
  }
  // An element of a relocatable array (a member of a preserve_access_index struct, or inside
  // __builtin_preserve_access_index) is part of the path. Element 0: the parser leaves
  // `&array` itself as the element's address.
  if (e.kind === 'deref' && e.e.kind === 'addr' && e.e.e.type.kind === 'array') {
    const inner = coreAccess(e.e.e);
    return inner && { ...inner, indices: [...inner.indices, 0], member: undefined };
  }
  if (e.kind === 'deref' && e.e.kind === 'binary' && e.e.op === '+' && e.e.l.kind === 'addr') {
    const array = e.e.l.e;
    if (array.type.kind !== 'array' || e.e.r.kind !== 'num') return undefined;
    const inner = coreAccess(array);
    const size = sizeOf(array.type.of);
    if (!inner || size === 0) return undefined;
    const delta = Number(BigInt.asIntN(64, e.e.r.value));
    if (delta % size !== 0) return undefined;
    return {
      base: inner.base,
      root: inner.root,
      indices: [...inner.indices, delta / size],
      offset: inner.offset + delta,
      bitOffset: inner.bitOffset + delta * 8,
    };
  }
  return undefined;
}

/**
 * Indices from a struct to one of its members through anonymous struct/union members, and
 * the member's bit offset in the struct. (A member found through anonymous members is a copy
 * of the one in its definition: matched by name.)
 */
function memberPath(def: StructDef, m: Member): { indices: number[]; bitOffset: number } | undefined {
  for (let i = 0; i < def.members.length; i++) {
    const x = def.members[i];
    if (x === m || (x.name !== undefined && x.name === m.name))
      return { indices: [i], bitOffset: x.bitOffset ?? x.offset * 8 };
    if (x.name === undefined && x.type.kind === 'struct') {
      const inner = memberPath(x.type.def, m);
      if (inner) return { indices: [i, ...inner.indices], bitOffset: x.offset * 8 + inner.bitOffset };
    }
  }
  return undefined;
}

/** clang's BPF_FIELD_* / BPF_TYPE_* / BPF_ENUMVAL_* flags → CORE_RELO_KINDS indices. */
export const FIELD_KINDS = [0, 1, 2, 3, 4, 5];
export const TYPE_KINDS = [8, 9, 12];
export const TYPE_ID_KINDS = [6, 7];
export const ENUM_KINDS = [10, 11];

/**
 * The local value of a field relocation (libbpf's bpf_core_calc_field_relo on the local
 * types): byte offset, byte size, exists, signed, left and right shifts for a 64-bit load.
 */
export function fieldInfo(a: CoreAccess, type: Type, kind: number): bigint {
  const bitfield = a.member?.bitWidth !== undefined;
  const bitSize = bitfield ? (a.member?.bitWidth as number) : sizeOf(type) * 8;
  let byteSize = sizeOf(type);
  let byteOff = bitfield ? Math.floor(a.bitOffset / 8 / byteSize) * byteSize : a.bitOffset / 8;
  if (bitfield)
    while (a.bitOffset + bitSize - byteOff * 8 > byteSize * 8 && byteSize < 8) {
      byteSize *= 2;
      byteOff = Math.floor(a.bitOffset / 8 / byteSize) * byteSize;
    }
  switch (kind) {
    case 0:
      return BigInt(byteOff);
    case 1:
      return BigInt(byteSize);
    case 2:
      return 1n;
    case 3:
      return type.kind === 'int' && type.signed ? 1n : 0n;
    case 4:
      return BigInt(64 - (a.bitOffset + bitSize - byteOff * 8));
    default:
      return BigInt(64 - bitSize);
  }
}
