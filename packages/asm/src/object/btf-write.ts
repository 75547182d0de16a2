/**
 * BTF output: `BtfBuilder` adds types and returns their ids (for a compiler describing its
 * maps, functions and variables), `encodeBtf` serialises a `BtfSpec` plus `.BTF.ext` func/line
 * info into the bytes of the `.BTF` and `.BTF.ext` sections.
 */
import type { Endian } from '@tbpf/isa';
import { StringTable } from '../elf/write-elf.js';
import { BTF_MAGIC } from './btf-read.js';
import {
  BTF_KIND_NUMBER,
  type BtfLinkage,
  type BtfMember,
  type BtfParam,
  type BtfSpec,
  type BtfType,
  type BtfVarSecInfo,
} from './btf-types.js';

const LINKAGE: Record<BtfLinkage, number> = { static: 0, global: 1, extern: 2 };

/** Builds a BTF type graph. Ids start at 1 (0 is void). */
export class BtfBuilder {
  readonly spec: BtfSpec;

  /** Start empty, or continue an existing type graph (ids are kept). */
  constructor(spec?: BtfSpec) {
    this.spec = spec ?? { types: [{ kind: 'void', name: '' }] };
  }

  add(type: BtfType): number {
    return this.spec.types.push(type) - 1;
  }

  int(
    name: string,
    size: 1 | 2 | 4 | 8 | 16,
    signed = false,
    opts: { char?: boolean; bool?: boolean } = {},
  ): number {
    return this.add({
      kind: 'int',
      name,
      size,
      bits: size * 8,
      offset: 0,
      signed,
      char: !!opts.char,
      bool: !!opts.bool,
    });
  }

  ptr(type: number): number {
    return this.add({ kind: 'ptr', name: '', type });
  }

  array(elemType: number, nelems: number, indexType = this.indexType()): number {
    return this.add({ kind: 'array', name: '', elemType, indexType, nelems });
  }

  struct(name: string, size: number, members: { name: string; type: number; offset: number }[]): number {
    return this.add({
      kind: 'struct',
      name,
      size,
      members: members.map((m) => ({ name: m.name, type: m.type, bitOffset: m.offset * 8, bitSize: 0 })),
    });
  }

  union(name: string, size: number, members: BtfMember[]): number {
    return this.add({ kind: 'union', name, size, members });
  }

  typedef(name: string, type: number): number {
    return this.add({ kind: 'typedef', name, type });
  }

  const(type: number): number {
    return this.add({ kind: 'const', name: '', type });
  }

  volatile(type: number): number {
    return this.add({ kind: 'volatile', name: '', type });
  }

  enum(name: string, size: number, values: { name: string; value: number }[]): number {
    return this.add({
      kind: 'enum',
      name,
      size,
      signed: values.some((v) => v.value < 0),
      values: values.map((v) => ({ name: v.name, value: BigInt(v.value) })),
    });
  }

  funcProto(returnType: number, params: BtfParam[]): number {
    return this.add({ kind: 'func_proto', name: '', returnType, params });
  }

  func(name: string, proto: number, linkage: BtfLinkage = 'global'): number {
    return this.add({ kind: 'func', name, type: proto, linkage });
  }

  var(name: string, type: number, linkage: 'static' | 'global' | 'extern' = 'global'): number {
    return this.add({ kind: 'var', name, type, linkage });
  }

  datasec(name: string, size: number, vars: BtfVarSecInfo[]): number {
    return this.add({ kind: 'datasec', name, size, vars });
  }

  /**
   * Add every type of `spec` (but its void) after the types already here, with its type
   * references moved along; returns the new id of each old one (`id => id + shift`, 0 stays 0).
   */
  append(spec: BtfSpec): (id: number) => number {
    const shift = this.spec.types.length - 1;
    const to = (id: number) => (id === 0 ? 0 : id + shift);
    for (const t of spec.types.slice(1)) this.add(withTypeRefs(t, to));
    return to;
  }

  private indexTypeId = 0;
  /** The `__ARRAY_SIZE_TYPE__` int clang uses as every array's index type. */
  private indexType(): number {
    if (this.indexTypeId === 0) this.indexTypeId = this.int('__ARRAY_SIZE_TYPE__', 4);
    return this.indexTypeId;
  }

