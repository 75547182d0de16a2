/**
 * `.BTF` and `.BTF.ext` parsing into plain data. Both are in the object's byte order. Throws
 * only `ElfError` (naming the section and offset).
 */
import type { Endian } from '@tbpf/isa';
import { ByteReader } from '../elf/byte-reader.js';
import { ElfError } from '../elf/errors.js';
import type { BtfEnumValue, BtfKind, BtfLinkage, BtfSpec, BtfType } from './btf-types.js';

export const BTF_MAGIC = 0xeb9f;

const KINDS: BtfKind[] = [
  'void',
  'int',
  'ptr',
  'array',
  'struct',
  'union',
  'enum',
  'fwd',
  'typedef',
  'volatile',
  'const',
  'restrict',
  'func',
  'func_proto',
  'var',
  'datasec',
  'float',
  'decl_tag',
  'type_tag',
  'enum64',
];
const LINKAGES: BtfLinkage[] = ['static', 'global', 'extern'];

/** Parsed `.BTF`: the types plus the raw string table (which `.BTF.ext` refers to). */
export interface BtfData extends BtfSpec {
  strings: ByteReader;
}

function header(r: ByteReader, what: string): { hdrLen: number; fields: number[] } {
  const magic = r.u16(0, 'magic');
  if (magic !== BTF_MAGIC) throw new ElfError(`bad ${what} magic 0x${magic.toString(16)}`, r.section, 0);
  const version = r.u8(2, 'version');
  if (version !== 1) throw new ElfError(`unsupported ${what} version ${version}`, r.section, 2);
  const hdrLen = r.u32(4, 'header length');
  if (hdrLen < 8 || hdrLen > r.length) throw new ElfError(`bad header length ${hdrLen}`, r.section, 4);
  const fields: number[] = [];
  for (let at = 8; at + 4 <= hdrLen; at += 4) fields.push(r.u32(at));
  return { hdrLen, fields };
}

