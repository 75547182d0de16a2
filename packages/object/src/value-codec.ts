/**
 * Map keys and values as JavaScript values, decoded from (and encoded to) bytes by their BTF
 * type — what cilium/ebpf's map marshalling and bpftool's `map dump` (with BTF) do:
 *
 * - integers: `number` up to 4 bytes, `bigint` for 8 and 16 (signedness from BTF), `boolean`
 *   for `_Bool`; enums as their number (bigint when 8 bytes); floats as `number`; pointers
 *   as `bigint`;
 * - `char` arrays as strings (up to the first NUL, UTF-8); other arrays as arrays;
 * - structs and unions as objects by member name (anonymous members merged in, bitfields
 *   as numbers); a global-data section (DATASEC) as an object by variable name.
 *
 * Without BTF (legacy map definitions, RFC tables) the size decides: 1, 2 and 4 bytes are an
 * unsigned `number`, 8 bytes a `bigint`, anything else a `Uint8Array`. Encoding accepts the
 * same shapes, and a `Uint8Array` of the exact size for any type.
 */
import { type BtfSpec, type BtfType, btfSizeOf, type GlobalVariable } from '@tbpf/asm';
import { ObjectError } from './errors.js';

/** What a decoded key or value can be. */
export type BtfValue =
  | number
  | bigint
  | boolean
  | string
  | Uint8Array
  | BtfValue[]
  | { [name: string]: BtfValue };

/** Decodes and encodes one type. */
export interface ValueCodec {
  readonly size: number;
  decode(bytes: Uint8Array): BtfValue;
  encode(value: unknown): Uint8Array;
}

/** `what`: named in errors, e.g. `map counts key`. */
export function btfCodec(btf: BtfSpec, typeId: number, what: string): ValueCodec {
  const size = btfSizeOf(btf, typeId);
  if (size === undefined) throw new ObjectError(`${what}: BTF type ${typeId} has no size`, 'open');
  const c = new BtfWalker(btf, what);
  return {
    size,
    decode: (bytes) => c.decode(typeId, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0),
    encode: (value) => {
      if (value instanceof Uint8Array) return exactBytes(value, size, what);
      const out = new Uint8Array(size);
      c.encode(typeId, value, new DataView(out.buffer), 0, what);
      return out;
    },
  };
}

/** A codec by size alone (no BTF). */
export function sizeCodec(size: number, what: string): ValueCodec {
  return {
    size,
    decode: (bytes) => {
      const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (size === 8) return v.getBigUint64(0, true);
      if (size === 1 || size === 2 || size === 4) return readUint(v, 0, size);
      return bytes.slice();
    },
    encode: (value) => {
      if (value instanceof Uint8Array) return exactBytes(value, size, what);
      if (size !== 1 && size !== 2 && size !== 4 && size !== 8)
        throw new ObjectError(`${what}: ${size} bytes without BTF: give a Uint8Array`, 'map');
      const out = new Uint8Array(size);
      writeInt(new DataView(out.buffer), 0, size, false, value, what);
      return out;
    },
  };
}

/** A global-data map without BTF: its ELF symbols, each decoded by size. */
export function variablesCodec(size: number, vars: readonly GlobalVariable[], what: string): ValueCodec {
  const parts = vars.map((v) => ({ v, codec: sizeCodec(v.size, `${what} ${v.name}`) }));
  return {
    size,
    decode: (bytes) =>
      Object.fromEntries(
        parts.map(({ v, codec }) => [v.name, codec.decode(bytes.subarray(v.offset, v.offset + v.size))]),
      ),
    encode: (value) => {
      if (value instanceof Uint8Array) return exactBytes(value, size, what);
      const out = new Uint8Array(size);
      const obj = asObject(value, what);
      checkKeys(
        obj,
        vars.map((v) => v.name),
        what,
      );
      for (const { v, codec } of parts)
        if (obj[v.name] !== undefined) out.set(codec.encode(obj[v.name]), v.offset);
      return out;
    },
  };
}

function exactBytes(value: Uint8Array, size: number, what: string): Uint8Array {
  if (value.length !== size)
    throw new ObjectError(`${what}: ${value.length} bytes given, the type has ${size}`, 'map');
  return value.slice();
}

function readUint(v: DataView, at: number, size: number): number {
  return size === 1 ? v.getUint8(at) : size === 2 ? v.getUint16(at, true) : v.getUint32(at, true);
}

