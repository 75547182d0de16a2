/**
 * The host data arena: C-layout structs in the runtime's linear memory, so filters read the
 * host's own data (DESIGN.md §4). Layouts come from a C header through a type/layout engine
 * (cc-frontend's `parseDeclarations`, or anything producing the same shapes — see
 * `LayoutType`), never from a second description in TypeScript.
 *
 * Host code uses typed views: `const skb = arena.alloc('sk_buff'); skb.len = 128;
 * skb.dev = dev;` — properties compile to DataView reads/writes at fixed offsets. Pointers are
 * stored as BPF addresses (BASE + offset), valid for every engine.
 */
import { BPF_ADDRESS_BASE, latin1 } from './linear.js';

/** The structural subset of a C type the arena needs (cc-frontend's `Type` satisfies it). */
export type LayoutType =
  | { kind: 'void' }
  | { kind: 'int'; size: number; signed: boolean; bool?: boolean }
  | { kind: 'float'; size: number }
  | { kind: 'ptr'; to: LayoutType }
  | { kind: 'array'; of: LayoutType; len: number | undefined }
  | { kind: 'struct'; def: StructDefLike }
  | { kind: 'func' };

/** A struct definition inside a type (cc-frontend's `StructDef`): members may be anonymous. */
export interface StructDefLike {
  tag: string | undefined;
  union: boolean;
  members: readonly {
    name: string | undefined;
    type: LayoutType;
    offset: number;
    bitWidth?: number;
    bitOffset?: number;
  }[];
  size: number;
  align: number;
}

export interface FieldLayout {
  name: string;
  offset: number;
  type: LayoutType;
  /** Bit-fields: bit offset from the start of the struct, and width. */
  bitOffset?: number;
  bitWidth?: number;
}

/** A struct's layout as cc-frontend's `parseDeclarations` returns it (anonymous members flattened). */
export interface StructLayout {
  name: string;
  size: number;
  align: number;
  fields: readonly FieldLayout[];
}

/** Flatten a type's struct definition into a layout (for nested struct members). */
export function layoutOfDef(def: StructDefLike, name = def.tag ?? '(anonymous)'): StructLayout {
  const fields: FieldLayout[] = [];
  const walk = (d: StructDefLike, base: number) => {
    for (const m of d.members) {
      if (m.name === undefined) {
        if (m.type.kind === 'struct') walk(m.type.def, base + m.offset);
        continue;
      }
      const f: FieldLayout = { name: m.name, offset: base + m.offset, type: m.type };
      if (m.bitWidth !== undefined) {
        f.bitWidth = m.bitWidth;
        f.bitOffset = (m.bitOffset ?? 0) + base * 8;
      }
      fields.push(f);
    }
  };
  walk(def, 0);
  return { name, size: def.size, align: def.align, fields };
}

/** What a memory region looks like to the arena (vm's LinearMemory fits). */
export interface ArenaMemory {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  alloc(
    size: number,
    options: { name: string; kind: 'host'; writable: boolean; align?: number },
  ): {
    start: number;
    size: number;
  };
}

export class ArenaError extends Error {
  override name = 'ArenaError';
}

/** A struct instance in the arena. Field properties are added per struct type. */
export interface StructView {
  /** The struct's BPF address (what a pointer field or a probe argument holds). */
  readonly address: number;
  /** Byte offset into the linear memory. */
  readonly offset: number;
  readonly struct: StructLayout;
  // biome-ignore lint/suspicious/noExplicitAny: field properties are generated from the layout
  [field: string]: any;
}

type ViewClass = new (offset: number) => StructView;

interface Binding {
  layout: StructLayout;
  View: ViewClass;
  /** Allocation size (rounded to 8) and the offsets released for reuse. */
  stride: number;
  free: number[];
}

const BINDING = Symbol('arena binding');

const HEADER_ALIGN = 8;

export class Arena {
  readonly start: number;
  readonly size: number;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly words: Uint32Array;
  private next: number;
  private readonly free = new Map<number, number[]>();
  private readonly structs = new Map<string, Binding>();
  private lastTag = '';
  private lastBinding: Binding | undefined;

  constructor(memory: ArenaMemory, size = 1 << 20, name = 'host arena') {
    // Read-only to programs: they reach host data through probe reads only.
    const region = memory.alloc(size, { name, kind: 'host', writable: false, align: 64 });
    this.start = region.start;
    this.size = region.size;
    this.next = region.start;
    this.bytes = memory.bytes;
    this.view = memory.view;
    this.words = new Uint32Array(memory.bytes.buffer, memory.bytes.byteOffset, memory.bytes.byteLength >>> 2);
  }

