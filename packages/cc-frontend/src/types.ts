/**
 * C types for the BPF target (LP64, little-endian, `char` signed) and their layout: sizes,
 * alignments, struct/union member offsets and bit-fields as the SysV ABI (and so clang and GCC
 * for BPF) lays them out.
 */

export interface Qualifiers {
  const?: boolean;
  volatile?: boolean;
  /** The type was spelled through this typedef (its `type` may itself carry a typedef): for BTF. */
  typedef?: Typedef;
  /**
   * `btf_type_tag("…")` attributes on this type (`char __user *p` tags `char`; `int *__tag p` tags
   * the pointer): BTF TYPE_TAGs.
   */
  btfTypeTags?: readonly string[];
}

export interface Typedef {
  name: string;
  type: Type;
}

export interface IntType extends Qualifiers {
  kind: 'int';
  /** 16: `__int128`, which BPF code can declare and lay out but not compute with. */
  size: 1 | 2 | 4 | 8 | 16;
  signed: boolean;
  /** The spelling used in messages: 'int', 'unsigned char', '_Bool', … */
  name: string;
  bool?: boolean;
  /** Set for an enum type: its tag (for messages and layouts). */
  enumTag?: string;
  /** Set for a defined enum type: its constants in order (for BTF). */
  enumerators?: readonly { name: string; value: bigint }[];
}

export interface VoidType extends Qualifiers {
  kind: 'void';
}
export interface FloatType extends Qualifiers {
  kind: 'float';
  size: 4 | 8 | 16;
  name: string;
}
export interface PtrType extends Qualifiers {
  kind: 'ptr';
  to: Type;
}
export interface ArrayType extends Qualifiers {
  kind: 'array';
  of: Type;
  /** Undefined for `T x[]` before an initializer fixes it. */
  len: number | undefined;
}
export interface StructType extends Qualifiers {
  kind: 'struct';
  def: StructDef;
}
export interface FuncType extends Qualifiers {
  kind: 'func';
  ret: Type;
  params: { name: string | undefined; type: Type }[];
  variadic: boolean;
  /** `f()` in C: parameters unspecified. */
  unprototyped: boolean;
}

export type Type = VoidType | IntType | FloatType | PtrType | ArrayType | StructType | FuncType;

export interface Member {
  /** Undefined for an anonymous struct/union member or an unnamed bit-field. */
  name: string | undefined;
  type: Type;
  /** Byte offset of the member (for a bit-field: of its storage unit, aligned to its type). */
  offset: number;
  /** Bit-fields only: width in bits, and the bit offset from the start of the struct. */
  bitWidth?: number;
  bitOffset?: number;
  /** `btf_decl_tag("…")` attributes on the member. */
  btfDeclTags?: string[];
}

export interface StructDef {
  tag: string | undefined;
  union: boolean;
  members: Member[];
  size: number;
  align: number;
  complete: boolean;
  packed: boolean;
  /**
   * Member accesses through this type are CO-RE relocatable (`preserve_access_index`, given on
   * the struct or by `#pragma clang attribute push`).
   */
  preserveAccessIndex?: boolean;
}

// One object layout per kind of type: every type object of a kind has all of that kind's fields
// and the qualifier fields, undefined when absent, in the order below (copies with `{ ...t, … }`
// keep it). Functions reading types (sizeOf, alignOf, the parser's) then see one V8 map per kind;
// types with and without a typedef or qualifier had different maps, and each new one met by
// optimised code threw that code away.

const int = (size: IntType['size'], signed: boolean, name: string, bool?: true): IntType => ({
  kind: 'int',
  size,
  signed,
  name,
  bool,
  enumTag: undefined,
  enumerators: undefined,
  const: undefined,
  volatile: undefined,
  typedef: undefined,
  btfTypeTags: undefined,
});