export function readBtf(bytes: Uint8Array, endian: Endian, section = '.BTF'): BtfData {
  const r = new ByteReader(bytes, endian, section);
  const { hdrLen, fields } = header(r, 'BTF');
  if (fields.length < 4) throw new ElfError(`header length ${hdrLen} is too short`, section, 4);
  const [typeOff, typeLen, strOff, strLen] = fields;
  const types = new ByteReader(r.slice(hdrLen + typeOff, typeLen, 'type section'), endian, section);
  const strings = new ByteReader(
    r.slice(hdrLen + strOff, strLen, 'string section'),
    endian,
    `${section} strings`,
  );
  const name = (off: number, what: string) => (off === 0 ? '' : strings.cstring(off, what));
  const out: BtfType[] = [{ kind: 'void', name: '' }];
  let at = 0;
  while (at < typeLen) {
    const id = out.length;
    const what = `type ${id}`;
    const nameOff = types.u32(at, what);
    const info = types.u32(at + 4, what);
    const sizeOrType = types.u32(at + 8, what);
    const vlen = info & 0xffff;
    const kindNo = (info >>> 24) & 0x1f;
    const kindFlag = info >>> 31 === 1;
    const kind = KINDS[kindNo];
    if (kind === undefined || kind === 'void')
      throw new ElfError(`${what} has unknown kind ${kindNo}`, section, at);
    const n = name(nameOff, `name of ${what}`);
    at += 12;
    switch (kind) {
      case 'int': {
        const enc = types.u32(at, what);
        at += 4;
        const e = (enc >>> 24) & 0xf;
        out.push({
          kind,
          name: n,
          size: sizeOrType,
          bits: enc & 0xff,
          offset: (enc >>> 16) & 0xff,
          signed: (e & 1) !== 0,
          char: (e & 2) !== 0,
          bool: (e & 4) !== 0,
        });
        break;
      }
      case 'ptr':
      case 'typedef':
      case 'volatile':
      case 'const':
      case 'restrict':
      case 'type_tag':
        out.push({ kind, name: n, type: sizeOrType });
        break;
      case 'fwd':
        out.push({ kind, name: n, union: kindFlag });
        break;
      case 'float':
        out.push({ kind, name: n, size: sizeOrType });
        break;
      case 'func':
        out.push({ kind, name: n, type: sizeOrType, linkage: LINKAGES[vlen] ?? 'static' });
        break;
      case 'array':
        out.push({
          kind,
          name: n,
          elemType: types.u32(at, what),
          indexType: types.u32(at + 4, what),
          nelems: types.u32(at + 8, what),
        });
        at += 12;
        break;
      case 'struct':
      case 'union': {
        const members = [];
        for (let i = 0; i < vlen; i++, at += 12) {
          const raw = types.u32(at + 8, what);
          members.push({
            name: name(types.u32(at, what), `member name of ${what}`),
            type: types.u32(at + 4, what),
            bitOffset: kindFlag ? raw & 0xffffff : raw,
            bitSize: kindFlag ? raw >>> 24 : 0,
          });
        }
        out.push({ kind, name: n, size: sizeOrType, members });
        break;
      }
      case 'enum':
      case 'enum64': {
        const values: BtfEnumValue[] = [];
        const rec = kind === 'enum' ? 8 : 12;
        for (let i = 0; i < vlen; i++, at += rec) {
          const vname = name(types.u32(at, what), `enumerator name of ${what}`);
          let value: bigint;
          if (kind === 'enum')
            value = kindFlag ? BigInt(types.i32(at + 4, what)) : BigInt(types.u32(at + 4, what));
          else {
            const v = (BigInt(types.u32(at + 8, what)) << 32n) | BigInt(types.u32(at + 4, what));
            value = kindFlag ? BigInt.asIntN(64, v) : v;
          }
          values.push({ name: vname, value });
        }
        out.push({ kind, name: n, size: sizeOrType, signed: kindFlag, values });
        break;
      }
      case 'func_proto': {
        const params = [];
        for (let i = 0; i < vlen; i++, at += 8) {
          params.push({
            name: name(types.u32(at, what), `parameter name of ${what}`),
            type: types.u32(at + 4, what),
          });
        }
        out.push({ kind, name: n, returnType: sizeOrType, params });
        break;
      }
      case 'var':
        out.push({ kind, name: n, type: sizeOrType, linkage: LINKAGES[types.u32(at, what)] ?? 'static' });
        at += 4;
        break;
      case 'datasec': {
        const vars = [];
        for (let i = 0; i < vlen; i++, at += 12) {
          vars.push({
            type: types.u32(at, what),
            offset: types.u32(at + 4, what),
            size: types.u32(at + 8, what),
          });
        }
        out.push({ kind, name: n, size: sizeOrType, vars });
        break;
      }
      case 'decl_tag':
        out.push({ kind, name: n, type: sizeOrType, componentIdx: types.i32(at, what) });
        at += 4;
        break;
    }
  }
  return { types: out, strings };
}

/** Follow typedef/const/volatile/restrict/type_tag to the underlying type id. */
export function skipModifiers(btf: BtfSpec, id: number): number {
  for (let hops = 0; hops < 64; hops++) {
    const t = btf.types[id];
    if (!t) return id;
    if (
      t.kind === 'typedef' ||
      t.kind === 'const' ||
      t.kind === 'volatile' ||
      t.kind === 'restrict' ||
      t.kind === 'type_tag'
    ) {
      id = t.type;
    } else return id;
  }
  return id;
}

/** Size in bytes of a type, or undefined (void, functions, forward declarations, cycles). */
export function btfSizeOf(btf: BtfSpec, id: number, depth = 0): number | undefined {
  if (depth > 64) return undefined;
  const t = btf.types[skipModifiers(btf, id)];
  if (!t) return undefined;
  switch (t.kind) {
    case 'int':
    case 'struct':
    case 'union':
    case 'enum':
    case 'enum64':
    case 'float':
    case 'datasec':
      return t.size;
    case 'ptr':
      return 8;
    case 'array': {
      const elem = btfSizeOf(btf, t.elemType, depth + 1);
      return elem === undefined ? undefined : elem * t.nelems;
    }
    case 'var':
      return btfSizeOf(btf, t.type, depth + 1);
    default:
      return undefined;
  }
}