  /** Make struct layouts available by name: `arena.declare(parseDeclarations(header).structs.values())`. */
  declare(layouts: Iterable<StructLayout>): void {
    for (const l of layouts) {
      const b: Binding = { layout: l, View: makeViewClass(l, this), stride: (l.size + 7) & ~7, free: [] };
      Object.defineProperty(b.View.prototype, BINDING, { value: b });
      this.structs.set(l.name, b);
    }
  }

  layout(tag: string): StructLayout {
    return this.binding(tag).layout;
  }

  has(tag: string): boolean {
    return this.structs.has(tag);
  }

  private binding(tag: string): Binding {
    const b = this.structs.get(tag);
    if (!b) throw new ArenaError(`struct ${tag} is not declared in the arena`);
    return b;
  }

  /** Allocate a zeroed struct. */
  alloc(tag: string): StructView {
    // Hosts allocate the same struct over and over: remember the last one looked up.
    const b = tag === this.lastTag ? (this.lastBinding as Binding) : this.binding(tag);
    this.lastTag = tag;
    this.lastBinding = b;
    return this.allocIn(b);
  }

  /** A function allocating `tag` structs, with the lookup done once (for hot paths). */
  allocator(tag: string): () => StructView {
    const b = this.binding(tag);
    return () => this.allocIn(b);
  }

  private allocIn(b: Binding): StructView {
    const off = b.free.pop();
    return new b.View(off === undefined ? this.bump(b.stride) : this.zeroed(off, b.stride));
  }

  /** Return a struct's bytes for reuse (the view must not be used afterwards). */
  release(v: StructView): void {
    (v as unknown as Record<symbol, Binding>)[BINDING].free.push(v.offset);
  }

  private zeroed(off: number, size: number): number {
    const u8 = this.bytes;
    for (let i = off, end = off + size; i < end; i++) u8[i] = 0;
    return off;
  }

  private bump(stride: number): number {
    if (this.next + stride > this.start + this.size) {
      throw new ArenaError(`arena full: ${this.size} bytes, ${stride} more requested`);
    }
    const off = this.next;
    this.next += stride;
    return off;
  }

  /** Raw allocation of `size` zeroed bytes (8-aligned); returns the offset. */
  allocBytes(size: number): number {
    const stride = (Math.max(1, size) + HEADER_ALIGN - 1) & ~(HEADER_ALIGN - 1);
    const list = this.free.get(stride);
    if (list && list.length > 0) return this.zeroed(list.pop() as number, stride);
    return this.bump(stride);
  }

  releaseBytes(offset: number, size: number): void {
    const stride = (Math.max(1, size) + HEADER_ALIGN - 1) & ~(HEADER_ALIGN - 1);
    const list = this.free.get(stride);
    if (list) list.push(offset);
    else this.free.set(stride, [offset]);
  }

  /** A C string (NUL-terminated, latin-1/UTF-8 bytes) copied into the arena; returns its address. */
  cString(text: string): number {
    const data = new TextEncoder().encode(text);
    const off = this.allocBytes(data.length + 1);
    this.bytes.set(data, off);
    this.bytes[off + data.length] = 0;
    return BPF_ADDRESS_BASE + off;
  }

  /** The struct at a BPF address (e.g. a pointer field's value), or null for NULL. */
  at(tag: string, address: number): StructView | null {
    if (address === 0) return null;
    const off = address - BPF_ADDRESS_BASE;
    const b = this.binding(tag);
    if (off < this.start || off + b.layout.size > this.start + this.size) {
      throw new ArenaError(`0x${address.toString(16)} is not a struct ${tag} in the arena`);
    }
    return (off & 3) === 0 ? new b.View(off) : new (makeViewClass(b.layout, this, false))(off);
  }

  /** True if [address, address + size) lies in the arena. */
  contains(address: number, size = 1): boolean {
    const off = address - BPF_ADDRESS_BASE;
    return off >= this.start && off + size <= this.start + this.size;
  }

  /** Bytes in use (allocated high-water mark). */
  get used(): number {
    return this.next - this.start;
  }