export function floatType(size: FloatType['size'], name: string): FloatType {
  return {
    kind: 'float',
    size,
    name,
    const: undefined,
    volatile: undefined,
    typedef: undefined,
    btfTypeTags: undefined,
  };
}

export function structType(def: StructDef): StructType {
  return {
    kind: 'struct',
    def,
    const: undefined,
    volatile: undefined,
    typedef: undefined,
    btfTypeTags: undefined,
  };
}

export function funcType(
  ret: Type,
  params: FuncType['params'],
  variadic: boolean,
  unprototyped: boolean,
): FuncType {
  return {
    kind: 'func',
    ret,
    params,
    variadic,
    unprototyped,
    const: undefined,
    volatile: undefined,
    typedef: undefined,
    btfTypeTags: undefined,
  };
}

export const T = {
  void: {
    kind: 'void',
    const: undefined,
    volatile: undefined,
    typedef: undefined,
    btfTypeTags: undefined,
  } as VoidType,
  bool: int(1, false, '_Bool', true),
  char: int(1, true, 'char'),
  schar: int(1, true, 'signed char'),
  uchar: int(1, false, 'unsigned char'),
  short: int(2, true, 'short'),
  ushort: int(2, false, 'unsigned short'),
  int: int(4, true, 'int'),
  uint: int(4, false, 'unsigned int'),
  long: int(8, true, 'long'),
  ulong: int(8, false, 'unsigned long'),
  llong: int(8, true, 'long long'),
  ullong: int(8, false, 'unsigned long long'),
  int128: int(16, true, '__int128'),
  uint128: int(16, false, 'unsigned __int128'),
};

export function pointerTo(t: Type): PtrType {
  return {
    kind: 'ptr',
    to: t,
    const: undefined,
    volatile: undefined,
    typedef: undefined,
    btfTypeTags: undefined,
  };
}
export function arrayOf(t: Type, len: number | undefined): ArrayType {
  return {
    kind: 'array',
    of: t,
    len,
    const: undefined,
    volatile: undefined,
    typedef: undefined,
    btfTypeTags: undefined,
  };
}

export function isInteger(t: Type): t is IntType {
  return t.kind === 'int';
}
export function isScalar(t: Type): boolean {
  return t.kind === 'int' || t.kind === 'ptr' || t.kind === 'float';
}
export function isPointerLike(t: Type): boolean {
  return t.kind === 'ptr' || t.kind === 'array' || t.kind === 'func';
}

export function sizeOf(t: Type): number {
  switch (t.kind) {
    case 'void':
      return 1; // GNU: arithmetic on void * steps by 1
    case 'int':
    case 'float':
      return t.size;
    case 'ptr':
      return 8;
    case 'array':
      return (t.len ?? 0) * sizeOf(t.of);
    case 'struct':
      return t.def.size;
    case 'func':
      return 1;
  }
}

export function alignOf(t: Type): number {
  switch (t.kind) {
    case 'array':
      return alignOf(t.of);
    case 'struct':
      return t.def.align;
    case 'int':
    case 'float':
      return t.size; // __int128 is 16-aligned on BPF, as in clang's data layout
    default:
      return Math.min(sizeOf(t), 8);
  }
}

export function isComplete(t: Type): boolean {
  if (t.kind === 'void') return false;
  if (t.kind === 'struct') return t.def.complete;
  if (t.kind === 'array') return t.len !== undefined && isComplete(t.of);
  return true;
}

/** Integer promotion: types narrower than int (and _Bool, enums) become int. */
export function promote(t: IntType): IntType {
  return t.size < 4 ? T.int : t.enumTag !== undefined ? (t.signed ? T.int : T.uint) : unqualified(t);
}

export function unqualified<U extends Type>(t: U): U {
  if (!t.const && !t.volatile) return t;
  return { ...t, const: undefined, volatile: undefined } as U;
}