  private uintId = 0;
  /**
   * The struct of a BTF-defined map as `__uint`/`__type` produce it: `int (*type)[T]`,
   * `int (*max_entries)[N]`, … and `K *key`, `V *value` when key/value type ids are given
   * (otherwise `key_size`/`value_size` as `__uint`). Returns the struct's id.
   */
  mapDefinition(def: {
    type: number;
    maxEntries: number;
    flags?: number;
    key?: number;
    value?: number;
    keySize?: number;
    valueSize?: number;
  }): number {
    if (this.uintId === 0) this.uintId = this.int('int', 4, true);
    const members: { name: string; type: number; offset: number }[] = [];
    const uint = (name: string, n: number) =>
      members.push({ name, type: this.ptr(this.array(this.uintId, n)), offset: members.length * 8 });
    const typed = (name: string, t: number) =>
      members.push({ name, type: this.ptr(t), offset: members.length * 8 });
    uint('type', def.type);
    uint('max_entries', def.maxEntries);
    if (def.flags) uint('map_flags', def.flags);
    if (def.key !== undefined) typed('key', def.key);
    else if (def.keySize !== undefined) uint('key_size', def.keySize);
    if (def.value !== undefined) typed('value', def.value);
    else if (def.valueSize !== undefined) uint('value_size', def.valueSize);
    return this.struct('', members.length * 8, members);
  }
}

/** A copy of `t` whose type references (member, element, pointee… ids) go through `to`. */
export function withTypeRefs(t: BtfType, to: (id: number) => number): BtfType {
  switch (t.kind) {
    case 'ptr':
    case 'typedef':
    case 'volatile':
    case 'const':
    case 'restrict':
    case 'type_tag':
    case 'func':
    case 'var':
    case 'decl_tag':
      return { ...t, type: to(t.type) };
    case 'array':
      return { ...t, elemType: to(t.elemType), indexType: to(t.indexType) };
    case 'struct':
    case 'union':
      return { ...t, members: t.members.map((m) => ({ ...m, type: to(m.type) })) };
    case 'func_proto':
      return {
        ...t,
        returnType: to(t.returnType),
        params: t.params.map((p) => ({ ...p, type: to(p.type) })),
      };
    case 'datasec':
      return { ...t, vars: t.vars.map((v) => ({ ...v, type: to(v.type) })) };
    case 'enum':
    case 'enum64':
      return { ...t, values: t.values.map((v) => ({ ...v })) };
    default:
      return { ...t };
  }
}

/** One CO-RE relocation (struct bpf_core_relo): kind is an index of CORE_RELO_KINDS. */
export interface BtfCoreRelo {
  insnOffset: number;
  /** Local BTF type id of the root type (a struct, union, enum, …). */
  typeId: number;
  /** Accessor indices joined by ':' ("0:1:2"); "0" for type and enum-value relocations' own forms. */
  accessString: string;
  kind: number;
}

/** func_info / line_info / CO-RE relocations of one code section, with byte offsets inside it. */
export interface BtfExtSection {
  section: string;
  funcInfo: { insnOffset: number; typeId: number }[];
  lineInfo: { insnOffset: number; file: string; source: string; line: number; column: number }[];
  coreRelos?: BtfCoreRelo[];
}