export interface BtfExtFuncInfo {
  section: string;
  /** Byte offset in the section. */
  insnOffset: number;
  typeId: number;
}

export interface BtfExtLineInfo {
  section: string;
  insnOffset: number;
  file: string;
  source: string;
  line: number;
  column: number;
}

/** CO-RE relocation kinds (enum bpf_core_relo_kind). */
export const CORE_RELO_KINDS = [
  'field_byte_offset',
  'field_byte_size',
  'field_exists',
  'field_signed',
  'field_lshift_u64',
  'field_rshift_u64',
  'type_id_local',
  'type_id_target',
  'type_exists',
  'type_size',
  'enumval_exists',
  'enumval_value',
  'type_matches',
];

export interface BtfExtCoreRelo {
  section: string;
  insnOffset: number;
  typeId: number;
  accessString: string;
  kind: string;
}

export interface BtfExt {
  funcInfo: BtfExtFuncInfo[];
  lineInfo: BtfExtLineInfo[];
  coreRelos: BtfExtCoreRelo[];
}

/** Parse `.BTF.ext`; names are resolved through the `.BTF` string table. */
export function readBtfExt(bytes: Uint8Array, endian: Endian, btf: BtfData, section = '.BTF.ext'): BtfExt {
  const r = new ByteReader(bytes, endian, section);
  const { hdrLen, fields } = header(r, 'BTF.ext');
  if (fields.length < 4) throw new ElfError(`header length ${hdrLen} is too short`, section, 4);
  const str = (off: number, what: string) => (off === 0 ? '' : btf.strings.cstring(off, what));
  const ext: BtfExt = { funcInfo: [], lineInfo: [], coreRelos: [] };
  const blocks = (
    off: number,
    len: number,
    minRec: number,
    each: (sec: string, rec: ByteReader, at: number) => void,
  ) => {
    if (len === 0) return;
    const sub = new ByteReader(r.slice(hdrLen + off, len, 'info block'), endian, section);
    const recSize = sub.u32(0, 'record size');
    if (recSize < minRec || recSize > 1024)
      throw new ElfError(`record size ${recSize} is invalid`, section, hdrLen + off);
    let at = 4;
    while (at < len) {
      const sec = str(sub.u32(at, 'section name'), 'section name');
      const count = sub.u32(at + 4, 'record count');
      at += 8;
      sub.check(at, count * recSize, `${count} records`);
      for (let i = 0; i < count; i++, at += recSize) each(sec, sub, at);
    }
  };
  blocks(fields[0], fields[1], 8, (sec, rec, at) => {
    ext.funcInfo.push({ section: sec, insnOffset: rec.u32(at), typeId: rec.u32(at + 4) });
  });
  blocks(fields[2], fields[3], 16, (sec, rec, at) => {
    const lineCol = rec.u32(at + 12);
    ext.lineInfo.push({
      section: sec,
      insnOffset: rec.u32(at),
      file: str(rec.u32(at + 4), 'file name'),
      source: str(rec.u32(at + 8), 'source line'),
      line: lineCol >>> 10,
      column: lineCol & 0x3ff,
    });
  });
  if (fields.length >= 6) {
    blocks(fields[4], fields[5], 16, (sec, rec, at) => {
      const kind = rec.u32(at + 12);
      ext.coreRelos.push({
        section: sec,
        insnOffset: rec.u32(at),
        typeId: rec.u32(at + 4),
        accessString: str(rec.u32(at + 8), 'access string'),
        kind: CORE_RELO_KINDS[kind] ?? `kind_${kind}`,
      });
    });
  }
  return ext;
}