/** The type without the typedef it was spelled through (and without qualifiers). */
export function canonical<U extends Type>(t: U): U {
  if (!t.typedef && !t.const && !t.volatile) return t;
  return { ...t, const: undefined, volatile: undefined, typedef: undefined } as U;
}

/** The usual arithmetic conversions for two integer operands. */
export function usualArithmetic(a: IntType, b: IntType): IntType {
  const x = promote(a);
  const y = promote(b);
  if (x.size === y.size && x.signed === y.signed) return x.size === 8 ? (x.signed ? T.long : T.ulong) : x;
  if (x.signed === y.signed) return x.size > y.size ? x : y;
  const [u, s] = x.signed ? [y, x] : [x, y];
  if (u.size >= s.size) return u.size === 8 ? T.ulong : u;
  return s.size === 8 ? T.long : s;
}

/** Compatible enough for assignment without a diagnostic (pointer qualifiers ignored). */
export function sameType(a: Type, b: Type): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'int':
      return (
        a.size === (b as IntType).size &&
        a.signed === (b as IntType).signed &&
        !!a.bool === !!(b as IntType).bool
      );
    case 'ptr':
      return sameType(a.to, (b as PtrType).to);
    case 'array':
      return sameType(a.of, (b as ArrayType).of);
    case 'struct':
      return a.def === (b as StructType).def;
    case 'float':
      return a.size === (b as FloatType).size;
    default:
      return true;
  }
}

/** C spelling of a type, with an optional declarator name: `char (*)[4]`, `unsigned int x`. */
export function typeToString(t: Type, name = ''): string {
  const q = (x: Type) => `${x.const ? 'const ' : ''}${x.volatile ? 'volatile ' : ''}`;
  switch (t.kind) {
    case 'void':
      return `${q(t)}void${name ? ` ${name}` : ''}`;
    case 'int':
    case 'float': {
      const base = t.kind === 'int' && t.enumTag !== undefined ? `enum ${t.enumTag}` : t.name;
      return `${q(t)}${base}${name ? ` ${name}` : ''}`;
    }
    case 'struct': {
      const base = `${t.def.union ? 'union' : 'struct'} ${t.def.tag ?? '(anonymous)'}`;
      return `${q(t)}${base}${name ? ` ${name}` : ''}`;
    }
    case 'ptr': {
      const inner = `*${t.const ? 'const ' : ''}${name}`.trimEnd();
      const needParens = t.to.kind === 'array' || t.to.kind === 'func';
      return typeToString(unqualified(t.to) === t.to ? t.to : t.to, needParens ? `(${inner})` : inner);
    }
    case 'array':
      return typeToString(t.of, `${name}[${t.len ?? ''}]`);
    case 'func': {
      const params = t.params.map((p) => typeToString(p.type)).concat(t.variadic ? ['...'] : []);
      return typeToString(
        t.ret,
        `${name}(${params.length ? params.join(', ') : t.unprototyped ? '' : 'void'})`,
      );
    }
  }
}

/** A member as declared, before layout. */
export interface FieldDecl {
  name: string | undefined;
  type: Type;
  bitWidth?: number;
  /** `aligned(N)` on the member. */
  align?: number;
  /** `packed` on the member alone. */
  packed?: boolean;
  btfDeclTags?: string[];
}

/**
 * Lays out members in declaration order; returns the completed definition. `maxAlign` is a
 * `#pragma pack(N)` in force: no member is aligned more than N.
 */
export function layoutStruct(def: StructDef, fields: FieldDecl[], maxAlign?: number): StructDef {
  const layout = new RecordLayout(def, maxAlign);
  def.members = [];
  for (const f of fields) layout.add(f);
  for (const f of fields) {
    if (f.btfDeclTags === undefined || f.name === undefined) continue;
    const m = def.members.find((x) => x.name === f.name);
    if (m) m.btfDeclTags = f.btfDeclTags;
  }
  if (!def.union) layout.size = Math.ceil(layout.bit / 8);
  def.align = Math.max(def.align, layout.align);
  def.size = roundUp(layout.size, def.align);
  def.complete = true;
  return def;
}