class Out {
  private bytes = new Uint8Array(256);
  private view = new DataView(this.bytes.buffer);
  length = 0;
  constructor(private readonly le: boolean) {}
  private grow(n: number) {
    if (this.length + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    next.set(this.bytes);
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number) {
    this.grow(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
  }
  u16(v: number) {
    this.grow(2);
    this.view.setUint16(this.length, v, this.le);
    this.length += 2;
  }
  u32(v: number) {
    this.grow(4);
    this.view.setUint32(this.length, v >>> 0, this.le);
    this.length += 4;
  }
  raw(b: Uint8Array) {
    this.grow(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
  }
  done(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

function encodeType(t: BtfType, o: Out, str: StringTable): void {
  const info = (vlen: number, kindFlag = false) =>
    (kindFlag ? 0x80000000 : 0) | (BTF_KIND_NUMBER[t.kind] << 24) | (vlen & 0xffff);
  const head = (vlen: number, sizeOrType: number, kindFlag = false) => {
    o.u32(str.add(t.name));
    o.u32(info(vlen, kindFlag));
    o.u32(sizeOrType);
  };
  switch (t.kind) {
    case 'void':
      return;
    case 'int':
      head(0, t.size);
      o.u32(
        (((t.signed ? 1 : 0) | (t.char ? 2 : 0) | (t.bool ? 4 : 0)) << 24) |
          ((t.offset & 0xff) << 16) |
          (t.bits & 0xff),
      );
      return;
    case 'ptr':
    case 'typedef':
    case 'volatile':
    case 'const':
    case 'restrict':
    case 'type_tag':
      head(0, t.type);
      return;
    case 'fwd':
      head(0, 0, t.union);
      return;
    case 'float':
      head(0, t.size);
      return;
    case 'func':
      head(LINKAGE[t.linkage], t.type);
      return;
    case 'array':
      head(0, 0);
      o.u32(t.elemType);
      o.u32(t.indexType);
      o.u32(t.nelems);
      return;
    case 'struct':
    case 'union': {
      const bitfields = t.members.some((m) => m.bitSize !== 0);
      head(t.members.length, t.size, bitfields);
      for (const m of t.members) {
        o.u32(str.add(m.name));
        o.u32(m.type);
        o.u32(bitfields ? (m.bitSize << 24) | m.bitOffset : m.bitOffset);
      }
      return;
    }
    case 'enum':
      head(t.values.length, t.size, t.signed);
      for (const v of t.values) {
        o.u32(str.add(v.name));
        o.u32(Number(BigInt.asUintN(32, v.value)));
      }
      return;
    case 'enum64':
      head(t.values.length, t.size, t.signed);
      for (const v of t.values) {
        const u = BigInt.asUintN(64, v.value);
        o.u32(str.add(v.name));
        o.u32(Number(u & 0xffffffffn));
        o.u32(Number(u >> 32n));
      }
      return;
    case 'func_proto':
      head(t.params.length, t.returnType);
      for (const p of t.params) {
        o.u32(str.add(p.name));
        o.u32(p.type);
      }
      return;
    case 'var':
      head(0, t.type);
      o.u32(LINKAGE[t.linkage]);
      return;
    case 'datasec':
      head(t.vars.length, t.size);
      for (const v of t.vars) {
        o.u32(v.type);
        o.u32(v.offset);
        o.u32(v.size);
      }
      return;
    case 'decl_tag':
      head(0, t.type);
      o.u32(t.componentIdx);
      return;
  }
}

/** Serialise BTF (and, when `ext` is given, `.BTF.ext` func and line info and CO-RE relocations sharing its strings). */
export function encodeBtf(
  spec: BtfSpec,
  endian: Endian,
  ext?: BtfExtSection[],
): { btf: Uint8Array; ext?: Uint8Array } {
  const le = endian === 'little';
  const str = new StringTable();
  const types = new Out(le);
  for (const t of spec.types.slice(1)) encodeType(t, types, str);
  let extBytes: Uint8Array | undefined;
  if (ext) {
    const func = new Out(le);
    const line = new Out(le);
    const core = new Out(le);
    func.u32(8);
    line.u32(16);
    core.u32(16);
    for (const s of ext) {
      if (s.funcInfo.length > 0) {
        func.u32(str.add(s.section));
        func.u32(s.funcInfo.length);
        for (const f of s.funcInfo) {
          func.u32(f.insnOffset);
          func.u32(f.typeId);
        }
      }
      if (s.lineInfo.length > 0) {
        line.u32(str.add(s.section));
        line.u32(s.lineInfo.length);
        for (const l of s.lineInfo) {
          line.u32(l.insnOffset);
          line.u32(str.add(l.file));
          line.u32(str.add(l.source));
          line.u32((l.line << 10) | (l.column & 0x3ff));
        }
      }
      const relos = s.coreRelos ?? [];
      if (relos.length > 0) {
        core.u32(str.add(s.section));
        core.u32(relos.length);
        for (const c of relos) {
          core.u32(c.insnOffset);
          core.u32(c.typeId);
          core.u32(str.add(c.accessString));
          core.u32(c.kind);
        }
      }
    }
    const f = func.done();
    const l = line.done();
    // Like clang: the CO-RE block only when there are relocations (libbpf reads its absence as none).
    const c = ext.some((s) => (s.coreRelos ?? []).length > 0) ? core.done() : new Uint8Array(0);
    const e = new Out(le);
    e.u16(BTF_MAGIC);
    e.u8(1);
    e.u8(0);
    e.u32(32); // header length: through core_relo_len
    e.u32(0);
    e.u32(f.length);
    e.u32(f.length);
    e.u32(l.length);
    e.u32(f.length + l.length);
    e.u32(c.length);
    e.raw(f);
    e.raw(l);
    e.raw(c);
    extBytes = e.done();
  }
  const typeBytes = types.done();
  const strBytes = str.bytes();
  const b = new Out(le);
  b.u16(BTF_MAGIC);
  b.u8(1);
  b.u8(0);
  b.u32(24);
  b.u32(0);
  b.u32(typeBytes.length);
  b.u32(typeBytes.length);
  b.u32(strBytes.length);
  b.raw(typeBytes);
  b.raw(strBytes);
  return extBytes ? { btf: b.done(), ext: extBytes } : { btf: b.done() };
}