function readInt(v: DataView, at: number, size: number): number {
  return size === 1 ? v.getInt8(at) : size === 2 ? v.getInt16(at, true) : v.getInt32(at, true);
}

/** Store an integer of `size` bytes; accepts the signed and the unsigned range (C's conversion). */
function writeInt(
  v: DataView,
  at: number,
  size: number,
  signed: boolean,
  value: unknown,
  what: string,
): void {
  if (typeof value === 'boolean') value = value ? 1 : 0;
  const small = size <= 4 && size !== 3;
  if (small && typeof value === 'number' && Number.isInteger(value)) {
    const bits = size * 8;
    if (value < -(2 ** (bits - 1)) || value >= 2 ** bits) throw tooBig(value, size, signed, what);
    if (size === 1) v.setUint8(at, value & 0xff);
    else if (size === 2) v.setUint16(at, value & 0xffff, true);
    else v.setUint32(at, value >>> 0, true);
    return;
  }
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isInteger(value)) n = BigInt(value);
  else throw new ObjectError(`${what}: expected an integer, got ${describe(value)}`, 'map');
  const bits = BigInt(size * 8);
  if (n < -(1n << (bits - 1n)) || n > (1n << bits) - 1n) throw tooBig(n, size, signed, what);
  if (size === 8) {
    v.setBigUint64(at, BigInt.asUintN(64, n), true);
    return;
  }
  const u = BigInt.asUintN(size * 8, n);
  for (let i = 0; i < size; i++) v.setUint8(at + i, Number((u >> BigInt(8 * i)) & 0xffn));
}

function tooBig(n: number | bigint, size: number, signed: boolean, what: string): ObjectError {
  return new ObjectError(
    `${what}: ${n} does not fit in ${size} byte${size === 1 ? '' : 's'}${signed ? ' (signed)' : ''}`,
    'map',
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `'${value}'` : typeof value;
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ObjectError(`${what}: expected an object, got ${describe(value)}`, 'map');
  return value as Record<string, unknown>;
}

function checkKeys(obj: Record<string, unknown>, known: readonly string[], what: string): void {
  for (const k in obj)
    if (!known.includes(k))
      throw new ObjectError(`${what}: no member '${k}' (members: ${known.join(', ')})`, 'map');
}

const utf8 = new TextDecoder();
const toUtf8 = new TextEncoder();

/** The text before the first NUL, as UTF-8 (ASCII without a decoder: names are short). */
function cString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  const text = nul < 0 ? bytes : bytes.subarray(0, nul);
  for (const b of text) if (b >= 0x80) return utf8.decode(text);
  return String.fromCharCode(...text);
}

type Member = { name: string; type: number; bitOffset: number; bitSize: number };

/** Walks BTF types over a DataView; what it works out per type (resolution, members, sizes) is kept. */
class BtfWalker {
  private readonly resolved = new Map<number, number>();
  private readonly memberLists = new Map<number, Member[]>();
  private readonly sizes = new Map<number, number>();

  constructor(
    private readonly btf: BtfSpec,
    private readonly what: string,
  ) {}

  private type(id: number): BtfType {
    const t = this.btf.types[id];
    if (!t) throw new ObjectError(`${this.what}: BTF type ${id} does not exist`, 'open');
    return t;
  }

  /** Follow typedefs and qualifiers. */
  private resolve(id: number): number {
    let r = this.resolved.get(id);
    if (r === undefined) {
      r = this.follow(id);
      this.resolved.set(id, r);
    }
    return r;
  }

  private follow(id: number): number {
    for (let hops = 0; hops < 64; hops++) {
      const t = this.type(id);
      if (
        t.kind === 'typedef' ||
        t.kind === 'const' ||
        t.kind === 'volatile' ||
        t.kind === 'restrict' ||
        t.kind === 'type_tag' ||
        t.kind === 'var'
      )
        id = t.type;
      else return id;
    }
    throw new ObjectError(`${this.what}: BTF type chain too long`, 'open');
  }

  private size(id: number): number {
    let n = this.sizes.get(id);
    if (n === undefined) {
      n = btfSizeOf(this.btf, id) ?? 0;
      this.sizes.set(id, n);
    }
    return n;
  }

  /**
   * Plain `char`: arrays of it are strings. Not `unsigned char` or `signed char` (`__u8`,
   * `__s8`: bytes), whatever BTF_INT_CHAR says — compilers set that flag differently.
   */
  private isChar(id: number): boolean {
    const t = this.type(this.resolve(id));
    return t.kind === 'int' && t.size === 1 && t.name === 'char';
  }

