/**
 * BTF (BPF Type Format) as plain data: the type graph of `.BTF` with names resolved.
 * Type ids index `BtfSpec.types`; id 0 is `void` (kept as a placeholder entry so that
 * `types[id]` works for every id).
 */

export type BtfKind =
  | 'void'
  | 'int'
  | 'ptr'
  | 'array'
  | 'struct'
  | 'union'
  | 'enum'
  | 'fwd'
  | 'typedef'
  | 'volatile'
  | 'const'
  | 'restrict'
  | 'func'
  | 'func_proto'
  | 'var'
  | 'datasec'
  | 'float'
  | 'decl_tag'
  | 'type_tag'
  | 'enum64';

/** The BTF_KIND_* numbers, indexed by kind. */
export const BTF_KIND_NUMBER: Record<BtfKind, number> = {
  void: 0,
  int: 1,
  ptr: 2,
  array: 3,
  struct: 4,
  union: 5,
  enum: 6,
  fwd: 7,
  typedef: 8,
  volatile: 9,
  const: 10,
  restrict: 11,
  func: 12,
  func_proto: 13,
  var: 14,
  datasec: 15,
  float: 16,
  decl_tag: 17,
  type_tag: 18,
  enum64: 19,
};

export interface BtfMember {
  name: string;
  type: number;
  /** Offset in bits (for bitfield-encoded structs, the low 24 bits of the raw offset). */
  bitOffset: number;
  /** Bitfield size in bits, 0 when not a bitfield. */
  bitSize: number;
}

export interface BtfParam {
  name: string;
  type: number;
}

export interface BtfEnumValue {
  name: string;
  /** Signed or unsigned per the type's `signed` flag; bigint so enum64 fits. */
  value: bigint;
}

export interface BtfVarSecInfo {
  /** The VAR (or FUNC for externs) type id. */
  type: number;
  offset: number;
  size: number;
}

/** Linkage of a FUNC (vlen field): static 0, global 1, extern 2. */
export type BtfLinkage = 'static' | 'global' | 'extern';

export type BtfType =
  | { kind: 'void'; name: '' }
  | {
      kind: 'int';
      name: string;
      size: number;
      bits: number;
      offset: number;
      signed: boolean;
      char: boolean;
      bool: boolean;
    }
  | { kind: 'ptr'; name: string; type: number }
  | { kind: 'array'; name: string; elemType: number; indexType: number; nelems: number }
  | { kind: 'struct' | 'union'; name: string; size: number; members: BtfMember[] }
  | { kind: 'enum'; name: string; size: number; signed: boolean; values: BtfEnumValue[] }
  | { kind: 'enum64'; name: string; size: number; signed: boolean; values: BtfEnumValue[] }
  | { kind: 'fwd'; name: string; union: boolean }
  | { kind: 'typedef' | 'volatile' | 'const' | 'restrict' | 'type_tag'; name: string; type: number }
  | { kind: 'func'; name: string; type: number; linkage: BtfLinkage }
  | { kind: 'func_proto'; name: string; returnType: number; params: BtfParam[] }
  | { kind: 'var'; name: string; type: number; linkage: 'static' | 'global' | 'extern' }
  | { kind: 'datasec'; name: string; size: number; vars: BtfVarSecInfo[] }
  | { kind: 'float'; name: string; size: number }
  | { kind: 'decl_tag'; name: string; type: number; componentIdx: number };

export interface BtfSpec {
  /** `types[id]`; `types[0]` is void. */
  types: BtfType[];
}