  /** @internal for generated accessors */
  get dataView(): DataView {
    return this.view;
  }
  /** @internal */
  get data(): Uint8Array {
    return this.bytes;
  }
  /** @internal the memory as u32 words, in the host's byte order (little-endian, as the pt_regs context assumes) */
  get data32(): Uint32Array {
    return this.words;
  }
  /** @internal */
  nested(def: StructDefLike, offset: number): StructView {
    const aligned = (offset & 3) === 0;
    const b = def.tag ? this.structs.get(def.tag) : undefined;
    if (b && aligned) return new b.View(offset);
    return new (makeViewClass(b?.layout ?? layoutOfDef(def), this, aligned))(offset);
  }
}

function sizeOfType(t: LayoutType): number {
  switch (t.kind) {
    case 'int':
    case 'float':
      return t.size;
    case 'ptr':
      return 8;
    case 'array':
      return (t.len ?? 0) * sizeOfType(t.of);
    case 'struct':
      return t.def.size;
    default:
      return 1;
  }
}

const encoder = new TextEncoder();

/**
 * Property descriptors for one member; reads and writes go straight to the memory. `aligned`:
 * the struct's offset is a multiple of 4 (see makeViewClass).
 */
function memberAccessor(m: FieldLayout, arena: Arena, aligned: boolean): PropertyDescriptor {
  const at = m.offset;
  const dv = arena.dataView;
  const u8 = arena.data;
  const t = m.type;
  if (m.bitWidth !== undefined) {
    const bitOff = (m.bitOffset ?? 0) - at * 8;
    const width = m.bitWidth;
    const mask = width >= 32 ? 0xffffffff : (1 << width) - 1;
    const signed = t.kind === 'int' && t.signed;
    return {
      get(this: StructView) {
        const word = dv.getUint32(this.offset + at, true) >>> bitOff;
        const v = word & mask;
        return signed && width < 32 && v & (1 << (width - 1)) ? v - (1 << width) : v;
      },
      set(this: StructView, v: number) {
        const o = this.offset + at;
        const word = dv.getUint32(o, true);
        dv.setUint32(o, ((word & ~(mask << bitOff)) | ((v & mask) << bitOff)) >>> 0, true);
      },
    };
  }
  switch (t.kind) {
    case 'int':
      return intAccessor(dv, at, t.size, t.signed, t.bool === true);
    case 'float':
      return t.size === 4
        ? {
            get(this: StructView) {
              return dv.getFloat32(this.offset + at, true);
            },
            set(this: StructView, v: number) {
              dv.setFloat32(this.offset + at, v, true);
            },
          }
        : {
            get(this: StructView) {
              return dv.getFloat64(this.offset + at, true);
            },
            set(this: StructView, v: number) {
              dv.setFloat64(this.offset + at, v, true);
            },
          };
    case 'ptr':
      return aligned && at % 4 === 0 ? wordPointerAccessor(arena.data32, at) : pointerAccessor(dv, at);
    case 'array': {
      const len = t.len ?? 0;
      const elem = t.of;
      if (elem.kind === 'int' && elem.size === 1) {
        return {
          get(this: StructView) {
            const s = this.offset + at;
            let e = s;
            while (e < s + len && u8[e] !== 0) e++;
            return latin1(u8, s, e);
          },
          set(this: StructView, v: string | Uint8Array) {
            const s = this.offset + at;
            const data = typeof v === 'string' ? encoder.encode(v) : v;
            const n = Math.min(data.length, len);
            u8.set(data.subarray(0, n), s);
            u8.fill(0, s + n, s + len);
          },
        };
      }
      const bytes = len * sizeOfType(elem);
      return {
        get(this: StructView) {
          return u8.subarray(this.offset + at, this.offset + at + bytes);
        },
      };
    }
    case 'struct': {
      const def = t.def;
      return {
        get(this: StructView) {
          return arena.nested(def, this.offset + at);
        },
      };
    }
    default:
      return { get: () => undefined };
  }
}

/**
 * A pointer at a 4-aligned offset, read and written as two u32 words (low word first).
 * Hosts read pointers on their hot paths and TurboFan inlines an accessor only while its
 * caller's budget of inlined bytecode lasts: this one is about half of the DataView one's.
 */
function wordPointerAccessor(words: Uint32Array, at: number): PropertyDescriptor {
  return {
    get(this: StructView) {
      const i = (this.offset + at) >>> 2;
      return words[i + 1] * 4294967296 + words[i];
    },
    set(this: StructView, v: number | bigint | { address: number } | null) {
      const n = typeof v === 'number' ? v : pointerValue(v);
      const i = (this.offset + at) >>> 2;
      words[i] = n >>> 0;
      words[i + 1] = Math.floor(n / 4294967296) >>> 0;
    },
  };
}