  /** Struct/union members, with anonymous members' members merged in. */
  private members(id: number): Member[] {
    let list = this.memberLists.get(id);
    if (!list) {
      list = this.flatten(this.type(id) as Extract<BtfType, { kind: 'struct' | 'union' }>, 0);
      this.memberLists.set(id, list);
    }
    return list;
  }

  private flatten(t: Extract<BtfType, { kind: 'struct' | 'union' }>, bitBase: number): Member[] {
    const out: Member[] = [];
    for (const m of t.members) {
      const inner = this.type(this.resolve(m.type));
      if (m.name === '' && (inner.kind === 'struct' || inner.kind === 'union'))
        out.push(...this.flatten(inner, bitBase + m.bitOffset));
      else out.push({ ...m, bitOffset: bitBase + m.bitOffset });
    }
    return out;
  }

  decode(id: number, v: DataView, at: number): BtfValue {
    const rid = this.resolve(id);
    const t = this.type(rid);
    switch (t.kind) {
      case 'int': {
        if (t.bool) return v.getUint8(at) !== 0;
        if (t.size <= 4 && t.size !== 3) return t.signed ? readInt(v, at, t.size) : readUint(v, at, t.size);
        if (t.size === 8) return t.signed ? v.getBigInt64(at, true) : v.getBigUint64(at, true);
        if (t.size === 16) {
          const n = v.getBigUint64(at, true) | (v.getBigUint64(at + 8, true) << 64n);
          return t.signed ? BigInt.asIntN(128, n) : n;
        }
        return this.bytes(v, at, t.size);
      }
      case 'enum':
      case 'enum64':
        if (t.size === 8) return t.signed ? v.getBigInt64(at, true) : v.getBigUint64(at, true);
        return t.signed ? readInt(v, at, t.size) : readUint(v, at, t.size);
      case 'float':
        if (t.size === 4) return v.getFloat32(at, true);
        if (t.size === 8) return v.getFloat64(at, true);
        return this.bytes(v, at, t.size);
      case 'ptr':
        return v.getBigUint64(at, true);
      case 'array': {
        if (this.isChar(t.elemType)) {
          return cString(new Uint8Array(v.buffer, v.byteOffset + at, t.nelems));
        }
        const step = this.size(t.elemType);
        return Array.from({ length: t.nelems }, (_, i) => this.decode(t.elemType, v, at + i * step));
      }
      case 'struct':
      case 'union': {
        const obj: { [name: string]: BtfValue } = {};
        for (const m of this.members(rid)) {
          obj[m.name] =
            m.bitSize > 0
              ? this.readBits(v, at, m.bitOffset, m.bitSize, m.type)
              : this.decode(m.type, v, at + m.bitOffset / 8);
        }
        return obj;
      }
      case 'datasec': {
        const obj: { [name: string]: BtfValue } = {};
        for (const s of t.vars) {
          const vt = this.type(s.type);
          if (vt.kind === 'var') obj[vt.name] = this.decode(vt.type, v, at + s.offset);
        }
        return obj;
      }
      default:
        return this.bytes(v, at, this.size(rid));
    }
  }

  private bytes(v: DataView, at: number, size: number): Uint8Array {
    return new Uint8Array(v.buffer.slice(v.byteOffset + at, v.byteOffset + at + size));
  }

  private readBits(
    v: DataView,
    at: number,
    bitOffset: number,
    bitSize: number,
    type: number,
  ): number | bigint {
    let n = 0n;
    for (let i = 0; i < bitSize; i++) {
      const bit = bitOffset + i;
      if ((v.getUint8(at + (bit >> 3)) >> (bit & 7)) & 1) n |= 1n << BigInt(i);
    }
    const t = this.type(this.resolve(type));
    if ((t.kind === 'int' || t.kind === 'enum') && t.signed) n = BigInt.asIntN(bitSize, n);
    return bitSize > 32 ? n : Number(n);
  }