/**
 * The layout of one struct or union as its members are added. Bit-fields are placed by their
 * own (rarely run) method, which keeps the common path small.
 */
class RecordLayout {
  /** Current position in bits. */
  bit = 0;
  align = 1;
  size = 0;

  constructor(
    private readonly def: StructDef,
    private readonly maxAlign: number | undefined,
  ) {}

  add(f: FieldDecl): void {
    const def = this.def;
    const fsize = sizeOf(f.type);
    const natural = def.packed || f.packed ? (f.align ?? 1) : Math.max(alignOf(f.type), f.align ?? 1);
    const falign = this.maxAlign === undefined ? natural : Math.min(natural, this.maxAlign);
    if (f.bitWidth !== undefined) {
      this.addBitField(f, f.bitWidth, fsize, falign);
      return;
    }
    this.align = Math.max(this.align, falign);
    if (def.union) {
      def.members.push(member(f, 0, undefined, undefined));
      this.size = Math.max(this.size, fsize);
      return;
    }
    this.bit = roundUp(this.bit, falign * 8);
    def.members.push(member(f, this.bit / 8, undefined, undefined));
    this.bit += fsize * 8;
  }

  private addBitField(f: FieldDecl, bitWidth: number, fsize: number, falign: number): void {
    const def = this.def;
    const maxAlign = this.maxAlign;
    const unitBits = fsize * 8;
    if (def.union) {
      if (f.name !== undefined) this.align = Math.max(this.align, falign);
      this.size = Math.max(this.size, Math.ceil(bitWidth / 8));
      if (f.name !== undefined && bitWidth > 0) def.members.push(member(f, 0, bitWidth, 0));
      return;
    }
    if (bitWidth === 0) {
      this.bit = roundUp(this.bit, alignOf(f.type) * 8);
      return;
    }
    let bit = this.bit;
    // Start a new storage unit if the field would straddle one of its type's alignment.
    if (!def.packed && Math.floor(bit / unitBits) !== Math.floor((bit + bitWidth - 1) / unitBits)) {
      bit = roundUp(bit, falign * 8);
    }
    if (f.name !== undefined) {
      this.align = Math.max(this.align, falign);
      // clang: under #pragma pack, a packed record still takes its bit-fields' type alignment
      // (capped by the pack) as its own.
      if (maxAlign !== undefined && (def.packed || f.packed))
        this.align = Math.max(this.align, Math.min(alignOf(f.type), maxAlign));
      const unitStart = def.packed ? Math.floor(bit / 8) : Math.floor(bit / (falign * 8)) * falign;
      def.members.push(member(f, unitStart, bitWidth, bit));
    }
    this.bit = bit + bitWidth;
  }
}

/** A member laid out (every member has every field: one object layout). */
function member(
  f: FieldDecl,
  offset: number,
  bitWidth: number | undefined,
  bitOffset: number | undefined,
): Member {
  return { name: f.name, type: f.type, offset, bitWidth, bitOffset, btfDeclTags: undefined };
}

export function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

export interface FoundMember {
  member: Member;
  /** Byte offset from the start of the outer struct (anonymous members flattened). */
  offset: number;
}

/** Finds a member by name, looking into anonymous struct/union members. */
export function findMember(def: StructDef, name: string): FoundMember | undefined {
  for (const m of def.members) {
    if (m.name === name) return { member: m, offset: m.offset };
    if (m.name === undefined && m.type.kind === 'struct') {
      const inner = findMember(m.type.def, name);
      if (inner) {
        const bitShift = m.offset * 8;
        const member =
          inner.member.bitOffset !== undefined
            ? { ...inner.member, bitOffset: inner.member.bitOffset + bitShift }
            : inner.member;
        return { member, offset: m.offset + inner.offset };
      }
    }
  }
  return undefined;
}