function pointerAccessor(dv: DataView, at: number): PropertyDescriptor {
  return {
    get(this: StructView) {
      return dv.getUint32(this.offset + at + 4, true) * 4294967296 + dv.getUint32(this.offset + at, true);
    },
    set(this: StructView, v: number | bigint | { address: number } | null) {
      const n = typeof v === 'number' ? v : pointerValue(v);
      dv.setUint32(this.offset + at, n >>> 0, true);
      dv.setUint32(this.offset + at + 4, Math.floor(n / 4294967296) >>> 0, true);
    },
  };
}

/** A pointer field's value from what is not a number: a struct (its address), a bigint, null (0). */
function pointerValue(v: bigint | { address: number } | null | undefined): number {
  return v === null || v === undefined ? 0 : typeof v === 'object' ? v.address : Number(v);
}

function intAccessor(
  dv: DataView,
  at: number,
  size: number,
  signed: boolean,
  bool: boolean,
): PropertyDescriptor {
  switch (size) {
    case 1:
      return bool
        ? {
            get(this: StructView) {
              return dv.getUint8(this.offset + at) !== 0;
            },
            set(this: StructView, v: unknown) {
              dv.setUint8(this.offset + at, v ? 1 : 0);
            },
          }
        : signed
          ? {
              get(this: StructView) {
                return dv.getInt8(this.offset + at);
              },
              set(this: StructView, v: number) {
                dv.setInt8(this.offset + at, v);
              },
            }
          : {
              get(this: StructView) {
                return dv.getUint8(this.offset + at);
              },
              set(this: StructView, v: number) {
                dv.setUint8(this.offset + at, v);
              },
            };
    case 2:
      return signed
        ? {
            get(this: StructView) {
              return dv.getInt16(this.offset + at, true);
            },
            set(this: StructView, v: number) {
              dv.setInt16(this.offset + at, v, true);
            },
          }
        : {
            get(this: StructView) {
              return dv.getUint16(this.offset + at, true);
            },
            set(this: StructView, v: number) {
              dv.setUint16(this.offset + at, v, true);
            },
          };
    case 4:
      return signed
        ? {
            get(this: StructView) {
              return dv.getInt32(this.offset + at, true);
            },
            set(this: StructView, v: number) {
              dv.setInt32(this.offset + at, v, true);
            },
          }
        : {
            get(this: StructView) {
              return dv.getUint32(this.offset + at, true);
            },
            set(this: StructView, v: number) {
              dv.setUint32(this.offset + at, v >>> 0, true);
            },
          };
    default:
      return {
        get(this: StructView) {
          const hi = signed
            ? dv.getInt32(this.offset + at + 4, true)
            : dv.getUint32(this.offset + at + 4, true);
          return hi * 4294967296 + dv.getUint32(this.offset + at, true);
        },
        set(this: StructView, v: number | bigint) {
          if (typeof v === 'bigint') dv.setBigUint64(this.offset + at, BigInt.asUintN(64, v), true);
          else {
            dv.setUint32(this.offset + at, v >>> 0, true);
            dv.setUint32(this.offset + at + 4, Math.floor(v / 4294967296) >>> 0, true);
          }
        },
      };
  }
}

/**
 * A class per struct: instances hold the offset; fields are accessors on the prototype.
 * `aligned` (default): instances sit at offsets that are multiples of 4 — an allocation, or a
 * struct found at such an address — and 4-aligned fields may be accessed by words.
 */
function makeViewClass(l: StructLayout, arena: Arena, aligned = true): ViewClass {
  const View = class {
    // Declared only: class fields would add an initializer to every allocation (and to the
    // bytecode TurboFan weighs when it inlines an allocation into a host's hot loop).
    declare readonly offset: number;
    declare readonly address: number;
    constructor(offset: number) {
      this.offset = offset;
      this.address = BPF_ADDRESS_BASE + offset;
    }
  };
  Object.defineProperty(View.prototype, 'struct', { value: l });
  for (const f of l.fields)
    Object.defineProperty(View.prototype, f.name, { ...memberAccessor(f, arena, aligned), enumerable: true });
  return View as unknown as ViewClass;
}