  private writeBits(
    v: DataView,
    at: number,
    bitOffset: number,
    bitSize: number,
    value: unknown,
    what: string,
  ): void {
    const tmp = new DataView(new ArrayBuffer(8));
    writeInt(tmp, 0, 8, false, value, what);
    const n = tmp.getBigUint64(0, true);
    if (BigInt.asUintN(bitSize, n) !== n && BigInt.asIntN(bitSize, n) !== BigInt.asIntN(64, n))
      throw new ObjectError(`${what}: ${value} does not fit in ${bitSize} bits`, 'map');
    for (let i = 0; i < bitSize; i++) {
      const bit = bitOffset + i;
      const byte = at + (bit >> 3);
      const mask = 1 << (bit & 7);
      const set = (n >> BigInt(i)) & 1n;
      v.setUint8(byte, set ? v.getUint8(byte) | mask : v.getUint8(byte) & ~mask);
    }
  }

  encode(id: number, value: unknown, v: DataView, at: number, what: string): void {
    const rid = this.resolve(id);
    const t = this.type(rid);
    const size = this.size(rid);
    if (value instanceof Uint8Array) {
      new Uint8Array(v.buffer, v.byteOffset + at, size).set(exactBytes(value, size, what));
      return;
    }
    switch (t.kind) {
      case 'int':
        if (t.size === 16) {
          if (typeof value !== 'bigint' && typeof value !== 'number')
            throw new ObjectError(`${what}: expected an integer, got ${describe(value)}`, 'map');
          const n = BigInt.asUintN(128, BigInt(value));
          v.setBigUint64(at, BigInt.asUintN(64, n), true);
          v.setBigUint64(at + 8, n >> 64n, true);
          return;
        }
        writeInt(v, at, t.size, t.signed, value, what);
        return;
      case 'enum':
      case 'enum64': {
        const named = typeof value === 'string' ? t.values.find((e) => e.name === value) : undefined;
        if (typeof value === 'string' && !named)
          throw new ObjectError(
            `${what}: '${value}' is not a value of enum ${t.name || '(anonymous)'} (${t.values.map((e) => e.name).join(', ')})`,
            'map',
          );
        writeInt(v, at, t.size, t.signed, named ? named.value : value, what);
        return;
      }
      case 'float':
        if (typeof value !== 'number')
          throw new ObjectError(`${what}: expected a number, got ${describe(value)}`, 'map');
        if (t.size === 4) v.setFloat32(at, value, true);
        else if (t.size === 8) v.setFloat64(at, value, true);
        else throw new ObjectError(`${what}: ${t.size}-byte floats: give a Uint8Array`, 'map');
        return;
      case 'ptr':
        writeInt(v, at, 8, false, value, what);
        return;
      case 'array': {
        if (this.isChar(t.elemType) && typeof value === 'string') {
          const { read } = toUtf8.encodeInto(value, new Uint8Array(v.buffer, v.byteOffset + at, t.nelems));
          if (read < value.length)
            throw new ObjectError(
              `${what}: '${value}' is ${toUtf8.encode(value).length} bytes, the array holds ${t.nelems}`,
              'map',
            );
          return;
        }
        if (!Array.isArray(value))
          throw new ObjectError(`${what}: expected an array, got ${describe(value)}`, 'map');
        if (value.length > t.nelems)
          throw new ObjectError(
            `${what}: ${value.length} elements given, the array holds ${t.nelems}`,
            'map',
          );
        const step = this.size(t.elemType);
        value.forEach((e, i) => {
          this.encode(t.elemType, e, v, at + i * step, `${what}[${i}]`);
        });
        return;
      }
      case 'struct':
      case 'union': {
        const obj = asObject(value, what);
        const members = this.members(rid);
        checkKeys(
          obj,
          members.map((m) => m.name),
          what,
        );
        for (const m of members) {
          const mv = obj[m.name];
          if (mv === undefined) continue;
          if (m.bitSize > 0) this.writeBits(v, at, m.bitOffset, m.bitSize, mv, `${what}.${m.name}`);
          else this.encode(m.type, mv, v, at + m.bitOffset / 8, `${what}.${m.name}`);
        }
        return;
      }
      case 'datasec': {
        const obj = asObject(value, what);
        const vars = t.vars.flatMap((s) => {
          const vt = this.type(s.type);
          return vt.kind === 'var' ? [{ name: vt.name, type: vt.type, offset: s.offset }] : [];
        });
        checkKeys(
          obj,
          vars.map((x) => x.name),
          what,
        );
        for (const x of vars)
          if (obj[x.name] !== undefined)
            this.encode(x.type, obj[x.name], v, at + x.offset, `${what}.${x.name}`);
        return;
      }
      default:
        throw new ObjectError(`${what}: a ${t.kind} value: give a Uint8Array of ${size} bytes`, 'map');
    }
  }
}
