import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
var __defProp = Object.defineProperty;
var __export = (target3, all) => {
  for (var name2 in all)
    __defProp(target3, name2, { get: all[name2], enumerable: true });
};

// packages/trace-host/src/linear.ts
var BPF_ADDRESS_BASE = 4294967296;
function u64Parts(v, out, at) {
  if (typeof v === "number") {
    out[at] = v >>> 0;
    out[at + 1] = Math.floor(v / 4294967296) >>> 0;
  } else if (typeof v === "bigint") {
    out[at] = Number(BigInt.asUintN(32, v));
    out[at + 1] = Number(BigInt.asUintN(32, v >> 32n));
  } else if (typeof v === "boolean") {
    out[at] = v ? 1 : 0;
    out[at + 1] = 0;
  } else if (v !== null && typeof v === "object" && typeof v.address === "number") {
    u64Parts(v.address, out, at);
  } else {
    out[at] = 0;
    out[at + 1] = 0;
  }
}
function toNumber(v) {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(BigInt.asIntN(64, v));
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v !== null && typeof v === "object" && typeof v.address === "number") {
    return v.address;
  }
  return 0;
}
function readCString(mem, addr, max4) {
  const off = addr - BPF_ADDRESS_BASE;
  if (off < 0 || off >= mem.bytes.length) return null;
  const end = Math.min(mem.bytes.length, off + max4);
  let i = off;
  while (i < end && mem.bytes[i] !== 0) i++;
  return latin1(mem.bytes, off, i);
}
function latin1(bytes, from, to) {
  let s = "";
  for (let i = from; i < to; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

// packages/trace-host/src/arena.ts
function layoutOfDef(def, name2 = def.tag ?? "(anonymous)") {
  const fields = [];
  const walk = (d, base) => {
    for (const m of d.members) {
      if (m.name === void 0) {
        if (m.type.kind === "struct") walk(m.type.def, base + m.offset);
        continue;
      }
      const f = { name: m.name, offset: base + m.offset, type: m.type };
      if (m.bitWidth !== void 0) {
        f.bitWidth = m.bitWidth;
        f.bitOffset = (m.bitOffset ?? 0) + base * 8;
      }
      fields.push(f);
    }
  };
  walk(def, 0);
  return { name: name2, size: def.size, align: def.align, fields };
}
var ArenaError = class extends Error {
  name = "ArenaError";
};
var BINDING = Symbol("arena binding");
var HEADER_ALIGN = 8;
var Arena = class {
  start;
  size;
  bytes;
  view;
  next;
  free = /* @__PURE__ */ new Map();
  structs = /* @__PURE__ */ new Map();
  lastTag = "";
  lastBinding;
  constructor(memory2, size = 1 << 20, name2 = "host arena") {
    const region = memory2.alloc(size, { name: name2, kind: "host", writable: false, align: 64 });
    this.start = region.start;
    this.size = region.size;
    this.next = region.start;
    this.bytes = memory2.bytes;
    this.view = memory2.view;
  }
  /** Make struct layouts available by name: `arena.declare(parseDeclarations(header).structs.values())`. */
  declare(layouts) {
    for (const l of layouts) {
      const b = { layout: l, View: makeViewClass(l, this), stride: l.size + 7 & ~7, free: [] };
      Object.defineProperty(b.View.prototype, BINDING, { value: b });
      this.structs.set(l.name, b);
    }
  }
  layout(tag) {
    return this.binding(tag).layout;
  }
  has(tag) {
    return this.structs.has(tag);
  }
  binding(tag) {
    const b = this.structs.get(tag);
    if (!b) throw new ArenaError(`struct ${tag} is not declared in the arena`);
    return b;
  }
  /** Allocate a zeroed struct. */
  alloc(tag) {
    const b = tag === this.lastTag ? this.lastBinding : this.binding(tag);
    this.lastTag = tag;
    this.lastBinding = b;
    return this.allocIn(b);
  }
  /** A function allocating `tag` structs, with the lookup done once (for hot paths). */
  allocator(tag) {
    const b = this.binding(tag);
    return () => this.allocIn(b);
  }
  allocIn(b) {
    const off = b.free.length > 0 ? this.zeroed(b.free.pop(), b.stride) : this.bump(b.stride);
    return new b.View(off);
  }
  /** Return a struct's bytes for reuse (the view must not be used afterwards). */
  release(v) {
    v[BINDING].free.push(v.offset);
  }
  zeroed(off, size) {
    const u8 = this.bytes;
    for (let i = off, end = off + size; i < end; i++) u8[i] = 0;
    return off;
  }
  bump(stride) {
    if (this.next + stride > this.start + this.size) {
      throw new ArenaError(`arena full: ${this.size} bytes, ${stride} more requested`);
    }
    const off = this.next;
    this.next += stride;
    return off;
  }
  /** Raw allocation of `size` zeroed bytes (8-aligned); returns the offset. */
  allocBytes(size) {
    const stride = Math.max(1, size) + HEADER_ALIGN - 1 & ~(HEADER_ALIGN - 1);
    const list = this.free.get(stride);
    if (list && list.length > 0) return this.zeroed(list.pop(), stride);
    return this.bump(stride);
  }
  releaseBytes(offset, size) {
    const stride = Math.max(1, size) + HEADER_ALIGN - 1 & ~(HEADER_ALIGN - 1);
    const list = this.free.get(stride);
    if (list) list.push(offset);
    else this.free.set(stride, [offset]);
  }
  /** A C string (NUL-terminated, latin-1/UTF-8 bytes) copied into the arena; returns its address. */
  cString(text3) {
    const data = new TextEncoder().encode(text3);
    const off = this.allocBytes(data.length + 1);
    this.bytes.set(data, off);
    this.bytes[off + data.length] = 0;
    return BPF_ADDRESS_BASE + off;
  }
  /** The struct at a BPF address (e.g. a pointer field's value), or null for NULL. */
  at(tag, address5) {
    if (address5 === 0) return null;
    const off = address5 - BPF_ADDRESS_BASE;
    const b = this.binding(tag);
    if (off < this.start || off + b.layout.size > this.start + this.size) {
      throw new ArenaError(`0x${address5.toString(16)} is not a struct ${tag} in the arena`);
    }
    return new b.View(off);
  }
  /** True if [address, address + size) lies in the arena. */
  contains(address5, size = 1) {
    const off = address5 - BPF_ADDRESS_BASE;
    return off >= this.start && off + size <= this.start + this.size;
  }
  /** Bytes in use (allocated high-water mark). */
  get used() {
    return this.next - this.start;
  }
  /** @internal for generated accessors */
  get dataView() {
    return this.view;
  }
  /** @internal */
  get data() {
    return this.bytes;
  }
  /** @internal */
  nested(def, offset) {
    const b = def.tag ? this.structs.get(def.tag) : void 0;
    if (b) return new b.View(offset);
    return new (makeViewClass(layoutOfDef(def), this))(offset);
  }
};
function sizeOfType(t) {
  switch (t.kind) {
    case "int":
    case "float":
      return t.size;
    case "ptr":
      return 8;
    case "array":
      return (t.len ?? 0) * sizeOfType(t.of);
    case "struct":
      return t.def.size;
    default:
      return 1;
  }
}
var encoder = new TextEncoder();
function memberAccessor(m, arena) {
  const at = m.offset;
  const dv = arena.dataView;
  const u8 = arena.data;
  const t = m.type;
  if (m.bitWidth !== void 0) {
    const bitOff = (m.bitOffset ?? 0) - at * 8;
    const width = m.bitWidth;
    const mask = width >= 32 ? 4294967295 : (1 << width) - 1;
    const signed = t.kind === "int" && t.signed;
    return {
      get() {
        const word = dv.getUint32(this.offset + at, true) >>> bitOff;
        const v = word & mask;
        return signed && width < 32 && v & 1 << width - 1 ? v - (1 << width) : v;
      },
      set(v) {
        const o = this.offset + at;
        const word = dv.getUint32(o, true);
        dv.setUint32(o, (word & ~(mask << bitOff) | (v & mask) << bitOff) >>> 0, true);
      }
    };
  }
  switch (t.kind) {
    case "int":
      return intAccessor(dv, at, t.size, t.signed, t.bool === true);
    case "float":
      return t.size === 4 ? {
        get() {
          return dv.getFloat32(this.offset + at, true);
        },
        set(v) {
          dv.setFloat32(this.offset + at, v, true);
        }
      } : {
        get() {
          return dv.getFloat64(this.offset + at, true);
        },
        set(v) {
          dv.setFloat64(this.offset + at, v, true);
        }
      };
    case "ptr":
      return {
        get() {
          return dv.getUint32(this.offset + at + 4, true) * 4294967296 + dv.getUint32(this.offset + at, true);
        },
        set(v) {
          const n = v === null || v === void 0 ? 0 : typeof v === "object" ? v.address : Number(v);
          dv.setUint32(this.offset + at, n >>> 0, true);
          dv.setUint32(this.offset + at + 4, Math.floor(n / 4294967296) >>> 0, true);
        }
      };
    case "array": {
      const len = t.len ?? 0;
      const elem = t.of;
      if (elem.kind === "int" && elem.size === 1) {
        return {
          get() {
            const s = this.offset + at;
            let e = s;
            while (e < s + len && u8[e] !== 0) e++;
            return latin1(u8, s, e);
          },
          set(v) {
            const s = this.offset + at;
            const data = typeof v === "string" ? encoder.encode(v) : v;
            const n = Math.min(data.length, len);
            u8.set(data.subarray(0, n), s);
            u8.fill(0, s + n, s + len);
          }
        };
      }
      const bytes = len * sizeOfType(elem);
      return {
        get() {
          return u8.subarray(this.offset + at, this.offset + at + bytes);
        }
      };
    }
    case "struct": {
      const def = t.def;
      return {
        get() {
          return arena.nested(def, this.offset + at);
        }
      };
    }
    default:
      return { get: () => void 0 };
  }
}
function intAccessor(dv, at, size, signed, bool) {
  switch (size) {
    case 1:
      return bool ? {
        get() {
          return dv.getUint8(this.offset + at) !== 0;
        },
        set(v) {
          dv.setUint8(this.offset + at, v ? 1 : 0);
        }
      } : signed ? {
        get() {
          return dv.getInt8(this.offset + at);
        },
        set(v) {
          dv.setInt8(this.offset + at, v);
        }
      } : {
        get() {
          return dv.getUint8(this.offset + at);
        },
        set(v) {
          dv.setUint8(this.offset + at, v);
        }
      };
    case 2:
      return signed ? {
        get() {
          return dv.getInt16(this.offset + at, true);
        },
        set(v) {
          dv.setInt16(this.offset + at, v, true);
        }
      } : {
        get() {
          return dv.getUint16(this.offset + at, true);
        },
        set(v) {
          dv.setUint16(this.offset + at, v, true);
        }
      };
    case 4:
      return signed ? {
        get() {
          return dv.getInt32(this.offset + at, true);
        },
        set(v) {
          dv.setInt32(this.offset + at, v, true);
        }
      } : {
        get() {
          return dv.getUint32(this.offset + at, true);
        },
        set(v) {
          dv.setUint32(this.offset + at, v >>> 0, true);
        }
      };
    default:
      return {
        get() {
          const hi = signed ? dv.getInt32(this.offset + at + 4, true) : dv.getUint32(this.offset + at + 4, true);
          return hi * 4294967296 + dv.getUint32(this.offset + at, true);
        },
        set(v) {
          if (typeof v === "bigint") dv.setBigUint64(this.offset + at, BigInt.asUintN(64, v), true);
          else {
            dv.setUint32(this.offset + at, v >>> 0, true);
            dv.setUint32(this.offset + at + 4, Math.floor(v / 4294967296) >>> 0, true);
          }
        }
      };
  }
}
function makeViewClass(l, arena) {
  const View = class {
    offset;
    address;
    constructor(offset) {
      this.offset = offset;
      this.address = BPF_ADDRESS_BASE + offset;
    }
  };
  Object.defineProperty(View.prototype, "struct", { value: l });
  for (const f of l.fields)
    Object.defineProperty(View.prototype, f.name, { ...memberAccessor(f, arena), enumerable: true });
  return View;
}

// packages/asm/src/elf/errors.ts
var ElfError = class _ElfError extends Error {
  constructor(reason, section2, offset) {
    super(_ElfError.format(reason, section2, offset));
    this.reason = reason;
    this.section = section2;
    this.offset = offset;
  }
  name = "ElfError";
  static format(reason, section2, offset) {
    const at = offset === void 0 ? "" : ` at offset 0x${offset.toString(16)}`;
    if (section2 !== void 0) return `section '${section2}'${at}: ${reason}`;
    return offset === void 0 ? reason : `file offset 0x${offset.toString(16)}: ${reason}`;
  }
};

// packages/asm/src/elf/byte-reader.ts
var ByteReader = class {
  constructor(bytes, endian, section2) {
    this.bytes = bytes;
    this.endian = endian;
    this.section = section2;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.le = endian === "little";
  }
  view;
  le;
  get length() {
    return this.bytes.length;
  }
  check(offset, size, what) {
    if (!Number.isInteger(offset) || offset < 0 || size < 0 || offset + size > this.bytes.length) {
      throw new ElfError(
        `${what} (${size} bytes) extends past the end (${this.bytes.length} bytes)`,
        this.section,
        offset
      );
    }
  }
  u8(offset, what = "byte") {
    this.check(offset, 1, what);
    return this.view.getUint8(offset);
  }
  u16(offset, what = "u16") {
    this.check(offset, 2, what);
    return this.view.getUint16(offset, this.le);
  }
  u32(offset, what = "u32") {
    this.check(offset, 4, what);
    return this.view.getUint32(offset, this.le);
  }
  i32(offset, what = "i32") {
    this.check(offset, 4, what);
    return this.view.getInt32(offset, this.le);
  }
  /** A u64 that must fit in a JavaScript number (offsets, sizes, symbol values). */
  u64(offset, what = "u64") {
    this.check(offset, 8, what);
    const v = this.view.getBigUint64(offset, this.le);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ElfError(`${what} 0x${v.toString(16)} is too large`, this.section, offset);
    }
    return Number(v);
  }
  i64(offset, what = "i64") {
    this.check(offset, 8, what);
    return this.view.getBigInt64(offset, this.le);
  }
  slice(offset, size, what) {
    this.check(offset, size, what);
    return this.bytes.subarray(offset, offset + size);
  }
  /** A NUL-terminated string starting at `offset`. */
  cstring(offset, what = "string") {
    this.check(offset, 0, what);
    if (offset >= this.bytes.length)
      throw new ElfError(`${what} offset is outside the string table`, this.section, offset);
    const end = this.bytes.indexOf(0, offset);
    if (end < 0) throw new ElfError(`${what} is not NUL-terminated`, this.section, offset);
    return decodeText(this.bytes.subarray(offset, end));
  }
};
var utf8 = new TextDecoder("utf-8");
function decodeText(bytes) {
  return utf8.decode(bytes);
}
var utf8Encoder = new TextEncoder();
function encodeText(text3) {
  return utf8Encoder.encode(text3);
}

// packages/asm/src/elf/constants.ts
var ELFCLASS64 = 2;
var ELFDATA2LSB = 1;
var ELFDATA2MSB = 2;
var EV_CURRENT = 1;
var ET_REL = 1;
var EM_BPF = 247;
var EHDR_SIZE = 64;
var SHDR_SIZE = 64;
var SYM_SIZE = 24;
var REL_SIZE = 16;
var RELA_SIZE = 24;
var SHT_NULL = 0;
var SHT_PROGBITS = 1;
var SHT_SYMTAB = 2;
var SHT_STRTAB = 3;
var SHT_RELA = 4;
var SHT_NOBITS = 8;
var SHT_REL = 9;
var SHF_WRITE = 1;
var SHF_ALLOC = 2;
var SHF_EXECINSTR = 4;
var SHF_MERGE = 16;
var SHF_STRINGS = 32;
var SHF_INFO_LINK = 64;
var SHN_UNDEF = 0;
var SHN_LORESERVE = 65280;
var SHN_ABS = 65521;
var SHN_XINDEX = 65535;
var STB_LOCAL = 0;
var STB_GLOBAL = 1;
var STB_WEAK = 2;
var STT_NOTYPE = 0;
var STT_OBJECT = 1;
var STT_FUNC = 2;
var STT_SECTION = 3;
var STT_FILE = 4;
var R_BPF_64_64 = 1;
var R_BPF_64_32 = 10;
var BPF_RELOC_NAMES = {
  0: "R_BPF_NONE",
  1: "R_BPF_64_64",
  2: "R_BPF_64_ABS64",
  3: "R_BPF_64_ABS32",
  4: "R_BPF_64_NODYLD32",
  10: "R_BPF_64_32"
};

// packages/asm/src/elf/read-elf.ts
var MAX_SECTIONS = 1 << 16;
function readElf(bytes) {
  if (bytes.length < EHDR_SIZE)
    throw new ElfError(`file is ${bytes.length} bytes, too short for an ELF header`);
  if (bytes[0] !== 127 || bytes[1] !== 69 || bytes[2] !== 76 || bytes[3] !== 70) {
    throw new ElfError("not an ELF file (bad magic)", void 0, 0);
  }
  if (bytes[4] !== ELFCLASS64) throw new ElfError(`ELF class ${bytes[4]} is not ELFCLASS64`, void 0, 4);
  if (bytes[5] !== ELFDATA2LSB && bytes[5] !== ELFDATA2MSB) {
    throw new ElfError(`unknown ELF data encoding ${bytes[5]}`, void 0, 5);
  }
  const endian = bytes[5] === ELFDATA2LSB ? "little" : "big";
  const file = new ByteReader(bytes, endian);
  const type = file.u16(16);
  const machine = file.u16(18);
  if (type !== ET_REL)
    throw new ElfError(`ELF type ${type} is not ET_REL (a relocatable object)`, void 0, 16);
  if (machine !== EM_BPF) throw new ElfError(`machine ${machine} is not EM_BPF (247)`, void 0, 18);
  const flags = file.u32(48);
  const shoff = file.u64(40, "e_shoff");
  const shentsize = file.u16(58);
  let shnum = file.u16(60);
  let shstrndx = file.u16(62);
  if (shoff === 0)
    return { endian, type, machine, flags, sections: [], symbols: [], symtabIndex: -1, relocations: [] };
  if (shentsize !== SHDR_SIZE)
    throw new ElfError(`section header size ${shentsize} is not ${SHDR_SIZE}`, void 0, 58);
  if (shnum === 0) shnum = file.u64(shoff + 32, "section count (sh_size of section 0)");
  if (shstrndx === SHN_XINDEX) shstrndx = file.u32(shoff + 44, "string table index (sh_link of section 0)");
  if (shnum > MAX_SECTIONS)
    throw new ElfError(`${shnum} sections is more than ${MAX_SECTIONS}`, void 0, 60);
  file.check(shoff, shnum * SHDR_SIZE, "section header table");
  const headers = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * SHDR_SIZE;
    headers.push({
      nameOffset: file.u32(at),
      type: file.u32(at + 4),
      flags: file.u64(at + 8, "sh_flags"),
      addr: file.u64(at + 16, "sh_addr"),
      offset: file.u64(at + 24, "sh_offset"),
      size: file.u64(at + 32, "sh_size"),
      link: file.u32(at + 40),
      info: file.u32(at + 44),
      addralign: file.u64(at + 48, "sh_addralign"),
      entsize: file.u64(at + 56, "sh_entsize")
    });
  }
  if (shstrndx >= shnum)
    throw new ElfError(`section name table index ${shstrndx} is out of range`, void 0, 62);
  const shstr = headers[shstrndx];
  const names = new ByteReader(
    file.slice(shstr.offset, shstr.size, "section name table"),
    endian,
    "section names"
  );
  const sections = headers.map((h, index) => {
    const name2 = index === 0 && h.type === SHT_NULL ? "" : names.cstring(h.nameOffset, `name of section ${index}`);
    const hasData = h.type !== SHT_NOBITS && h.type !== SHT_NULL;
    const data = hasData ? file.slice(h.offset, h.size, `contents of section '${name2}'`) : new Uint8Array(0);
    const { nameOffset: _, ...rest } = h;
    return { ...rest, index, name: name2, data };
  });
  const symtabIndex = sections.findIndex((s) => s.type === SHT_SYMTAB);
  const symbols = symtabIndex < 0 ? [] : readSymbols(sections, sections[symtabIndex], endian);
  const relocations = sections.filter((s) => s.type === SHT_REL || s.type === SHT_RELA).map((s) => readRelocations(sections, s, symbols.length, endian));
  return { endian, type, machine, flags, sections, symbols, symtabIndex, relocations };
}
function readSymbols(sections, symtab, endian) {
  if (symtab.size % SYM_SIZE !== 0) {
    throw new ElfError(`size ${symtab.size} is not a multiple of ${SYM_SIZE}`, symtab.name);
  }
  const strtab = sections[symtab.link];
  if (!strtab) throw new ElfError(`string table index ${symtab.link} is out of range`, symtab.name);
  const strings = new ByteReader(strtab.data, endian, strtab.name);
  const r = new ByteReader(symtab.data, endian, symtab.name);
  const symbols = [];
  for (let i = 0; i < symtab.size / SYM_SIZE; i++) {
    const at = i * SYM_SIZE;
    const nameOffset = r.u32(at);
    const info = r.u8(at + 4);
    const type = info & 15;
    const shndx = r.u16(at + 6);
    let name2 = nameOffset === 0 ? "" : strings.cstring(nameOffset, `name of symbol ${i}`);
    if (type === 3 && name2 === "" && shndx < SHN_LORESERVE && sections[shndx]) name2 = sections[shndx].name;
    symbols.push({
      index: i,
      name: name2,
      value: r.u64(at + 8, `value of symbol ${i}`),
      size: r.u64(at + 16, `size of symbol ${i}`),
      bind: info >> 4,
      type,
      visibility: r.u8(at + 5) & 3,
      shndx
    });
  }
  return symbols;
}
function readRelocations(sections, rel, symbolCount, endian) {
  const rela = rel.type === SHT_RELA;
  const entSize = rela ? RELA_SIZE : REL_SIZE;
  if (rel.size % entSize !== 0)
    throw new ElfError(`size ${rel.size} is not a multiple of ${entSize}`, rel.name);
  if (rel.info >= sections.length)
    throw new ElfError(`target section index ${rel.info} is out of range`, rel.name);
  const r = new ByteReader(rel.data, endian, rel.name);
  const entries = [];
  for (let i = 0; i < rel.size / entSize; i++) {
    const at = i * entSize;
    const offset = r.u64(at, "r_offset");
    const high = r.u32(endian === "little" ? at + 12 : at + 8);
    const low = r.u32(endian === "little" ? at + 8 : at + 12);
    const symbol = high;
    if (symbol >= symbolCount) {
      throw new ElfError(
        `relocation ${i} names symbol ${symbol}, but there are ${symbolCount}`,
        rel.name,
        at
      );
    }
    const entry2 = { offset, type: low, symbol };
    if (rela) entry2.addend = r.i64(at + 16, "r_addend");
    entries.push(entry2);
  }
  return { section: rel, target: rel.info, entries };
}

// packages/asm/src/elf/write-elf.ts
var BINDINGS = { local: STB_LOCAL, global: STB_GLOBAL, weak: STB_WEAK };
var TYPES = {
  notype: STT_NOTYPE,
  object: STT_OBJECT,
  func: STT_FUNC,
  section: STT_SECTION,
  file: STT_FILE
};
var StringTable = class {
  offsets = /* @__PURE__ */ new Map();
  parts = [new Uint8Array(1)];
  length = 1;
  add(s) {
    if (s === "") return 0;
    const known = this.offsets.get(s);
    if (known !== void 0) return known;
    const bytes = encodeText(s);
    const at = this.length;
    this.parts.push(bytes, new Uint8Array(1));
    this.length += bytes.length + 1;
    this.offsets.set(s, at);
    return at;
  }
  bytes() {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
};
function writeElf(out) {
  const le = out.endian === "little";
  const sectionIndex = /* @__PURE__ */ new Map();
  const planned = [];
  const plan = (p) => planned.push({ ...p, offset: 0 }) - 1;
  plan({
    name: "",
    type: 0,
    flags: 0,
    data: new Uint8Array(0),
    size: 0,
    align: 0,
    entsize: 0,
    link: 0,
    info: 0
  });
  const order = out.symbols.map((s, i) => ({ s, i }));
  const sorted = [
    ...order.filter((o) => o.s.binding === "local"),
    ...order.filter((o) => o.s.binding !== "local")
  ];
  const newIndex = /* @__PURE__ */ new Map();
  sorted.forEach((o, k) => {
    newIndex.set(o.i, k + 1);
  });
  const relocsBySection = /* @__PURE__ */ new Map();
  const names = new Set(out.sections.map((s) => s.name));
  for (const r of out.relocations) {
    if (!names.has(r.section)) throw new ElfError(`relocation in unknown section '${r.section}'`);
    if (!newIndex.has(r.symbol))
      throw new ElfError(`relocation against unknown symbol #${r.symbol}`, r.section, r.offset);
    const list = relocsBySection.get(r.section) ?? [];
    list.push(r);
    relocsBySection.set(r.section, list);
  }
  const relFixups = [];
  for (const s of out.sections) {
    if (sectionIndex.has(s.name)) throw new ElfError("duplicate section", s.name);
    const type = s.type ?? SHT_PROGBITS;
    const data = type === SHT_NOBITS ? new Uint8Array(0) : s.data ?? new Uint8Array(0);
    const size = type === SHT_NOBITS ? s.size ?? 0 : data.length;
    sectionIndex.set(
      s.name,
      plan({
        name: s.name,
        type,
        flags: s.flags,
        data,
        size,
        align: s.align ?? 1,
        entsize: s.entsize ?? 0,
        link: 0,
        info: 0
      })
    );
    const entries = relocsBySection.get(s.name);
    if (entries) {
      const relName = `.rel${s.name}`;
      const at2 = plan({
        name: relName,
        type: SHT_REL,
        flags: SHF_INFO_LINK,
        data: new Uint8Array(0),
        size: 0,
        align: 8,
        entsize: REL_SIZE,
        link: 0,
        info: 0
      });
      relFixups.push({ planIndex: at2, target: s.name, entries });
    }
  }
  const symtabIndex = plan({
    name: ".symtab",
    type: SHT_SYMTAB,
    flags: 0,
    data: new Uint8Array(0),
    size: 0,
    align: 8,
    entsize: SYM_SIZE,
    link: 0,
    info: 0
  });
  const strtabIndex = plan({
    name: ".strtab",
    type: SHT_STRTAB,
    flags: 0,
    data: new Uint8Array(0),
    size: 0,
    align: 1,
    entsize: 0,
    link: 0,
    info: 0
  });
  const shstrtabIndex = plan({
    name: ".shstrtab",
    type: SHT_STRTAB,
    flags: 0,
    data: new Uint8Array(0),
    size: 0,
    align: 1,
    entsize: 0,
    link: 0,
    info: 0
  });
  const strtab = new StringTable();
  const symtab = new Uint8Array((sorted.length + 1) * SYM_SIZE);
  const sv = new DataView(symtab.buffer);
  sorted.forEach(({ s }, k) => {
    const at2 = (k + 1) * SYM_SIZE;
    let shndx = SHN_UNDEF;
    if (s.section === "ABS") shndx = SHN_ABS;
    else if (s.section !== void 0) {
      const idx = sectionIndex.get(s.section);
      if (idx === void 0) throw new ElfError(`symbol '${s.name}' is in unknown section '${s.section}'`);
      shndx = idx;
    }
    sv.setUint32(at2, s.type === "section" ? 0 : strtab.add(s.name), le);
    sv.setUint8(at2 + 4, BINDINGS[s.binding] << 4 | TYPES[s.type]);
    sv.setUint8(at2 + 5, 0);
    sv.setUint16(at2 + 6, shndx, le);
    sv.setBigUint64(at2 + 8, BigInt(s.value), le);
    sv.setBigUint64(at2 + 16, BigInt(s.size), le);
  });
  Object.assign(planned[symtabIndex], {
    data: symtab,
    size: symtab.length,
    link: strtabIndex,
    info: 1 + sorted.filter((o) => o.s.binding === "local").length
  });
  const strBytes = strtab.bytes();
  Object.assign(planned[strtabIndex], { data: strBytes, size: strBytes.length });
  for (const f of relFixups) {
    const bytes = new Uint8Array(f.entries.length * REL_SIZE);
    const v2 = new DataView(bytes.buffer);
    f.entries.forEach((r, k) => {
      v2.setBigUint64(k * REL_SIZE, BigInt(r.offset), le);
      v2.setBigUint64(k * REL_SIZE + 8, BigInt(newIndex.get(r.symbol)) << 32n | BigInt(r.type), le);
    });
    Object.assign(planned[f.planIndex], {
      data: bytes,
      size: bytes.length,
      link: symtabIndex,
      info: sectionIndex.get(f.target)
    });
  }
  const shstr = new StringTable();
  const nameOffsets = planned.map((p) => shstr.add(p.name));
  const shstrBytes = shstr.bytes();
  Object.assign(planned[shstrtabIndex], { data: shstrBytes, size: shstrBytes.length });
  let at = EHDR_SIZE;
  for (const p of planned.slice(1)) {
    const align = Math.max(p.align, 1);
    at = Math.ceil(at / align) * align;
    p.offset = at;
    if (p.type !== SHT_NOBITS) at += p.data.length;
  }
  const shoff = Math.ceil(at / 8) * 8;
  const file = new Uint8Array(shoff + planned.length * SHDR_SIZE);
  const v = new DataView(file.buffer);
  file.set([127, 69, 76, 70, ELFCLASS64, le ? ELFDATA2LSB : ELFDATA2MSB, EV_CURRENT]);
  v.setUint16(16, ET_REL, le);
  v.setUint16(18, EM_BPF, le);
  v.setUint32(20, EV_CURRENT, le);
  v.setBigUint64(40, BigInt(shoff), le);
  v.setUint16(52, EHDR_SIZE, le);
  v.setUint16(58, SHDR_SIZE, le);
  v.setUint16(60, planned.length, le);
  v.setUint16(62, shstrtabIndex, le);
  planned.forEach((p, i) => {
    if (p.type !== SHT_NOBITS) file.set(p.data, p.offset);
    const h = shoff + i * SHDR_SIZE;
    v.setUint32(h, nameOffsets[i], le);
    v.setUint32(h + 4, p.type, le);
    v.setBigUint64(h + 8, BigInt(p.flags), le);
    v.setBigUint64(h + 24, BigInt(p.offset), le);
    v.setBigUint64(h + 32, BigInt(p.size), le);
    v.setUint32(h + 40, p.link, le);
    v.setUint32(h + 44, p.info, le);
    v.setBigUint64(h + 48, BigInt(p.align), le);
    v.setBigUint64(h + 56, BigInt(p.entsize), le);
  });
  return file;
}

// packages/asm/src/object/btf-read.ts
var BTF_MAGIC = 60319;
var KINDS = [
  "void",
  "int",
  "ptr",
  "array",
  "struct",
  "union",
  "enum",
  "fwd",
  "typedef",
  "volatile",
  "const",
  "restrict",
  "func",
  "func_proto",
  "var",
  "datasec",
  "float",
  "decl_tag",
  "type_tag",
  "enum64"
];
var LINKAGES = ["static", "global", "extern"];
function header(r, what) {
  const magic = r.u16(0, "magic");
  if (magic !== BTF_MAGIC) throw new ElfError(`bad ${what} magic 0x${magic.toString(16)}`, r.section, 0);
  const version = r.u8(2, "version");
  if (version !== 1) throw new ElfError(`unsupported ${what} version ${version}`, r.section, 2);
  const hdrLen = r.u32(4, "header length");
  if (hdrLen < 8 || hdrLen > r.length) throw new ElfError(`bad header length ${hdrLen}`, r.section, 4);
  const fields = [];
  for (let at = 8; at + 4 <= hdrLen; at += 4) fields.push(r.u32(at));
  return { hdrLen, fields };
}
function readBtf(bytes, endian, section2 = ".BTF") {
  const r = new ByteReader(bytes, endian, section2);
  const { hdrLen, fields } = header(r, "BTF");
  if (fields.length < 4) throw new ElfError(`header length ${hdrLen} is too short`, section2, 4);
  const [typeOff, typeLen, strOff, strLen] = fields;
  const types = new ByteReader(r.slice(hdrLen + typeOff, typeLen, "type section"), endian, section2);
  const strings = new ByteReader(
    r.slice(hdrLen + strOff, strLen, "string section"),
    endian,
    `${section2} strings`
  );
  const name2 = (off, what) => off === 0 ? "" : strings.cstring(off, what);
  const out = [{ kind: "void", name: "" }];
  let at = 0;
  while (at < typeLen) {
    const id = out.length;
    const what = `type ${id}`;
    const nameOff = types.u32(at, what);
    const info = types.u32(at + 4, what);
    const sizeOrType = types.u32(at + 8, what);
    const vlen = info & 65535;
    const kindNo = info >>> 24 & 31;
    const kindFlag = info >>> 31 === 1;
    const kind = KINDS[kindNo];
    if (kind === void 0 || kind === "void")
      throw new ElfError(`${what} has unknown kind ${kindNo}`, section2, at);
    const n = name2(nameOff, `name of ${what}`);
    at += 12;
    switch (kind) {
      case "int": {
        const enc = types.u32(at, what);
        at += 4;
        const e = enc >>> 24 & 15;
        out.push({
          kind,
          name: n,
          size: sizeOrType,
          bits: enc & 255,
          offset: enc >>> 16 & 255,
          signed: (e & 1) !== 0,
          char: (e & 2) !== 0,
          bool: (e & 4) !== 0
        });
        break;
      }
      case "ptr":
      case "typedef":
      case "volatile":
      case "const":
      case "restrict":
      case "type_tag":
        out.push({ kind, name: n, type: sizeOrType });
        break;
      case "fwd":
        out.push({ kind, name: n, union: kindFlag });
        break;
      case "float":
        out.push({ kind, name: n, size: sizeOrType });
        break;
      case "func":
        out.push({ kind, name: n, type: sizeOrType, linkage: LINKAGES[vlen] ?? "static" });
        break;
      case "array":
        out.push({
          kind,
          name: n,
          elemType: types.u32(at, what),
          indexType: types.u32(at + 4, what),
          nelems: types.u32(at + 8, what)
        });
        at += 12;
        break;
      case "struct":
      case "union": {
        const members = [];
        for (let i = 0; i < vlen; i++, at += 12) {
          const raw = types.u32(at + 8, what);
          members.push({
            name: name2(types.u32(at, what), `member name of ${what}`),
            type: types.u32(at + 4, what),
            bitOffset: kindFlag ? raw & 16777215 : raw,
            bitSize: kindFlag ? raw >>> 24 : 0
          });
        }
        out.push({ kind, name: n, size: sizeOrType, members });
        break;
      }
      case "enum":
      case "enum64": {
        const values = [];
        const rec = kind === "enum" ? 8 : 12;
        for (let i = 0; i < vlen; i++, at += rec) {
          const vname = name2(types.u32(at, what), `enumerator name of ${what}`);
          let value;
          if (kind === "enum")
            value = kindFlag ? BigInt(types.i32(at + 4, what)) : BigInt(types.u32(at + 4, what));
          else {
            const v = BigInt(types.u32(at + 8, what)) << 32n | BigInt(types.u32(at + 4, what));
            value = kindFlag ? BigInt.asIntN(64, v) : v;
          }
          values.push({ name: vname, value });
        }
        out.push({ kind, name: n, size: sizeOrType, signed: kindFlag, values });
        break;
      }
      case "func_proto": {
        const params = [];
        for (let i = 0; i < vlen; i++, at += 8) {
          params.push({
            name: name2(types.u32(at, what), `parameter name of ${what}`),
            type: types.u32(at + 4, what)
          });
        }
        out.push({ kind, name: n, returnType: sizeOrType, params });
        break;
      }
      case "var":
        out.push({ kind, name: n, type: sizeOrType, linkage: LINKAGES[types.u32(at, what)] ?? "static" });
        at += 4;
        break;
      case "datasec": {
        const vars = [];
        for (let i = 0; i < vlen; i++, at += 12) {
          vars.push({
            type: types.u32(at, what),
            offset: types.u32(at + 4, what),
            size: types.u32(at + 8, what)
          });
        }
        out.push({ kind, name: n, size: sizeOrType, vars });
        break;
      }
      case "decl_tag":
        out.push({ kind, name: n, type: sizeOrType, componentIdx: types.i32(at, what) });
        at += 4;
        break;
    }
  }
  return { types: out, strings };
}
function skipModifiers(btf, id) {
  for (let hops = 0; hops < 64; hops++) {
    const t = btf.types[id];
    if (!t) return id;
    if (t.kind === "typedef" || t.kind === "const" || t.kind === "volatile" || t.kind === "restrict" || t.kind === "type_tag") {
      id = t.type;
    } else return id;
  }
  return id;
}
function btfSizeOf(btf, id, depth = 0) {
  if (depth > 64) return void 0;
  const t = btf.types[skipModifiers(btf, id)];
  if (!t) return void 0;
  switch (t.kind) {
    case "int":
    case "struct":
    case "union":
    case "enum":
    case "enum64":
    case "float":
    case "datasec":
      return t.size;
    case "ptr":
      return 8;
    case "array": {
      const elem = btfSizeOf(btf, t.elemType, depth + 1);
      return elem === void 0 ? void 0 : elem * t.nelems;
    }
    case "var":
      return btfSizeOf(btf, t.type, depth + 1);
    default:
      return void 0;
  }
}
var CORE_RELO_KINDS = [
  "field_byte_offset",
  "field_byte_size",
  "field_exists",
  "field_signed",
  "field_lshift_u64",
  "field_rshift_u64",
  "type_id_local",
  "type_id_target",
  "type_exists",
  "type_size",
  "enumval_exists",
  "enumval_value",
  "type_matches"
];
function readBtfExt(bytes, endian, btf, section2 = ".BTF.ext") {
  const r = new ByteReader(bytes, endian, section2);
  const { hdrLen, fields } = header(r, "BTF.ext");
  if (fields.length < 4) throw new ElfError(`header length ${hdrLen} is too short`, section2, 4);
  const str = (off, what) => off === 0 ? "" : btf.strings.cstring(off, what);
  const ext = { funcInfo: [], lineInfo: [], coreRelos: [] };
  const blocks = (off, len, minRec, each) => {
    if (len === 0) return;
    const sub = new ByteReader(r.slice(hdrLen + off, len, "info block"), endian, section2);
    const recSize = sub.u32(0, "record size");
    if (recSize < minRec || recSize > 1024)
      throw new ElfError(`record size ${recSize} is invalid`, section2, hdrLen + off);
    let at = 4;
    while (at < len) {
      const sec = str(sub.u32(at, "section name"), "section name");
      const count = sub.u32(at + 4, "record count");
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
      file: str(rec.u32(at + 4), "file name"),
      source: str(rec.u32(at + 8), "source line"),
      line: lineCol >>> 10,
      column: lineCol & 1023
    });
  });
  if (fields.length >= 6) {
    blocks(fields[4], fields[5], 16, (sec, rec, at) => {
      const kind = rec.u32(at + 12);
      ext.coreRelos.push({
        section: sec,
        insnOffset: rec.u32(at),
        typeId: rec.u32(at + 4),
        accessString: str(rec.u32(at + 8), "access string"),
        kind: CORE_RELO_KINDS[kind] ?? `kind_${kind}`
      });
    });
  }
  return ext;
}

// packages/asm/src/object/btf-types.ts
var BTF_KIND_NUMBER = {
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
  enum64: 19
};

// packages/asm/src/object/btf-write.ts
var LINKAGE = { static: 0, global: 1, extern: 2 };
var BtfBuilder = class {
  spec;
  /** Start empty, or continue an existing type graph (ids are kept). */
  constructor(spec) {
    this.spec = spec ?? { types: [{ kind: "void", name: "" }] };
  }
  add(type) {
    return this.spec.types.push(type) - 1;
  }
  int(name2, size, signed = false, opts = {}) {
    return this.add({
      kind: "int",
      name: name2,
      size,
      bits: size * 8,
      offset: 0,
      signed,
      char: !!opts.char,
      bool: !!opts.bool
    });
  }
  ptr(type) {
    return this.add({ kind: "ptr", name: "", type });
  }
  array(elemType, nelems, indexType = this.indexType()) {
    return this.add({ kind: "array", name: "", elemType, indexType, nelems });
  }
  struct(name2, size, members) {
    return this.add({
      kind: "struct",
      name: name2,
      size,
      members: members.map((m) => ({ name: m.name, type: m.type, bitOffset: m.offset * 8, bitSize: 0 }))
    });
  }
  union(name2, size, members) {
    return this.add({ kind: "union", name: name2, size, members });
  }
  typedef(name2, type) {
    return this.add({ kind: "typedef", name: name2, type });
  }
  const(type) {
    return this.add({ kind: "const", name: "", type });
  }
  volatile(type) {
    return this.add({ kind: "volatile", name: "", type });
  }
  enum(name2, size, values) {
    return this.add({
      kind: "enum",
      name: name2,
      size,
      signed: values.some((v) => v.value < 0),
      values: values.map((v) => ({ name: v.name, value: BigInt(v.value) }))
    });
  }
  funcProto(returnType, params) {
    return this.add({ kind: "func_proto", name: "", returnType, params });
  }
  func(name2, proto, linkage = "global") {
    return this.add({ kind: "func", name: name2, type: proto, linkage });
  }
  var(name2, type, linkage = "global") {
    return this.add({ kind: "var", name: name2, type, linkage });
  }
  datasec(name2, size, vars) {
    return this.add({ kind: "datasec", name: name2, size, vars });
  }
  indexTypeId = 0;
  /** The `__ARRAY_SIZE_TYPE__` int clang uses as every array's index type. */
  indexType() {
    if (this.indexTypeId === 0) this.indexTypeId = this.int("__ARRAY_SIZE_TYPE__", 4);
    return this.indexTypeId;
  }
  uintId = 0;
  /**
   * The struct of a BTF-defined map as `__uint`/`__type` produce it: `int (*type)[T]`,
   * `int (*max_entries)[N]`, … and `K *key`, `V *value` when key/value type ids are given
   * (otherwise `key_size`/`value_size` as `__uint`). Returns the struct's id.
   */
  mapDefinition(def) {
    if (this.uintId === 0) this.uintId = this.int("int", 4, true);
    const members = [];
    const uint = (name2, n) => members.push({ name: name2, type: this.ptr(this.array(this.uintId, n)), offset: members.length * 8 });
    const typed = (name2, t) => members.push({ name: name2, type: this.ptr(t), offset: members.length * 8 });
    uint("type", def.type);
    uint("max_entries", def.maxEntries);
    if (def.flags) uint("map_flags", def.flags);
    if (def.key !== void 0) typed("key", def.key);
    else if (def.keySize !== void 0) uint("key_size", def.keySize);
    if (def.value !== void 0) typed("value", def.value);
    else if (def.valueSize !== void 0) uint("value_size", def.valueSize);
    return this.struct("", members.length * 8, members);
  }
};
var Out = class {
  constructor(le) {
    this.le = le;
  }
  bytes = new Uint8Array(256);
  view = new DataView(this.bytes.buffer);
  length = 0;
  grow(n) {
    if (this.length + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    next.set(this.bytes);
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }
  u8(v) {
    this.grow(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
  }
  u16(v) {
    this.grow(2);
    this.view.setUint16(this.length, v, this.le);
    this.length += 2;
  }
  u32(v) {
    this.grow(4);
    this.view.setUint32(this.length, v >>> 0, this.le);
    this.length += 4;
  }
  raw(b) {
    this.grow(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
  }
  done() {
    return this.bytes.slice(0, this.length);
  }
};
function encodeType(t, o, str) {
  const info = (vlen, kindFlag = false) => (kindFlag ? 2147483648 : 0) | BTF_KIND_NUMBER[t.kind] << 24 | vlen & 65535;
  const head = (vlen, sizeOrType, kindFlag = false) => {
    o.u32(str.add(t.name));
    o.u32(info(vlen, kindFlag));
    o.u32(sizeOrType);
  };
  switch (t.kind) {
    case "void":
      return;
    case "int":
      head(0, t.size);
      o.u32(
        ((t.signed ? 1 : 0) | (t.char ? 2 : 0) | (t.bool ? 4 : 0)) << 24 | (t.offset & 255) << 16 | t.bits & 255
      );
      return;
    case "ptr":
    case "typedef":
    case "volatile":
    case "const":
    case "restrict":
    case "type_tag":
      head(0, t.type);
      return;
    case "fwd":
      head(0, 0, t.union);
      return;
    case "float":
      head(0, t.size);
      return;
    case "func":
      head(LINKAGE[t.linkage], t.type);
      return;
    case "array":
      head(0, 0);
      o.u32(t.elemType);
      o.u32(t.indexType);
      o.u32(t.nelems);
      return;
    case "struct":
    case "union": {
      const bitfields = t.members.some((m) => m.bitSize !== 0);
      head(t.members.length, t.size, bitfields);
      for (const m of t.members) {
        o.u32(str.add(m.name));
        o.u32(m.type);
        o.u32(bitfields ? m.bitSize << 24 | m.bitOffset : m.bitOffset);
      }
      return;
    }
    case "enum":
      head(t.values.length, t.size, t.signed);
      for (const v of t.values) {
        o.u32(str.add(v.name));
        o.u32(Number(BigInt.asUintN(32, v.value)));
      }
      return;
    case "enum64":
      head(t.values.length, t.size, t.signed);
      for (const v of t.values) {
        const u = BigInt.asUintN(64, v.value);
        o.u32(str.add(v.name));
        o.u32(Number(u & 0xffffffffn));
        o.u32(Number(u >> 32n));
      }
      return;
    case "func_proto":
      head(t.params.length, t.returnType);
      for (const p of t.params) {
        o.u32(str.add(p.name));
        o.u32(p.type);
      }
      return;
    case "var":
      head(0, t.type);
      o.u32(LINKAGE[t.linkage]);
      return;
    case "datasec":
      head(t.vars.length, t.size);
      for (const v of t.vars) {
        o.u32(v.type);
        o.u32(v.offset);
        o.u32(v.size);
      }
      return;
    case "decl_tag":
      head(0, t.type);
      o.u32(t.componentIdx);
      return;
  }
}
function encodeBtf(spec, endian, ext) {
  const le = endian === "little";
  const str = new StringTable();
  const types = new Out(le);
  for (const t of spec.types.slice(1)) encodeType(t, types, str);
  let extBytes;
  if (ext) {
    const func = new Out(le);
    const line = new Out(le);
    func.u32(8);
    line.u32(16);
    for (const s of ext) {
      if (s.funcInfo.length > 0) {
        func.u32(str.add(s.section));
        func.u32(s.funcInfo.length);
        for (const f2 of s.funcInfo) {
          func.u32(f2.insnOffset);
          func.u32(f2.typeId);
        }
      }
      if (s.lineInfo.length > 0) {
        line.u32(str.add(s.section));
        line.u32(s.lineInfo.length);
        for (const l2 of s.lineInfo) {
          line.u32(l2.insnOffset);
          line.u32(str.add(l2.file));
          line.u32(str.add(l2.source));
          line.u32(l2.line << 10 | l2.column & 1023);
        }
      }
    }
    const f = func.done();
    const l = line.done();
    const e = new Out(le);
    e.u16(BTF_MAGIC);
    e.u8(1);
    e.u8(0);
    e.u32(32);
    e.u32(0);
    e.u32(f.length);
    e.u32(f.length);
    e.u32(l.length);
    e.u32(f.length + l.length);
    e.u32(0);
    e.raw(f);
    e.raw(l);
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

// packages/isa/src/insn.ts
var ALU_OPS = [
  "add",
  "sub",
  "mul",
  "div",
  "sdiv",
  "or",
  "and",
  "lsh",
  "rsh",
  "neg",
  "mod",
  "smod",
  "xor",
  "mov",
  "movsx8",
  "movsx16",
  "movsx32",
  "arsh"
];
var JMP_OPS = [
  "jeq",
  "jgt",
  "jge",
  "jset",
  "jne",
  "jsgt",
  "jsge",
  "jlt",
  "jle",
  "jslt",
  "jsle"
];
var ATOMIC_OPS = ["add", "or", "and", "xor", "xchg", "cmpxchg"];
var LDDW_SOURCES = [
  "imm64",
  // 0: dst = imm64
  "map_fd",
  // 1: dst = map_by_fd(imm)
  "map_value",
  // 2: dst = map_val(map_by_fd(imm)) + next_imm
  "var_addr",
  // 3: dst = var_addr(imm)
  "code_addr",
  // 4: dst = code_addr(imm)
  "map_idx",
  // 5: dst = map_by_idx(imm)
  "map_idx_value"
  // 6: dst = map_val(map_by_idx(imm)) + next_imm
];
function insnWidth(insn) {
  return insn.kind === "lddw" ? 2 : 1;
}
function lddwValue(insn) {
  return BigInt(insn.imm2 >>> 0) << 32n | BigInt(insn.imm >>> 0);
}
function splitImm64(value) {
  const v = BigInt.asUintN(64, value);
  return { imm: Number(BigInt.asIntN(32, v)), imm2: Number(BigInt.asIntN(32, v >> 32n)) };
}

// packages/isa/src/errors.ts
var IsaError = class extends Error {
  constructor(code, reason, index = -1, slot = -1) {
    super(index >= 0 ? `instruction ${index}: ${reason}` : reason);
    this.code = code;
    this.reason = reason;
    this.index = index;
    this.slot = slot;
  }
  name = "IsaError";
};

// packages/isa/src/raw.ts
var SLOT_BYTES = 8;
function readSlot(view2, slot, endian = "little") {
  const at = slot * SLOT_BYTES;
  const le = endian === "little";
  const regs = view2.getUint8(at + 1);
  return {
    opcode: view2.getUint8(at),
    dst: le ? regs & 15 : regs >> 4,
    src: le ? regs >> 4 : regs & 15,
    off: view2.getInt16(at + 2, le),
    imm: view2.getInt32(at + 4, le)
  };
}
function writeSlot(view2, slot, raw, endian = "little") {
  const at = slot * SLOT_BYTES;
  const le = endian === "little";
  view2.setUint8(at, raw.opcode);
  view2.setUint8(at + 1, le ? raw.src << 4 | raw.dst : raw.dst << 4 | raw.src);
  view2.setInt16(at + 2, raw.off, le);
  view2.setInt32(at + 4, raw.imm, le);
}
function readSlots(bytes, endian = "little") {
  if (bytes.length % SLOT_BYTES !== 0) {
    throw new IsaError(
      "truncated",
      `program length ${bytes.length} is not a multiple of ${SLOT_BYTES} bytes`,
      -1,
      Math.floor(bytes.length / SLOT_BYTES)
    );
  }
  const view2 = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const slots = [];
  for (let s = 0; s < bytes.length / SLOT_BYTES; s++) slots.push(readSlot(view2, s, endian));
  return slots;
}
function writeSlots(slots, endian = "little") {
  const bytes = new Uint8Array(slots.length * SLOT_BYTES);
  const view2 = new DataView(bytes.buffer);
  slots.forEach((raw, s) => {
    writeSlot(view2, s, raw, endian);
  });
  return bytes;
}

// packages/isa/src/fields.ts
var Class = {
  LD: 0,
  LDX: 1,
  ST: 2,
  STX: 3,
  ALU: 4,
  JMP: 5,
  JMP32: 6,
  ALU64: 7
};
var Src = { K: 0, X: 8 };
var AluCode = {
  ADD: 0,
  SUB: 16,
  MUL: 32,
  DIV: 48,
  OR: 64,
  AND: 80,
  LSH: 96,
  RSH: 112,
  NEG: 128,
  MOD: 144,
  XOR: 160,
  MOV: 176,
  ARSH: 192,
  END: 208
};
var JmpCode = {
  JA: 0,
  JEQ: 16,
  JGT: 32,
  JGE: 48,
  JSET: 64,
  JNE: 80,
  JSGT: 96,
  JSGE: 112,
  CALL: 128,
  EXIT: 144,
  JLT: 160,
  JLE: 176,
  JSLT: 192,
  JSLE: 208
};
var Mode = {
  IMM: 0,
  ABS: 32,
  IND: 64,
  MEM: 96,
  MEMSX: 128,
  ATOMIC: 192
};
var SizeCode = { W: 0, H: 8, B: 16, DW: 24 };
var AtomicCode = {
  ADD: 0,
  OR: 64,
  AND: 80,
  XOR: 160,
  FETCH: 1,
  XCHG: 224 | 1,
  CMPXCHG: 240 | 1
};
function sizeCode(bytes) {
  switch (bytes) {
    case 1:
      return SizeCode.B;
    case 2:
      return SizeCode.H;
    case 4:
      return SizeCode.W;
    default:
      return SizeCode.DW;
  }
}

// packages/isa/src/table.ts
var ALU_CODE = {
  add: { code: AluCode.ADD },
  sub: { code: AluCode.SUB },
  mul: { code: AluCode.MUL },
  div: { code: AluCode.DIV },
  sdiv: { code: AluCode.DIV, off: 1 },
  or: { code: AluCode.OR },
  and: { code: AluCode.AND },
  lsh: { code: AluCode.LSH },
  rsh: { code: AluCode.RSH },
  neg: { code: AluCode.NEG },
  mod: { code: AluCode.MOD },
  smod: { code: AluCode.MOD, off: 1 },
  xor: { code: AluCode.XOR },
  mov: { code: AluCode.MOV },
  movsx8: { code: AluCode.MOV, off: 8 },
  movsx16: { code: AluCode.MOV, off: 16 },
  movsx32: { code: AluCode.MOV, off: 32 },
  arsh: { code: AluCode.ARSH }
};
var JMP_CODE = {
  jeq: JmpCode.JEQ,
  jgt: JmpCode.JGT,
  jge: JmpCode.JGE,
  jset: JmpCode.JSET,
  jne: JmpCode.JNE,
  jsgt: JmpCode.JSGT,
  jsge: JmpCode.JSGE,
  jlt: JmpCode.JLT,
  jle: JmpCode.JLE,
  jslt: JmpCode.JSLT,
  jsle: JmpCode.JSLE
};
var ATOMIC_CODE = {
  add: AtomicCode.ADD,
  or: AtomicCode.OR,
  and: AtomicCode.AND,
  xor: AtomicCode.XOR,
  xchg: AtomicCode.XCHG,
  cmpxchg: AtomicCode.CMPXCHG
};
var SIZES = [1, 2, 4, 8];
function rowKey(s) {
  switch (s.kind) {
    case "alu":
      return `alu${s.width}.${s.op}.${s.source}`;
    case "end":
      return `end.${s.op}${s.bits}`;
    case "jmp":
      return `jmp${s.width}.${s.op}.${s.source}`;
    case "call":
      return `call.${s.target}`;
    case "lddw":
      return `lddw.${s.source}`;
    case "ldabs":
    case "ldind":
      return `${s.kind}.${s.size}`;
    case "ldx":
      return `ldx${s.signed ? "s" : ""}.${s.size}`;
    case "st":
    case "stx":
      return `${s.kind}.${s.size}`;
    case "atomic": {
      const always = s.op === "xchg" || s.op === "cmpxchg";
      const prefix = always ? s.fetch ? "" : "nofetch_" : s.fetch ? "fetch_" : "";
      return `atomic${s.size * 8}.${prefix}${s.op}`;
    }
    default:
      return s.kind;
  }
}
function row(shape, opcode2, zero, group, cpu, select) {
  return { key: rowKey(shape), opcode: opcode2, zero, shape, group, cpu, ...select ? { select } : {} };
}
function aluRows() {
  const rows = [];
  for (const width of [32, 64]) {
    const cls = width === 32 ? Class.ALU : Class.ALU64;
    for (const op of ALU_OPS) {
      if (width === 32 && op === "movsx32") continue;
      const { code, off } = ALU_CODE[op];
      const divmul = op === "mul" || op === "div" || op === "sdiv" || op === "mod" || op === "smod";
      const group = divmul ? width === 32 ? "divmul32" : "divmul64" : `base${width}`;
      const v4 = off !== void 0;
      const select = off !== void 0 ? { field: "off", value: off } : void 0;
      const sources = op === "neg" ? ["imm"] : op.startsWith("movsx") ? ["reg"] : ["imm", "reg"];
      for (const source of sources) {
        const opcode2 = cls | code | (source === "reg" ? Src.X : Src.K);
        const zero = source === "imm" ? ["src"] : ["imm"];
        if (op === "neg") zero.push("imm");
        if (off === void 0) zero.push("off");
        rows.push(row({ kind: "alu", width, op, source }, opcode2, zero, group, v4 ? 4 : 1, select));
      }
    }
  }
  return rows;
}
function endRows() {
  const rows = [];
  const forms = [
    ["le", Class.ALU | AluCode.END | Src.K],
    ["be", Class.ALU | AluCode.END | Src.X],
    ["bswap", Class.ALU64 | AluCode.END | Src.K]
  ];
  for (const [op, opcode2] of forms) {
    for (const bits of [16, 32, 64]) {
      rows.push(
        row({ kind: "end", op, bits }, opcode2, ["src", "off"], "base32", op === "bswap" ? 4 : 1, {
          field: "imm",
          value: bits
        })
      );
    }
  }
  return rows;
}
function jmpRows() {
  const rows = [];
  for (const width of [64, 32]) {
    const cls = width === 64 ? Class.JMP : Class.JMP32;
    for (const op of JMP_OPS) {
      const late = op === "jlt" || op === "jle" || op === "jslt" || op === "jsle";
      const cpu = width === 32 ? 3 : late ? 2 : 1;
      for (const source of ["imm", "reg"]) {
        const opcode2 = cls | JMP_CODE[op] | (source === "reg" ? Src.X : Src.K);
        rows.push(
          row(
            { kind: "jmp", width, op, source },
            opcode2,
            source === "imm" ? ["src"] : ["imm"],
            `base${width}`,
            cpu
          )
        );
      }
    }
  }
  rows.push(row({ kind: "ja" }, Class.JMP | JmpCode.JA, ["dst", "src", "imm"], "base32", 1));
  rows.push(row({ kind: "gotol" }, Class.JMP32 | JmpCode.JA, ["dst", "src", "off"], "base32", 4));
  const targets = ["helper", "local", "kfunc"];
  targets.forEach((target3, src) => {
    rows.push(
      row({ kind: "call", target: target3 }, Class.JMP | JmpCode.CALL, ["dst", "off"], "base32", 1, {
        field: "src",
        value: src
      })
    );
  });
  rows.push(row({ kind: "callx" }, Class.JMP | JmpCode.CALL | Src.X, ["src", "off", "imm"], "callx", 1));
  rows.push(row({ kind: "exit" }, Class.JMP | JmpCode.EXIT, ["dst", "src", "off", "imm"], "base32", 1));
  return rows;
}
function memRows() {
  const rows = [];
  LDDW_SOURCES.forEach((source, src) => {
    rows.push(
      row({ kind: "lddw", source }, Class.LD | Mode.IMM | SizeCode.DW, ["off"], "base64", 1, {
        field: "src",
        value: src
      })
    );
  });
  for (const size of [1, 2, 4]) {
    rows.push(
      row({ kind: "ldabs", size }, Class.LD | Mode.ABS | sizeCode(size), ["dst", "src", "off"], "packet", 1)
    );
    rows.push(
      row({ kind: "ldind", size }, Class.LD | Mode.IND | sizeCode(size), ["dst", "off"], "packet", 1)
    );
  }
  for (const size of SIZES) {
    const group = size === 8 ? "base64" : "base32";
    rows.push(
      row({ kind: "ldx", size, signed: false }, Class.LDX | Mode.MEM | sizeCode(size), ["imm"], group, 1)
    );
    if (size !== 8) {
      rows.push(
        row({ kind: "ldx", size, signed: true }, Class.LDX | Mode.MEMSX | sizeCode(size), ["imm"], group, 4)
      );
    }
    rows.push(row({ kind: "st", size }, Class.ST | Mode.MEM | sizeCode(size), ["src"], group, 1));
    rows.push(row({ kind: "stx", size }, Class.STX | Mode.MEM | sizeCode(size), ["imm"], group, 1));
  }
  for (const size of [4, 8]) {
    const opcode2 = Class.STX | Mode.ATOMIC | sizeCode(size);
    const group = size === 4 ? "atomic32" : "atomic64";
    for (const op of ATOMIC_OPS) {
      const always = op === "xchg" || op === "cmpxchg";
      for (const fetch of always ? [true] : [false, true]) {
        const imm = ATOMIC_CODE[op] | (fetch ? AtomicCode.FETCH : 0);
        const cpu = op === "add" && !fetch ? 1 : 3;
        rows.push(
          row({ kind: "atomic", size, op, fetch }, opcode2, [], group, cpu, { field: "imm", value: imm })
        );
      }
    }
  }
  return rows;
}
var OPCODE_TABLE = Object.freeze([
  ...aluRows(),
  ...endRows(),
  ...jmpRows(),
  ...memRows()
]);
var BY_KEY = new Map(OPCODE_TABLE.map((r) => [r.key, r]));
var BY_OPCODE = /* @__PURE__ */ new Map();
for (const r of OPCODE_TABLE) {
  const list = BY_OPCODE.get(r.opcode) ?? [];
  list.push(r);
  BY_OPCODE.set(r.opcode, list);
}
function rowOf(insn) {
  return BY_KEY.get(rowKey(insn));
}
function rowsForOpcode(opcode2) {
  return BY_OPCODE.get(opcode2) ?? [];
}
function cpuVersion(insn) {
  return rowOf(insn)?.cpu;
}

// packages/isa/src/decode.ts
function hex(n, width = 2) {
  return `0x${(n >>> 0).toString(16).padStart(width, "0")}`;
}
function selectorName(row2) {
  return row2.shape.kind === "end" ? "byte-order immediate" : row2.shape.kind === "atomic" ? "atomic operation immediate" : row2.select?.field === "src" ? "source field" : "offset";
}
function pickRow(raw, index, slot) {
  const rows = rowsForOpcode(raw.opcode);
  if (rows.length === 0)
    throw new IsaError("unknown-opcode", `unknown opcode ${hex(raw.opcode)}`, index, slot);
  const plain = rows.find((r) => !r.select);
  const chosen = rows.find((r) => r.select && raw[r.select.field] === r.select.value);
  if (chosen) return chosen;
  const r0 = rows.find((r) => r.select) ?? rows[0];
  const field = r0.select?.field;
  if (plain && (!field || raw[field] === 0 || !plain.zero.includes(field))) return plain;
  if (!field) throw new IsaError("unknown-opcode", `unknown opcode ${hex(raw.opcode)}`, index, slot);
  throw new IsaError(
    "bad-selector",
    `invalid ${selectorName(r0)} ${field === "imm" ? hex(raw.imm) : raw[field]} for opcode ${hex(raw.opcode)}`,
    index,
    slot
  );
}
function build(shape, raw) {
  switch (shape.kind) {
    case "alu":
      return {
        kind: "alu",
        width: shape.width,
        op: shape.op,
        source: shape.source,
        dst: raw.dst,
        src: raw.src,
        imm: raw.imm
      };
    case "jmp":
      return {
        kind: "jmp",
        width: shape.width,
        op: shape.op,
        source: shape.source,
        dst: raw.dst,
        src: raw.src,
        imm: raw.imm,
        off: raw.off
      };
    case "end":
      return { kind: "end", op: shape.op, bits: shape.bits, dst: raw.dst };
    case "ja":
      return { kind: "ja", off: raw.off };
    case "gotol":
      return { kind: "gotol", imm: raw.imm };
    case "call":
      return { kind: "call", target: shape.target, imm: raw.imm };
    case "callx":
      return { kind: "callx", reg: raw.dst };
    case "exit":
      return { kind: "exit" };
    case "lddw":
      return { kind: "lddw", source: shape.source, dst: raw.dst, imm: raw.imm, imm2: 0 };
    case "ldabs":
      return { kind: "ldabs", size: shape.size, imm: raw.imm };
    case "ldind":
      return { kind: "ldind", size: shape.size, src: raw.src, imm: raw.imm };
    case "ldx":
      return {
        kind: "ldx",
        size: shape.size,
        signed: shape.signed,
        dst: raw.dst,
        src: raw.src,
        off: raw.off
      };
    case "stx":
      return { kind: "stx", size: shape.size, dst: raw.dst, src: raw.src, off: raw.off };
    case "st":
      return { kind: "st", size: shape.size, dst: raw.dst, off: raw.off, imm: raw.imm };
    case "atomic":
      return {
        kind: "atomic",
        size: shape.size,
        op: shape.op,
        fetch: shape.fetch,
        dst: raw.dst,
        src: raw.src,
        off: raw.off
      };
  }
}
function decodeAt(slots, slot, index = slot) {
  const raw = slots[slot];
  const row2 = pickRow(raw, index, slot);
  if (raw.dst > 10)
    throw new IsaError("bad-register", `invalid destination register r${raw.dst}`, index, slot);
  const srcIsRegister = !(row2.select?.field === "src");
  if (srcIsRegister && raw.src > 10) {
    throw new IsaError("bad-register", `invalid source register r${raw.src}`, index, slot);
  }
  for (const field of row2.zero) {
    if (raw[field] !== 0) {
      throw new IsaError(
        "reserved-field",
        `reserved field '${field}' is ${raw[field]}, must be 0`,
        index,
        slot
      );
    }
  }
  const insn = build(row2.shape, raw);
  if (insn.kind !== "lddw") return { insn, width: 1 };
  const next = slots[slot + 1];
  if (!next) throw new IsaError("lddw-second-slot", "lddw without its second slot", index, slot);
  if (next.opcode !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0) {
    throw new IsaError(
      "lddw-second-slot",
      "the second slot of lddw must have opcode, registers and offset 0",
      index,
      slot + 1
    );
  }
  insn.imm2 = next.imm;
  return { insn, width: 2 };
}
function decodeSlots(slots) {
  const insns = [];
  for (let slot = 0; slot < slots.length; ) {
    const { insn, width } = decodeAt(slots, slot, insns.length);
    insns.push(insn);
    slot += width;
  }
  return insns;
}
function decode(bytes, endian = "little") {
  return decodeSlots(readSlots(bytes, endian));
}

// packages/isa/src/draft.ts
var DRAFT_CLASS = { LDX: 1, ST: 2, STX: 3, ALU: 4, JMP: 5, RET: 6 };
var DRAFT_MODE = { REL: 192, XADD: 224 };
var DRAFT_SIZES = [
  [0, 4],
  [8, 2],
  [16, 1],
  [24, 8]
];
var DRAFT_ALU = [
  [0, "add"],
  [16, "sub"],
  [32, "mul"],
  [48, "div"],
  [64, "or"],
  [80, "and"],
  [96, "lsh"],
  [112, "rsh"],
  [144, "mod"],
  [160, "xor"],
  [176, "mov"],
  [192, "arsh"]
];
var DRAFT_JMP = [
  [16, "jeq"],
  [32, "jgt"],
  [48, "jge"],
  [64, "jset"],
  [80, "jne"],
  [96, "jsgt"],
  [112, "jsge"]
];
function buildDraftTable() {
  const t = /* @__PURE__ */ new Map();
  for (const [code, op] of DRAFT_ALU) {
    t.set(DRAFT_CLASS.ALU | code, { kind: "alu", op, source: "imm" });
    t.set(DRAFT_CLASS.ALU | code | 8, { kind: "alu", op, source: "reg" });
  }
  t.set(DRAFT_CLASS.ALU | 128 | 8, { kind: "alu", op: "neg", source: "reg" });
  t.set(DRAFT_CLASS.ALU | 208 | 8, { kind: "bswap", bits: 32 });
  t.set(DRAFT_CLASS.ALU | 224 | 8, { kind: "bswap", bits: 64 });
  for (const [code, op] of DRAFT_JMP) {
    t.set(DRAFT_CLASS.JMP | code, { kind: "jmp", op, source: "imm" });
    t.set(DRAFT_CLASS.JMP | code | 8, { kind: "jmp", op, source: "reg" });
  }
  t.set(DRAFT_CLASS.JMP | 0 | 8, { kind: "ja" });
  t.set(DRAFT_CLASS.JMP | 128, { kind: "call" });
  for (const [sz, size] of DRAFT_SIZES) {
    t.set(DRAFT_CLASS.LDX | DRAFT_MODE.REL | sz, { kind: "ldx", size });
    t.set(DRAFT_CLASS.ST | DRAFT_MODE.REL | sz, { kind: "st", size });
    t.set(DRAFT_CLASS.STX | DRAFT_MODE.REL | sz, { kind: "stx", size });
    t.set(DRAFT_CLASS.STX | DRAFT_MODE.XADD | sz, { kind: "xadd", size });
  }
  t.set(DRAFT_CLASS.RET | 0, { kind: "ret" });
  return t;
}
var DRAFT_TABLE = buildDraftTable();
function decodeDraftOpcode(opcode2) {
  return DRAFT_TABLE.get(opcode2);
}

// packages/isa/src/encode.ts
function checkReg(reg2, what, index) {
  if (!Number.isInteger(reg2) || reg2 < 0 || reg2 > 10) {
    throw new IsaError("bad-register", `${what} register r${reg2} is not r0\u2013r10`, index);
  }
  return reg2;
}
function checkInt(value, bits, what, index) {
  const min4 = -(2 ** (bits - 1));
  const max4 = bits === 32 ? 2 ** 32 - 1 : 2 ** 15 - 1;
  if (!Number.isInteger(value) || value < min4 || value > max4) {
    throw new IsaError("out-of-range", `${what} ${value} does not fit in ${bits} bits`, index);
  }
  return bits === 16 ? value << 16 >> 16 : value | 0;
}
function encodeSlots(insn, index = -1) {
  const row2 = rowOf(insn);
  if (!row2) throw new IsaError("bad-selector", `no encoding for ${JSON.stringify(insn)}`, index);
  const raw = { opcode: row2.opcode, dst: 0, src: 0, off: 0, imm: 0 };
  switch (insn.kind) {
    case "alu":
    case "jmp":
      raw.dst = checkReg(insn.dst, "destination", index);
      if (insn.source === "reg") raw.src = checkReg(insn.src, "source", index);
      else raw.imm = checkInt(insn.imm, 32, "immediate", index);
      if (insn.kind === "jmp") raw.off = checkInt(insn.off, 16, "offset", index);
      break;
    case "end":
      raw.dst = checkReg(insn.dst, "destination", index);
      break;
    case "ja":
      raw.off = checkInt(insn.off, 16, "offset", index);
      break;
    case "gotol":
    case "call":
      raw.imm = checkInt(insn.imm, 32, "immediate", index);
      break;
    case "callx":
      raw.dst = checkReg(insn.reg, "call", index);
      break;
    case "exit":
      break;
    case "lddw":
      raw.dst = checkReg(insn.dst, "destination", index);
      raw.imm = checkInt(insn.imm, 32, "immediate", index);
      break;
    case "ldabs":
      raw.imm = checkInt(insn.imm, 32, "immediate", index);
      break;
    case "ldind":
      raw.src = checkReg(insn.src, "source", index);
      raw.imm = checkInt(insn.imm, 32, "immediate", index);
      break;
    case "ldx":
    case "stx":
    case "atomic":
      raw.dst = checkReg(insn.dst, "destination", index);
      raw.src = checkReg(insn.src, "source", index);
      raw.off = checkInt(insn.off, 16, "offset", index);
      break;
    case "st":
      raw.dst = checkReg(insn.dst, "destination", index);
      raw.off = checkInt(insn.off, 16, "offset", index);
      raw.imm = checkInt(insn.imm, 32, "immediate", index);
      break;
  }
  if (row2.select) raw[row2.select.field] = row2.select.value;
  if (insn.kind === "lddw") {
    return [raw, { opcode: 0, dst: 0, src: 0, off: 0, imm: checkInt(insn.imm2, 32, "immediate", index) }];
  }
  return [raw];
}
function encode(insns, endian = "little") {
  const slots = [];
  insns.forEach((insn, i) => {
    slots.push(...encodeSlots(insn, i));
  });
  return writeSlots(slots, endian);
}

// packages/isa/src/program.ts
function slotStarts(insns) {
  const starts = new Int32Array(insns.length + 1);
  let s = 0;
  for (let i = 0; i < insns.length; i++) {
    starts[i] = s;
    s += insnWidth(insns[i]);
  }
  starts[insns.length] = s;
  return starts;
}
function indexOfSlot(insns) {
  const starts = slotStarts(insns);
  const total = starts[insns.length];
  const map = new Int32Array(total).fill(-1);
  for (let i = 0; i < insns.length; i++) map[starts[i]] = i;
  return map;
}
function branchOffset(insn) {
  switch (insn.kind) {
    case "jmp":
    case "ja":
      return insn.off;
    case "gotol":
      return insn.imm;
    case "call":
      return insn.target === "local" ? insn.imm : void 0;
    default:
      return void 0;
  }
}
function branchTargets(insns) {
  const starts = slotStarts(insns);
  const bySlot = indexOfSlot(insns);
  return insns.map((insn, i) => {
    const off = branchOffset(insn);
    if (off === void 0) return void 0;
    const slot = starts[i] + insnWidth(insn) + off;
    if (slot < 0 || slot >= bySlot.length) return { ok: false, slot, reason: "out-of-range" };
    const index = bySlot[slot];
    return index < 0 ? { ok: false, slot, reason: "lddw-middle" } : { ok: true, index };
  });
}

// packages/asm/src/object/link.ts
var LinkError = class extends Error {
  constructor(reason, program, func, insnIndex) {
    super(
      `program '${program}'${func !== void 0 ? `, function '${func}'` : ""}${insnIndex !== void 0 ? `, instruction ${insnIndex}` : ""}: ${reason}`
    );
    this.reason = reason;
    this.program = program;
    this.func = func;
    this.insnIndex = insnIndex;
  }
  name = "LinkError";
};
function linkProgram(obj, name2) {
  const entry2 = obj.programs.find((p) => p.name === name2);
  if (!entry2) {
    const known = obj.programs.map((p) => p.name).join(", ") || "none";
    throw new LinkError(`no such program (programs: ${known})`, name2);
  }
  const index = indexFunctions(obj);
  const order = reachableFunctions(index, entry2);
  for (const fn of order) {
    const bad = obj.unsupported.find((u) => u.where === fn.name && u.feature === "co-re-relocation");
    if (bad) throw new LinkError(`unsupported: ${bad.detail}`, name2, fn.name);
  }
  const startSlot = /* @__PURE__ */ new Map();
  const startIndex = /* @__PURE__ */ new Map();
  let slots = 0;
  let count = 0;
  for (const fn of order) {
    startSlot.set(fn, slots);
    startIndex.set(fn, count);
    for (const insn of fn.insns) slots += insnWidth(insn);
    count += fn.insns.length;
  }
  const maps = [];
  const mapIndex = (map) => {
    let i = maps.indexOf(map);
    if (i < 0) i = maps.push(map) - 1;
    return i;
  };
  const insns = [];
  const funcInfo = [];
  const lineInfo = [];
  for (const fn of order) {
    const base = startIndex.get(fn);
    const own = fn.insns.map((insn) => ({ ...insn }));
    const slotOf = slotIndexer(own, startSlot.get(fn));
    for (const rel of fn.relocations) {
      const insn = own[rel.insnIndex];
      const fail3 = (why) => {
        throw new LinkError(why, name2, fn.name, rel.insnIndex);
      };
      if (!insn)
        fail3(`relocation of instruction ${rel.insnIndex}, past the end (${own.length} instructions)`);
      switch (rel.kind) {
        case "call":
        case "func-addr": {
          const callee = findFunction(index, rel.section, rel.offset) ?? fail3(`no function at ${rel.section}+${rel.offset}`);
          const rel32 = startSlot.get(callee) - (slotOf(rel.insnIndex) + 1);
          if (rel.kind === "call" && insn.kind === "call") insn.imm = rel32;
          else if (rel.kind === "func-addr" && insn.kind === "lddw") {
            insn.source = "code_addr";
            insn.imm = rel32;
            insn.imm2 = 0;
          } else fail3(`a ${rel.kind} relocation on a ${insn.kind} instruction`);
          break;
        }
        case "map": {
          const map = obj.maps.find((m) => m.origin !== "global-data" && m.name === rel.symbol) ?? fail3(`no map named '${rel.symbol}'`);
          if (map.type === 0)
            fail3(`map '${map.name}' has no definition (an object without BTF: compile with -g)`);
          if (insn.kind !== "lddw") fail3("map relocation on a non-lddw instruction");
          else {
            insn.source = "map_idx";
            insn.imm = mapIndex(map);
            insn.imm2 = 0;
          }
          break;
        }
        case "global-data": {
          const map = obj.maps.find((m) => m.origin === "global-data" && m.section === rel.section) ?? fail3(`no global-data map for section '${rel.section}'`);
          if (insn.kind !== "lddw") fail3("global-data relocation on a non-lddw instruction");
          else {
            insn.source = "map_idx_value";
            insn.imm = mapIndex(map);
            insn.imm2 = rel.offset;
          }
          break;
        }
        case "extern":
          fail3(
            `unresolved reference to '${rel.symbol}'${rel.section ? ` in section '${rel.section}'` : " (an extern symbol)"}`
          );
      }
    }
    insns.push(...own);
    for (const f of fn.funcInfo) funcInfo.push({ ...f, insnIndex: f.insnIndex + base });
    for (const l of fn.lineInfo) lineInfo.push({ ...l, insnIndex: l.insnIndex + base });
  }
  const linked = {
    name: name2,
    section: entry2.section,
    insns,
    maps,
    functionStarts: order.map((fn) => ({ name: fn.name, insnIndex: startIndex.get(fn) })),
    funcInfo,
    lineInfo
  };
  if (obj.license !== void 0) linked.license = obj.license;
  return linked;
}
function indexFunctions(obj) {
  const index = /* @__PURE__ */ new Map();
  for (const f of obj.functions) {
    const key = `${f.section}\0${f.sectionOffset}`;
    if (!index.has(key)) index.set(key, f);
  }
  return index;
}
function findFunction(index, section2, offset) {
  return index.get(`${section2}\0${offset}`);
}
function reachableFunctions(index, entry2) {
  const order = [entry2];
  const seen = new Set(order);
  for (let i = 0; i < order.length; i++) {
    const fn = order[i];
    for (const rel of fn.relocations) {
      if (rel.kind !== "call" && rel.kind !== "func-addr") continue;
      const callee = findFunction(index, rel.section, rel.offset);
      if (!callee)
        throw new LinkError(
          `call target ${rel.section}+${rel.offset} ('${rel.symbol}') is not the start of a function`,
          entry2.name,
          fn.name,
          rel.insnIndex
        );
      if (!seen.has(callee)) {
        seen.add(callee);
        order.push(callee);
      }
    }
  }
  return order;
}
function slotIndexer(insns, firstSlot) {
  const starts = [];
  let s = firstSlot;
  for (const insn of insns) {
    starts.push(s);
    s += insnWidth(insn);
  }
  return (index) => starts[index];
}

// packages/asm/src/object/object-builder.ts
var ObjectBuilder = class {
  constructor(endian = "little") {
    this.endian = endian;
  }
  btf = new BtfBuilder();
  license;
  kernelVersion;
  /** Emit `.BTF`/`.BTF.ext` even without BTF maps or line info (default: only when needed). */
  forceBtf = false;
  code = /* @__PURE__ */ new Map();
  data = /* @__PURE__ */ new Map();
  symbols = [];
  relocs = [];
  maps = [];
  ext = /* @__PURE__ */ new Map();
  /** Append instructions to a code section; returns the index of the first one in the section. */
  addCode(section2, insns) {
    let cs = this.code.get(section2);
    if (!cs) {
      cs = { insns: [], size: 0 };
      this.code.set(section2, cs);
    }
    const first = cs.insns.length;
    for (const insn of insns) {
      cs.insns.push(insn);
      cs.size += insnWidth(insn) * 8;
    }
    return first;
  }
  /** Append a function to a section and define its symbol. Returns the index of its first instruction. */
  addFunction(name2, section2, insns, opts = {}) {
    const offset = this.code.get(section2)?.size ?? 0;
    const first = this.addCode(section2, insns);
    const size = this.code.get(section2).size - offset;
    this.defineSymbol({
      name: name2,
      section: section2,
      value: offset,
      size,
      binding: opts.global === false ? "local" : "global",
      type: "func"
    });
    return first;
  }
  /** Define a symbol (a function, variable or label) directly. */
  defineSymbol(sym) {
    this.symbols.push(sym);
  }
  /**
   * Relocate instruction `index` of code section `section` against `symbol`: a map name, a
   * function or variable symbol, or (with `sectionSymbol`) a section name. `lddw` gets
   * R_BPF_64_64, `call` R_BPF_64_32; an unknown name becomes an undefined (extern) symbol.
   */
  addRelocation(section2, index, symbol, opts = {}) {
    this.relocs.push({ section: section2, index, symbol, sectionSymbol: !!opts.sectionSymbol });
  }
  /** Add a map definition (its symbol is the map's name). */
  addMap(def) {
    this.maps.push(def);
  }
  /**
   * Add global data: `.data*`/`.rodata*` with contents, `.bss*` with a size (zeros). Returns the
   * section's previous size (the offset where `bytes` were placed).
   */
  addData(section2, bytes, variable) {
    const cur = this.data.get(section2) ?? { size: 0 };
    const offset = cur.size;
    const size = typeof bytes === "number" ? bytes : bytes.length;
    if (typeof bytes !== "number" && !section2.startsWith(".bss")) {
      const next = new Uint8Array(offset + size);
      if (cur.bytes) next.set(cur.bytes);
      next.set(bytes, offset);
      cur.bytes = next;
    }
    cur.size = offset + size;
    this.data.set(section2, cur);
    if (variable) {
      this.defineSymbol({
        name: variable.name,
        section: section2,
        value: offset,
        size,
        binding: variable.global === false ? "local" : "global",
        type: "object"
      });
    }
    return offset;
  }
  /** `.BTF.ext` func_info for the function starting at instruction `index` of `section`. */
  addFuncInfo(section2, index, typeId) {
    this.extFor(section2).funcInfo.push({ insnOffset: index, typeId });
  }
  /** `.BTF.ext` line_info for instruction `index` of `section`. */
  addLineInfo(section2, index, info) {
    this.extFor(section2).lineInfo.push({ insnOffset: index, ...info });
  }
  extFor(section2) {
    let e = this.ext.get(section2);
    if (!e) {
      e = { section: section2, funcInfo: [], lineInfo: [] };
      this.ext.set(section2, e);
    }
    return e;
  }
  build() {
    const sections = [];
    const symbols = [];
    const relocations = [];
    const insnsBySection = /* @__PURE__ */ new Map();
    const byteOffsets = /* @__PURE__ */ new Map();
    for (const [name2, cs] of this.code) {
      const insns = cs.insns.map((i) => ({ ...i }));
      insnsBySection.set(name2, insns);
      const offs = [];
      let at = 0;
      for (const insn of insns) {
        offs.push(at);
        at += insnWidth(insn) * 8;
      }
      byteOffsets.set(name2, offs);
      sections.push({ name: name2, flags: SHF_ALLOC | SHF_EXECINSTR, align: 8 });
    }
    const btf = new BtfBuilder(structuredClone(this.btf.spec));
    this.buildMaps(btf, sections, symbols);
    for (const [name2, d] of this.data) {
      const bss = name2.startsWith(".bss");
      const ro = name2.startsWith(".rodata");
      const str = /^\.rodata\.str/.test(name2);
      sections.push({
        name: name2,
        type: bss ? SHT_NOBITS : void 0,
        flags: SHF_ALLOC | (ro ? 0 : SHF_WRITE) | (str ? SHF_MERGE | SHF_STRINGS : 0),
        data: d.bytes ?? new Uint8Array(d.size),
        size: d.size,
        align: str ? 1 : 8,
        entsize: str ? 1 : 0
      });
    }
    if (this.license !== void 0) {
      const text3 = encodeText(this.license);
      const bytes = new Uint8Array(text3.length + 1);
      bytes.set(text3);
      sections.push({ name: "license", flags: SHF_ALLOC | SHF_WRITE, data: bytes, align: 1 });
      symbols.push({
        name: "_license",
        section: "license",
        value: 0,
        size: bytes.length,
        binding: "global",
        type: "object"
      });
    }
    if (this.kernelVersion !== void 0) {
      const bytes = new Uint8Array(4);
      new DataView(bytes.buffer).setUint32(0, this.kernelVersion, this.endian === "little");
      sections.push({ name: "version", flags: SHF_ALLOC | SHF_WRITE, data: bytes, align: 4 });
      symbols.push({
        name: "_version",
        section: "version",
        value: 0,
        size: 4,
        binding: "global",
        type: "object"
      });
    }
    symbols.push(...this.symbols);
    const sectionNames = new Set(sections.map((s) => s.name));
    const defined = /* @__PURE__ */ new Map();
    const undefinedSyms = /* @__PURE__ */ new Map();
    const sectionSyms = /* @__PURE__ */ new Map();
    symbols.forEach((s, i) => {
      if (s.type === "section") {
        if (s.section !== void 0 && !sectionSyms.has(s.section)) sectionSyms.set(s.section, i);
      } else if (s.section === void 0) {
        if (!undefinedSyms.has(s.name)) undefinedSyms.set(s.name, i);
      } else if (!defined.has(s.name)) defined.set(s.name, i);
    });
    const sectionSymbol = (name2) => {
      let i = sectionSyms.get(name2);
      if (i === void 0) {
        i = symbols.push({ name: name2, section: name2, value: 0, size: 0, binding: "local", type: "section" }) - 1;
        sectionSyms.set(name2, i);
      }
      return i;
    };
    for (const r of this.relocs) {
      const insns = insnsBySection.get(r.section);
      if (!insns) throw new ElfError(`relocation in '${r.section}', which is not a code section`);
      const insn = insns[r.index];
      if (!insn) throw new ElfError(`relocation at instruction ${r.index}, past the end`, r.section);
      let symIndex;
      const named = r.sectionSymbol ? void 0 : defined.get(r.symbol);
      const local = named === void 0 || symbols[named].binding !== "local" ? void 0 : symbols[named];
      if (local && (insn.kind === "call" || insn.kind === "lddw")) {
        symIndex = sectionSymbol(local.section);
        if (insn.kind === "call") insn.imm = local.value / 8 - 1;
        else insn.imm = insn.imm + local.value | 0;
      } else if (r.sectionSymbol) {
        if (!sectionNames.has(r.symbol))
          throw new ElfError(`relocation against unknown section '${r.symbol}'`, r.section);
        symIndex = sectionSymbol(r.symbol);
      } else {
        if (insn.kind === "call") insn.imm = -1;
        symIndex = named ?? undefinedSyms.get(r.symbol) ?? -1;
        if (symIndex < 0) {
          symIndex = symbols.push({ name: r.symbol, value: 0, size: 0, binding: "global", type: "notype" }) - 1;
          undefinedSyms.set(r.symbol, symIndex);
        }
      }
      const type = insn.kind === "call" ? R_BPF_64_32 : insn.kind === "lddw" ? R_BPF_64_64 : -1;
      if (type < 0)
        throw new ElfError(`instruction ${r.index} (${insn.kind}) cannot be relocated`, r.section);
      relocations.push({
        section: r.section,
        offset: byteOffsets.get(r.section)[r.index],
        type,
        symbol: symIndex
      });
    }
    for (const s of sections) {
      const insns = insnsBySection.get(s.name);
      if (insns) s.data = encode(insns, this.endian);
    }
    const needBtf = this.forceBtf || this.maps.some((m) => (m.style ?? "btf") === "btf") || this.ext.size > 0;
    if (needBtf) {
      for (const [name2, d] of this.data) {
        if (!btf.spec.types.some((t) => t.kind === "datasec" && t.name === name2))
          btf.datasec(name2, d.size, []);
      }
      for (const t of btf.spec.types) {
        if (t.kind !== "datasec") continue;
        const s = sections.find((x) => x.name === t.name);
        if (s) t.size = s.type === SHT_NOBITS ? s.size ?? 0 : s.data?.length ?? 0;
        for (const v of t.vars) {
          const vt = btf.spec.types[v.type];
          if (vt?.kind !== "var" || vt.linkage === "static") continue;
          const sym = symbols.find((x) => x.name === vt.name && x.section === t.name && x.type === "object");
          if (sym) v.offset = sym.value;
        }
      }
      const ext = [...this.ext.values()].map((e) => ({
        section: e.section,
        funcInfo: e.funcInfo.map((f) => ({
          ...f,
          insnOffset: byteOffsets.get(e.section)?.[f.insnOffset] ?? 0
        })),
        lineInfo: e.lineInfo.map((l) => ({
          ...l,
          insnOffset: byteOffsets.get(e.section)?.[l.insnOffset] ?? 0
        }))
      }));
      const enc = encodeBtf(btf.spec, this.endian, ext.length > 0 ? ext : void 0);
      sections.push({ name: ".BTF", flags: 0, data: enc.btf, align: 4 });
      if (enc.ext) sections.push({ name: ".BTF.ext", flags: 0, data: enc.ext, align: 4 });
    }
    return writeElf({ endian: this.endian, sections, symbols, relocations });
  }
  buildMaps(btf, sections, symbols) {
    const btfMaps = this.maps.filter((m) => (m.style ?? "btf") === "btf");
    const legacy = this.maps.filter((m) => m.style === "legacy");
    if (btfMaps.length > 0) {
      const vars = [];
      let at = 0;
      for (const m of btfMaps) {
        const struct = btf.mapDefinition({
          type: m.type,
          maxEntries: m.maxEntries,
          flags: m.flags,
          key: m.btfKeyType,
          value: m.btfValueType,
          keySize: m.btfKeyType === void 0 ? m.keySize : void 0,
          valueSize: m.btfValueType === void 0 ? m.valueSize : void 0
        });
        const t = btf.spec.types[struct];
        const size = t.kind === "struct" ? t.size : 0;
        const v = btf.var(m.name, struct, "global");
        vars.push({ type: v, offset: at, size });
        symbols.push({ name: m.name, section: ".maps", value: at, size, binding: "global", type: "object" });
        at += size;
      }
      const old = btf.spec.types.findIndex((t) => t.kind === "datasec" && t.name === ".maps");
      if (old > 0) btf.spec.types[old] = { kind: "datasec", name: ".maps", size: at, vars };
      else btf.datasec(".maps", at, vars);
      sections.push({ name: ".maps", flags: SHF_ALLOC | SHF_WRITE, data: new Uint8Array(at), align: 8 });
    }
    if (legacy.length > 0) {
      const bytes = new Uint8Array(legacy.length * 20);
      const v = new DataView(bytes.buffer);
      const le = this.endian === "little";
      legacy.forEach((m, i) => {
        for (const [k, x] of [m.type, m.keySize, m.valueSize, m.maxEntries, m.flags ?? 0].entries()) {
          v.setUint32(i * 20 + k * 4, x, le);
        }
        symbols.push({
          name: m.name,
          section: "maps",
          value: i * 20,
          size: 20,
          binding: "global",
          type: "object"
        });
      });
      sections.push({ name: "maps", flags: SHF_ALLOC | SHF_WRITE, data: bytes, align: 4 });
    }
  }
};

// packages/asm/src/object/types.ts
var MAP_TYPES = {
  unspec: 0,
  hash: 1,
  array: 2,
  prog_array: 3,
  perf_event_array: 4,
  percpu_hash: 5,
  percpu_array: 6,
  stack_trace: 7,
  cgroup_array: 8,
  lru_hash: 9,
  lru_percpu_hash: 10,
  lpm_trie: 11,
  array_of_maps: 12,
  hash_of_maps: 13,
  devmap: 14,
  sockmap: 15,
  cpumap: 16,
  xskmap: 17,
  sockhash: 18,
  cgroup_storage: 19,
  reuseport_sockarray: 20,
  percpu_cgroup_storage: 21,
  queue: 22,
  stack: 23,
  sk_storage: 24,
  devmap_hash: 25,
  struct_ops: 26,
  ringbuf: 27,
  inode_storage: 28,
  task_storage: 29,
  bloom_filter: 30,
  user_ringbuf: 31,
  cgrp_storage: 32,
  arena: 33
};
function mapTypeName(type) {
  for (const [name2, n] of Object.entries(MAP_TYPES)) if (n === type) return name2;
  return `type_${type}`;
}
var BPF_F_RDONLY_PROG = 128;
var BPF_F_MMAPABLE = 1024;

// packages/asm/src/object/read-maps.ts
var MAX_GLOBAL_DATA = 4 << 20;
function isGlobalDataSection(name2) {
  return /^\.(data|rodata|bss)(\..*)?$/.test(name2);
}
function readMaps(elf2, btf, unsupported) {
  const maps = [];
  const at = /* @__PURE__ */ new Map();
  const key = (shndx, offset) => `${shndx}:${offset}`;
  const symbolsIn = (section2) => elf2.symbols.filter(
    (s) => s.shndx === section2.index && s.type !== STT_SECTION && s.type !== STT_FILE && s.name !== ""
  ).sort((a, b) => a.value - b.value);
  for (const section2 of elf2.sections) {
    if (section2.name === ".maps") {
      for (const sym of symbolsIn(section2)) {
        const map = btf ? btfMap(btf, sym, section2, unsupported) : undefinedMap(sym, section2, unsupported);
        maps.push(map);
        at.set(key(section2.index, sym.value), map);
      }
    } else if (section2.name === "maps") {
      const syms = symbolsIn(section2);
      for (const sym of syms) {
        const map = legacyMap(elf2, sym, section2, syms.length);
        maps.push(map);
        at.set(key(section2.index, sym.value), map);
      }
    } else if (isGlobalDataSection(section2.name) && (section2.flags & SHF_ALLOC) !== 0 && (section2.flags & SHF_EXECINSTR) === 0) {
      if (section2.size === 0) continue;
      if (section2.size > MAX_GLOBAL_DATA) {
        throw new ElfError(
          `global data of ${section2.size} bytes is more than ${MAX_GLOBAL_DATA}`,
          section2.name
        );
      }
      const readOnly = section2.name.startsWith(".rodata");
      maps.push({
        name: section2.name,
        type: MAP_TYPES.array,
        typeName: "array",
        keySize: 4,
        valueSize: section2.size,
        maxEntries: 1,
        flags: BPF_F_MMAPABLE | (readOnly ? BPF_F_RDONLY_PROG : 0),
        origin: "global-data",
        section: section2.name,
        initialData: section2.type === SHT_NOBITS ? new Uint8Array(section2.size) : section2.data.slice(),
        readOnly,
        variables: symbolsIn(section2).filter((s) => s.type === STT_OBJECT).map((s) => ({ name: s.name, offset: s.value, size: s.size, global: s.bind !== STB_LOCAL }))
      });
    }
  }
  return { maps, mapAt: (shndx, offset) => at.get(key(shndx, offset)) };
}
function undefinedMap(sym, section2, unsupported) {
  unsupported.push({
    feature: "map-without-btf",
    where: sym.name,
    detail: `map '${sym.name}' is BTF-defined but the object has no .BTF section (compile with -g)`
  });
  return {
    name: sym.name,
    type: 0,
    typeName: mapTypeName(0),
    keySize: 0,
    valueSize: 0,
    maxEntries: 0,
    flags: 0,
    origin: "btf",
    section: section2.name
  };
}
function legacyMap(elf2, sym, section2, count) {
  const defSize = sym.size > 0 ? sym.size : Math.floor(section2.size / Math.max(count, 1));
  if (defSize < 16)
    throw new ElfError(
      `map '${sym.name}' definition is ${defSize} bytes, fewer than 16`,
      section2.name,
      sym.value
    );
  const r = new ByteReader(section2.data, elf2.endian, section2.name);
  r.check(sym.value, Math.min(defSize, 20), `definition of map '${sym.name}'`);
  const field = (i) => i * 4 + 4 <= defSize ? r.u32(sym.value + i * 4) : 0;
  const type = field(0);
  return {
    name: sym.name,
    type,
    typeName: mapTypeName(type),
    keySize: field(1),
    valueSize: field(2),
    maxEntries: field(3),
    flags: field(4),
    origin: "legacy",
    section: section2.name
  };
}
function btfMap(btf, sym, section2, unsupported) {
  const fail3 = (why) => {
    throw new ElfError(`map '${sym.name}': ${why}`, section2.name, sym.value);
  };
  const varId = findVar(btf, ".maps", sym.name);
  if (varId === void 0) fail3("no BTF variable of this name in the .maps DATASEC");
  const v = btf.types[varId];
  if (v.kind !== "var") fail3("BTF entry is not a VAR");
  const def = btf.types[skipModifiers(btf, v.type)];
  if (!def || def.kind !== "struct") fail3("BTF type of the definition is not a struct");
  const map = {
    name: sym.name,
    type: 0,
    typeName: "",
    keySize: 0,
    valueSize: 0,
    maxEntries: 0,
    flags: 0,
    origin: "btf",
    section: section2.name
  };
  for (const m of def.members) {
    const uintValue = () => {
      const p = btf.types[skipModifiers(btf, m.type)];
      const arr = p?.kind === "ptr" ? btf.types[skipModifiers(btf, p.type)] : void 0;
      if (arr?.kind !== "array") return fail3(`member '${m.name}' is not __uint(${m.name}, N)`);
      return arr.nelems;
    };
    const typeOf = () => {
      const p = btf.types[skipModifiers(btf, m.type)];
      if (p?.kind !== "ptr") return fail3(`member '${m.name}' is not __type(${m.name}, T)`);
      const size = btfSizeOf(btf, p.type);
      if (size === void 0) return fail3(`size of the ${m.name} type is unknown`);
      return { id: p.type, size };
    };
    switch (m.name) {
      case "type":
        map.type = uintValue();
        break;
      case "max_entries":
        map.maxEntries = uintValue();
        break;
      case "map_flags":
        map.flags = uintValue();
        break;
      case "key_size":
        map.keySize = uintValue();
        break;
      case "value_size":
        map.valueSize = uintValue();
        break;
      case "key": {
        const t = typeOf();
        map.keySize = t.size;
        map.btfKeyType = t.id;
        break;
      }
      case "value": {
        const t = typeOf();
        map.valueSize = t.size;
        map.btfValueType = t.id;
        break;
      }
      case "numa_node":
      case "map_extra":
        uintValue();
        break;
      default:
        unsupported.push({
          feature: `map-${m.name}`,
          where: sym.name,
          detail: `map attribute '${m.name}' is not supported`
        });
    }
  }
  map.typeName = mapTypeName(map.type);
  return map;
}
function findVar(btf, datasec, name2) {
  for (const t of btf.types) {
    if (t.kind !== "datasec" || t.name !== datasec) continue;
    for (const v of t.vars) {
      const vt = btf.types[v.type];
      if (vt?.kind === "var" && vt.name === name2) return v.type;
    }
  }
  const id = btf.types.findIndex((t) => t.kind === "var" && t.name === name2);
  return id < 0 ? void 0 : id;
}

// packages/asm/src/object/read-object.ts
function isDebugOrBtf(name2) {
  return name2 === ".BTF" || name2 === ".BTF.ext" || name2.startsWith(".debug") || name2.startsWith(".rel.debug");
}
function readObject(bytes) {
  const elf2 = readElf(bytes);
  const unsupported = [];
  const sections = elf2.sections.map(({ data: _, addr: __, addralign, ...s }) => ({
    ...s,
    align: addralign
  }));
  const byName = (name2) => elf2.sections.find((s) => s.name === name2);
  const btfSection = byName(".BTF");
  const btf = btfSection ? readBtf(btfSection.data, elf2.endian) : void 0;
  const extSection = byName(".BTF.ext");
  const ext = extSection && btf ? readBtfExt(extSection.data, elf2.endian, btf) : void 0;
  const licenseSection = byName("license");
  const license = licenseSection ? cstringPrefix(licenseSection.data) : void 0;
  const versionSection = byName("version");
  const kernelVersion = versionSection && versionSection.size >= 4 ? new ByteReader(versionSection.data, elf2.endian, "version").u32(0) : void 0;
  const { maps, mapAt } = readMaps(elf2, btf, unsupported);
  const code = elf2.sections.filter((s) => (s.flags & SHF_EXECINSTR) !== 0 && s.type === SHT_PROGBITS && s.size > 0).map((s) => decodeSection(elf2, s));
  const funcNames = /* @__PURE__ */ new Map();
  for (const sym of elf2.symbols) {
    const key = `${sym.shndx}:${sym.value}`;
    if (sym.type === STT_FUNC && !funcNames.has(key)) funcNames.set(key, sym.name);
  }
  const comment = byName(".comment");
  const gcc = comment !== void 0 && decodeText(comment.data).includes("GCC:");
  const ctx = { elf: elf2, maps, mapAt, funcNames, gcc, unsupported };
  for (const rel of elf2.relocations) {
    const target3 = elf2.sections[rel.target];
    const cs = code.find((c) => c.section.index === rel.target);
    if (cs) {
      for (const entry2 of rel.entries)
        addRelocation(ctx, cs, entry2.offset, entry2.type, elf2.symbols[entry2.symbol]);
    } else if (!isDebugOrBtf(target3.name) && rel.entries.length > 0 && (target3.flags & SHF_ALLOC) !== 0) {
      unsupported.push({
        feature: "data-relocation",
        where: target3.name,
        detail: `${rel.entries.length} relocation(s) in a data section (e.g. against '${elf2.symbols[rel.entries[0].symbol].name}'): pointers in data are not supported`
      });
    }
  }
  for (const cs of code) addUnrelocatedLocalCalls(cs);
  if (ext) attachBtfExt(ext, code, btf, unsupported);
  reportUndefinedSymbols(elf2, unsupported);
  const functions = code.flatMap((c) => c.functions);
  const obj = {
    endian: elf2.endian,
    sections,
    programs: entryPoints(functions),
    functions,
    maps,
    unsupported
  };
  if (license !== void 0) obj.license = license;
  if (kernelVersion !== void 0) obj.kernelVersion = kernelVersion;
  if (btf) obj.btf = { types: btf.types };
  return obj;
}
function cstringPrefix(bytes) {
  const end = bytes.indexOf(0);
  return decodeText(end < 0 ? bytes : bytes.subarray(0, end));
}
function decodeSection(elf2, section2) {
  if (section2.size % 8 !== 0)
    throw new ElfError(`code size ${section2.size} is not a multiple of 8`, section2.name);
  let insns;
  try {
    insns = decode(section2.data, elf2.endian);
  } catch (e) {
    if (e instanceof IsaError)
      throw new ElfError(`instruction ${e.index}: ${e.reason}`, section2.name, Math.max(0, e.slot) * 8);
    throw e;
  }
  const starts = [];
  const indexAt = /* @__PURE__ */ new Map();
  let at = 0;
  for (const insn of insns) {
    indexAt.set(at, starts.length);
    starts.push(at);
    at += insnWidth(insn) * 8;
  }
  indexAt.set(at, starts.length);
  starts.push(at);
  const inSection = elf2.symbols.filter((s) => s.shndx === section2.index);
  let symbols = inSection.filter((s) => s.type === STT_FUNC);
  if (symbols.length === 0)
    symbols = inSection.filter((s) => s.type === STT_NOTYPE && s.bind !== STB_LOCAL && s.name !== "");
  symbols.sort((a, b) => a.value - b.value);
  const functions = [];
  const seen = /* @__PURE__ */ new Set();
  const fn = (name2, offset, global, next) => {
    const first = indexAt.get(offset) ?? -1;
    if (first < 0 || first >= insns.length) {
      throw new ElfError(`function '${name2}' does not start on an instruction`, section2.name, offset);
    }
    let end = indexAt.get(next) ?? -1;
    if (end < 0) throw new ElfError(`function '${name2}' does not end on an instruction`, section2.name, next);
    if (end <= first) end = insns.length;
    functions.push({
      name: name2,
      section: section2.name,
      sectionOffset: offset,
      global,
      insns: insns.slice(first, end),
      relocations: [],
      funcInfo: [],
      lineInfo: []
    });
  };
  if (symbols.length === 0) {
    fn(section2.name, 0, true, section2.size);
  }
  let following = 0;
  symbols.forEach((s) => {
    if (seen.has(s.value)) return;
    seen.add(s.value);
    while (following < symbols.length && symbols[following].value <= s.value) following++;
    const bySize = s.size > 0 ? s.value + s.size : section2.size;
    const next = Math.min(bySize, following < symbols.length ? symbols[following].value : section2.size);
    if (s.value >= section2.size)
      throw new ElfError(`function '${s.name}' starts past the end`, section2.name, s.value);
    fn(s.name, s.value, s.bind !== STB_LOCAL, next);
  });
  return { section: section2, insns, starts, indexAt, functions };
}
function locate(cs, offset, what) {
  const sectionIndex = cs.indexAt.get(offset) ?? -1;
  if (sectionIndex < 0 || sectionIndex >= cs.insns.length) {
    throw new ElfError(`${what} is not at an instruction boundary`, cs.section.name, offset);
  }
  let lo2 = 0;
  let hi = cs.functions.length - 1;
  let found = -1;
  while (lo2 <= hi) {
    const mid = lo2 + hi >> 1;
    if (cs.functions[mid].sectionOffset <= offset) {
      found = mid;
      lo2 = mid + 1;
    } else hi = mid - 1;
  }
  const fn = cs.functions[found];
  if (fn) {
    const index = sectionIndex - cs.indexAt.get(fn.sectionOffset);
    if (index < fn.insns.length) return { fn, index };
  }
  throw new ElfError(`${what} is not inside any function`, cs.section.name, offset);
}
function addRelocation(ctx, cs, offset, type, sym) {
  const { elf: elf2, maps, mapAt, unsupported } = ctx;
  const functionAt = (shndx, at) => ctx.funcNames.get(`${shndx}:${at}`);
  const typeName2 = BPF_RELOC_NAMES[type] ?? `type ${type}`;
  const { fn, index } = locate(cs, offset, `${typeName2} relocation against '${sym.name}'`);
  const insn = fn.insns[index];
  const where = `${typeName2} relocation at instruction ${index} of '${fn.name}' against '${sym.name}'`;
  function fail3(why) {
    throw new ElfError(`${where}: ${why}`, cs.section.name, offset);
  }
  const targetSection = elf2.sections[sym.shndx];
  const base = { insnIndex: index, symbol: sym.name, elfType: type };
  if (sym.shndx === SHN_UNDEF) {
    fn.relocations.push({ ...base, kind: "extern", section: "", offset: 0 });
    return;
  }
  if (!targetSection) fail3(`symbol section ${sym.shndx} is not a section of this object`);
  if (insn.kind === "call") {
    if (type !== R_BPF_64_32) fail3("calls take R_BPF_64_32 relocations");
    if (insn.target !== "local") fail3("the call is not a BPF-to-BPF call (src must be 1)");
    const target3 = sym.type === STT_SECTION ? sym.value + (insn.imm + 1) * 8 : sym.value;
    fn.relocations.push({
      ...base,
      kind: "call",
      section: targetSection.name,
      offset: target3,
      symbol: functionAt(sym.shndx, target3) ?? sym.name
    });
    return;
  }
  if (insn.kind !== "lddw") fail3(`a ${insn.kind} instruction cannot be relocated`);
  if (type !== R_BPF_64_64) fail3("64-bit immediate loads take R_BPF_64_64 relocations");
  if (insn.source !== "imm64") fail3(`the lddw already has source '${insn.source}'`);
  const addr = symbolAddress(sym, insn.imm, ctx.gcc);
  const map = mapAt(sym.shndx, addr);
  if (map && map.origin !== "global-data") {
    fn.relocations.push({
      ...base,
      kind: "map",
      section: targetSection.name,
      offset: addr,
      symbol: map.name
    });
    return;
  }
  if ((targetSection.flags & SHF_EXECINSTR) !== 0) {
    fn.relocations.push({
      ...base,
      kind: "func-addr",
      section: targetSection.name,
      offset: addr,
      symbol: functionAt(sym.shndx, addr) ?? sym.name
    });
    return;
  }
  const data = maps.find((m) => m.origin === "global-data" && m.section === targetSection.name);
  if (data) {
    if (addr < 0 || addr > data.valueSize)
      fail3(`offset ${addr} is outside '${data.name}' (${data.valueSize} bytes)`);
    fn.relocations.push({ ...base, kind: "global-data", section: targetSection.name, offset: addr });
    return;
  }
  if (targetSection.name === ".maps" || targetSection.name === "maps")
    fail3(`no map is defined at offset ${addr}`);
  unsupported.push({
    feature: "relocation-target",
    where: fn.name,
    detail: `${where}: section '${targetSection.name}' is neither code, maps nor global data`
  });
  fn.relocations.push({ ...base, kind: "extern", section: targetSection.name, offset: addr });
}
function symbolAddress(sym, imm, gcc) {
  if (gcc && sym.type !== STT_SECTION) return imm >>> 0;
  return sym.value + imm;
}
function addUnrelocatedLocalCalls(cs) {
  const byOffset = new Map(cs.functions.map((f) => [f.sectionOffset, f]));
  for (const fn of cs.functions) {
    const relocated = new Set(fn.relocations.map((r) => r.insnIndex));
    let at = fn.sectionOffset;
    fn.insns.forEach((insn, index) => {
      const here = at;
      at += insnWidth(insn) * 8;
      if (insn.kind !== "call" || insn.target !== "local" || relocated.has(index)) return;
      const target3 = here + 8 + insn.imm * 8;
      const callee = byOffset.get(target3);
      if (!callee) {
        throw new ElfError(
          `call at instruction ${index} of '${fn.name}' does not reach the start of a function`,
          cs.section.name,
          here
        );
      }
      fn.relocations.push({
        insnIndex: index,
        kind: "call",
        symbol: callee.name,
        section: cs.section.name,
        offset: target3,
        elfType: 0
      });
    });
    fn.relocations.sort((a, b) => a.insnIndex - b.insnIndex);
  }
}
function attachBtfExt(ext, code, btf, unsupported) {
  const find = (section2) => code.find((c) => c.section.name === section2);
  for (const fi of ext.funcInfo) {
    const cs = find(fi.section);
    if (!cs) throw new ElfError(`func_info names section '${fi.section}', which has no code`, ".BTF.ext");
    const { fn, index } = locate(cs, fi.insnOffset, "func_info record");
    const t = btf.types[fi.typeId];
    const info = { insnIndex: index, typeId: fi.typeId, name: t?.kind === "func" ? t.name : "" };
    fn.funcInfo.push(info);
  }
  for (const li of ext.lineInfo) {
    const cs = find(li.section);
    if (!cs) throw new ElfError(`line_info names section '${li.section}', which has no code`, ".BTF.ext");
    const { fn, index } = locate(cs, li.insnOffset, "line_info record");
    const info = {
      insnIndex: index,
      file: li.file,
      source: li.source,
      line: li.line,
      column: li.column
    };
    fn.lineInfo.push(info);
  }
  for (const cr of ext.coreRelos) {
    const cs = find(cr.section);
    const at = cs ? safeLocate(cs, cr.insnOffset) : void 0;
    const t = btf.types[cr.typeId];
    unsupported.push({
      feature: "co-re-relocation",
      where: at ? at.fn.name : cr.section,
      detail: `CO-RE ${cr.kind} relocation of '${t && "name" in t && t.name ? t.name : `type ${cr.typeId}`}' (access ${cr.accessString})${at ? ` at instruction ${at.index}` : ""}`
    });
  }
}
function safeLocate(cs, offset) {
  try {
    return locate(cs, offset, "CO-RE relocation");
  } catch {
    return void 0;
  }
}
function reportUndefinedSymbols(elf2, unsupported) {
  for (const s of elf2.symbols) {
    if (s.index === 0 || s.shndx !== SHN_UNDEF || s.name === "") continue;
    unsupported.push({
      feature: "extern",
      where: s.name,
      detail: `extern symbol '${s.name}' (kfuncs, kconfig and ksyms are not supported)`
    });
  }
}
function entryPoints(functions) {
  const sectioned = functions.filter((f) => f.section !== ".text");
  return sectioned.length > 0 ? sectioned : functions.filter((f) => f.global);
}

// packages/asm/src/rfc-image/errors.ts
var RfcImageError = class extends Error {
  constructor(reason, index, offset) {
    super(
      index !== void 0 ? `draft instruction ${index}: ${reason}` : offset !== void 0 ? `image offset ${offset}: ${reason}` : reason
    );
    this.reason = reason;
    this.index = index;
    this.offset = offset;
  }
  name = "RfcImageError";
};

// packages/asm/src/rfc-image/draft-insn.ts
function decodeDraftInsn(raw, index) {
  const op = decodeDraftOpcode(raw.opcode);
  if (!op)
    throw new RfcImageError(`unknown draft opcode 0x${raw.opcode.toString(16).padStart(2, "0")}`, index);
  return { op, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm };
}

// packages/asm/src/rfc-image/image.ts
var RFC_IMAGE_MAGIC = [98, 112, 102, 0];
var RFC_HEADER_SIZE = 16;
var RFC_TABLE_SIZE = 20;
var RFC_LIMITS = { insns: 4096, tables: 64, strtabBytes: 1024 };
var RFC_TABLE_TYPES = { hash: 1, lpm: 2 };
function isRfcImage(bytes) {
  return bytes.length >= 4 && RFC_IMAGE_MAGIC.every((b, i) => bytes[i] === b);
}
function readRfcImage(bytes, endian = "little") {
  if (!isRfcImage(bytes))
    throw new RfcImageError('not a draft image: it does not start with "bpf\\0"', void 0, 0);
  if (bytes.length < RFC_HEADER_SIZE)
    throw new RfcImageError(`image is ${bytes.length} bytes, shorter than the 16-byte header`, void 0, 0);
  const view2 = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = endian === "little";
  const insnSize = view2.getInt32(4, le);
  const tableSize = view2.getInt32(8, le);
  const strtabSize = view2.getInt32(12, le);
  if (insnSize <= 0 || insnSize % 8 !== 0)
    throw new RfcImageError(`instruction size ${insnSize} is not a positive multiple of 8`, void 0, 4);
  if (tableSize < 0 || tableSize % RFC_TABLE_SIZE !== 0)
    throw new RfcImageError(`table size ${tableSize} is not a multiple of ${RFC_TABLE_SIZE}`, void 0, 8);
  if (strtabSize < 0) throw new RfcImageError(`string table size ${strtabSize} is negative`, void 0, 12);
  const total = RFC_HEADER_SIZE + insnSize + tableSize + strtabSize;
  if (total !== bytes.length) {
    throw new RfcImageError(`sizes add up to ${total} bytes but the image has ${bytes.length}`, void 0, 4);
  }
  if (insnSize / 8 > RFC_LIMITS.insns)
    throw new RfcImageError(`${insnSize / 8} instructions, more than ${RFC_LIMITS.insns}`, void 0, 4);
  if (tableSize / RFC_TABLE_SIZE > RFC_LIMITS.tables)
    throw new RfcImageError(
      `${tableSize / RFC_TABLE_SIZE} tables, more than ${RFC_LIMITS.tables}`,
      void 0,
      8
    );
  if (strtabSize > RFC_LIMITS.strtabBytes)
    throw new RfcImageError(
      `string table of ${strtabSize} bytes, more than ${RFC_LIMITS.strtabBytes}`,
      void 0,
      12
    );
  const strtabAt = RFC_HEADER_SIZE + insnSize + tableSize;
  if (strtabSize > 0 && bytes[strtabAt + strtabSize - 1] !== 0) {
    throw new RfcImageError("string table is not NUL-terminated", void 0, strtabAt + strtabSize - 1);
  }
  const insnView = new DataView(bytes.buffer, bytes.byteOffset + RFC_HEADER_SIZE, insnSize);
  const insns = [];
  for (let i = 0; i < insnSize / 8; i++) insns.push(readSlot(insnView, i, endian));
  const tables = [];
  for (let at = RFC_HEADER_SIZE + insnSize; at < strtabAt; at += RFC_TABLE_SIZE) {
    const u = (k) => view2.getUint32(at + k * 4, le);
    tables.push({ type: u(0), keySize: u(1), elemSize: u(2), maxEntries: u(3), param1: u(4) });
  }
  return { endian, insns, tables, strtab: bytes.slice(strtabAt) };
}
function strtabName(strtab, offset) {
  if (!Number.isInteger(offset) || offset <= 0 || offset >= strtab.length || strtab[offset - 1] !== 0)
    return void 0;
  const end = strtab.indexOf(0, offset);
  if (end < 0) return void 0;
  return new TextDecoder().decode(strtab.subarray(offset, end));
}

// packages/asm/src/rfc-image/translate.ts
var TBPF_RFC_HELPER_IDS = {
  bpf_memcmp: 1001,
  bpf_load_pointer: 1002,
  bpf_dump_stack: 1003,
  /** The cover letter's `bpf_trace_printk(fmt, a1, a2, a3, a4)` (NUL-terminated fmt, no size). */
  bpf_trace_printk_rfc: 1004
};
var LINUX = { map_lookup_elem: 1, map_update_elem: 2, trace_printk: 6 };
function defaultRfcHelperId(name2) {
  switch (name2) {
    case "bpf_load_pointer":
      return TBPF_RFC_HELPER_IDS.bpf_load_pointer;
    case "bpf_memcmp":
      return TBPF_RFC_HELPER_IDS.bpf_memcmp;
    case "bpf_dump_stack":
      return TBPF_RFC_HELPER_IDS.bpf_dump_stack;
    case "bpf_trace_printk":
      return LINUX.trace_printk;
    default:
      return void 0;
  }
}
function translateRfcImage(image, options = {}) {
  const img = image instanceof Uint8Array ? readRfcImage(image, options.endian) : image;
  const helperId = options.helperId ?? defaultRfcHelperId;
  const maps = img.tables.map((t, i) => tableToMap(t, i));
  const draftInsns = img.insns.map((raw, i) => decodeDraftInsn(raw, i));
  const n = draftInsns.length;
  if (n === 0) throw new RfcImageError("the image has no instructions");
  if (draftInsns[n - 1].op.kind !== "ret") throw new RfcImageError("last insn is not a 'ret'", n - 1);
  const targets = jumpTargets(draftInsns);
  const seqs = draftInsns.map(
    (d, i) => translateOne(d, i, draftInsns, targets, img.strtab, helperId, maps.length)
  );
  const startSlot = [];
  const startIndex = [];
  let slot = 0;
  let index = 0;
  for (const seq of seqs) {
    startSlot.push(slot);
    startIndex.push(index);
    for (const insn of seq) slot += insnWidth(insn);
    index += seq.length;
  }
  seqs.forEach((seq, i) => {
    const last = seq[seq.length - 1];
    if (last.kind !== "jmp" && last.kind !== "ja") return;
    const t = targets[i];
    const fromSlot = startSlot[i] + seq.slice(0, -1).reduce((s, x) => s + insnWidth(x), 0) + 1;
    const off = startSlot[t] - fromSlot;
    if (off < -32768 || off > 32767)
      throw new RfcImageError(`jump offset ${off} does not fit in 16 bits after translation`, i);
    last.off = off;
  });
  return {
    name: options.name ?? "rfc_image",
    section: "rfc-image",
    insns: seqs.flat(),
    maps,
    functionStarts: [{ name: options.name ?? "rfc_image", insnIndex: 0 }],
    funcInfo: [],
    lineInfo: []
  };
}
function tableToMap(t, i) {
  if (t.type !== RFC_TABLE_TYPES.hash) {
    const what = t.type === RFC_TABLE_TYPES.lpm ? "LPM tables (type 2) have no RFC 9669 map with the same key layout" : `unknown table type ${t.type}`;
    throw new RfcImageError(`table ${i}: ${what}`);
  }
  if (t.keySize === 0 || t.elemSize === 0 || t.maxEntries === 0) {
    throw new RfcImageError(`table ${i}: key size, element size and max entries must be non-zero`);
  }
  return {
    name: `table${i}`,
    type: 1,
    typeName: "hash",
    keySize: t.keySize,
    valueSize: t.elemSize,
    maxEntries: t.maxEntries,
    flags: 0,
    origin: "rfc-table",
    section: "tables"
  };
}
function jumpTargets(insns) {
  return insns.map((d, i) => {
    if (d.op.kind !== "jmp" && d.op.kind !== "ja") return void 0;
    const t = i + 1 + d.off;
    if (t < 0 || t >= insns.length)
      throw new RfcImageError(`jump to ${t} is outside the program (0..${insns.length - 1})`, i);
    return t;
  });
}
var reg = (r, what, i) => {
  if (r > 10) throw new RfcImageError(`invalid ${what} register r${r}`, i);
  return r;
};
function translateOne(d, i, all, targets, strtab, helperId, tableCount) {
  const op = d.op;
  switch (op.kind) {
    case "alu": {
      const dst = reg(d.dst, "destination", i);
      if (op.op === "neg") return [{ kind: "alu", width: 64, op: "neg", source: "imm", dst, src: 0, imm: 0 }];
      if (op.source === "reg")
        return [
          {
            kind: "alu",
            width: 64,
            op: op.op,
            source: "reg",
            dst,
            src: reg(d.src, "source", i),
            imm: 0
          }
        ];
      return [{ kind: "alu", width: 64, op: op.op, source: "imm", dst, src: 0, imm: d.imm }];
    }
    case "bswap":
      return [{ kind: "end", op: "bswap", bits: op.bits, dst: reg(d.dst, "destination", i) }];
    case "ldx":
      return [
        {
          kind: "ldx",
          size: op.size,
          signed: false,
          dst: reg(d.dst, "destination", i),
          src: reg(d.src, "source", i),
          off: d.off
        }
      ];
    case "st":
      return [{ kind: "st", size: op.size, dst: reg(d.dst, "destination", i), off: d.off, imm: d.imm }];
    case "stx":
      return [
        {
          kind: "stx",
          size: op.size,
          dst: reg(d.dst, "destination", i),
          src: reg(d.src, "source", i),
          off: d.off
        }
      ];
    case "xadd": {
      if (op.size !== 4 && op.size !== 8) {
        throw new RfcImageError(
          `XADD of ${op.size} byte(s) has no RFC 9669 equivalent (atomic add is 4 or 8 bytes only)`,
          i
        );
      }
      return [
        {
          kind: "atomic",
          size: op.size,
          op: "add",
          fetch: false,
          dst: reg(d.dst, "destination", i),
          src: reg(d.src, "source", i),
          off: d.off
        }
      ];
    }
    case "jmp": {
      const dst = reg(d.dst, "destination", i);
      if (op.source === "reg")
        return [
          {
            kind: "jmp",
            width: 64,
            op: op.op,
            source: "reg",
            dst,
            src: reg(d.src, "source", i),
            imm: 0,
            off: 0
          }
        ];
      return [{ kind: "jmp", width: 64, op: op.op, source: "imm", dst, src: 0, imm: d.imm, off: 0 }];
    }
    case "ja":
      return [{ kind: "ja", off: 0 }];
    case "ret":
      return [{ kind: "alu", width: 64, op: "mov", source: "imm", dst: 0, src: 0, imm: 0 }, { kind: "exit" }];
    case "call": {
      const name2 = strtabName(strtab, d.imm);
      if (name2 === void 0)
        throw new RfcImageError(
          `call names string table offset ${d.imm}, which is not the start of a helper name`,
          i
        );
      if (name2 === "bpf_table_lookup" || name2 === "bpf_table_update") {
        const table = constantTableId(all, i, targets, name2);
        if (table >= tableCount)
          throw new RfcImageError(`${name2} of table ${table}, but the image has ${tableCount} table(s)`, i);
        const mapRef = { kind: "lddw", source: "map_idx", dst: 1, imm: table, imm2: 0 };
        const mov = (dst, src) => ({
          kind: "alu",
          width: 64,
          op: "mov",
          source: "reg",
          dst,
          src,
          imm: 0
        });
        if (name2 === "bpf_table_lookup")
          return [mapRef, mov(2, 3), { kind: "call", target: "helper", imm: LINUX.map_lookup_elem }];
        return [
          mapRef,
          mov(2, 3),
          mov(3, 4),
          { kind: "alu", width: 64, op: "mov", source: "imm", dst: 4, src: 0, imm: 0 },
          { kind: "call", target: "helper", imm: LINUX.map_update_elem }
        ];
      }
      const id = helperId(name2);
      if (id === void 0) throw new RfcImageError(`unknown helper '${name2}'`, i);
      return [{ kind: "call", target: "helper", imm: id }];
    }
  }
}
function constantTableId(all, call2, targets, name2) {
  const landing = new Set(targets.filter((t) => t !== void 0));
  for (let j = call2 - 1; j >= 0 && !landing.has(call2); j--) {
    const d = all[j];
    const writesR2 = (d.op.kind === "alu" || d.op.kind === "bswap" || d.op.kind === "ldx") && d.dst === 2 ? true : d.op.kind === "call";
    if (writesR2) {
      if (d.op.kind === "alu" && d.op.op === "mov" && d.op.source === "imm" && d.imm >= 0) return d.imm;
      break;
    }
    if (landing.has(j) || d.op.kind === "jmp" || d.op.kind === "ja" || d.op.kind === "ret") break;
  }
  throw new RfcImageError(
    `${name2}: the table id in r2 must be set by 'mov r2, <constant>' in the same block`,
    call2
  );
}

// packages/asm/src/text/branches.ts
function withBranchOffset(insn, off) {
  switch (insn.kind) {
    case "jmp":
    case "ja":
      if (off < -32768 || off > 32767)
        return `target is ${off} slots away, beyond a 16-bit jump offset (use gotol)`;
      return { ...insn, off };
    case "gotol":
      return { ...insn, imm: off };
    case "call":
      return { ...insn, target: "local", imm: off };
    default:
      return `${insn.kind} has no branch target`;
  }
}

// packages/asm/src/text/errors.ts
var AsmError = class _AsmError extends Error {
  constructor(reason, fileName, line, column, text3, expected) {
    super(`${fileName}:${line}:${column}: error: ${reason}`);
    this.reason = reason;
    this.fileName = fileName;
    this.line = line;
    this.column = column;
    this.text = text3;
    this.expected = expected;
  }
  name = "AsmError";
  static at(loc, reason, text3, expected) {
    return new _AsmError(reason, loc.fileName, loc.line, loc.column, text3, expected);
  }
};

// packages/asm/src/text/lexer.ts
var OPERATORS = [
  "<<=",
  ">>=",
  "==",
  "!=",
  "<=",
  ">=",
  "+=",
  "-=",
  "*=",
  "/=",
  "|=",
  "&=",
  "^=",
  "%=",
  "<<",
  ">>",
  "=",
  "+",
  "-",
  "*",
  "/",
  "(",
  ")",
  "[",
  "]",
  ",",
  ":",
  "<",
  ">",
  "&",
  "|",
  "^",
  "!",
  "~",
  "%",
  "{",
  "}"
];
var OPERATOR_SET = new Set(OPERATORS);
var SIGNED_OPERATORS = ["s>>=", "s<=", "s>=", "s/=", "s%=", "s<", "s>"];
var isLetter = (c) => c >= "a" && c <= "z" || c >= "A" && c <= "Z";
var isDigit = (c) => c >= "0" && c <= "9";
var isIdentStart = (c) => isLetter(c) || c === "_" || c === "." || c === "$" || c === "@";
var isIdentPart = (c) => isIdentStart(c) || isDigit(c);
function tokenize(text3, fileName, line, semicolonSeparates = false) {
  const tokens = [];
  let i = 0;
  const fail3 = (reason, at, offending) => {
    throw new AsmError(reason, fileName, line, at + 1, offending);
  };
  while (i < text3.length) {
    const c = text3[i];
    if (c === " " || c === "	" || c === "\r" || c === "\f" || c === "\v") {
      i++;
      continue;
    }
    if (c === "#" || c === ";" && !semicolonSeparates || c === "/" && text3[i + 1] === "/") break;
    if (c === ";") {
      tokens.push({ kind: "op", text: ";", column: i + 1 });
      i++;
      continue;
    }
    const start = i;
    if (c === "s" && !isIdentPart(text3[i + 1] ?? "")) {
      const signed = SIGNED_OPERATORS.find((op2) => text3.startsWith(op2, i));
      if (signed) {
        tokens.push({ kind: "op", text: signed, column: start + 1 });
        i += signed.length;
        continue;
      }
    }
    if (isIdentStart(c) || c === "%" && isLetter(text3[i + 1] ?? "")) {
      i++;
      while (i < text3.length && isIdentPart(text3[i])) i++;
      tokens.push({ kind: "ident", text: text3.slice(start, i), column: start + 1 });
      continue;
    }
    if (c >= "0" && c <= "9") {
      while (i < text3.length && (isLetter(text3[i]) || isDigit(text3[i]) || text3[i] === "_")) i++;
      tokens.push({ kind: "num", text: text3.slice(start, i), column: start + 1 });
      continue;
    }
    if (c === '"') {
      i++;
      while (i < text3.length && text3[i] !== '"') i += text3[i] === "\\" ? 2 : 1;
      if (i >= text3.length) fail3("unterminated string", start, text3.slice(start));
      i++;
      tokens.push({ kind: "string", text: text3.slice(start, i), column: start + 1 });
      continue;
    }
    const op = [3, 2, 1].map((n) => text3.slice(i, i + n)).find((o) => OPERATOR_SET.has(o));
    if (!op) fail3(`unexpected character '${c}'`, start, c);
    tokens.push({ kind: "op", text: op, column: start + 1 });
    i += op.length;
  }
  return tokens;
}
var DIGITS = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-f]+$/ };
var PREFIX = { 2: "0b", 8: "0o", 16: "0x" };
function parseIntLiteral(text3, cStyle) {
  const t = text3.toLowerCase();
  let digits = t;
  let radix = 10;
  if (t.startsWith("0x")) [digits, radix] = [t.slice(2), 16];
  else if (t.startsWith("0b")) [digits, radix] = [t.slice(2), 2];
  else if (t.startsWith("0o")) [digits, radix] = [t.slice(2), 8];
  else if (cStyle && t.length > 1 && t.startsWith("0")) [digits, radix] = [t.slice(1), 8];
  if (!DIGITS[radix].test(digits)) return void 0;
  return BigInt(radix === 10 ? digits : PREFIX[radix] + digits);
}
var ESCAPES = { n: "\n", t: "	", r: "\r", "0": "\0", "\\": "\\", '"': '"' };
function unquote(token) {
  return token.slice(1, -1).replace(
    /\\(x[0-9a-fA-F]{1,2}|.)/g,
    (_, e) => e.length > 1 ? String.fromCharCode(Number.parseInt(e.slice(1), 16)) : ESCAPES[e] ?? e
  );
}

// packages/asm/src/text/directives.ts
var IGNORED = /* @__PURE__ */ new Set([
  ".file",
  ".loc",
  ".ident",
  ".addrsig",
  ".addrsig_sym",
  ".hidden",
  ".protected",
  ".internal",
  ".cfi_sections",
  ".cfi_startproc",
  ".cfi_endproc",
  ".cfi_def_cfa",
  ".cfi_offset",
  ".type_size"
]);
function fail(loc, reason, text3, expected) {
  throw AsmError.at(loc, reason, text3, expected);
}
function locOf(d, tok) {
  return tok ? { ...d.loc, column: tok.column } : d.loc;
}
function splitArgs(args) {
  const out = [[]];
  for (const t of args) {
    if (t.kind === "op" && t.text === ",") out.push([]);
    else out[out.length - 1].push(t);
  }
  return args.length === 0 ? [] : out;
}
function nameOf(d, toks, what) {
  if (!toks || toks.length === 0) fail(d.loc, `${d.name} needs ${what}`, d.name, what);
  if (toks.length === 1 && toks[0].kind === "string") return unquote(toks[0].text);
  if (toks.some((t) => t.kind === "string")) fail(locOf(d, toks[0]), `malformed ${what}`, toks[0].text, what);
  return toks.map((t) => t.text).join("");
}
function enterSection(state, name2, flags = "") {
  let s = state.sections.get(name2);
  if (!s) {
    s = newSection(name2);
    state.sections.set(name2, s);
  }
  if (flags.includes("@nobits")) s.nobits = true;
  state.current = s;
}
var DATA_WIDTH = {
  ".byte": 1,
  ".short": 2,
  ".hword": 2,
  ".2byte": 2,
  ".long": 4,
  ".int": 4,
  ".4byte": 4,
  ".quad": 8,
  ".8byte": 8
};
function dataSection(d, state) {
  if (!state.current) enterSection(state, ".text");
  const s = state.current;
  if (s.items.length > 0)
    fail(d.loc, `data in code section '${s.name}'`, d.name, "a data section (.data, .rodata, \u2026)");
  s.dataLoc ??= d.loc;
  return s;
}
function constant(d, toks, what) {
  const t = toks ?? [];
  const sign = t.length === 2 && (t[0].text === "-" || t[0].text === "+") ? t[0].text : void 0;
  const num2 = sign ? t[1] : t[0];
  const value = t.length === (sign ? 2 : 1) && num2.kind === "num" ? parseIntLiteral(num2.text, true) : void 0;
  if (value === void 0) {
    const text3 = t.map((x) => x.text).join(" ");
    const symbolic = t.some((x) => x.kind === "ident");
    fail(
      locOf(d, t[0]),
      symbolic ? `symbol references in data are not supported: '${text3}'` : `expected ${what}, found '${text3}'`,
      text3,
      what
    );
  }
  return sign === "-" ? -value : value;
}
function emitInt(d, s, value, width, tok) {
  const bits = BigInt(width * 8);
  if (value < -(1n << bits - 1n) || value >= 1n << bits) {
    fail(locOf(d, tok), `${value} does not fit in ${width} byte${width > 1 ? "s" : ""}`, String(value));
  }
  const v = BigInt.asUintN(width * 8, value);
  for (let i = 0n; i < BigInt(width); i++) s.bytes.push(Number(v >> 8n * i & 0xffn));
}
function stringBytes(text3) {
  const out = [];
  for (const ch of text3) {
    const c = ch.codePointAt(0);
    if (c < 256) out.push(c);
    else out.push(...new TextEncoder().encode(ch));
  }
  return out;
}
var MAX_DATA = 64 << 20;
function pad(d, s, align, fill) {
  if (!Number.isInteger(align) || align < 1 || align > 1 << 16 || (align & align - 1) !== 0) {
    fail(d.loc, `alignment ${align} is not a power of two up to 65536`, String(align));
  }
  if (s.items.length > 0 || s.bytes.length === 0 && !s.dataLoc) {
    if (align > 8)
      fail(d.loc, `code alignment ${align} is not supported (code is 8-byte aligned)`, String(align));
    return;
  }
  while (s.bytes.length % align !== 0) s.bytes.push(fill & 255);
}
function zeros(d, s, count, fill) {
  if (count < 0n || s.bytes.length + Number(count) > MAX_DATA) {
    fail(d.loc, `cannot reserve ${count} bytes (at most ${MAX_DATA} per section)`, String(count));
  }
  for (let i = 0; i < Number(count); i++) s.bytes.push(fill & 255);
}
function applyData(d, args, state) {
  const width = DATA_WIDTH[d.name];
  if (width) {
    const s = dataSection(d, state);
    for (const a of args) emitInt(d, s, constant(d, a, "an integer"), width, a[0]);
    return true;
  }
  switch (d.name) {
    case ".ascii":
    case ".asciz":
    case ".string": {
      const s = dataSection(d, state);
      for (const a of args) {
        if (a.length !== 1 || a[0].kind !== "string")
          fail(locOf(d, a[0]), `${d.name} takes strings`, a[0]?.text ?? "", 'a "string"');
        s.bytes.push(...stringBytes(unquote(a[0].text)));
        if (d.name !== ".ascii") s.bytes.push(0);
      }
      return true;
    }
    case ".zero":
    case ".space":
    case ".skip": {
      const s = dataSection(d, state);
      zeros(
        d,
        s,
        constant(d, args[0], "a byte count"),
        args[1] ? Number(constant(d, args[1], "a fill byte")) : 0
      );
      return true;
    }
    case ".p2align":
    case ".balign":
    case ".align": {
      if (!state.current) enterSection(state, ".text");
      const n = Number(constant(d, args[0], "an alignment"));
      if (d.name === ".p2align" && (n < 0 || n > 16))
        fail(d.loc, `alignment 2^${n} is out of range`, String(n));
      const fill = args[1] ? Number(constant(d, args[1], "a fill byte")) : 0;
      pad(d, state.current, d.name === ".p2align" ? 2 ** n : n, fill);
      return true;
    }
    case ".comm":
    case ".lcomm": {
      const name2 = nameOf(d, args[0], "a symbol name");
      if (d.name === ".comm" && state.symbols.get(name2)?.binding !== "local") {
        fail(
          d.loc,
          `common symbol '${name2}' is not supported (declare it .local, or define it in .bss)`,
          name2
        );
      }
      const size = constant(d, args[1], "a size");
      const align = args[2] ? Number(constant(d, args[2], "an alignment")) : 1;
      const previous = state.current;
      enterSection(state, ".bss", "@nobits");
      const bss = dataSection(d, state);
      pad(d, bss, align, 0);
      if (bss.labels.has(name2)) fail(d.loc, `label '${name2}' is already defined`, name2);
      bss.labels.set(name2, { index: 0, byte: bss.bytes.length, loc: d.loc });
      zeros(d, bss, size, 0);
      state.sizes.push({ name: name2, resolve: () => Number(size) });
      state.current = previous;
      return true;
    }
    case ".data":
    case ".bss":
      enterSection(state, d.name, d.name === ".bss" ? "@nobits" : "");
      return true;
    default:
      return false;
  }
}
function sizeRequest(d, args, state) {
  const name2 = nameOf(d, args[0], "a symbol name");
  const expr = args[1] ?? [];
  const here = state.current ? { section: state.current, index: state.current.items.length, byte: state.current.bytes.length } : void 0;
  const labelIndex = (tok) => {
    if (tok.text === ".") {
      if (!here) fail(locOf(d, tok), "'.' outside a section", ".");
      return here;
    }
    for (const section2 of state.sections.values()) {
      const l = section2.labels.get(tok.text);
      if (l) return { section: section2, index: l.index, byte: l.byte };
    }
    return fail(
      locOf(d, tok),
      `unknown label '${tok.text}' in .size`,
      tok.text,
      "a label defined above or below"
    );
  };
  if (expr.length === 1 && expr[0].kind === "num") {
    const v = parseIntLiteral(expr[0].text, true);
    if (v === void 0)
      fail(locOf(d, expr[0]), `invalid size '${expr[0].text}'`, expr[0].text, "an integer");
    state.sizes.push({ name: name2, resolve: () => Number(v) });
    return;
  }
  if (expr.length === 3 && expr[1].text === "-" && expr[0].kind === "ident" && expr[2].kind === "ident") {
    const [endTok, , startTok] = expr;
    state.sizes.push({
      name: name2,
      resolve: () => {
        const end = endTok.text === "." ? here : void 0;
        const a = end ?? labelIndex(endTok);
        const b = labelIndex(startTok);
        if (a.section !== b.section)
          fail(locOf(d, endTok), "size across sections", endTok.text, "labels of one section");
        const slots = (s, upto) => s.items.slice(0, upto).reduce((n, it) => n + (it.insn.kind === "lddw" ? 2 : 1), 0);
        if (a.section.items.length === 0) return a.byte - b.byte;
        return (slots(a.section, a.index) - slots(b.section, b.index)) * 8;
      }
    });
    return;
  }
  fail(
    locOf(d, expr[0]),
    "unsupported .size expression",
    expr.map((t) => t.text).join(" "),
    "a number or 'end-start'"
  );
}
function applyDirective(d, state) {
  const args = splitArgs(d.args);
  switch (d.name) {
    case ".text":
      enterSection(state, ".text");
      return;
    case ".section":
    case ".pushsection":
      enterSection(
        state,
        nameOf(d, args[0], "a section name"),
        args.slice(1).flat().map((t) => t.text).join(",")
      );
      return;
    case ".local":
      for (const a of args) {
        const name2 = nameOf(d, a, "a symbol name");
        state.symbols.set(name2, { ...state.symbols.get(name2), binding: "local" });
      }
      return;
    case ".globl":
    case ".global":
    case ".weak": {
      for (const a of args) {
        const name2 = nameOf(d, a, "a symbol name");
        const attrs = state.symbols.get(name2) ?? {};
        attrs.binding = d.name === ".weak" ? "weak" : "global";
        state.symbols.set(name2, attrs);
      }
      return;
    }
    case ".type": {
      const name2 = nameOf(d, args[0], "a symbol name");
      const kind = (args[1] ?? []).map((t) => t.text).join("");
      const attrs = state.symbols.get(name2) ?? {};
      if (/^[@%]?function$|^"function"$|^STT_FUNC$/.test(kind)) attrs.type = "func";
      else if (/^[@%]?object$|^"object"$|^STT_OBJECT$/.test(kind)) attrs.type = "object";
      else if (/^[@%]?notype$|^"notype"$|^STT_NOTYPE$/.test(kind)) attrs.type = "notype";
      else fail(locOf(d, args[1]?.[0]), `unknown symbol type '${kind}'`, kind, "@function or @object");
      state.symbols.set(name2, attrs);
      return;
    }
    case ".size":
      sizeRequest(d, args, state);
      return;
    default:
      if (IGNORED.has(d.name) || d.name.startsWith(".cfi_") || applyData(d, args, state)) return;
      fail(
        d.loc,
        `unsupported directive '${d.name}'`,
        d.name,
        ".text, .section, .globl, .type, .size or an instruction"
      );
  }
}

// packages/asm/src/text/tokens.ts
var TokenCursor = class {
  constructor(tokens, fileName, line, endColumn, cStyle) {
    this.tokens = tokens;
    this.fileName = fileName;
    this.line = line;
    this.endColumn = endColumn;
    this.cStyle = cStyle;
  }
  pos = 0;
  peek(ahead = 0) {
    return this.tokens[this.pos + ahead];
  }
  next() {
    return this.tokens[this.pos++];
  }
  atEnd() {
    return this.pos >= this.tokens.length;
  }
  /** True if the next token's text is `text` (case-sensitive). */
  is(text3, ahead = 0) {
    return this.tokens[this.pos + ahead]?.text === text3;
  }
  accept(text3) {
    if (!this.is(text3)) return false;
    this.pos++;
    return true;
  }
  expect(text3) {
    if (!this.is(text3)) this.fail(`'${text3}'`);
    return this.next();
  }
  /** Location of the next token (or of the end of the line). */
  location(tok = this.peek()) {
    return { fileName: this.fileName, line: this.line, column: tok ? tok.column : this.endColumn };
  }
  /** Throw "expected X, found 'tok'" at the next token. */
  fail(expected, tok = this.peek()) {
    const found = tok ? `'${tok.text}'` : "end of line";
    throw AsmError.at(this.location(tok), `expected ${expected}, found ${found}`, tok?.text ?? "", expected);
  }
  /** Throw a free-form error at a token. */
  error(reason, tok = this.peek(), expected) {
    throw AsmError.at(this.location(tok), reason, tok?.text ?? "", expected);
  }
  /** Require the end of the line. */
  end() {
    if (!this.atEnd()) this.fail("end of line");
  }
  /** An optionally signed integer literal. */
  integer(what) {
    const first = this.peek();
    let sign = 1n;
    if (this.accept("-")) sign = -1n;
    else this.accept("+");
    const tok = this.peek();
    if (tok?.kind !== "num") this.fail(what, tok);
    const value = parseIntLiteral(tok.text, this.cStyle);
    if (value === void 0) this.error(`invalid integer literal '${tok.text}'`, tok, what);
    this.pos++;
    return { value: sign * value, token: first };
  }
  /** True if the next tokens start an integer literal. */
  atInteger() {
    const k = this.is("-") || this.is("+") ? 1 : 0;
    return this.peek(k)?.kind === "num";
  }
};
function fitSigned(cur, value, bits, what, tok) {
  const min4 = -(1n << BigInt(bits - 1));
  const max4 = (1n << BigInt(bits)) - 1n;
  if (value < min4 || value > max4) {
    cur.error(`${what} ${value} does not fit in ${bits} bits`, tok, `a ${bits}-bit value`);
  }
  return BigInt.asIntN(bits, value);
}

// packages/asm/src/text/llvm-syntax.ts
var ASSIGN_OPS = {
  "+=": "add",
  "-=": "sub",
  "*=": "mul",
  "/=": "div",
  "s/=": "sdiv",
  "|=": "or",
  "&=": "and",
  "<<=": "lsh",
  ">>=": "rsh",
  "%=": "mod",
  "s%=": "smod",
  "^=": "xor",
  "s>>=": "arsh"
};
var COMPARE_OPS = {
  "==": "jeq",
  ">": "jgt",
  ">=": "jge",
  "&": "jset",
  "!=": "jne",
  "s>": "jsgt",
  "s>=": "jsge",
  "<": "jlt",
  "<=": "jle",
  "s<": "jslt",
  "s<=": "jsle"
};
var LOCK_OPS = { "+=": "add", "|=": "or", "&=": "and", "^=": "xor" };
var SIZES2 = { u8: 1, u16: 2, u32: 4, u64: 8 };
function regOf(tok) {
  const m = tok?.kind === "ident" ? /^([rw])(\d+)$/.exec(tok.text) : null;
  if (!m || !tok) return void 0;
  const n = Number(m[2]);
  return n <= 10 ? { n, width: m[1] === "w" ? 32 : 64, tok } : void 0;
}
function register(cur, width) {
  const tok = cur.peek();
  const r = regOf(tok);
  const want = width === 32 ? "a register w0-w10" : width === 64 ? "a register r0-r10" : "a register";
  if (!r || width && r.width !== width) cur.fail(want, tok);
  cur.next();
  return r;
}
function imm32(cur) {
  const { value, token } = cur.integer("an immediate");
  return Number(fitSigned(cur, value, 32, "immediate", token));
}
function address(cur, parens = true) {
  if (parens) cur.expect("(");
  const reg2 = register(cur, 64).n;
  let off = 0;
  const signTok = cur.peek();
  if (cur.accept("+") || cur.accept("-")) {
    const negative = signTok?.text === "-";
    const { value, token } = cur.integer("an offset");
    off = Number(fitSigned(cur, negative ? -value : value, 16, "offset", token ?? signTok));
  }
  if (parens) cur.expect(")");
  return { reg: reg2, off };
}
function pointerCast(cur, allowSigned) {
  cur.expect("*");
  cur.expect("(");
  const tok = cur.peek();
  const name2 = tok?.kind === "ident" ? tok.text : "";
  const signed = allowSigned && /^s(8|16|32)$/.test(name2);
  const size = signed ? SIZES2[`u${name2.slice(1)}`] : SIZES2[name2];
  if (!size) cur.fail(allowSigned ? "u8, u16, u32, u64, s8, s16 or s32" : "u8, u16, u32 or u64", tok);
  cur.next();
  cur.expect("*");
  cur.expect(")");
  return { size, signed };
}
function target(cur, wide) {
  const tok = cur.peek();
  if (tok?.kind === "ident" && !regOf(tok)) {
    cur.next();
    return { off: 0, ref: { name: tok.text, use: "jump", loc: cur.location(tok) } };
  }
  if (!cur.atInteger()) cur.fail("a label or an offset such as +3", tok);
  const { value, token } = cur.integer("an offset");
  return { off: Number(fitSigned(cur, value, wide ? 32 : 16, "offset", token)) };
}
var withRef = (insn, ref) => ref ? { insn, ref } : { insn };
function conditional(cur) {
  const dst = register(cur);
  const opTok = cur.next();
  const op = opTok ? COMPARE_OPS[opTok.text] : void 0;
  if (!op) cur.fail("a comparison (==, !=, >, >=, <, <=, &, s>, s>=, s<, s<=)", opTok);
  const src = regOf(cur.peek()) ? register(cur, dst.width) : void 0;
  const imm = src ? 0 : imm32(cur);
  const gotoTok = cur.peek();
  if (!cur.accept("goto")) cur.fail("'goto'", gotoTok);
  const t = target(cur, false);
  const source = src ? "reg" : "imm";
  const insn = {
    kind: "jmp",
    width: dst.width,
    op,
    source,
    dst: dst.n,
    src: src?.n ?? 0,
    imm,
    off: t.off
  };
  return withRef(insn, t.ref);
}
function lock(cur) {
  const { size } = pointerCast(cur, false);
  if (size !== 4 && size !== 8)
    cur.error("atomic operations are 32 or 64 bits wide", cur.peek(), "u32 or u64");
  const mem = address(cur);
  const opTok = cur.next();
  const op = opTok ? LOCK_OPS[opTok.text] : void 0;
  if (!op) cur.fail("+=, |=, &= or ^=", opTok);
  const src = register(cur, size === 4 ? 32 : 64);
  return { kind: "atomic", size, op, fetch: false, dst: mem.reg, src: src.n, off: mem.off };
}
function store(cur) {
  const { size } = pointerCast(cur, false);
  const mem = address(cur);
  cur.expect("=");
  const src = regOf(cur.peek());
  if (src) {
    cur.next();
    return { kind: "stx", size, dst: mem.reg, src: src.n, off: mem.off };
  }
  return { kind: "st", size, dst: mem.reg, off: mem.off, imm: imm32(cur) };
}
function atomicCall(cur, dst, fn) {
  const m = /^(?:atomic_fetch_(add|and|or|xor)|(xchg|cmpxchg)(?:_64|32_32))$/.exec(fn.text);
  if (!m) return void 0;
  cur.next();
  cur.expect("(");
  let size;
  let mem;
  if (m[1]) {
    cur.expect("(");
    const tok = cur.peek();
    if (!cur.accept("u32") && !cur.accept("u64")) cur.fail("u32 or u64", tok);
    size = tok?.text === "u32" ? 4 : 8;
    cur.expect("*");
    cur.expect(")");
    mem = address(cur);
  } else {
    size = fn.text.endsWith("32_32") ? 4 : 8;
    mem = address(cur, false);
  }
  const width = size === 4 ? 32 : 64;
  if (dst.width !== width) cur.error(`'${dst.tok.text}' must be a ${width}-bit register here`, dst.tok);
  cur.expect(",");
  const op = m[1] ?? m[2];
  if (op === "cmpxchg") {
    const r0 = register(cur, width);
    if (r0.n !== 0 || dst.n !== 0) cur.error("cmpxchg compares with r0 and returns into r0", r0.tok, "r0");
    cur.expect(",");
  }
  const src = register(cur, width);
  if (op !== "cmpxchg" && src.n !== dst.n)
    cur.error(`the result register must be the source register ${dst.tok.text}`, src.tok);
  cur.expect(")");
  return { kind: "atomic", size, op, fetch: true, dst: mem.reg, src: src.n, off: mem.off };
}
function assignment(cur, dst) {
  const w2 = dst.width;
  const next = cur.peek();
  if (cur.is("-") && regOf(cur.peek(1))) {
    cur.next();
    const src2 = register(cur, w2);
    if (src2.n !== dst.n) cur.error("negation works in place: write rN = -rN", src2.tok);
    return { insn: { kind: "alu", width: w2, op: "neg", source: "imm", dst: dst.n, src: 0, imm: 0 } };
  }
  if (cur.is("(")) {
    cur.next();
    const t = cur.next();
    const bits = t && /^s(8|16|32)$/.exec(t.text)?.[1];
    if (!bits || w2 === 32 && bits === "32") cur.fail(w2 === 32 ? "s8 or s16" : "s8, s16 or s32", t);
    cur.expect(")");
    const src2 = register(cur, w2);
    const op = `movsx${bits}`;
    return { insn: { kind: "alu", width: w2, op, source: "reg", dst: dst.n, src: src2.n, imm: 0 } };
  }
  if (cur.is("*")) {
    const { size, signed } = pointerCast(cur, true);
    if (cur.accept("skb")) {
      if (dst.n !== 0 || w2 !== 64) cur.error("packet loads write r0", dst.tok, "r0");
      if (size === 8 || signed) cur.error("packet loads are u8, u16 or u32", cur.peek());
      cur.expect("[");
      const reg2 = regOf(cur.peek());
      if (reg2) cur.next();
      const narrow2 = size;
      const insn = reg2 ? { kind: "ldind", size: narrow2, src: reg2.n, imm: 0 } : { kind: "ldabs", size: narrow2, imm: imm32(cur) };
      cur.expect("]");
      return { insn };
    }
    const mem = address(cur);
    return { insn: { kind: "ldx", size, signed, dst: dst.n, src: mem.reg, off: mem.off } };
  }
  if (next?.kind === "ident" && !regOf(next)) {
    const end = /^(be|le|bswap)(16|32|64)$/.exec(next.text);
    if (end) {
      cur.next();
      const src2 = register(cur, w2);
      if (src2.n !== dst.n || w2 !== 64)
        cur.error("byte swaps work in place on a 64-bit register: rN = be16 rN", src2.tok);
      const op = end[1];
      return { insn: { kind: "end", op, bits: Number(end[2]), dst: dst.n } };
    }
    const atomic2 = atomicCall(cur, dst, next);
    if (atomic2) return { insn: atomic2 };
    cur.next();
    let addend = 0;
    const signTok = cur.peek();
    if (cur.is("+") || cur.is("-")) {
      const { value: value2, token: token2 } = cur.integer("an addend");
      addend = Number(BigInt.asIntN(32, fitSigned(cur, value2, 32, "addend", token2 ?? signTok)));
    }
    if (!cur.is("ll")) cur.fail("'ll' after a symbol (r1 = name ll)");
    cur.next();
    if (w2 !== 64) cur.error("64-bit loads need an r register", dst.tok);
    return {
      insn: { kind: "lddw", source: "imm64", dst: dst.n, imm: addend, imm2: 0 },
      ref: { name: next.text, use: "lddw", loc: cur.location(next) }
    };
  }
  const src = regOf(next);
  if (src) {
    if (src.width !== w2) cur.fail(w2 === 32 ? "a register w0-w10" : "a register r0-r10", next);
    cur.next();
    return { insn: { kind: "alu", width: w2, op: "mov", source: "reg", dst: dst.n, src: src.n, imm: 0 } };
  }
  const { value, token } = cur.integer("a register, an immediate, or a memory load");
  if (cur.accept("ll")) {
    if (w2 !== 64) cur.error("64-bit loads need an r register", dst.tok);
    const v = fitSigned(cur, value, 64, "immediate", token);
    return { insn: { kind: "lddw", source: "imm64", dst: dst.n, ...splitImm64(v) } };
  }
  const imm = Number(fitSigned(cur, value, 32, "immediate", token));
  return { insn: { kind: "alu", width: w2, op: "mov", source: "imm", dst: dst.n, src: 0, imm } };
}
function ldPseudo(cur) {
  const dst = register(cur, 64);
  cur.expect(",");
  const srcTok = cur.peek();
  const src = imm32(cur);
  const source = LDDW_SOURCES[src];
  if (!source) cur.error(`invalid lddw source ${src}`, srcTok, `0-${LDDW_SOURCES.length - 1}`);
  cur.expect(",");
  return { kind: "lddw", source, dst: dst.n, imm: imm32(cur), imm2: 0 };
}
function instruction(cur) {
  const first = cur.peek();
  const word = first.kind === "ident" ? first.text : "";
  const dst = regOf(first);
  if (dst) {
    cur.next();
    const opTok = cur.next();
    if (opTok?.text === "=") return assignment(cur, dst);
    const op = opTok ? ASSIGN_OPS[opTok.text] : void 0;
    if (!op) cur.fail("'=' or a compound assignment such as '+='", opTok);
    const src = regOf(cur.peek()) ? register(cur, dst.width) : void 0;
    const insn = src ? { kind: "alu", width: dst.width, op, source: "reg", dst: dst.n, src: src.n, imm: 0 } : { kind: "alu", width: dst.width, op, source: "imm", dst: dst.n, src: 0, imm: imm32(cur) };
    return { insn };
  }
  if (first.text === "*") return { insn: store(cur) };
  cur.next();
  switch (word) {
    case "exit":
      return { insn: { kind: "exit" } };
    case "goto": {
      const t = target(cur, false);
      return withRef({ kind: "ja", off: t.off }, t.ref);
    }
    case "gotol": {
      const t = target(cur, true);
      return withRef({ kind: "gotol", imm: t.off }, t.ref);
    }
    case "call": {
      const tok = cur.peek();
      if (tok?.kind === "ident" && !regOf(tok)) {
        cur.next();
        return {
          insn: { kind: "call", target: "local", imm: 0 },
          ref: { name: tok.text, use: "call", loc: cur.location(tok) }
        };
      }
      return { insn: { kind: "call", target: "helper", imm: imm32(cur) } };
    }
    case "callx":
      return { insn: { kind: "callx", reg: register(cur).n } };
    case "if":
      return conditional(cur);
    case "lock":
      return { insn: lock(cur) };
    case "ld_pseudo":
      return { insn: ldPseudo(cur) };
    default:
      return cur.error(
        `unknown instruction starting with '${first.text}'`,
        first,
        "a register assignment, a store, if/goto/gotol/call/callx/exit or lock"
      );
  }
}
function parseLlvmLine(cur) {
  const out = [];
  while ((cur.peek()?.kind === "ident" || cur.peek()?.kind === "string") && cur.is(":", 1)) {
    const tok = cur.next();
    cur.next();
    const name2 = tok.kind === "string" ? unquote(tok.text) : tok.text;
    out.push({ kind: "label", name: name2, loc: cur.location(tok) });
  }
  if (cur.atEnd()) return out;
  const first = cur.peek();
  if (first.kind === "ident" && first.text.startsWith(".") && !regOf(first)) {
    cur.next();
    const args = [];
    while (!cur.atEnd()) args.push(cur.next());
    out.push({ kind: "directive", name: first.text, args, loc: cur.location(first) });
    return out;
  }
  const loc = cur.location(first);
  const { insn, ref } = instruction(cur);
  cur.end();
  if (!rowOf(insn)) cur.error("this instruction has no encoding", first);
  out.push({ kind: "insn", insn, loc, ...ref ? { ref } : {} });
  return out;
}

// packages/asm/src/text/ubpf-syntax.ts
var SIZE_SUFFIX = { b: 1, h: 2, w: 4, dw: 8 };
var PLAIN_ALU = ALU_OPS.filter((op) => op !== "neg" && !op.startsWith("movsx"));
function register2(cur) {
  const tok = cur.peek();
  const m = tok?.kind === "ident" ? /^%?r(\d+)$/.exec(tok.text) : null;
  if (!m) cur.fail("a register (%r0-%r10)", tok);
  const n = Number(m[1]);
  if (n > 10) cur.error(`invalid register '${tok?.text}'`, tok, "a register (%r0-%r10)");
  cur.next();
  return n;
}
function isRegister(tok) {
  return tok?.kind === "ident" && /^%?r\d+$/.test(tok.text);
}
function imm322(cur) {
  const { value, token } = cur.integer("an immediate");
  return Number(fitSigned(cur, value, 32, "immediate", token));
}
function regOrImm(cur) {
  if (isRegister(cur.peek())) return { src: register2(cur), imm: 0, source: "reg" };
  if (cur.peek()?.kind === "ident") cur.fail("a register (%r0-%r10) or an immediate");
  return { src: 0, imm: imm322(cur), source: "imm" };
}
function offset16(cur, value, tok) {
  return Number(fitSigned(cur, value, 16, "offset", tok));
}
function memory(cur) {
  cur.expect("[");
  const reg2 = register2(cur);
  let off = 0;
  if (cur.is("+") || cur.is("-")) {
    const { value, token } = cur.integer("an offset");
    off = offset16(cur, value, token);
  }
  cur.expect("]");
  return { reg: reg2, off };
}
function target2(cur, wide) {
  const tok = cur.peek();
  if (tok?.kind === "ident" && !isRegister(tok)) {
    cur.next();
    return { off: 0, ref: { name: tok.text, use: "jump", loc: cur.location(tok) } };
  }
  if (!cur.atInteger()) cur.fail("a label or an offset such as +3", tok);
  const { value, token } = cur.integer("an offset");
  return { off: Number(fitSigned(cur, value, wide ? 32 : 16, "offset", token)) };
}
function comma(cur) {
  cur.expect(",");
}
function call(cur) {
  const first = cur.peek();
  if (isRegister(first)) return { insn: { kind: "callx", reg: register2(cur) } };
  const mode2 = first?.kind === "ident" && cur.peek(1) ? first.text : void 0;
  if (mode2 === "helper" || mode2 === "runtime") {
    cur.next();
    return { insn: { kind: "call", target: mode2 === "helper" ? "helper" : "kfunc", imm: imm322(cur) } };
  }
  if (mode2 === "local") cur.next();
  if (mode2 === "local" || cur.peek()?.kind === "ident") {
    const t = target2(cur, true);
    const ref = t.ref && { ...t.ref, use: "call" };
    return { insn: { kind: "call", target: "local", imm: t.off }, ...ref ? { ref } : {} };
  }
  return { insn: { kind: "call", target: "helper", imm: imm322(cur) } };
}
function lddw(cur) {
  const dst = register2(cur);
  comma(cur);
  const tok = cur.peek();
  if (tok?.kind === "ident" && !isRegister(tok)) {
    cur.next();
    return {
      insn: { kind: "lddw", source: "imm64", dst, imm: 0, imm2: 0 },
      ref: { name: tok.text, use: "lddw", loc: cur.location(tok) }
    };
  }
  const { value, token } = cur.integer("a 64-bit immediate or a symbol");
  const v = fitSigned(cur, value, 64, "immediate", token);
  return { insn: { kind: "lddw", source: "imm64", dst, ...splitImm64(v) } };
}
function atomic(cur) {
  let fetch = cur.accept("fetch");
  const tok = cur.peek();
  const m = tok?.kind === "ident" ? /^([a-z]+?)(32|64)?$/.exec(tok.text) : null;
  if (!m || !ATOMIC_OPS.includes(m[1])) {
    cur.fail(`an atomic operation (${ATOMIC_OPS.join(", ")})`, tok);
  }
  cur.next();
  const op = m[1];
  if (op === "xchg" || op === "cmpxchg") fetch = true;
  const mem = memory(cur);
  comma(cur);
  const src = register2(cur);
  return { kind: "atomic", size: m[2] === "32" ? 4 : 8, op, fetch, dst: mem.reg, src, off: mem.off };
}
var withRef2 = (insn, ref) => ref ? { insn, ref } : { insn };
var RULES = [
  [
    /^([a-z]+?)(32|64)?$/,
    (m, cur) => {
      if (!PLAIN_ALU.includes(m[1])) return void 0;
      const width = m[2] === "32" ? 32 : 64;
      const op = m[1];
      const dst = register2(cur);
      comma(cur);
      return { insn: { kind: "alu", width, op, dst, ...regOrImm(cur) } };
    }
  ],
  [
    /^neg(32|64)?$/,
    (m, cur) => ({
      insn: {
        kind: "alu",
        width: m[1] === "32" ? 32 : 64,
        op: "neg",
        source: "imm",
        dst: register2(cur),
        src: 0,
        imm: 0
      }
    })
  ],
  [
    /^movsx(8|16|32)(32|64)$/,
    (m, cur) => {
      if (m[1] === "32" && m[2] === "32") return void 0;
      const dst = register2(cur);
      comma(cur);
      const op = `movsx${m[1]}`;
      return {
        insn: {
          kind: "alu",
          width: m[2] === "32" ? 32 : 64,
          op,
          source: "reg",
          dst,
          src: register2(cur),
          imm: 0
        }
      };
    }
  ],
  [
    /^(le|be|swap|bswap)(16|32|64)$/,
    (m, cur) => {
      const op = m[1] === "le" ? "le" : m[1] === "be" ? "be" : "bswap";
      return { insn: { kind: "end", op, bits: Number(m[2]), dst: register2(cur) } };
    }
  ],
  [
    /^([a-z]+?)(32)?$/,
    (m, cur) => {
      if (!JMP_OPS.includes(m[1])) return void 0;
      const dst = register2(cur);
      comma(cur);
      const operand = regOrImm(cur);
      comma(cur);
      const t = target2(cur, false);
      return withRef2(
        { kind: "jmp", width: m[2] ? 32 : 64, op: m[1], dst, ...operand, off: t.off },
        t.ref
      );
    }
  ],
  [
    /^ja$/,
    (_m, cur) => {
      const t = target2(cur, false);
      return withRef2({ kind: "ja", off: t.off }, t.ref);
    }
  ],
  [
    /^(ja32|gotol)$/,
    (_m, cur) => {
      const t = target2(cur, true);
      return withRef2({ kind: "gotol", imm: t.off }, t.ref);
    }
  ],
  [/^call$/, (_m, cur) => call(cur)],
  [/^callx$/, (_m, cur) => ({ insn: { kind: "callx", reg: register2(cur) } })],
  [/^exit$/, () => ({ insn: { kind: "exit" } })],
  [/^lddw$/, (_m, cur) => lddw(cur)],
  [
    /^ld(abs|ind)(b|h|w)$/,
    (m, cur) => {
      const size = SIZE_SUFFIX[m[2]];
      if (m[1] === "abs") return { insn: { kind: "ldabs", size, imm: imm322(cur) } };
      const src = register2(cur);
      comma(cur);
      return { insn: { kind: "ldind", size, src, imm: imm322(cur) } };
    }
  ],
  [
    /^ldx(s?)(b|h|w|dw)$/,
    (m, cur) => {
      if (m[1] && m[2] === "dw") return void 0;
      const dst = register2(cur);
      comma(cur);
      const mem = memory(cur);
      return {
        insn: { kind: "ldx", size: SIZE_SUFFIX[m[2]], signed: m[1] === "s", dst, src: mem.reg, off: mem.off }
      };
    }
  ],
  [
    /^st(x?)(b|h|w|dw)$/,
    (m, cur) => {
      const mem = memory(cur);
      comma(cur);
      const size = SIZE_SUFFIX[m[2]];
      if (m[1]) return { insn: { kind: "stx", size, dst: mem.reg, src: register2(cur), off: mem.off } };
      return { insn: { kind: "st", size, dst: mem.reg, off: mem.off, imm: imm322(cur) } };
    }
  ],
  [/^lock$/, (_m, cur) => ({ insn: atomic(cur) })]
];
function instruction2(cur, mn) {
  const name2 = mn.text.toLowerCase();
  for (const [re, parse] of RULES) {
    const m = re.exec(name2);
    const parsed = m && parse(m, cur);
    if (parsed) return parsed;
  }
  return cur.error(
    `unknown instruction '${mn.text}'`,
    mn,
    "a ubpf mnemonic such as mov, ldxw, jeq, lddw, call, exit"
  );
}
function parseUbpfLine(cur) {
  const out = [];
  while (cur.peek()?.kind === "ident" && cur.is(":", 1)) {
    const tok = cur.next();
    cur.next();
    out.push({ kind: "label", name: tok.text, loc: cur.location(tok) });
  }
  if (cur.atEnd()) return out;
  const mn = cur.next();
  if (mn.kind !== "ident") cur.fail("an instruction or a label", mn);
  const loc = cur.location(mn);
  const { insn, ref } = instruction2(cur, mn);
  cur.end();
  if (!rowOf(insn)) cur.error(`'${mn.text}' has no encoding with these operands`, mn);
  out.push({ kind: "insn", insn, loc, ...ref ? { ref } : {} });
  return out;
}

// packages/asm/src/text/assemble.ts
function newSection(name2) {
  return {
    name: name2,
    items: [],
    labels: /* @__PURE__ */ new Map(),
    bytes: [],
    nobits: name2 === ".bss" || name2.startsWith(".bss.")
  };
}
function detectSyntax(text3) {
  let llvm = 0;
  let ubpf = 0;
  for (const raw of text3.split("\n")) {
    const line = raw.replace(/(#|\/\/).*$/, "").trim();
    if (line === "") continue;
    if (/=|\bgoto\b|\bgotol\b|^\.|^callx\b/.test(line)) llvm++;
    else if (/%r\d|\[/.test(line) || /^[a-z][a-z0-9]*\s+%?r\d+\s*,/i.test(line)) ubpf++;
  }
  return llvm > ubpf ? "llvm" : "ubpf";
}
function parseLines(text3, syntax, fileName) {
  const statements = [];
  text3.split("\n").forEach((lineText, i) => {
    const tokens = tokenize(lineText, fileName, i + 1, syntax === "llvm");
    const endColumn = lineText.trimEnd().length + 1;
    let start = 0;
    for (let k = 0; k <= tokens.length; k++) {
      if (k < tokens.length && tokens[k].text !== ";") continue;
      const part = tokens.slice(start, k);
      start = k + 1;
      if (part.length === 0) continue;
      const end = k < tokens.length ? tokens[k].column : endColumn;
      const cur = new TokenCursor(part, fileName, i + 1, end, syntax === "llvm");
      statements.push(...syntax === "ubpf" ? parseUbpfLine(cur) : parseLlvmLine(cur));
    }
  });
  return statements;
}
function fail2(loc, reason, text3, expected) {
  throw AsmError.at(loc, reason, text3, expected);
}
function resolveSection(section2, syntax, attrs, relocations) {
  const insns = section2.items.map((it) => it.insn);
  const starts = slotStarts(insns);
  section2.items.forEach((item, i) => {
    const ref = item.ref;
    if (!ref) return;
    const at = insns[i];
    const target3 = section2.labels.get(ref.name);
    const global = attrs.symbols.get(ref.name)?.binding;
    if (ref.use === "lddw" || ref.use === "call" && (!target3 || global && global !== "local")) {
      if (ref.use === "call" && syntax === "ubpf")
        fail2(ref.loc, `unknown function '${ref.name}'`, ref.name, "a label defined in this program");
      relocations.push({
        section: section2.name,
        index: i,
        offset: starts[i] * 8,
        symbol: ref.name,
        type: ref.use === "lddw" ? "R_BPF_64_64" : "R_BPF_64_32"
      });
      if (at.kind === "call") insns[i] = { ...at, imm: -1 };
      return;
    }
    if (!target3)
      fail2(ref.loc, `unknown label '${ref.name}'`, ref.name, `a label defined in section ${section2.name}`);
    const patched = withBranchOffset(at, starts[target3.index] - (starts[i] + insnWidth(at)));
    if (typeof patched === "string") fail2(ref.loc, `'${ref.name}': ${patched}`, ref.name);
    insns[i] = patched;
  });
  return insns;
}
function dataSection2(pending, state) {
  const labels = {};
  const symbols = [];
  for (const [name2, { byte }] of pending.labels) {
    labels[name2] = byte;
    if (name2.startsWith(".L")) continue;
    const attrs = state.symbols.get(name2);
    const type = attrs?.type === "object" ? "object" : "notype";
    symbols.push({ name: name2, offset: byte, size: 0, binding: attrs?.binding ?? "local", type });
  }
  return {
    name: pending.name,
    bytes: Uint8Array.from(pending.bytes),
    labels,
    symbols,
    nobits: pending.nobits
  };
}
function assemble(text3, options = {}) {
  const fileName = options.fileName ?? "<input>";
  const syntax = options.syntax ?? detectSyntax(text3);
  const statements = parseLines(text3, syntax, fileName);
  const state = { current: void 0, sections: /* @__PURE__ */ new Map(), symbols: /* @__PURE__ */ new Map(), sizes: [] };
  const sectionFor = () => {
    if (!state.current) {
      state.current = state.sections.get(".text") ?? newSection(".text");
      state.sections.set(".text", state.current);
    }
    return state.current;
  };
  let firstExit;
  let implicitExit = false;
  for (const st of statements) {
    if (st.kind === "directive") {
      applyDirective(st, state);
      continue;
    }
    const section2 = sectionFor();
    if (st.kind === "label") {
      const prev = section2.labels.get(st.name);
      if (prev)
        fail2(
          st.loc,
          `label '${st.name}' is already defined at line ${prev.loc.line}`,
          st.name,
          "a new label name"
        );
      section2.labels.set(st.name, { index: section2.items.length, byte: section2.bytes.length, loc: st.loc });
      continue;
    }
    if (section2.dataLoc) {
      fail2(
        st.loc,
        `instruction in data section '${section2.name}' (data from line ${section2.dataLoc.line})`,
        section2.name,
        "a code section"
      );
    }
    if (st.insn.kind === "exit" && !firstExit) firstExit = { section: section2, index: section2.items.length };
    section2.items.push({ insn: st.insn, loc: st.loc, ...st.ref ? { ref: st.ref } : {} });
  }
  if (syntax === "ubpf" && firstExit && !firstExit.section.labels.has("exit")) {
    firstExit.section.labels.set("exit", {
      index: firstExit.index,
      byte: 0,
      loc: { fileName, line: 0, column: 0 }
    });
    implicitExit = true;
  }
  const relocations = [];
  const called = /* @__PURE__ */ new Set();
  for (const pending of syntax === "ubpf" ? state.sections.values() : []) {
    for (const it of pending.items) if (it.ref?.use === "call") called.add(`${pending.name}\0${it.ref.name}`);
  }
  const sections = [];
  const data = [];
  const symbols = [];
  for (const pending of state.sections.values()) {
    const isData = pending.bytes.length > 0 && pending.items.length === 0;
    if (isData) {
      data.push(dataSection2(pending, state));
      continue;
    }
    const insns = resolveSection(pending, syntax, state, relocations);
    const starts = slotStarts(insns);
    const labels = {};
    for (const [name2, { index }] of pending.labels) {
      labels[name2] = index;
      if (name2.startsWith(".L") || implicitExit && name2 === "exit" && pending === firstExit?.section)
        continue;
      const attrs = state.symbols.get(name2);
      const type = attrs?.type === "func" || called.has(`${pending.name}\0${name2}`) ? "func" : "notype";
      symbols.push({
        name: name2,
        section: pending.name,
        index,
        offset: starts[index] * 8,
        size: 0,
        binding: attrs?.binding ?? "local",
        type
      });
    }
    sections.push({ name: pending.name, insns, labels });
  }
  for (const size of state.sizes) {
    const sym = symbols.find((s) => s.name === size.name) ?? data.flatMap((d) => d.symbols).find((s) => s.name === size.name);
    if (sym) sym.size = size.resolve();
  }
  const first = sections[0] ?? { insns: [], labels: {} };
  return { syntax, insns: first.insns, labels: first.labels, sections, data, symbols, relocations };
}

// packages/asm/src/text/format-llvm.ts
var JMP_TEXT = {
  jeq: "==",
  jgt: ">",
  jge: ">=",
  jset: "&",
  jne: "!=",
  jsgt: "s>",
  jsge: "s>=",
  jlt: "<",
  jle: "<=",
  jslt: "s<",
  jsle: "s<="
};

// packages/asm/src/text/helper-names.ts
var LINUX_HELPERS = [
  "unspec",
  "map_lookup_elem",
  "map_update_elem",
  "map_delete_elem",
  "probe_read",
  "ktime_get_ns",
  "trace_printk",
  "get_prandom_u32",
  "get_smp_processor_id",
  "skb_store_bytes",
  "l3_csum_replace",
  "l4_csum_replace",
  "tail_call",
  "clone_redirect",
  "get_current_pid_tgid",
  "get_current_uid_gid",
  "get_current_comm",
  "get_cgroup_classid",
  "skb_vlan_push",
  "skb_vlan_pop",
  "skb_get_tunnel_key",
  "skb_set_tunnel_key",
  "perf_event_read",
  "redirect",
  "get_route_realm",
  "perf_event_output",
  "skb_load_bytes",
  "get_stackid",
  "csum_diff",
  "skb_get_tunnel_opt",
  "skb_set_tunnel_opt",
  "skb_change_proto",
  "skb_change_type",
  "skb_under_cgroup",
  "get_hash_recalc",
  "get_current_task",
  "probe_write_user",
  "current_task_under_cgroup",
  "skb_change_tail",
  "skb_pull_data",
  "csum_update",
  "set_hash_invalid",
  "get_numa_node_id",
  "skb_change_head",
  "xdp_adjust_head",
  "probe_read_str",
  "get_socket_cookie",
  "get_socket_uid",
  "set_hash",
  "setsockopt",
  "skb_adjust_room",
  "redirect_map",
  "sk_redirect_map",
  "sock_map_update",
  "xdp_adjust_meta",
  "perf_event_read_value",
  "perf_prog_read_value",
  "getsockopt",
  "override_return",
  "sock_ops_cb_flags_set",
  "msg_redirect_map",
  "msg_apply_bytes",
  "msg_cork_bytes",
  "msg_pull_data",
  "bind",
  "xdp_adjust_tail",
  "skb_get_xfrm_state",
  "get_stack",
  "skb_load_bytes_relative",
  "fib_lookup",
  "sock_hash_update",
  "msg_redirect_hash",
  "sk_redirect_hash",
  "lwt_push_encap",
  "lwt_seg6_store_bytes",
  "lwt_seg6_adjust_srh",
  "lwt_seg6_action",
  "rc_repeat",
  "rc_keydown",
  "skb_cgroup_id",
  "get_current_cgroup_id",
  "get_local_storage",
  "sk_select_reuseport",
  "skb_ancestor_cgroup_id",
  "sk_lookup_tcp",
  "sk_lookup_udp",
  "sk_release",
  "map_push_elem",
  "map_pop_elem",
  "map_peek_elem",
  "msg_push_data",
  "msg_pop_data",
  "rc_pointer_rel",
  "spin_lock",
  "spin_unlock",
  "sk_fullsock",
  "tcp_sock",
  "skb_ecn_set_ce",
  "get_listener_sock",
  "skc_lookup_tcp",
  "tcp_check_syncookie",
  "sysctl_get_name",
  "sysctl_get_current_value",
  "sysctl_get_new_value",
  "sysctl_set_new_value",
  "strtol",
  "strtoul",
  "sk_storage_get",
  "sk_storage_delete",
  "send_signal",
  "tcp_gen_syncookie",
  "skb_output",
  "probe_read_user",
  "probe_read_kernel",
  "probe_read_user_str",
  "probe_read_kernel_str",
  "tcp_send_ack",
  "send_signal_thread",
  "jiffies64",
  "read_branch_records",
  "get_ns_current_pid_tgid",
  "xdp_output",
  "get_netns_cookie",
  "get_current_ancestor_cgroup_id",
  "sk_assign",
  "ktime_get_boot_ns",
  "seq_printf",
  "seq_write",
  "sk_cgroup_id",
  "sk_ancestor_cgroup_id",
  "ringbuf_output",
  "ringbuf_reserve",
  "ringbuf_submit",
  "ringbuf_discard",
  "ringbuf_query",
  "csum_level",
  "skc_to_tcp6_sock",
  "skc_to_tcp_sock",
  "skc_to_tcp_timewait_sock",
  "skc_to_tcp_request_sock",
  "skc_to_udp6_sock",
  "get_task_stack",
  "load_hdr_opt",
  "store_hdr_opt",
  "reserve_hdr_opt",
  "inode_storage_get",
  "inode_storage_delete",
  "d_path",
  "copy_from_user",
  "snprintf_btf",
  "seq_printf_btf",
  "skb_cgroup_classid",
  "redirect_neigh",
  "per_cpu_ptr",
  "this_cpu_ptr",
  "redirect_peer",
  "task_storage_get",
  "task_storage_delete",
  "get_current_task_btf",
  "bprm_opts_set",
  "ktime_get_coarse_ns",
  "ima_inode_hash",
  "sock_from_file",
  "check_mtu",
  "for_each_map_elem",
  "snprintf",
  "sys_bpf",
  "btf_find_by_name_kind",
  "sys_close",
  "timer_init",
  "timer_set_callback",
  "timer_start",
  "timer_cancel",
  "get_func_ip",
  "get_attach_cookie",
  "task_pt_regs",
  "get_branch_snapshot",
  "trace_vprintk",
  "skc_to_unix_sock",
  "kallsyms_lookup_name",
  "find_vma",
  "loop",
  "strncmp",
  "get_func_arg",
  "get_func_ret",
  "get_func_arg_cnt",
  "get_retval",
  "set_retval",
  "xdp_get_buff_len",
  "xdp_load_bytes",
  "xdp_store_bytes",
  "copy_from_user_task",
  "skb_set_tstamp",
  "ima_file_hash",
  "kptr_xchg",
  "map_lookup_percpu_elem",
  "skc_to_mptcp_sock",
  "dynptr_from_mem",
  "ringbuf_reserve_dynptr",
  "ringbuf_submit_dynptr",
  "ringbuf_discard_dynptr",
  "dynptr_read",
  "dynptr_write",
  "dynptr_data",
  "tcp_raw_gen_syncookie_ipv4",
  "tcp_raw_gen_syncookie_ipv6",
  "tcp_raw_check_syncookie_ipv4",
  "tcp_raw_check_syncookie_ipv6",
  "ktime_get_tai_ns",
  "user_ringbuf_drain",
  "cgrp_storage_get",
  "cgrp_storage_delete"
];
function linuxHelperName(id) {
  return id >= 0 && id < LINUX_HELPERS.length ? `bpf_${LINUX_HELPERS[id]}` : void 0;
}

// packages/asm/src/text/format-kernel.ts
var ALU_TEXT = {
  add: "+=",
  sub: "-=",
  mul: "*=",
  div: "/=",
  sdiv: "s/=",
  or: "|=",
  and: "&=",
  lsh: "<<=",
  rsh: ">>=",
  mod: "%=",
  smod: "s%=",
  xor: "^=",
  mov: "=",
  arsh: "s>>="
};
var plus = (n) => n < 0 ? `${n}` : `+${n}`;
var hex32 = (n) => `0x${(n >>> 0).toString(16)}`;
function text(insn, options) {
  switch (insn.kind) {
    case "alu": {
      const p = insn.width === 32 ? "w" : "r";
      const d = `${p}${insn.dst}`;
      if (insn.op === "neg") return `${d} = -${d}`;
      if (insn.op.startsWith("movsx")) return `${d} = (s${insn.op.slice(5)})${p}${insn.src}`;
      return `${d} ${ALU_TEXT[insn.op]} ${insn.source === "reg" ? `${p}${insn.src}` : insn.imm}`;
    }
    case "end":
      return `r${insn.dst} = ${insn.op}${insn.bits} r${insn.dst}`;
    case "jmp": {
      const p = insn.width === 32 ? "w" : "r";
      const s = insn.source === "reg" ? `${p}${insn.src}` : hex32(insn.imm);
      return `if ${p}${insn.dst} ${JMP_TEXT[insn.op]} ${s} goto pc${plus(insn.off)}`;
    }
    case "ja":
      return `goto pc${plus(insn.off)}`;
    case "gotol":
      return `gotol pc${plus(insn.imm)}`;
    case "call":
      if (insn.target === "local") return `call pc${plus(insn.imm)}`;
      if (insn.target === "kfunc") return `call kernel-function#${insn.imm}`;
      return `call ${options.helperName?.(insn.imm) ?? linuxHelperName(insn.imm) ?? "unknown"}#${insn.imm}`;
    case "callx":
      return `callx r${insn.reg}`;
    case "exit":
      return "exit";
    case "lddw": {
      const lo2 = insn.imm >>> 0;
      const hi = insn.imm2 >>> 0;
      switch (insn.source) {
        case "map_fd":
          return `r${insn.dst} = map[fd:${lo2}]`;
        case "map_value":
          return `r${insn.dst} = map[fd:${lo2}][0]+${hi}`;
        case "map_idx":
          return `r${insn.dst} = map[idx:${lo2}]`;
        case "map_idx_value":
          return `r${insn.dst} = map[idx:${lo2}][0]+${hi}`;
        case "code_addr":
          return `r${insn.dst} = subprog[${plus(insn.imm)}]`;
        default:
          return `r${insn.dst} = 0x${(BigInt(hi) << 32n | BigInt(lo2)).toString(16)}`;
      }
    }
    case "ldabs":
      return `r0 = *(u${insn.size * 8} *)skb[${insn.imm}]`;
    case "ldind":
      return `r0 = *(u${insn.size * 8} *)skb[r${insn.src} + ${insn.imm}]`;
    case "ldx":
      return `r${insn.dst} = *(${insn.signed ? "s" : "u"}${insn.size * 8} *)(r${insn.src} ${plus(insn.off)})`;
    case "st":
      return `*(u${insn.size * 8} *)(r${insn.dst} ${plus(insn.off)}) = ${insn.imm}`;
    case "stx":
      return `*(u${insn.size * 8} *)(r${insn.dst} ${plus(insn.off)}) = r${insn.src}`;
    case "atomic": {
      const type = `u${insn.size * 8}`;
      const mem = `(${type} *)(r${insn.dst} ${plus(insn.off)})`;
      const w2 = insn.size === 8 ? "64" : "";
      if (insn.op === "cmpxchg") return `r0 = atomic${w2}_cmpxchg(${mem}, r0, r${insn.src})`;
      if (insn.op === "xchg") return `r${insn.src} = atomic${w2}_xchg(${mem}, r${insn.src})`;
      if (!insn.fetch) return `lock *${mem} ${ALU_TEXT[insn.op]} r${insn.src}`;
      return `r${insn.src} = atomic${w2}_fetch_${insn.op}(${mem}, r${insn.src})`;
    }
  }
}
function formatKernel(insn, options = {}) {
  const opcode2 = encodeSlots(insn)[0].opcode;
  return `(${opcode2.toString(16).padStart(2, "0")}) ${text(insn, options)}`;
}

// packages/vm/src/errors.ts
var VmError = class extends Error {
  constructor(kind, reason, pc = -1, address5, size) {
    super(pc >= 0 ? `pc ${pc}: ${reason}` : reason);
    this.kind = kind;
    this.reason = reason;
    this.pc = pc;
    this.address = address5;
    this.size = size;
  }
  name = "VmError";
};
var EPERM = 1;
var ENOENT = 2;
var E2BIG = 7;
var EFAULT = 14;
var EEXIST = 17;
var EINVAL = 22;

// packages/vm/src/helpers/ids.ts
var HELPER = {
  map_lookup_elem: 1,
  map_update_elem: 2,
  map_delete_elem: 3,
  probe_read: 4,
  ktime_get_ns: 5,
  trace_printk: 6,
  get_prandom_u32: 7,
  get_smp_processor_id: 8,
  probe_read_str: 45,
  probe_read_kernel: 113,
  probe_read_kernel_str: 115,
  ringbuf_output: 130,
  ringbuf_reserve: 131,
  ringbuf_submit: 132,
  ringbuf_discard: 133,
  /** RFC: long bpf_memcmp(void *unsafe_ptr, void *safe_ptr, long size). */
  memcmp: 1001,
  /** RFC: void *bpf_load_pointer(void *unsafe_ptr) — 8 bytes, 0 on a fault. */
  load_pointer: 1002,
  /** RFC: void bpf_dump_stack(struct bpf_context *ctx). */
  dump_stack: 1003,
  /** The RFC cover letter's form: bpf_trace_printk(fmt, a1, a2, a3, a4), fmt NUL-terminated. */
  rfc_trace_printk: 1004
};

// packages/vm/src/helpers/printk.ts
var TWO32 = 4294967296n;
function u64(a) {
  return BigInt(a.hi >>> 0) * TWO32 + BigInt(a.lo >>> 0);
}
function formatPrintk(fmt, args, maxArgs, readString2) {
  let out = "";
  let used = 0;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== "%") {
      out += c;
      continue;
    }
    if (fmt[i + 1] === "%") {
      out += "%";
      i++;
      continue;
    }
    let j = i + 1;
    let longs = 0;
    while (fmt[j] === "l" && longs < 2) {
      longs++;
      j++;
    }
    const conv = fmt[j];
    if (conv === void 0 || !"diuxps".includes(conv) || longs > 0 && (conv === "p" || conv === "s")) {
      return { ok: false, reason: `unsupported conversion '${fmt.slice(i, j + 1)}' at offset ${i}` };
    }
    if (used >= maxArgs) return { ok: false, reason: `more than ${maxArgs} conversions` };
    const arg = args[used++] ?? { lo: 0, hi: 0 };
    if (conv === "p" && fmt[j + 1] === "x") j++;
    out += convert(conv, longs > 0, arg, readString2);
    i = j;
  }
  return { ok: true, text: out };
}
function convert(conv, wide, arg, readString2) {
  switch (conv) {
    case "d":
    case "i":
      return wide ? BigInt.asIntN(64, u64(arg)).toString() : String(arg.lo | 0);
    case "u":
      return wide ? u64(arg).toString() : String(arg.lo >>> 0);
    case "x":
      return wide ? u64(arg).toString(16) : (arg.lo >>> 0).toString(16);
    case "p":
      return `0x${u64(arg).toString(16)}`;
    default:
      return readString2(arg) ?? "";
  }
}

// packages/vm/src/helpers/registry.ts
var TWO322 = 4294967296;
var HelperCall = class {
  constructor(runtime, lo2 = new Int32Array(11), hi = new Int32Array(11)) {
    this.runtime = runtime;
    this.lo = lo2;
    this.hi = hi;
  }
  /** Low 32 bits of r0..r10 (only r1..r5 are meaningful to a helper). */
  lo;
  /** High 32 bits of r0..r10. */
  hi;
  /** Instruction index of the call (for error messages). */
  pc = -1;
  /** Set by `stop()`; engines check it after every helper call. */
  stopped = false;
  stopValue = 0;
  /** r0 halves set by `set64` (for helpers that return undefined). */
  retLo = 0;
  retHi = 0;
  /** rn's low 32 bits, unsigned. */
  u32(n) {
    return this.lo[n] >>> 0;
  }
  /** rn's low 32 bits, signed. */
  i32(n) {
    return this.lo[n];
  }
  /** rn as a number: exact for values below 2^53 (sizes, BPF addresses). Negative values are huge. */
  num(n) {
    return (this.hi[n] >>> 0) * TWO322 + (this.lo[n] >>> 0);
  }
  /** rn as a signed number (exact within ±2^53). */
  signed(n) {
    return this.hi[n] * TWO322 + (this.lo[n] >>> 0);
  }
  /** rn as an unsigned 64-bit BigInt. */
  u64(n) {
    return BigInt(this.hi[n] >>> 0) << 32n | BigInt(this.lo[n] >>> 0);
  }
  /**
   * rn as a pointer: its offset into the linear memory, or -1 if its high half is not 1 (not
   * an address in the linear memory). Range checks are the caller's (see `Runtime.check`).
   */
  offset(n) {
    return this.hi[n] === 1 ? this.lo[n] >>> 0 : -1;
  }
  /** Set r0 from 32-bit halves without a BigInt; the helper then returns undefined. */
  set64(lo2, hi) {
    this.retLo = lo2 | 0;
    this.retHi = hi | 0;
  }
  /** End the program now with r0 = value (a number, sign-extended to 64 bits). */
  stop(value) {
    this.stopped = true;
    this.stopValue = value;
  }
};
var HelperRegistry = class _HelperRegistry {
  byId = /* @__PURE__ */ new Map();
  /** Add or replace helper `proto.id`. */
  register(proto, fn) {
    this.byId.set(proto.id, { proto, fn });
    return this;
  }
  get(id) {
    return this.byId.get(id);
  }
  has(id) {
    return this.byId.has(id);
  }
  /** The prototype of helper `id`, for the verifier. */
  prototype(id) {
    return this.byId.get(id)?.proto;
  }
  /** Every registered helper, by ascending id. */
  list() {
    return [...this.byId.values()].sort((a, b) => a.proto.id - b.proto.id);
  }
  /** A registry with the same helpers, to extend without touching this one. */
  clone() {
    const copy = new _HelperRegistry();
    for (const def of this.byId.values()) copy.register(def.proto, def.fn);
    return copy;
  }
};
function setReturn(call2, lo2, hi, value) {
  if (value === void 0) {
    lo2[0] = call2.retLo;
    hi[0] = call2.retHi;
  } else if (typeof value === "number") {
    lo2[0] = value | 0;
    hi[0] = Math.floor(value / TWO322) | 0;
  } else {
    lo2[0] = Number(BigInt.asIntN(32, value));
    hi[0] = Number(BigInt.asIntN(32, value >> 32n));
  }
}

// packages/vm/src/maps/layout.ts
var layout_exports = {};
__export(layout_exports, {
  BPF_ANY: () => BPF_ANY,
  BPF_EXIST: () => BPF_EXIST,
  BPF_F_RDONLY_PROG: () => BPF_F_RDONLY_PROG2,
  BPF_NOEXIST: () => BPF_NOEXIST,
  DESC_CAPACITY: () => DESC_CAPACITY,
  DESC_COUNT: () => DESC_COUNT,
  DESC_DATA: () => DESC_DATA,
  DESC_FLAGS: () => DESC_FLAGS,
  DESC_ID: () => DESC_ID,
  DESC_KEY_SIZE: () => DESC_KEY_SIZE,
  DESC_LRU_CLOCK: () => DESC_LRU_CLOCK,
  DESC_MAX_ENTRIES: () => DESC_MAX_ENTRIES,
  DESC_SIZE: () => DESC_SIZE,
  DESC_STRIDE: () => DESC_STRIDE,
  DESC_TOMBSTONES: () => DESC_TOMBSTONES,
  DESC_TYPE: () => DESC_TYPE,
  DESC_VALUE_OFFSET: () => DESC_VALUE_OFFSET,
  DESC_VALUE_SIZE: () => DESC_VALUE_SIZE,
  RECORD_BUSY: () => RECORD_BUSY,
  RECORD_DISCARD: () => RECORD_DISCARD,
  RECORD_HEADER: () => RECORD_HEADER,
  RECORD_LEN_MASK: () => RECORD_LEN_MASK,
  RING_CONSUMER: () => RING_CONSUMER,
  RING_HEADER: () => RING_HEADER,
  RING_MASK: () => RING_MASK,
  RING_PRODUCER: () => RING_PRODUCER,
  SLOT_DELETED: () => SLOT_DELETED,
  SLOT_EMPTY: () => SLOT_EMPTY,
  SLOT_HASH: () => SLOT_HASH,
  SLOT_HEADER: () => SLOT_HEADER,
  SLOT_STAMP: () => SLOT_STAMP,
  SLOT_STATE: () => SLOT_STATE,
  SLOT_USED: () => SLOT_USED,
  fnv1a: () => fnv1a,
  nextPow2: () => nextPow2,
  round8: () => round8
});
var DESC_SIZE = 64;
var DESC_TYPE = 0;
var DESC_KEY_SIZE = 4;
var DESC_VALUE_SIZE = 8;
var DESC_MAX_ENTRIES = 12;
var DESC_FLAGS = 16;
var DESC_CAPACITY = 20;
var DESC_COUNT = 24;
var DESC_TOMBSTONES = 28;
var DESC_DATA = 32;
var DESC_STRIDE = 36;
var DESC_VALUE_OFFSET = 40;
var DESC_LRU_CLOCK = 44;
var DESC_ID = 48;
var SLOT_STATE = 0;
var SLOT_HASH = 4;
var SLOT_STAMP = 8;
var SLOT_HEADER = 16;
var SLOT_EMPTY = 0;
var SLOT_USED = 1;
var SLOT_DELETED = 2;
var RING_CONSUMER = 0;
var RING_PRODUCER = 4;
var RING_MASK = 8;
var RING_HEADER = 16;
var RECORD_HEADER = 8;
var RECORD_BUSY = 2147483648;
var RECORD_DISCARD = 1073741824;
var RECORD_LEN_MASK = 1073741823;
var BPF_F_RDONLY_PROG2 = 128;
var BPF_ANY = 0;
var BPF_NOEXIST = 1;
var BPF_EXIST = 2;
function round8(n) {
  return n + 7 & ~7;
}
function nextPow2(n) {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
function fnv1a(bytes, at, len) {
  let h = 2166136261;
  for (let i = 0; i < len; i++) {
    h ^= bytes[at + i];
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

// packages/vm/src/memory.ts
var BPF_ADDRESS_BASE2 = 4294967296;
var BPF_ADDRESS_HIGH = 1;
var NULL_GUARD = 4096;
var WASM_PAGE = 65536;
var DEFAULT_MEMORY_BYTES = 16 * 1024 * 1024;
function createWasmMemory(pages) {
  const wasm = globalThis.WebAssembly;
  if (!wasm) throw new VmError("out-of-memory", "this JavaScript host has no WebAssembly.Memory");
  return new wasm.Memory({ initial: pages, maximum: pages });
}
function addressOf(offset) {
  return BigInt(BPF_ADDRESS_BASE2 + offset);
}
function offsetOf(address5, memoryBytes) {
  const off = address5 - BigInt(BPF_ADDRESS_BASE2);
  return off >= 0n && off < BigInt(memoryBytes) ? Number(off) : -1;
}
var LinearMemory = class {
  /** The backing `WebAssembly.Memory` (initial = maximum pages; never grown). */
  memory;
  /** The backing store; never detached (the memory is never grown). */
  buffer;
  bytes;
  view;
  /** Size in bytes. */
  size;
  /** Live regions sorted by start. */
  list = [];
  constructor(options = {}) {
    const pages = Math.max(1, Math.ceil((options.bytes ?? DEFAULT_MEMORY_BYTES) / WASM_PAGE));
    if (pages > 32768) throw new VmError("out-of-memory", `linear memory of ${pages} pages exceeds 2 GiB`);
    this.memory = createWasmMemory(pages);
    this.buffer = this.memory.buffer;
    this.size = this.buffer.byteLength;
    this.bytes = new Uint8Array(this.buffer);
    this.view = new DataView(this.buffer);
  }
  /** All live regions, sorted by start offset. */
  get regions() {
    return this.list;
  }
  /** Carve out a zero-filled region of `size` bytes (first fit). Throws VmError('out-of-memory'). */
  alloc(size, options) {
    if (!Number.isInteger(size) || size <= 0) {
      throw new VmError("out-of-memory", `cannot allocate ${size} bytes for ${options.name}`);
    }
    const align = options.align ?? 8;
    let cursor = NULL_GUARD;
    let at = 0;
    for (; at <= this.list.length; at++) {
      const start = cursor + align - 1 & ~(align - 1);
      const limit = at < this.list.length ? this.list[at].start : this.size;
      if (start + size <= limit) {
        cursor = start;
        break;
      }
      if (at < this.list.length) cursor = this.list[at].end;
    }
    if (at > this.list.length) {
      throw new VmError(
        "out-of-memory",
        `linear memory (${this.size} bytes) has no room for ${size} bytes (${options.name})`
      );
    }
    const region = {
      name: options.name,
      kind: options.kind,
      start: cursor,
      size,
      end: cursor + size,
      writable: options.writable
    };
    this.bytes.fill(0, region.start, region.end);
    this.list.splice(at, 0, region);
    return region;
  }
  /** Return a region's space to the allocator. Its bytes are zeroed on the next allocation. */
  free(region) {
    const at = this.list.indexOf(region);
    if (at >= 0) this.list.splice(at, 1);
  }
  /** The region containing [offset, offset + size), or undefined. Binary search. */
  regionAt(offset, size = 1) {
    let lo2 = 0;
    let hi = this.list.length - 1;
    while (lo2 <= hi) {
      const mid = lo2 + hi >> 1;
      const r = this.list[mid];
      if (offset < r.start) hi = mid - 1;
      else if (offset >= r.end) lo2 = mid + 1;
      else return offset + size <= r.end ? r : void 0;
    }
    return void 0;
  }
  /**
   * The region containing the BPF address range [address, address + size), or undefined.
   * For probe-read style helpers that must not fault.
   */
  regionOfAddress(address5, size) {
    const off = offsetOf(address5, this.size);
    return off < 0 ? void 0 : this.regionAt(off, size);
  }
  /** Copy `data` into the memory at `offset`. */
  write(offset, data) {
    this.bytes.set(data, offset);
  }
  /** A copy of `size` bytes at `offset`. */
  read(offset, size) {
    return this.bytes.slice(offset, offset + size);
  }
  /** Read a NUL-terminated string (at most `max` bytes) starting at `offset`, stopping at the region's end. */
  readCString(offset, max4 = 4096) {
    const region = this.regionAt(offset);
    const stop = Math.min(offset + max4, region ? region.end : offset);
    let end = offset;
    while (end < stop && this.bytes[end] !== 0) end++;
    return new TextDecoder().decode(this.bytes.subarray(offset, end));
  }
};

// packages/vm/src/maps/map.ts
var BpfMap = class {
  constructor(mem, def, id) {
    this.id = id;
    this.mem = mem;
    this.name = def.name;
    this.type = def.type;
    this.keySize = def.keySize;
    this.valueSize = def.valueSize;
    this.maxEntries = def.maxEntries;
    this.flags = def.flags ?? 0;
    this.descriptor = mem.alloc(DESC_SIZE, {
      name: `map ${def.name}: descriptor`,
      kind: "map",
      writable: false
    });
    const v = mem.view;
    const d = this.descriptor.start;
    v.setUint32(d + DESC_TYPE, def.type, true);
    v.setUint32(d + DESC_KEY_SIZE, def.keySize, true);
    v.setUint32(d + DESC_VALUE_SIZE, def.valueSize, true);
    v.setUint32(d + DESC_MAX_ENTRIES, def.maxEntries, true);
    v.setUint32(d + DESC_FLAGS, this.flags, true);
    v.setUint32(d + DESC_ID, id, true);
  }
  name;
  type;
  keySize;
  valueSize;
  maxEntries;
  flags;
  /** The descriptor (read-only to programs). */
  descriptor;
  mem;
  /** The map's BPF pointer value: the address of its descriptor, as a number (< 2^53). */
  get pointer() {
    return Number(addressOf(this.descriptor.start));
  }
  setLayout(capacity, data, stride) {
    const v = this.mem.view;
    const d = this.descriptor.start;
    v.setUint32(d + DESC_CAPACITY, capacity, true);
    v.setUint32(d + DESC_DATA, data, true);
    v.setUint32(d + DESC_STRIDE, stride, true);
  }
  /** User space: a copy of the value for `key`, or undefined. */
  lookup(key) {
    this.checkSize("key", key, this.keySize);
    const at = this.find(key);
    return at === 0 ? void 0 : this.mem.read(at, this.valueSize);
  }
  /** User space: BPF_ANY (0), BPF_NOEXIST (1) or BPF_EXIST (2). Returns 0 or a negative errno. */
  update(key, value, flags = 0) {
    this.checkSize("key", key, this.keySize);
    this.checkSize("value", value, this.valueSize);
    return this.put(key, value, flags);
  }
  /** User space: 0 or a negative errno (-ENOENT when absent, -EINVAL for arrays). */
  delete(key) {
    this.checkSize("key", key, this.keySize);
    return this.remove(key);
  }
  /** Every [key, value] pair (copies). */
  entries() {
    return this.keys().map((k) => [k, this.lookup(k)]);
  }
  checkSize(what, bytes, size) {
    if (bytes.length !== size) {
      throw new VmError("map", `map ${this.name}: ${what} is ${bytes.length} bytes, expected ${size}`);
    }
  }
};

// packages/vm/src/maps/ringbuf.ts
var EAGAIN = 11;
var RingBuffer = class extends BpfMap {
  /** Header + data area (writable: programs fill reserved records in place). */
  ring;
  /** Data area size in bytes (a power of two). */
  size;
  /** Offset of the data area. */
  data;
  constructor(mem, def, id) {
    const size = def.maxEntries;
    if (size < 16 || (size & size - 1) !== 0) {
      throw new VmError("map", `ring buffer ${def.name}: max_entries ${size} must be a power of two \u2265 16`);
    }
    super(mem, { ...def, keySize: 0, valueSize: 0 }, id);
    this.size = size;
    this.ring = mem.alloc(RING_HEADER + size, {
      name: `ringbuf ${def.name}`,
      kind: "ringbuf",
      writable: true
    });
    this.data = this.ring.start + RING_HEADER;
    mem.view.setUint32(this.ring.start + RING_MASK, size - 1, true);
    this.setLayout(size, this.ring.start, 0);
  }
  get consumer() {
    return this.mem.view.getUint32(this.ring.start + RING_CONSUMER, true);
  }
  get producer() {
    return this.mem.view.getUint32(this.ring.start + RING_PRODUCER, true);
  }
  /** Bytes between the consumer and the producer position (including busy records). */
  get pending() {
    return this.producer - this.consumer >>> 0;
  }
  /**
   * Reserve a record of `len` bytes; returns the offset of its payload, or 0 when there is no
   * room (or len is 0 or too large). The record stays BUSY until submit/discard.
   */
  reserve(len) {
    if (len <= 0 || len > RECORD_LEN_MASK) return 0;
    const view2 = this.mem.view;
    const total = round8(len + RECORD_HEADER);
    let producer = this.producer;
    const free = this.size - (producer - this.consumer >>> 0);
    let at = producer & this.size - 1;
    const pad2 = at + total > this.size ? this.size - at : 0;
    if (pad2 + total > free) return 0;
    if (pad2 > 0) {
      view2.setUint32(this.data + at, pad2 - RECORD_HEADER | RECORD_DISCARD, true);
      view2.setUint32(this.data + at + 4, 0, true);
      producer = producer + pad2 >>> 0;
      at = 0;
    }
    view2.setUint32(this.data + at, (len | RECORD_BUSY) >>> 0, true);
    view2.setUint32(this.data + at + 4, 0, true);
    view2.setUint32(this.ring.start + RING_PRODUCER, producer + total >>> 0, true);
    return this.data + at + RECORD_HEADER;
  }
  /** Commit a reserved record (payload offset from `reserve`). False if it is not a busy record. */
  submit(payload, discard = false) {
    const header2 = payload - RECORD_HEADER;
    if (header2 < this.data || header2 >= this.data + this.size || (header2 - this.data) % 8 !== 0) return false;
    const view2 = this.mem.view;
    const word = view2.getUint32(header2, true);
    if ((word & RECORD_BUSY) === 0) return false;
    const len = word & RECORD_LEN_MASK;
    view2.setUint32(header2, (len | (discard ? RECORD_DISCARD : 0)) >>> 0, true);
    return true;
  }
  /** Reserve, copy `bytes` in and submit. 0 or -EAGAIN. */
  output(bytes) {
    const at = this.reserve(bytes.length);
    if (at === 0) return -EAGAIN;
    this.mem.bytes.set(bytes, at);
    this.submit(at);
    return 0;
  }
  /**
   * Consumer: hand every committed record (discarded ones skipped) to `onRecord` in order,
   * stopping at the first busy record, and advance the consumer position. Returns the number
   * of records delivered. `onRecord` sees a view into the memory valid only during the call.
   */
  consume(onRecord, limit = Number.POSITIVE_INFINITY) {
    const view2 = this.mem.view;
    let consumer = this.consumer;
    const producer = this.producer;
    let delivered = 0;
    while (consumer !== producer && delivered < limit) {
      const at = this.data + (consumer & this.size - 1);
      const word = view2.getUint32(at, true);
      if (word & RECORD_BUSY) break;
      const len = word & RECORD_LEN_MASK;
      if ((word & RECORD_DISCARD) === 0) {
        onRecord(this.mem.bytes.subarray(at + RECORD_HEADER, at + RECORD_HEADER + len));
        delivered++;
      }
      consumer = consumer + round8(len + RECORD_HEADER) >>> 0;
      view2.setUint32(this.ring.start + RING_CONSUMER, consumer, true);
    }
    return delivered;
  }
  /** Consumer: copies of every committed record. */
  drain() {
    const out = [];
    this.consume((p) => out.push(p.slice()));
    return out;
  }
  lookupAt() {
    return 0;
  }
  updateAt() {
    return -EINVAL;
  }
  deleteAt() {
    return -EINVAL;
  }
  keys() {
    return [];
  }
  /** Drop every record: consumer = producer = 0. */
  clear() {
    this.mem.bytes.fill(0, this.ring.start, this.ring.end);
    this.mem.view.setUint32(this.ring.start + RING_MASK, this.size - 1, true);
  }
  find() {
    return 0;
  }
  put() {
    return -EINVAL;
  }
  remove() {
    return -EINVAL;
  }
};

// packages/vm/src/helpers/standard.ts
var MAX_STRING = 255;
var MEMCMP_MAX = 64;
function checked(call2, n, size, write = false) {
  const off = call2.offset(n);
  if (off < 0) return -1;
  const region = call2.runtime.memory.regionAt(off, Math.max(1, size));
  return region && (!write || region.writable) ? off : -1;
}
function required(call2, n, size, what, write = false) {
  const off = checked(call2, n, size, write);
  if (off < 0) {
    throw new VmError(
      "out-of-bounds",
      `helper argument r${n} (${what}, ${size} bytes${write ? ", written" : ""}) is outside the memory regions`,
      call2.pc,
      call2.u64(n),
      size
    );
  }
  return off;
}
function address2(offset) {
  return offset === 0 ? 0 : BPF_ADDRESS_BASE2 + offset;
}
var mapLookup = (call2) => {
  const map = call2.runtime.mapOfPointer(call2.lo[1], call2.hi[1], call2.pc);
  return address2(map.lookupAt(required(call2, 2, map.keySize, "key")));
};
var mapUpdate = (call2) => {
  const map = call2.runtime.mapOfPointer(call2.lo[1], call2.hi[1], call2.pc);
  const key = required(call2, 2, map.keySize, "key");
  const value = required(call2, 3, map.valueSize, "value");
  return map.updateAt(key, value, call2.num(4));
};
var mapDelete = (call2) => {
  const map = call2.runtime.mapOfPointer(call2.lo[1], call2.hi[1], call2.pc);
  return map.deleteAt(required(call2, 2, map.keySize, "key"));
};
var probeRead = (call2) => {
  const size = call2.num(2);
  if (size === 0) return 0;
  if (size > 2147483647) return -EINVAL;
  const dst = checked(call2, 1, size, true);
  if (dst < 0) return -EFAULT;
  const bytes = call2.runtime.memory.bytes;
  const src = checked(call2, 3, size);
  if (src < 0) {
    bytes.fill(0, dst, dst + size);
    return -EFAULT;
  }
  bytes.copyWithin(dst, src, src + size);
  return 0;
};
var probeReadStr = (call2) => {
  const size = call2.num(2);
  if (size === 0) return 0;
  if (size > 2147483647) return -EINVAL;
  const dst = checked(call2, 1, size, true);
  if (dst < 0) return -EFAULT;
  const mem = call2.runtime.memory;
  const srcOff = call2.offset(3);
  const region = srcOff < 0 ? void 0 : mem.regionAt(srcOff);
  if (region) {
    const bytes = mem.bytes;
    let n = 0;
    while (n < size - 1 && srcOff + n < region.end && bytes[srcOff + n] !== 0) n++;
    if (n === size - 1 || srcOff + n < region.end && bytes[srcOff + n] === 0) {
      bytes.copyWithin(dst, srcOff, srcOff + n);
      bytes[dst + n] = 0;
      return n + 1;
    }
  }
  mem.bytes.fill(0, dst, dst + size);
  return -EFAULT;
};
function readString(call2, arg) {
  if (arg.hi !== 1) return void 0;
  const off = arg.lo >>> 0;
  const mem = call2.runtime.memory;
  const region = mem.regionAt(off);
  if (!region) return void 0;
  return mem.readCString(off, MAX_STRING);
}
function printk(call2, fmt, argRegs) {
  const args = argRegs.map((n) => ({ lo: call2.lo[n], hi: call2.hi[n] }));
  const result = formatPrintk(fmt, args, argRegs.length, (a) => readString(call2, a));
  if (!result.ok) return -EINVAL;
  for (const line of result.text.replace(/\n$/, "").split("\n")) call2.runtime.printk(line);
  return new TextEncoder().encode(result.text).length;
}
var tracePrintk = (call2) => {
  const size = call2.num(2);
  if (size === 0 || size > 2147483647) return -EINVAL;
  const fmt = checked(call2, 1, size);
  if (fmt < 0) return -EFAULT;
  const bytes = call2.runtime.memory.bytes;
  if (bytes[fmt + size - 1] !== 0) return -EINVAL;
  return printk(call2, call2.runtime.memory.readCString(fmt, size), [3, 4, 5]);
};
var rfcTracePrintk = (call2) => {
  const fmt = call2.offset(1);
  if (fmt < 0 || !call2.runtime.memory.regionAt(fmt)) return -EFAULT;
  return printk(call2, call2.runtime.memory.readCString(fmt, MAX_STRING), [2, 3, 4, 5]);
};
var memcmp = (call2) => {
  const size = call2.signed(3);
  if (size < 0 || size >= MEMCMP_MAX) return -1;
  if (size === 0) return 0;
  const a = checked(call2, 1, size);
  const b = checked(call2, 2, size);
  if (a < 0 || b < 0) return -EFAULT;
  const bytes = call2.runtime.memory.bytes;
  for (let i = 0; i < size; i++) {
    const d = bytes[a + i] - bytes[b + i];
    if (d !== 0) return d;
  }
  return 0;
};
var loadPointer = (call2) => {
  const at = checked(call2, 1, 8);
  if (at < 0) return 0;
  const view2 = call2.runtime.memory.view;
  call2.set64(view2.getInt32(at, true), view2.getInt32(at + 4, true));
  return void 0;
};
function ringOf(call2, n) {
  const map = call2.runtime.mapOfPointer(call2.lo[n], call2.hi[n], call2.pc);
  if (!(map instanceof RingBuffer)) {
    throw new VmError("helper-failed", `map ${map.name} is not a ring buffer`, call2.pc);
  }
  return map;
}
function ringOfRecord(call2, n) {
  const at = call2.offset(n);
  for (const map of call2.runtime.maps) {
    if (map instanceof RingBuffer && at >= map.data && at < map.data + map.size) return { ring: map, at };
  }
  throw new VmError(
    "helper-failed",
    `0x${call2.u64(n).toString(16)} is not a ring buffer record`,
    call2.pc,
    call2.u64(n)
  );
}
var ringbufOutput = (call2) => {
  const ring = ringOf(call2, 1);
  const size = call2.num(3);
  const data = size === 0 ? 0 : required(call2, 2, size, "data");
  return ring.output(call2.runtime.memory.bytes.subarray(data, data + size));
};
var ringbufReserve = (call2) => {
  const ring = ringOf(call2, 1);
  if (call2.num(3) !== 0) return 0;
  const size = call2.num(2);
  return address2(size > 1073741823 ? 0 : ring.reserve(size));
};
function ringbufCommit(discard) {
  return (call2) => {
    const { ring, at } = ringOfRecord(call2, 1);
    if (!ring.submit(at, discard)) {
      throw new VmError("helper-failed", `record at 0x${call2.u64(1).toString(16)} is not reserved`, call2.pc);
    }
    return 0;
  };
}
function standardHelperEntries() {
  return [
    [
      {
        id: HELPER.map_lookup_elem,
        name: "map_lookup_elem",
        args: ["const_map_ptr", "ptr_to_map_key"],
        ret: "map_value_or_null"
      },
      mapLookup
    ],
    [
      {
        id: HELPER.map_update_elem,
        name: "map_update_elem",
        args: ["const_map_ptr", "ptr_to_map_key", "ptr_to_map_value", "scalar"],
        ret: "integer"
      },
      mapUpdate
    ],
    [
      {
        id: HELPER.map_delete_elem,
        name: "map_delete_elem",
        args: ["const_map_ptr", "ptr_to_map_key"],
        ret: "integer"
      },
      mapDelete
    ],
    [
      {
        id: HELPER.probe_read,
        name: "probe_read",
        args: ["ptr_to_uninit_mem", "const_size_or_zero", "anything"],
        ret: "integer",
        gplOnly: true
      },
      probeRead
    ],
    [
      { id: HELPER.ktime_get_ns, name: "ktime_get_ns", args: [], ret: "integer" },
      (call2) => call2.runtime.clock()
    ],
    [
      {
        id: HELPER.trace_printk,
        name: "trace_printk",
        args: ["ptr_to_mem", "const_size", "anything", "anything", "anything"],
        ret: "integer",
        gplOnly: true
      },
      tracePrintk
    ],
    [
      { id: HELPER.get_prandom_u32, name: "get_prandom_u32", args: [], ret: "integer" },
      (call2) => call2.runtime.random() >>> 0
    ],
    [
      { id: HELPER.get_smp_processor_id, name: "get_smp_processor_id", args: [], ret: "integer" },
      (call2) => call2.runtime.cpu
    ],
    [
      {
        id: HELPER.probe_read_str,
        name: "probe_read_str",
        args: ["ptr_to_uninit_mem", "const_size_or_zero", "anything"],
        ret: "integer",
        gplOnly: true
      },
      probeReadStr
    ],
    [
      {
        id: HELPER.probe_read_kernel,
        name: "probe_read_kernel",
        args: ["ptr_to_uninit_mem", "const_size_or_zero", "anything"],
        ret: "integer",
        gplOnly: true
      },
      probeRead
    ],
    [
      {
        id: HELPER.probe_read_kernel_str,
        name: "probe_read_kernel_str",
        args: ["ptr_to_uninit_mem", "const_size_or_zero", "anything"],
        ret: "integer",
        gplOnly: true
      },
      probeReadStr
    ],
    [
      {
        id: HELPER.ringbuf_output,
        name: "ringbuf_output",
        args: ["const_map_ptr", "ptr_to_mem", "const_size_or_zero", "scalar"],
        ret: "integer"
      },
      ringbufOutput
    ],
    [
      {
        id: HELPER.ringbuf_reserve,
        name: "ringbuf_reserve",
        args: ["const_map_ptr", "const_size", "scalar"],
        ret: "ringbuf_mem_or_null",
        retSizeArg: 1
      },
      ringbufReserve
    ],
    [
      {
        id: HELPER.ringbuf_submit,
        name: "ringbuf_submit",
        args: ["ptr_to_ringbuf_mem", "scalar"],
        ret: "void"
      },
      ringbufCommit(false)
    ],
    [
      {
        id: HELPER.ringbuf_discard,
        name: "ringbuf_discard",
        args: ["ptr_to_ringbuf_mem", "scalar"],
        ret: "void"
      },
      ringbufCommit(true)
    ],
    [
      { id: HELPER.memcmp, name: "memcmp", args: ["anything", "ptr_to_mem", "const_size"], ret: "integer" },
      memcmp
    ],
    [{ id: HELPER.load_pointer, name: "load_pointer", args: ["anything"], ret: "integer" }, loadPointer],
    [
      { id: HELPER.dump_stack, name: "dump_stack", args: ["ptr_to_ctx"], ret: "void" },
      (call2) => {
        call2.runtime.dumpStack();
        return 0;
      }
    ],
    [
      {
        id: HELPER.rfc_trace_printk,
        name: "rfc_trace_printk",
        args: ["ptr_to_stack_str", "anything", "anything", "anything", "anything"],
        ret: "integer"
      },
      rfcTracePrintk
    ]
  ];
}
function standardHelpers() {
  const registry = new HelperRegistry();
  for (const [proto, fn] of standardHelperEntries()) registry.register(proto, fn);
  return registry;
}

// packages/vm/src/limits.ts
var STACK_SIZE = 512;
var MAX_CALL_FRAMES = 8;
var STACK_REGION_SIZE = STACK_SIZE * MAX_CALL_FRAMES;

// packages/vm/src/interp/compile.ts
var STRIDE = 8;
var OP = {
  ja: 116,
  callHelper: 117,
  callLocal: 118,
  callx: 119,
  exit: 120,
  lddw: 121,
  fellOff: 122,
  ldxb: 123,
  ldxh: 124,
  ldxw: 125,
  ldxdw: 126,
  ldxsb: 127,
  ldxsh: 128,
  ldxsw: 129,
  stb: 130,
  sth: 131,
  stw: 132,
  stdw: 133,
  stxb: 134,
  stxh: 135,
  stxw: 136,
  stxdw: 137,
  le16: 138,
  le32: 139,
  le64: 140,
  be16: 141,
  be32: 142,
  be64: 143,
  ldabsb: 168,
  ldabsh: 169,
  ldabsw: 170,
  ldindb: 171,
  ldindh: 172,
  ldindw: 173,
  /** A call the interpreter cannot make (kfunc, unregistered helper): faults when executed. */
  badCall: 174
};
var SIZE_INDEX = { 1: 0, 2: 1, 4: 2, 8: 3 };
function writesFramePointer(insns) {
  return insns.some((insn) => {
    switch (insn.kind) {
      case "alu":
      case "end":
      case "lddw":
      case "ldx":
        return insn.dst === 10;
      case "atomic":
        return insn.src === 10 && (insn.fetch || insn.op === "xchg");
      default:
        return false;
    }
  });
}
function inFrame(base, off, size) {
  return base === 10 && off >= -STACK_SIZE && off <= -size;
}
function compile(program, registry, boundsCheck, trustFrame) {
  const insns = program.insns;
  const n = insns.length;
  const code = new Int32Array((n + 1) * STRIDE);
  const targets = branchTargets(insns);
  const helpers = [];
  const helperIds = [];
  const slots = /* @__PURE__ */ new Map();
  const frameSafe = trustFrame && !writesFramePointer(insns);
  const check = (base, off, size) => boundsCheck && !(frameSafe && inFrame(base, off, size)) ? 1 : 0;
  const targetOf = (i) => {
    const t = targets[i];
    if (!t || !t.ok) {
      const why = t && t.reason === "lddw-middle" ? "into the middle of an lddw" : "out of range";
      throw new VmError("bad-jump", `jump ${why} (slot ${t ? t.slot : "?"})`, i);
    }
    return t.index;
  };
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    const at = i * STRIDE;
    switch (insn.kind) {
      case "alu": {
        const reg2 = insn.source === "reg";
        code[at] = ALU_OPS.indexOf(insn.op) * 4 + (insn.width === 32 ? 2 : 0) + (reg2 ? 1 : 0);
        code[at + 1] = insn.dst;
        code[at + 2] = insn.src;
        code[at + 4] = insn.imm;
        code[at + 5] = insn.imm >> 31;
        break;
      }
      case "jmp": {
        const reg2 = insn.source === "reg";
        code[at] = 72 + JMP_OPS.indexOf(insn.op) * 4 + (insn.width === 32 ? 2 : 0) + (reg2 ? 1 : 0);
        code[at + 1] = insn.dst;
        code[at + 2] = insn.src;
        code[at + 3] = targetOf(i);
        code[at + 4] = insn.imm;
        code[at + 5] = insn.imm >> 31;
        break;
      }
      case "ja":
      case "gotol":
        code[at] = OP.ja;
        code[at + 3] = targetOf(i);
        break;
      case "call":
        if (insn.target === "local") {
          code[at] = OP.callLocal;
          code[at + 3] = targetOf(i);
        } else {
          const def = insn.target === "helper" ? registry.get(insn.imm) : void 0;
          code[at + 4] = insn.imm;
          code[at + 5] = insn.target === "kfunc" ? 1 : 0;
          if (!def) {
            code[at] = OP.badCall;
            break;
          }
          let slot = slots.get(insn.imm);
          if (slot === void 0) {
            slot = helpers.length;
            slots.set(insn.imm, slot);
            helpers.push(def.fn);
            helperIds.push(insn.imm);
          }
          code[at] = OP.callHelper;
          code[at + 4] = slot;
        }
        break;
      case "callx":
        code[at] = OP.callx;
        code[at + 1] = insn.reg;
        break;
      case "exit":
        code[at] = OP.exit;
        break;
      case "lddw": {
        const c = program.constants[i];
        if (!c) throw new VmError("load", "lddw without a resolved constant", i);
        code[at] = OP.lddw;
        code[at + 1] = insn.dst;
        code[at + 4] = c.lo;
        code[at + 5] = c.hi;
        break;
      }
      case "ldx":
        code[at] = insn.signed ? OP.ldxsb + SIZE_INDEX[insn.size] : OP.ldxb + SIZE_INDEX[insn.size];
        code[at + 1] = insn.dst;
        code[at + 2] = insn.src;
        code[at + 3] = insn.off;
        code[at + 6] = check(insn.src, insn.off, insn.size);
        break;
      case "st":
        code[at] = OP.stb + SIZE_INDEX[insn.size];
        code[at + 1] = insn.dst;
        code[at + 3] = insn.off;
        code[at + 4] = insn.imm;
        code[at + 5] = insn.imm >> 31;
        code[at + 6] = check(insn.dst, insn.off, insn.size);
        break;
      case "stx":
        code[at] = OP.stxb + SIZE_INDEX[insn.size];
        code[at + 1] = insn.dst;
        code[at + 2] = insn.src;
        code[at + 3] = insn.off;
        code[at + 6] = check(insn.dst, insn.off, insn.size);
        break;
      case "end":
        code[at] = (insn.op === "le" ? OP.le16 : OP.be16) + (insn.bits === 16 ? 0 : insn.bits === 32 ? 1 : 2);
        code[at + 1] = insn.dst;
        break;
      case "atomic":
        code[at] = 144 + ATOMIC_OPS.indexOf(insn.op) * 4 + (insn.size === 8 ? 2 : 0) + (insn.fetch ? 1 : 0);
        code[at + 1] = insn.dst;
        code[at + 2] = insn.src;
        code[at + 3] = insn.off;
        code[at + 6] = check(insn.dst, insn.off, insn.size);
        break;
      case "ldabs":
        code[at] = OP.ldabsb + SIZE_INDEX[insn.size];
        code[at + 4] = insn.imm;
        break;
      case "ldind":
        code[at] = OP.ldindb + SIZE_INDEX[insn.size];
        code[at + 2] = insn.src;
        code[at + 4] = insn.imm;
        break;
    }
  }
  code[n * STRIDE] = OP.fellOff;
  return { code, helpers, helperIds, length: n };
}

// packages/vm/src/interp/interpreter.ts
var TWO323 = 4294967296;
var NO_LIMIT = Number.MAX_SAFE_INTEGER;
var FRAME_WORDS = 11;
function mulhiU32(a, b) {
  const a0 = a & 65535;
  const a1 = a >>> 16;
  const b0 = b & 65535;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (a0 * b0 >>> 16) + (p01 & 65535) + (p10 & 65535);
  return a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) | 0;
}
function bswap32(x) {
  return (x & 255) << 24 | (x & 65280) << 8 | x >>> 8 & 65280 | x >>> 24;
}
function big(lo2, hi) {
  return BigInt(hi >>> 0) << 32n | BigInt(lo2 >>> 0);
}
function slowDivMod(lo2, hi, d, bl, bh, signed, mod) {
  let a = big(lo2[d], hi[d]);
  let b = big(bl, bh);
  if (signed) {
    a = BigInt.asIntN(64, a);
    b = BigInt.asIntN(64, b);
  }
  const r = BigInt.asUintN(64, mod ? a % b : a / b);
  lo2[d] = Number(r & 0xffffffffn);
  hi[d] = Number(r >> 32n);
}
var InterpretedProgram = class {
  constructor(program, options = {}) {
    this.program = program;
    const runtime = program.runtime;
    this.registry = options.helpers ?? runtime.helpers;
    this.compiled = compile(program, this.registry, options.boundsCheck ?? true, options.debug === void 0);
    this.limit = options.instructionLimit ? options.instructionLimit : NO_LIMIT;
    this.hook = options.debug;
    this.call = new HelperCall(runtime, this.lo, this.hi);
    this.stack = runtime.allocStack();
  }
  engine = "interp";
  lastInstructionCount = 0;
  compiled;
  lo = new Int32Array(11);
  hi = new Int32Array(11);
  frames = new Int32Array(MAX_CALL_FRAMES * FRAME_WORDS);
  call;
  stack;
  limit;
  hook;
  registry;
  disposed = false;
  run(r1 = 0n, r2 = 0n) {
    const lo2 = this.lo;
    const hi = this.hi;
    lo2[1] = Number(BigInt.asIntN(32, r1));
    hi[1] = Number(BigInt.asIntN(32, r1 >> 32n));
    lo2[2] = Number(BigInt.asIntN(32, r2));
    hi[2] = Number(BigInt.asIntN(32, r2 >> 32n));
    this.exec();
    return big(lo2[0], hi[0]);
  }
  runFast(r1Offset, r2) {
    const lo2 = this.lo;
    const hi = this.hi;
    lo2[1] = r1Offset;
    hi[1] = 1;
    lo2[2] = r2;
    hi[2] = 0;
    this.exec();
    return lo2[0] >>> 0;
  }
  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    this.program.runtime.memory.free(this.stack);
  }
  /** Registers are r1, r2 as set by the caller; everything else starts at 0, r10 at the stack top. */
  exec() {
    if (this.disposed) throw new VmError("load", "the prepared program was disposed");
    const lo2 = this.lo;
    const hi = this.hi;
    lo2[0] = hi[0] = 0;
    for (let r = 3; r < 10; r++) lo2[r] = hi[r] = 0;
    lo2[10] = this.stack.end;
    hi[10] = 1;
    const code = this.compiled.code;
    const helpers = this.compiled.helpers;
    const call2 = this.call;
    call2.stopped = false;
    const mem = this.program.runtime.memory;
    const view2 = mem.view;
    const frames = this.frames;
    const limit = this.limit;
    const hook = this.hook;
    const check = hook === void 0 ? limit : 0;
    const pktOff = hi[1] === 1 ? lo2[1] >>> 0 : 0;
    const pktLen = hi[1] === 1 ? lo2[2] >>> 0 : 0;
    let rs = 0;
    let re = 0;
    let ws = 0;
    let we = 0;
    let depth = 0;
    let count = 0;
    let pc = 0;
    try {
      for (; ; ) {
        const at = pc << 3;
        if (++count > check) {
          if (count > limit)
            throw new VmError("instruction-limit", `instruction limit of ${limit} reached`, pc);
          if (hook !== void 0 && hook(pc, lo2, hi) === false) {
            throw new VmError("stopped", "stopped by the debug hook", pc);
          }
        }
        const op = code[at];
        const d = code[at + 1];
        switch (op) {
          // ---- ALU: add sub mul div sdiv or and lsh rsh neg mod smod xor mov movsx8/16/32 arsh
          case 0: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const al = lo2[d];
            const l = al + bl | 0;
            lo2[d] = l;
            hi[d] = hi[d] + bh + (l >>> 0 < al >>> 0 ? 1 : 0) | 0;
            break;
          }
          case 1: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            const al = lo2[d];
            const l = al + bl | 0;
            lo2[d] = l;
            hi[d] = hi[d] + bh + (l >>> 0 < al >>> 0 ? 1 : 0) | 0;
            break;
          }
          case 2: {
            const bl = code[at + 4];
            lo2[d] = lo2[d] + bl | 0;
            hi[d] = 0;
            break;
          }
          case 3: {
            const s = code[at + 2];
            const bl = lo2[s];
            lo2[d] = lo2[d] + bl | 0;
            hi[d] = 0;
            break;
          }
          case 4: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const al = lo2[d];
            lo2[d] = al - bl | 0;
            hi[d] = hi[d] - bh - (al >>> 0 < bl >>> 0 ? 1 : 0) | 0;
            break;
          }
          case 5: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            const al = lo2[d];
            lo2[d] = al - bl | 0;
            hi[d] = hi[d] - bh - (al >>> 0 < bl >>> 0 ? 1 : 0) | 0;
            break;
          }
          case 6: {
            const bl = code[at + 4];
            lo2[d] = lo2[d] - bl | 0;
            hi[d] = 0;
            break;
          }
          case 7: {
            const s = code[at + 2];
            const bl = lo2[s];
            lo2[d] = lo2[d] - bl | 0;
            hi[d] = 0;
            break;
          }
          case 8: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const al = lo2[d];
            hi[d] = Math.imul(hi[d], bl) + Math.imul(al, bh) + mulhiU32(al, bl);
            lo2[d] = Math.imul(al, bl);
            break;
          }
          case 9: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            const al = lo2[d];
            hi[d] = Math.imul(hi[d], bl) + Math.imul(al, bh) + mulhiU32(al, bl);
            lo2[d] = Math.imul(al, bl);
            break;
          }
          case 10: {
            const bl = code[at + 4];
            lo2[d] = Math.imul(lo2[d], bl);
            hi[d] = 0;
            break;
          }
          case 11: {
            const s = code[at + 2];
            const bl = lo2[s];
            lo2[d] = Math.imul(lo2[d], bl);
            hi[d] = 0;
            break;
          }
          case 12: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            if (bl === 0 && bh === 0) lo2[d] = hi[d] = 0;
            else if (hi[d] === 0 && bh === 0) lo2[d] = (lo2[d] >>> 0) / (bl >>> 0);
            else slowDivMod(lo2, hi, d, bl, bh, false, false);
            break;
          }
          case 13: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            if (bl === 0 && bh === 0) lo2[d] = hi[d] = 0;
            else if (hi[d] === 0 && bh === 0) lo2[d] = (lo2[d] >>> 0) / (bl >>> 0);
            else slowDivMod(lo2, hi, d, bl, bh, false, false);
            break;
          }
          case 14: {
            const bl = code[at + 4];
            lo2[d] = bl === 0 ? 0 : (lo2[d] >>> 0) / (bl >>> 0) >>> 0;
            hi[d] = 0;
            break;
          }
          case 15: {
            const s = code[at + 2];
            const bl = lo2[s];
            lo2[d] = bl === 0 ? 0 : (lo2[d] >>> 0) / (bl >>> 0) >>> 0;
            hi[d] = 0;
            break;
          }
          case 16: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            if (bl === 0 && bh === 0) lo2[d] = hi[d] = 0;
            else if (hi[d] === lo2[d] >> 31 && bh === bl >> 31) {
              const q = Math.trunc(lo2[d] / bl);
              lo2[d] = q;
              hi[d] = q < 0 ? -1 : 0;
            } else slowDivMod(lo2, hi, d, bl, bh, true, false);
            break;
          }
          case 17: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            if (bl === 0 && bh === 0) lo2[d] = hi[d] = 0;
            else if (hi[d] === lo2[d] >> 31 && bh === bl >> 31) {
              const q = Math.trunc(lo2[d] / bl);
              lo2[d] = q;
              hi[d] = q < 0 ? -1 : 0;
            } else slowDivMod(lo2, hi, d, bl, bh, true, false);
            break;
          }
          case 18: {
            const bl = code[at + 4];
            lo2[d] = bl === 0 ? 0 : lo2[d] / bl;
            hi[d] = 0;
            break;
          }
          case 19: {
            const s = code[at + 2];
            const bl = lo2[s];
            lo2[d] = bl === 0 ? 0 : lo2[d] / bl;
            hi[d] = 0;
            break;
          }
          case 20: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            lo2[d] |= bl;
            hi[d] |= bh;
            break;
          }
          case 21: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            lo2[d] |= bl;
            hi[d] |= bh;
            break;
          }
          case 22: {
            const bl = code[at + 4];
            lo2[d] |= bl;
            hi[d] = 0;
            break;
          }
          case 23: {
            const s = code[at + 2];
            const bl = lo2[s];
            lo2[d] |= bl;
            hi[d] = 0;
            break;
          }
          case 24: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            lo2[d] &= bl;
            hi[d] &= bh;
            break;
          }
          case 25: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            lo2[d] &= bl;
            hi[d] &= bh;
            break;
          }
          case 26: {
            const bl = code[at + 4];
            lo2[d] &= bl;
            hi[d] = 0;
            break;
          }
          case 27: {
            const s = code[at + 2];
            const bl = lo2[s];
            lo2[d] &= bl;
            hi[d] = 0;
            break;
          }
          case 28: {
            const bl = code[at + 4];
            const n = bl & 63;
            if (n >= 32) {
              hi[d] = lo2[d] << n - 32;
              lo2[d] = 0;
            } else if (n !== 0) {
              hi[d] = hi[d] << n | lo2[d] >>> 32 - n;
              lo2[d] = lo2[d] << n;
            }
            break;
          }
          case 29: {
            const s = code[at + 2];
            const bl = lo2[s];
            const n = bl & 63;
            if (n >= 32) {
              hi[d] = lo2[d] << n - 32;
              lo2[d] = 0;
            } else if (n !== 0) {
              hi[d] = hi[d] << n | lo2[d] >>> 32 - n;
              lo2[d] = lo2[d] << n;
            }
            break;
          }
          case 30: {
            const bl = code[at + 4];
            lo2[d] = lo2[d] << bl;
            hi[d] = 0;
            break;
          }
          case 31: {
            const s = code[at + 2];
            const bl = lo2[s];
            lo2[d] = lo2[d] << bl;
            hi[d] = 0;
            break;
          }
          case 32: {
            const bl = code[at + 4];
            const n = bl & 63;
            if (n >= 32) {
              lo2[d] = hi[d] >>> n - 32;
              hi[d] = 0;
            } else if (n !== 0) {
              lo2[d] = lo2[d] >>> n | hi[d] << 32 - n;
              hi[d] = hi[d] >>> n;
            }
            break;
          }
          case 33: {
            const s = code[at + 2];
            const bl = lo2[s];
            const n = bl & 63;
            if (n >= 32) {
              lo2[d] = hi[d] >>> n - 32;
              hi[d] = 0;
            } else if (n !== 0) {
              lo2[d] = lo2[d] >>> n | hi[d] << 32 - n;
              hi[d] = hi[d] >>> n;
            }
            break;
          }
          case 34: {
            const bl = code[at + 4];
            lo2[d] = lo2[d] >>> bl;
            hi[d] = 0;
            break;
          }
          case 35: {
            const s = code[at + 2];
            const bl = lo2[s];
            lo2[d] = lo2[d] >>> bl;
            hi[d] = 0;
            break;
          }
          case 36: {
            const l = lo2[d];
            lo2[d] = -l;
            hi[d] = ~hi[d] + (l === 0 ? 1 : 0);
            break;
          }
          case 37: {
            const l = lo2[d];
            lo2[d] = -l;
            hi[d] = ~hi[d] + (l === 0 ? 1 : 0);
            break;
          }
          case 38: {
            lo2[d] = -lo2[d];
            hi[d] = 0;
            break;
          }
          case 39: {
            lo2[d] = -lo2[d];
            hi[d] = 0;
            break;
          }
          case 40: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            if (bl === 0 && bh === 0) break;
            if (hi[d] === 0 && bh === 0) lo2[d] = (lo2[d] >>> 0) % (bl >>> 0);
            else slowDivMod(lo2, hi, d, bl, bh, false, true);
            break;
          }
          case 41: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            if (bl === 0 && bh === 0) break;
            if (hi[d] === 0 && bh === 0) lo2[d] = (lo2[d] >>> 0) % (bl >>> 0);
            else slowDivMod(lo2, hi, d, bl, bh, false, true);
            break;
          }
          case 42: {
            const bl = code[at + 4];
            if (bl !== 0) lo2[d] = (lo2[d] >>> 0) % (bl >>> 0);
            hi[d] = 0;
            break;
          }
          case 43: {
            const s = code[at + 2];
            const bl = lo2[s];
            if (bl !== 0) lo2[d] = (lo2[d] >>> 0) % (bl >>> 0);
            hi[d] = 0;
            break;
          }
          case 44: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            if (bl === 0 && bh === 0) break;
            if (hi[d] === lo2[d] >> 31 && bh === bl >> 31) {
              const r = lo2[d] % bl;
              lo2[d] = r;
              hi[d] = r < 0 ? -1 : 0;
            } else slowDivMod(lo2, hi, d, bl, bh, true, true);
            break;
          }
          case 45: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            if (bl === 0 && bh === 0) break;
            if (hi[d] === lo2[d] >> 31 && bh === bl >> 31) {
              const r = lo2[d] % bl;
              lo2[d] = r;
              hi[d] = r < 0 ? -1 : 0;
            } else slowDivMod(lo2, hi, d, bl, bh, true, true);
            break;
          }
          case 46: {
            const bl = code[at + 4];
            if (bl !== 0) lo2[d] = lo2[d] % bl;
            hi[d] = 0;
            break;
          }
          case 47: {
            const s = code[at + 2];
            const bl = lo2[s];
            if (bl !== 0) lo2[d] = lo2[d] % bl;
            hi[d] = 0;
            break;
          }
          case 48: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            lo2[d] ^= bl;
            hi[d] ^= bh;
            break;
          }
          case 49: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            lo2[d] ^= bl;
            hi[d] ^= bh;
            break;
          }
          case 50: {
            const bl = code[at + 4];
            lo2[d] ^= bl;
            hi[d] = 0;
            break;
          }
          case 51: {
            const s = code[at + 2];
            const bl = lo2[s];
            lo2[d] ^= bl;
            hi[d] = 0;
            break;
          }
          case 52: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            lo2[d] = bl;
            hi[d] = bh;
            break;
          }
          case 53: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            lo2[d] = bl;
            hi[d] = bh;
            break;
          }
          case 54: {
            const bl = code[at + 4];
            lo2[d] = bl;
            hi[d] = 0;
            break;
          }
          case 55: {
            const s = code[at + 2];
            const bl = lo2[s];
            lo2[d] = bl;
            hi[d] = 0;
            break;
          }
          case 56: {
            const bl = code[at + 4];
            const v = bl << 24 >> 24;
            lo2[d] = v;
            hi[d] = v >> 31;
            break;
          }
          case 57: {
            const s = code[at + 2];
            const bl = lo2[s];
            const v = bl << 24 >> 24;
            lo2[d] = v;
            hi[d] = v >> 31;
            break;
          }
          case 58: {
            const bl = code[at + 4];
            lo2[d] = bl << 24 >> 24;
            hi[d] = 0;
            break;
          }
          case 59: {
            const s = code[at + 2];
            const bl = lo2[s];
            lo2[d] = bl << 24 >> 24;
            hi[d] = 0;
            break;
          }
          case 60: {
            const bl = code[at + 4];
            const v = bl << 16 >> 16;
            lo2[d] = v;
            hi[d] = v >> 31;
            break;
          }
          case 61: {
            const s = code[at + 2];
            const bl = lo2[s];
            const v = bl << 16 >> 16;
            lo2[d] = v;
            hi[d] = v >> 31;
            break;
          }
          case 62: {
            const bl = code[at + 4];
            lo2[d] = bl << 16 >> 16;
            hi[d] = 0;
            break;
          }
          case 63: {
            const s = code[at + 2];
            const bl = lo2[s];
            lo2[d] = bl << 16 >> 16;
            hi[d] = 0;
            break;
          }
          case 64: {
            const bl = code[at + 4];
            lo2[d] = bl;
            hi[d] = bl >> 31;
            break;
          }
          case 65: {
            const s = code[at + 2];
            const bl = lo2[s];
            lo2[d] = bl;
            hi[d] = bl >> 31;
            break;
          }
          case 66: {
            const bl = code[at + 4];
            lo2[d] = bl;
            hi[d] = 0;
            break;
          }
          case 67: {
            const s = code[at + 2];
            const bl = lo2[s];
            lo2[d] = bl;
            hi[d] = 0;
            break;
          }
          case 68: {
            const bl = code[at + 4];
            const n = bl & 63;
            if (n >= 32) {
              lo2[d] = hi[d] >> n - 32;
              hi[d] = hi[d] >> 31;
            } else if (n !== 0) {
              lo2[d] = lo2[d] >>> n | hi[d] << 32 - n;
              hi[d] = hi[d] >> n;
            }
            break;
          }
          case 69: {
            const s = code[at + 2];
            const bl = lo2[s];
            const n = bl & 63;
            if (n >= 32) {
              lo2[d] = hi[d] >> n - 32;
              hi[d] = hi[d] >> 31;
            } else if (n !== 0) {
              lo2[d] = lo2[d] >>> n | hi[d] << 32 - n;
              hi[d] = hi[d] >> n;
            }
            break;
          }
          case 70: {
            const bl = code[at + 4];
            lo2[d] = lo2[d] >> bl;
            hi[d] = 0;
            break;
          }
          case 71: {
            const s = code[at + 2];
            const bl = lo2[s];
            lo2[d] = lo2[d] >> bl;
            hi[d] = 0;
            break;
          }
          // ---- JMP: jeq jgt jge jset jne jsgt jsge jlt jle jslt jsle (64-bit, then 32-bit)
          case 72: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            if (lo2[d] === bl && hi[d] === bh) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 73: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            if (lo2[d] === bl && hi[d] === bh) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 74: {
            const bl = code[at + 4];
            if (lo2[d] === bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 75: {
            const s = code[at + 2];
            const bl = lo2[s];
            if (lo2[d] === bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 76: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const ah = hi[d] >>> 0;
            const b = bh >>> 0;
            if (ah > b || ah === b && lo2[d] >>> 0 > bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 77: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            const ah = hi[d] >>> 0;
            const b = bh >>> 0;
            if (ah > b || ah === b && lo2[d] >>> 0 > bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 78: {
            const bl = code[at + 4];
            if (lo2[d] >>> 0 > bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 79: {
            const s = code[at + 2];
            const bl = lo2[s];
            if (lo2[d] >>> 0 > bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 80: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const ah = hi[d] >>> 0;
            const b = bh >>> 0;
            if (ah > b || ah === b && lo2[d] >>> 0 >= bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 81: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            const ah = hi[d] >>> 0;
            const b = bh >>> 0;
            if (ah > b || ah === b && lo2[d] >>> 0 >= bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 82: {
            const bl = code[at + 4];
            if (lo2[d] >>> 0 >= bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 83: {
            const s = code[at + 2];
            const bl = lo2[s];
            if (lo2[d] >>> 0 >= bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 84: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            if ((lo2[d] & bl) !== 0 || (hi[d] & bh) !== 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 85: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            if ((lo2[d] & bl) !== 0 || (hi[d] & bh) !== 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 86: {
            const bl = code[at + 4];
            if ((lo2[d] & bl) !== 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 87: {
            const s = code[at + 2];
            const bl = lo2[s];
            if ((lo2[d] & bl) !== 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 88: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            if (lo2[d] !== bl || hi[d] !== bh) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 89: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            if (lo2[d] !== bl || hi[d] !== bh) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 90: {
            const bl = code[at + 4];
            if (lo2[d] !== bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 91: {
            const s = code[at + 2];
            const bl = lo2[s];
            if (lo2[d] !== bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 92: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const ah = hi[d];
            if (ah > bh || ah === bh && lo2[d] >>> 0 > bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 93: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            const ah = hi[d];
            if (ah > bh || ah === bh && lo2[d] >>> 0 > bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 94: {
            const bl = code[at + 4];
            if (lo2[d] > bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 95: {
            const s = code[at + 2];
            const bl = lo2[s];
            if (lo2[d] > bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 96: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const ah = hi[d];
            if (ah > bh || ah === bh && lo2[d] >>> 0 >= bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 97: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            const ah = hi[d];
            if (ah > bh || ah === bh && lo2[d] >>> 0 >= bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 98: {
            const bl = code[at + 4];
            if (lo2[d] >= bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 99: {
            const s = code[at + 2];
            const bl = lo2[s];
            if (lo2[d] >= bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 100: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const ah = hi[d] >>> 0;
            const b = bh >>> 0;
            if (ah < b || ah === b && lo2[d] >>> 0 < bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 101: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            const ah = hi[d] >>> 0;
            const b = bh >>> 0;
            if (ah < b || ah === b && lo2[d] >>> 0 < bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 102: {
            const bl = code[at + 4];
            if (lo2[d] >>> 0 < bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 103: {
            const s = code[at + 2];
            const bl = lo2[s];
            if (lo2[d] >>> 0 < bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 104: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const ah = hi[d] >>> 0;
            const b = bh >>> 0;
            if (ah < b || ah === b && lo2[d] >>> 0 <= bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 105: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            const ah = hi[d] >>> 0;
            const b = bh >>> 0;
            if (ah < b || ah === b && lo2[d] >>> 0 <= bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 106: {
            const bl = code[at + 4];
            if (lo2[d] >>> 0 <= bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 107: {
            const s = code[at + 2];
            const bl = lo2[s];
            if (lo2[d] >>> 0 <= bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 108: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const ah = hi[d];
            if (ah < bh || ah === bh && lo2[d] >>> 0 < bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 109: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            const ah = hi[d];
            if (ah < bh || ah === bh && lo2[d] >>> 0 < bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 110: {
            const bl = code[at + 4];
            if (lo2[d] < bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 111: {
            const s = code[at + 2];
            const bl = lo2[s];
            if (lo2[d] < bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 112: {
            const bl = code[at + 4];
            const bh = code[at + 5];
            const ah = hi[d];
            if (ah < bh || ah === bh && lo2[d] >>> 0 <= bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 113: {
            const s = code[at + 2];
            const bl = lo2[s];
            const bh = hi[s];
            const ah = hi[d];
            if (ah < bh || ah === bh && lo2[d] >>> 0 <= bl >>> 0) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 114: {
            const bl = code[at + 4];
            if (lo2[d] <= bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          case 115: {
            const s = code[at + 2];
            const bl = lo2[s];
            if (lo2[d] <= bl) {
              pc = code[at + 3];
              continue;
            }
            break;
          }
          // ---- control
          case 116:
            pc = code[at + 3];
            continue;
          case 117: {
            this.invoke(helpers[code[at + 4]], this.compiled.helperIds[code[at + 4]], pc);
            if (call2.stopped) {
              this.stopWith(call2.stopValue);
              this.lastInstructionCount = count;
              return;
            }
            break;
          }
          case 118: {
            if (depth + 1 >= MAX_CALL_FRAMES) {
              throw new VmError("call-depth", `more than ${MAX_CALL_FRAMES} nested calls`, pc);
            }
            const f = depth * FRAME_WORDS;
            for (let r = 6; r <= 10; r++) {
              frames[f + (r - 6) * 2] = lo2[r];
              frames[f + (r - 6) * 2 + 1] = hi[r];
            }
            frames[f + 10] = pc + 1;
            depth++;
            lo2[10] = lo2[10] - STACK_SIZE;
            pc = code[at + 3];
            continue;
          }
          case 119: {
            const id = lo2[d] >>> 0;
            const def = hi[d] === 0 ? this.registry.get(id) : void 0;
            if (!def)
              throw new VmError("unknown-helper", `callx: no helper with id ${big(lo2[d], hi[d])}`, pc);
            this.invoke(def.fn, id, pc);
            if (call2.stopped) {
              this.stopWith(call2.stopValue);
              this.lastInstructionCount = count;
              return;
            }
            break;
          }
          case 120: {
            if (depth === 0) {
              this.lastInstructionCount = count;
              return;
            }
            depth--;
            const f = depth * FRAME_WORDS;
            for (let r = 6; r <= 10; r++) {
              lo2[r] = frames[f + (r - 6) * 2];
              hi[r] = frames[f + (r - 6) * 2 + 1];
            }
            pc = frames[f + 10];
            continue;
          }
          case 121:
            lo2[d] = code[at + 4];
            hi[d] = code[at + 5];
            break;
          case 122:
            throw new VmError("fell-off", "execution ran past the last instruction without exit", pc);
          // ---- loads: ldxb ldxh ldxw ldxdw ldxsb ldxsh ldxsw
          case 123: {
            const s = code[at + 2];
            const a = lo2[s] + code[at + 3] | 0;
            if (code[at + 6] !== 0 && (hi[s] !== 1 || a < rs || a + 1 > re)) {
              const r = this.region(pc, lo2[s], hi[s], code[at + 3], 1, false);
              rs = r.start;
              re = r.end;
            }
            lo2[d] = view2.getUint8(a);
            hi[d] = 0;
            break;
          }
          case 124: {
            const s = code[at + 2];
            const a = lo2[s] + code[at + 3] | 0;
            if (code[at + 6] !== 0 && (hi[s] !== 1 || a < rs || a + 2 > re)) {
              const r = this.region(pc, lo2[s], hi[s], code[at + 3], 2, false);
              rs = r.start;
              re = r.end;
            }
            lo2[d] = view2.getUint16(a, true);
            hi[d] = 0;
            break;
          }
          case 125: {
            const s = code[at + 2];
            const a = lo2[s] + code[at + 3] | 0;
            if (code[at + 6] !== 0 && (hi[s] !== 1 || a < rs || a + 4 > re)) {
              const r = this.region(pc, lo2[s], hi[s], code[at + 3], 4, false);
              rs = r.start;
              re = r.end;
            }
            lo2[d] = view2.getInt32(a, true);
            hi[d] = 0;
            break;
          }
          case 126: {
            const s = code[at + 2];
            const a = lo2[s] + code[at + 3] | 0;
            if (code[at + 6] !== 0 && (hi[s] !== 1 || a < rs || a + 8 > re)) {
              const r = this.region(pc, lo2[s], hi[s], code[at + 3], 8, false);
              rs = r.start;
              re = r.end;
            }
            lo2[d] = view2.getInt32(a, true);
            hi[d] = view2.getInt32(a + 4, true);
            break;
          }
          case 127: {
            const s = code[at + 2];
            const a = lo2[s] + code[at + 3] | 0;
            if (code[at + 6] !== 0 && (hi[s] !== 1 || a < rs || a + 1 > re)) {
              const r = this.region(pc, lo2[s], hi[s], code[at + 3], 1, false);
              rs = r.start;
              re = r.end;
            }
            const v = view2.getInt8(a);
            lo2[d] = v;
            hi[d] = v >> 31;
            break;
          }
          case 128: {
            const s = code[at + 2];
            const a = lo2[s] + code[at + 3] | 0;
            if (code[at + 6] !== 0 && (hi[s] !== 1 || a < rs || a + 2 > re)) {
              const r = this.region(pc, lo2[s], hi[s], code[at + 3], 2, false);
              rs = r.start;
              re = r.end;
            }
            const v = view2.getInt16(a, true);
            lo2[d] = v;
            hi[d] = v >> 31;
            break;
          }
          case 129: {
            const s = code[at + 2];
            const a = lo2[s] + code[at + 3] | 0;
            if (code[at + 6] !== 0 && (hi[s] !== 1 || a < rs || a + 4 > re)) {
              const r = this.region(pc, lo2[s], hi[s], code[at + 3], 4, false);
              rs = r.start;
              re = r.end;
            }
            const v = view2.getInt32(a, true);
            lo2[d] = v;
            hi[d] = v >> 31;
            break;
          }
          // ---- stores of an immediate: stb sth stw stdw
          case 130:
          case 131:
          case 132:
          case 133: {
            const size = 1 << op - 130;
            const a = lo2[d] + code[at + 3] | 0;
            if (code[at + 6] !== 0 && (hi[d] !== 1 || a < ws || a + size > we)) {
              const r = this.region(pc, lo2[d], hi[d], code[at + 3], size, true);
              ws = r.start;
              we = r.end;
            }
            const v = code[at + 4];
            if (op === 130) view2.setUint8(a, v);
            else if (op === 131) view2.setUint16(a, v, true);
            else if (op === 132) view2.setInt32(a, v, true);
            else {
              view2.setInt32(a, v, true);
              view2.setInt32(a + 4, code[at + 5], true);
            }
            break;
          }
          // ---- stores of a register: stxb stxh stxw stxdw
          case 134: {
            const a = lo2[d] + code[at + 3] | 0;
            if (code[at + 6] !== 0 && (hi[d] !== 1 || a < ws || a + 1 > we)) {
              const r = this.region(pc, lo2[d], hi[d], code[at + 3], 1, true);
              ws = r.start;
              we = r.end;
            }
            view2.setUint8(a, lo2[code[at + 2]]);
            break;
          }
          case 135: {
            const a = lo2[d] + code[at + 3] | 0;
            if (code[at + 6] !== 0 && (hi[d] !== 1 || a < ws || a + 2 > we)) {
              const r = this.region(pc, lo2[d], hi[d], code[at + 3], 2, true);
              ws = r.start;
              we = r.end;
            }
            view2.setUint16(a, lo2[code[at + 2]], true);
            break;
          }
          case 136: {
            const a = lo2[d] + code[at + 3] | 0;
            if (code[at + 6] !== 0 && (hi[d] !== 1 || a < ws || a + 4 > we)) {
              const r = this.region(pc, lo2[d], hi[d], code[at + 3], 4, true);
              ws = r.start;
              we = r.end;
            }
            view2.setInt32(a, lo2[code[at + 2]], true);
            break;
          }
          case 137: {
            const a = lo2[d] + code[at + 3] | 0;
            if (code[at + 6] !== 0 && (hi[d] !== 1 || a < ws || a + 8 > we)) {
              const r = this.region(pc, lo2[d], hi[d], code[at + 3], 8, true);
              ws = r.start;
              we = r.end;
            }
            const s = code[at + 2];
            view2.setInt32(a, lo2[s], true);
            view2.setInt32(a + 4, hi[s], true);
            break;
          }
          // ---- byte order: le16 le32 le64 be16 be32 be64 (bswap = be on little-endian)
          case 138:
            lo2[d] &= 65535;
            hi[d] = 0;
            break;
          case 139:
            hi[d] = 0;
            break;
          case 140:
            break;
          case 141: {
            const v = lo2[d];
            lo2[d] = (v & 255) << 8 | v >>> 8 & 255;
            hi[d] = 0;
            break;
          }
          case 142:
            lo2[d] = bswap32(lo2[d]);
            hi[d] = 0;
            break;
          case 143: {
            const l = lo2[d];
            lo2[d] = bswap32(hi[d]);
            hi[d] = bswap32(l);
            break;
          }
          // ---- atomics: 144 + op·4 + (dw ? 2 : 0) + (fetch ? 1 : 0), op = add or and xor xchg cmpxchg
          case 144:
          case 145:
          case 148:
          case 149:
          case 152:
          case 153:
          case 156:
          case 157:
          case 160:
          case 161:
          case 164:
          case 165: {
            const a = lo2[d] + code[at + 3] | 0;
            if (code[at + 6] !== 0 && (hi[d] !== 1 || a < ws || a + 4 > we)) {
              const r = this.region(pc, lo2[d], hi[d], code[at + 3], 4, true);
              ws = r.start;
              we = r.end;
            }
            const s = code[at + 2];
            const old = view2.getInt32(a, true);
            const kind = op - 144 >> 2;
            if (kind === 5) {
              if (old === lo2[0]) view2.setInt32(a, lo2[s], true);
              lo2[0] = old;
              hi[0] = 0;
              break;
            }
            const v = lo2[s];
            view2.setInt32(
              a,
              kind === 0 ? old + v : kind === 1 ? old | v : kind === 2 ? old & v : kind === 3 ? old ^ v : v,
              true
            );
            if (op & 1 || kind === 4) {
              lo2[s] = old;
              hi[s] = 0;
            }
            break;
          }
          case 146:
          case 147:
          case 150:
          case 151:
          case 154:
          case 155:
          case 158:
          case 159:
          case 162:
          case 163:
          case 166:
          case 167: {
            const a = lo2[d] + code[at + 3] | 0;
            if (code[at + 6] !== 0 && (hi[d] !== 1 || a < ws || a + 8 > we)) {
              const r = this.region(pc, lo2[d], hi[d], code[at + 3], 8, true);
              ws = r.start;
              we = r.end;
            }
            const s = code[at + 2];
            const ol = view2.getInt32(a, true);
            const oh = view2.getInt32(a + 4, true);
            const kind = op - 144 >> 2;
            if (kind === 5) {
              if (ol === lo2[0] && oh === hi[0]) {
                view2.setInt32(a, lo2[s], true);
                view2.setInt32(a + 4, hi[s], true);
              }
              lo2[0] = ol;
              hi[0] = oh;
              break;
            }
            const vl = lo2[s];
            const vh = hi[s];
            let nl;
            let nh;
            if (kind === 0) {
              const l = (ol >>> 0) + (vl >>> 0);
              nl = l | 0;
              nh = oh + vh + (l > 4294967295 ? 1 : 0) | 0;
            } else if (kind === 1) {
              nl = ol | vl;
              nh = oh | vh;
            } else if (kind === 2) {
              nl = ol & vl;
              nh = oh & vh;
            } else if (kind === 3) {
              nl = ol ^ vl;
              nh = oh ^ vh;
            } else {
              nl = vl;
              nh = vh;
            }
            view2.setInt32(a, nl, true);
            view2.setInt32(a + 4, nh, true);
            if (op & 1 || kind === 4) {
              lo2[s] = ol;
              hi[s] = oh;
            }
            break;
          }
          // ---- legacy packet loads: ldabs b h w, ldind b h w (big-endian; out of packet: exit 0)
          case 168:
          case 169:
          case 170:
          case 171:
          case 172:
          case 173: {
            const size = 1 << (op >= 171 ? op - 171 : op - 168);
            const k = (op >= 171 ? lo2[code[at + 2]] >>> 0 : 0) + code[at + 4];
            if (k < 0 || k + size > pktLen) {
              lo2[0] = hi[0] = 0;
              this.lastInstructionCount = count;
              return;
            }
            const a = pktOff + k;
            lo2[0] = size === 1 ? view2.getUint8(a) : size === 2 ? view2.getUint16(a, false) : view2.getInt32(a, false);
            hi[0] = 0;
            break;
          }
          case 174: {
            const id = code[at + 4];
            if (code[at + 5] === 1)
              throw new VmError("unknown-helper", `kfunc calls are not supported (BTF id ${id})`, pc);
            throw new VmError("unknown-helper", `no helper with id ${id}`, pc);
          }
          default:
            throw new VmError("unknown-opcode", `internal operation ${op} is not executable`, pc);
        }
        pc++;
      }
    } catch (e) {
      this.lastInstructionCount = count;
      throw this.wrap(e, pc);
    }
  }
  stopWith(value) {
    this.lo[0] = value | 0;
    this.hi[0] = Math.floor(value / TWO323) | 0;
  }
  /** The region for an access of `size` bytes at register (regLo, regHi) + off, or a VmError. */
  region(pc, regLo, regHi, off, size, write) {
    const mem = this.program.runtime.memory;
    const a = (regLo >>> 0) + off;
    const region = regHi === 1 && a >= 0 ? mem.regionAt(a, size) : void 0;
    if (region && (!write || region.writable)) return region;
    const address5 = BigInt.asUintN(64, big(regLo, regHi) + BigInt(off));
    const what = `${write ? "write" : "read"} of ${size} byte${size > 1 ? "s" : ""} at 0x${address5.toString(16)}`;
    if (region) {
      throw new VmError(
        "out-of-bounds",
        `invalid ${what}: region '${region.name}' is read-only`,
        pc,
        address5,
        size
      );
    }
    const inside = regHi === 1 && a >= 0 ? mem.regionAt(a) : void 0;
    const why = inside ? `crosses the end of region '${inside.name}'` : "is outside every memory region";
    throw new VmError("out-of-bounds", `invalid ${what}: ${why}`, pc, address5, size);
  }
  /** Call a helper; anything it throws other than a VmError becomes VmError('helper-failed'). */
  invoke(fn, id, pc) {
    const call2 = this.call;
    call2.pc = pc;
    try {
      setReturn(call2, this.lo, this.hi, fn(call2));
    } catch (e) {
      if (e instanceof VmError) throw e;
      throw new VmError(
        "helper-failed",
        `helper ${id} failed: ${e instanceof Error ? e.message : String(e)}`,
        pc
      );
    }
  }
  wrap(e, pc) {
    if (e instanceof VmError) return e;
    if (e instanceof RangeError && /offset|bounds/i.test(e.message)) {
      return new VmError("out-of-bounds", `memory access outside the linear memory (${e.message})`, pc);
    }
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return new VmError("internal", `internal error: ${msg}`, pc);
  }
};
var interpreter = {
  name: "interp",
  available: () => ({ ok: true }),
  prepare: (program, options) => new InterpretedProgram(program, options)
};

// packages/vm/src/maps/array.ts
var ArrayMap = class extends BpfMap {
  /** The values (writable unless read-only). */
  values;
  stride;
  /** Read-only to programs (.rodata): their updates fail with -EPERM; user space may still write. */
  readOnly;
  constructor(mem, def, id, options = {}) {
    super(mem, def, id);
    this.stride = round8(def.valueSize);
    this.readOnly = options.readOnly === true || (this.flags & BPF_F_RDONLY_PROG2) !== 0;
    if (this.readOnly)
      mem.view.setUint32(this.descriptor.start + DESC_FLAGS, this.flags | BPF_F_RDONLY_PROG2, true);
    this.values = mem.alloc(Math.max(8, this.stride * def.maxEntries), {
      name: `map ${def.name}: values`,
      kind: "map",
      writable: !options.readOnly
    });
    this.setLayout(def.maxEntries, this.values.start, this.stride);
  }
  /** Offset of element `index`'s value, or 0 when out of range. */
  valueOffset(index) {
    return index >>> 0 < this.maxEntries ? this.values.start + (index >>> 0) * this.stride : 0;
  }
  lookupAt(keyOff) {
    return this.valueOffset(this.mem.view.getUint32(keyOff, true));
  }
  updateAt(keyOff, valueOff, flags) {
    if (this.readOnly) return -EPERM;
    const index = this.mem.view.getUint32(keyOff, true);
    return this.store(index, this.mem.bytes.subarray(valueOff, valueOff + this.valueSize), flags);
  }
  deleteAt() {
    return -EINVAL;
  }
  keys() {
    const keys = [];
    for (let i = 0; i < this.maxEntries; i++) keys.push(new Uint8Array(new Uint32Array([i]).buffer));
    return keys;
  }
  clear() {
    this.mem.bytes.fill(0, this.values.start, this.values.end);
  }
  find(key) {
    return this.valueOffset(indexOf(key));
  }
  put(key, value, flags) {
    return this.store(indexOf(key), value, flags);
  }
  remove() {
    return -EINVAL;
  }
  store(index, value, flags) {
    if (flags > BPF_EXIST) return -EINVAL;
    if (index >>> 0 >= this.maxEntries) return -E2BIG;
    if (flags === BPF_NOEXIST) return -EEXIST;
    this.mem.bytes.set(value, this.valueOffset(index));
    return 0;
  }
};
function indexOf(key) {
  return new DataView(key.buffer, key.byteOffset, 4).getUint32(0, true);
}

// packages/vm/src/loader.ts
function split(address5) {
  return { lo: address5 | 0, hi: Math.floor(address5 / 4294967296) | 0 };
}
function valueAddress(map, offset, pc) {
  if (!(map instanceof ArrayMap)) {
    throw new VmError("load", `lddw: direct value access needs an array map, map ${map.name} is not one`, pc);
  }
  if (offset < 0 || offset >= Math.max(1, map.valueSize)) {
    throw new VmError(
      "load",
      `lddw: offset ${offset} is outside the ${map.valueSize}-byte value of map ${map.name}`,
      pc
    );
  }
  return BPF_ADDRESS_BASE2 + map.valueOffset(0) + offset;
}
function resolve(runtime, insns, maps) {
  return insns.map((insn, pc) => {
    if (insn.kind !== "lddw") return void 0;
    const byIndex = () => {
      const map = maps[insn.imm];
      if (!map)
        throw new VmError("load", `lddw: no map at index ${insn.imm} (the program has ${maps.length})`, pc);
      return map;
    };
    const byFd = () => {
      const map = runtime.mapById(insn.imm);
      if (!map) throw new VmError("load", `lddw: no map with fd ${insn.imm}`, pc);
      return map;
    };
    switch (insn.source) {
      case "imm64":
        return { source: insn.source, lo: insn.imm, hi: insn.imm2 };
      case "map_fd":
      case "map_idx": {
        const map = insn.source === "map_fd" ? byFd() : byIndex();
        return { source: insn.source, ...split(map.pointer), map };
      }
      case "map_value":
      case "map_idx_value": {
        const map = insn.source === "map_value" ? byFd() : byIndex();
        return {
          source: insn.source,
          ...split(valueAddress(map, insn.imm2, pc)),
          map,
          valueOffset: insn.imm2
        };
      }
      case "code_addr": {
        const target3 = codeTarget(insns, pc);
        return { source: insn.source, lo: target3, hi: 0, target: target3 };
      }
      default:
        throw new VmError("load", `lddw: pseudo source '${insn.source}' is not supported`, pc);
    }
  });
}
function codeTarget(insns, pc) {
  let slot = 0;
  for (let i = 0; i < pc; i++) slot += insns[i].kind === "lddw" ? 2 : 1;
  const want = slot + insns[pc].imm + 1;
  let s = 0;
  for (let i = 0; i < insns.length; i++) {
    if (s === want) return i;
    s += insns[i].kind === "lddw" ? 2 : 1;
  }
  throw new VmError("load", "lddw: code address outside the program", pc);
}
function checkShapes(insns) {
  insns.forEach((insn, i) => {
    if (!rowOf(insn)) throw new VmError("load", `no encoding for ${JSON.stringify(insn)}`, i);
  });
}
function loadInsns(runtime, insns, options = {}) {
  if (insns.length === 0) throw new VmError("load", "the program has no instructions");
  checkShapes(insns);
  const maps = options.maps ?? [];
  return {
    name: options.name ?? "prog",
    section: options.section,
    runtime,
    insns,
    constants: resolve(runtime, insns, maps),
    maps,
    functionStarts: options.functionStarts ?? [{ name: options.name ?? "prog", insnIndex: 0 }]
  };
}
function createMapFromSpec(runtime, spec) {
  const map = runtime.createMap(
    {
      name: spec.name,
      type: spec.type,
      keySize: spec.keySize,
      valueSize: spec.valueSize,
      maxEntries: spec.maxEntries,
      flags: spec.flags
    },
    { readOnly: spec.readOnly }
  );
  if (spec.initialData && map instanceof ArrayMap) {
    runtime.memory.write(map.valueOffset(0), spec.initialData.subarray(0, map.valueSize));
  }
  return map;
}

// packages/vm/src/maps/hash.ts
var HashMap = class extends BpfMap {
  table;
  capacity;
  slotSize;
  /** Offset of the value within a slot. */
  valueAt;
  lru;
  mask;
  constructor(mem, def, id, options = {}) {
    super(mem, def, id);
    this.lru = options.lru ?? false;
    this.capacity = nextPow2(Math.max(2, 2 * def.maxEntries));
    this.mask = this.capacity - 1;
    this.valueAt = SLOT_HEADER + round8(def.keySize);
    this.slotSize = this.valueAt + round8(def.valueSize);
    this.table = mem.alloc(this.capacity * this.slotSize, {
      name: `map ${def.name}: table`,
      kind: "map",
      writable: true
    });
    this.setLayout(this.capacity, this.table.start, this.slotSize);
    mem.view.setUint32(this.descriptor.start + DESC_VALUE_OFFSET, this.valueAt, true);
  }
  /** Live entries. */
  get count() {
    return this.desc(DESC_COUNT);
  }
  lookupAt(keyOff) {
    return this.findIn(this.mem.bytes, keyOff);
  }
  updateAt(keyOff, valueOff, flags) {
    return this.putFrom(this.mem.bytes, keyOff, valueOff, flags);
  }
  deleteAt(keyOff) {
    return this.removeIn(this.mem.bytes, keyOff);
  }
  keys() {
    const keys = [];
    for (let i = 0; i < this.capacity; i++) {
      const slot = this.slot(i);
      if (this.state(slot) === SLOT_USED) keys.push(this.mem.read(slot + SLOT_HEADER, this.keySize));
    }
    return keys;
  }
  clear() {
    this.mem.bytes.fill(0, this.table.start, this.table.end);
    this.setDesc(DESC_COUNT, 0);
    this.setDesc(DESC_TOMBSTONES, 0);
  }
  find(key) {
    return this.findIn(key, 0);
  }
  put(key, value, flags) {
    const joined = new Uint8Array(key.length + value.length);
    joined.set(key);
    joined.set(value, key.length);
    return this.putFrom(joined, 0, key.length, flags);
  }
  remove(key) {
    return this.removeIn(key, 0);
  }
  slot(i) {
    return this.table.start + i * this.slotSize;
  }
  state(slot) {
    return this.mem.view.getUint32(slot + SLOT_STATE, true);
  }
  desc(field) {
    return this.mem.view.getUint32(this.descriptor.start + field, true);
  }
  setDesc(field, value) {
    this.mem.view.setUint32(this.descriptor.start + field, value >>> 0, true);
  }
  keyEquals(slot, src, at) {
    const bytes = this.mem.bytes;
    const k = slot + SLOT_HEADER;
    for (let i = 0; i < this.keySize; i++) if (bytes[k + i] !== src[at + i]) return false;
    return true;
  }
  /** Slot index holding the key, or -1. */
  probe(src, at, hash) {
    const view2 = this.mem.view;
    let i = hash & this.mask;
    for (let n = 0; n < this.capacity; n++, i = i + 1 & this.mask) {
      const slot = this.slot(i);
      const state = view2.getUint32(slot + SLOT_STATE, true);
      if (state === SLOT_EMPTY) return -1;
      if (state === SLOT_USED && view2.getUint32(slot + SLOT_HASH, true) === hash && this.keyEquals(slot, src, at)) {
        return i;
      }
    }
    return -1;
  }
  touch(slot) {
    if (!this.lru) return;
    const clock = this.desc(DESC_LRU_CLOCK) + 1 >>> 0;
    this.setDesc(DESC_LRU_CLOCK, clock);
    this.mem.view.setUint32(slot + SLOT_STAMP, clock, true);
  }
  findIn(src, at) {
    const i = this.probe(src, at, fnv1a(src, at, this.keySize));
    if (i < 0) return 0;
    const slot = this.slot(i);
    this.touch(slot);
    return slot + this.valueAt;
  }
  putFrom(src, keyAt, valueAt, flags) {
    if (flags > BPF_EXIST) return -EINVAL;
    const hash = fnv1a(src, keyAt, this.keySize);
    const found = this.probe(src, keyAt, hash);
    const bytes = this.mem.bytes;
    if (found >= 0) {
      if (flags === BPF_NOEXIST) return -EEXIST;
      const slot2 = this.slot(found);
      bytes.set(src.subarray(valueAt, valueAt + this.valueSize), slot2 + this.valueAt);
      this.touch(slot2);
      return 0;
    }
    if (flags === BPF_EXIST) return -ENOENT;
    if (this.count >= this.maxEntries) {
      if (!this.lru) return -E2BIG;
      this.evictOldest();
    }
    const view2 = this.mem.view;
    let i = hash & this.mask;
    for (let n = 0; n < this.capacity; n++, i = i + 1 & this.mask) {
      const state = this.state(this.slot(i));
      if (state !== SLOT_USED) break;
    }
    const slot = this.slot(i);
    if (this.state(slot) === SLOT_DELETED) this.setDesc(DESC_TOMBSTONES, this.desc(DESC_TOMBSTONES) - 1);
    view2.setUint32(slot + SLOT_STATE, SLOT_USED, true);
    view2.setUint32(slot + SLOT_HASH, hash, true);
    view2.setUint32(slot + SLOT_STAMP, 0, true);
    bytes.set(src.subarray(keyAt, keyAt + this.keySize), slot + SLOT_HEADER);
    bytes.set(src.subarray(valueAt, valueAt + this.valueSize), slot + this.valueAt);
    this.setDesc(DESC_COUNT, this.count + 1);
    this.touch(slot);
    return 0;
  }
  removeIn(src, at) {
    const i = this.probe(src, at, fnv1a(src, at, this.keySize));
    if (i < 0) return -ENOENT;
    this.removeSlot(i);
    return 0;
  }
  removeSlot(i) {
    const view2 = this.mem.view;
    view2.setUint32(this.slot(i) + SLOT_STATE, SLOT_DELETED, true);
    this.setDesc(DESC_COUNT, this.count - 1);
    let tombstones = this.desc(DESC_TOMBSTONES) + 1;
    if (this.state(this.slot(i + 1 & this.mask)) === SLOT_EMPTY) {
      for (let n = 0; n < this.capacity && this.state(this.slot(i)) === SLOT_DELETED; n++) {
        view2.setUint32(this.slot(i) + SLOT_STATE, SLOT_EMPTY, true);
        tombstones--;
        i = i - 1 & this.mask;
      }
    }
    this.setDesc(DESC_TOMBSTONES, tombstones);
  }
  /** LRU: delete the used slot with the smallest stamp (the first such slot in table order). */
  evictOldest() {
    const view2 = this.mem.view;
    let oldest = -1;
    let oldestStamp = 0;
    for (let i = 0; i < this.capacity; i++) {
      const slot = this.slot(i);
      if (this.state(slot) !== SLOT_USED) continue;
      const stamp = view2.getUint32(slot + SLOT_STAMP, true);
      if (oldest < 0 || stamp < oldestStamp) {
        oldest = i;
        oldestStamp = stamp;
      }
    }
    if (oldest >= 0) this.removeSlot(oldest);
  }
};

// packages/vm/src/maps/create.ts
var MAP_TYPE = {
  hash: 1,
  array: 2,
  percpu_hash: 5,
  percpu_array: 6,
  lru_hash: 9,
  lru_percpu_hash: 10,
  ringbuf: 27
};
function createMap(mem, def, id, options = {}) {
  if (def.type !== MAP_TYPE.ringbuf) {
    const bad = [
      ["key_size", def.keySize],
      ["value_size", def.valueSize],
      ["max_entries", def.maxEntries]
    ].find(([, v]) => !Number.isInteger(v) || v <= 0);
    if (bad) throw new VmError("map", `map ${def.name}: ${bad[0]} must be a positive integer, got ${bad[1]}`);
  }
  switch (def.type) {
    case MAP_TYPE.array:
    case MAP_TYPE.percpu_array:
      if (def.keySize !== 4)
        throw new VmError("map", `array map ${def.name}: key_size must be 4, got ${def.keySize}`);
      return new ArrayMap(mem, def, id, options);
    case MAP_TYPE.hash:
    case MAP_TYPE.percpu_hash:
      return new HashMap(mem, def, id);
    case MAP_TYPE.lru_hash:
    case MAP_TYPE.lru_percpu_hash:
      return new HashMap(mem, def, id, { lru: true });
    case MAP_TYPE.ringbuf:
      return new RingBuffer(mem, def, id);
    default:
      throw new VmError("map", `map ${def.name}: map type ${def.type} is not supported`);
  }
}

// packages/vm/src/runtime.ts
var PRINTK_LOG_LINES = 1e4;
var Runtime = class {
  memory;
  helpers;
  /** Lines printed by trace_printk when no `printk` sink is given (the most recent PRINTK_LOG_LINES). */
  printkLog = [];
  printk;
  clock;
  random;
  cpu;
  dumpStack;
  mapList = [];
  byDescriptor = /* @__PURE__ */ new Map();
  constructor(options = {}) {
    this.memory = new LinearMemory({ bytes: options.memoryBytes });
    this.helpers = options.helpers ?? standardHelpers();
    this.printk = options.printk ?? ((line) => {
      if (this.printkLog.push(line) > PRINTK_LOG_LINES) this.printkLog.shift();
    });
    this.clock = options.clock ?? defaultClock;
    this.random = options.random ?? xorshift32(options.seed ?? 1);
    this.cpu = options.cpu ?? 0;
    this.dumpStack = options.dumpStack ?? (() => this.printk("<dump_stack>"));
  }
  /** Create a map; its id (the `fd` for lddw map_fd) is 1 + the number of maps before it. */
  createMap(def, options = {}) {
    const map = createMap(this.memory, def, this.mapList.length + 1, options);
    this.mapList.push(map);
    this.byDescriptor.set(map.descriptor.start, map);
    return map;
  }
  /** Every map, by id order. */
  get maps() {
    return this.mapList;
  }
  /** The map with this id (fd), or undefined. */
  mapById(id) {
    return this.mapList[id - 1];
  }
  mapByName(name2) {
    return this.mapList.find((m) => m.name === name2);
  }
  /** The map whose descriptor is at `offset` (a map pointer's low half), or undefined. */
  mapAt(offset) {
    return this.byDescriptor.get(offset);
  }
  /** A stack region for one prepared program: MAX_CALL_FRAMES frames of STACK_SIZE bytes. */
  allocStack() {
    return this.memory.alloc(STACK_REGION_SIZE, { name: "stack", kind: "stack", writable: true, align: 16 });
  }
  /** Allocate a region and copy `data` into it (e.g. a context or a host struct). */
  allocData(data, name2, kind = "context", writable = true) {
    const region = this.memory.alloc(Math.max(1, data.length), { name: name2, kind, writable });
    this.memory.write(region.start, data);
    return region;
  }
  /** True if [offset, offset + size) lies inside one region (what probe reads check). */
  readable(offset, size) {
    return offset >= 0 && this.memory.regionAt(offset, size) !== void 0;
  }
  /** The map behind a map pointer value (high half 1, low half the descriptor's offset). */
  mapOfPointer(lo2, hi, pc = -1) {
    const map = hi === 1 ? this.byDescriptor.get(lo2 >>> 0) : void 0;
    if (!map) {
      const addr = BigInt(hi >>> 0) << 32n | BigInt(lo2 >>> 0);
      throw new VmError("helper-failed", `0x${addr.toString(16)} is not a map pointer`, pc, addr);
    }
    return map;
  }
};
function defaultClock() {
  return Math.round(globalThis.performance.now() * 1e6);
}
function xorshift32(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

// packages/jit-wasm/src/wasm/bytes.ts
var ByteWriter = class {
  buf;
  length = 0;
  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }
  push(byte) {
    if (this.length === this.buf.length) this.reserve(1);
    this.buf[this.length++] = byte;
  }
  pushBytes(bytes) {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }
  /** A view of the bytes written so far (valid until the next write). */
  view() {
    return this.buf.subarray(0, this.length);
  }
  reserve(n) {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
};

// packages/jit-wasm/src/wasm/leb128.ts
function pushU32(out, value) {
  let v = value >>> 0;
  do {
    const byte = v & 127;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 128);
  } while (v !== 0);
}
function pushI32(out, value) {
  let v = value | 0;
  for (; ; ) {
    const byte = v & 127;
    v >>= 7;
    const done = v === 0 && (byte & 64) === 0 || v === -1 && (byte & 64) !== 0;
    out.push(done ? byte : byte | 128);
    if (done) return;
  }
}
function pushI64(out, lo2, hi) {
  let l = lo2 >>> 0;
  let h = hi | 0;
  for (; ; ) {
    const byte = l & 127;
    l = (l >>> 7 | h << 25) >>> 0;
    h >>= 7;
    const done = h === 0 && l === 0 && (byte & 64) === 0 || h === -1 && l === 4294967295 && (byte & 64) !== 0;
    out.push(done ? byte : byte | 128);
    if (done) return;
  }
}

// packages/jit-wasm/src/wasm/opcodes.ts
var I32 = 127;
var I64 = 126;
var F64 = 124;
var VOID = 64;
var Op = {
  unreachable: 0,
  nop: 1,
  block: 2,
  loop: 3,
  if: 4,
  else: 5,
  end: 11,
  br: 12,
  brIf: 13,
  brTable: 14,
  return: 15,
  call: 16,
  drop: 26,
  select: 27,
  localGet: 32,
  localSet: 33,
  localTee: 34,
  globalGet: 35,
  globalSet: 36,
  i32Load: 40,
  i64Load: 41,
  i32Load8S: 44,
  i32Load8U: 45,
  i32Load16S: 46,
  i32Load16U: 47,
  i64Load8S: 48,
  i64Load8U: 49,
  i64Load16S: 50,
  i64Load16U: 51,
  i64Load32S: 52,
  i64Load32U: 53,
  i32Store: 54,
  i64Store: 55,
  i32Store8: 58,
  i32Store16: 59,
  i64Store8: 60,
  i64Store16: 61,
  i64Store32: 62,
  i32Const: 65,
  i64Const: 66,
  i32Eqz: 69,
  i32Eq: 70,
  i32Ne: 71,
  i32LtS: 72,
  i32LtU: 73,
  i32GtS: 74,
  i32GtU: 75,
  i32LeS: 76,
  i32LeU: 77,
  i32GeS: 78,
  i32GeU: 79,
  i64Eqz: 80,
  i64Eq: 81,
  i64Ne: 82,
  i64LtS: 83,
  i64LtU: 84,
  i64GtS: 85,
  i64GtU: 86,
  i64LeS: 87,
  i64LeU: 88,
  i64GeS: 89,
  i64GeU: 90,
  i32Add: 106,
  i32Sub: 107,
  i32Mul: 108,
  i32DivS: 109,
  i32DivU: 110,
  i32RemS: 111,
  i32RemU: 112,
  i32And: 113,
  i32Or: 114,
  i32Xor: 115,
  i32Shl: 116,
  i32ShrS: 117,
  i32ShrU: 118,
  i32Rotl: 119,
  i32Rotr: 120,
  i64Add: 124,
  i64Sub: 125,
  i64Mul: 126,
  i64DivS: 127,
  i64DivU: 128,
  i64RemS: 129,
  i64RemU: 130,
  i64And: 131,
  i64Or: 132,
  i64Xor: 133,
  i64Shl: 134,
  i64ShrS: 135,
  i64ShrU: 136,
  i64Rotl: 137,
  i64Rotr: 138,
  i32WrapI64: 167,
  i64ExtendI32S: 172,
  i64ExtendI32U: 173,
  i32Extend8S: 192,
  i32Extend16S: 193,
  i64Extend8S: 194,
  i64Extend16S: 195,
  i64Extend32S: 196,
  /** Prefix of the 0xfc group (bulk memory). */
  prefixFc: 252
};
var FcOp = {
  i64TruncSatF64S: 6,
  memoryCopy: 10,
  memoryFill: 11
};

// packages/jit-wasm/src/wasm/code.ts
var Code = class {
  /** @param paramCount number of parameters: the first local index handed out by `local`. */
  constructor(paramCount) {
    this.paramCount = paramCount;
  }
  bytes = new ByteWriter(1024);
  /** Types of the locals after the parameters, in order. */
  extraLocals = [];
  /** Declare a new local and return its index. */
  local(type) {
    this.extraLocals.push(type);
    return this.paramCount + this.extraLocals.length - 1;
  }
  /** Current length of the instruction bytes (for source maps). */
  get offset() {
    return this.bytes.length;
  }
  op(opcode2) {
    this.bytes.push(opcode2);
    return this;
  }
  i32Const(value) {
    this.bytes.push(Op.i32Const);
    pushI32(this.bytes, value);
    return this;
  }
  /** i64.const of the value `hi:lo` (signed 32-bit halves); `hi` defaults to the sign of `lo`. */
  i64Const(lo2, hi = lo2 < 0 ? -1 : 0) {
    this.bytes.push(Op.i64Const);
    pushI64(this.bytes, lo2, hi);
    return this;
  }
  localGet(index) {
    return this.indexed(Op.localGet, index);
  }
  localSet(index) {
    return this.indexed(Op.localSet, index);
  }
  localTee(index) {
    return this.indexed(Op.localTee, index);
  }
  globalGet(index) {
    return this.indexed(Op.globalGet, index);
  }
  globalSet(index) {
    return this.indexed(Op.globalSet, index);
  }
  call(funcIndex) {
    return this.indexed(Op.call, funcIndex);
  }
  br(depth) {
    return this.indexed(Op.br, depth);
  }
  brIf(depth) {
    return this.indexed(Op.brIf, depth);
  }
  brTable(depths, fallback) {
    this.bytes.push(Op.brTable);
    pushU32(this.bytes, depths.length);
    for (const d of depths) pushU32(this.bytes, d);
    pushU32(this.bytes, fallback);
    return this;
  }
  /** `block`, `loop` or `if` with an empty or single-value block type. */
  open(kind, type = VOID) {
    this.bytes.push(kind);
    this.bytes.push(type);
    return this;
  }
  end() {
    this.bytes.push(Op.end);
    return this;
  }
  /** A load or store with its memarg: log2 of the alignment hint and an unsigned offset. */
  mem(opcode2, alignLog2, offset = 0) {
    this.bytes.push(opcode2);
    this.bytes.push(alignLog2);
    pushU32(this.bytes, offset);
    return this;
  }
  /** i64.trunc_sat_f64_s: a double to i64, saturating (never traps). */
  i64TruncSatF64S() {
    this.bytes.push(Op.prefixFc);
    this.bytes.push(FcOp.i64TruncSatF64S);
    return this;
  }
  memoryCopy() {
    for (const b of [Op.prefixFc, FcOp.memoryCopy, 0, 0]) this.bytes.push(b);
    return this;
  }
  memoryFill() {
    for (const b of [Op.prefixFc, FcOp.memoryFill, 0]) this.bytes.push(b);
    return this;
  }
  /** The encoded body: local declarations (run-length grouped) followed by the code and `end`. */
  encode() {
    const out = new ByteWriter(this.bytes.length + 32);
    const groups = [];
    for (const t of this.extraLocals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    pushU32(out, groups.length);
    for (const [n, t] of groups) {
      pushU32(out, n);
      out.push(t);
    }
    const header2 = out.length;
    out.pushBytes(this.bytes.view());
    out.push(Op.end);
    this.headerSize = header2;
    return out.view();
  }
  /** Size of the local declarations in the last `encode()` (instruction offsets follow it). */
  headerSize = 0;
  indexed(opcode2, index) {
    this.bytes.push(opcode2);
    pushU32(this.bytes, index);
    return this;
  }
};

// packages/jit-wasm/src/wasm/module.ts
var ModuleBuilder = class {
  types = [];
  imports = [];
  funcs = [];
  globals = [];
  exports = [];
  importedFuncs = 0;
  /** Index of a function type, added if new. */
  type(params, results) {
    const found = this.types.findIndex((t) => same(t.params, params) && same(t.results, results));
    if (found >= 0) return found;
    this.types.push({ params, results });
    return this.types.length - 1;
  }
  /** Import a function; returns its function index. All imports must precede `func`. */
  importFunc(module, name2, params, results) {
    if (this.funcs.length > 0) throw new Error("imports must be declared before functions");
    this.imports.push({ module, name: name2, kind: "func", typeIndex: this.type(params, results) });
    return this.importedFuncs++;
  }
  importMemory(module, name2, minPages, maxPages) {
    this.imports.push({ module, name: name2, kind: "memory", minPages, maxPages });
  }
  /** Declare a function (its body may be attached later with `define`); returns its index. */
  func(params, results) {
    this.funcs.push({ typeIndex: this.type(params, results) });
    return this.importedFuncs + this.funcs.length - 1;
  }
  /** Declare a function with its body; returns its index. */
  funcWithBody(params, results, code) {
    const index = this.func(params, results);
    this.define(index, code);
    return index;
  }
  define(funcIndex, code) {
    this.funcs[funcIndex - this.importedFuncs].code = code;
  }
  global(type, mutable, init = 0) {
    this.globals.push({ type, mutable, init });
    return this.globals.length - 1;
  }
  exportFunc(name2, funcIndex) {
    this.exports.push({ name: name2, kind: 0 /* Func */, index: funcIndex });
  }
  exportGlobal(name2, globalIndex) {
    this.exports.push({ name: name2, kind: 3 /* Global */, index: globalIndex });
  }
  encode() {
    const out = new ByteWriter(4096);
    for (const b of [0, 97, 115, 109, 1, 0, 0, 0]) out.push(b);
    section(out, 1 /* Type */, (s) => {
      pushU32(s, this.types.length);
      for (const t of this.types) {
        s.push(96);
        vec(s, t.params);
        vec(s, t.results);
      }
    });
    if (this.imports.length > 0) {
      section(out, 2 /* Import */, (s) => {
        pushU32(s, this.imports.length);
        for (const imp of this.imports) {
          name(s, imp.module);
          name(s, imp.name);
          if (imp.kind === "func") {
            s.push(0);
            pushU32(s, imp.typeIndex);
          } else {
            s.push(2);
            limits(s, imp.minPages, imp.maxPages);
          }
        }
      });
    }
    section(out, 3 /* Function */, (s) => {
      pushU32(s, this.funcs.length);
      for (const f of this.funcs) pushU32(s, f.typeIndex);
    });
    if (this.globals.length > 0) {
      section(out, 6 /* Global */, (s) => {
        pushU32(s, this.globals.length);
        for (const g of this.globals) {
          s.push(g.type);
          s.push(g.mutable ? 1 : 0);
          s.push(g.type === I32 ? 65 : 66);
          pushI32(s, g.init);
          s.push(11);
        }
      });
    }
    if (this.exports.length > 0) {
      section(out, 7 /* Export */, (s) => {
        pushU32(s, this.exports.length);
        for (const e of this.exports) {
          name(s, e.name);
          s.push(e.kind);
          pushU32(s, e.index);
        }
      });
    }
    const bodies = this.funcs.map((f, i) => {
      if (!f.code) throw new Error(`function ${this.importedFuncs + i} has no body`);
      return { bytes: f.code.encode(), header: f.code.headerSize };
    });
    const content = new ByteWriter(4096);
    pushU32(content, bodies.length);
    const relStarts = [];
    const relEnds = [];
    for (const b of bodies) {
      pushU32(content, b.bytes.length);
      relStarts.push(content.length + b.header);
      content.pushBytes(b.bytes);
      relEnds.push(content.length);
    }
    out.push(10 /* Code */);
    pushU32(out, content.length);
    const base = out.length;
    out.pushBytes(content.view());
    return {
      bytes: out.view().slice(),
      codeStarts: relStarts.map((r) => base + r),
      codeEnds: relEnds.map((r) => base + r)
    };
  }
};
function same(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
function section(out, id, fill) {
  const s = new ByteWriter();
  fill(s);
  out.push(id);
  pushU32(out, s.length);
  out.pushBytes(s.view());
}
function vec(out, types) {
  pushU32(out, types.length);
  for (const t of types) out.push(t);
}
function name(out, text3) {
  const bytes = new TextEncoder().encode(text3);
  pushU32(out, bytes.length);
  out.pushBytes(bytes);
}
function limits(out, min4, max4) {
  if (max4 === void 0) {
    out.push(0);
    pushU32(out, min4);
  } else {
    out.push(1);
    pushU32(out, min4);
    pushU32(out, max4);
  }
}

// packages/jit-wasm/src/compile/errors.ts
var WasmCompileError = class extends Error {
  constructor(reason, index = -1) {
    super(index >= 0 ? `instruction ${index}: ${reason}` : reason);
    this.reason = reason;
    this.index = index;
  }
  name = "WasmCompileError";
};

// packages/jit-wasm/src/compile/cfg.ts
function analyse(insns) {
  if (insns.length === 0) throw new WasmCompileError("empty program");
  const target3 = new Int32Array(insns.length).fill(-1);
  const starts = /* @__PURE__ */ new Set([0]);
  const resolved = branchTargets(insns);
  for (let i = 0; i < insns.length; i++) {
    const t = resolved[i];
    if (t === void 0) continue;
    if (!t.ok) {
      const why = t.reason === "lddw-middle" ? "into the middle of an lddw" : "out of the program";
      throw new WasmCompileError(`branch ${why} (slot ${t.slot})`, i);
    }
    target3[i] = t.index;
    const insn = insns[i];
    if (insn.kind === "call") starts.add(t.index);
  }
  const sorted = [...starts].sort((a, b) => a - b);
  const subprograms = sorted.map((start, k) => ({ start, end: sorted[k + 1] ?? insns.length }));
  const owner = new Int32Array(insns.length);
  for (const [k, s] of subprograms.entries()) owner.fill(k, s.start, s.end);
  for (let i = 0; i < insns.length; i++) {
    const insn = insns[i];
    if (target3[i] < 0 || insn.kind === "call") continue;
    if (owner[target3[i]] !== owner[i]) throw new WasmCompileError("jump out of its function", i);
  }
  return { target: target3, subprograms, owner };
}

// packages/jit-wasm/src/compile/imports.ts
var IMPORT_HELPER = "helper";
var IMPORT_FAIL = "fail";
var IMPORT_MEMORY = "memory";
var IMPORT_REFRESH = "refresh";
var IMPORT_CLOCK = "clock";
var IMPORT_RANDOM = "random";

// packages/jit-wasm/src/compile/lower.ts
var ALU64 = {
  add: Op.i64Add,
  sub: Op.i64Sub,
  mul: Op.i64Mul,
  or: Op.i64Or,
  and: Op.i64And,
  xor: Op.i64Xor,
  lsh: Op.i64Shl,
  rsh: Op.i64ShrU,
  arsh: Op.i64ShrS
};
var ALU32 = {
  add: Op.i32Add,
  sub: Op.i32Sub,
  mul: Op.i32Mul,
  or: Op.i32Or,
  and: Op.i32And,
  xor: Op.i32Xor,
  lsh: Op.i32Shl,
  rsh: Op.i32ShrU,
  arsh: Op.i32ShrS
};
function operand64(c, l, insn) {
  if (insn.source === "reg") c.localGet(l.reg[insn.src]);
  else c.i64Const(insn.imm);
}
function operand32(c, l, insn) {
  if (insn.source === "reg") c.localGet(l.reg[insn.src]).op(Op.i32WrapI64);
  else c.i32Const(insn.imm);
}
function lowerAlu(c, l, insn) {
  const dst = l.reg[insn.dst];
  if (insn.width === 64) lowerAlu64(c, l, insn, dst);
  else lowerAlu32(c, l, insn, dst);
  c.localSet(dst);
}
function lowerAlu64(c, l, insn, dst) {
  const simple = ALU64[insn.op];
  if (simple !== void 0) {
    c.localGet(dst);
    operand64(c, l, insn);
    c.op(simple);
    return;
  }
  const imm = insn.source === "imm";
  switch (insn.op) {
    case "mov":
      operand64(c, l, insn);
      return;
    case "neg":
      c.i64Const(0).localGet(dst).op(Op.i64Sub);
      return;
    case "movsx8":
    case "movsx16":
    case "movsx32":
      c.localGet(l.reg[insn.src]);
      c.op(insn.op === "movsx8" ? Op.i64Extend8S : insn.op === "movsx16" ? Op.i64Extend16S : Op.i64Extend32S);
      return;
    case "div":
    case "mod": {
      const opcode2 = insn.op === "div" ? Op.i64DivU : Op.i64RemU;
      if (imm && insn.imm !== 0) {
        c.localGet(dst).i64Const(insn.imm).op(opcode2);
      } else if (imm) {
        if (insn.op === "div") c.i64Const(0);
        else c.localGet(dst);
      } else {
        const src = l.reg[insn.src];
        c.localGet(src).op(Op.i64Eqz).open(Op.if, I64);
        if (insn.op === "div") c.i64Const(0);
        else c.localGet(dst);
        c.op(Op.else).localGet(dst).localGet(src).op(opcode2).end();
      }
      return;
    }
    case "sdiv":
    case "smod": {
      const div = insn.op === "sdiv";
      if (imm) {
        if (insn.imm === 0) {
          if (div) c.i64Const(0);
          else c.localGet(dst);
        } else if (insn.imm === -1) {
          if (div) c.i64Const(0).localGet(dst).op(Op.i64Sub);
          else c.i64Const(0);
        } else {
          c.localGet(dst).i64Const(insn.imm).op(div ? Op.i64DivS : Op.i64RemS);
        }
        return;
      }
      const src = l.reg[insn.src];
      c.localGet(src).op(Op.i64Eqz).open(Op.if, I64);
      if (div) c.i64Const(0);
      else c.localGet(dst);
      c.op(Op.else);
      if (div) {
        c.localGet(src).i64Const(-1).op(Op.i64Eq).open(Op.if, I64);
        c.i64Const(0).localGet(dst).op(Op.i64Sub);
        c.op(Op.else).localGet(dst).localGet(src).op(Op.i64DivS).end();
      } else {
        c.localGet(dst).localGet(src).op(Op.i64RemS);
      }
      c.end();
      return;
    }
    default:
      throw new Error(`unhandled alu64 op ${insn.op}`);
  }
}
function lowerAlu32(c, l, insn, dst) {
  const simple = ALU32[insn.op];
  const imm = insn.source === "imm";
  if (simple !== void 0) {
    c.localGet(dst).op(Op.i32WrapI64);
    operand32(c, l, insn);
    c.op(simple);
  } else {
    switch (insn.op) {
      case "mov":
        if (imm) {
          c.i64Const(insn.imm, 0);
          return;
        }
        c.localGet(l.reg[insn.src]).i64Const(-1, 0).op(Op.i64And);
        return;
      case "neg":
        c.i32Const(0).localGet(dst).op(Op.i32WrapI64).op(Op.i32Sub);
        break;
      case "movsx8":
      case "movsx16":
        c.localGet(l.reg[insn.src]).op(Op.i32WrapI64);
        c.op(insn.op === "movsx8" ? Op.i32Extend8S : Op.i32Extend16S);
        break;
      case "div":
      case "mod": {
        const opcode2 = insn.op === "div" ? Op.i32DivU : Op.i32RemU;
        if (imm && insn.imm !== 0) {
          c.localGet(dst).op(Op.i32WrapI64).i32Const(insn.imm).op(opcode2);
        } else if (imm) {
          if (insn.op === "div") c.i32Const(0);
          else c.localGet(dst).op(Op.i32WrapI64);
        } else {
          c.localGet(l.reg[insn.src]).op(Op.i32WrapI64).localTee(l.t32).op(Op.i32Eqz).open(Op.if, I32);
          if (insn.op === "div") c.i32Const(0);
          else c.localGet(dst).op(Op.i32WrapI64);
          c.op(Op.else).localGet(dst).op(Op.i32WrapI64).localGet(l.t32).op(opcode2).end();
        }
        break;
      }
      case "sdiv":
      case "smod": {
        const div = insn.op === "sdiv";
        if (imm) {
          if (insn.imm === 0) {
            if (div) c.i32Const(0);
            else c.localGet(dst).op(Op.i32WrapI64);
          } else if (insn.imm === -1) {
            if (div) c.i32Const(0).localGet(dst).op(Op.i32WrapI64).op(Op.i32Sub);
            else c.i32Const(0);
          } else {
            c.localGet(dst).op(Op.i32WrapI64).i32Const(insn.imm).op(div ? Op.i32DivS : Op.i32RemS);
          }
          break;
        }
        c.localGet(l.reg[insn.src]).op(Op.i32WrapI64).localTee(l.t32).op(Op.i32Eqz).open(Op.if, I32);
        if (div) c.i32Const(0);
        else c.localGet(dst).op(Op.i32WrapI64);
        c.op(Op.else);
        if (div) {
          c.localGet(l.t32).i32Const(-1).op(Op.i32Eq).open(Op.if, I32);
          c.i32Const(0).localGet(dst).op(Op.i32WrapI64).op(Op.i32Sub);
          c.op(Op.else).localGet(dst).op(Op.i32WrapI64).localGet(l.t32).op(Op.i32DivS).end();
        } else {
          c.localGet(dst).op(Op.i32WrapI64).localGet(l.t32).op(Op.i32RemS);
        }
        c.end();
        break;
      }
      default:
        throw new Error(`unhandled alu32 op ${insn.op}`);
    }
  }
  c.op(Op.i64ExtendI32U);
}
function lowerEnd(c, l, insn) {
  const dst = l.reg[insn.dst];
  const swap = insn.op !== "le";
  if (insn.bits === 64 && !swap) return;
  c.localGet(dst);
  if (insn.bits === 64) {
    c.localSet(l.t64);
    c.localGet(l.t64).i64Const(8).op(Op.i64ShrU).i64Const(16711935, 16711935).op(Op.i64And);
    c.localGet(l.t64).i64Const(16711935, 16711935).op(Op.i64And).i64Const(8).op(Op.i64Shl);
    c.op(Op.i64Or).localSet(l.t64);
    c.localGet(l.t64).i64Const(16).op(Op.i64ShrU).i64Const(65535, 65535).op(Op.i64And);
    c.localGet(l.t64).i64Const(65535, 65535).op(Op.i64And).i64Const(16).op(Op.i64Shl);
    c.op(Op.i64Or).i64Const(32).op(Op.i64Rotl);
  } else if (insn.bits === 32) {
    c.op(Op.i32WrapI64);
    if (swap) {
      c.localSet(l.t32);
      c.localGet(l.t32).i32Const(8).op(Op.i32ShrU).i32Const(16711935).op(Op.i32And);
      c.localGet(l.t32).i32Const(16711935).op(Op.i32And).i32Const(8).op(Op.i32Shl);
      c.op(Op.i32Or).i32Const(16).op(Op.i32Rotl);
    }
    c.op(Op.i64ExtendI32U);
  } else {
    c.op(Op.i32WrapI64);
    if (swap) {
      c.localSet(l.t32);
      c.localGet(l.t32).i32Const(8).op(Op.i32Shl).i32Const(65280).op(Op.i32And);
      c.localGet(l.t32).i32Const(8).op(Op.i32ShrU).i32Const(255).op(Op.i32And);
      c.op(Op.i32Or);
    } else {
      c.i32Const(65535).op(Op.i32And);
    }
    c.op(Op.i64ExtendI32U);
  }
  c.localSet(dst);
}
var JMP64 = {
  jeq: Op.i64Eq,
  jne: Op.i64Ne,
  jgt: Op.i64GtU,
  jge: Op.i64GeU,
  jlt: Op.i64LtU,
  jle: Op.i64LeU,
  jsgt: Op.i64GtS,
  jsge: Op.i64GeS,
  jslt: Op.i64LtS,
  jsle: Op.i64LeS
};
var JMP32 = {
  jeq: Op.i32Eq,
  jne: Op.i32Ne,
  jgt: Op.i32GtU,
  jge: Op.i32GeU,
  jlt: Op.i32LtU,
  jle: Op.i32LeU,
  jsgt: Op.i32GtS,
  jsge: Op.i32GeS,
  jslt: Op.i32LtS,
  jsle: Op.i32LeS
};
function lowerCondition(c, l, insn) {
  c.localGet(l.reg[insn.dst]);
  if (insn.width === 64) {
    operand64(c, l, insn);
    if (insn.op === "jset") c.op(Op.i64And).op(Op.i64Eqz).op(Op.i32Eqz);
    else c.op(JMP64[insn.op]);
  } else {
    c.op(Op.i32WrapI64);
    operand32(c, l, insn);
    c.op(insn.op === "jset" ? Op.i32And : JMP32[insn.op]);
  }
}
function address3(c, l, reg2, off) {
  c.localGet(l.reg[reg2]).op(Op.i32WrapI64);
  if (off >= 0) return off;
  c.i32Const(off).op(Op.i32Add);
  return 0;
}
var ALIGN = { 1: 0, 2: 1, 4: 2, 8: 3 };
var LOAD_U = { 1: Op.i64Load8U, 2: Op.i64Load16U, 4: Op.i64Load32U, 8: Op.i64Load };
var LOAD_S = { 1: Op.i64Load8S, 2: Op.i64Load16S, 4: Op.i64Load32S };
var STORE = { 1: Op.i64Store8, 2: Op.i64Store16, 4: Op.i64Store32, 8: Op.i64Store };
function lowerLdx(c, l, insn) {
  const offset = address3(c, l, insn.src, insn.off);
  c.mem((insn.signed ? LOAD_S : LOAD_U)[insn.size], ALIGN[insn.size], offset);
  c.localSet(l.reg[insn.dst]);
}
function lowerSt(c, l, insn) {
  const offset = address3(c, l, insn.dst, insn.off);
  c.i64Const(insn.imm);
  c.mem(STORE[insn.size], ALIGN[insn.size], offset);
}
function lowerStx(c, l, insn) {
  const offset = address3(c, l, insn.dst, insn.off);
  c.localGet(l.reg[insn.src]);
  c.mem(STORE[insn.size], ALIGN[insn.size], offset);
}
var RMW64 = { add: Op.i64Add, or: Op.i64Or, and: Op.i64And, xor: Op.i64Xor };
var RMW32 = { add: Op.i32Add, or: Op.i32Or, and: Op.i32And, xor: Op.i32Xor };
function lowerAtomic(c, l, insn) {
  const a = l.a32;
  const src = l.reg[insn.src];
  const r0 = l.reg[0];
  const wide = insn.size === 8;
  const load4 = wide ? Op.i64Load : Op.i32Load;
  const store3 = wide ? Op.i64Store : Op.i32Store;
  const align = wide ? 3 : 2;
  const old = wide ? l.t64 : l.t32;
  const value = () => {
    c.localGet(src);
    if (!wide) c.op(Op.i32WrapI64);
  };
  const widen = () => {
    if (!wide) c.op(Op.i64ExtendI32U);
  };
  const offset = address3(c, l, insn.dst, insn.off);
  if (offset !== 0) c.i32Const(offset).op(Op.i32Add);
  c.localSet(a);
  switch (insn.op) {
    case "xchg":
      c.localGet(a).mem(load4, align).localSet(old);
      c.localGet(a);
      value();
      c.mem(store3, align);
      c.localGet(old);
      widen();
      c.localSet(src);
      return;
    case "cmpxchg":
      c.localGet(a).mem(load4, align).localTee(old);
      c.localGet(r0);
      if (!wide) c.op(Op.i32WrapI64);
      c.op(wide ? Op.i64Eq : Op.i32Eq).open(Op.if);
      c.localGet(a);
      value();
      c.mem(store3, align).end();
      c.localGet(old);
      widen();
      c.localSet(r0);
      return;
    default: {
      c.localGet(a).localGet(a).mem(load4, align);
      if (insn.fetch) c.localTee(old);
      value();
      c.op(wide ? RMW64[insn.op] : RMW32[insn.op]);
      c.mem(store3, align);
      if (insn.fetch) {
        c.localGet(old);
        widen();
        c.localSet(src);
      }
    }
  }
}
function lowerLddw(c, l, dst, lo2, hi) {
  c.i64Const(lo2, hi).localSet(l.reg[dst]);
}
function lowerPacketLoad(c, l, insn, packet, outside) {
  const k = l.t64;
  c.i64Const(insn.imm);
  if (insn.kind === "ldind") c.localGet(l.reg[insn.src]).i64Const(-1, 0).op(Op.i64And).op(Op.i64Add);
  c.localTee(k).i64Const(0).op(Op.i64LtS);
  c.localGet(k).i64Const(insn.size).op(Op.i64Add).globalGet(packet.len).op(Op.i64GtU);
  c.op(Op.i32Or).open(Op.if);
  outside();
  c.end();
  c.globalGet(packet.off).localGet(k).op(Op.i32WrapI64).op(Op.i32Add);
  if (insn.size === 1) {
    c.mem(Op.i32Load8U, 0);
  } else if (insn.size === 2) {
    c.mem(Op.i32Load16U, 1).localSet(l.t32);
    c.localGet(l.t32).i32Const(8).op(Op.i32Shl).i32Const(65280).op(Op.i32And);
    c.localGet(l.t32).i32Const(8).op(Op.i32ShrU).op(Op.i32Or);
  } else {
    c.mem(Op.i32Load, 2).localSet(l.t32);
    c.localGet(l.t32).i32Const(8).op(Op.i32ShrU).i32Const(16711935).op(Op.i32And);
    c.localGet(l.t32).i32Const(16711935).op(Op.i32And).i32Const(8).op(Op.i32Shl);
    c.op(Op.i32Or).i32Const(16).op(Op.i32Rotl);
  }
  c.op(Op.i64ExtendI32U).localSet(l.reg[0]);
}

// packages/jit-wasm/src/compile/structure.ts
function isJump(insn) {
  return insn.kind === "jmp" || insn.kind === "ja" || insn.kind === "gotol";
}
function planFunction(insns, cf, sub, dispatchOnly = false) {
  if (dispatchOnly) return { kind: "dispatch", leaders: leaders(insns, cf, sub) };
  const blocks = /* @__PURE__ */ new Map();
  const loops = /* @__PURE__ */ new Map();
  for (let i = sub.start; i < sub.end; i++) {
    if (!isJump(insns[i])) continue;
    const t = cf.target[i];
    if (t === i + 1) continue;
    if (t > i) {
      const b = blocks.get(t);
      if (b) b.start = Math.min(b.start, i);
      else blocks.set(t, { kind: "block", start: i, end: t });
    } else {
      const l = loops.get(t);
      if (l) l.end = Math.max(l.end, i + 1);
      else loops.set(t, { kind: "loop", start: t, end: i + 1 });
    }
  }
  const constructs = [...loops.values(), ...blocks.values()];
  if (!nest(constructs)) return { kind: "dispatch", leaders: leaders(insns, cf, sub) };
  constructs.sort(openingOrder);
  return { kind: "structured", constructs };
}
function nest(cs) {
  for (let changed = true; changed; ) {
    changed = false;
    cs.sort(openingOrder);
    for (let x = 0; x < cs.length; x++) {
      const a = cs[x];
      for (let y = x + 1; y < cs.length; y++) {
        const b = cs[y];
        if (b.start >= a.end) break;
        if (b.start === a.start || b.end <= a.end) continue;
        if (b.kind === "block") b.start = a.start;
        else if (a.kind === "loop") a.end = b.end;
        else return false;
        changed = true;
      }
    }
  }
  return true;
}
function openingOrder(a, b) {
  return a.start - b.start || b.end - a.end || (a.kind === b.kind ? 0 : a.kind === "loop" ? -1 : 1);
}
function leaders(insns, cf, sub) {
  const set = /* @__PURE__ */ new Set([sub.start]);
  for (let i = sub.start; i < sub.end; i++) {
    const insn = insns[i];
    if (isJump(insn)) set.add(cf.target[i]);
    if ((isJump(insn) || insn.kind === "exit") && i + 1 < sub.end) set.add(i + 1);
  }
  return [...set].sort((a, b) => a - b);
}

// packages/jit-wasm/src/compile/function.ts
var FUNC_PARAMS = Array(11).fill(I64);
var ENTRY_PARAMS = [I64, I64];
var CALLEE_RESULTS = Array(6).fill(I64);
function compileFunction(env, sub, shape) {
  const c = new Code(shape === "callee" ? FUNC_PARAMS.length : 2);
  let reg2 = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  if (shape === "entry") reg2 = [c.local(I64), 0, 1, ...Array.from({ length: 8 }, () => c.local(I64))];
  if (shape === "fast") reg2 = Array.from({ length: 11 }, () => c.local(I64));
  if (shape === "fast") {
    c.localGet(0).op(Op.i64ExtendI32U).i64Const(0, BPF_ADDRESS_HIGH).op(Op.i64Or).localSet(reg2[1]);
    c.localGet(1).op(Op.i64ExtendI32U).localSet(reg2[2]);
    if (env.usesPacket) {
      c.localGet(0).globalSet(env.packet.off);
      c.localGet(reg2[2]).globalSet(env.packet.len);
    }
  }
  if (shape !== "callee") c.i64Const(env.layout.stackTop | 0, BPF_ADDRESS_HIGH).localSet(reg2[10]);
  const locals = { reg: reg2, t64: c.local(I64), a32: c.local(I32), t32: c.local(I32) };
  const fn = new FunctionCompiler(env, c, locals, shape);
  const plan = planFunction(env.insns, env.cf, sub, env.dispatchOnly);
  if (plan.kind === "structured") fn.structured(sub, plan.constructs);
  else fn.dispatch(sub, plan.leaders, c.local(I32));
  return { code: c, marks: fn.marks, plan: plan.kind };
}
var FunctionCompiler = class {
  constructor(env, c, l, shape) {
    this.env = env;
    this.c = c;
    this.l = l;
    this.shape = shape;
  }
  marks = [];
  structured(sub, constructs) {
    const c = this.c;
    const stack = [];
    const blocks = /* @__PURE__ */ new Map();
    const loops = /* @__PURE__ */ new Map();
    for (const k of constructs)
      (k.kind === "block" ? blocks : loops).set(k.kind === "block" ? k.end : k.start, k);
    const branch = (i, t, conditional2) => {
      const k = t > i ? blocks.get(t) : loops.get(t);
      const at = k ? stack.lastIndexOf(k) : -1;
      if (at < 0) throw new WasmCompileError("internal: no label for branch target", i);
      const depth = stack.length - 1 - at;
      if (conditional2) c.brIf(depth);
      else c.br(depth);
    };
    let next = 0;
    for (let p = sub.start; p <= sub.end; p++) {
      while (stack.length > 0 && stack[stack.length - 1].end === p) {
        c.end();
        stack.pop();
      }
      if (stack.some((k) => k.end === p)) throw new WasmCompileError("internal: constructs do not nest", p);
      if (p === sub.end) break;
      for (; next < constructs.length && constructs[next].start === p; next++) {
        c.open(constructs[next].kind === "block" ? Op.block : Op.loop);
        stack.push(constructs[next]);
      }
      this.insn(p, branch);
    }
    this.fellOff(sub.end - 1);
  }
  dispatch(sub, leaders2, nextLocal) {
    const c = this.c;
    const k = leaders2.length;
    const blockOf = new Map(leaders2.map((at, n) => [at, n]));
    let current = 0;
    const branch = (i, t, conditional2) => {
      const j = blockOf.get(t);
      if (j === void 0) throw new WasmCompileError("internal: branch target is not a leader", i);
      if (j > current) {
        if (conditional2) c.brIf(j - current - 1);
        else c.br(j - current - 1);
        return;
      }
      const extra = conditional2 ? 1 : 0;
      if (conditional2) c.open(Op.if);
      c.i32Const(j).localSet(nextLocal).br(k - 1 - current + extra);
      if (conditional2) c.end();
    };
    c.open(Op.loop);
    for (let n = 0; n < k; n++) c.open(Op.block);
    c.localGet(nextLocal).brTable(
      leaders2.map((_, n) => n),
      0
    );
    for (; current < k; current++) {
      c.end();
      const stop = current + 1 < k ? leaders2[current + 1] : sub.end;
      for (let p = leaders2[current]; p < stop; p++) this.insn(p, branch);
    }
    this.fellOff(sub.end - 1);
    c.end().op(Op.unreachable);
  }
  /** Running past the function's last instruction is an error, reported at that instruction. */
  fellOff(pc) {
    this.c.i32Const(2 /* FellOff */).i32Const(pc).call(this.env.failImport).op(Op.unreachable);
  }
  insn(i, branch) {
    const { c, l, env } = this;
    const insn = env.insns[i];
    this.marks.push(c.offset, i);
    switch (insn.kind) {
      case "alu":
        lowerAlu(c, l, insn);
        return;
      case "end":
        lowerEnd(c, l, insn);
        return;
      case "ldx":
        lowerLdx(c, l, insn);
        return;
      case "st":
        lowerSt(c, l, insn);
        return;
      case "stx":
        lowerStx(c, l, insn);
        return;
      case "atomic":
        lowerAtomic(c, l, insn);
        return;
      case "lddw": {
        const k = env.constants[i];
        if (k) {
          lowerLddw(c, l, insn.dst, k.lo, k.hi);
          return;
        }
        if (insn.source !== "imm64") {
          throw new WasmCompileError(
            `lddw ${insn.source} must be resolved by the loader before compiling`,
            i
          );
        }
        lowerLddw(c, l, insn.dst, insn.imm, insn.imm2);
        return;
      }
      case "jmp":
        if (env.cf.target[i] === i + 1) return;
        lowerCondition(c, l, insn);
        branch(i, env.cf.target[i], true);
        return;
      case "ja":
      case "gotol":
        if (env.cf.target[i] === i + 1) return;
        branch(i, env.cf.target[i], false);
        return;
      case "exit":
        for (let n = 0; n <= (this.shape === "callee" ? 5 : 0); n++) c.localGet(l.reg[n]);
        if (this.shape === "fast") c.op(Op.i32WrapI64);
        c.op(Op.return);
        return;
      case "call":
        if (insn.target === "kfunc") throw new WasmCompileError("kfunc calls are not supported", i);
        if (insn.target === "helper") this.callHelper(i, insn.imm);
        else this.callLocal(i);
        return;
      case "callx":
        this.trampoline(i, () => {
          c.localGet(l.reg[insn.reg]).op(Op.i32WrapI64).i32Const(-1);
          c.localGet(l.reg[insn.reg]).i64Const(32).op(Op.i64ShrU).op(Op.i64Eqz).op(Op.select);
        });
        return;
      case "ldabs":
      case "ldind":
        lowerPacketLoad(c, l, insn, env.packet, () => {
          c.i32Const(3 /* PacketEnd */).i32Const(i).call(env.failImport);
        });
        return;
    }
  }
  callHelper(i, id) {
    const native = this.env.nativeHelper(id);
    if (native === void 0) {
      this.trampoline(i, () => this.c.i32Const(id));
      return;
    }
    for (let n = 1; n <= 5; n++) this.c.localGet(this.l.reg[n]);
    this.c.i32Const(i).call(native).localSet(this.l.reg[0]);
  }
  /** Call a JavaScript helper through the module's `slow` function. */
  trampoline(i, pushId) {
    const { c, l } = this;
    pushId();
    c.i32Const(i);
    for (let n = 1; n <= 5; n++) c.localGet(l.reg[n]);
    c.call(this.env.slowPath).localSet(l.reg[0]);
  }
  callLocal(i) {
    const { c, l, env } = this;
    const { frameSize, stackBottom } = env.layout;
    const fp = l.reg[10];
    c.localGet(fp).op(Op.i32WrapI64).i32Const(stackBottom + 2 * frameSize).op(Op.i32LtU).open(Op.if);
    c.i32Const(1 /* CallDepth */).i32Const(i).call(env.failImport);
    c.end();
    for (let n = 0; n <= 9; n++) c.localGet(l.reg[n]);
    c.localGet(fp).i64Const(frameSize).op(Op.i64Sub);
    c.call(env.funcOf(env.cf.owner[env.cf.target[i]]));
    for (let n = 5; n >= 0; n--) c.localSet(l.reg[n]);
  }
};

// packages/jit-wasm/src/compile/native.ts
var noNativeHelpers = {
  bind: () => ({ get: () => void 0, finish: () => {
  } })
};

// packages/jit-wasm/src/compile/layout.ts
var scratchLo = (n) => 4 * n;
var scratchHi = (n) => 44 + 4 * n;
var SCRATCH_BYTES = 88;

// packages/jit-wasm/src/compile/trampoline.ts
var SLOW_PARAMS = [I32, I32, I64, I64, I64, I64, I64];
function defineSlowPath(m, helperImport, scratch2) {
  const c = new Code(SLOW_PARAMS.length);
  for (let n = 1; n <= 5; n++) {
    const r = n + 1;
    c.i32Const(0).localGet(r).mem(Op.i64Store32, 2, scratch2 + scratchLo(n));
    c.i32Const(0).localGet(r).i64Const(32).op(Op.i64ShrU).mem(Op.i64Store32, 2, scratch2 + scratchHi(n));
  }
  c.localGet(0).localGet(1).call(helperImport);
  c.i32Const(0).mem(Op.i64Load32U, 2, scratch2 + scratchLo(0));
  c.i32Const(0).mem(Op.i64Load32U, 2, scratch2 + scratchHi(0)).i64Const(32).op(Op.i64Shl);
  c.op(Op.i64Or);
  return m.funcWithBody(SLOW_PARAMS, [I64], c);
}

// packages/jit-wasm/src/compile/module.ts
var FAST_COPY_MAX = 1024;
function compileProgram(insns, options) {
  const { layout: layout2 } = options;
  const cf = analyse(insns);
  const m = new ModuleBuilder();
  m.importMemory("env", IMPORT_MEMORY, layout2.pages, layout2.pages);
  const helperImport = m.importFunc("env", IMPORT_HELPER, [I32, I32], []);
  const failImport = m.importFunc("env", IMPORT_FAIL, [I32, I32], []);
  const refreshImport = m.importFunc("env", IMPORT_REFRESH, [], []);
  const clockImport = m.importFunc("env", IMPORT_CLOCK, [], [F64]);
  const randomImport = m.importFunc("env", IMPORT_RANDOM, [], [I32]);
  const entryCalled = insns.some((x, i) => x.kind === "call" && x.target === "local" && cf.target[i] === 0);
  const shapeOf = (k) => k > 0 || entryCalled ? "callee" : "entry";
  const funcs = cf.subprograms.map(
    (_, k) => shapeOf(k) === "callee" ? m.func(FUNC_PARAMS, CALLEE_RESULTS) : m.func(ENTRY_PARAMS, [I64])
  );
  const entrySize = cf.subprograms[0].end - cf.subprograms[0].start;
  const fastCopy = !entryCalled && entrySize <= FAST_COPY_MAX ? m.func([I32, I32], [I32]) : -1;
  const usesPacket = insns.some((x) => x.kind === "ldabs" || x.kind === "ldind");
  const packet = { off: m.global(I32, true), len: m.global(I64, true) };
  const slowPath = defineSlowPath(m, helperImport, layout2.scratch);
  const nativeIds = /* @__PURE__ */ new Set();
  const natives = (options.natives ?? noNativeHelpers).bind({
    m,
    layout: layout2,
    slowPath,
    refreshImport,
    clockImport,
    randomImport
  });
  const env = {
    insns,
    cf,
    layout: layout2,
    funcOf: (k) => funcs[k],
    usesPacket,
    slowPath,
    failImport,
    nativeHelper: (id) => {
      const index = natives.get(id);
      if (index !== void 0) nativeIds.add(id);
      return index;
    },
    constants: options.constants ?? [],
    packet,
    dispatchOnly: options.controlFlow === "dispatch"
  };
  const compiled = cf.subprograms.map((sub, k) => compileFunction(env, sub, shapeOf(k)));
  const fastFn = fastCopy >= 0 ? compileFunction(env, cf.subprograms[0], "fast") : void 0;
  if (fastFn) m.define(fastCopy, fastFn.code);
  const dropScratch = (c) => {
    if (entryCalled) for (let n = 1; n <= 5; n++) c.op(Op.drop);
  };
  for (const [k, f] of compiled.entries()) m.define(funcs[k], f.code);
  natives.finish();
  const entry2 = funcs[0];
  const fpLo = layout2.stackTop | 0;
  const entryArgs = (c, r1, r2) => {
    if (entryCalled) c.i64Const(0);
    r1();
    r2();
    if (!entryCalled) return;
    for (let n = 3; n <= 9; n++) c.i64Const(0);
    c.i64Const(fpLo, BPF_ADDRESS_HIGH);
  };
  const run = new Code(2);
  if (usesPacket) {
    const valid = () => {
      run.localGet(0).i64Const(32).op(Op.i64ShrU).i64Const(BPF_ADDRESS_HIGH).op(Op.i64Eq);
    };
    run.localGet(0).op(Op.i32WrapI64).i32Const(0);
    valid();
    run.op(Op.select).globalSet(packet.off);
    run.localGet(1).i64Const(-1, 0).op(Op.i64And).i64Const(0);
    valid();
    run.op(Op.select).globalSet(packet.len);
  }
  entryArgs(
    run,
    () => run.localGet(0),
    () => run.localGet(1)
  );
  run.call(entry2);
  dropScratch(run);
  m.exportFunc("run", m.funcWithBody([I64, I64], [I64], run));
  if (fastFn) {
    m.exportFunc("runFast", fastCopy);
  } else {
    const fast = new Code(2);
    if (usesPacket) {
      fast.localGet(0).globalSet(packet.off);
      fast.localGet(1).op(Op.i64ExtendI32U).globalSet(packet.len);
    }
    entryArgs(
      fast,
      () => fast.localGet(0).op(Op.i64ExtendI32U).i64Const(0, BPF_ADDRESS_HIGH).op(Op.i64Or),
      () => fast.localGet(1).op(Op.i64ExtendI32U)
    );
    fast.call(entry2);
    dropScratch(fast);
    fast.op(Op.i32WrapI64);
    m.exportFunc("runFast", m.funcWithBody([I32, I32], [I32], fast));
  }
  const encoded = m.encode();
  const bpf = compiled.map((f, k) => ({ f, defined: funcs[k] - funcs[0] }));
  if (fastFn) bpf.push({ f: fastFn, defined: fastCopy - funcs[0] });
  const marks = [];
  for (const { f, defined } of bpf) {
    const base = encoded.codeStarts[defined];
    for (let n = 0; n < f.marks.length; n += 2) marks.push([base + f.marks[n], f.marks[n + 1]]);
  }
  marks.sort((a, b) => a[0] - b[0]);
  return {
    bytes: encoded.bytes,
    offsets: Int32Array.from(marks, (x) => x[0]),
    pcs: Int32Array.from(marks, (x) => x[1]),
    plans: compiled.map((f) => f.plan),
    nativeHelpers: [...nativeIds].sort((a, b) => a - b),
    ranges: bpf.map(({ defined }) => [encoded.codeStarts[defined], encoded.codeEnds[defined]])
  };
}

// packages/jit-wasm/src/compile/native-host.ts
var KTIME_GET_NS = 5;
var GET_PRANDOM_U32 = 7;
var GET_SMP_PROCESSOR_ID = 8;
var HOST_HELPERS = [KTIME_GET_NS, GET_PRANDOM_U32, GET_SMP_PROCESSOR_ID];
function nativeHostHelpers(ids, cpu) {
  return {
    bind(ctx) {
      const declared = /* @__PURE__ */ new Map();
      return {
        get(id) {
          if (!ids.has(id)) return void 0;
          let index = declared.get(id);
          if (index === void 0) {
            const c = new Code(6);
            if (id === KTIME_GET_NS) c.call(ctx.clockImport).i64TruncSatF64S();
            else if (id === GET_PRANDOM_U32) c.call(ctx.randomImport).op(Op.i64ExtendI32U);
            else c.i64Const(cpu | 0, Math.floor(cpu / 2 ** 32) | 0);
            index = ctx.m.funcWithBody([I64, I64, I64, I64, I64, I32], [I64], c);
            declared.set(id, index);
          }
          return index;
        },
        finish() {
        }
      };
    }
  };
}

// packages/jit-wasm/src/compile/native-maps.ts
var LOOKUP = 1;
var UPDATE = 2;
var DELETE = 3;
var PARAMS = [I64, I64, I64, I64, I64, I32];
var PC = 5;
function nativeMapHelpers(maps, ids) {
  return { bind: (ctx) => bindMaps(ctx, maps, ids) };
}
function nativeMapAt(view2, descriptor) {
  const u32 = (field) => view2.getUint32(descriptor + field, true);
  const type = u32(layout_exports.DESC_TYPE);
  const kind = type === 2 || type === 6 ? "array" : type === 1 || type === 5 || type === 9 || type === 10 ? "hash" : void 0;
  if (!kind) return void 0;
  return {
    descriptor,
    kind,
    keySize: u32(layout_exports.DESC_KEY_SIZE),
    valueSize: u32(layout_exports.DESC_VALUE_SIZE),
    maxEntries: u32(layout_exports.DESC_MAX_ENTRIES),
    capacity: u32(layout_exports.DESC_CAPACITY),
    data: u32(layout_exports.DESC_DATA),
    stride: u32(layout_exports.DESC_STRIDE),
    valueAt: u32(layout_exports.DESC_VALUE_OFFSET),
    lru: type === 9 || type === 10
  };
}
function bindMaps(ctx, maps, ids) {
  const declared = /* @__PURE__ */ new Map();
  return {
    get(id) {
      if (maps.length === 0 || !ids.has(id) || id !== LOOKUP && id !== UPDATE && id !== DELETE)
        return void 0;
      let d = declared.get(id);
      if (!d) {
        d = { index: ctx.m.func(PARAMS, [I64]), code: new Code(PARAMS.length) };
        declared.set(id, d);
      }
      return d.index;
    },
    finish() {
      for (const [id, d] of declared) {
        entry(ctx, maps, id, d.code);
        ctx.m.define(d.index, d.code);
      }
    }
  };
}
function inStack(c, ctx, ptr, size) {
  const { stackBottom, stackTop } = ctx.layout;
  c.localGet(ptr).i64Const(stackBottom, BPF_ADDRESS_HIGH).op(Op.i64Sub);
  c.i64Const(stackTop - stackBottom - size, 0).op(Op.i64LeU);
}
function entry(ctx, maps, id, c) {
  const r1 = 0;
  const r2 = 1;
  const r3 = 2;
  const r4 = 3;
  for (const map of maps) {
    c.localGet(r1).i64Const(map.descriptor, BPF_ADDRESS_HIGH).op(Op.i64Eq);
    inStack(c, ctx, r2, map.keySize);
    c.op(Op.i32And);
    if (id === UPDATE) {
      inStack(c, ctx, r3, map.valueSize);
      c.op(Op.i32And);
    }
    c.open(Op.if);
    const key = () => {
      c.localGet(r2).op(Op.i32WrapI64);
    };
    const gen = new MapCode(c, map, ctx);
    if (id === LOOKUP) gen.lookup(key);
    else if (id === UPDATE) gen.update(key, r3, r4);
    else gen.remove(key);
    c.op(Op.return).end();
  }
  c.i32Const(id).localGet(PC);
  for (let n = 0; n < 5; n++) c.localGet(n);
  c.call(ctx.slowPath);
}
var MapCode = class {
  constructor(c, map, ctx) {
    this.c = c;
    this.map = map;
    this.ctx = ctx;
    this.mask = map.capacity - 1;
  }
  mask;
  desc(field) {
    return this.map.descriptor + field;
  }
  /** Push BASE | (i32 offset on the stack). */
  address() {
    this.c.op(Op.i64ExtendI32U).i64Const(0, BPF_ADDRESS_HIGH).op(Op.i64Or);
  }
  lookup(key) {
    const { c, map } = this;
    if (map.kind === "array") {
      const idx = c.local(I32);
      key();
      c.mem(Op.i32Load, 0).localTee(idx).i32Const(map.maxEntries).op(Op.i32LtU).open(Op.if, I64);
      c.localGet(idx).i32Const(map.stride).op(Op.i32Mul).i32Const(map.data).op(Op.i32Add);
      this.address();
      c.op(Op.else).i64Const(0).end();
      return;
    }
    const slot = this.find(key);
    c.localGet(slot).op(Op.i32Eqz).open(Op.if, I64).i64Const(0).op(Op.else);
    this.touch(slot);
    c.localGet(slot).i32Const(map.valueAt).op(Op.i32Add);
    this.address();
    c.end();
  }
  update(key, value, flags) {
    const { c, map } = this;
    c.localGet(flags).i64Const(layout_exports.BPF_EXIST).op(Op.i64GtU).open(Op.if).i64Const(-EINVAL).op(Op.return).end();
    if (map.kind === "array") {
      const idx = c.local(I32);
      key();
      c.mem(Op.i32Load, 0).localTee(idx).i32Const(map.maxEntries).op(Op.i32GeU);
      c.open(Op.if).i64Const(-E2BIG).op(Op.return).end();
      c.localGet(flags).i64Const(layout_exports.BPF_NOEXIST).op(Op.i64Eq).open(Op.if).i64Const(-EEXIST).op(Op.return).end();
      c.localGet(idx).i32Const(map.stride).op(Op.i32Mul).i32Const(map.data).op(Op.i32Add);
      c.localGet(value).op(Op.i32WrapI64).i32Const(map.valueSize).memoryCopy();
      c.i64Const(0);
      return;
    }
    const slot = this.find(key);
    const hash = this.hashLocal;
    c.localGet(slot).open(Op.if);
    c.localGet(flags).i64Const(layout_exports.BPF_NOEXIST).op(Op.i64Eq).open(Op.if).i64Const(-EEXIST).op(Op.return).end();
    c.localGet(slot).i32Const(map.valueAt).op(Op.i32Add);
    c.localGet(value).op(Op.i32WrapI64).i32Const(map.valueSize).memoryCopy();
    this.touch(slot);
    c.i64Const(0).op(Op.return).end();
    c.localGet(flags).i64Const(layout_exports.BPF_EXIST).op(Op.i64Eq).open(Op.if).i64Const(-ENOENT).op(Op.return).end();
    c.i32Const(0).mem(Op.i32Load, 2, this.desc(layout_exports.DESC_COUNT)).i32Const(map.maxEntries).op(Op.i32GeU).open(Op.if);
    if (map.lru) {
      c.i32Const(UPDATE).localGet(PC);
      for (let n2 = 0; n2 < 5; n2++) c.localGet(n2);
      c.call(this.ctx.slowPath).op(Op.return);
    } else {
      c.i64Const(-E2BIG).op(Op.return);
    }
    c.end();
    const i = c.local(I32);
    const n = c.local(I32);
    c.localGet(hash).i32Const(this.mask).op(Op.i32And).localSet(i);
    c.open(Op.block).open(Op.loop);
    this.slotAddr(i);
    c.mem(Op.i32Load, 2, layout_exports.SLOT_STATE).i32Const(layout_exports.SLOT_USED).op(Op.i32Ne).brIf(1);
    this.next(i);
    c.localGet(n).i32Const(1).op(Op.i32Add).localTee(n).i32Const(map.capacity).op(Op.i32LtU).brIf(0);
    c.end().end();
    this.slotAddr(i);
    c.localSet(slot);
    c.localGet(slot).mem(Op.i32Load, 2, layout_exports.SLOT_STATE).i32Const(layout_exports.SLOT_DELETED).op(Op.i32Eq).open(Op.if);
    this.addDesc(layout_exports.DESC_TOMBSTONES, -1);
    c.end();
    c.localGet(slot).i32Const(layout_exports.SLOT_USED).mem(Op.i32Store, 2, layout_exports.SLOT_STATE);
    c.localGet(slot).localGet(hash).mem(Op.i32Store, 2, layout_exports.SLOT_HASH);
    c.localGet(slot).i32Const(0).mem(Op.i32Store, 2, layout_exports.SLOT_STAMP);
    c.localGet(slot).i32Const(layout_exports.SLOT_HEADER).op(Op.i32Add);
    key();
    c.i32Const(map.keySize).memoryCopy();
    c.localGet(slot).i32Const(map.valueAt).op(Op.i32Add);
    c.localGet(value).op(Op.i32WrapI64).i32Const(map.valueSize).memoryCopy();
    this.addDesc(layout_exports.DESC_COUNT, 1);
    this.touch(slot);
    c.i64Const(0);
  }
  remove(key) {
    const { c, map } = this;
    if (map.kind === "array") {
      c.i64Const(-EINVAL);
      return;
    }
    const slot = this.find(key);
    c.localGet(slot).op(Op.i32Eqz).open(Op.if).i64Const(-ENOENT).op(Op.return).end();
    const i = c.local(I32);
    const n = c.local(I32);
    const tombs = c.local(I32);
    c.localGet(slot).i32Const(layout_exports.SLOT_DELETED).mem(Op.i32Store, 2, layout_exports.SLOT_STATE);
    this.addDesc(layout_exports.DESC_COUNT, -1);
    c.i32Const(0).mem(Op.i32Load, 2, this.desc(layout_exports.DESC_TOMBSTONES)).i32Const(1).op(Op.i32Add).localSet(tombs);
    c.localGet(slot).i32Const(map.data).op(Op.i32Sub).i32Const(map.stride).op(Op.i32DivU).localSet(i);
    c.localGet(i).i32Const(1).op(Op.i32Add).i32Const(this.mask).op(Op.i32And).localSet(n);
    this.slotAddr(n);
    c.mem(Op.i32Load, 2, layout_exports.SLOT_STATE).i32Const(layout_exports.SLOT_EMPTY).op(Op.i32Eq).open(Op.if);
    c.i32Const(0).localSet(n);
    c.open(Op.block).open(Op.loop);
    c.localGet(n).i32Const(map.capacity).op(Op.i32GeU).brIf(1);
    this.slotAddr(i);
    c.mem(Op.i32Load, 2, layout_exports.SLOT_STATE).i32Const(layout_exports.SLOT_DELETED).op(Op.i32Ne).brIf(1);
    this.slotAddr(i);
    c.i32Const(layout_exports.SLOT_EMPTY).mem(Op.i32Store, 2, layout_exports.SLOT_STATE);
    c.localGet(tombs).i32Const(1).op(Op.i32Sub).localSet(tombs);
    c.localGet(i).i32Const(1).op(Op.i32Sub).i32Const(this.mask).op(Op.i32And).localSet(i);
    c.localGet(n).i32Const(1).op(Op.i32Add).localSet(n);
    c.br(0).end().end();
    c.end();
    c.i32Const(0).localGet(tombs).mem(Op.i32Store, 2, this.desc(layout_exports.DESC_TOMBSTONES));
    c.i64Const(0);
  }
  hashLocal = -1;
  /** Hash the key and probe: returns a local holding the matching slot's offset, or 0. */
  find(key) {
    const { c, map } = this;
    const k = c.local(I32);
    const h = c.local(I32);
    const i = c.local(I32);
    const n = c.local(I32);
    const slot = c.local(I32);
    this.hashLocal = h;
    key();
    c.localSet(k);
    c.i32Const(2166136261).localSet(h);
    for (let b = 0; b < map.keySize; b++) {
      c.localGet(h).localGet(k).mem(Op.i32Load8U, 0, b).op(Op.i32Xor).i32Const(16777619).op(Op.i32Mul).localSet(h);
    }
    c.localGet(h).i32Const(this.mask).op(Op.i32And).localSet(i);
    c.i32Const(0).localSet(slot);
    c.open(Op.block).open(Op.loop);
    this.slotAddr(i);
    c.localTee(slot).mem(Op.i32Load, 2, layout_exports.SLOT_STATE).op(Op.i32Eqz).open(Op.if).i32Const(0).localSet(slot).br(2).end();
    c.localGet(slot).mem(Op.i32Load, 2, layout_exports.SLOT_STATE).i32Const(layout_exports.SLOT_USED).op(Op.i32Eq);
    c.localGet(slot).mem(Op.i32Load, 2, layout_exports.SLOT_HASH).localGet(h).op(Op.i32Eq).op(Op.i32And);
    c.open(Op.if);
    this.keyEquals(slot, k);
    c.brIf(2).end();
    this.next(i);
    c.localGet(n).i32Const(1).op(Op.i32Add).localTee(n).i32Const(map.capacity).op(Op.i32LtU).brIf(0);
    c.i32Const(0).localSet(slot);
    c.end().end();
    return slot;
  }
  /** Push whether the key at slot + 16 equals the key at k (widest loads first). */
  keyEquals(slot, k) {
    const { c, map } = this;
    c.i32Const(1);
    let at = 0;
    for (const [size, load4, eq] of [
      [8, Op.i64Load, Op.i64Eq],
      [4, Op.i32Load, Op.i32Eq],
      [2, Op.i32Load16U, Op.i32Eq],
      [1, Op.i32Load8U, Op.i32Eq]
    ]) {
      for (; at + size <= map.keySize; at += size) {
        c.localGet(slot).mem(load4, 0, layout_exports.SLOT_HEADER + at).localGet(k).mem(load4, 0, at).op(eq).op(Op.i32And);
      }
    }
  }
  slotAddr(i) {
    this.c.localGet(i).i32Const(this.map.stride).op(Op.i32Mul).i32Const(this.map.data).op(Op.i32Add);
  }
  next(i) {
    this.c.localGet(i).i32Const(1).op(Op.i32Add).i32Const(this.mask).op(Op.i32And).localSet(i);
  }
  addDesc(field, delta) {
    const c = this.c;
    c.i32Const(0).i32Const(0).mem(Op.i32Load, 2, this.desc(field)).i32Const(delta).op(Op.i32Add);
    c.mem(Op.i32Store, 2, this.desc(field));
  }
  /** LRU maps: lru_clock += 1; slot.stamp = lru_clock. */
  touch(slot) {
    if (!this.map.lru) return;
    const c = this.c;
    this.addDesc(layout_exports.DESC_LRU_CLOCK, 1);
    c.localGet(slot).i32Const(0).mem(Op.i32Load, 2, this.desc(layout_exports.DESC_LRU_CLOCK)).mem(Op.i32Store, 2, layout_exports.SLOT_STAMP);
  }
};

// packages/jit-wasm/src/compile/native-memory.ts
var TABLE_HEADER = 16;
var TABLE_ENTRY = 12;
var TABLE_CAPACITY = 256;
var TABLE_BYTES = TABLE_HEADER + TABLE_ENTRY * TABLE_CAPACITY;
var PROBE_READ = 4;
var PROBE_READ_KERNEL = 113;
var MEMCMP = 1001;
var LOAD_POINTER = 1002;
var MEMORY_HELPERS = [PROBE_READ, PROBE_READ_KERNEL, MEMCMP, LOAD_POINTER];
var MEMCMP_MAX2 = 64;
function writeRegionTable(view2, table, regions) {
  const overflow = regions.length > TABLE_CAPACITY;
  view2.setUint32(table, overflow ? 0 : regions.length, true);
  view2.setUint32(table + 4, overflow ? 1 : 0, true);
  if (overflow) return;
  regions.forEach((r, i) => {
    const at = table + TABLE_HEADER + TABLE_ENTRY * i;
    view2.setUint32(at, r.start, true);
    view2.setUint32(at + 4, r.end, true);
    view2.setUint32(at + 8, r.writable ? 1 : 0, true);
  });
}
function nativeMemoryHelpers(ids, table) {
  return {
    bind(ctx) {
      const declared = /* @__PURE__ */ new Map();
      let checked3 = -1;
      let checkedCode;
      return {
        get(id) {
          if (!ids.has(id)) return void 0;
          if (checked3 < 0) {
            checked3 = ctx.m.func([I64, I64, I32], [I32]);
            checkedCode = new Code(3);
          }
          let d = declared.get(id);
          if (!d) {
            d = { index: ctx.m.func([I64, I64, I64, I64, I64, I32], [I64]), code: new Code(6) };
            declared.set(id, d);
          }
          return d.index;
        },
        finish() {
          if (checkedCode) {
            defineChecked(checkedCode, table, ctx.refreshImport);
            ctx.m.define(checked3, checkedCode);
          }
          for (const [id, d] of declared) {
            defineHelper(d.code, id, ctx, table, checked3);
            ctx.m.define(d.index, d.code);
          }
        }
      };
    }
  };
}
function defineChecked(c, table, refreshImport) {
  const [addr, size, write] = [0, 1, 2];
  const off = c.local(I32);
  const lo2 = c.local(I32);
  const hi = c.local(I32);
  const mid = c.local(I32);
  const entry2 = c.local(I32);
  const attempt = c.local(I32);
  const end = c.local(I64);
  c.localGet(addr).i64Const(32).op(Op.i64ShrU).i64Const(1).op(Op.i64Ne).open(Op.if).i32Const(-1).op(Op.return).end();
  c.localGet(addr).op(Op.i32WrapI64).localSet(off);
  c.localGet(off).op(Op.i64ExtendI32U).i64Const(1).localGet(size).localGet(size).op(Op.i64Eqz).op(Op.select);
  c.op(Op.i64Add).localSet(end);
  c.open(Op.loop);
  c.i32Const(0).localSet(lo2);
  c.i32Const(0).mem(Op.i32Load, 2, table).i32Const(1).op(Op.i32Sub).localSet(hi);
  c.open(Op.block);
  c.open(Op.loop);
  c.localGet(lo2).localGet(hi).op(Op.i32GtS).brIf(1);
  c.localGet(lo2).localGet(hi).op(Op.i32Add).i32Const(1).op(Op.i32ShrS).localTee(mid);
  c.i32Const(TABLE_ENTRY).op(Op.i32Mul).i32Const(table + TABLE_HEADER).op(Op.i32Add).localSet(entry2);
  c.localGet(off).localGet(entry2).mem(Op.i32Load, 2, 0).op(Op.i32LtU).open(Op.if);
  c.localGet(mid).i32Const(1).op(Op.i32Sub).localSet(hi).br(1);
  c.end();
  c.localGet(off).localGet(entry2).mem(Op.i32Load, 2, 4).op(Op.i32GeU).open(Op.if);
  c.localGet(mid).i32Const(1).op(Op.i32Add).localSet(lo2).br(1);
  c.end();
  c.localGet(end).localGet(entry2).mem(Op.i64Load32U, 2, 4).op(Op.i64LeU);
  c.localGet(write).op(Op.i32Eqz).localGet(entry2).mem(Op.i32Load, 2, 8).op(Op.i32Or).op(Op.i32And);
  c.open(Op.if).localGet(off).op(Op.return).end();
  c.br(1);
  c.end();
  c.end();
  c.localGet(attempt).op(Op.i32Eqz).open(Op.if);
  c.i32Const(1).localSet(attempt).call(refreshImport).br(1);
  c.end();
  c.end();
  c.i32Const(-1);
}
function defineHelper(c, id, ctx, table, checked3) {
  const [r1, r2, r3, pc] = [0, 1, 2, 5];
  c.i32Const(0).mem(Op.i32Load, 2, table + 4).open(Op.if);
  c.i32Const(id).localGet(pc);
  for (let n = 0; n < 5; n++) c.localGet(n);
  c.call(ctx.slowPath).op(Op.return).end();
  const ret2 = (value) => {
    c.i64Const(value).op(Op.return);
  };
  if (id === PROBE_READ || id === PROBE_READ_KERNEL) {
    const dst = c.local(I32);
    const src = c.local(I32);
    c.localGet(r2).op(Op.i64Eqz).open(Op.if);
    ret2(0);
    c.end();
    c.localGet(r2).i64Const(2147483647).op(Op.i64GtU).open(Op.if);
    ret2(-EINVAL);
    c.end();
    c.localGet(r1).localGet(r2).i32Const(1).call(checked3).localTee(dst).i32Const(0).op(Op.i32LtS).open(Op.if);
    ret2(-EFAULT);
    c.end();
    c.localGet(r3).localGet(r2).i32Const(0).call(checked3).localTee(src).i32Const(0).op(Op.i32LtS).open(Op.if);
    c.localGet(dst).i32Const(0).localGet(r2).op(Op.i32WrapI64).memoryFill();
    ret2(-EFAULT);
    c.end();
    c.localGet(dst).localGet(src).localGet(r2).op(Op.i32WrapI64).memoryCopy();
    c.i64Const(0);
    return;
  }
  if (id === MEMCMP) {
    const a = c.local(I32);
    const b = c.local(I32);
    const i = c.local(I32);
    const d = c.local(I32);
    c.localGet(r3).i64Const(0).op(Op.i64LtS).localGet(r3).i64Const(MEMCMP_MAX2).op(Op.i64GeS).op(Op.i32Or);
    c.open(Op.if);
    ret2(-1);
    c.end();
    c.localGet(r3).op(Op.i64Eqz).open(Op.if);
    ret2(0);
    c.end();
    c.localGet(r1).localGet(r3).i32Const(0).call(checked3).localSet(a);
    c.localGet(r2).localGet(r3).i32Const(0).call(checked3).localSet(b);
    c.localGet(a).localGet(b).op(Op.i32Or).i32Const(0).op(Op.i32LtS).open(Op.if);
    ret2(-EFAULT);
    c.end();
    c.open(Op.block).open(Op.loop);
    c.localGet(a).localGet(i).op(Op.i32Add).mem(Op.i32Load8U, 0);
    c.localGet(b).localGet(i).op(Op.i32Add).mem(Op.i32Load8U, 0);
    c.op(Op.i32Sub).localTee(d).open(Op.if).localGet(d).op(Op.i64ExtendI32S).op(Op.return).end();
    c.localGet(i).i32Const(1).op(Op.i32Add).localTee(i).localGet(r3).op(Op.i32WrapI64).op(Op.i32LtU).brIf(0);
    c.end().end();
    c.i64Const(0);
    return;
  }
  const at = c.local(I32);
  c.localGet(r1).i64Const(8).i32Const(0).call(checked3).localTee(at).i32Const(0).op(Op.i32LtS).open(Op.if);
  ret2(0);
  c.end();
  c.localGet(at).mem(Op.i64Load, 0);
}
function combineNatives(...providers) {
  return {
    bind(ctx) {
      const bound = providers.map((p) => p.bind(ctx));
      return {
        get: (id) => {
          for (const b of bound) {
            const index = b.get(id);
            if (index !== void 0) return index;
          }
          return void 0;
        },
        finish: () => {
          for (const b of bound) b.finish();
        }
      };
    }
  };
}

// packages/jit-wasm/src/compile/native-ringbuf.ts
var RINGBUF_OUTPUT = 130;
var RINGBUF_RESERVE = 131;
var RINGBUF_SUBMIT = 132;
var RINGBUF_DISCARD = 133;
var RINGBUF_HELPERS = [RINGBUF_OUTPUT, RINGBUF_RESERVE, RINGBUF_SUBMIT, RINGBUF_DISCARD];
var PARAMS2 = [I64, I64, I64, I64, I64, I32];
var PC2 = 5;
function nativeRingHelpers(rings, ids) {
  return {
    bind(ctx) {
      const declared = /* @__PURE__ */ new Map();
      return {
        get(id) {
          if (rings.length === 0 || !ids.has(id)) return void 0;
          let d = declared.get(id);
          if (!d) {
            d = { index: ctx.m.func(PARAMS2, [I64]), code: new Code(PARAMS2.length) };
            declared.set(id, d);
          }
          return d.index;
        },
        finish() {
          for (const [id, d] of declared) {
            define(d.code, id, rings, ctx);
            ctx.m.define(d.index, d.code);
          }
        }
      };
    }
  };
}
function slow(c, id, ctx) {
  c.i32Const(id).localGet(PC2);
  for (let n = 0; n < 5; n++) c.localGet(n);
  c.call(ctx.slowPath);
}
function define(c, id, rings, ctx) {
  const [r1, r2, r3] = [0, 1, 2];
  if (id === RINGBUF_SUBMIT || id === RINGBUF_DISCARD) {
    const at = c.local(I32);
    const word = c.local(I32);
    const header2 = c.local(I32);
    c.localGet(r1).i64Const(32).op(Op.i64ShrU).i64Const(BPF_ADDRESS_HIGH).op(Op.i64Eq).open(Op.if);
    c.localGet(r1).op(Op.i32WrapI64).localSet(at);
    for (const ring of rings) {
      const data = ring.header + layout_exports.RING_HEADER;
      c.localGet(at).i32Const(data + layout_exports.RECORD_HEADER).op(Op.i32GeU);
      c.localGet(at).i32Const(data + ring.size).op(Op.i32LtU).op(Op.i32And);
      c.localGet(at).i32Const(data).op(Op.i32Sub).i32Const(7).op(Op.i32And).op(Op.i32Eqz).op(Op.i32And);
      c.open(Op.if);
      c.localGet(at).i32Const(layout_exports.RECORD_HEADER).op(Op.i32Sub).localTee(header2);
      c.mem(Op.i32Load, 2, 0).localTee(word).i32Const(layout_exports.RECORD_BUSY).op(Op.i32And).open(Op.if);
      c.localGet(header2);
      c.localGet(word).i32Const(layout_exports.RECORD_LEN_MASK).op(Op.i32And);
      if (id === RINGBUF_DISCARD) c.i32Const(layout_exports.RECORD_DISCARD).op(Op.i32Or);
      c.mem(Op.i32Store, 2, 0).i64Const(0).op(Op.return);
      c.end().end();
    }
    c.end();
    slow(c, id, ctx);
    return;
  }
  const ringAt = (r) => {
    c.localGet(r1).i64Const(r.descriptor, BPF_ADDRESS_HIGH).op(Op.i64Eq);
  };
  for (const ring of rings) {
    if (id === RINGBUF_RESERVE) {
      ringAt(ring);
      c.open(Op.if);
      c.localGet(r3).i64Const(0).op(Op.i64Ne).localGet(r2).i64Const(layout_exports.RECORD_LEN_MASK).op(Op.i64GtU).op(Op.i32Or);
      c.localGet(r2).op(Op.i64Eqz).op(Op.i32Or);
      c.open(Op.if).i64Const(0).op(Op.return).end();
      reserve(c, ring, () => c.localGet(r2).op(Op.i32WrapI64));
      c.op(Op.return).end();
    } else {
      const { stackBottom, stackTop } = ctx.layout;
      ringAt(ring);
      c.open(Op.if);
      c.localGet(r3).op(Op.i64Eqz).open(Op.if).i64Const(-EAGAIN).op(Op.return).end();
      c.localGet(r2).i64Const(stackBottom, BPF_ADDRESS_HIGH).op(Op.i64Sub).localGet(r3).op(Op.i64Add);
      c.i64Const(stackTop - stackBottom, 0).op(Op.i64LeU);
      c.localGet(r2).i64Const(stackBottom, BPF_ADDRESS_HIGH).op(Op.i64GeU).op(Op.i32And);
      c.localGet(r3).i64Const(stackTop - stackBottom).op(Op.i64LeU).op(Op.i32And);
      c.open(Op.if);
      const payload = c.local(I64);
      reserve(c, ring, () => c.localGet(r3).op(Op.i32WrapI64));
      c.localTee(payload).op(Op.i64Eqz).open(Op.if).i64Const(-EAGAIN).op(Op.return).end();
      c.localGet(payload).op(Op.i32WrapI64).localGet(r2).op(Op.i32WrapI64).localGet(r3).op(Op.i32WrapI64).memoryCopy();
      c.localGet(payload).op(Op.i32WrapI64).i32Const(layout_exports.RECORD_HEADER).op(Op.i32Sub);
      c.localGet(r3).op(Op.i32WrapI64).mem(Op.i32Store, 2, 0);
      c.i64Const(0).op(Op.return);
      c.end().end();
    }
  }
  slow(c, id, ctx);
}
function reserve(c, ring, len) {
  const data = ring.header + layout_exports.RING_HEADER;
  const n = c.local(I32);
  const total = c.local(I32);
  const producer = c.local(I32);
  const at = c.local(I32);
  const pad2 = c.local(I32);
  len();
  c.localTee(n).i32Const(layout_exports.RECORD_HEADER + 7).op(Op.i32Add).i32Const(-8).op(Op.i32And).localSet(total);
  c.i32Const(0).mem(Op.i32Load, 2, ring.header + layout_exports.RING_PRODUCER).localTee(producer);
  c.i32Const(ring.size - 1).op(Op.i32And).localSet(at);
  c.i32Const(ring.size).localGet(at).op(Op.i32Sub).i32Const(0);
  c.localGet(at).localGet(total).op(Op.i32Add).i32Const(ring.size).op(Op.i32GtU).op(Op.select).localSet(pad2);
  c.localGet(pad2).localGet(total).op(Op.i32Add).op(Op.i64ExtendI32U);
  c.i64Const(ring.size);
  c.localGet(producer).i32Const(0).mem(Op.i32Load, 2, ring.header + layout_exports.RING_CONSUMER).op(Op.i32Sub);
  c.op(Op.i64ExtendI32U).op(Op.i64Sub).op(Op.i64GtS);
  c.open(Op.if, I64).i64Const(0).op(Op.else);
  c.localGet(pad2).open(Op.if);
  c.localGet(at).localGet(pad2).i32Const(layout_exports.RECORD_HEADER).op(Op.i32Sub).i32Const(layout_exports.RECORD_DISCARD).op(Op.i32Or);
  c.mem(Op.i32Store, 2, data);
  c.localGet(at).i32Const(0).mem(Op.i32Store, 2, data + 4);
  c.localGet(producer).localGet(pad2).op(Op.i32Add).localSet(producer);
  c.i32Const(0).localSet(at);
  c.end();
  c.localGet(at).localGet(n).i32Const(layout_exports.RECORD_BUSY).op(Op.i32Or).mem(Op.i32Store, 2, data);
  c.localGet(at).i32Const(0).mem(Op.i32Store, 2, data + 4);
  c.i32Const(0).localGet(producer).localGet(total).op(Op.i32Add).mem(Op.i32Store, 2, ring.header + layout_exports.RING_PRODUCER);
  c.localGet(at).i32Const(data + layout_exports.RECORD_HEADER).op(Op.i32Add).op(Op.i64ExtendI32U);
  c.i64Const(0, BPF_ADDRESS_HIGH).op(Op.i64Or);
  c.end();
}

// packages/jit-wasm/src/trap.ts
var HEX_FRAME = /wasm-function\[\d+\]:0x([0-9a-f]+)/g;
var COLUMN_FRAME = /wasm:\/\/wasm\/[0-9a-f]+:1:(\d+)/g;
function trapPc(error, map) {
  if (!(error instanceof Error)) return -1;
  const ctor = Error;
  const saved = ctor.prepareStackTrace;
  ctor.prepareStackTrace = void 0;
  let stack;
  try {
    stack = error.stack;
  } finally {
    ctor.prepareStackTrace = saved;
  }
  if (!stack) return -1;
  const offsets = [
    ...[...stack.matchAll(HEX_FRAME)].map((m) => Number.parseInt(m[1], 16)),
    ...[...stack.matchAll(COLUMN_FRAME)].map((m) => Number(m[1]) - 1)
  ];
  for (const offset of offsets) {
    if (map.ranges.some(([start, end]) => offset >= start && offset < end)) return pcAt(map, offset);
  }
  return -1;
}
function pcAt(map, offset) {
  let lo2 = 0;
  let hi = map.offsets.length - 1;
  let found = -1;
  while (lo2 <= hi) {
    const mid = lo2 + hi >> 1;
    if (map.offsets[mid] <= offset) {
      found = mid;
      lo2 = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? -1 : map.pcs[found];
}

// packages/jit-wasm/src/wasm/host.ts
var wasmApi = globalThis.WebAssembly;

// packages/jit-wasm/src/engine.ts
var Stop = class {
  constructor(value) {
    this.value = value;
  }
};
var WasmEngine = class {
  constructor(options = {}) {
    this.options = options;
  }
  name = "wasm";
  available() {
    return wasmApi ? { ok: true } : { ok: false, reason: "this JavaScript host has no WebAssembly" };
  }
  prepare(program, options = {}) {
    const prepared = this.compile(program, options);
    prepared.attach((wasm) => new wasm.Module(prepared.compiled.bytes));
    return prepared;
  }
  /**
   * `prepare` with asynchronous WebAssembly compilation — for browsers, which refuse to compile
   * modules over 4 KB synchronously on the main thread.
   */
  async prepareAsync(program, options = {}) {
    const prepared = this.compile(program, options);
    let module;
    try {
      module = await prepared.wasm.compile(prepared.compiled.bytes);
    } catch (e) {
      prepared.dispose();
      throw e;
    }
    prepared.attach(() => module);
    return prepared;
  }
  compile(program, options) {
    if (options.boundsCheck === true) {
      throw new VmError(
        "load",
        "the wasm engine does not check accesses against memory regions (WebAssembly bounds only): prepare verified programs with boundsCheck: false, or use the interpreter"
      );
    }
    if (options.instructionLimit) {
      throw new VmError("load", "the wasm engine has no instruction limit; use the interpreter");
    }
    if (!wasmApi) throw new VmError("load", "this JavaScript host has no WebAssembly");
    const helpers = options.helpers ?? program.runtime.helpers;
    return new WasmProgram(wasmApi, program, helpers, this.options);
  }
};
var wasmEngine = new WasmEngine();
var WasmProgram = class {
  constructor(wasm, program, helpers, options) {
    this.wasm = wasm;
    this.program = program;
    const rt = program.runtime;
    const mem = rt.memory;
    const stack = rt.allocStack();
    const scratch2 = mem.alloc(SCRATCH_BYTES, {
      name: "wasm helper exchange",
      kind: "scratch",
      writable: true
    });
    this.regions = [stack, scratch2];
    const providers = [];
    let table;
    if (options.nativeHelpers !== false) {
      const maps = mapNatives(program, helpers);
      if (maps) providers.push(maps);
      const host = new Set(HOST_HELPERS.filter((id) => isStandard(helpers, id)));
      if (host.size > 0) providers.push(nativeHostHelpers(host, rt.cpu));
      const rings = ringNatives(program, helpers);
      if (rings) providers.push(rings);
      const ids = memoryHelperIds(program, helpers);
      if (ids.size > 0) {
        table = mem.alloc(TABLE_BYTES, { name: "wasm region table", kind: "scratch", writable: false });
        this.regions.push(table);
        writeRegionTable(mem.view, table.start, mem.regions);
        providers.push(nativeMemoryHelpers(ids, table.start));
      }
    }
    const natives = providers.length > 0 ? combineNatives(...providers) : void 0;
    const layout2 = {
      pages: mem.size / WASM_PAGE,
      stackTop: stack.end,
      stackBottom: stack.start,
      frameSize: STACK_SIZE,
      scratch: scratch2.start
    };
    try {
      this.compiled = compileProgram(program.insns, {
        layout: layout2,
        constants: program.constants,
        natives,
        controlFlow: options.controlFlow
      });
    } catch (e) {
      this.dispose();
      if (e instanceof WasmCompileError) throw new VmError("load", e.reason, e.index);
      throw e;
    }
    this.pcMap = {
      offsets: this.compiled.offsets,
      pcs: this.compiled.pcs,
      ranges: this.compiled.ranges
    };
    const call2 = new HelperCall(
      rt,
      new Int32Array(mem.buffer, scratch2.start, 11),
      new Int32Array(mem.buffer, scratch2.start + 44, 11)
    );
    const env = {
      [IMPORT_MEMORY]: mem.memory,
      [IMPORT_HELPER]: (id, pc) => callHelper(helpers, call2, id, pc),
      [IMPORT_FAIL]: (kind, pc) => {
        throw kind === 3 /* PacketEnd */ ? new Stop(0) : failure(kind, pc);
      },
      [IMPORT_CLOCK]: () => rt.clock(),
      [IMPORT_RANDOM]: () => rt.random(),
      [IMPORT_REFRESH]: () => {
        if (table) writeRegionTable(mem.view, table.start, mem.regions);
      }
    };
    this.env = env;
  }
  engine = "wasm";
  lastInstructionCount = -1;
  /** The compiled module's bytes and control-flow plans (for tools and tests). */
  compiled;
  exports;
  env;
  regions;
  pcMap;
  /** Instantiate the module (made by `make`) over the runtime's memory. */
  attach(make) {
    try {
      const module = make(this.wasm);
      this.exports = new this.wasm.Instance(module, { env: this.env }).exports;
    } catch (e) {
      this.dispose();
      throw new VmError(
        "load",
        `internal error: the generated WebAssembly was rejected (${e.message})`
      );
    }
  }
  run(r1 = 0n, r2 = 0n) {
    try {
      return BigInt.asUintN(64, this.exports.run(r1, r2));
    } catch (e) {
      if (e instanceof Stop) return BigInt.asUintN(64, BigInt(e.value));
      throw this.translate(e);
    }
  }
  runFast(r1Offset, r2) {
    try {
      return this.exports.runFast(r1Offset, r2) >>> 0;
    } catch (e) {
      if (e instanceof Stop) return e.value >>> 0;
      throw this.translate(e);
    }
  }
  dispose() {
    for (const r of this.regions) this.program.runtime.memory.free(r);
    this.regions.length = 0;
  }
  translate(e) {
    if (!(e instanceof this.wasm.RuntimeError)) return e;
    const pc = trapPc(e, this.pcMap);
    const insn = pc >= 0 ? this.program.insns[pc] : void 0;
    if (/out of bounds/i.test(e.message)) {
      const size = insn && "size" in insn ? insn.size : void 0;
      return new VmError(
        "out-of-bounds",
        "memory access outside the linear memory (WebAssembly trap)",
        pc,
        void 0,
        size
      );
    }
    return new VmError("helper-failed", `WebAssembly trap: ${e.message}`, pc);
  }
};
function memoryHelperIds(program, helpers) {
  const called = new Set(
    program.insns.flatMap((x) => x.kind === "call" && x.target === "helper" ? [x.imm] : [])
  );
  return new Set(MEMORY_HELPERS.filter((id) => called.has(id) && isStandard(helpers, id)));
}
var CLOSURES = /* @__PURE__ */ new Set([RINGBUF_SUBMIT, RINGBUF_DISCARD, ...HOST_HELPERS]);
function isStandard(helpers, id) {
  const mine = helpers.get(id)?.fn;
  const std = STANDARD.get(id)?.fn;
  if (!mine || !std) return false;
  if (mine === std) return true;
  return CLOSURES.has(id) && mine.toString() === std.toString();
}
var STANDARD = standardHelpers();
function ringNatives(program, helpers) {
  const ids = new Set(RINGBUF_HELPERS.filter((id) => isStandard(helpers, id)));
  const view2 = program.runtime.memory.view;
  const rings = [...referencedMaps(program)].flatMap(
    (d) => view2.getUint32(d + layout_exports.DESC_TYPE, true) === MAP_TYPE.ringbuf ? [
      {
        descriptor: d,
        header: view2.getUint32(d + layout_exports.DESC_DATA, true),
        size: view2.getUint32(d + layout_exports.DESC_CAPACITY, true)
      }
    ] : []
  );
  return ids.size > 0 && rings.length > 0 ? nativeRingHelpers(rings, ids) : void 0;
}
function referencedMaps(program) {
  const descriptors = /* @__PURE__ */ new Set();
  for (const k of program.constants) if (k?.map) descriptors.add(k.map.descriptor.start);
  return descriptors;
}
function mapNatives(program, helpers) {
  const ids = new Set([LOOKUP, UPDATE, DELETE].filter((id) => isStandard(helpers, id)));
  const view2 = program.runtime.memory.view;
  const maps = [...referencedMaps(program)].flatMap((d) => nativeMapAt(view2, d) ?? []);
  return ids.size > 0 && maps.length > 0 ? nativeMapHelpers(maps, ids) : void 0;
}
function callHelper(helpers, call2, id, pc) {
  const def = helpers.get(id >>> 0);
  if (!def) throw new VmError("unknown-helper", `unknown helper ${id >>> 0}`, pc);
  call2.pc = pc;
  let value;
  try {
    value = def.fn(call2);
  } catch (e) {
    if (e instanceof VmError) throw e;
    throw new VmError("helper-failed", `helper ${def.proto.name} failed: ${e.message}`, pc);
  }
  if (call2.stopped) {
    call2.stopped = false;
    throw new Stop(call2.stopValue);
  }
  setReturn(call2, call2.lo, call2.hi, value);
}
function failure(kind, pc) {
  switch (kind) {
    case 1 /* CallDepth */:
      return new VmError("call-depth", "too many nested BPF-to-BPF calls", pc);
    case 2 /* FellOff */:
      return new VmError("fell-off", "execution ran past the last instruction without exit", pc);
    default:
      return new VmError("helper-failed", `internal failure code ${kind}`, pc);
  }
}

// packages/jit-x64/src/env-layout.ts
var ENV_LAYOUT = {
  /** u32: helper-table slot of the call in flight, for the JavaScript trampoline. */
  pendingSlot: 0,
  /** u64: helper id of a `callx`, for the dispatcher. */
  callxId: 8,
  /** Function pointer: the `callx` dispatcher. */
  callxFn: 16,
  /** Function pointers, one per helper slot (`CompiledProgram.helperSlots`). */
  helpers: 32
};

// packages/jit-x64/src/x64/code-buffer.ts
var CodeBuffer = class {
  bytes;
  len = 0;
  constructor(capacity = 4096) {
    this.bytes = new Uint8Array(capacity);
  }
  reset() {
    this.len = 0;
  }
  reserve(n) {
    if (this.len + n <= this.bytes.length) return;
    const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.len + n));
    bigger.set(this.bytes.subarray(0, this.len));
    this.bytes = bigger;
  }
  emit1(b) {
    this.reserve(1);
    this.bytes[this.len++] = b;
  }
  /** Little-endian 16-bit value. */
  emit2(v) {
    this.reserve(2);
    this.bytes[this.len++] = v;
    this.bytes[this.len++] = v >>> 8;
  }
  /** Little-endian 32-bit value (signed or unsigned). */
  emit4(v) {
    this.reserve(4);
    const b = this.bytes;
    b[this.len++] = v;
    b[this.len++] = v >>> 8;
    b[this.len++] = v >>> 16;
    b[this.len++] = v >>> 24;
  }
  /** Little-endian 64-bit value given as two 32-bit halves. */
  emit8(lo2, hi) {
    this.emit4(lo2);
    this.emit4(hi);
  }
  /** Append bytes[start, end) of another buffer. */
  copy(bytes, start, end) {
    this.reserve(end - start);
    this.bytes.set(bytes.subarray(start, end), this.len);
    this.len += end - start;
  }
  /** Overwrite a little-endian 32-bit value already emitted. */
  patch4(at, v) {
    const b = this.bytes;
    b[at] = v;
    b[at + 1] = v >>> 8;
    b[at + 2] = v >>> 16;
    b[at + 3] = v >>> 24;
  }
  /** Overwrite one byte already emitted (a short jump's displacement). */
  patch1(at, b) {
    this.bytes[at] = b;
  }
  /** A copy of the bytes emitted so far. */
  finish() {
    return this.bytes.slice(0, this.len);
  }
};

// packages/jit-x64/src/x64/encoding.ts
var W64 = 1;
var P66 = 2;
var BYTE_REGS = 4;
var LOCK = 8;
var NO_INDEX = -1;
function isInt8(v) {
  return v >= -128 && v <= 127;
}
function modrm(buf, mod, reg2, rm) {
  buf.emit1(mod << 6 | (reg2 & 7) << 3 | rm & 7);
}
function sib(buf, scale, index, base) {
  buf.emit1(scale << 6 | (index & 7) << 3 | base & 7);
}
function rex(buf, flags, reg2, index, base, byteRm) {
  const v = 64 | (flags & W64 ? 8 : 0) | reg2 >> 3 << 2 | index >> 3 << 1 | base >> 3;
  if (v !== 64 || flags & BYTE_REGS && ((reg2 & 7) >= 4 || byteRm && (base & 7) >= 4)) buf.emit1(v);
}
function prefixes(buf, flags) {
  if (flags & LOCK) buf.emit1(240);
  if (flags & P66) buf.emit1(102);
}
function opcode(buf, op) {
  if (op > 255) buf.emit1(op >> 8);
  buf.emit1(op & 255);
}
function opReg(buf, op, flags, reg2, rm) {
  prefixes(buf, flags);
  rex(buf, flags, reg2, 0, rm, true);
  opcode(buf, op);
  modrm(buf, 3, reg2, rm);
}
function opMem(buf, op, flags, reg2, base, index, disp) {
  prefixes(buf, flags);
  rex(buf, flags, reg2, index === NO_INDEX ? 0 : index, base, false);
  opcode(buf, op);
  const mod = disp === 0 && (base & 7) !== 5 ? 0 : isInt8(disp) ? 1 : 2;
  if (index !== NO_INDEX) {
    modrm(buf, mod, reg2, 4);
    sib(buf, 0, index, base);
  } else if ((base & 7) === 4) {
    modrm(buf, mod, reg2, 4);
    sib(buf, 0, 4, base);
  } else {
    modrm(buf, mod, reg2, base);
  }
  if (mod === 1) buf.emit1(disp);
  else if (mod === 2) buf.emit4(disp);
}

// packages/jit-x64/src/x64/instructions.ts
var w = (w64) => w64 ? W64 : 0;
var ALU_RR = {
  add: 1,
  or: 9,
  and: 33,
  sub: 41,
  xor: 49,
  cmp: 57,
  test: 133
};
var ALU_EXT = { add: 0, or: 1, and: 4, sub: 5, xor: 6, cmp: 7 };
var SHIFT_EXT = { rol: 0, ror: 1, shl: 4, shr: 5, sar: 7 };
var CC = {
  b: 2,
  ae: 3,
  e: 4,
  ne: 5,
  be: 6,
  a: 7,
  l: 12,
  ge: 13,
  le: 14,
  g: 15
};
function aluRR(buf, op, w64, dst, src) {
  opReg(buf, ALU_RR[op], w(w64), src, dst);
}
function aluRI(buf, op, w64, dst, imm) {
  if (isInt8(imm)) {
    opReg(buf, 131, w(w64), ALU_EXT[op], dst);
    buf.emit1(imm);
  } else {
    opReg(buf, 129, w(w64), ALU_EXT[op], dst);
    buf.emit4(imm);
  }
}
function aluRI32(buf, op, w64, dst, imm) {
  opReg(buf, 129, w(w64), ALU_EXT[op], dst);
  buf.emit4(imm);
}
function testRI(buf, w64, dst, imm) {
  opReg(buf, 247, w(w64), 0, dst);
  buf.emit4(imm);
}
function movRR(buf, w64, dst, src) {
  opReg(buf, 137, w(w64), src, dst);
}
function movRI32(buf, dst, imm) {
  rex(buf, 0, 0, 0, dst, false);
  buf.emit1(184 + (dst & 7));
  buf.emit4(imm);
}
function movRIsx(buf, dst, imm) {
  opReg(buf, 199, W64, 0, dst);
  buf.emit4(imm);
}
function movabs(buf, dst, lo2, hi) {
  rex(buf, W64, 0, 0, dst, false);
  buf.emit1(184 + (dst & 7));
  buf.emit8(lo2, hi);
}
function loadImm(buf, w64, dst, imm) {
  if (imm === 0)
    aluRR(buf, "xor", false, dst, dst);
  else if (!w64 || imm > 0) movRI32(buf, dst, imm);
  else movRIsx(buf, dst, imm);
}
function imulRR(buf, w64, dst, src) {
  opReg(buf, 4015, w(w64), dst, src);
}
function imulRI(buf, w64, dst, imm) {
  if (isInt8(imm)) {
    opReg(buf, 107, w(w64), dst, dst);
    buf.emit1(imm);
  } else {
    opReg(buf, 105, w(w64), dst, dst);
    buf.emit4(imm);
  }
}
function shiftRI(buf, op, w64, dst, count) {
  opReg(buf, 193, w(w64), SHIFT_EXT[op], dst);
  buf.emit1(count);
}
function shiftRCL(buf, op, w64, dst) {
  opReg(buf, 211, w(w64), SHIFT_EXT[op], dst);
}
function ror16by8(buf, dst) {
  opReg(buf, 193, P66, SHIFT_EXT.ror, dst);
  buf.emit1(8);
}
function neg(buf, w64, dst) {
  opReg(buf, 247, w(w64), 3, dst);
}
function divR(buf, signed, w64, src) {
  opReg(buf, 247, w(w64), signed ? 7 : 6, src);
}
function cqo(buf, w64) {
  if (w64) buf.emit1(72);
  buf.emit1(153);
}
function movzxRR(buf, bits, dst, src) {
  opReg(buf, bits === 8 ? 4022 : 4023, bits === 8 ? BYTE_REGS : 0, dst, src);
}
function movsxRR(buf, w64, bits, dst, src) {
  if (bits === 32) opReg(buf, 99, W64, dst, src);
  else opReg(buf, bits === 8 ? 4030 : 4031, w(w64) | (bits === 8 ? BYTE_REGS : 0), dst, src);
}
function bswap(buf, w64, dst) {
  rex(buf, w(w64), 0, 0, dst, false);
  buf.emit1(15);
  buf.emit1(200 + (dst & 7));
}
function lea32(buf, dst, base, disp) {
  opMem(buf, 141, 0, dst, base, NO_INDEX, disp);
}
function leaQ(buf, dst, base, disp) {
  opMem(buf, 141, W64, dst, base, NO_INDEX, disp);
}
function load(buf, size, signed, dst, base, index, disp) {
  if (size === 8)
    opMem(buf, 139, W64, dst, base, index, disp);
  else if (size === 4)
    opMem(buf, signed ? 99 : 139, signed ? W64 : 0, dst, base, index, disp);
  else if (signed)
    opMem(buf, size === 1 ? 4030 : 4031, W64, dst, base, index, disp);
  else opMem(buf, size === 1 ? 4022 : 4023, 0, dst, base, index, disp);
}
function store2(buf, size, base, index, disp, src) {
  const flags = size === 8 ? W64 : size === 2 ? P66 : size === 1 ? BYTE_REGS : 0;
  opMem(buf, size === 1 ? 136 : 137, flags, src, base, index, disp);
}
function storeImm(buf, size, base, index, disp, imm) {
  const flags = size === 8 ? W64 : size === 2 ? P66 : 0;
  opMem(buf, size === 1 ? 198 : 199, flags, 0, base, index, disp);
  if (size === 1) buf.emit1(imm);
  else if (size === 2) buf.emit2(imm);
  else buf.emit4(imm);
}
function loadQ(buf, dst, base, disp) {
  opMem(buf, 139, W64, dst, base, NO_INDEX, disp);
}
function storeQ(buf, base, disp, src) {
  opMem(buf, 137, W64, src, base, NO_INDEX, disp);
}
function storeDImm(buf, base, disp, imm) {
  opMem(buf, 199, 0, 0, base, NO_INDEX, disp);
  buf.emit4(imm);
}
function lockAlu(buf, op, w64, base, index, src) {
  opMem(buf, ALU_RR[op], LOCK | w(w64), src, base, index, 0);
}
function lockXadd(buf, w64, base, index, src) {
  opMem(buf, 4033, LOCK | w(w64), src, base, index, 0);
}
function lockCmpxchg(buf, w64, base, index, src) {
  opMem(buf, 4017, LOCK | w(w64), src, base, index, 0);
}
function xchgMem(buf, w64, base, index, src) {
  opMem(buf, 135, w(w64), src, base, index, 0);
}
function push(buf, reg2) {
  rex(buf, 0, 0, 0, reg2, false);
  buf.emit1(80 + (reg2 & 7));
}
function pop(buf, reg2) {
  rex(buf, 0, 0, 0, reg2, false);
  buf.emit1(88 + (reg2 & 7));
}
function pushMem(buf, base, disp) {
  opMem(buf, 255, 0, 6, base, NO_INDEX, disp);
}
function callMem(buf, base, disp) {
  opMem(buf, 255, 0, 2, base, NO_INDEX, disp);
}
function callRel32(buf, rel) {
  buf.emit1(232);
  buf.emit4(rel);
}
function ret(buf) {
  buf.emit1(195);
}
var JMP_SHORT = 2;
var JMP_NEAR = 5;
var JCC_SHORT = 2;
var JCC_NEAR = 6;
function jmp(buf, short, rel) {
  if (short) {
    buf.emit1(235);
    buf.emit1(rel);
  } else {
    buf.emit1(233);
    buf.emit4(rel);
  }
}
function jcc(buf, cc, short, rel) {
  jccCode(buf, CC[cc], short, rel);
}
function jccCode(buf, code, short, rel) {
  if (short) {
    buf.emit1(112 | code);
    buf.emit1(rel);
  } else {
    buf.emit1(15);
    buf.emit1(128 | code);
    buf.emit4(rel);
  }
}
function jccForward(buf, cc) {
  jcc(buf, cc, true, 0);
  return buf.len - 1;
}
function jmpForward(buf) {
  jmp(buf, true, 0);
  return buf.len - 1;
}
function bindHere(buf, at) {
  const rel = buf.len - (at + 1);
  if (rel > 127) throw new Error(`internal: short forward jump of ${rel} bytes`);
  buf.patch1(at, rel);
}

// packages/jit-x64/src/x64/registers.ts
var RAX = 0;
var RCX = 1;
var RDX = 2;
var RBX = 3;
var RSP = 4;
var RBP = 5;
var RSI = 6;
var RDI = 7;
var R8 = 8;
var R9 = 9;
var R10 = 10;
var R11 = 11;
var R12 = 12;
var R13 = 13;
var R14 = 14;
var R15 = 15;
var BPF_TO_X64 = [
  RAX,
  // R0: return value, like a C function's
  RDI,
  // R1: first System V argument
  RSI,
  // R2: second argument
  RDX,
  // R3: third argument
  RCX,
  // R4: fourth argument (and the shift-count register cl: shifts by R4 need no move)
  R8,
  // R5: fifth argument
  RBX,
  // R6: callee-saved, survives helper calls
  R13,
  // R7: callee-saved
  R14,
  // R8: callee-saved
  R15,
  // R9: callee-saved
  RBP
  // R10: callee-saved; the read-only frame pointer
];
var MEM_BASE = R12;
var ADDR = R11;
var AUX = R10;
var ENV = R9;

// packages/jit-x64/src/codegen/context.ts
function seededRandom(seed) {
  let s = seed >>> 0 || 2654435769;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s | 0;
  };
}
function cryptoRandom() {
  const pool = new Int32Array(256);
  let next = pool.length;
  return () => {
    if (next === pool.length) {
      globalThis.crypto.getRandomValues(pool);
      next = 0;
    }
    return pool[next++];
  };
}
function movImm(ctx, w64, dst, imm) {
  const { buf, random } = ctx;
  if (!random) {
    loadImm(buf, w64, dst, imm);
    return;
  }
  const r = random();
  if (w64) {
    movRIsx(buf, dst, imm ^ r);
    aluRI32(buf, "xor", true, dst, r);
  } else {
    movRI32(buf, dst, imm ^ r);
    aluRI32(buf, "xor", false, dst, r);
  }
}
function blindedOperand(ctx, w64, imm) {
  if (!ctx.random) return -1;
  movImm(ctx, w64, AUX, imm);
  return AUX;
}
function movImm64(ctx, dst, lo2, hi) {
  const { buf, random } = ctx;
  if (random) {
    const rlo = random();
    const rhi = random();
    movabs(buf, dst, lo2 ^ rlo, hi ^ rhi);
    movabs(buf, AUX, rlo, rhi);
    aluRR(buf, "xor", true, dst, AUX);
  } else if (hi === 0) {
    loadImm(buf, false, dst, lo2);
  } else if (hi === -1 && lo2 < 0) {
    movRIsx(buf, dst, lo2);
  } else {
    movabs(buf, dst, lo2, hi);
  }
}

// packages/jit-x64/src/codegen/alu.ts
var SHIFT = { lsh: "shl", rsh: "shr", arsh: "sar" };
function lowerAlu2(ctx, insn) {
  const { buf } = ctx;
  const w64 = insn.width === 64;
  const d = BPF_TO_X64[insn.dst];
  const s = BPF_TO_X64[insn.src];
  const byImm = insn.source === "imm";
  switch (insn.op) {
    case "mov":
      if (byImm) movImm(ctx, w64, d, insn.imm);
      else if (d !== s || !w64) movRR(buf, w64, d, s);
      return;
    case "add":
    case "sub":
    case "and":
    case "or":
    case "xor": {
      if (!byImm) {
        aluRR(buf, insn.op, w64, d, s);
        return;
      }
      const blinded = blindedOperand(ctx, w64, insn.imm);
      if (blinded >= 0) aluRR(buf, insn.op, w64, d, blinded);
      else aluRI(buf, insn.op, w64, d, insn.imm);
      return;
    }
    case "mul": {
      if (!byImm) {
        imulRR(buf, w64, d, s);
        return;
      }
      const blinded = blindedOperand(ctx, w64, insn.imm);
      if (blinded >= 0) imulRR(buf, w64, d, blinded);
      else imulRI(buf, w64, d, insn.imm);
      return;
    }
    case "lsh":
    case "rsh":
    case "arsh":
      if (byImm) {
        const count = insn.imm & (w64 ? 63 : 31);
        if (count !== 0) shiftRI(buf, SHIFT[insn.op], w64, d, count);
        else if (!w64) movRR(buf, false, d, d);
      } else {
        shiftByRegister(ctx, SHIFT[insn.op], w64, d, s);
      }
      return;
    case "neg":
      neg(buf, w64, d);
      return;
    case "div":
    case "mod":
    case "sdiv":
    case "smod":
      if (byImm) divideByConstant(ctx, insn.op, w64, d, insn.imm);
      else divideByRegister(ctx, insn.op, w64, d, s);
      return;
    case "movsx8":
      movsxRR(buf, w64, 8, d, s);
      return;
    case "movsx16":
      movsxRR(buf, w64, 16, d, s);
      return;
    case "movsx32":
      if (w64) movsxRR(buf, true, 32, d, s);
      else movRR(buf, false, d, s);
      return;
  }
}
function shiftByRegister(ctx, op, w64, d, s) {
  const { buf } = ctx;
  if (s === RCX) {
    shiftRCL(buf, op, w64, d);
  } else if (d === RCX) {
    movRR(buf, true, ADDR, RCX);
    movRR(buf, true, RCX, s);
    shiftRCL(buf, op, w64, ADDR);
    movRR(buf, w64, RCX, ADDR);
    return;
  } else {
    movRR(buf, true, ADDR, RCX);
    movRR(buf, true, RCX, s);
    shiftRCL(buf, op, w64, d);
    movRR(buf, true, RCX, ADDR);
  }
  if (!w64) movRR(buf, false, d, d);
}
function byZero(ctx, op, w64, d) {
  if (op === "div" || op === "sdiv") aluRR(ctx.buf, "xor", false, d, d);
  else if (!w64) movRR(ctx.buf, false, d, d);
}
function byMinusOne(ctx, op, w64, d) {
  if (op === "sdiv") neg(ctx.buf, w64, d);
  else aluRR(ctx.buf, "xor", false, d, d);
}
function divideByConstant(ctx, op, w64, d, imm) {
  const signed = op === "sdiv" || op === "smod";
  if (imm === 0) {
    byZero(ctx, op, w64, d);
    return;
  }
  if (signed && imm === -1) {
    byMinusOne(ctx, op, w64, d);
    return;
  }
  movImm(ctx, w64, ADDR, imm);
  divideCore(ctx, op, w64, d);
}
function divideByRegister(ctx, op, w64, d, s) {
  const { buf } = ctx;
  const signed = op === "sdiv" || op === "smod";
  movRR(buf, w64, ADDR, s);
  aluRR(buf, "test", w64, ADDR, ADDR);
  const toNonZero = jccForward(buf, "ne");
  byZero(ctx, op, w64, d);
  const doneZero = jmpForward(buf);
  bindHere(buf, toNonZero);
  let doneMinusOne = -1;
  if (signed) {
    aluRI(buf, "cmp", w64, ADDR, -1);
    const toDivide = jccForward(buf, "ne");
    byMinusOne(ctx, op, w64, d);
    doneMinusOne = jmpForward(buf);
    bindHere(buf, toDivide);
  }
  divideCore(ctx, op, w64, d);
  bindHere(buf, doneZero);
  if (doneMinusOne >= 0) bindHere(buf, doneMinusOne);
}
function divideCore(ctx, op, w64, d) {
  const { buf } = ctx;
  const signed = op === "sdiv" || op === "smod";
  movRR(buf, true, ENV, RAX);
  movRR(buf, true, AUX, RDX);
  if (d !== RAX) movRR(buf, w64, RAX, d);
  if (signed)
    cqo(buf, w64);
  else aluRR(buf, "xor", false, RDX, RDX);
  divR(buf, signed, w64, ADDR);
  movRR(buf, w64, ADDR, op === "div" || op === "sdiv" ? RAX : RDX);
  movRR(buf, true, RAX, ENV);
  movRR(buf, true, RDX, AUX);
  movRR(buf, w64, d, ADDR);
}
function lowerEnd2(ctx, insn) {
  const { buf } = ctx;
  const d = BPF_TO_X64[insn.dst];
  if (insn.op === "le") {
    if (insn.bits === 16)
      movzxRR(buf, 16, d, d);
    else if (insn.bits === 32) movRR(buf, false, d, d);
    return;
  }
  if (insn.bits === 16) {
    ror16by8(buf, d);
    movzxRR(buf, 16, d, d);
  } else {
    bswap(buf, insn.bits === 64, d);
  }
}

// packages/jit-x64/src/codegen/errors.ts
var JitError = class extends Error {
  constructor(code, reason, index = -1) {
    super(index >= 0 ? `instruction ${index}: ${reason}` : reason);
    this.code = code;
    this.reason = reason;
    this.index = index;
  }
  name = "JitError";
};

// packages/jit-x64/src/codegen/functions.ts
function analyse2(insns, maxFrames) {
  if (insns.length === 0) throw new JitError("empty-program", "the program has no instructions");
  const n = insns.length;
  const target3 = new Int32Array(n).fill(-1);
  const entries = /* @__PURE__ */ new Set([0]);
  const starts0 = slotStarts(insns);
  const bySlot = new Int32Array(starts0[n]).fill(-1);
  for (let i = 0; i < n; i++) bySlot[starts0[i]] = i;
  for (let i = 0; i < n; i++) {
    const off = branchOffset(insns[i]);
    if (off === void 0) continue;
    const slot = starts0[i] + insnWidth(insns[i]) + off;
    const t = slot >= 0 && slot < bySlot.length ? bySlot[slot] : -2;
    if (t < 0) {
      throw new JitError(
        "bad-jump",
        `branch to slot ${slot} (${t === -2 ? "out-of-range" : "lddw-middle"})`,
        i
      );
    }
    target3[i] = t;
    if (insns[i].kind === "call") entries.add(t);
  }
  const starts = [...entries].sort((a, b) => a - b);
  const functionOf = new Int32Array(n);
  for (let f = 0; f < starts.length; f++) functionOf.fill(f, starts[f], starts[f + 1] ?? n);
  const callees = starts.map(() => /* @__PURE__ */ new Set());
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    const isCall = insn.kind === "call" && insn.target === "local";
    if (target3[i] >= 0 && !isCall && functionOf[target3[i]] !== functionOf[i]) {
      throw new JitError("cross-function-jump", `jump to instruction ${target3[i]} in another function`, i);
    }
    if (isCall) callees[functionOf[i]].add(functionOf[target3[i]]);
    const last = i + 1 === n || functionOf[i + 1] !== functionOf[i];
    if (last && !(insn.kind === "exit" || insn.kind === "ja" || insn.kind === "gotol")) {
      throw new JitError("falls-off-function", "the last instruction of a function is not exit or a jump", i);
    }
  }
  return { target: target3, starts, functionOf, frames: callDepth(callees, starts, maxFrames) };
}
function callDepth(callees, starts, maxFrames) {
  const depth = new Int32Array(callees.length);
  const visit = (f) => {
    if (depth[f] === -1) throw new JitError("recursion", "recursive BPF-to-BPF call", starts[f]);
    if (depth[f] > 0) return depth[f];
    depth[f] = -1;
    let deepest = 0;
    for (const g of callees[f]) deepest = Math.max(deepest, visit(g));
    depth[f] = deepest + 1;
    return depth[f];
  };
  const frames = visit(0);
  if (frames > maxFrames) {
    throw new JitError("call-depth", `calls nest ${frames} frames deep; the limit is ${maxFrames}`);
  }
  return frames;
}

// packages/jit-x64/src/codegen/memory.ts
function address4(ctx, reg2, off) {
  if (!ctx.confined) return { index: reg2, disp: off };
  if (off === 0)
    movRR(ctx.buf, false, ADDR, reg2);
  else lea32(ctx.buf, ADDR, reg2, off);
  return { index: ADDR, disp: 0 };
}
function lowerLdx2(ctx, insn) {
  const a = address4(ctx, BPF_TO_X64[insn.src], insn.off);
  load(ctx.buf, insn.size, insn.signed, BPF_TO_X64[insn.dst], MEM_BASE, a.index, a.disp);
}
function lowerStx2(ctx, insn) {
  const a = address4(ctx, BPF_TO_X64[insn.dst], insn.off);
  store2(ctx.buf, insn.size, MEM_BASE, a.index, a.disp, BPF_TO_X64[insn.src]);
}
function lowerSt2(ctx, insn) {
  const a = address4(ctx, BPF_TO_X64[insn.dst], insn.off);
  if (ctx.random) {
    movImm(ctx, insn.size === 8, AUX, insn.imm);
    store2(ctx.buf, insn.size, MEM_BASE, a.index, a.disp, AUX);
  } else {
    storeImm(ctx.buf, insn.size, MEM_BASE, a.index, a.disp, insn.imm);
  }
}
function atomicAddress(ctx, reg2, off) {
  if (ctx.confined)
    lea32(ctx.buf, ADDR, reg2, off);
  else leaQ(ctx.buf, ADDR, reg2, off);
}
function lowerAtomic2(ctx, insn) {
  const { buf } = ctx;
  const w64 = insn.size === 8;
  const s = BPF_TO_X64[insn.src];
  atomicAddress(ctx, BPF_TO_X64[insn.dst], insn.off);
  switch (insn.op) {
    case "xchg":
      xchgMem(buf, w64, MEM_BASE, ADDR, s);
      return;
    case "cmpxchg":
      lockCmpxchg(buf, w64, MEM_BASE, ADDR, s);
      if (!w64) movRR(buf, false, RAX, RAX);
      return;
    case "add":
      if (insn.fetch)
        lockXadd(buf, w64, MEM_BASE, ADDR, s);
      else lockAlu(buf, "add", w64, MEM_BASE, ADDR, s);
      return;
    default:
      if (insn.fetch) fetchLoop(ctx, insn.op, w64, s);
      else lockAlu(buf, insn.op, w64, MEM_BASE, ADDR, s);
  }
}
function fetchLoop(ctx, op, w64, s) {
  const { buf } = ctx;
  const operand = s === RAX ? ENV : s;
  movRR(buf, true, ENV, RAX);
  load(buf, w64 ? 8 : 4, false, RAX, MEM_BASE, ADDR, 0);
  const retry = buf.len;
  movRR(buf, w64, AUX, RAX);
  aluRR(buf, op, w64, AUX, operand);
  lockCmpxchg(buf, w64, MEM_BASE, ADDR, AUX);
  jcc(buf, "ne", true, retry - (buf.len + 2));
  movRR(buf, w64, s, RAX);
  if (s !== RAX) movRR(buf, true, RAX, ENV);
}

// packages/jit-x64/src/codegen/compile.ts
var JMP_CC = {
  jeq: "e",
  jne: "ne",
  jset: "ne",
  jgt: "a",
  jge: "ae",
  jlt: "b",
  jle: "be",
  jsgt: "g",
  jsge: "ge",
  jslt: "l",
  jsle: "le"
};
var MAX_PASSES = 20;
function compile2(insns, options = {}) {
  try {
    return { ok: true, program: new Compiler(insns, options).run() };
  } catch (e) {
    if (e instanceof JitError) return { ok: false, error: e };
    throw e;
  }
}
var Compiler = class {
  constructor(insns, options) {
    this.insns = insns;
    this.options = options;
    this.shape = analyse2(insns, options.maxFrames ?? 8);
    this.frameSize = options.frameSize ?? 512;
    const blind = options.blind;
    this.seed = typeof blind === "object" ? blind.seed : void 0;
    this.ctx = {
      buf: new CodeBuffer(insns.length * 8 + 64),
      random: null,
      confined: options.confine ?? true
    };
    this.prescan();
    const n = insns.length;
    const nf = this.shape.starts.length;
    this.jumpSaving = new Int8Array(n);
    this.jumpTarget = new Int32Array(n);
    this.short = new Uint8Array(n);
    this.jumpAt = new Int32Array(n);
    this.addrs = new Int32Array(n + 1).map((_, i) => (i + 1) * 64);
    this.entryAddr = new Int32Array(nf).map((_, f) => this.shape.starts[f] * 64);
    this.exitAddr = new Int32Array(nf).map((_, f) => ((this.shape.starts[f + 1] ?? n) + 1) * 64);
  }
  ctx;
  shape;
  frameSize;
  helperSlot = /* @__PURE__ */ new Map();
  lddwValues = /* @__PURE__ */ new Map();
  usesCallx = false;
  /** BPF registers the program names anywhere. */
  used = /* @__PURE__ */ new Set([0]);
  /** Any helper, callx or local call: every frame keeps env at [rsp] and 16-byte alignment. */
  calls = false;
  /** Callee-saved registers the main prologue saves, in push order. */
  savedRegs = [];
  /** Addresses from the pass before (forward references) or this pass (backward ones). */
  addrs;
  entryAddr;
  exitAddr;
  changed = false;
  /** Where the current instruction started in the previous pass, minus where it starts now. */
  shift = 0;
  forceNear = false;
  /** 'layout' emits every jump near and records it; 'iterate' is a whole pass of the fallback. */
  mode = "layout";
  /** The instruction being lowered. */
  current = 0;
  /** Per instruction: 0 no jump, else the bytes a short form saves (3 for jmp, 4 for jcc). */
  jumpSaving;
  /** Per instruction: the jump's target, an instruction index, or -(f + 1) for function f's exit. */
  jumpTarget;
  /** Per instruction: relaxation made its jump short. */
  short;
  /** Per instruction: layout offset of its jump. */
  jumpAt;
  /** shrunk[i]: bytes the short jumps save before instruction i (after relaxation). */
  shrunk = new Int32Array(0);
  /** Local calls of the layout pass: [layout offset of the call, instruction, callee function]. */
  callSites = [];
  seed;
  /** Checks that do not depend on code addresses, and the helper slots. */
  prescan() {
    this.insns.forEach((insn, i) => {
      noteRegisters(insn, this.used, i);
      if (insn.kind === "call" || insn.kind === "callx") this.calls = true;
      switch (insn.kind) {
        case "ldabs":
        case "ldind":
          throw new JitError(
            "legacy-packet-load",
            "legacy packet loads (ld_abs/ld_ind) are interpreter-only",
            i
          );
        case "call":
          if (insn.target === "kfunc") throw new JitError("kfunc-call", `kfunc call ${insn.imm}`, i);
          if (insn.target === "helper" && !this.helperSlot.has(insn.imm)) {
            this.helperSlot.set(insn.imm, this.helperSlot.size);
          }
          return;
        case "callx":
          this.usesCallx = true;
          return;
        case "lddw": {
          const value = this.options.resolveLddw?.(insn, i) ?? (insn.source === "imm64" ? lddwValue(insn) : void 0);
          if (value === void 0) {
            throw new JitError(
              "unresolved-lddw",
              `lddw ${insn.source} ${insn.imm} was not resolved by the loader`,
              i
            );
          }
          this.lddwValues.set(i, value);
          return;
        }
      }
    });
  }
  run() {
    const calleeSaved = [
      [6, RBX],
      [10, RBP],
      [-1, R12],
      [7, R13],
      [8, R14],
      [9, R15]
    ];
    this.savedRegs = calleeSaved.filter(([bpf]) => this.calls || bpf < 0 || this.used.has(bpf)).map(([, x]) => x);
    let code;
    let passes = 0;
    if (this.options.jumpSizing !== "passes") {
      this.mode = "layout";
      this.pass();
      this.relax();
      code = this.assemble();
      passes = 1;
    }
    this.mode = "iterate";
    this.changed = code === void 0;
    while (this.changed && passes < MAX_PASSES + 3) {
      if (passes === MAX_PASSES) this.forceNear = true;
      this.pass();
      passes++;
    }
    if (this.changed) throw new Error("internal: jump sizes did not converge");
    code ??= this.ctx.buf.finish();
    return {
      code,
      helperSlots: [...this.helperSlot.keys()],
      usesCallx: this.usesCallx,
      insnOffsets: this.addrs.slice(),
      functionOffsets: Array.from(this.entryAddr),
      addressing: this.ctx.confined ? "confined" : "direct",
      frames: this.shape.frames,
      frameSize: this.frameSize,
      passes
    };
  }
  /**
   * Branch relaxation on the layout pass's sizes: shrink every jump whose short form reaches,
   * until none changes, then move every address to where the final pass will put it.
   */
  relax() {
    const n = this.insns.length;
    const { starts, functionOf } = this.shape;
    const lastOf = (f) => (starts[f + 1] ?? n) - 1;
    const endOf = (i) => i + 1 === n || functionOf[i + 1] !== functionOf[i] ? this.exitAddr[functionOf[i]] : this.addrs[i + 1];
    const saved = new Int32Array(n + 1);
    for (let changed = true; changed; ) {
      changed = false;
      for (let i = 0; i < n; i++) saved[i + 1] = saved[i] + (this.short[i] ? this.jumpSaving[i] : 0);
      for (let i = 0; i < n; i++) {
        if (this.jumpSaving[i] === 0 || this.short[i]) continue;
        const t = this.jumpTarget[i];
        const to = t >= 0 ? this.addrs[t] - saved[t] : this.exitAddr[-t - 1] - saved[lastOf(-t - 1) + 1];
        const shortEnd = endOf(i) - saved[i] - this.jumpSaving[i];
        if (isInt8(to - shortEnd)) {
          this.short[i] = 1;
          changed = true;
        }
      }
    }
    for (let f = 0; f < starts.length; f++) {
      this.entryAddr[f] -= saved[starts[f]];
      this.exitAddr[f] -= saved[lastOf(f) + 1];
    }
    for (let i = 0; i <= n; i++) this.addrs[i] -= saved[i];
    this.shrunk = saved;
  }
  /**
   * The final code from the layout pass's bytes: copy the runs between jumps, emit each jump
   * in its relaxed form to its relaxed address, re-aim local calls. Undefined if the result
   * does not have the predicted size (then whole passes decide).
   */
  assemble() {
    const layout2 = this.ctx.buf.finish();
    const out = new CodeBuffer(layout2.length);
    const n = this.insns.length;
    let from = 0;
    for (let i = 0; i < n; i++) {
      if (this.jumpSaving[i] === 0) continue;
      const at = this.jumpAt[i];
      out.copy(layout2, from, at);
      const t = this.jumpTarget[i];
      const to = t >= 0 ? this.addrs[t] : this.exitAddr[-t - 1];
      const isJcc = this.jumpSaving[i] === JCC_NEAR - JCC_SHORT;
      const short = this.short[i] === 1;
      const len = isJcc ? short ? JCC_SHORT : JCC_NEAR : short ? JMP_SHORT : JMP_NEAR;
      const rel = to - (out.len + len);
      if (isJcc)
        jccCode(out, layout2[at + 1] & 15, short, rel);
      else jmp(out, short, rel);
      from = at + (isJcc ? JCC_NEAR : JMP_NEAR);
    }
    out.copy(layout2, from, layout2.length);
    if (out.len !== this.addrs[n]) return void 0;
    for (const [at, i, f] of this.callSites) {
      const pos = at - this.shrunk[i];
      out.patch4(pos + 1, this.entryAddr[f] - (pos + 5));
    }
    return out.finish();
  }
  setAddr(table, i, value) {
    if (table[i] !== value) {
      table[i] = value;
      this.changed = true;
    }
  }
  pass() {
    const { buf } = this.ctx;
    const { starts, functionOf } = this.shape;
    const blind = this.options.blind;
    this.ctx.random = blind ? this.seed !== void 0 ? seededRandom(this.seed) : cryptoRandom() : null;
    buf.reset();
    this.changed = false;
    const n = this.insns.length;
    for (let i = 0; i < n; i++) {
      const f = functionOf[i];
      if (starts[f] === i) {
        this.setAddr(this.entryAddr, f, buf.len);
        if (f === 0) this.mainPrologue();
        else this.functionPrologue();
      }
      this.shift = this.addrs[i] - buf.len;
      this.setAddr(this.addrs, i, buf.len);
      this.current = i;
      this.lower(i);
      if (i + 1 === n || functionOf[i + 1] !== f) {
        this.setAddr(this.exitAddr, f, buf.len);
        if (f === 0) this.mainEpilogue();
        else this.functionEpilogue();
      }
    }
    this.setAddr(this.addrs, n, buf.len);
  }
  mainPrologue() {
    const { buf } = this.ctx;
    for (const r of this.savedRegs) push(buf, r);
    if (this.calls) push(buf, RCX);
    movRR(buf, true, MEM_BASE, RDX);
    if (this.calls || this.used.has(10)) movRR(buf, true, RBP, R8);
    for (const bpf of [0, 3, 4, 5, 6, 7, 8, 9]) {
      if (this.calls || this.used.has(bpf)) aluRR(buf, "xor", false, BPF_TO_X64[bpf], BPF_TO_X64[bpf]);
    }
  }
  mainEpilogue() {
    const { buf } = this.ctx;
    if (this.calls) pop(buf, R11);
    for (let k = this.savedRegs.length - 1; k >= 0; k--) pop(buf, this.savedRegs[k]);
    ret(buf);
  }
  /** A BPF function: R6–R9 belong to the caller, R10 moves down one frame. */
  functionPrologue() {
    const { buf } = this.ctx;
    for (const r of [RBX, R13, R14, R15]) push(buf, r);
    pushMem(buf, RSP, 40);
    aluRI(buf, "sub", true, RBP, this.frameSize);
  }
  functionEpilogue() {
    const { buf } = this.ctx;
    aluRI(buf, "add", true, RBP, this.frameSize);
    pop(buf, R11);
    for (const r of [R15, R14, R13, RBX]) pop(buf, r);
    ret(buf);
  }
  /**
   * jmp/jcc to a code address, short when it fits. A forward target's address is from the
   * previous pass, so the distance is measured in that pass's layout (as Linux does); it is
   * exact once a pass changes nothing.
   */
  jumpTo(cc, target3) {
    const { buf } = this.ctx;
    const i = this.current;
    const shortLen = cc ? JCC_SHORT : JMP_SHORT;
    const nearLen = cc ? JCC_NEAR : JMP_NEAR;
    const to = target3 >= 0 ? this.addrs[target3] : this.exitAddr[-target3 - 1];
    let short;
    let from = buf.len;
    if (this.mode === "layout") {
      this.jumpSaving[i] = nearLen - shortLen;
      this.jumpTarget[i] = target3;
      this.jumpAt[i] = buf.len;
      short = false;
    } else {
      if (target3 < 0 || target3 > i) from += this.shift;
      short = !this.forceNear && isInt8(to - (from + shortLen));
    }
    const rel = to - (from + (short ? shortLen : nearLen));
    if (cc) jcc(buf, cc, short, rel);
    else jmp(buf, short, rel);
  }
  lower(i) {
    const insn = this.insns[i];
    const { ctx } = this;
    const { buf } = ctx;
    switch (insn.kind) {
      case "alu":
        lowerAlu2(ctx, insn);
        return;
      case "end":
        lowerEnd2(ctx, insn);
        return;
      case "ldx":
        lowerLdx2(ctx, insn);
        return;
      case "stx":
        lowerStx2(ctx, insn);
        return;
      case "st":
        lowerSt2(ctx, insn);
        return;
      case "atomic":
        lowerAtomic2(ctx, insn);
        return;
      case "lddw": {
        const v = BigInt.asUintN(64, this.lddwValues.get(i));
        movImm64(ctx, BPF_TO_X64[insn.dst], Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0);
        return;
      }
      case "ja":
      case "gotol": {
        const t = this.shape.target[i];
        if (t !== i + 1) this.jumpTo(null, t);
        return;
      }
      case "jmp": {
        const t = this.shape.target[i];
        if (t === i + 1) return;
        const w64 = insn.width === 64;
        const d = BPF_TO_X64[insn.dst];
        if (insn.source === "reg") {
          aluRR(buf, insn.op === "jset" ? "test" : "cmp", w64, d, BPF_TO_X64[insn.src]);
        } else {
          const blinded = blindedOperand(ctx, w64, insn.imm);
          if (blinded >= 0) aluRR(buf, insn.op === "jset" ? "test" : "cmp", w64, d, blinded);
          else if (insn.op === "jset") testRI(buf, w64, d, insn.imm);
          else if (insn.imm === 0 && (insn.op === "jeq" || insn.op === "jne")) aluRR(buf, "test", w64, d, d);
          else aluRI(buf, "cmp", w64, d, insn.imm);
        }
        this.jumpTo(JMP_CC[insn.op], t);
        return;
      }
      case "exit": {
        const f = this.shape.functionOf[i];
        const last = i + 1 === this.insns.length || this.shape.functionOf[i + 1] !== f;
        if (!last) this.jumpTo(null, -(f + 1));
        return;
      }
      case "call":
        if (insn.target === "local") {
          const callee = this.shape.functionOf[this.shape.target[i]];
          if (this.mode === "layout") this.callSites.push([buf.len, i, callee]);
          callRel32(buf, this.entryAddr[callee] - (buf.len + 5));
        } else {
          const slot = this.helperSlot.get(insn.imm);
          loadQ(buf, ENV, RSP, 0);
          storeDImm(buf, ENV, ENV_LAYOUT.pendingSlot, slot);
          callMem(buf, ENV, ENV_LAYOUT.helpers + 8 * slot);
        }
        return;
      case "callx":
        loadQ(buf, ENV, RSP, 0);
        storeQ(buf, ENV, ENV_LAYOUT.callxId, BPF_TO_X64[insn.reg]);
        callMem(buf, ENV, ENV_LAYOUT.callxFn);
        return;
      case "ldabs":
      case "ldind":
        throw new JitError("legacy-packet-load", "legacy packet loads are interpreter-only", i);
    }
  }
};
function useRegister(used, r, i) {
  if (!(r >= 0 && r <= 10)) throw new JitError("bad-register", `no register r${r}`, i);
  used.add(r);
}
function noteRegisters(insn, used, i) {
  switch (insn.kind) {
    case "alu":
    case "jmp":
      useRegister(used, insn.dst, i);
      if (insn.source === "reg") useRegister(used, insn.src, i);
      return;
    case "end":
    case "lddw":
    case "st":
      useRegister(used, insn.dst, i);
      return;
    case "ldx":
    case "stx":
    case "atomic":
      useRegister(used, insn.dst, i);
      useRegister(used, insn.src, i);
      return;
    case "ldind":
      useRegister(used, insn.src, i);
      return;
    case "callx":
      useRegister(used, insn.reg, i);
      return;
  }
}

// packages/jit-x64/src/native.ts
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
var packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
var ADDON_PATH = path.join(packageRoot, "build", "tbpf_jit.node");
var status;
function nativeAddon() {
  status ??= loadAddon();
  return status;
}
function loadAddon() {
  if (process.platform !== "linux" || process.arch !== "x64") {
    return {
      ok: false,
      reason: `the x86-64 JIT needs x86-64 Linux (this is ${process.platform}-${process.arch})`
    };
  }
  if (!existsSync(ADDON_PATH)) {
    const why = path.join(packageRoot, "build", "unavailable.txt");
    const detail = existsSync(why) ? readFileSync(why, "utf8").trim() : "it was not built";
    return {
      ok: false,
      reason: `native executor unavailable: ${detail} (build it with \`node packages/jit-x64/scripts/build-native.mjs\`)`
    };
  }
  try {
    const addon = createRequire(import.meta.url)(ADDON_PATH);
    const layout2 = addon.layout();
    for (const [field, offset] of Object.entries(ENV_LAYOUT)) {
      if (layout2[field] !== offset) {
        return {
          ok: false,
          reason: `native executor is stale: env field ${field} at ${layout2[field]}, code expects ${offset}; rebuild it`
        };
      }
    }
    return { ok: true, addon };
  } catch (e) {
    return { ok: false, reason: `native executor failed to load: ${e.message}` };
  }
}

// packages/jit-x64/src/native-helpers.ts
var STANDARD2 = standardHelperEntries();
var BY_FUNCTION = new Map(STANDARD2.map(([proto, fn]) => [fn, proto.name]));
var SOURCE_BY_NAME = new Map(STANDARD2.map(([proto, fn]) => [proto.name, fn.toString()]));
function nativeHelperName(def, runtime, available) {
  const { name: name2 } = def.proto;
  const standard = BY_FUNCTION.get(def.fn) === name2 || SOURCE_BY_NAME.get(name2) === def.fn.toString();
  if (!standard || !available.includes(name2)) return void 0;
  if (name2 === "ktime_get_ns" && runtime.clock.name !== "defaultClock") return void 0;
  return name2;
}

// packages/jit-x64/src/reservation.ts
import { readFileSync as readFileSync2 } from "node:fs";
var CONFINED_REACH = 2n ** 32n + 2n ** 16n;
var checked2 = /* @__PURE__ */ new WeakMap();
function reservationProblem(buffer, base) {
  if (checked2.has(buffer)) return checked2.get(buffer);
  const problem = findProblem(base);
  checked2.set(buffer, problem);
  return problem;
}
function findProblem(base) {
  let maps;
  try {
    maps = readFileSync2("/proc/self/maps", "utf8");
  } catch (e) {
    return `cannot read /proc/self/maps (${e.message})`;
  }
  const ranges = maps.trim().split("\n").map(
    (line) => line.split(" ")[0].split("-").map((h) => BigInt(`0x${h}`))
  ).sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const end = base + CONFINED_REACH;
  let covered = base;
  for (const [start, stop] of ranges) if (start <= covered && stop > covered) covered = stop;
  return covered >= end ? void 0 : `the linear memory at 0x${base.toString(16)} is followed by only ${covered - base} bytes of mapped address space, not 4 GiB`;
}

// packages/jit-x64/src/engine.ts
var TWO324 = 2n ** 32n;
function regionTable(runtime) {
  const regions = runtime.memory.regions;
  const out = new Float64Array(regions.length * 3);
  regions.forEach((r, i) => {
    out[3 * i] = r.start;
    out[3 * i + 1] = r.size;
    out[3 * i + 2] = r.writable ? 1 : 0;
  });
  return out;
}
function mapTable(runtime) {
  return Uint32Array.from(runtime.maps, (m) => m.descriptor.start);
}
var JitPrepared = class {
  constructor(program, compiled, native, io, counter, release) {
    this.program = program;
    this.compiled = compiled;
    this.native = native;
    this.io = io;
    this.counter = counter;
    this.release = release;
  }
  engine = "jit";
  lastInstructionCount = -1;
  disposed = false;
  /** Helper calls that went through the JavaScript trampoline (native helpers do not count). */
  get trampolineCalls() {
    return this.counter.calls;
  }
  run(r1 = 0n, r2 = 0n) {
    return this.native.run(BigInt.asUintN(64, r1), BigInt.asUintN(64, r2));
  }
  /** Where the code is mapped (for listings and the W^X test). */
  get codeAddress() {
    return this.native.codeAddress;
  }
  runFast(r1Offset, r2) {
    const io = this.io;
    io[0] = r1Offset;
    io[1] = r2;
    this.native.runFastIo();
    return io[2];
  }
  /** Total ns of `n` runs in a C loop (no JavaScript crossing), r1 alternating between two offsets. */
  benchNative(r1OffsetA, r1OffsetB, r2, n) {
    const base = BigInt(BPF_ADDRESS_BASE2);
    return this.native.bench(base + BigInt(r1OffsetA), base + BigInt(r1OffsetB), BigInt(r2), n);
  }
  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    this.native.free();
    this.release();
  }
};
function makeDispatch(runtime, helpers, counter, stop) {
  const lo2 = new Int32Array(11);
  const hi = new Int32Array(11);
  const call2 = new HelperCall(runtime, lo2, hi);
  return (id, ...regs) => {
    counter.calls++;
    const def = helpers.get(id);
    if (!def) throw new VmError("unknown-helper", `call to unknown helper ${id}`);
    for (let n = 0; n < 5; n++) {
      lo2[n + 1] = Number(BigInt.asIntN(32, regs[n]));
      hi[n + 1] = Number(BigInt.asIntN(32, regs[n] >> 32n));
    }
    call2.stopped = false;
    call2.retLo = 0;
    call2.retHi = 0;
    const value = def.fn(call2);
    setReturn(call2, lo2, hi, value);
    if (call2.stopped) stop(BigInt.asUintN(64, BigInt(call2.stopValue)));
    return BigInt(hi[0] >>> 0) * TWO324 + BigInt(lo2[0] >>> 0);
  };
}
var JitEngine = class {
  constructor(options = {}) {
    this.options = options;
  }
  name = "jit";
  available() {
    const status2 = nativeAddon();
    return status2.ok ? { ok: true } : { ok: false, reason: status2.reason };
  }
  /** Compile only (no native code needed): what `prepare` would map, or why it cannot. */
  compile(program) {
    const result = compile2(program.insns, {
      blind: this.options.blind,
      confine: this.options.confine,
      jumpSizing: this.options.jumpSizing,
      resolveLddw: (_insn, i) => {
        const c = program.constants[i];
        return c ? BigInt(c.hi >>> 0) * TWO324 + BigInt(c.lo >>> 0) : void 0;
      }
    });
    if (!result.ok) throw new VmError("load", `x86-64 JIT: ${result.error.message}`, result.error.index);
    return result.program;
  }
  prepare(program, options = {}) {
    const status2 = nativeAddon();
    if (!status2.ok) throw new VmError("load", `x86-64 JIT unavailable: ${status2.reason}`);
    if (options.boundsCheck === true) {
      throw new VmError(
        "load",
        "the x86-64 JIT does not check each access against the regions: prepare verified programs with boundsCheck: false, or use the interpreter"
      );
    }
    if (options.instructionLimit) {
      throw new VmError("load", "the x86-64 JIT has no instruction limit: use the interpreter");
    }
    const compiled = this.compile(program);
    const { runtime } = program;
    if (compiled.addressing === "confined") {
      const buffer = runtime.memory.buffer;
      const problem = reservationProblem(buffer, status2.addon.bufferAddress(buffer));
      if (problem) throw new VmError("load", `x86-64 JIT: cannot confine accesses: ${problem}`);
    }
    const helpers = options.helpers ?? runtime.helpers;
    const stack = runtime.allocStack();
    const counter = { calls: 0 };
    const io = new Uint32Array(4);
    let native;
    try {
      const r10 = BigInt(BPF_ADDRESS_BASE2 + stack.end);
      const dispatch = makeDispatch(runtime, helpers, counter, (r0) => native.requestStop(r0));
      native = load2(status2.addon, runtime, helpers, compiled, r10, this.options, dispatch, io);
    } catch (e) {
      runtime.memory.free(stack);
      throw e;
    }
    return new JitPrepared(program, compiled, native, io, counter, () => runtime.memory.free(stack));
  }
};
function load2(addon, runtime, helpers, compiled, r10, options, dispatch, io) {
  const natives = [];
  if (options.nativeHelpers !== false) {
    for (const def of helpers.list()) {
      const name2 = nativeHelperName(def, runtime, addon.nativeHelpers);
      if (name2) natives.push([def.proto.id, name2]);
    }
  }
  return addon.load({
    code: compiled.code,
    memory: runtime.memory.buffer,
    direct: compiled.addressing === "direct",
    r10,
    slotIds: compiled.helperSlots,
    natives,
    usesCallx: compiled.usesCallx,
    dispatch,
    io,
    regions: regionTable(runtime),
    maps: mapTable(runtime),
    refresh: () => [regionTable(runtime), mapTable(runtime)],
    clockOffset: clockOffset(addon, runtime)
  });
}
function clockOffset(addon, runtime) {
  let best = Number.POSITIVE_INFINITY;
  let offset = 0;
  for (let k = 0; k < 5; k++) {
    const t1 = addon.monotonicNs();
    const c = runtime.clock();
    const t2 = addon.monotonicNs();
    if (t2 - t1 < best) {
      best = t2 - t1;
      offset = (t1 + t2) / 2 - c;
    }
  }
  return offset;
}
var x64Engine = new JitEngine();

// packages/verifier/src/tnum.ts
var U64 = (1n << 64n) - 1n;
var U32 = (1n << 32n) - 1n;
function maskOf(bits) {
  return bits === 64 ? U64 : U32;
}
var tnumConst = (v) => ({ value: v, mask: 0n });
var tnumUnknown = (bits = 64) => ({ value: 0n, mask: maskOf(bits) });
function tnumRange(min4, max4, bits = 64) {
  const chi = min4 ^ max4;
  const n = chi === 0n ? 0 : chi.toString(2).length;
  if (n >= bits) return tnumUnknown(bits);
  const delta = (1n << BigInt(n)) - 1n;
  return { value: min4 & ~delta & maskOf(bits), mask: delta };
}
function tnumAdd(a, b, bits) {
  const w2 = maskOf(bits);
  const sm = a.mask + b.mask & w2;
  const sv = a.value + b.value & w2;
  const sigma = sm + sv & w2;
  const chi = sigma ^ sv;
  const mu = chi | a.mask | b.mask;
  return { value: sv & ~mu & w2, mask: mu & w2 };
}
function tnumSub(a, b, bits) {
  const w2 = maskOf(bits);
  const dv = a.value - b.value & w2;
  const alpha = dv + a.mask & w2;
  const beta = dv - b.mask & w2;
  const chi = alpha ^ beta;
  const mu = chi | a.mask | b.mask;
  return { value: dv & ~mu & w2, mask: mu & w2 };
}
function tnumAnd(a, b) {
  const alpha = a.value | a.mask;
  const beta = b.value | b.mask;
  const v = a.value & b.value;
  return { value: v, mask: alpha & beta & ~v };
}
function tnumOr(a, b) {
  const v = a.value | b.value;
  const mu = a.mask | b.mask;
  return { value: v, mask: mu & ~v };
}
function tnumXor(a, b) {
  const v = a.value ^ b.value;
  const mu = a.mask | b.mask;
  return { value: v & ~mu, mask: mu };
}
function tnumLshift(a, k, bits) {
  const w2 = maskOf(bits);
  const s = BigInt(k);
  return { value: a.value << s & w2, mask: a.mask << s & w2 };
}
function tnumRshift(a, k) {
  const s = BigInt(k);
  return { value: a.value >> s, mask: a.mask >> s };
}
function tnumArshift(a, k, bits) {
  const w2 = maskOf(bits);
  const s = BigInt(k);
  return {
    value: BigInt.asIntN(bits, a.value) >> s & w2,
    mask: BigInt.asIntN(bits, a.mask) >> s & w2
  };
}
function tnumMul(a, b, bits) {
  const w2 = maskOf(bits);
  if (a.mask === 0n && b.mask === 0n) return tnumConst(a.value * b.value & w2);
  const accV = a.value * b.value & w2;
  let accM = { value: 0n, mask: 0n };
  let x = a;
  let y = b;
  while (x.value !== 0n || x.mask !== 0n) {
    if (x.value & 1n) accM = tnumAdd(accM, { value: 0n, mask: y.mask }, bits);
    else if (x.mask & 1n) accM = tnumAdd(accM, { value: 0n, mask: y.value | y.mask }, bits);
    x = tnumRshift(x, 1);
    y = tnumLshift(y, 1, bits);
  }
  return tnumAdd(tnumConst(accV), accM, bits);
}
function tnumIntersect(a, b) {
  if ((a.value ^ b.value) & ~(a.mask | b.mask)) return void 0;
  const v = a.value | b.value;
  const mu = a.mask & b.mask;
  return { value: v & ~mu, mask: mu };
}

// packages/verifier/src/bounds.ts
var S64_MIN = -(1n << 63n);
var S64_MAX = (1n << 63n) - 1n;
var S32_MIN = -(1n << 31n);
var S32_MAX = (1n << 31n) - 1n;
var s64 = (x) => BigInt.asIntN(64, x);
var u642 = (x) => BigInt.asUintN(64, x);
var s32 = (x) => BigInt.asIntN(32, x);
var max = (a, b) => a > b ? a : b;
var min = (a, b) => a < b ? a : b;
function unknownBounds() {
  return {
    v: 0n,
    m: U64,
    umin: 0n,
    umax: U64,
    smin: S64_MIN,
    smax: S64_MAX,
    u32min: 0n,
    u32max: U32,
    s32min: S32_MIN,
    s32max: S32_MAX
  };
}
function constBounds(x) {
  const u = u642(x);
  const lo2 = u & U32;
  return {
    v: u,
    m: 0n,
    umin: u,
    umax: u,
    smin: s64(u),
    smax: s64(u),
    u32min: lo2,
    u32max: lo2,
    s32min: s32(lo2),
    s32max: s32(lo2)
  };
}
var isConst = (b) => b.m === 0n;
function feasible(b) {
  return b.umin <= b.umax && b.smin <= b.smax && b.u32min <= b.u32max && b.s32min <= b.s32max;
}
function sync(b) {
  if (b.m === 0n) return syncConst(b);
  for (let round = 0; round < 2; round++) {
    if (!feasible(b)) return false;
    const { v, m, umin, umax, smin, smax, u32min, u32max, s32min, s32max } = b;
    b.umin = max(b.umin, b.v);
    b.umax = min(b.umax, b.v | b.m);
    b.smin = max(b.smin, s64(b.v | b.m & 1n << 63n));
    b.smax = min(b.smax, s64(b.v | b.m & S64_MAX));
    const lv = b.v & U32;
    const lm = b.m & U32;
    b.u32min = max(b.u32min, lv);
    b.u32max = min(b.u32max, lv | lm);
    b.s32min = max(b.s32min, s32(lv | lm & 1n << 31n));
    b.s32max = min(b.s32max, s32(lv | lm & S32_MAX));
    if (!feasible(b)) return false;
    if (b.umin >> 63n === b.umax >> 63n) {
      b.smin = max(b.smin, s64(b.umin));
      b.smax = min(b.smax, s64(b.umax));
    }
    if (b.smin < 0n === b.smax < 0n) {
      b.umin = max(b.umin, u642(b.smin));
      b.umax = min(b.umax, u642(b.smax));
    }
    if (b.u32min >> 31n === b.u32max >> 31n) {
      b.s32min = max(b.s32min, s32(b.u32min));
      b.s32max = min(b.s32max, s32(b.u32max));
    }
    if (b.s32min < 0n === b.s32max < 0n) {
      b.u32min = max(b.u32min, BigInt.asUintN(32, b.s32min));
      b.u32max = min(b.u32max, BigInt.asUintN(32, b.s32max));
    }
    if (!feasible(b)) return false;
    if (b.umin >> 32n === b.umax >> 32n) {
      b.u32min = max(b.u32min, b.umin & U32);
      b.u32max = min(b.u32max, b.umax & U32);
    }
    if (b.smin >> 32n === b.smax >> 32n) {
      b.u32min = max(b.u32min, u642(b.smin) & U32);
      b.u32max = min(b.u32max, u642(b.smax) & U32);
    }
    if (b.m >> 32n === 0n) {
      const hi = b.v & ~U32;
      b.umin = max(b.umin, hi | b.u32min);
      b.umax = min(b.umax, hi | b.u32max);
    }
    if (!feasible(b)) return false;
    const t = tnumIntersect({ value: b.v, mask: b.m }, tnumRange(b.umin, b.umax));
    if (!t) return false;
    const lo2 = tnumRange(b.u32min, b.u32max, 32);
    const t2 = tnumIntersect(t, { value: lo2.value, mask: lo2.mask | U64 & ~U32 });
    if (!t2) return false;
    b.v = t2.value;
    b.m = t2.mask;
    if (v === b.v && m === b.m && umin === b.umin && umax === b.umax && smin === b.smin && smax === b.smax && u32min === b.u32min && u32max === b.u32max && s32min === b.s32min && s32max === b.s32max) {
      break;
    }
  }
  return feasible(b);
}
function syncConst(b) {
  const u = b.v;
  const s = s64(u);
  const lo2 = u & U32;
  const s32v = s32(lo2);
  if (u < b.umin || u > b.umax || s < b.smin || s > b.smax) return false;
  if (lo2 < b.u32min || lo2 > b.u32max || s32v < b.s32min || s32v > b.s32max) return false;
  b.umin = b.umax = u;
  b.smin = b.smax = s;
  b.u32min = b.u32max = lo2;
  b.s32min = b.s32max = s32v;
  return true;
}
function view(b, bits) {
  if (bits === 64)
    return { t: { value: b.v, mask: b.m }, umin: b.umin, umax: b.umax, smin: b.smin, smax: b.smax };
  return {
    t: { value: b.v & U32, mask: b.m & U32 },
    umin: b.u32min,
    umax: b.u32max,
    smin: b.s32min,
    smax: b.s32max
  };
}
function fromView(w2, bits) {
  const b = unknownBounds();
  b.v = w2.t.value;
  if (bits === 64) {
    b.m = w2.t.mask;
    b.umin = w2.umin;
    b.umax = w2.umax;
    b.smin = w2.smin;
    b.smax = w2.smax;
  } else {
    b.m = w2.t.mask;
    b.u32min = w2.umin;
    b.u32max = w2.umax;
    b.s32min = w2.smin;
    b.s32max = w2.smax;
    b.umax = U32;
    b.smin = 0n;
    b.smax = U32;
  }
  if (!sync(b)) throw new Error("internal: infeasible ALU result");
  return b;
}
function narrow(b, w2, bits) {
  if (bits === 64) {
    const t = tnumIntersect({ value: b.v, mask: b.m }, w2.t);
    if (!t) return false;
    b.v = t.value;
    b.m = t.mask;
    b.umin = max(b.umin, w2.umin);
    b.umax = min(b.umax, w2.umax);
    b.smin = max(b.smin, w2.smin);
    b.smax = min(b.smax, w2.smax);
  } else {
    const t = tnumIntersect({ value: b.v, mask: b.m }, { value: w2.t.value, mask: w2.t.mask | U64 & ~U32 });
    if (!t) return false;
    b.v = t.value;
    b.m = t.mask;
    b.u32min = max(b.u32min, w2.umin);
    b.u32max = min(b.u32max, w2.umax);
    b.s32min = max(b.s32min, w2.smin);
    b.s32max = min(b.s32max, w2.smax);
  }
  return sync(b);
}
function formatBounds(b, id = 0) {
  if (b.m === 0n) return formatValue(b.v);
  const items = [
    { name: "smin", val: b.smin, omit: b.smin === S64_MIN },
    { name: "smax", val: b.smax, omit: b.smax === S64_MAX },
    { name: "umin", val: b.umin, omit: b.umin === 0n },
    { name: "umax", val: b.umax, omit: b.umax === U64 },
    { name: "smin32", val: b.s32min, omit: b.s32min === S32_MIN },
    { name: "smax32", val: b.s32max, omit: b.s32max === S32_MAX },
    { name: "umin32", val: b.u32min, omit: b.u32min === 0n },
    { name: "umax32", val: b.u32max, omit: b.u32max === U32 }
  ];
  const parts = id ? [`id=${id}`] : [];
  for (let i = 0; i < items.length; i++) {
    const m1 = items[i];
    if (m1.omit) continue;
    let names = m1.name;
    for (let j = i + 2; j < items.length; j += 2) {
      const m2 = items[j];
      if (m2.omit || m2.val !== m1.val) continue;
      m2.omit = true;
      names += `=${m2.name}`;
    }
    parts.push(`${names}=${m1.val}`);
  }
  if (b.m !== U64) parts.push(`var_off=(0x${b.v.toString(16)}; 0x${b.m.toString(16)})`);
  return `scalar(${parts.join(",")})`;
}
function formatValue(v) {
  const s = s64(v);
  return s > -(1n << 31n) && s < 1n << 32n ? s.toString() : `0x${u642(v).toString(16)}`;
}
function boundsWithin(old, cur) {
  return old.umin <= cur.umin && cur.umax <= old.umax && old.smin <= cur.smin && cur.smax <= old.smax && old.u32min <= cur.u32min && cur.u32max <= old.u32max && old.s32min <= cur.s32min && cur.s32max <= old.s32max && (cur.m & ~old.m) === 0n && (cur.v & ~old.m) === old.v;
}
function boundsEqual(a, b) {
  return a.v === b.v && a.m === b.m && a.umin === b.umin && a.umax === b.umax && a.smin === b.smin && a.smax === b.smax && a.u32min === b.u32min && a.u32max === b.u32max && a.s32min === b.s32min && a.s32max === b.s32max;
}

// packages/verifier/src/liveness.ts
var R = (...regs) => regs.reduce((m, r) => m | 1 << r, 0);
var ARGS = R(1, 2, 3, 4, 5);
var CALLER_SAVED = R(0, 1, 2, 3, 4, 5);
function useDef(insn) {
  switch (insn.kind) {
    case "alu": {
      const mov = insn.op === "mov" || insn.op.startsWith("movsx");
      return [(mov ? 0 : R(insn.dst)) | (insn.source === "reg" ? R(insn.src) : 0), R(insn.dst)];
    }
    case "end":
      return [R(insn.dst), R(insn.dst)];
    case "jmp":
      return [R(insn.dst) | (insn.source === "reg" ? R(insn.src) : 0), 0];
    case "call":
      return [ARGS, CALLER_SAVED];
    case "callx":
      return [ARGS | R(insn.reg), CALLER_SAVED];
    case "exit":
      return [R(0), 0];
    case "lddw":
      return [0, R(insn.dst)];
    case "ldabs":
      return [R(6), CALLER_SAVED];
    case "ldind":
      return [R(6, insn.src), CALLER_SAVED];
    case "ldx":
      return [R(insn.src), R(insn.dst)];
    case "st":
      return [R(insn.dst), 0];
    case "stx":
      return [R(insn.dst, insn.src), 0];
    case "atomic":
      if (insn.op === "cmpxchg") return [R(insn.dst, insn.src, 0), R(0)];
      return [R(insn.dst, insn.src), insn.fetch ? R(insn.src) : 0];
    default:
      return [0, 0];
  }
}
function liveness(insns, target3) {
  const n = insns.length;
  const liveIn = new Uint16Array(n);
  const ud = insns.map(useDef);
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      const insn = insns[i];
      let out = 0;
      if (insn.kind === "ja" || insn.kind === "gotol") out = liveIn[target3[i]];
      else if (insn.kind === "jmp") out = liveIn[i + 1] | liveIn[target3[i]];
      else if (insn.kind !== "exit" && i + 1 < n) out = liveIn[i + 1];
      const [use, def] = ud[i];
      const v = use | out & ~def | R(10);
      if (v !== liveIn[i]) {
        liveIn[i] = v;
        changed = true;
      }
    }
  }
  return liveIn;
}

// packages/verifier/src/cfg.ts
var StructureError = class extends Error {
  constructor(insnIndex, reason) {
    super(reason);
    this.insnIndex = insnIndex;
    this.reason = reason;
  }
};
function opcodeOf(insn) {
  try {
    return encodeSlots(insn)[0].opcode;
  } catch {
    return 0;
  }
}
var hex2 = (n) => n.toString(16).padStart(2, "0");
function regsOf(insn) {
  switch (insn.kind) {
    case "alu":
      return { read: insn.source === "reg" ? [insn.src] : [], write: [insn.dst] };
    case "end":
      return { read: [], write: [insn.dst] };
    case "jmp":
      return { read: insn.source === "reg" ? [insn.dst, insn.src] : [insn.dst], write: [] };
    case "callx":
      return { read: [insn.reg], write: [] };
    case "lddw":
      return { read: [], write: [insn.dst] };
    case "ldind":
      return { read: [insn.src], write: [] };
    case "ldx":
      return { read: [insn.src], write: [insn.dst] };
    case "st":
      return { read: [insn.dst], write: [] };
    case "stx":
    case "atomic":
      return { read: [insn.dst, insn.src], write: [] };
    default:
      return { read: [], write: [] };
  }
}
function checkInsn(insn, i, cpu) {
  const v = cpuVersion(insn);
  if (v === void 0 || v > cpu) throw new StructureError(i, `unknown opcode ${hex2(opcodeOf(insn))}`);
  const { read, write } = regsOf(insn);
  for (const r of [...read, ...write]) {
    if (!Number.isInteger(r) || r < 0 || r > 10) throw new StructureError(i, `R${r} is invalid`);
  }
  for (const r of write) if (r === 10) throw new StructureError(i, "frame pointer is read only");
  if (insn.kind === "call" && insn.target === "kfunc") {
    throw new StructureError(i, "calling kernel functions is not supported");
  }
  if (insn.kind === "alu" && insn.source === "imm" && insn.imm === 0 && /^s?(div|mod)$/.test(insn.op)) {
    throw new StructureError(i, "div by zero");
  }
  if (insn.kind === "lddw" && (insn.source === "var_addr" || insn.source === "code_addr")) {
    throw new StructureError(
      i,
      `unsupported lddw pseudo source ${insn.source} (callbacks and BTF variables)`
    );
  }
}
function isCondJump(insn) {
  return insn.kind === "jmp";
}
function endsFlow(insn) {
  return insn.kind === "exit" || insn.kind === "ja" || insn.kind === "gotol";
}
function checkStructure(insns, cpu, strictRfc) {
  const n = insns.length;
  if (n === 0) throw new StructureError(0, "empty program");
  for (let i = 0; i < n; i++) checkInsn(insns[i], i, cpu);
  const target3 = new Int32Array(n).fill(-1);
  const targets = branchTargets(insns);
  const starts0 = slotStarts(insns);
  const starts = /* @__PURE__ */ new Set([0]);
  targets.forEach((t, i) => {
    if (!t) return;
    const insn = insns[i];
    if (!t.ok) {
      const isCall = insn.kind === "call";
      if (isCall) throw new StructureError(i, "call to invalid destination");
      throw new StructureError(
        i,
        t.reason === "lddw-middle" ? `jump into the middle of ldimm64 insn ${starts0.indexOf(t.slot - 1)}` : `jump out of range from insn ${i} to ${t.slot}`
      );
    }
    target3[i] = t.index;
    if (insn.kind === "call") starts.add(t.index);
  });
  const subprogStarts = [...starts].sort((a, b) => a - b);
  const subprogOf = new Int32Array(n);
  for (let s = 0; s < subprogStarts.length; s++) {
    const end = s + 1 < subprogStarts.length ? subprogStarts[s + 1] : n;
    for (let i = subprogStarts[s]; i < end; i++) subprogOf[i] = s;
    const last = insns[end - 1];
    if (!endsFlow(last)) {
      if (end === n) throw new StructureError(end - 1, `jump out of range from insn ${end - 1} to ${end}`);
      throw new StructureError(end - 1, "last insn is not an exit or jmp");
    }
  }
  const callees = subprogStarts.map(() => /* @__PURE__ */ new Set());
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    if (target3[i] < 0) continue;
    if (insn.kind === "call") {
      callees[subprogOf[i]].add(subprogOf[target3[i]]);
    } else if (subprogOf[target3[i]] !== subprogOf[i]) {
      throw new StructureError(i, `jump out of range from insn ${i} to ${target3[i]}`);
    }
  }
  const prunePoint = new Uint8Array(n);
  const color = new Uint8Array(n);
  const stack = [0];
  const nextEdge = new Int32Array(n);
  color[0] = 1;
  const successors2 = (i) => {
    const insn = insns[i];
    if (insn.kind === "exit") return [];
    if (insn.kind === "ja" || insn.kind === "gotol") return [target3[i]];
    if (isCondJump(insn)) return [i + 1, target3[i]];
    if (insn.kind === "call" && insn.target === "local") return [i + 1, target3[i]];
    return [i + 1];
  };
  while (stack.length > 0) {
    const t = stack[stack.length - 1];
    const succ = successors2(t);
    if (nextEdge[t] >= succ.length) {
      color[t] = 2;
      stack.pop();
      continue;
    }
    const w2 = succ[nextEdge[t]++];
    const insn = insns[t];
    if (insn.kind === "jmp" || insn.kind === "ja" || insn.kind === "gotol") {
      prunePoint[w2] = 1;
      if (insn.kind === "jmp") prunePoint[t + 1] = 1;
    }
    if (insn.kind === "call") prunePoint[t + 1] = 1;
    if (color[w2] === 0) {
      color[w2] = 1;
      stack.push(w2);
    } else if (color[w2] === 1 && strictRfc) {
      throw new StructureError(t, `back-edge from insn ${t} to ${w2}`);
    }
  }
  for (let i = 0; i < n; i++) if (color[i] === 0) throw new StructureError(i, `unreachable insn ${i}`);
  return { target: target3, subprogStarts, subprogOf, prunePoint, callees, liveIn: liveness(insns, target3) };
}

// packages/verifier/src/errors.ts
var Reject = class extends Error {
  constructor(insnIndex, reason) {
    super(reason);
    this.insnIndex = insnIndex;
    this.reason = reason;
  }
};

// packages/verifier/src/program-types.ts
function helperSet(protos) {
  return new Map([...protos].map((p) => [p.id, p]));
}
var CONFORMANCE_HELPERS = helperSet([
  { id: 5, name: "unwind", args: ["anything"], ret: "integer" }
]);
var PT_REGS_FIELDS = [
  "r15",
  "r14",
  "r13",
  "r12",
  "bp",
  "bx",
  "r11",
  "r10",
  "r9",
  "r8",
  "ax",
  "cx",
  "dx",
  "si",
  "di",
  "orig_ax",
  "ip",
  "cs",
  "flags",
  "sp",
  "ss"
];
function kprobeType(helpers) {
  const fields = PT_REGS_FIELDS.map((name2, i) => ({ name: name2, off: i * 8, size: 8 }));
  return { name: "kprobe", ctx: { kind: "fields", size: 168, fields }, helpers };
}
function tracepointType(fields, helpers) {
  const size = fields.reduce((m, f) => Math.max(m, f.offset + f.size), 0);
  return {
    name: "tracepoint",
    ctx: { kind: "fields", size, fields: fields.map((f) => ({ name: f.name, off: f.offset, size: f.size })) },
    helpers
  };
}

// packages/verifier/src/scalar-alu.ts
var min2 = (a, b) => a < b ? a : b;
var max2 = (a, b) => a > b ? a : b;
function signedLimits(bits) {
  return bits === 64 ? [S64_MIN, S64_MAX] : [S32_MIN, S32_MAX];
}
function unknownView(bits) {
  const [smin, smax] = signedLimits(bits);
  return { t: tnumUnknown(bits), umin: 0n, umax: maskOf(bits), smin, smax };
}
function constView(x, bits) {
  const u = x & maskOf(bits);
  const s = BigInt.asIntN(bits, u);
  return { t: tnumConst(u), umin: u, umax: u, smin: s, smax: s };
}
function evalAlu(op, x, y, bits) {
  const w2 = maskOf(bits);
  const a = x & w2;
  const b = y & w2;
  const sa = BigInt.asIntN(bits, a);
  const sb = BigInt.asIntN(bits, b);
  const sh = BigInt(Number(b & BigInt(bits - 1)));
  switch (op) {
    case "add":
      return a + b & w2;
    case "sub":
      return a - b & w2;
    case "mul":
      return a * b & w2;
    case "div":
      return b === 0n ? 0n : a / b;
    case "sdiv":
      return sb === 0n ? 0n : sa / sb & w2;
    case "mod":
      return b === 0n ? a : a % b;
    case "smod":
      return sb === 0n ? a : sa % sb & w2;
    case "or":
      return a | b;
    case "and":
      return a & b;
    case "xor":
      return a ^ b;
    case "lsh":
      return a << sh & w2;
    case "rsh":
      return a >> sh;
    case "arsh":
      return sa >> sh & w2;
    case "neg":
      return -a & w2;
    case "mov":
      return b;
    case "movsx8":
      return BigInt.asIntN(8, b) & w2;
    case "movsx16":
      return BigInt.asIntN(16, b) & w2;
    case "movsx32":
      return BigInt.asIntN(32, b) & w2;
  }
}
function fits(x, bits) {
  const [lo2, hi] = signedLimits(bits);
  return x >= lo2 && x <= hi;
}
function viewOp(op, a, b, bits) {
  const w2 = maskOf(bits);
  const r = unknownView(bits);
  switch (op) {
    case "add": {
      r.t = tnumAdd(a.t, b.t, bits);
      if (a.umax + b.umax <= w2) [r.umin, r.umax] = [a.umin + b.umin, a.umax + b.umax];
      if (fits(a.smin + b.smin, bits) && fits(a.smax + b.smax, bits))
        [r.smin, r.smax] = [a.smin + b.smin, a.smax + b.smax];
      return r;
    }
    case "sub": {
      r.t = tnumSub(a.t, b.t, bits);
      if (a.umin >= b.umax) [r.umin, r.umax] = [a.umin - b.umax, a.umax - b.umin];
      if (fits(a.smin - b.smax, bits) && fits(a.smax - b.smin, bits))
        [r.smin, r.smax] = [a.smin - b.smax, a.smax - b.smin];
      return r;
    }
    case "mul": {
      r.t = tnumMul(a.t, b.t, bits);
      if (a.umax * b.umax <= w2) [r.umin, r.umax] = [a.umin * b.umin, a.umax * b.umax];
      const corners = [a.smin * b.smin, a.smin * b.smax, a.smax * b.smin, a.smax * b.smax];
      if (corners.every((c) => fits(c, bits))) {
        r.smin = corners.reduce(min2);
        r.smax = corners.reduce(max2);
      }
      return r;
    }
    case "and":
      r.t = tnumAnd(a.t, b.t);
      [r.umin, r.umax] = [r.t.value, min2(a.umax, b.umax)];
      return r;
    case "or":
      r.t = tnumOr(a.t, b.t);
      [r.umin, r.umax] = [max2(a.umin, b.umin), r.t.value | r.t.mask];
      return r;
    case "xor":
      r.t = tnumXor(a.t, b.t);
      return r;
    case "lsh": {
      if (b.umax >= BigInt(bits)) return r;
      if (b.t.mask === 0n) r.t = tnumLshift(a.t, Number(b.t.value), bits);
      else r.t = tnumLshift(tnumUnknown(bits), Number(b.umin), bits);
      if (a.umax << b.umax <= w2) [r.umin, r.umax] = [a.umin << b.umin, a.umax << b.umax];
      return r;
    }
    case "rsh": {
      if (b.umax >= BigInt(bits)) return r;
      if (b.t.mask === 0n) r.t = tnumRshift(a.t, Number(b.t.value));
      [r.umin, r.umax] = [a.umin >> b.umax, a.umax >> b.umin];
      return r;
    }
    case "arsh": {
      if (b.umax >= BigInt(bits)) return r;
      if (b.t.mask === 0n) r.t = tnumArshift(a.t, Number(b.t.value), bits);
      r.smin = min2(a.smin >> b.umin, a.smin >> b.umax);
      r.smax = max2(a.smax >> b.umin, a.smax >> b.umax);
      return r;
    }
    case "div":
      if (b.umin > 0n) [r.umin, r.umax] = [a.umin / b.umax, a.umax / b.umin];
      else [r.umin, r.umax] = [0n, a.umax];
      return r;
    case "mod":
      r.umax = b.umin > 0n ? min2(a.umax, b.umax - 1n) : a.umax;
      return r;
    case "neg":
      r.t = tnumSub(tnumConst(0n), a.t, bits);
      if (a.smin > signedLimits(bits)[0]) [r.smin, r.smax] = [-a.smax, -a.smin];
      return r;
    case "mov":
      return b;
    case "movsx8":
    case "movsx16":
    case "movsx32": {
      const n = op === "movsx8" ? 8 : op === "movsx16" ? 16 : 32;
      const lim = 1n << BigInt(n - 1);
      const lowMask = (1n << BigInt(n)) - 1n;
      if (((b.t.value | b.t.mask) & lim) === 0n) {
        r.t = { value: b.t.value & lowMask, mask: b.t.mask & lowMask };
        [r.umin, r.umax] = [0n, lim - 1n];
        [r.smin, r.smax] = [0n, lim - 1n];
      } else [r.smin, r.smax] = [-lim, lim - 1n];
      return r;
    }
    default:
      return r;
  }
}
function scalarAlu(op, dst, src, bits) {
  if ((op === "lsh" || op === "rsh" || op === "arsh") && isConst(src))
    src = constBounds(src.v & BigInt(bits - 1));
  if ((isConst(dst) || op === "mov" || op.startsWith("movsx")) && isConst(src)) {
    return bits === 64 ? constBounds(evalAlu(op, dst.v, src.v, 64)) : constBounds(evalAlu(op, dst.v, src.v, 32));
  }
  if (op === "neg" && isConst(dst)) return constBounds(evalAlu(op, dst.v, 0n, bits));
  return fromView(viewOp(op, view(dst, bits), view(src, bits), bits), bits);
}
function scalarEnd(op, bitsN, dst) {
  const n = BigInt(bitsN);
  const low = (1n << n) - 1n;
  if (op === "le") {
    if (bitsN === 64) return dst;
    return fromView(viewOp("and", view(dst, 64), constView(low, 64), 64), 64);
  }
  if (isConst(dst)) {
    let v = dst.v & low;
    let out = 0n;
    for (let i = 0n; i < n; i += 8n) {
      out = out << 8n | v & 0xffn;
      v >>= 8n;
    }
    return constBounds(out);
  }
  if (bitsN === 64) return fromView(unknownView(64), 64);
  return fromView({ ...unknownView(64), t: { value: 0n, mask: low }, umax: low, smin: 0n, smax: low }, 64);
}
function immBounds(imm, bits) {
  return constBounds(bits === 64 ? BigInt(imm | 0) : BigInt(imm >>> 0) & U32);
}

// packages/verifier/src/scalar-branch.ts
var NEGATE = {
  jeq: "jne",
  jne: "jeq",
  jgt: "jle",
  jle: "jgt",
  jge: "jlt",
  jlt: "jge",
  jsgt: "jsle",
  jsle: "jsgt",
  jsge: "jslt",
  jslt: "jsge",
  jset: "jnset",
  jnset: "jset"
};
var negate = (c) => NEGATE[c];
var max3 = (a, b) => a > b ? a : b;
var min3 = (a, b) => a < b ? a : b;
function refineViews(c, a, b, bits) {
  const A = { ...a };
  const B = { ...b };
  switch (c) {
    case "jeq": {
      const t = tnumIntersect(a.t, b.t);
      if (!t) return void 0;
      const r = {
        t,
        umin: max3(a.umin, b.umin),
        umax: min3(a.umax, b.umax),
        smin: max3(a.smin, b.smin),
        smax: min3(a.smax, b.smax)
      };
      return [r, { ...r }];
    }
    case "jne": {
      for (const [x, k] of [
        [A, b],
        [B, a]
      ]) {
        if (k.t.mask !== 0n) continue;
        const c0 = k.t.value;
        const cs = BigInt.asIntN(bits, c0);
        if (x.t.mask === 0n && x.t.value === c0) return void 0;
        if (x.umin === c0) x.umin++;
        if (x.umax === c0) x.umax--;
        if (x.smin === cs) x.smin++;
        if (x.smax === cs) x.smax--;
      }
      return [A, B];
    }
    case "jgt":
      A.umin = max3(a.umin, b.umin + 1n);
      B.umax = min3(b.umax, a.umax - 1n);
      return [A, B];
    case "jge":
      A.umin = max3(a.umin, b.umin);
      B.umax = min3(b.umax, a.umax);
      return [A, B];
    case "jlt":
      A.umax = min3(a.umax, b.umax - 1n);
      B.umin = max3(b.umin, a.umin + 1n);
      return [A, B];
    case "jle":
      A.umax = min3(a.umax, b.umax);
      B.umin = max3(b.umin, a.umin);
      return [A, B];
    case "jsgt":
      A.smin = max3(a.smin, b.smin + 1n);
      B.smax = min3(b.smax, a.smax - 1n);
      return [A, B];
    case "jsge":
      A.smin = max3(a.smin, b.smin);
      B.smax = min3(b.smax, a.smax);
      return [A, B];
    case "jslt":
      A.smax = min3(a.smax, b.smax - 1n);
      B.smin = max3(b.smin, a.smin + 1n);
      return [A, B];
    case "jsle":
      A.smax = min3(a.smax, b.smax);
      B.smin = max3(b.smin, a.smin);
      return [A, B];
    case "jset": {
      if (((a.t.value | a.t.mask) & (b.t.value | b.t.mask)) === 0n) return void 0;
      if (A.umin === 0n) A.umin = 1n;
      if (b.t.mask === 0n && (b.t.value & b.t.value - 1n) === 0n) {
        const t = tnumIntersect(a.t, { value: b.t.value, mask: maskOf(bits) & ~b.t.value });
        if (!t) return void 0;
        A.t = t;
      }
      return [A, B];
    }
    case "jnset": {
      if ((a.t.value & b.t.value) !== 0n) return void 0;
      if (b.t.mask === 0n) {
        const t = tnumIntersect(a.t, { value: 0n, mask: maskOf(bits) & ~b.t.value });
        if (!t) return void 0;
        A.t = t;
      }
      return [A, B];
    }
  }
}
function constHolds(c, x, y, bits) {
  const w2 = maskOf(bits);
  const a = x & w2;
  const b = y & w2;
  const sa = BigInt.asIntN(bits, a);
  const sb = BigInt.asIntN(bits, b);
  switch (c) {
    case "jeq":
      return a === b;
    case "jne":
      return a !== b;
    case "jgt":
      return a > b;
    case "jge":
      return a >= b;
    case "jlt":
      return a < b;
    case "jle":
      return a <= b;
    case "jsgt":
      return sa > sb;
    case "jsge":
      return sa >= sb;
    case "jslt":
      return sa < sb;
    case "jsle":
      return sa <= sb;
    case "jset":
      return (a & b) !== 0n;
    case "jnset":
      return (a & b) === 0n;
  }
}
function refineScalars(c, a, b, bits) {
  if (a.m === 0n && b.m === 0n) return constHolds(c, a.v, b.v, bits) ? [a, b] : void 0;
  const r = refineViews(c, view(a, bits), view(b, bits), bits);
  if (!r) return void 0;
  const na = { ...a };
  const nb = { ...b };
  if (!narrow(na, r[0], bits) || !narrow(nb, r[1], bits)) return void 0;
  return [na, nb];
}

// packages/verifier/src/state.ts
function withBounds(r, b) {
  return {
    type: r.type,
    nullable: r.nullable,
    off: r.off,
    id: r.id,
    id32: r.id32,
    refId: r.refId,
    map: r.map,
    size: r.size,
    rdonly: r.rdonly,
    ringbuf: r.ringbuf,
    range: r.range,
    frame: r.frame,
    sig: void 0,
    v: b.v,
    m: b.m,
    umin: b.umin,
    umax: b.umax,
    smin: b.smin,
    smax: b.smax,
    u32min: b.u32min,
    u32max: b.u32max,
    s32min: b.s32min,
    s32max: b.s32max
  };
}
var BASE = {
  type: "not_init",
  nullable: false,
  off: 0,
  id: 0,
  id32: 0,
  refId: 0,
  map: -1,
  size: 0,
  rdonly: false,
  ringbuf: false,
  range: 0,
  frame: 0,
  sig: void 0
};
var NOT_INIT = Object.freeze(withBounds(BASE, unknownBounds()));
var SCALAR = { ...BASE, type: "scalar" };
function scalarReg(b = unknownBounds(), id = 0) {
  const r = withBounds(SCALAR, b);
  r.id = id;
  return r;
}
function constReg(v) {
  return scalarReg(constBounds(v));
}
function ptrReg(type, fields = {}) {
  const r = withBounds(BASE, constBounds(0n));
  r.type = type;
  return Object.assign(r, fields);
}
var isPointer = (r) => r.type !== "scalar" && r.type !== "not_init";
function typeName(r) {
  let base = r.type;
  if (r.type === "not_init") return "not_init";
  if (r.type === "mem") base = r.ringbuf ? "ringbuf_mem" : r.rdonly ? "rdonly_mem" : "mem";
  return r.nullable ? `${base}_or_null` : base;
}
var STACK_INVALID = 0;
var STACK_MISC = 1;
var STACK_ZERO = 2;
var STACK_SPILL = 3;
var STACK_SIZE2 = 512;
function ownStack(f) {
  if (!f.shared) return;
  f.stack = f.stack.slice();
  f.spills = f.spills.slice();
  f.shared = false;
}
function newFrame(callsite, subprog) {
  return {
    regs: new Array(11).fill(NOT_INIT),
    stack: new Uint8Array(STACK_SIZE2),
    spills: new Array(STACK_SIZE2 / 8).fill(void 0),
    callsite,
    subprog,
    shared: false
  };
}
function copyState(s) {
  return {
    frames: s.frames.map((f) => {
      f.shared = true;
      return {
        regs: f.regs.slice(),
        stack: f.stack,
        spills: f.spills,
        callsite: f.callsite,
        subprog: f.subprog,
        shared: true
      };
    }),
    refs: s.refs.slice()
  };
}
var curFrame = (s) => s.frames[s.frames.length - 1];
var IdMap = class {
  map = /* @__PURE__ */ new Map();
  fake = 0;
  check(old, cur) {
    if (old === 0) return true;
    const c = cur === 0 ? -++this.fake : cur;
    const seen = this.map.get(old);
    if (seen === void 0) {
      this.map.set(old, c);
      return true;
    }
    return seen === c;
  }
};
function regSafe(old, cur, ids) {
  if (old.type === "not_init") return true;
  if (cur.type !== old.type) return false;
  if (old.type === "scalar")
    return boundsWithin(old, cur) && ids.check(old.id, cur.id) && ids.check(old.id32, cur.id32);
  return old.nullable === cur.nullable && old.off === cur.off && old.map === cur.map && old.size === cur.size && old.rdonly === cur.rdonly && old.ringbuf === cur.ringbuf && old.frame === cur.frame && old.range <= cur.range && boundsWithin(old, cur) && ids.check(old.id, cur.id) && ids.check(old.refId, cur.refId);
}
function stackSafe(old, cur, ids) {
  for (let i = 0; i < STACK_SIZE2; i++) {
    const o = old.stack[i];
    if (o === STACK_INVALID) continue;
    const c = cur.stack[i];
    if (o === STACK_SPILL) {
      if (c !== STACK_SPILL) return false;
      if (i % 8 === 0) {
        const os = old.spills[i >> 3];
        const cs = cur.spills[i >> 3];
        if (!os || !cs || !regSafe(os, cs, ids)) return false;
      }
      continue;
    }
    if (o === STACK_ZERO) {
      if (c === STACK_ZERO) continue;
      const cs = cur.spills[i >> 3];
      if (c === STACK_SPILL && cs && cs.type === "scalar" && cs.m === 0n && cs.v === 0n) continue;
      return false;
    }
    if (c === STACK_MISC || c === STACK_ZERO) continue;
    if (c === STACK_SPILL && cur.spills[i >> 3]?.type === "scalar") continue;
    return false;
  }
  return true;
}
function stateSafe(old, cur, live) {
  if (old.frames.length !== cur.frames.length || old.refs.length !== cur.refs.length) return false;
  const ids = new IdMap();
  for (let f = 0; f < old.frames.length; f++) {
    const of = old.frames[f];
    const cf = cur.frames[f];
    if (of.callsite !== cf.callsite) return false;
    const mask = live ? live[f] : 2047;
    for (let r = 0; r < 11; r++) {
      if (mask & 1 << r && !regSafe(of.regs[r], cf.regs[r], ids)) return false;
    }
    if (!stackSafe(of, cf, ids)) return false;
  }
  for (let i = 0; i < old.refs.length; i++) if (!ids.check(old.refs[i].id, cur.refs[i].id)) return false;
  return true;
}
function regEqual(a, b) {
  if (a.type !== b.type) return false;
  if (a.type === "not_init") return true;
  return a.nullable === b.nullable && a.off === b.off && a.id === b.id && a.id32 === b.id32 && a.refId === b.refId && a.map === b.map && a.size === b.size && a.range === b.range && a.frame === b.frame && boundsEqual(a, b);
}
function sameRegs(old, cur) {
  if (old.frames.length !== cur.frames.length) return false;
  const a = curFrame(old).regs;
  const b = curFrame(cur).regs;
  for (let r = 0; r < 11; r++) if (!regEqual(a[r], b[r])) return false;
  return true;
}
function regsKey(s) {
  const regs = curFrame(s).regs;
  let k = `${s.frames.length}`;
  for (const r of regs) {
    if (r.type === "not_init") k += "|-";
    else {
      r.sig ??= `${r.type[0]}${r.off},${r.v}`;
      k += `|${r.sig}`;
    }
  }
  return k;
}
function formatReg(r, mapName, maps) {
  if (r.type === "scalar") return formatBounds(r, r.id);
  if (r.type === "fp" && r.m === 0n) return `fp${r.off}`;
  const parts = [];
  if (r.id) parts.push(`id=${r.id}`);
  if (r.refId) parts.push(`ref_obj_id=${r.refId}`);
  if (r.type === "map_ptr" || r.type === "map_value") {
    const [ks, vs] = maps(r.map);
    parts.push(`map=${mapName(r.map)}`, `ks=${ks}`, `vs=${vs}`);
  }
  if (r.type === "mem") parts.push(`sz=${r.size}`);
  if (r.type === "pkt") parts.push(`r=${r.range}`);
  if (r.off) parts.push(`off=${r.off}`);
  if (r.m !== 0n) {
    const b = formatBounds(r);
    parts.push(b.slice("scalar(".length, -1));
  }
  return `${typeName(r)}(${parts.join(",")})`;
}

// packages/verifier/src/checker.ts
function helperName(opts, id) {
  const name2 = opts.type.helpers.get(id)?.name;
  return name2 === void 0 ? void 0 : `bpf_${name2}`;
}
var COMPLEXITY_LIMIT_INSNS = 1e6;
var MAX_PENDING = 8192;
var MAX_CALL_FRAMES2 = 8;
var MAX_VAR_OFF = 1 << 29;
var RINGBUF_MAP = 27;
var ARRAY_MAP = 2;
var ALU_STR = {
  add: "+=",
  sub: "-=",
  mul: "*=",
  div: "/=",
  sdiv: "/=",
  or: "|=",
  and: "&=",
  lsh: "<<=",
  rsh: ">>=",
  neg: "neg",
  mod: "%=",
  smod: "%=",
  xor: "^=",
  mov: "=",
  arsh: "s>>="
};
function loadedScalar(size, signed) {
  if (size === 8) return scalarReg();
  const bits = BigInt(size * 8);
  const b = unknownBounds();
  if (signed) {
    b.smin = -(1n << bits - 1n);
    b.smax = (1n << bits - 1n) - 1n;
  } else {
    b.umax = (1n << bits) - 1n;
  }
  return scalarFrom(b);
}
function scalarFrom(b) {
  const r = scalarReg({ ...b });
  if (!sync(r)) throw new Error("internal: infeasible scalar");
  return r;
}
var isZeroConst = (r) => r.type === "scalar" && r.m === 0n && r.v === 0n;
var Checker = class {
  insns;
  s;
  opts;
  maps;
  level;
  unpriv;
  limit;
  lines = [];
  /** Fully explored checkpoints per instruction: candidates for pruning. */
  done = /* @__PURE__ */ new Map();
  /** Checkpoints still being explored, by instruction and register signature. */
  inProgress = /* @__PURE__ */ new Map();
  inProgressCount;
  pending = [];
  idGen = 0;
  st;
  pc = 0;
  parent = null;
  jmpsSinceCkpt = 0;
  insnsSinceCkpt = 0;
  /** Deepest stack byte used by each sub-program. */
  stackDepth;
  stats = {
    processed: 0,
    maxStatesPerInsn: 0,
    totalStates: 0,
    peakStates: 0,
    pruned: 0,
    stackDepth: 0
  };
  curStates = 0;
  constructor(insns, structure, opts) {
    this.insns = insns;
    this.s = structure;
    this.opts = opts;
    this.maps = opts.maps ?? [];
    this.level = opts.logLevel ?? 0;
    this.unpriv = opts.unprivileged ?? false;
    this.limit = opts.insnLimit ?? COMPLEXITY_LIMIT_INSNS;
    this.stackDepth = structure.subprogStarts.map(() => 0);
    this.inProgressCount = new Int32Array(insns.length);
  }
  // ---- logging -------------------------------------------------------------------------
  helperName = (id) => helperName(this.opts, id);
  mapName = (i) => this.maps[i]?.name ?? `map${i}`;
  mapSizes = (i) => [
    this.maps[i]?.keySize ?? 0,
    this.maps[i]?.valueSize ?? 0
  ];
  fmt(r) {
    return formatReg(r, this.mapName, this.mapSizes);
  }
  /** Linux's print_verifier_state: initialised registers, then non-empty stack slots. */
  formatState(st) {
    const parts = [];
    st.frames.forEach((f, fi) => {
      if (st.frames.length > 1) parts.push(`frame${fi}:`);
      f.regs.forEach((r, i) => {
        if (r.type !== "not_init") parts.push(`R${i}=${this.fmt(r)}`);
      });
      for (let slot = STACK_SIZE2 / 8 - 1; slot >= 0; slot--) {
        const bytes = f.stack.subarray(slot * 8, slot * 8 + 8);
        if (bytes.every((b) => b === STACK_INVALID)) continue;
        const off = slot * 8 - STACK_SIZE2;
        const spill2 = f.spills[slot];
        if (bytes[0] === STACK_SPILL && spill2) parts.push(`fp${off}=${this.fmt(spill2)}`);
        else
          parts.push(
            `fp${off}=${[...bytes].reverse().map((b) => "?m0s"[b]).join("")}`
          );
      }
    });
    return parts.join(" ");
  }
  log(line) {
    this.lines.push(line);
  }
  sourceOf(pc) {
    const li = this.opts.lineInfo;
    if (!li || li.length === 0) return void 0;
    let best;
    for (const l of li) if (l.insnIndex <= pc && (!best || l.insnIndex >= best.insnIndex)) best = l;
    if (!best) return void 0;
    return `${best.file}:${best.line}${best.source ? `: ${best.source.trim()}` : ""}`;
  }
  // ---- state helpers -------------------------------------------------------------------
  get frame() {
    return curFrame(this.st);
  }
  reject(reason) {
    throw new Reject(this.pc, reason);
  }
  readReg(n) {
    const r = this.frame.regs[n];
    if (r.type === "not_init") this.reject(`R${n} !read_ok`);
    return r;
  }
  setReg(n, r) {
    this.frame.regs[n] = r;
  }
  newId() {
    return ++this.idGen;
  }
  /** Apply `fn` to every register and spilled register of every frame. */
  forEachReg(fn) {
    for (const f of this.st.frames) {
      for (let i = 0; i < 11; i++) {
        const n = fn(f.regs[i]);
        if (n) f.regs[i] = n;
      }
      for (let i = 0; i < f.spills.length; i++) {
        const sp = f.spills[i];
        if (!sp) continue;
        const n = fn(sp);
        if (n) {
          ownStack(f);
          f.spills[i] = n;
        }
      }
    }
  }
  // ---- the walk --------------------------------------------------------------------------
  run(initial) {
    this.pending.push({ state: initial, pc: 0, from: -1, parent: null });
    while (this.pending.length > 0) {
      const p = this.pending.pop();
      this.st = p.state;
      this.pc = p.pc;
      this.parent = p.parent;
      if (p.from >= 0 && this.level >= 1) this.log(`from ${p.from} to ${p.pc}: ${this.formatState(this.st)}`);
      this.walkPath();
    }
  }
  walkPath() {
    for (; ; ) {
      if (++this.stats.processed > this.limit) {
        this.reject(`BPF program is too large. Processed ${this.stats.processed} insn`);
      }
      if (this.s.prunePoint[this.pc] && this.isStateVisited()) {
        this.endPath();
        return;
      }
      const insn = this.insns[this.pc];
      const before = this.level >= 2 ? this.frame.regs.slice() : void 0;
      const framesBefore = this.st.frames.length;
      const at = this.pc;
      if (this.level >= 1) {
        const src = this.opts.lineInfo ? this.sourceOf(at) : void 0;
        if (src && this.sourceOf(at - 1) !== src) this.log(`; ${src}`);
      }
      const next = this.step(insn);
      if (this.level >= 1) {
        let line = `${at}: ${formatKernel(insn, { helperName: this.helperName })}`;
        if (before && this.st.frames.length === framesBefore && next !== -1) {
          const changed = [];
          this.frame.regs.forEach((r, i) => {
            if (r !== before[i] && r.type !== "not_init") changed.push(`R${i}_w=${this.fmt(r)}`);
          });
          if (changed.length) line = `${line.padEnd(40)}; ${changed.join(" ")}`;
        }
        this.log(line);
      }
      if (next < 0) {
        this.endPath();
        return;
      }
      this.pc = next;
    }
  }
  /** A path ended (exit or pruned): its checkpoints lose one branch in progress. */
  endPath() {
    let c = this.parent;
    while (c) {
      c.branches--;
      if (c.branches > 0) break;
      this.complete(c);
      c = c.parent;
    }
  }
  /** Live registers of each frame at the current instruction (callers: at their return point). */
  liveMasks() {
    const frames = this.st.frames;
    return frames.map(
      (_, f) => f === frames.length - 1 ? this.s.liveIn[this.pc] : this.s.liveIn[frames[f + 1].callsite + 1] & 1984
    );
  }
  /** A checkpoint whose every continuation is explored becomes a pruning candidate. */
  complete(c) {
    const byKey = this.inProgress.get(c.insn);
    const same2 = byKey.get(c.key);
    same2.splice(same2.indexOf(c), 1);
    if (same2.length === 0) byKey.delete(c.key);
    this.inProgressCount[c.insn]--;
    let list = this.done.get(c.insn);
    if (!list) {
      list = [];
      this.done.set(c.insn, list);
    }
    list.push(c);
  }
  isStateVisited() {
    const pc = this.pc;
    const key = regsKey(this.st);
    let byKey = this.inProgress.get(pc);
    for (const c of byKey?.get(key) ?? []) {
      if (sameRegs(c.state, this.st) && stateSafe(c.state, this.st)) {
        if (this.level >= 1) {
          this.log(`cur state: ${this.formatState(this.st)}`);
          this.log(`old state: ${this.formatState(c.state)}`);
        }
        this.reject(`infinite loop detected at insn ${pc}`);
      }
    }
    const list = this.done.get(pc);
    let count = list?.length ?? 0;
    const live = list?.length ? this.liveMasks() : void 0;
    if (list) {
      for (let i = 0; i < list.length; i++) {
        const c = list[i];
        if (stateSafe(c.state, this.st, live)) {
          c.hit++;
          this.stats.pruned++;
          if (this.level >= 1) this.log(`${pc}: safe`);
          return true;
        }
        c.miss++;
        if (c.miss > c.hit * 3 + 3) {
          list.splice(i--, 1);
          this.curStates--;
        }
      }
    }
    count += this.inProgressCount[pc];
    if (count > 0 && (this.jmpsSinceCkpt < 2 || this.insnsSinceCkpt < 8)) return false;
    this.jmpsSinceCkpt = 0;
    this.insnsSinceCkpt = 0;
    if (!byKey) {
      byKey = /* @__PURE__ */ new Map();
      this.inProgress.set(pc, byKey);
    }
    const ckpt = {
      insn: pc,
      state: copyState(this.st),
      key,
      branches: 1,
      parent: this.parent,
      hit: 0,
      miss: 0
    };
    this.inProgressCount[pc]++;
    const same2 = byKey.get(key);
    if (same2) same2.push(ckpt);
    else byKey.set(key, [ckpt]);
    this.parent = ckpt;
    this.stats.totalStates++;
    this.curStates++;
    this.stats.peakStates = Math.max(this.stats.peakStates, this.curStates);
    this.stats.maxStatesPerInsn = Math.max(this.stats.maxStatesPerInsn, count + 1);
    return false;
  }
  /** Continue the current path at `pc`; explore `other` later. */
  fork(other, target3) {
    if (this.pending.length >= MAX_PENDING)
      this.reject(`The sequence of ${MAX_PENDING} jumps is too complex.`);
    this.pending.push({ state: other, pc: target3, from: this.pc, parent: this.parent });
    if (this.parent) this.parent.branches++;
  }
  /** Execute one instruction abstractly; returns the next pc, or -1 when the path ends. */
  step(insn) {
    this.insnsSinceCkpt++;
    switch (insn.kind) {
      case "alu":
        this.checkAlu(insn);
        return this.pc + 1;
      case "end": {
        const r = this.readReg(insn.dst);
        if (r.type !== "scalar") this.reject(`R${insn.dst} pointer arithmetic prohibited`);
        this.setReg(insn.dst, scalarReg(scalarEnd(insn.op, insn.bits, r)));
        return this.pc + 1;
      }
      case "lddw":
        this.checkLddw(insn);
        return this.pc + 1;
      case "ldx":
        this.checkLdx(insn);
        return this.pc + 1;
      case "st":
      case "stx":
        this.checkStore(insn);
        return this.pc + 1;
      case "atomic":
        this.checkAtomic(insn);
        return this.pc + 1;
      case "ldabs":
      case "ldind":
        this.checkLdAbs(insn.kind === "ldind" ? insn.src : -1, insn.size);
        return this.pc + 1;
      case "ja":
      case "gotol":
        this.jmpsSinceCkpt++;
        return this.s.target[this.pc];
      case "jmp":
        this.jmpsSinceCkpt++;
        return this.checkCondJmp(insn);
      case "call":
        if (insn.target === "local") return this.checkLocalCall();
        this.checkHelperCall(insn.imm);
        return this.pc + 1;
      case "callx": {
        const r = this.readReg(insn.reg);
        if (r.type !== "scalar" || !isConst(r)) this.reject(`callx R${insn.reg} is not a known helper id`);
        this.checkHelperCall(Number(BigInt.asIntN(32, r.v)));
        return this.pc + 1;
      }
      case "exit":
        return this.checkExit();
    }
  }
  // ---- ALU -------------------------------------------------------------------------------
  checkAlu(insn) {
    const { dst, op, width } = insn;
    const isMov = op === "mov" || op.startsWith("movsx");
    const src = insn.source === "reg" ? this.readReg(insn.src) : scalarReg(immBounds(insn.imm, width));
    if (isMov) {
      if (op === "mov" && isPointer(src)) {
        if (width === 64) {
          this.setReg(dst, src);
          return;
        }
        if (this.unpriv) this.reject(`R${insn.src} partial copy of pointer`);
        this.setReg(dst, scalarReg(scalarAlu("mov", unknownBounds(), unknownBounds(), 32)));
        return;
      }
      if (isPointer(src)) this.reject(`R${insn.src} sign-extension of pointer prohibited`);
      const res = scalarAlu(op, src, src, width);
      if (op === "mov" && width === 64 && insn.source === "reg" && !isConst(src)) {
        let id = src.id;
        if (!id) {
          id = this.newId();
          this.setReg(insn.src, { ...src, id });
        }
        this.setReg(dst, { ...scalarReg(res, id), id32: src.id32 });
        return;
      }
      if (op === "mov" && width === 32 && insn.source === "reg" && !isConst(src)) {
        let id32 = src.id32;
        if (!id32) {
          id32 = this.newId();
          this.setReg(insn.src, { ...src, id32 });
        }
        this.setReg(dst, { ...scalarReg(res), id32 });
        return;
      }
      this.setReg(dst, scalarReg(res));
      return;
    }
    const d = this.readReg(dst);
    if (op === "neg") {
      if (d.type !== "scalar") this.reject(`R${dst} pointer arithmetic prohibited`);
      this.setReg(dst, scalarReg(scalarAlu("neg", d, d, width)));
      return;
    }
    if (d.type === "scalar" && src.type === "scalar") {
      this.setReg(dst, scalarReg(scalarAlu(op, d, src, width)));
      return;
    }
    if (isPointer(d) && isPointer(src)) {
      if (op === "sub" && width === 64 && !this.unpriv) {
        if (d.type === src.type && d.type === "fp" && isConst(d) && isConst(src) && d.frame === src.frame) {
          this.setReg(dst, constReg(BigInt(d.off - src.off)));
        } else this.setReg(dst, scalarReg());
        return;
      }
      this.reject(`R${dst} pointer ${ALU_STR[op]} pointer prohibited`);
    }
    if (d.type === "scalar") {
      if (op === "sub") this.reject(`R${dst} tried to subtract pointer from scalar`);
      this.setReg(dst, this.ptrArith(op, width, src, d, dst));
      return;
    }
    this.setReg(dst, this.ptrArith(op, width, d, src, dst));
  }
  /** Linux's adjust_ptr_min_max_vals. */
  ptrArith(op, width, ptr, off, dst) {
    if (width === 32) this.reject(`R${dst} 32-bit pointer arithmetic prohibited`);
    if (op === "and" || op === "or" || op === "xor") {
      this.reject(`R${dst} bitwise operator ${ALU_STR[op]} on pointer prohibited`);
    }
    if (op !== "add" && op !== "sub")
      this.reject(`R${dst} pointer arithmetic with ${ALU_STR[op]} operator prohibited`);
    if (ptr.nullable)
      this.reject(`R${dst} pointer arithmetic on ${typeName(ptr)} prohibited, null-check it first`);
    if (ptr.type === "map_ptr" || ptr.type === "pkt_end") {
      if (!(ptr.type === "map_ptr" && isZeroConst(off) && op === "add")) {
        this.reject(`R${dst} pointer arithmetic on ${typeName(ptr)} prohibited`);
      }
    }
    const known = isConst(off);
    const val = BigInt.asIntN(64, off.v);
    const tn = typeName(ptr);
    if (known && (val >= MAX_VAR_OFF || val <= -MAX_VAR_OFF))
      this.reject(`math between ${tn} pointer and ${val} is not allowed`);
    if (!known && off.smin === S64_MIN) {
      this.reject(`math between ${tn} pointer and register with unbounded min value is not allowed`);
    }
    if (!known && (off.smin >= MAX_VAR_OFF || off.smin <= -MAX_VAR_OFF)) {
      this.reject(`value ${off.smin} makes ${tn} pointer be out of bounds`);
    }
    if (known) {
      const c = Number(val);
      const n = op === "add" ? ptr.off + c : ptr.off - c;
      if (n >= MAX_VAR_OFF || n <= -MAX_VAR_OFF) this.reject(`${tn} pointer offset ${n} is not allowed`);
      return { ...ptr, off: n, sig: void 0 };
    }
    if (this.unpriv && ptr.type === "fp")
      this.reject(`R${dst} variable stack access prohibited for !root, off=${ptr.off}`);
    const v = scalarAlu(op === "add" ? "add" : "sub", ptr, off, 64);
    const res = withBounds(ptr, v);
    if (ptr.type === "pkt") return { ...res, id: this.newId(), range: 0 };
    return res;
  }
  // ---- lddw ------------------------------------------------------------------------------
  checkLddw(insn) {
    if (insn.source === "imm64") {
      this.setReg(insn.dst, constReg(BigInt(insn.imm2 >>> 0) << 32n | BigInt(insn.imm >>> 0)));
      return;
    }
    const idx = insn.imm;
    const map = this.maps[idx];
    if (!map) this.reject(`fd_idx ${idx} is not pointing to valid bpf_map`);
    if (insn.source === "map_fd" || insn.source === "map_idx") {
      this.setReg(insn.dst, ptrReg("map_ptr", { map: idx }));
      return;
    }
    if (map.type !== ARRAY_MAP) this.reject(`map direct value access on map type ${map.type} not supported`);
    if (insn.imm2 < 0 || insn.imm2 >= map.valueSize) {
      this.reject(`invalid access to map value pointer, value_size=${map.valueSize} off=${insn.imm2}`);
    }
    this.setReg(insn.dst, ptrReg("map_value", { map: idx, off: insn.imm2, rdonly: !!map.readOnly }));
  }
  // ---- memory ----------------------------------------------------------------------------
  checkLdx(insn) {
    const base = this.readReg(insn.src);
    const value = this.checkMemAccess(insn.src, base, insn.off, insn.size, "read", void 0, insn.signed);
    this.setReg(insn.dst, value ?? loadedScalar(insn.size, insn.signed));
  }
  checkStore(insn) {
    const base = this.readReg(insn.dst);
    let value;
    if (insn.kind === "stx") value = this.readReg(insn.src);
    else {
      if (base.type === "ctx") this.reject(`BPF_ST stores into R${insn.dst} ctx is not allowed`);
      value = constReg(BigInt(insn.imm | 0));
    }
    if (this.unpriv && isPointer(value) && base.type !== "fp") {
      this.reject(
        `R${insn.src} leaks addr into ${base.type === "map_value" ? "map" : base.type === "ctx" ? "ctx" : "mem"}`
      );
    }
    this.checkMemAccess(insn.dst, base, insn.off, insn.size, "write", value, false);
  }
  checkAtomic(insn) {
    const base = this.readReg(insn.dst);
    const src = this.readReg(insn.src);
    if (insn.op === "cmpxchg") {
      const r0 = this.readReg(0);
      if (isPointer(r0)) this.reject("R0 leaks addr into mem");
    }
    if (isPointer(src)) this.reject(`R${insn.src} leaks addr into mem`);
    if (base.type === "ctx" || base.type === "pkt") {
      this.reject(`BPF_ATOMIC stores into R${insn.dst} ${typeName(base)} is not allowed`);
    }
    this.checkMemAccess(insn.dst, base, insn.off, insn.size, "read", void 0, false);
    this.checkMemAccess(insn.dst, base, insn.off, insn.size, "write", scalarReg(), false);
    const old = loadedScalar(insn.size, false);
    if (insn.op === "cmpxchg") this.setReg(0, old);
    else if (insn.fetch) this.setReg(insn.src, old);
  }
  checkLdAbs(src, size) {
    if (!this.opts.type.ldAbs) this.reject("BPF_LD_[ABS|IND] instructions not allowed for this program type");
    const r6 = this.readReg(6);
    if (r6.type !== "ctx") this.reject("at the time of BPF_LD_ABS|IND R6 != pointer to skb");
    if (src >= 0 && this.readReg(src).type !== "scalar") this.reject(`R${src} leaks addr into packet load`);
    for (let r = 1; r <= 5; r++) this.setReg(r, NOT_INIT);
    this.setReg(0, loadedScalar(size, false));
  }
  /** Bounds of a region access: Linux's check_mem_region_access. */
  checkRegion(regno, reg2, off, size, limit, what, zeroOk = false) {
    const fixed = off + reg2.off;
    if (isConst(reg2)) {
      const o = fixed + Number(BigInt.asIntN(64, reg2.v));
      if (o < 0 || size === 0 && !zeroOk || o + size > limit) this.reject(what(o));
      return;
    }
    if (reg2.smin < 0n && (reg2.smin === S64_MIN || reg2.smin + BigInt(fixed) < 0n)) {
      this.reject(`R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
    }
    const lo2 = Number(reg2.smin) + fixed;
    if (lo2 < 0 || lo2 + size > limit) {
      this.log(what(lo2));
      this.reject(`R${regno} min value is outside of the allowed memory range`);
    }
    if (reg2.umax >= BigInt(MAX_VAR_OFF)) {
      this.reject(`R${regno} unbounded memory access, make sure to bounds check any such access`);
    }
    const hi = Number(reg2.umax) + fixed;
    if (hi + size > limit) {
      this.log(what(hi));
      this.reject(`R${regno} max value is outside of the allowed memory range`);
    }
  }
  /**
   * Check a load or store of `size` bytes at `reg + off`. Returns the loaded register when the
   * access restores a spilled register or a typed context field; undefined for plain loads.
   */
  checkMemAccess(regno, reg2, off, size, kind, value, signed) {
    if (reg2.nullable || reg2.type === "scalar" || reg2.type === "map_ptr" || reg2.type === "pkt_end") {
      this.reject(`R${regno} invalid mem access '${typeName(reg2)}'`);
    }
    switch (reg2.type) {
      case "fp":
        if (kind === "read") return this.stackRead(regno, reg2, off, size, signed);
        this.stackWrite(regno, reg2, off, size, value);
        return void 0;
      case "map_value": {
        const map = this.maps[reg2.map];
        if (kind === "write" && (map.readOnly || reg2.rdonly)) {
          this.reject(
            `write into map forbidden, value_size=${map.valueSize} off=${off + reg2.off} size=${size}`
          );
        }
        this.checkRegion(
          regno,
          reg2,
          off,
          size,
          map.valueSize,
          (o) => `invalid access to map value, value_size=${map.valueSize} off=${o} size=${size}`
        );
        return void 0;
      }
      case "mem":
        if (kind === "write" && reg2.rdonly) this.reject(`R${regno} cannot write into ${typeName(reg2)}`);
        this.checkRegion(
          regno,
          reg2,
          off,
          size,
          reg2.size,
          (o) => `invalid access to memory, mem_size=${reg2.size} off=${o} size=${size}`
        );
        return void 0;
      case "pkt":
      case "pkt_meta":
        this.checkRegion(
          regno,
          reg2,
          off,
          size,
          reg2.range + reg2.off,
          (o) => `invalid access to packet, off=${o} size=${size}, R${regno}(id=${reg2.id},off=${reg2.off},r=${reg2.range})`
        );
        return void 0;
      case "ctx":
        return this.ctxAccess(regno, reg2, off, size, kind);
      default:
        this.reject(`R${regno} invalid mem access '${typeName(reg2)}'`);
    }
  }
  ctxAccess(regno, reg2, off, size, kind) {
    const layout2 = this.opts.type.ctx;
    if (reg2.off !== 0) this.reject(`dereference of modified ctx ptr R${regno} off=${reg2.off} disallowed`);
    if (!isConst(reg2) || reg2.v !== 0n)
      this.reject(
        `variable ctx access var_off=(0x${reg2.v.toString(16)}; 0x${reg2.m.toString(16)}) disallowed`
      );
    if (layout2.kind === "fields") {
      for (const f of layout2.fields) {
        if (off < f.off || off + size > f.off + f.size) continue;
        const full = off === f.off && size === f.size;
        if (!full && (f.narrow === false || off % size !== 0)) continue;
        if (kind === "write" && !f.write) continue;
        if (kind === "read" && full && f.loads) {
          return f.loads === "pkt_end" ? ptrReg("pkt_end") : ptrReg(f.loads, { id: 0, range: 0 });
        }
        return void 0;
      }
    }
    this.reject(`invalid bpf_context access off=${off} size=${size}`);
  }
  // ---- stack -----------------------------------------------------------------------------
  stackFrame(reg2) {
    return this.st.frames[reg2.frame];
  }
  /** Byte range [lo, hi) (offsets from the frame pointer) a stack access may touch. */
  stackRange(regno, reg2, off, size, what) {
    const fixed = reg2.off + off;
    if (isConst(reg2)) {
      const o = fixed + Number(BigInt.asIntN(64, reg2.v));
      if (o < -STACK_SIZE2 || o + size > 0 || size <= 0)
        this.reject(`invalid ${what} stack R${regno} off=${o} size=${size}`);
      if (o % size !== 0 && what !== "indirect access to") {
        this.reject(`misaligned stack access off (0x0; 0x0)+${reg2.off}+${off} size ${size}`);
      }
      this.noteDepth(reg2, -o);
      return [o, o + size];
    }
    const lo2 = Number(reg2.smin) + fixed;
    const hi = Number(reg2.smax) + fixed;
    if (reg2.smin <= -BigInt(MAX_VAR_OFF) || reg2.smax >= BigInt(MAX_VAR_OFF) || lo2 < -STACK_SIZE2 || hi + size > 0) {
      this.reject(
        `invalid variable-offset ${what} stack R${regno} var_off=(0x${reg2.v.toString(16)}; 0x${reg2.m.toString(16)}) off=${fixed} size=${size}`
      );
    }
    this.noteDepth(reg2, -lo2);
    return [lo2, hi + size];
  }
  noteDepth(reg2, depth) {
    const sub = this.st.frames[reg2.frame].subprog;
    if (depth > this.stackDepth[sub]) this.stackDepth[sub] = depth;
  }
  /** Turn the spilled register of the slot holding byte `i` into plain initialised bytes. */
  scrubSlot(f, i) {
    const slot = i >> 3;
    if (!f.spills[slot]) return;
    if (this.unpriv && isPointer(f.spills[slot])) this.reject("attempt to corrupt spilled pointer on stack");
    ownStack(f);
    f.spills[slot] = void 0;
    for (let j = slot * 8; j < slot * 8 + 8; j++) if (f.stack[j] === STACK_SPILL) f.stack[j] = STACK_MISC;
  }
  stackWrite(regno, reg2, off, size, value) {
    const f = this.stackFrame(reg2);
    if (value.type === "fp" && value.frame > reg2.frame) {
      this.reject("cannot spill pointers to stack into stack frame of the caller");
    }
    const [lo2, hi] = this.stackRange(regno, reg2, off, size, "write to");
    ownStack(f);
    if (!isConst(reg2)) {
      for (let o = lo2; o < hi; o++) {
        const i = o + STACK_SIZE2;
        this.scrubSlot(f, i);
        if (f.stack[i] === STACK_ZERO && !isZeroConst(value)) f.stack[i] = STACK_MISC;
      }
      return;
    }
    const base = lo2 + STACK_SIZE2;
    if (size === 8 && base % 8 === 0) {
      f.spills[base >> 3] = value;
      f.stack.fill(STACK_SPILL, base, base + 8);
      return;
    }
    if (isPointer(value)) this.reject(`invalid size of register spill`);
    for (let i = base; i < base + size; i++) this.scrubSlot(f, i);
    for (let k = 0; k < size; k++) {
      const byte = isConst(value) ? value.v >> BigInt(8 * k) & 0xffn : 1n;
      f.stack[base + k] = byte === 0n ? STACK_ZERO : STACK_MISC;
    }
  }
  stackRead(regno, reg2, off, size, signed) {
    const f = this.stackFrame(reg2);
    const [lo2, hi] = this.stackRange(regno, reg2, off, size, "read from");
    if (!isConst(reg2)) {
      for (let o = lo2; o < hi; o++) {
        if (f.stack[o + STACK_SIZE2] === STACK_INVALID) {
          this.reject(
            `invalid variable-offset read from stack R${regno} var_off=(0x${reg2.v.toString(16)}; 0x${reg2.m.toString(16)})+${reg2.off + off} size=${size}`
          );
        }
      }
      return loadedScalar(size, signed);
    }
    const base = lo2 + STACK_SIZE2;
    const spill2 = f.spills[base >> 3];
    if (spill2 && f.stack[base] === STACK_SPILL) {
      const aligned = base % 8 === 0;
      if (aligned && size === 8 && f.stack.subarray(base, base + 8).every((b) => b === STACK_SPILL))
        return spill2;
      if (isPointer(spill2)) this.reject("invalid size of register fill");
    }
    let allZero = true;
    for (let i = 0; i < size; i++) {
      const b = f.stack[base + i];
      if (b === STACK_INVALID) this.reject(`invalid read from stack off ${lo2}+${i} size ${size}`);
      if (b === STACK_SPILL && isPointer(f.spills[base + i >> 3])) this.reject("corrupted spill memory");
      if (b !== STACK_ZERO) allZero = false;
    }
    return allZero ? constReg(0n) : loadedScalar(size, signed);
  }
  // ---- jumps -----------------------------------------------------------------------------
  checkCondJmp(insn) {
    const target3 = this.s.target[this.pc];
    const d = this.readReg(insn.dst);
    const s = insn.source === "reg" ? this.readReg(insn.src) : scalarReg(immBounds(insn.imm, insn.width));
    const cond = insn.op;
    if (d.nullable && insn.width === 64 && isZeroConst(s) && (cond === "jeq" || cond === "jne")) {
      const other = copyState(this.st);
      const taken = this.st;
      this.st = other;
      this.markNull(d, cond === "jne");
      const fallthrough = other;
      this.st = taken;
      this.markNull(d, cond === "jeq");
      this.fork(taken, target3);
      this.st = fallthrough;
      return this.pc + 1;
    }
    if (d.type === "scalar" && s.type === "scalar") {
      const yes = refineScalars(cond, d, s, insn.width);
      const no = refineScalars(negate(cond), d, s, insn.width);
      if (!yes && !no) this.reject("internal: both branches impossible");
      if (yes && no) {
        const other = copyState(this.st);
        this.applyRefinement(other, insn, yes);
        this.applyRefinement(this.st, insn, no);
        this.fork(other, target3);
        return this.pc + 1;
      }
      if (yes) {
        this.applyRefinement(this.st, insn, yes);
        return target3;
      }
      this.applyRefinement(this.st, insn, no);
      return this.pc + 1;
    }
    if (this.unpriv && !(d.type.startsWith("pkt") && s.type.startsWith("pkt"))) {
      this.reject(
        `R${isPointer(s) && insn.source === "reg" ? insn.src : insn.dst} pointer comparison prohibited`
      );
    }
    if (isPointer(d) && !d.nullable && isZeroConst(s) && (cond === "jeq" || cond === "jne")) {
      return cond === "jne" ? target3 : this.pc + 1;
    }
    if (this.pktCompare(insn, d, s, target3)) return this.pc + 1;
    this.fork(copyState(this.st), target3);
    return this.pc + 1;
  }
  applyRefinement(st, insn, [nd, ns]) {
    const f = curFrame(st);
    const set = (n, b) => {
      const old = f.regs[n];
      const r = withBounds(old, b);
      f.regs[n] = r;
      if (old.id) {
        for (const fr of st.frames) {
          for (let i = 0; i < 11; i++)
            if (fr.regs[i].type === "scalar" && fr.regs[i].id === old.id)
              fr.regs[i] = withBounds(fr.regs[i], b);
          for (let i = 0; i < fr.spills.length; i++) {
            const sp = fr.spills[i];
            if (sp && sp.type === "scalar" && sp.id === old.id) {
              ownStack(fr);
              fr.spills[i] = withBounds(sp, b);
            }
          }
        }
      }
      if (old.id32) {
        const low = view(b, 32);
        for (const fr of st.frames) {
          for (let i = 0; i < 11; i++) {
            const x = fr.regs[i];
            if (x.type !== "scalar" || x.id32 !== old.id32 || x === f.regs[n]) continue;
            const nb = withBounds(x, x);
            if (narrow(nb, low, 32)) fr.regs[i] = nb;
          }
        }
      }
    };
    set(insn.dst, nd);
    if (insn.source === "reg") set(insn.src, ns);
  }
  /** On one edge of a null check: every copy of the pointer becomes NULL (0) or non-null. */
  markNull(ptr, isNull) {
    const id = ptr.id;
    this.forEachReg(
      (r) => r.id === id && r.nullable ? isNull ? constReg(0n) : { ...r, nullable: false } : void 0
    );
    if (isNull && ptr.refId) this.st.refs = this.st.refs.filter((x) => x.id !== ptr.refId);
  }
  /** `pkt + N` compared with `pkt_end`: on the edge where it is inside, N bytes are readable. */
  pktCompare(insn, d, s, target3) {
    if (insn.width !== 64 || insn.source !== "reg") return false;
    let pkt;
    let cond = insn.op;
    if (d.type === "pkt" && s.type === "pkt_end") pkt = d;
    else if (d.type === "pkt_end" && s.type === "pkt") {
      pkt = s;
      const swap = { jgt: "jlt", jge: "jle", jlt: "jgt", jle: "jge" };
      cond = swap[cond] ?? cond;
    } else return false;
    if (!["jgt", "jge", "jlt", "jle"].includes(cond) || !isConst(pkt)) return false;
    const bytes = pkt.off + Number(pkt.v) - (cond === "jge" || cond === "jlt" ? 1 : 0);
    const inside = cond === "jgt" || cond === "jge" ? "fallthrough" : "taken";
    const other = copyState(this.st);
    const grant = (st) => {
      for (const f of st.frames) {
        for (let i = 0; i < 11; i++) {
          const r = f.regs[i];
          if (r.type === "pkt" && r.id === pkt.id && isConst(r) && bytes > r.range)
            f.regs[i] = { ...r, range: Math.max(r.range, bytes) };
        }
      }
    };
    grant(inside === "taken" ? other : this.st);
    this.fork(other, target3);
    return true;
  }
  // ---- calls -----------------------------------------------------------------------------
  checkHelperCall(id) {
    const proto = this.opts.type.helpers.get(id);
    if (!proto) this.reject(`invalid func unknown#${id}`);
    let mapIdx = -1;
    let memArg;
    let released = 0;
    const constArg = [];
    for (let i = 0; i < 5; i++) {
      const at = proto.args[i] ?? "dontcare";
      const regno = i + 1;
      if (at === "dontcare") continue;
      const r = this.readReg(regno);
      constArg[i] = r.type === "scalar" && isConst(r) ? Number(r.v) : void 0;
      const expected = (list) => this.reject(`R${regno} type=${typeName(r)} expected=${list}`);
      const memTypes = "fp, pkt, pkt_meta, map_key, map_value, mem";
      switch (at) {
        case "anything":
          if (this.unpriv && isPointer(r)) this.reject(`R${regno} leaks addr into helper function`);
          break;
        case "scalar":
          if (r.type !== "scalar") expected("scalar");
          break;
        case "const_map_ptr":
          if (r.type !== "map_ptr") expected("map_ptr");
          mapIdx = r.map;
          this.checkMapCompat(proto, mapIdx);
          break;
        case "ptr_to_map_key":
        case "ptr_to_map_value": {
          if (mapIdx < 0)
            this.reject(`invalid map_ptr to access map->${at === "ptr_to_map_key" ? "key" : "value"}`);
          if (!this.isMemPtr(r)) expected("fp, pkt, pkt_meta, map_key, map_value");
          const m = this.maps[mapIdx];
          this.helperMem(regno, r, at === "ptr_to_map_key" ? m.keySize : m.valueSize, 0, false, false);
          break;
        }
        case "ptr_to_mem":
        case "ptr_to_uninit_mem":
          if (!this.isMemPtr(r)) expected(memTypes);
          memArg = { regno, reg: r, write: at === "ptr_to_uninit_mem" };
          break;
        case "const_size":
        case "const_size_or_zero": {
          if (r.type !== "scalar") expected("scalar");
          if (r.smin < 0n)
            this.reject(`R${regno} min value is negative, either use unsigned or 'var &= const'`);
          if (r.umax === 0n && at === "const_size") this.reject(`R${regno} invalid zero-sized read`);
          if (r.umax >= BigInt(MAX_VAR_OFF))
            this.reject(`R${regno} unbounded memory access, use 'var &= const' or 'if (var < const)'`);
          if (memArg) {
            this.helperMem(
              memArg.regno,
              memArg.reg,
              Number(r.umax),
              Number(r.umin),
              memArg.write,
              at === "const_size_or_zero"
            );
          }
          memArg = void 0;
          break;
        }
        case "ptr_to_ctx":
          if (r.type !== "ctx") expected("ctx");
          if (r.off !== 0 || !isConst(r) || r.v !== 0n)
            this.reject(`dereference of modified ctx ptr R${regno} off=${r.off} disallowed`);
          break;
        case "ptr_to_const_str":
          this.checkConstStr(regno, r);
          break;
        case "ptr_to_stack_str":
          if (r.type !== "fp") expected("fp");
          this.checkStackStr(regno, r);
          break;
        case "ptr_to_ringbuf_mem":
          if (r.type !== "mem" || !r.ringbuf || r.nullable) expected("ringbuf_mem");
          if (r.off !== 0 || !isConst(r) || r.v !== 0n)
            this.reject(`R${regno} must have zero offset when passed to release func`);
          if (!this.st.refs.some((x) => x.id === r.refId))
            this.reject(`R${regno} reference has not been acquired before`);
          released = r.refId;
          break;
      }
    }
    if (released) {
      this.st.refs = this.st.refs.filter((x) => x.id !== released);
      this.forEachReg((r) => r.refId === released ? scalarReg() : void 0);
    }
    for (let r = 1; r <= 5; r++) this.setReg(r, NOT_INIT);
    switch (proto.ret) {
      case "void":
        this.setReg(0, NOT_INIT);
        break;
      case "integer":
        this.setReg(0, scalarReg());
        break;
      case "map_value_or_null":
        if (mapIdx < 0)
          this.reject(
            `kernel subsystem misconfigured verifier: ${proto.name} returns a map value without a map argument`
          );
        this.setReg(
          0,
          ptrReg("map_value", {
            map: mapIdx,
            nullable: true,
            id: this.newId(),
            rdonly: !!this.maps[mapIdx].readOnly
          })
        );
        break;
      case "ringbuf_mem_or_null": {
        const sizeArg = proto.retSizeArg ?? 1;
        const sz = constArg[sizeArg];
        if (sz === void 0) this.reject(`R${sizeArg + 1} is not a known constant'`);
        const id2 = this.newId();
        this.st.refs = [...this.st.refs, { id: id2, insn: this.pc }];
        this.setReg(0, ptrReg("mem", { ringbuf: true, nullable: true, id: id2, refId: id2, size: sz }));
        break;
      }
    }
  }
  isMemPtr(r) {
    return !r.nullable && (r.type === "fp" || r.type === "map_value" || r.type === "mem" || r.type === "pkt");
  }
  checkMapCompat(proto, mapIdx) {
    const ringbufHelper = proto.name.startsWith("ringbuf_");
    const isRingbuf = this.maps[mapIdx].type === RINGBUF_MAP;
    if (ringbufHelper !== isRingbuf) {
      this.reject(`cannot pass map_type ${this.maps[mapIdx].type} into func bpf_${proto.name}#${proto.id}`);
    }
  }
  /** Memory passed to a helper: Linux's check_helper_mem_access. */
  helperMem(regno, reg2, size, minSize, write, zeroOk) {
    if (size === 0 && zeroOk) return;
    switch (reg2.type) {
      case "fp": {
        const f = this.stackFrame(reg2);
        const [lo2, hi] = this.stackRange(regno, reg2, 0, size, "indirect access to");
        if (write) {
          ownStack(f);
          for (let o = lo2; o < hi; o++) this.scrubSlot(f, o + STACK_SIZE2);
          if (isConst(reg2)) {
            for (let o = lo2; o < lo2 + minSize; o++) f.stack[o + STACK_SIZE2] = STACK_MISC;
          }
          return;
        }
        for (let o = lo2; o < hi; o++) {
          if (f.stack[o + STACK_SIZE2] === STACK_INVALID) {
            this.reject(`invalid indirect read from stack R${regno} off ${lo2}+${o - lo2} size ${size}`);
          }
        }
        return;
      }
      case "map_value": {
        const map = this.maps[reg2.map];
        if (write && (map.readOnly || reg2.rdonly))
          this.reject(`write into map forbidden, value_size=${map.valueSize} off=${reg2.off} size=${size}`);
        this.checkRegion(
          regno,
          reg2,
          0,
          size,
          map.valueSize,
          (o) => `invalid access to map value, value_size=${map.valueSize} off=${o} size=${size}`,
          zeroOk
        );
        return;
      }
      case "mem":
        if (write && reg2.rdonly) this.reject(`R${regno} cannot write into ${typeName(reg2)}`);
        this.checkRegion(
          regno,
          reg2,
          0,
          size,
          reg2.size,
          (o) => `invalid access to memory, mem_size=${reg2.size} off=${o} size=${size}`,
          zeroOk
        );
        return;
      case "pkt":
        this.checkRegion(
          regno,
          reg2,
          0,
          size,
          reg2.range + reg2.off,
          (o) => `invalid access to packet, off=${o} size=${size}, R${regno}(id=${reg2.id},off=${reg2.off},r=${reg2.range})`,
          zeroOk
        );
        return;
      default:
        this.reject(`R${regno} type=${typeName(reg2)} expected=fp, pkt, pkt_meta, map_key, map_value, mem`);
    }
  }
  checkConstStr(regno, r) {
    if (r.type !== "map_value") this.reject(`R${regno} type=${typeName(r)} expected=map_value`);
    const map = this.maps[r.map];
    if (!map.readOnly) this.reject(`R${regno} does not point to a readonly map'`);
    if (!isConst(r)) this.reject(`R${regno} is not a constant address'`);
    const start = r.off + Number(r.v);
    const data = map.initialData;
    if (!data || start < 0 || start >= map.valueSize)
      this.reject(`R${regno} invalid access to map value, value_size=${map.valueSize} off=${start}`);
    if (data.indexOf(0, start) < 0) this.reject("string is not zero-terminated");
  }
  checkStackStr(regno, r) {
    if (!isConst(r)) this.reject(`R${regno} variable stack access to a string prohibited`);
    const f = this.stackFrame(r);
    const start = r.off + Number(BigInt.asIntN(64, r.v));
    if (start < -STACK_SIZE2 || start >= 0)
      this.reject(`invalid indirect access to stack R${regno} off=${start} size=1`);
    this.noteDepth(r, -start);
    for (let o = start; o < 0; o++) {
      const b = f.stack[o + STACK_SIZE2];
      if (b === STACK_INVALID)
        this.reject(`invalid indirect read from stack R${regno} off ${start}+${o - start} size ${-start}`);
      if (b === STACK_ZERO) return;
    }
    this.reject("string is not zero-terminated");
  }
  checkLocalCall() {
    const target3 = this.s.target[this.pc];
    if (this.st.frames.length >= MAX_CALL_FRAMES2) {
      this.reject(`the call stack of ${this.st.frames.length + 1} frames is too deep !`);
    }
    const caller = this.frame;
    const callee = newFrame(this.pc, this.s.subprogOf[target3]);
    for (let r = 1; r <= 5; r++) callee.regs[r] = caller.regs[r];
    callee.regs[10] = ptrReg("fp", { frame: this.st.frames.length });
    this.st.frames.push(callee);
    return target3;
  }
  checkExit() {
    if (this.st.frames.length > 1) {
      const r02 = this.readReg(0);
      if (r02.type === "fp" && r02.frame === this.st.frames.length - 1)
        this.reject("cannot return stack pointer to the caller");
      const callee = this.st.frames.pop();
      const caller = this.frame;
      caller.regs[0] = r02;
      for (let r = 1; r <= 5; r++) caller.regs[r] = NOT_INIT;
      return callee.callsite + 1;
    }
    if (this.st.refs.length > 0) {
      const ref = this.st.refs[0];
      this.reject(`Unreleased reference id=${ref.id} alloc_insn=${ref.insn}`);
    }
    const r0 = this.readReg(0);
    const range = this.opts.type.ret;
    if (r0.type !== "scalar") {
      this.reject(
        range ? `At program exit the register R0 is not a known value (${typeName(r0)})` : "R0 leaks addr as return value"
      );
    }
    if (range && (r0.smin < BigInt(range.min) || r0.smax > BigInt(range.max))) {
      let has = "";
      if (r0.smin > S64_MIN) has += ` smin=${r0.smin}`;
      if (r0.smax < (1n << 63n) - 1n) has += ` smax=${r0.smax}`;
      if (!has) has = " unknown scalar value";
      this.reject(
        `At program exit the register R0 has${has} should have been in [${range.min}, ${range.max}]`
      );
    }
    return -1;
  }
};

// packages/verifier/src/verify.ts
var MAX_STACK = 512;
function initialState(opts) {
  const f = newFrame(-1, 0);
  const ctx = opts.type.ctx;
  if (ctx.kind === "fields") f.regs[1] = ptrReg("ctx", { size: ctx.size });
  else f.regs[1] = ctx.size > 0 ? ptrReg("mem", { size: ctx.size, rdonly: !ctx.writable }) : constReg(0n);
  if (opts.type.r2IsCtxLen) f.regs[2] = constReg(BigInt(ctx.size));
  f.regs[10] = ptrReg("fp", { frame: 0 });
  return { frames: [f], refs: [] };
}
var roundFrame = (depth) => Math.ceil(Math.max(depth, 1) / 32) * 32;
function checkStackChains(callees, depth) {
  let max4 = 0;
  let error;
  const walk = (sub, total, frames, seen) => {
    const t = total + roundFrame(depth[sub]);
    max4 = Math.max(max4, t);
    if (t > MAX_STACK && !error) error = `combined stack size of ${frames} calls is ${t}. Too large`;
    for (const c of callees[sub]) if (!seen.includes(c) && frames < 8) walk(c, t, frames + 1, [...seen, c]);
  };
  walk(0, 0, 1, [0]);
  return { max: depth.length === 1 ? depth[0] : max4, error };
}
function statsLine(s, limit) {
  return `processed ${s.processed} insns (limit ${limit}) max_states_per_insn ${s.maxStatesPerInsn} total_states ${s.totalStates} peak_states ${s.peakStates} mark_read 0`;
}
function verify(insns, opts) {
  const limit = opts.insnLimit ?? 1e6;
  const emptyStats = {
    processed: 0,
    maxStatesPerInsn: 0,
    totalStates: 0,
    peakStates: 0,
    pruned: 0,
    stackDepth: 0
  };
  let structure;
  try {
    structure = checkStructure(insns, opts.cpu ?? 4, opts.strictRfc ?? false);
  } catch (e) {
    if (!(e instanceof StructureError)) throw e;
    return reject([], e.insnIndex, e.reason, emptyStats, limit, opts);
  }
  const checker = new Checker(insns, structure, opts);
  try {
    checker.run(initialState(opts));
  } catch (e) {
    if (!(e instanceof Reject)) throw e;
    if ((opts.logLevel ?? 0) >= 1)
      checker.lines.push(`${e.insnIndex}: ${describe(insns, e.insnIndex, opts)}`);
    return reject(checker.lines, e.insnIndex, e.reason, checker.stats, limit, opts);
  }
  const chains = checkStackChains(structure.callees, checker.stackDepth);
  checker.stats.stackDepth = chains.max;
  if (chains.error) return reject(checker.lines, 0, chains.error, checker.stats, limit, opts);
  const lines = (opts.logLevel ?? 0) >= 1 ? checker.lines : [];
  lines.push(statsLine(checker.stats, limit));
  return { accepted: true, log: `${lines.join("\n")}
`, stats: checker.stats };
}
function describe(insns, i, opts) {
  return insns[i] ? formatKernel(insns[i], { helperName: (id) => helperName(opts, id) }) : "";
}
function sourceLine(opts, pc) {
  let best;
  for (const l of opts.lineInfo ?? [])
    if (l.insnIndex <= pc && (!best || l.insnIndex >= best.insnIndex)) best = l;
  return best ? `${best.file}:${best.line}${best.source ? `: ${best.source.trim()}` : ""}` : void 0;
}
function reject(logLines, insnIndex, reason, stats, limit, opts) {
  const lines = (opts.logLevel ?? 0) >= 1 ? logLines : [];
  const src = sourceLine(opts, insnIndex);
  if (src && (opts.logLevel ?? 0) >= 1) lines.push(`; ${src}`);
  lines.push(reason, statsLine(stats, limit));
  const error = { insnIndex, reason, ...src ? { sourceLine: src } : {} };
  return { accepted: false, error, log: `${lines.join("\n")}
`, stats };
}

// packages/trace-host/src/filter-program.ts
var FilterLoadError = class extends Error {
  constructor(message2, log, stage = "load") {
    super(message2);
    this.log = log;
    this.stage = stage;
  }
  name = "FilterLoadError";
};

// packages/cc-frontend/src/diagnostics.ts
var CompileError = class extends Error {
  diagnostics;
  constructor(diagnostics, sources) {
    super(
      diagnostics.filter((d) => d.severity === "error").map((d) => formatDiagnostic(d, sources)).join("\n") || "compilation failed"
    );
    this.name = "CompileError";
    this.diagnostics = diagnostics;
  }
};
function formatDiagnostic(d, sources) {
  const head = `${d.loc.file}:${d.loc.line}:${d.loc.col}: ${d.severity}: ${d.message}`;
  const text3 = sources?.get(d.loc.file);
  if (text3 === void 0) return head;
  const line = text3.split("\n")[d.loc.line - 1];
  if (line === void 0) return head;
  const caret = `${line.slice(0, d.loc.col - 1).replace(/[^\t]/g, " ")}^`;
  return `${head}
${line}
${caret}`;
}
var DiagnosticBag = class {
  list = [];
  /** Errors past this count stop the compilation (as clang's -ferror-limit). */
  limit = 20;
  get errorCount() {
    return this.list.filter((d) => d.severity === "error").length;
  }
  error(loc, message2) {
    this.list.push({ severity: "error", message: message2, loc });
    return new Abort(this.errorCount >= this.limit);
  }
  warn(loc, message2) {
    this.list.push({ severity: "warning", message: message2, loc });
  }
};
var Abort = class {
  constructor(fatal) {
    this.fatal = fatal;
  }
};

// packages/cc-frontend/src/ir.ts
var FIRST_VREG = 16;
var FP = 10;
function uses(i) {
  const src = (s) => s.reg !== void 0 ? [s.reg] : [];
  const mem = (m) => m.slot === void 0 ? [m.base] : [];
  switch (i.op) {
    case "mov":
      return src(i.s);
    case "const":
    case "addr":
    case "sym":
      return [];
    case "alu":
    case "setcc":
      return [i.a, ...src(i.b)];
    case "neg":
    case "movsx":
    case "bswap":
      return [i.a];
    case "ld":
      return mem(i.m);
    case "st":
      return [...mem(i.m), ...src(i.s)];
    case "call":
    case "calllocal":
      return [1, 2, 3, 4, 5].slice(0, i.nargs);
    case "atomic":
      return [...mem(i.m), i.s];
    case "cmpxchg":
      return [...mem(i.m), i.s, 0];
  }
}
function defs(i) {
  switch (i.op) {
    case "st":
      return [];
    case "call":
    case "calllocal":
      return [0, 1, 2, 3, 4, 5];
    case "atomic":
      return i.d === void 0 ? [] : [i.d];
    case "cmpxchg":
      return [0];
    default:
      return [i.d];
  }
}
function termUses(t) {
  if (t.op === "br") return t.b.reg !== void 0 ? [t.a, t.b.reg] : [t.a];
  if (t.op === "ret") return [0];
  return [];
}
function successors(b) {
  const t = b.term;
  if (t.op === "jmp") return [t.t];
  if (t.op === "br") return t.t === t.f ? [t.t] : [t.t, t.f];
  return [];
}
function mapRegs(i, useMap, defMap) {
  const src = (s) => s.reg !== void 0 ? { reg: useMap(s.reg) } : s;
  const mem = (m) => m.slot === void 0 ? { ...m, base: useMap(m.base) } : m;
  switch (i.op) {
    case "mov":
      return { ...i, d: defMap(i.d), s: src(i.s) };
    case "const":
    case "addr":
    case "sym":
      return { ...i, d: defMap(i.d) };
    case "alu":
    case "setcc":
      return { ...i, d: defMap(i.d), a: useMap(i.a), b: src(i.b) };
    case "neg":
    case "movsx":
    case "bswap":
      return { ...i, d: defMap(i.d), a: useMap(i.a) };
    case "ld":
      return { ...i, d: defMap(i.d), m: mem(i.m) };
    case "st":
      return { ...i, m: mem(i.m), s: src(i.s) };
    case "call":
    case "calllocal":
      return i;
    case "atomic":
      return { ...i, m: mem(i.m), s: useMap(i.s), d: i.d === void 0 ? void 0 : defMap(i.d) };
    case "cmpxchg":
      return { ...i, m: mem(i.m), s: useMap(i.s) };
  }
}

// packages/cc-frontend/src/types.ts
var int = (size, signed, name2) => ({
  kind: "int",
  size,
  signed,
  name: name2
});
var T = {
  void: { kind: "void" },
  bool: { kind: "int", size: 1, signed: false, name: "_Bool", bool: true },
  char: int(1, true, "char"),
  schar: int(1, true, "signed char"),
  uchar: int(1, false, "unsigned char"),
  short: int(2, true, "short"),
  ushort: int(2, false, "unsigned short"),
  int: int(4, true, "int"),
  uint: int(4, false, "unsigned int"),
  long: int(8, true, "long"),
  ulong: int(8, false, "unsigned long"),
  llong: int(8, true, "long long"),
  ullong: int(8, false, "unsigned long long")
};
function pointerTo(t) {
  return { kind: "ptr", to: t };
}
function arrayOf(t, len) {
  return { kind: "array", of: t, len };
}
function isInteger(t) {
  return t.kind === "int";
}
function isScalar(t) {
  return t.kind === "int" || t.kind === "ptr" || t.kind === "float";
}
function sizeOf(t) {
  switch (t.kind) {
    case "void":
      return 1;
    // GNU: arithmetic on void * steps by 1
    case "int":
    case "float":
      return t.size;
    case "ptr":
      return 8;
    case "array":
      return (t.len ?? 0) * sizeOf(t.of);
    case "struct":
      return t.def.size;
    case "func":
      return 1;
  }
}
function alignOf(t) {
  switch (t.kind) {
    case "array":
      return alignOf(t.of);
    case "struct":
      return t.def.align;
    case "float":
      return Math.min(t.size, 16);
    default:
      return Math.min(sizeOf(t), 8);
  }
}
function isComplete(t) {
  if (t.kind === "void") return false;
  if (t.kind === "struct") return t.def.complete;
  if (t.kind === "array") return t.len !== void 0 && isComplete(t.of);
  return true;
}
function promote(t) {
  return t.size < 4 ? T.int : t.enumTag !== void 0 ? t.signed ? T.int : T.uint : unqualified(t);
}
function unqualified(t) {
  if (!t.const && !t.volatile) return t;
  const { const: _c, volatile: _v, ...rest } = t;
  return rest;
}
function usualArithmetic(a, b) {
  const x = promote(a);
  const y = promote(b);
  if (x.size === y.size && x.signed === y.signed) return x.size === 8 ? x.signed ? T.long : T.ulong : x;
  if (x.signed === y.signed) return x.size > y.size ? x : y;
  const [u, s] = x.signed ? [y, x] : [x, y];
  if (u.size >= s.size) return u.size === 8 ? T.ulong : u;
  return s.size === 8 ? T.long : s;
}
function sameType(a, b) {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "int":
      return a.size === b.size && a.signed === b.signed && !!a.bool === !!b.bool;
    case "ptr":
      return sameType(a.to, b.to);
    case "array":
      return sameType(a.of, b.of);
    case "struct":
      return a.def === b.def;
    case "float":
      return a.size === b.size;
    default:
      return true;
  }
}
function typeToString(t, name2 = "") {
  const q = (x) => `${x.const ? "const " : ""}${x.volatile ? "volatile " : ""}`;
  switch (t.kind) {
    case "void":
      return `${q(t)}void${name2 ? ` ${name2}` : ""}`;
    case "int":
    case "float": {
      const base = t.kind === "int" && t.enumTag !== void 0 ? `enum ${t.enumTag}` : t.name;
      return `${q(t)}${base}${name2 ? ` ${name2}` : ""}`;
    }
    case "struct": {
      const base = `${t.def.union ? "union" : "struct"} ${t.def.tag ?? "(anonymous)"}`;
      return `${q(t)}${base}${name2 ? ` ${name2}` : ""}`;
    }
    case "ptr": {
      const inner = `*${t.const ? "const " : ""}${name2}`.trimEnd();
      const needParens = t.to.kind === "array" || t.to.kind === "func";
      return typeToString(unqualified(t.to) === t.to ? t.to : t.to, needParens ? `(${inner})` : inner);
    }
    case "array":
      return typeToString(t.of, `${name2}[${t.len ?? ""}]`);
    case "func": {
      const params = t.params.map((p) => typeToString(p.type)).concat(t.variadic ? ["..."] : []);
      return typeToString(
        t.ret,
        `${name2}(${params.length ? params.join(", ") : t.unprototyped ? "" : "void"})`
      );
    }
  }
}
function layoutStruct(def, fields) {
  let bit = 0;
  let align = 1;
  let size = 0;
  def.members = [];
  for (const f of fields) {
    const fsize = sizeOf(f.type);
    const falign = def.packed ? f.align ?? 1 : Math.max(alignOf(f.type), f.align ?? 1);
    if (f.bitWidth !== void 0) {
      const unitBits = fsize * 8;
      if (def.union) {
        if (f.name !== void 0) align = Math.max(align, falign);
        size = Math.max(size, Math.ceil(f.bitWidth / 8));
        if (f.name !== void 0 && f.bitWidth > 0)
          def.members.push({ name: f.name, type: f.type, offset: 0, bitWidth: f.bitWidth, bitOffset: 0 });
        continue;
      }
      if (f.bitWidth === 0) {
        bit = roundUp(bit, alignOf(f.type) * 8);
        continue;
      }
      if (!def.packed && Math.floor(bit / unitBits) !== Math.floor((bit + f.bitWidth - 1) / unitBits)) {
        bit = roundUp(bit, falign * 8);
      }
      if (f.name !== void 0) {
        align = Math.max(align, falign);
        const unitStart = def.packed ? Math.floor(bit / 8) : Math.floor(bit / (falign * 8)) * falign;
        def.members.push({
          name: f.name,
          type: f.type,
          offset: unitStart,
          bitWidth: f.bitWidth,
          bitOffset: bit
        });
      }
      bit += f.bitWidth;
      continue;
    }
    align = Math.max(align, falign);
    if (def.union) {
      def.members.push({ name: f.name, type: f.type, offset: 0 });
      size = Math.max(size, fsize);
      continue;
    }
    bit = roundUp(bit, falign * 8);
    def.members.push({ name: f.name, type: f.type, offset: bit / 8 });
    bit += fsize * 8;
  }
  if (!def.union) size = Math.ceil(bit / 8);
  def.align = Math.max(def.align, align);
  def.size = roundUp(size, def.align);
  def.complete = true;
  return def;
}
function roundUp(n, to) {
  return Math.ceil(n / to) * to;
}
function findMember(def, name2) {
  for (const m of def.members) {
    if (m.name === name2) return { member: m, offset: m.offset };
    if (m.name === void 0 && m.type.kind === "struct") {
      const inner = findMember(m.type.def, name2);
      if (inner) {
        const bitShift = m.offset * 8;
        const member = inner.member.bitOffset !== void 0 ? { ...inner.member, bitOffset: inner.member.bitOffset + bitShift } : inner.member;
        return { member, offset: m.offset + inner.offset };
      }
    }
  }
  return void 0;
}

// packages/cc-frontend/src/irgen.ts
var MAX_STACK2 = 512;
function widthOf(t) {
  return sizeOf(t) === 8 && t.kind !== "struct" && t.kind !== "array" ? 64 : 32;
}
function isSigned(t) {
  return t.kind === "int" && t.signed;
}
function fitsImm(v, w2) {
  if (w2 === 32) return true;
  const s = BigInt.asIntN(64, v);
  return s >= -0x80000000n && s <= 0x7fffffffn;
}
function imm323(v) {
  return Number(BigInt.asIntN(32, v));
}
var ALU_OF = {
  "+": "add",
  "-": "sub",
  "*": "mul",
  "&": "and",
  "|": "or",
  "^": "xor",
  "<<": "lsh"
};
function cmpOp(op, signed) {
  switch (op) {
    case "==":
      return "jeq";
    case "!=":
      return "jne";
    case "<":
      return signed ? "jslt" : "jlt";
    case "<=":
      return signed ? "jsle" : "jle";
    case ">":
      return signed ? "jsgt" : "jgt";
    default:
      return signed ? "jsge" : "jge";
  }
}
var INVERT = {
  jeq: "jne",
  jne: "jeq",
  jlt: "jge",
  jge: "jlt",
  jle: "jgt",
  jgt: "jle",
  jslt: "jsge",
  jsge: "jslt",
  jsle: "jsgt",
  jsgt: "jsle",
  jset: void 0
};
var FuncGen = class {
  constructor(f, ctx) {
    this.f = f;
    this.ctx = ctx;
    this.loc = f.loc;
    this.cur = this.newBlock();
  }
  blocks = [];
  cur;
  nextV = FIRST_VREG;
  regOf = /* @__PURE__ */ new Map();
  slotOf = /* @__PURE__ */ new Map();
  slots = [];
  breaks = [];
  continues = [];
  labels = /* @__PURE__ */ new Map();
  loc;
  caseBlocks = /* @__PURE__ */ new Map();
  newBlock() {
    const b = { id: this.blocks.length, insns: [], term: { op: "none" } };
    this.blocks.push(b);
    return b;
  }
  vreg() {
    return this.nextV++;
  }
  emit(i) {
    i.loc = this.loc;
    this.cur.insns.push(i);
  }
  terminate(t) {
    if (this.cur.term.op === "none") this.cur.term = t;
  }
  jumpTo(b) {
    this.terminate({ op: "jmp", t: b });
    this.cur = b;
  }
  startBlock(b) {
    if (this.cur.term.op === "none") this.cur.term = { op: "jmp", t: b };
    this.cur = b;
  }
  error(loc, msg) {
    return this.ctx.diags.error(loc, msg);
  }
  generate() {
    const f = this.f;
    for (const p of f.params) {
      const r = p.paramIndex === void 0 ? 1 : p.paramIndex + 1;
      if (this.inMemory(p)) {
        const slot = this.slotFor(p);
        this.emit({ op: "st", size: sizeOf(p.type), m: { base: FP, off: 0, slot }, s: { reg: r } });
      } else {
        const v = this.vreg();
        this.regOf.set(p, v);
        this.emit({ op: "mov", w: 64, d: v, s: { reg: r } });
      }
    }
    if (f.body) this.stmt(f.body);
    if (this.cur.term.op === "none") {
      this.emit({ op: "mov", w: 64, d: 0, s: { imm: 0 } });
      this.terminate({ op: "ret" });
    }
    let size = 0;
    for (const s of this.slots) size = Math.ceil((size + s.size) / s.align) * s.align;
    if (size > MAX_STACK2)
      this.ctx.diags.error(
        f.loc,
        `stack size of ${size} bytes in function '${f.name}' exceeds BPF's limit of ${MAX_STACK2} bytes`
      );
    return { name: f.name, blocks: this.blocks, slots: this.slots, nextVreg: this.nextV, loc: f.loc };
  }
  inMemory(v) {
    return v.addressTaken || v.type.kind === "struct" || v.type.kind === "array";
  }
  slotFor(v) {
    let s = this.slotOf.get(v);
    if (s === void 0) {
      const size = Math.max(1, sizeOf(v.type));
      const align = v.type.kind === "struct" || v.type.kind === "array" ? size >= 8 ? 8 : Math.min(8, alignOf(v.type)) : Math.min(8, alignOf(v.type));
      s = this.slots.push({ size, align: Math.max(1, align) }) - 1;
      this.slotOf.set(v, s);
    }
    return s;
  }
  // ---- statements ----
  stmt(s) {
    try {
      this.stmtInner(s);
    } catch (e) {
      if (!(e instanceof Abort) || e.fatal) throw e;
    }
  }
  stmtInner(s) {
    this.loc = s.loc;
    switch (s.kind) {
      case "block":
        s.items.forEach((x, k) => {
          const unrolled = x.kind === "loop" && x.unroll && this.unroll(x, s.items[k - 1]);
          if (!unrolled) this.stmt(x);
        });
        return;
      case "empty":
        return;
      case "expr":
        this.effect(s.e);
        return;
      case "init": {
        this.init(s);
        return;
      }
      case "if": {
        const then = this.newBlock();
        const end = this.newBlock();
        const els = s.else ? this.newBlock() : end;
        this.cond(s.c, then, els);
        this.cur = then;
        this.stmt(s.then);
        this.jumpTo(s.else ? end : end);
        if (s.else) {
          this.cur = els;
          this.stmt(s.else);
          this.jumpTo(end);
        }
        this.cur = end;
        return;
      }
      case "loop": {
        const head = this.newBlock();
        const body = this.newBlock();
        const step = this.newBlock();
        const end = this.newBlock();
        if (s.doWhile) this.startBlock(body);
        else {
          this.startBlock(head);
          if (s.cond) this.cond(s.cond, body, end);
          else this.terminate({ op: "jmp", t: body });
          this.cur = body;
        }
        this.breaks.push(end);
        this.continues.push(step);
        this.stmt(s.body);
        this.breaks.pop();
        this.continues.pop();
        this.startBlock(step);
        this.loc = s.loc;
        if (s.step) this.effect(s.step);
        if (s.doWhile) {
          if (s.cond) this.cond(s.cond, body, end);
          else this.terminate({ op: "jmp", t: body });
        } else this.terminate({ op: "jmp", t: head });
        this.cur = end;
        return;
      }
      case "switch": {
        const v = this.gen(s.e);
        const w2 = widthOf(s.e.type);
        const end = this.newBlock();
        for (const c of s.cases) {
          const target3 = this.newBlock();
          this.caseBlocks.set(c.label.id, target3);
          const next = this.newBlock();
          this.terminate({ op: "br", cc: "jeq", w: w2, a: v, b: this.immOrReg(c.value, w2), t: target3, f: next });
          this.cur = next;
        }
        let dflt = end;
        if (s.default) {
          dflt = this.newBlock();
          this.caseBlocks.set(s.default.id, dflt);
        }
        this.terminate({ op: "jmp", t: dflt });
        this.cur = this.newBlock();
        this.breaks.push(end);
        this.stmt(s.body);
        this.breaks.pop();
        this.startBlock(end);
        return;
      }
      case "case": {
        const b = this.caseBlocks.get(s.id) ?? this.newBlock();
        this.startBlock(b);
        return;
      }
      case "break":
        this.terminate({ op: "jmp", t: this.breaks[this.breaks.length - 1] });
        this.cur = this.newBlock();
        return;
      case "continue":
        this.terminate({ op: "jmp", t: this.continues[this.continues.length - 1] });
        this.cur = this.newBlock();
        return;
      case "goto":
        this.terminate({ op: "jmp", t: this.label(s.label) });
        this.cur = this.newBlock();
        return;
      case "label":
        this.startBlock(this.label(s.name));
        this.stmt(s.body);
        return;
      case "return": {
        if (s.e) {
          const v = this.gen(s.e);
          this.emit({ op: "mov", w: 64, d: 0, s: { reg: v } });
        } else this.emit({ op: "mov", w: 64, d: 0, s: { imm: 0 } });
        this.terminate({ op: "ret" });
        this.cur = this.newBlock();
        return;
      }
    }
  }
  /**
   * `#pragma unroll` on `for (v = C0; v op C1; v += d)` with a body that leaves v alone: emit
   * the body once per iteration with v constant. Returns false (keep the loop) otherwise.
   */
  unroll(loop, init) {
    const plan = unrollPlan(loop, init);
    if (!plan) return false;
    const { v, values, after } = plan;
    const reg2 = this.regFor(v);
    const w2 = widthOf(v.type);
    const end = this.newBlock();
    for (const value of values) {
      this.loc = loop.loc;
      this.emit({ op: "const", d: reg2, v: w2 === 32 ? BigInt.asUintN(32, value) : value });
      const next = this.newBlock();
      this.breaks.push(end);
      this.continues.push(next);
      this.stmt(loop.body);
      this.breaks.pop();
      this.continues.pop();
      this.startBlock(next);
    }
    this.emit({ op: "const", d: reg2, v: w2 === 32 ? BigInt.asUintN(32, after) : after });
    this.startBlock(end);
    return true;
  }
  label(name2) {
    let b = this.labels.get(name2);
    if (!b) {
      b = this.newBlock();
      this.labels.set(name2, b);
    }
    return b;
  }
  init(s) {
    const v = s.v;
    if (!this.inMemory(v)) {
      const item = s.items[0];
      const r = this.gen(item.value);
      const d = this.regFor(v);
      this.emit({ op: "mov", w: 64, d, s: { reg: r } });
      return;
    }
    const slot = this.slotFor(v);
    const size = sizeOf(v.type);
    const image = new Uint8Array(size);
    const known = new Uint8Array(size);
    const dynamic = [];
    for (const it of s.items) {
      const c = constValue(it.value);
      if (c !== void 0 && it.bitWidth === void 0 && it.type.kind !== "struct") {
        const n = sizeOf(it.type);
        for (let i = 0; i < n; i++) {
          image[it.offset + i] = Number(BigInt.asUintN(64, c) >> BigInt(8 * i) & 0xffn);
          known[it.offset + i] = 1;
        }
      } else dynamic.push(it);
    }
    if (s.zero) {
      this.storeImage({ base: FP, off: 0, slot }, image, 0, size, this.slots[slot].align);
    } else {
      for (let i = 0; i < size; ) {
        if (!known[i]) {
          i++;
          continue;
        }
        let j = i;
        while (j < size && known[j]) j++;
        this.storeImage({ base: FP, off: 0, slot }, image, i, j - i, this.slots[slot].align);
        i = j;
      }
    }
    for (const it of dynamic) {
      const m = { base: FP, off: it.offset, slot };
      if (it.type.kind === "struct" || it.type.kind === "array") {
        const src = this.gen(it.value);
        this.copy(m, { base: src, off: 0 }, sizeOf(it.type), alignOf(it.type));
        continue;
      }
      const val = this.gen(it.value);
      if (it.bitWidth !== void 0 && it.bitOffset !== void 0) {
        this.storeBitfield(m, it.type, it.bitOffset - it.offset * 8, it.bitWidth, val);
        continue;
      }
      this.emit({ op: "st", size: sizeOf(it.type), m, s: { reg: val } });
    }
  }
  /** Store bytes [from, from+len) of a constant image at m + from, widest pieces first. */
  storeImage(m, image, from, len, align) {
    let i = from;
    const end = from + len;
    while (i < end) {
      let n = 8;
      while (n > 1 && (i + n > end || n > align || (m.off + i) % n !== 0)) n = n / 2;
      let v = 0n;
      for (let k = n - 1; k >= 0; k--) v = v << 8n | BigInt(image[i + k]);
      const dst = { ...m, off: m.off + i };
      const signed = BigInt.asIntN(n * 8, v);
      if (n < 8 || signed >= -0x80000000n && signed <= 0x7fffffffn) {
        this.emit({ op: "st", size: n, m: dst, s: { imm: Number(BigInt.asIntN(32, v)) } });
      } else {
        const r = this.vreg();
        this.emit({ op: "const", d: r, v });
        this.emit({ op: "st", size: 8, m: dst, s: { reg: r } });
      }
      i += n;
    }
  }
  regFor(v) {
    let r = this.regOf.get(v);
    if (r === void 0) {
      r = this.vreg();
      this.regOf.set(v, r);
    }
    return r;
  }
  // ---- conditions ----
  /** Branch to t if e is non-zero, else to f. */
  cond(e, t, f) {
    const c = constValue(e);
    if (c !== void 0) {
      this.terminate({ op: "jmp", t: c !== 0n ? t : f });
      this.cur = this.newBlock();
      return;
    }
    switch (e.kind) {
      case "logand": {
        const mid = this.newBlock();
        this.cond(e.l, mid, f);
        this.cur = mid;
        this.cond(e.r, t, f);
        return;
      }
      case "logor": {
        const mid = this.newBlock();
        this.cond(e.l, t, mid);
        this.cur = mid;
        this.cond(e.r, t, f);
        return;
      }
      case "unary":
        if (e.op === "!") {
          this.cond(e.e, f, t);
          return;
        }
        break;
      case "binary":
        if (["==", "!=", "<", "<=", ">", ">="].includes(e.op)) {
          const w2 = widthOf(e.l.type);
          const signed = isSigned(e.l.type);
          let l = e.l;
          let r = e.r;
          let op = e.op;
          if (constValue(l) !== void 0 && constValue(r) === void 0) {
            [l, r] = [r, l];
            op = { "<": ">", ">": "<", "<=": ">=", ">=": "<=" }[op] ?? op;
          }
          const a = this.gen(l);
          const b = this.src(r, w2);
          this.terminate({ op: "br", cc: cmpOp(op, signed), w: w2, a, b, t, f });
          return;
        }
        if (e.op === "&") {
          const w2 = widthOf(e.type);
          const a = this.gen(e.l);
          const b = this.src(e.r, w2);
          this.terminate({ op: "br", cc: "jset", w: w2, a, b, t, f });
          return;
        }
        break;
      case "cast":
        if (isInteger(e.type) && isInteger(e.e.type) && sizeOf(e.type) >= sizeOf(e.e.type) && !e.type.bool) {
          this.cond(e.e, t, f);
          return;
        }
        if (e.type.kind === "ptr" && e.e.type.kind === "ptr") {
          this.cond(e.e, t, f);
          return;
        }
        if (isInteger(e.type) && e.type.bool) {
          this.cond(e.e, t, f);
          return;
        }
        break;
      case "comma":
        this.effect(e.l);
        {
          this.cond(e.r, t, f);
          return;
        }
    }
    const v = this.gen(e);
    this.terminate({ op: "br", cc: "jne", w: widthOf(e.type), a: v, b: { imm: 0 }, t, f });
  }
  // ---- expressions ----
  immOrReg(v, w2) {
    if (fitsImm(v, w2)) return { imm: imm323(v) };
    const r = this.vreg();
    this.emit({ op: "const", d: r, v });
    return { reg: r };
  }
  /** An operand for a `w`-bit operation: an immediate when e is a constant that fits. */
  src(e, w2) {
    const c = constValue(e);
    if (c !== void 0 && fitsImm(c, w2)) return { imm: imm323(c) };
    return { reg: this.gen(e) };
  }
  /** Evaluate for side effects only. */
  effect(e) {
    switch (e.kind) {
      case "cast":
        if (e.type.kind === "void") {
          this.effect(e.e);
          return;
        }
        break;
      case "comma":
        this.effect(e.l);
        {
          this.effect(e.r);
          return;
        }
      case "incdec":
        this.gen({ ...e, prefix: true });
        return;
      case "num":
      case "var":
        return;
    }
    this.gen(e);
  }
  /** Evaluate to a register (for aggregates: their address). */
  gen(e) {
    switch (e.kind) {
      case "num": {
        const d = this.vreg();
        const w2 = widthOf(e.type);
        const v = w2 === 32 ? BigInt.asUintN(32, e.value) : e.value;
        if (w2 === 32) this.emit({ op: "mov", w: 32, d, s: { imm: imm323(v) } });
        else this.emit({ op: "const", d, v });
        return d;
      }
      case "var":
      case "deref":
      case "member": {
        const lv = this.lvalue(e);
        if (e.type.kind === "struct" || e.type.kind === "array") return this.addressOfLValue(lv);
        return this.load(lv);
      }
      case "addr":
        return this.addressOf(e.e);
      case "func":
        throw this.error(e.loc, "taking the address of a function is not supported");
      case "cast":
        return this.convert(e.e, e.type);
      case "unary": {
        if (e.op === "!")
          return this.setcc(e.e.type, "jeq", e.e, { kind: "num", value: 0n, type: e.e.type, loc: e.loc });
        const w2 = widthOf(e.type);
        const a = this.gen(e.e);
        const d = this.vreg();
        if (e.op === "-") this.emit({ op: "neg", w: w2, d, a });
        else this.emit({ op: "alu", alu: "xor", w: w2, d, a, b: { imm: -1 } });
        return this.normalize(d, e.type);
      }
      case "binary":
        return this.binary(e);
      case "logand":
      case "logor":
      case "cond": {
        const d = this.vreg();
        const end = this.newBlock();
        const t = this.newBlock();
        const f = this.newBlock();
        if (e.kind === "cond") {
          this.cond(e.c, t, f);
          this.cur = t;
          if (e.type.kind === "void") this.effect(e.a);
          else this.emit({ op: "mov", w: 64, d, s: { reg: this.gen(e.a) } });
          this.terminate({ op: "jmp", t: end });
          this.cur = f;
          if (e.type.kind === "void") this.effect(e.b);
          else this.emit({ op: "mov", w: 64, d, s: { reg: this.gen(e.b) } });
          this.jumpTo(end);
          return d;
        }
        this.cond(e, t, f);
        this.cur = t;
        this.emit({ op: "mov", w: 32, d, s: { imm: 1 } });
        this.terminate({ op: "jmp", t: end });
        this.cur = f;
        this.emit({ op: "mov", w: 32, d, s: { imm: 0 } });
        this.jumpTo(end);
        return d;
      }
      case "comma":
        this.effect(e.l);
        return this.gen(e.r);
      case "assign":
        return this.assign(e.l, e.r);
      case "opassign":
        return this.opassign(e);
      case "incdec":
        return this.incdec(e);
      case "call":
        return this.call(e);
      case "helper":
        return this.helper(e);
      case "builtin":
        return this.builtin(e);
      case "stmtexpr": {
        for (const s of e.body) this.stmt(s);
        if (e.result === void 0) return this.zero();
        return this.gen(e.result);
      }
    }
  }
  zero() {
    const d = this.vreg();
    this.emit({ op: "mov", w: 64, d, s: { imm: 0 } });
    return d;
  }
  setcc(operandType, cc, l, r) {
    const w2 = widthOf(operandType);
    const a = this.gen(l);
    const b = this.src(r, w2);
    const d = this.vreg();
    this.emit({ op: "setcc", cc, w: w2, d, a, b });
    return d;
  }
  binary(e) {
    if (["==", "!=", "<", "<=", ">", ">="].includes(e.op)) {
      return this.setcc(e.l.type, cmpOp(e.op, isSigned(e.l.type)), e.l, e.r);
    }
    const a = this.gen(e.l);
    const d = this.vreg();
    this.arith(e.op, e.type, d, a, e.r);
    return this.normalize(d, e.type);
  }
  /** d = a op r in type t (no normalisation). */
  arith(op, t, d, a, r) {
    const w2 = widthOf(t);
    const signed = isSigned(t);
    let alu = ALU_OF[op];
    if (op === ">>") alu = signed ? "arsh" : "rsh";
    else if (op === "/") alu = signed ? "sdiv" : "div";
    else if (op === "%") alu = signed ? "smod" : "mod";
    if (alu === void 0) throw this.error(r.loc, `operator '${op}' cannot be used here`);
    let b = this.src(r, w2);
    if ((op === "<<" || op === ">>") && b.imm !== void 0) b = { imm: b.imm & w2 - 1 };
    this.emit({ op: "alu", alu, w: w2, d, a, b });
  }
  /** Re-establish the register representation of a narrow type after arithmetic. */
  normalize(r, t) {
    if (!isInteger(t)) return r;
    if (t.bool) return r;
    if (t.size === 1 || t.size === 2) {
      const d = this.vreg();
      if (t.signed) this.emit({ op: "movsx", w: 32, bits: t.size * 8, d, a: r });
      else this.emit({ op: "alu", alu: "and", w: 32, d, a: r, b: { imm: t.size === 1 ? 255 : 65535 } });
      return d;
    }
    return r;
  }
  /** Converts the value of e to type `to`. */
  convert(e, to) {
    const from = e.type;
    if (to.kind === "void") {
      this.effect(e);
      return this.zero();
    }
    const v = this.gen(e);
    return this.convertReg(v, from, to);
  }
  convertReg(v, from, to) {
    const fs = from.kind === "array" || from.kind === "func" ? 8 : sizeOf(from);
    const ts = sizeOf(to);
    if (isInteger(to) && to.bool) {
      if (isInteger(from) && from.bool) return v;
      const d = this.vreg();
      this.emit({ op: "setcc", cc: "jne", w: fs === 8 ? 64 : 32, d, a: v, b: { imm: 0 } });
      return d;
    }
    const fromSigned = isSigned(from);
    if (ts === 8) {
      if (fs === 8) return v;
      if (fromSigned) {
        const d = this.vreg();
        this.emit({ op: "movsx", w: 64, bits: 32, d, a: v });
        return d;
      }
      return v;
    }
    let r = v;
    if (fs === 8) {
      r = this.vreg();
      this.emit({ op: "mov", w: 32, d: r, s: { reg: v } });
    }
    if (ts === 4) return r;
    const toSigned = isSigned(to);
    if (fs < ts && (fromSigned === toSigned || !fromSigned)) return r;
    if (fs === ts && fromSigned === toSigned) return r;
    return this.normalize(r, to);
  }
  // ---- lvalues and memory ----
  lvalue(e) {
    switch (e.kind) {
      case "var": {
        const v = e.v;
        if (v.storage !== "global" && !this.inMemory(v))
          return { kind: "reg", r: this.regFor(v), type: e.type };
        if (v.storage !== "global")
          return { kind: "mem", m: { base: FP, off: 0, slot: this.slotFor(v) }, type: e.type };
        const d = this.vreg();
        const sym = this.ctx.symbolOf(v);
        this.emit({ op: "sym", d, ...sym });
        return { kind: "mem", m: { base: d, off: 0 }, type: e.type };
      }
      case "deref":
        return { kind: "mem", m: this.memOf(e.e), type: e.type };
      case "member": {
        const m = this.memOf(e.base);
        const lv = { kind: "mem", m: { ...m, off: m.off + e.offset }, type: e.type };
        if (e.member.bitWidth !== void 0) {
          lv.member = e.member;
          lv.bitShift = (e.member.bitOffset ?? 0) - e.member.offset * 8;
        }
        return lv;
      }
      case "stmtexpr": {
        for (const s of e.body) this.stmt(s);
        if (!e.result) throw this.error(e.loc, "expression is not assignable");
        return this.lvalue(e.result);
      }
      default:
        throw this.error(e.loc, "expression is not an lvalue");
    }
  }
  /** A memory operand for the address computed by pointer expression p (folds constant offsets). */
  memOf(p) {
    if (p.kind === "addr") {
      const lv = this.lvalue(p.e);
      if (lv.kind === "mem" && lv.member?.bitWidth === void 0) return lv.m;
    }
    if (p.kind === "binary" && (p.op === "+" || p.op === "-") && p.type.kind === "ptr") {
      const c = constValue(p.r);
      if (c !== void 0) {
        const delta = Number(BigInt.asIntN(64, p.op === "+" ? c : -c));
        const inner = this.memOf(p.l);
        const off = inner.off + delta;
        if (off >= -32768 && off <= 32767) return { ...inner, off };
        return { base: this.materialize(inner, delta), off: 0 };
      }
    }
    if (p.kind === "cast" && p.type.kind === "ptr" && p.e.type.kind === "ptr") return this.memOf(p.e);
    return { base: this.gen(p), off: 0 };
  }
  materialize(m, extra) {
    const d = this.vreg();
    if (m.slot !== void 0) this.emit({ op: "addr", d, slot: m.slot, off: m.off + extra });
    else {
      this.emit({ op: "mov", w: 64, d, s: { reg: m.base } });
      const off = m.off + extra;
      if (off !== 0) this.emit({ op: "alu", alu: "add", w: 64, d, a: d, b: { imm: off } });
    }
    return d;
  }
  addressOfLValue(lv) {
    if (lv.kind === "reg") throw new Error("internal: address of a register variable");
    if (lv.m.slot === void 0 && lv.m.off === 0) return lv.m.base;
    return this.materialize(lv.m, 0);
  }
  addressOf(e) {
    if (e.kind === "var" && e.v.storage === "global") {
      const d = this.vreg();
      this.emit({ op: "sym", d, ...this.ctx.symbolOf(e.v) });
      return d;
    }
    if (e.kind === "func") throw this.error(e.loc, "taking the address of a function is not supported");
    return this.addressOfLValue(this.lvalue(e));
  }
  load(lv) {
    if (lv.kind === "reg") return lv.r;
    const t = lv.type;
    const size = sizeOf(t);
    const d = this.vreg();
    this.emit({ op: "ld", size, d, m: lv.m });
    if (lv.member?.bitWidth !== void 0)
      return this.extractBits(d, t, lv.bitShift ?? 0, lv.member.bitWidth);
    if (isInteger(t) && t.signed && size < 4) {
      const s = this.vreg();
      this.emit({ op: "movsx", w: 32, bits: size * 8, d: s, a: d });
      return s;
    }
    return d;
  }
  extractBits(unit, t, shift, width) {
    const d = this.vreg();
    const left = 64 - shift - width;
    const signed = isSigned(t);
    this.emit({ op: "alu", alu: "lsh", w: 64, d, a: unit, b: { imm: left } });
    this.emit({ op: "alu", alu: signed ? "arsh" : "rsh", w: 64, d, a: d, b: { imm: 64 - width } });
    if (sizeOf(t) <= 4) {
      const r = this.vreg();
      this.emit({ op: "mov", w: 32, d: r, s: { reg: d } });
      return r;
    }
    return d;
  }
  storeBitfield(m, t, shift, width, val) {
    const size = sizeOf(t);
    const unit = this.vreg();
    this.emit({ op: "ld", size, d: unit, m });
    const mask = (1n << BigInt(width)) - 1n << BigInt(shift);
    const keep = this.vreg();
    const inv = BigInt.asUintN(64, ~mask);
    this.emit({ op: "alu", alu: "and", w: 64, d: keep, a: unit, b: this.immOrReg(inv, 64) });
    const part = this.vreg();
    this.emit({ op: "alu", alu: "lsh", w: 64, d: part, a: val, b: { imm: 64 - width } });
    this.emit({ op: "alu", alu: "rsh", w: 64, d: part, a: part, b: { imm: 64 - width - shift } });
    this.emit({ op: "alu", alu: "or", w: 64, d: keep, a: keep, b: { reg: part } });
    this.emit({ op: "st", size, m, s: { reg: keep } });
  }
  store(lv, val) {
    if (lv.kind === "reg") {
      this.emit({ op: "mov", w: 64, d: lv.r, s: { reg: val } });
      return;
    }
    if (lv.member?.bitWidth !== void 0) {
      this.storeBitfield(lv.m, lv.type, lv.bitShift ?? 0, lv.member.bitWidth, val);
      return;
    }
    this.emit({ op: "st", size: sizeOf(lv.type), m: lv.m, s: { reg: val } });
  }
  assign(l, r) {
    if (l.type.kind === "struct") {
      const src = this.gen(r);
      const lv = this.lvalue(l);
      if (lv.kind !== "mem") throw this.error(l.loc, "internal: struct in a register");
      this.copy(lv.m, { base: src, off: 0 }, sizeOf(l.type), alignOf(l.type));
      return this.addressOfLValue(lv);
    }
    const lv0 = this.lvalue(l);
    const c = constValue(r);
    if (lv0.kind === "mem" && c !== void 0 && lv0.member === void 0 && fitsImm(c, widthOf(l.type))) {
      this.emit({ op: "st", size: sizeOf(l.type), m: lv0.m, s: { imm: imm323(c) } });
      const d = this.vreg();
      this.emit({ op: "const", d, v: c });
      return d;
    }
    const v = this.gen(r);
    this.store(lv0, v);
    if (lv0.kind === "mem" && lv0.member?.bitWidth !== void 0) {
      return this.extractBits(v, lv0.type, 0, lv0.member.bitWidth);
    }
    return lv0.kind === "reg" ? lv0.r : v;
  }
  opassign(e) {
    const lv = this.lvalue(e.l);
    const old = this.load(lv);
    const cur = this.convertReg(old, e.l.type, e.opType);
    const d = this.vreg();
    this.arith(e.op, e.opType, d, cur, e.r);
    const res = this.convertReg(this.normalize(d, e.opType), e.opType, e.l.type);
    this.store(lv, res);
    return lv.kind === "reg" ? lv.r : res;
  }
  incdec(e) {
    const lv = this.lvalue(e.l);
    const t = e.l.type;
    const w2 = widthOf(t);
    const old = this.load(lv);
    let keep = old;
    if (!e.prefix && lv.kind === "reg") {
      keep = this.vreg();
      this.emit({ op: "mov", w: 64, d: keep, s: { reg: old } });
    }
    const d = this.vreg();
    this.emit({ op: "alu", alu: "add", w: w2, d, a: old, b: { imm: Number(e.delta) } });
    const res = isInteger(t) && t.bool ? this.convertReg(d, T.int, t) : this.normalize(d, t);
    this.store(lv, res);
    if (e.prefix) return lv.kind === "reg" ? lv.r : res;
    return keep;
  }
  /** Inline copy of n bytes, widest accesses the alignment allows. */
  copy(dst, src, n, align) {
    let i = 0;
    while (i < n) {
      let k = 8;
      while (k > 1 && (k > align || i + k > n)) k = k / 2;
      const t = this.vreg();
      this.emit({ op: "ld", size: k, d: t, m: { ...src, off: src.off + i } });
      this.emit({ op: "st", size: k, m: { ...dst, off: dst.off + i }, s: { reg: t } });
      i += k;
    }
  }
  // ---- calls ----
  args(args) {
    const regs = args.map((a) => this.gen(a));
    regs.forEach((r, i) => {
      this.emit({ op: "mov", w: 64, d: i + 1, s: { reg: r } });
    });
  }
  result(type, normalizeRet) {
    const d = this.vreg();
    if (type.kind === "void") {
      this.emit({ op: "mov", w: 64, d, s: { imm: 0 } });
      return d;
    }
    if (normalizeRet && sizeOf(type) <= 4 && isInteger(type)) {
      this.emit({ op: "mov", w: 32, d, s: { reg: 0 } });
      return this.normalize(d, type);
    }
    this.emit({ op: "mov", w: 64, d, s: { reg: 0 } });
    return d;
  }
  call(e) {
    this.args(e.args);
    this.emit({ op: "calllocal", fn: e.callee.name, nargs: e.args.length });
    return this.result(e.type, false);
  }
  helper(e) {
    this.args(e.args);
    this.emit({ op: "call", helper: e.id, nargs: e.args.length });
    return this.result(e.type, true);
  }
  builtin(e) {
    const a = e.args;
    switch (e.name) {
      case "__builtin_unreachable":
      case "__builtin_trap":
        return this.zero();
      case "__builtin_bswap16":
      case "__builtin_bswap32":
      case "__builtin_bswap64": {
        const v = this.gen(a[0]);
        const d = this.vreg();
        this.emit({ op: "bswap", bits: Number(e.name.slice(-2)), d, a: v });
        return d;
      }
      case "__builtin_memcpy":
      case "__builtin_memmove": {
        const n = Number(constValue(a[2]) ?? 0n);
        const dst = this.memOf(a[0]);
        const src = this.memOf(a[1]);
        const align = Math.min(pointeeAlign(a[0].type), pointeeAlign(a[1].type));
        if (e.name === "__builtin_memmove" && n > 0) {
          const parts = [];
          let i = 0;
          while (i < n) {
            let k = 8;
            while (k > 1 && (k > align || i + k > n)) k = k / 2;
            const r = this.vreg();
            this.emit({ op: "ld", size: k, d: r, m: { ...src, off: src.off + i } });
            parts.push({ off: i, k, r });
            i += k;
          }
          for (const p of parts)
            this.emit({ op: "st", size: p.k, m: { ...dst, off: dst.off + p.off }, s: { reg: p.r } });
        } else this.copy(dst, src, n, align);
        return this.gen(a[0]);
      }
      case "__builtin_memset": {
        const n = Number(constValue(a[2]) ?? 0n);
        const dst = this.memOf(a[0]);
        const c = constValue(a[1]);
        const align = pointeeAlign(a[0].type);
        if (c !== void 0) {
          this.storeImage(dst, new Uint8Array(n).fill(Number(c) & 255), 0, n, align);
        } else {
          const byte = this.gen(a[1]);
          for (let i = 0; i < n; i++)
            this.emit({ op: "st", size: 1, m: { ...dst, off: dst.off + i }, s: { reg: byte } });
        }
        return this.gen(a[0]);
      }
      case "__builtin_memcmp": {
        const n = Number(constValue(a[2]) ?? 0n);
        const pa = this.memOf(a[0]);
        const pb = this.memOf(a[1]);
        const d = this.vreg();
        const end = this.newBlock();
        this.emit({ op: "mov", w: 32, d, s: { imm: 0 } });
        for (let i = 0; i < n; i++) {
          const x = this.vreg();
          const y = this.vreg();
          this.emit({ op: "ld", size: 1, d: x, m: { ...pa, off: pa.off + i } });
          this.emit({ op: "ld", size: 1, d: y, m: { ...pb, off: pb.off + i } });
          this.emit({ op: "alu", alu: "sub", w: 32, d, a: x, b: { reg: y } });
          const next = this.newBlock();
          this.terminate({ op: "br", cc: "jne", w: 32, a: d, b: { imm: 0 }, t: end, f: next });
          this.cur = next;
        }
        this.jumpTo(end);
        return d;
      }
    }
    if (e.name.startsWith("__sync_")) return this.atomic(e);
    throw this.error(e.loc, `builtin '${e.name}' is not supported`);
  }
  atomic(e) {
    const name2 = e.name;
    const vt = e.args[0].type.kind === "ptr" ? e.args[0].type.to : T.long;
    const size = sizeOf(vt);
    const w2 = size === 8 ? 64 : 32;
    const m = this.memOf(e.args[0]);
    if (name2 === "__sync_val_compare_and_swap" || name2 === "__sync_bool_compare_and_swap") {
      const expected = this.gen(e.args[1]);
      const nv = this.gen(e.args[2]);
      this.emit({ op: "mov", w: 64, d: 0, s: { reg: expected } });
      this.emit({ op: "cmpxchg", size, m, s: nv });
      const old = this.vreg();
      this.emit({ op: "mov", w: w2, d: old, s: { reg: 0 } });
      if (name2 === "__sync_val_compare_and_swap") return old;
      const d2 = this.vreg();
      this.emit({ op: "setcc", cc: "jeq", w: w2, d: d2, a: old, b: { reg: expected } });
      return d2;
    }
    const v = this.gen(e.args[1]);
    if (name2 === "__sync_lock_test_and_set") {
      const d2 = this.vreg();
      this.emit({ op: "atomic", aop: "xchg", size, m, s: v, d: d2 });
      return d2;
    }
    const base = name2.replace(/^__sync_(fetch_and_)?/, "").replace(/_and_fetch$/, "");
    const fetchFirst = name2.startsWith("__sync_fetch_and_");
    let operand = v;
    const aop = base === "sub" ? "add" : base;
    if (base === "sub") {
      operand = this.vreg();
      this.emit({ op: "neg", w: w2, d: operand, a: v });
    }
    const d = this.vreg();
    this.emit({ op: "atomic", aop, size, m, s: operand, d });
    if (fetchFirst) return d;
    const r = this.vreg();
    const alu = base === "sub" ? "sub" : base;
    this.emit({ op: "alu", alu, w: w2, d: r, a: d, b: { reg: v } });
    return r;
  }
};
var MAX_UNROLL = 128;
function unrollPlan(loop, init) {
  if (loop.doWhile || !loop.cond || !loop.step || !init) return void 0;
  let v;
  let start;
  if (init.kind === "init" && init.items.length === 1 && init.items[0].offset === 0) {
    v = init.v;
    start = constValue(init.items[0].value);
  } else if (init.kind === "expr" && init.e.kind === "assign" && init.e.l.kind === "var") {
    v = init.e.l.v;
    start = constValue(init.e.r);
  }
  if (!v || start === void 0 || !isInteger(v.type) || v.addressTaken || v.storage === "global")
    return void 0;
  const counter = v;
  const isV = (e) => e.kind === "var" && e.v === counter || e.kind === "cast" && isV(e.e);
  const c = loop.cond;
  if (c.kind !== "binary" || !isV(c.l)) return void 0;
  const limit = constValue(c.r);
  if (limit === void 0) return void 0;
  let delta;
  const st = loop.step;
  if (st.kind === "incdec" && st.l.kind === "var" && st.l.v === counter) delta = st.delta;
  else if (st.kind === "opassign" && st.l.kind === "var" && st.l.v === counter && (st.op === "+" || st.op === "-")) {
    const k = constValue(st.r);
    if (k !== void 0) delta = st.op === "+" ? k : -k;
  }
  if (delta === void 0 || writes(loop.body, counter)) return void 0;
  const vt = v.type;
  const ct = c.l.type;
  const wrap = (x2) => vt.kind === "int" ? vt.signed ? BigInt.asIntN(vt.size * 8, x2) : BigInt.asUintN(vt.size * 8, x2) : x2;
  const asCmp = (x2) => ct.kind === "int" ? ct.signed ? BigInt.asIntN(ct.size * 8, x2) : BigInt.asUintN(ct.size * 8, x2) : x2;
  const holds = (x2) => {
    const a = asCmp(x2);
    const b = asCmp(limit);
    switch (c.op) {
      case "<":
        return a < b;
      case "<=":
        return a <= b;
      case ">":
        return a > b;
      case ">=":
        return a >= b;
      case "!=":
        return a !== b;
      default:
        return false;
    }
  };
  const values = [];
  let x = wrap(start);
  while (holds(x)) {
    if (values.length >= MAX_UNROLL) return void 0;
    values.push(x);
    x = wrap(x + delta);
  }
  return { v, values, after: x };
}
function writes(s, v) {
  const e = (x) => {
    if (!x) return false;
    switch (x.kind) {
      case "assign":
      case "opassign":
      case "incdec":
        return x.l.kind === "var" && x.l.v === v || e(x.l) || "r" in x && e(x.r);
      case "addr":
        return x.e.kind === "var" && x.e.v === v || e(x.e);
      case "unary":
      case "cast":
      case "deref":
        return e(x.e);
      case "binary":
      case "logand":
      case "logor":
      case "comma":
        return e(x.l) || e(x.r);
      case "cond":
        return e(x.c) || e(x.a) || e(x.b);
      case "member":
        return e(x.base);
      case "call":
      case "helper":
      case "builtin":
        return x.args.some(e);
      case "stmtexpr":
        return x.body.some((b) => writes(b, v)) || e(x.result);
      default:
        return false;
    }
  };
  switch (s.kind) {
    case "block":
      return s.items.some((x) => writes(x, v));
    case "expr":
      return e(s.e);
    case "if":
      return e(s.c) || writes(s.then, v) || s.else !== void 0 && writes(s.else, v);
    case "loop":
      return e(s.cond) || e(s.step) || writes(s.body, v);
    case "switch":
      return e(s.e) || writes(s.body, v);
    case "label":
      return writes(s.body, v);
    case "return":
      return e(s.e);
    case "init":
      return s.v === v || s.items.some((it) => e(it.value));
    case "goto":
      return true;
    // a jump out of (or into) the body: keep the loop
    default:
      return false;
  }
}
function pointeeAlign(t) {
  if (t.kind !== "ptr" || t.to.kind === "void") return 1;
  return Math.min(8, alignOf(t.to));
}
function constValue(e) {
  if (e.kind === "num") return e.value;
  return void 0;
}

// packages/cc-frontend/src/emit.ts
function emitFunction(fn, alloc) {
  const R2 = (v) => {
    if (v < FIRST_VREG) return v;
    const r = alloc.reg.get(v);
    return r ?? 0;
  };
  const slotOff = [];
  let size = 0;
  for (const s of fn.slots) {
    size = Math.ceil((size + s.size) / s.align) * s.align;
    slotOff.push(-size);
  }
  const insns = [];
  const locs = [];
  const relocs = [];
  let loc;
  const out = (i) => {
    insns.push(i);
    locs.push(loc);
  };
  const mem = (m) => m.slot !== void 0 ? { reg: FP, off: slotOff[m.slot] + m.off } : { reg: R2(m.base), off: m.off };
  const aluSrc = (s) => s.reg !== void 0 ? { source: "reg", src: R2(s.reg), imm: 0 } : { source: "imm", src: 0, imm: s.imm };
  const mov = (w2, d, s) => {
    if (s.reg !== void 0 && R2(s.reg) === d && w2 === 64) return;
    out({ kind: "alu", width: w2, op: "mov", dst: d, ...aluSrc(s) });
  };
  const constant2 = (d, v) => {
    const s = BigInt.asIntN(64, v);
    if (s >= -0x80000000n && s <= 0x7fffffffn)
      out({ kind: "alu", width: 64, op: "mov", source: "imm", dst: d, src: 0, imm: Number(s) });
    else if (s >= 0n && s <= 0xffffffffn)
      out({
        kind: "alu",
        width: 32,
        op: "mov",
        source: "imm",
        dst: d,
        src: 0,
        imm: Number(BigInt.asIntN(32, s))
      });
    else {
      const u = BigInt.asUintN(64, v);
      out({
        kind: "lddw",
        source: "imm64",
        dst: d,
        imm: Number(BigInt.asIntN(32, u)),
        imm2: Number(BigInt.asIntN(32, u >> 32n))
      });
    }
  };
  const lower2 = (i) => {
    loc = i.loc ?? loc;
    switch (i.op) {
      case "mov":
        return mov(i.w, R2(i.d), i.s);
      case "const":
        return constant2(R2(i.d), i.v);
      case "alu": {
        const d = R2(i.d);
        if (R2(i.a) !== d || i.w === 32) {
          if (!(R2(i.a) === d && i.w === 32)) mov(i.w, d, { reg: i.a });
        }
        out({ kind: "alu", width: i.w, op: i.alu, dst: d, ...aluSrc(i.b) });
        return;
      }
      case "neg": {
        const d = R2(i.d);
        mov(i.w, d, { reg: i.a });
        out({ kind: "alu", width: i.w, op: "neg", source: "imm", dst: d, src: 0, imm: 0 });
        return;
      }
      case "movsx":
        out({
          kind: "alu",
          width: i.w,
          op: `movsx${i.bits}`,
          source: "reg",
          dst: R2(i.d),
          src: R2(i.a),
          imm: 0
        });
        return;
      case "bswap": {
        const d = R2(i.d);
        mov(64, d, { reg: i.a });
        out({ kind: "end", op: "be", bits: i.bits, dst: d });
        return;
      }
      case "ld": {
        const m = mem(i.m);
        out({ kind: "ldx", size: i.size, signed: false, dst: R2(i.d), src: m.reg, off: m.off });
        return;
      }
      case "st": {
        const m = mem(i.m);
        if (i.s.reg !== void 0)
          out({ kind: "stx", size: i.size, dst: m.reg, src: R2(i.s.reg), off: m.off });
        else out({ kind: "st", size: i.size, dst: m.reg, off: m.off, imm: i.s.imm });
        return;
      }
      case "addr": {
        const d = R2(i.d);
        out({ kind: "alu", width: 64, op: "mov", source: "reg", dst: d, src: FP, imm: 0 });
        const off = slotOff[i.slot] + i.off;
        if (off !== 0) out({ kind: "alu", width: 64, op: "add", source: "imm", dst: d, src: 0, imm: off });
        return;
      }
      case "sym":
        relocs.push({ insnIndex: insns.length, symbol: i.symbol, kind: i.kind });
        out({ kind: "lddw", source: "imm64", dst: R2(i.d), imm: i.kind === "data" ? i.addend : 0, imm2: 0 });
        return;
      case "call":
        out({ kind: "call", target: "helper", imm: i.helper });
        return;
      case "calllocal":
        relocs.push({ insnIndex: insns.length, symbol: i.fn, kind: "call" });
        out({ kind: "call", target: "local", imm: -1 });
        return;
      case "atomic": {
        const m = mem(i.m);
        if (i.d !== void 0) {
          mov(64, R2(i.d), { reg: i.s });
          out({ kind: "atomic", size: i.size, op: i.aop, fetch: true, dst: m.reg, src: R2(i.d), off: m.off });
        } else
          out({ kind: "atomic", size: i.size, op: i.aop, fetch: false, dst: m.reg, src: R2(i.s), off: m.off });
        return;
      }
      case "cmpxchg": {
        const m = mem(i.m);
        out({
          kind: "atomic",
          size: i.size,
          op: "cmpxchg",
          fetch: true,
          dst: m.reg,
          src: R2(i.s),
          off: m.off
        });
        return;
      }
      case "setcc": {
        const d = R2(i.d);
        out({ kind: "alu", width: 64, op: "mov", source: "imm", dst: d, src: 0, imm: 1 });
        out({ kind: "jmp", width: i.w, op: i.cc, dst: R2(i.a), ...aluSrc(i.b), off: 1 });
        out({ kind: "alu", width: 64, op: "mov", source: "imm", dst: d, src: 0, imm: 0 });
        return;
      }
    }
  };
  const order = layout(fn.blocks);
  const start = /* @__PURE__ */ new Map();
  const fixups = [];
  const jump = (target3) => {
    fixups.push({ at: insns.length, target: target3 });
    out({ kind: "ja", off: 0 });
  };
  order.forEach((b, k) => {
    start.set(b, insns.length);
    loc = b.insns[0]?.loc ?? loc;
    for (const i of b.insns) lower2(i);
    const next = order[k + 1];
    const t = b.term;
    if (t.op === "jmp") {
      if (t.t !== next) jump(t.t);
    } else if (t.op === "ret") out({ kind: "exit" });
    else if (t.op === "br") {
      const cond = (cc, target3) => {
        fixups.push({ at: insns.length, target: target3 });
        out({ kind: "jmp", width: t.w, op: cc, dst: R2(t.a), ...aluSrc(t.b), off: 0 });
      };
      const inv = INVERT[t.cc];
      if (t.t === next && inv) cond(inv, t.f);
      else {
        cond(t.cc, t.t);
        if (t.f !== next) jump(t.f);
      }
    } else if (t.op === "none") {
    }
  });
  const slotAt = [];
  let slot = 0;
  for (const i of insns) {
    slotAt.push(slot);
    slot += i.kind === "lddw" ? 2 : 1;
  }
  slotAt.push(slot);
  for (const f of fixups) {
    const targetIdx = start.get(f.target);
    const off = slotAt[targetIdx] - slotAt[f.at] - 1;
    const insn = insns[f.at];
    insn.off = off;
  }
  return { name: fn.name, insns, relocs, locs, stackSize: size };
}
function layout(blocks) {
  const placed = /* @__PURE__ */ new Set();
  const order = [];
  const next = (b) => {
    const t = b.term;
    if (t.op === "jmp") return t.t;
    if (t.op === "br") return placed.has(t.f) ? t.t : t.f;
    return void 0;
  };
  for (const start of blocks) {
    let b = start;
    while (b && !placed.has(b)) {
      placed.add(b);
      order.push(b);
      b = next(b);
    }
  }
  return order;
}

// packages/cc-frontend/src/headers.generated.ts
var BUNDLED_HEADERS = /* @__PURE__ */ new Map([
  [
    "tbpf/bpf_helpers.h",
    `/* tbpf/bpf_helpers.h: what a BPF C program needs from libbpf's bpf_helpers.h and the UAPI,
 * in one header that builds with tbpf cc, clang -target bpf and bpf-gcc. */
#ifndef __TBPF_BPF_HELPERS_H
#define __TBPF_BPF_HELPERS_H

typedef signed char __s8;
typedef unsigned char __u8;
typedef short __s16;
typedef unsigned short __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long __s64;
typedef unsigned long long __u64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u64 __be64;
typedef __u32 __wsum;

#define SEC(name) __attribute__((section(name), used))
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define __noinline __attribute__((noinline))
#define __weak __attribute__((weak))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __array(name, val) typeof(val) *name[]
#ifndef NULL
#define NULL ((void *)0)
#endif
#ifndef offsetof
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

enum bpf_map_type {
  BPF_MAP_TYPE_UNSPEC = 0,
  BPF_MAP_TYPE_HASH = 1,
  BPF_MAP_TYPE_ARRAY = 2,
  BPF_MAP_TYPE_PROG_ARRAY = 3,
  BPF_MAP_TYPE_PERF_EVENT_ARRAY = 4,
  BPF_MAP_TYPE_PERCPU_HASH = 5,
  BPF_MAP_TYPE_PERCPU_ARRAY = 6,
  BPF_MAP_TYPE_STACK_TRACE = 7,
  BPF_MAP_TYPE_CGROUP_ARRAY = 8,
  BPF_MAP_TYPE_LRU_HASH = 9,
  BPF_MAP_TYPE_LRU_PERCPU_HASH = 10,
  BPF_MAP_TYPE_LPM_TRIE = 11,
  BPF_MAP_TYPE_ARRAY_OF_MAPS = 12,
  BPF_MAP_TYPE_HASH_OF_MAPS = 13,
  BPF_MAP_TYPE_QUEUE = 22,
  BPF_MAP_TYPE_STACK = 23,
  BPF_MAP_TYPE_RINGBUF = 27,
};

/* Flags for bpf_map_update_elem. */
#define BPF_ANY 0
#define BPF_NOEXIST 1
#define BPF_EXIST 2

/* The legacy map definition (section "maps"). */
struct bpf_map_def {
  unsigned int type;
  unsigned int key_size;
  unsigned int value_size;
  unsigned int max_entries;
  unsigned int map_flags;
};

/* Helpers, by their Linux ids. */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *)2;
static long (*bpf_map_delete_elem)(void *map, const void *key) = (void *)3;
static long (*bpf_probe_read)(void *dst, __u32 size, const void *unsafe_ptr) = (void *)4;
static __u64 (*bpf_ktime_get_ns)(void) = (void *)5;
static long (*bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *)6;
static __u32 (*bpf_get_prandom_u32)(void) = (void *)7;
static __u32 (*bpf_get_smp_processor_id)(void) = (void *)8;
static long (*bpf_tail_call)(void *ctx, void *prog_array_map, __u32 index) = (void *)12;
static __u64 (*bpf_get_current_pid_tgid)(void) = (void *)14;
static __u64 (*bpf_get_current_uid_gid)(void) = (void *)15;
static long (*bpf_get_current_comm)(void *buf, __u32 size_of_buf) = (void *)16;
static long (*bpf_perf_event_output)(void *ctx, void *map, __u64 flags, void *data, __u64 size) = (void *)25;
static long (*bpf_get_stackid)(void *ctx, void *map, __u64 flags) = (void *)27;
static long (*bpf_probe_read_str)(void *dst, __u32 size, const void *unsafe_ptr) = (void *)45;
static long (*bpf_get_stack)(void *ctx, void *buf, __u32 size, __u64 flags) = (void *)67;
static long (*bpf_probe_read_user)(void *dst, __u32 size, const void *unsafe_ptr) = (void *)112;
static long (*bpf_probe_read_kernel)(void *dst, __u32 size, const void *unsafe_ptr) = (void *)113;
static long (*bpf_probe_read_user_str)(void *dst, __u32 size, const void *unsafe_ptr) = (void *)114;
static long (*bpf_probe_read_kernel_str)(void *dst, __u32 size, const void *unsafe_ptr) = (void *)115;
static long (*bpf_ringbuf_output)(void *ringbuf, void *data, __u64 size, __u64 flags) = (void *)130;
static void *(*bpf_ringbuf_reserve)(void *ringbuf, __u64 size, __u64 flags) = (void *)131;
static void (*bpf_ringbuf_submit)(void *data, __u64 flags) = (void *)132;
static void (*bpf_ringbuf_discard)(void *data, __u64 flags) = (void *)133;
static __u64 (*bpf_ktime_get_boot_ns)(void) = (void *)125;
static long (*bpf_snprintf)(char *str, __u32 str_size, const char *fmt, __u64 *data, __u32 data_len) = (void *)165;

/* tbpf's own range (1000+): the 2013 RFC's helpers. */
/* Compare n bytes at an unsafe (host) pointer with a buffer on the stack; like memcmp, or a
 * negative error if the host memory cannot be read. */
#ifndef __TBPF_RFC_HELPERS
#define __TBPF_RFC_HELPERS
static long (*bpf_memcmp)(const void *unsafe_ptr, const void *safe_ptr, long size) = (void *)1001;
/* Read the 8-byte pointer at an unsafe address; NULL if it cannot be read. */
static void *(*bpf_load_pointer)(const void *unsafe_ptr) = (void *)1002;
/* Record a stack trace of the traced context into the trace buffer. */
static void (*bpf_dump_stack)(void *ctx) = (void *)1003;
#endif

/* printk-style output with a literal format: bpf_printk("x=%d", x). */
#define bpf_printk(fmt, ...)                                                  \\
  ({                                                                          \\
    char ____fmt[] = fmt;                                                     \\
    bpf_trace_printk(____fmt, sizeof(____fmt), ##__VA_ARGS__);                \\
  })

#endif
`
  ],
  [
    "tbpf/rfc2013.h",
    "/* tbpf/rfc2013.h: what the 2013 \"tracing filters with BPF\" cover letter's filter assumes.\n * One `#include <tbpf/rfc2013.h>` makes its text compile unchanged:\n *   struct bpf_context (the traced function's registers), struct net_device with its name,\n *   bpf_memcmp(unsafe, safe, n) and the cover letter's bpf_trace_printk(fmt, a1, a2, a3, a4),\n *   whose format is a NUL-terminated string on the stack (not Linux's (fmt, fmt_size, ...)).\n * The helpers use tbpf's own ids (1001-1004) so they never clash with Linux's. */\n#ifndef __TBPF_RFC2013_H\n#define __TBPF_RFC2013_H\n\n#include <tbpf/trace.h>\n\n/* The host's device: the filter reads its name through bpf_memcmp. */\nstruct net_device {\n  char name[16];\n};\n\nstruct sk_buff;\n\n#ifndef __TBPF_RFC_HELPERS\n#define __TBPF_RFC_HELPERS\nstatic long (*bpf_memcmp)(const void *unsafe_ptr, const void *safe_ptr, long size) = (void *)1001;\nstatic void *(*bpf_load_pointer)(const void *unsafe_ptr) = (void *)1002;\nstatic void (*bpf_dump_stack)(void *ctx) = (void *)1003;\n#endif\nstatic long (*bpf_trace_printk)(const char *fmt, ...) = (void *)1004;\n\n#endif\n"
  ],
  [
    "tbpf/trace.h",
    "/* tbpf/trace.h: the tracing context. Probes see the x86-64 struct pt_regs (arguments in di, si,\n * dx, cx, r8, r9); the 2013 RFC's filters see struct bpf_context, which has the same layout. */\n#ifndef __TBPF_TRACE_H\n#define __TBPF_TRACE_H\n\nstruct pt_regs {\n  unsigned long r15;\n  unsigned long r14;\n  unsigned long r13;\n  unsigned long r12;\n  unsigned long bp;\n  unsigned long bx;\n  unsigned long r11;\n  unsigned long r10;\n  unsigned long r9;\n  unsigned long r8;\n  unsigned long ax;\n  unsigned long cx;\n  unsigned long dx;\n  unsigned long si;\n  unsigned long di;\n  unsigned long orig_ax;\n  unsigned long ip;\n  unsigned long cs;\n  unsigned long flags;\n  unsigned long sp;\n  unsigned long ss;\n};\n\nstruct bpf_context {\n  struct pt_regs regs;\n};\n\n#define PT_REGS_PARM1(x) ((x)->di)\n#define PT_REGS_PARM2(x) ((x)->si)\n#define PT_REGS_PARM3(x) ((x)->dx)\n#define PT_REGS_PARM4(x) ((x)->cx)\n#define PT_REGS_PARM5(x) ((x)->r8)\n#define PT_REGS_PARM6(x) ((x)->r9)\n#define PT_REGS_RET(x) ((x)->sp)\n#define PT_REGS_FP(x) ((x)->bp)\n#define PT_REGS_RC(x) ((x)->ax)\n#define PT_REGS_SP(x) ((x)->sp)\n#define PT_REGS_IP(x) ((x)->ip)\n\n#endif\n"
  ]
]);

// packages/cc-frontend/src/object.ts
function buildObject(unit) {
  const b = new ObjectBuilder();
  b.forceBtf = true;
  const btf = new BtfConverter(b);
  for (const m of unit.maps) {
    b.addMap({
      name: m.name,
      type: m.type,
      keySize: m.keySize,
      valueSize: m.valueSize,
      maxEntries: m.maxEntries,
      flags: m.flags,
      style: m.style,
      btfKeyType: m.keyType ? btf.id(m.keyType) : void 0,
      btfValueType: m.valueType ? btf.id(m.valueType) : void 0
    });
  }
  const sectionSize = /* @__PURE__ */ new Map();
  for (const d of unit.data) {
    const align = Math.min(8, Math.max(1, alignOf(d.type)));
    const at = sectionSize.get(d.section) ?? 0;
    const pad2 = (align - at % align) % align;
    const bss = d.section.startsWith(".bss");
    if (pad2) b.addData(d.section, bss ? pad2 : new Uint8Array(pad2));
    b.addData(d.section, bss ? d.bytes.length : d.bytes, { name: d.name, global: d.global });
    sectionSize.set(d.section, at + pad2 + d.bytes.length);
  }
  for (const f of unit.functions) {
    const first = b.addFunction(f.name, f.section, f.insns, { global: f.global });
    for (const r of f.relocs) b.addRelocation(f.section, first + r.insnIndex, r.symbol);
    b.addFuncInfo(f.section, first, btf.func(f));
    let lastLine = -1;
    let lastFile = "";
    f.locs.forEach((loc, k) => {
      if (!loc || loc.line === lastLine && loc.file === lastFile) return;
      lastLine = loc.line;
      lastFile = loc.file;
      const source = unit.sources.get(loc.file)?.split("\n")[loc.line - 1] ?? "";
      b.addLineInfo(f.section, first + k, { file: loc.file, source, line: loc.line, column: loc.col });
    });
  }
  if (unit.license !== void 0) b.license = unit.license;
  const bytes = b.build();
  return { bytes, object: readObject(bytes) };
}
var BtfConverter = class {
  constructor(b) {
    this.b = b;
  }
  ints = /* @__PURE__ */ new Map();
  structs = /* @__PURE__ */ new Map();
  id(t) {
    const btf = this.b.btf;
    switch (t.kind) {
      case "void":
        return 0;
      case "int":
      case "float": {
        const name2 = t.kind === "int" && t.enumTag !== void 0 ? t.signed ? "int" : "unsigned int" : t.name;
        let id = this.ints.get(name2);
        if (id === void 0) {
          id = t.kind === "float" ? btf.add({ kind: "float", name: name2, size: t.size }) : btf.int(name2, t.size, t.signed, { char: t.size === 1 && !t.bool, bool: !!t.bool });
          this.ints.set(name2, id);
        }
        return id;
      }
      case "ptr":
        return btf.ptr(this.id(t.to));
      case "array":
        return btf.array(this.id(t.of), t.len ?? 0);
      case "func":
        return btf.funcProto(
          this.id(t.ret),
          t.params.map((p) => ({ name: p.name ?? "", type: this.id(p.type) }))
        );
      case "struct": {
        const known = this.structs.get(t.def);
        if (known !== void 0) return known;
        const entry2 = {
          kind: t.def.union ? "union" : "struct",
          name: t.def.tag ?? "",
          size: t.def.size,
          members: []
        };
        const id = btf.add(entry2);
        this.structs.set(t.def, id);
        entry2.members = t.def.members.map((m) => ({
          name: m.name ?? "",
          type: this.id(m.type),
          bitOffset: m.bitOffset ?? m.offset * 8,
          bitSize: m.bitWidth ?? 0
        }));
        return id;
      }
    }
  }
  func(f) {
    const proto = this.b.btf.funcProto(
      this.id(f.func.type.ret),
      f.func.params.map((p) => ({ name: p.name, type: this.id(p.type) }))
    );
    return this.b.btf.func(f.name, proto, f.global ? "global" : "static");
  }
};

// packages/cc-frontend/src/regalloc.ts
var ORDER = [1, 2, 3, 4, 5, 0, 6, 7, 8, 9];
var MAX_ROUNDS = 8;
function overlaps(a, b) {
  for (const [s1, e1] of a) for (const [s2, e2] of b) if (s1 <= e2 && s2 <= e1) return true;
  return false;
}
function lateUses(i) {
  switch (i.op) {
    case "alu":
      return i.b.reg !== void 0 ? [i.b.reg] : [];
    case "setcc":
      return [i.a, ...i.b.reg !== void 0 ? [i.b.reg] : []];
    case "atomic":
      return i.m.slot === void 0 ? [i.m.base] : [];
    default:
      return [];
  }
}
function allocate(fn, diags) {
  const temps = /* @__PURE__ */ new Set();
  for (let round = 0; ; round++) {
    const { intervals, fixed, partners } = buildIntervals(fn, temps);
    const result = scan(intervals, fixed, partners);
    if (result.spilled.length === 0) return { reg: result.reg };
    if (round >= MAX_ROUNDS || result.spilled.every((v) => temps.has(v))) {
      diags.error(
        fn.loc,
        `function '${fn.name}' needs more registers than BPF has (too many values live at once)`
      );
      return { reg: result.reg };
    }
    for (const v of result.spilled) if (!temps.has(v)) spill(fn, v, temps);
  }
}
function buildIntervals(fn, temps) {
  const blocks = fn.blocks;
  const liveIn = /* @__PURE__ */ new Map();
  const liveOut = /* @__PURE__ */ new Map();
  const useSet = /* @__PURE__ */ new Map();
  const defSet = /* @__PURE__ */ new Map();
  for (const b of blocks) {
    const u = /* @__PURE__ */ new Set();
    const d = /* @__PURE__ */ new Set();
    for (const i of b.insns) {
      for (const r of uses(i)) if (r >= FIRST_VREG && !d.has(r)) u.add(r);
      for (const r of defs(i)) if (r >= FIRST_VREG) d.add(r);
    }
    for (const r of termUses(b.term)) if (r >= FIRST_VREG && !d.has(r)) u.add(r);
    useSet.set(b, u);
    defSet.set(b, d);
    liveIn.set(b, new Set(u));
    liveOut.set(b, /* @__PURE__ */ new Set());
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = blocks.length - 1; k >= 0; k--) {
      const b = blocks[k];
      const out = liveOut.get(b);
      for (const s of successors(b))
        for (const r of liveIn.get(s))
          if (!out.has(r)) {
            out.add(r);
            changed = true;
          }
      const inn = liveIn.get(b);
      const d = defSet.get(b);
      for (const r of out)
        if (!d.has(r) && !inn.has(r)) {
          inn.add(r);
          changed = true;
        }
    }
  }
  const iv = /* @__PURE__ */ new Map();
  const get = (v) => {
    let x = iv.get(v);
    if (!x) {
      x = { v, segs: [], start: Number.POSITIVE_INFINITY, crossesCall: false, spillTemp: temps.has(v) };
      iv.set(v, x);
    }
    return x;
  };
  const fixed = Array.from({ length: 11 }, () => []);
  const callPositions = [];
  let pos = 0;
  for (const b of blocks) {
    const start = pos;
    const first = /* @__PURE__ */ new Map();
    const last = /* @__PURE__ */ new Map();
    const touch = (v, p) => {
      if (!first.has(v)) first.set(v, p);
      last.set(v, Math.max(last.get(v) ?? p, p));
    };
    const physDef = /* @__PURE__ */ new Map();
    for (const i of b.insns) {
      const late = new Set(lateUses(i));
      for (const r of uses(i)) {
        const p = late.has(r) ? pos + 1 : pos;
        if (r >= FIRST_VREG) touch(r, p);
        else if (r !== FP) fixed[r].push([physDef.get(r) ?? start, p]);
      }
      if (i.op === "call" || i.op === "calllocal") callPositions.push(pos + 1);
      for (const r of defs(i)) {
        if (r >= FIRST_VREG) touch(r, pos + 1);
        else {
          fixed[r].push([pos + 1, pos + 1]);
          physDef.set(r, pos + 1);
        }
      }
      if (i.op === "mov" && i.s.reg !== void 0) {
        if (i.d >= FIRST_VREG && i.s.reg < FIRST_VREG) hint(get(i.d), i.s.reg);
        if (i.s.reg >= FIRST_VREG && i.d < FIRST_VREG) hint(get(i.s.reg), i.d);
      }
      pos += 2;
    }
    for (const r of termUses(b.term)) {
      if (r >= FIRST_VREG) touch(r, pos);
      else if (physDef.has(r)) fixed[r].push([physDef.get(r), pos]);
    }
    pos += 2;
    const end = pos - 1;
    const inn = liveIn.get(b);
    const out = liveOut.get(b);
    for (const v of /* @__PURE__ */ new Set([...first.keys(), ...inn, ...out])) {
      const s0 = inn.has(v) ? start : first.get(v);
      const e0 = out.has(v) ? end : last.get(v) ?? s0;
      const x = get(v);
      x.segs.push([s0, e0]);
      x.start = Math.min(x.start, s0);
    }
  }
  const intervals = [...iv.values()].sort((a, b) => a.start - b.start || a.v - b.v);
  for (const x of intervals)
    x.crossesCall = callPositions.some((p) => x.segs.some(([a, e]) => p > a && p <= e));
  const partners = /* @__PURE__ */ new Map();
  const defCount = /* @__PURE__ */ new Map();
  for (const b of blocks)
    for (const i of b.insns) for (const d of defs(i)) defCount.set(d, (defCount.get(d) ?? 0) + 1);
  for (const b of blocks)
    for (const i of b.insns)
      if (i.op === "mov" && i.w === 64 && i.s.reg !== void 0 && i.s.reg >= FIRST_VREG && i.d >= FIRST_VREG) {
        partners.set(i.d, [...partners.get(i.d) ?? [], i.s.reg]);
        partners.set(i.s.reg, [...partners.get(i.s.reg) ?? [], i.d]);
        if (defCount.get(i.d) === 1 && defCount.get(i.s.reg) === 1) {
          const a = get(i.d);
          const c = get(i.s.reg);
          a.same = [...a.same ?? [], c.v];
          c.same = [...c.same ?? [], a.v];
        }
      }
  return { intervals, fixed, partners };
}
function hint(x, r) {
  if (x.hint === void 0) x.hint = r;
}
function scan(intervals, fixed, partners) {
  const reg2 = /* @__PURE__ */ new Map();
  const spilled = [];
  const occupants = Array.from({ length: 10 }, () => []);
  const blocked = (r, x) => fixed[r].some(([a, b]) => x.segs.some(([s0, e0]) => a <= e0 && b >= s0));
  const allowed = (r, x) => !blocked(r, x) && (!x.crossesCall || r >= 6);
  for (const x of intervals) {
    const conflicts = (o) => overlaps(o.segs, x.segs) && !x.same?.includes(o.v);
    const ok = (r) => allowed(r, x) && !occupants[r].some(conflicts);
    const preferred = (partners.get(x.v) ?? []).map((p) => reg2.get(p)).filter((r) => r !== void 0);
    if (x.hint !== void 0 && x.hint <= 9) preferred.unshift(x.hint);
    let choice = preferred.find(ok) ?? ORDER.find(ok);
    if (choice === void 0) {
      if (!x.spillTemp) {
        spilled.push(x.v);
        continue;
      }
      let best;
      for (const r of ORDER) {
        if (!allowed(r, x)) continue;
        const victims = occupants[r].filter((o) => overlaps(o.segs, x.segs));
        if (victims.some((v) => v.spillTemp)) continue;
        if (!best || victims.length < best.victims.length) best = { r, victims };
      }
      if (!best) {
        spilled.push(x.v);
        continue;
      }
      for (const v of best.victims) {
        spilled.push(v.v);
        reg2.delete(v.v);
      }
      occupants[best.r] = occupants[best.r].filter((o) => !best.victims.includes(o));
      choice = best.r;
    }
    reg2.set(x.v, choice);
    occupants[choice].push(x);
  }
  return { reg: reg2, spilled };
}
function spill(fn, v, temps) {
  const slot = fn.slots.push({ size: 8, align: 8 }) - 1;
  const m = { base: FP, off: 0, slot };
  for (const b of fn.blocks) {
    const out = [];
    for (const i of b.insns) {
      const usesV = uses(i).includes(v);
      const defsV = defs(i).includes(v);
      let t = -1;
      if (usesV || defsV) {
        t = fn.nextVreg++;
        temps.add(t);
      }
      if (usesV) out.push({ op: "ld", size: 8, d: t, m, loc: i.loc });
      out.push(
        usesV || defsV ? {
          ...mapRegs(
            i,
            (r) => r === v ? t : r,
            (r) => r === v ? t : r
          ),
          loc: i.loc
        } : i
      );
      if (defsV) out.push({ op: "st", size: 8, m, s: { reg: t }, loc: i.loc });
    }
    b.insns = out;
    if (termUses(b.term).includes(v)) {
      const t = fn.nextVreg++;
      temps.add(t);
      b.insns.push({ op: "ld", size: 8, d: t, m });
      const term = b.term;
      if (term.op === "br")
        b.term = { ...term, a: term.a === v ? t : term.a, b: term.b.reg === v ? { reg: t } : term.b };
    }
  }
}

// packages/cc-frontend/src/optimize.ts
function optimize(fn, level) {
  simplifyCfg(fn);
  if (level <= 0) return;
  for (let round = 0; round < 4; round++) {
    let changed = false;
    for (const b of fn.blocks) changed = propagate(b) || changed;
    changed = foldBranches(fn) || changed;
    changed = deadCode(fn) || changed;
    changed = coalesce(fn) || changed;
    simplifyCfg(fn);
    if (!changed) break;
  }
  duplicateReturns(fn);
}
function duplicateReturns(fn) {
  for (const b of fn.blocks) {
    const t = b.term;
    if (t.op !== "jmp" || t.t === b) continue;
    const target3 = t.t;
    if (target3.term.op !== "ret" || target3.insns.length > 2) continue;
    b.insns.push(...target3.insns.map((i) => ({ ...i })));
    b.term = { op: "ret" };
  }
  simplifyCfg(fn);
}
function simplifyCfg(fn) {
  const target3 = (b) => {
    const seen = /* @__PURE__ */ new Set();
    let cur = b;
    while (cur.insns.length === 0 && cur.term.op === "jmp" && !seen.has(cur)) {
      seen.add(cur);
      cur = cur.term.t;
    }
    return cur;
  };
  for (const b of fn.blocks) {
    const t = b.term;
    if (t.op === "jmp") t.t = target3(t.t);
    else if (t.op === "br") {
      t.t = target3(t.t);
      t.f = target3(t.f);
      if (t.t === t.f) b.term = { op: "jmp", t: t.t };
    }
  }
  const reach = /* @__PURE__ */ new Set();
  const stack = [fn.blocks[0]];
  while (stack.length) {
    const b = stack.pop();
    if (reach.has(b)) continue;
    reach.add(b);
    stack.push(...successors(b));
  }
  fn.blocks = fn.blocks.filter((b) => reach.has(b));
  const preds = /* @__PURE__ */ new Map();
  for (const b of fn.blocks) for (const s of successors(b)) preds.set(s, [...preds.get(s) ?? [], b]);
  for (const b of fn.blocks) {
    for (; ; ) {
      const t = b.term;
      if (t.op !== "jmp" || t.t === b || t.t === fn.blocks[0]) break;
      const next = t.t;
      if ((preds.get(next) ?? []).length !== 1) break;
      b.insns.push(...next.insns);
      b.term = next.term;
      for (const s of successors(next))
        preds.set(
          s,
          (preds.get(s) ?? []).map((p) => p === next ? b : p)
        );
      next.insns = [];
      next.term = { op: "none" };
      preds.set(next, []);
    }
  }
  const live = /* @__PURE__ */ new Set();
  const st = [fn.blocks[0]];
  while (st.length) {
    const b = st.pop();
    if (live.has(b)) continue;
    live.add(b);
    st.push(...successors(b));
  }
  fn.blocks = fn.blocks.filter((b) => live.has(b));
}
function srcOf(i) {
  return i.op === "alu" || i.op === "setcc" ? i.b : i.op === "mov" || i.op === "st" ? i.s : void 0;
}
function propagate(b) {
  const known = /* @__PURE__ */ new Map();
  const low32 = /* @__PURE__ */ new Map();
  let changed = false;
  const kill = (r) => {
    known.delete(r);
    low32.delete(r);
    offsetOf2.delete(r);
    for (const [k, v] of offsetOf2) if (v.base === r) offsetOf2.delete(k);
    for (const [k, v] of known) if ("copy" in v && v.copy === r) known.delete(k);
    for (const [k, v] of low32) if (v === r) low32.delete(k);
  };
  const narrow2 = (r) => low32.get(r) ?? r;
  const offsetOf2 = /* @__PURE__ */ new Map();
  const foldMem = (m) => {
    if (m.slot !== void 0) return m;
    const o = offsetOf2.get(m.base);
    if (!o) return m;
    const off = m.off + o.k;
    return off >= -32768 && off <= 32767 ? { base: o.base, off } : m;
  };
  const resolveReg = (r) => {
    const k = known.get(r);
    return k && "copy" in k ? k.copy : r;
  };
  const toSrc = (s, w2) => {
    if (s.reg === void 0) return s;
    const k = known.get(s.reg);
    if (k && "c" in k) {
      const v = k.c;
      const sv = BigInt.asIntN(64, v);
      if (w2 === 32 || sv >= -0x80000000n && sv <= 0x7fffffffn) return { imm: Number(BigInt.asIntN(32, v)) };
    }
    return { reg: resolveReg(s.reg) };
  };
  const out = [];
  for (let i of b.insns) {
    let rewrote = false;
    i = mapRegs(
      i,
      (r) => {
        const n = r >= FIRST_VREG ? resolveReg(r) : r;
        if (n !== r) rewrote = true;
        return n;
      },
      (r) => r
    );
    const srcBefore = srcOf(i);
    const aBefore = "a" in i ? i.a : void 0;
    if (i.op === "alu" || i.op === "setcc") {
      i = { ...i, b: toSrc(i.b, i.w) };
      if (i.w === 32) {
        const b32 = i.b.reg !== void 0 ? { reg: narrow2(i.b.reg) } : i.b;
        i = { ...i, a: narrow2(i.a), b: b32 };
      }
    } else if (i.op === "mov") {
      i = { ...i, s: toSrc(i.s, i.w) };
      if (i.w === 32 && i.s.reg !== void 0) i = { ...i, s: { reg: narrow2(i.s.reg) } };
    } else if (i.op === "st") {
      i = { ...i, s: toSrc(i.s, i.size === 8 ? 64 : 32) };
      if (i.size <= 4 && i.s.reg !== void 0) i = { ...i, s: { reg: narrow2(i.s.reg) } };
    }
    if (i.op === "ld" || i.op === "st" || i.op === "atomic" || i.op === "cmpxchg") {
      const m = foldMem(i.m);
      if (m !== i.m) {
        i = { ...i, m };
        changed = true;
      }
    }
    if ((i.op === "movsx" || i.op === "neg") && known.has(i.a)) {
      const ka = known.get(i.a);
      if ("c" in ka) {
        const v = i.op === "neg" ? i.w === 32 ? BigInt.asUintN(32, -ka.c) : BigInt.asUintN(64, -ka.c) : i.w === 32 ? BigInt.asUintN(32, BigInt.asIntN(i.bits, ka.c)) : BigInt.asUintN(64, BigInt.asIntN(i.bits, ka.c));
        i = { op: "const", d: i.d, v, loc: i.loc };
        changed = true;
      }
    }
    if (i.op === "alu") {
      const ka = known.get(i.a);
      if (ka && "c" in ka && i.b.imm !== void 0) {
        const v = foldAlu(i.alu, i.w, ka.c, BigInt(i.b.imm));
        if (v !== void 0) {
          i = { op: "const", d: i.d, v, loc: i.loc };
          changed = true;
        }
      }
    }
    const srcAfter = srcOf(i);
    const aAfter = "a" in i ? i.a : void 0;
    if (rewrote || aAfter !== aBefore || srcAfter?.imm !== srcBefore?.imm || srcAfter?.reg !== srcBefore?.reg)
      changed = true;
    for (const d of defs(i)) kill(d);
    if (i.op === "mov" && i.w === 32 && i.s.reg !== void 0 && i.d >= FIRST_VREG && i.s.reg !== i.d)
      low32.set(i.d, i.s.reg);
    if (i.op === "alu" && i.w === 64 && (i.alu === "add" || i.alu === "sub") && i.b.imm !== void 0 && i.d >= FIRST_VREG && i.a !== i.d)
      offsetOf2.set(i.d, { base: i.a, k: i.alu === "add" ? i.b.imm : -i.b.imm });
    if (i.op === "const" && i.d >= FIRST_VREG) known.set(i.d, { c: BigInt.asUintN(64, i.v) });
    else if (i.op === "mov" && i.d >= FIRST_VREG) {
      if (i.s.imm !== void 0)
        known.set(i.d, { c: i.w === 64 ? BigInt.asUintN(64, BigInt(i.s.imm)) : BigInt(i.s.imm >>> 0) });
      else if (i.w === 64 && i.s.reg !== i.d && i.s.reg >= FIRST_VREG) known.set(i.d, { copy: i.s.reg });
    }
    out.push(i);
  }
  b.insns = out;
  const t = b.term;
  if (t.op === "br") {
    let a = resolveReg(t.a);
    let nb = toSrc(t.b, t.w);
    if (t.w === 32) {
      a = narrow2(a);
      if (nb.reg !== void 0) nb = { reg: narrow2(nb.reg) };
    }
    const ka = known.get(a);
    if (ka && "c" in ka && nb.imm !== void 0) {
      const taken = evalCond(t.cc, t.w, ka.c, BigInt(nb.imm));
      b.term = { op: "jmp", t: taken ? t.t : t.f };
      return true;
    }
    if (a !== t.a || nb.imm !== t.b.imm || nb.reg !== t.b.reg) {
      b.term = { ...t, a, b: nb };
      changed = true;
    }
  }
  return changed;
}
function foldAlu(op, w2, a, b0) {
  const bits = BigInt(w2);
  const mask = (v) => w2 === 32 ? BigInt.asUintN(32, v) : BigInt.asUintN(64, v);
  const ua = mask(a);
  const ub = mask(w2 === 64 ? BigInt.asIntN(64, BigInt.asIntN(32, b0)) : b0);
  const sa = BigInt.asIntN(w2, ua);
  const sb = BigInt.asIntN(w2, ub);
  switch (op) {
    case "add":
      return mask(ua + ub);
    case "sub":
      return mask(ua - ub);
    case "mul":
      return mask(ua * ub);
    case "and":
      return ua & ub;
    case "or":
      return ua | ub;
    case "xor":
      return ua ^ ub;
    case "lsh":
      return mask(ua << (ub & bits - 1n));
    case "rsh":
      return ua >> (ub & bits - 1n);
    case "arsh":
      return mask(sa >> (ub & bits - 1n));
    case "div":
      return ub === 0n ? 0n : ua / ub;
    case "mod":
      return ub === 0n ? ua : ua % ub;
    case "sdiv":
      return sb === 0n ? 0n : mask(sa / sb);
    case "smod":
      return sb === 0n ? ua : mask(sa % sb);
    default:
      return void 0;
  }
}
function evalCond(cc, w2, a, b) {
  const ua = w2 === 32 ? BigInt.asUintN(32, a) : BigInt.asUintN(64, a);
  const ub = w2 === 32 ? BigInt.asUintN(32, b) : BigInt.asUintN(64, BigInt.asIntN(32, b));
  const sa = BigInt.asIntN(w2, ua);
  const sb = BigInt.asIntN(w2, ub);
  switch (cc) {
    case "jeq":
      return ua === ub;
    case "jne":
      return ua !== ub;
    case "jgt":
      return ua > ub;
    case "jge":
      return ua >= ub;
    case "jlt":
      return ua < ub;
    case "jle":
      return ua <= ub;
    case "jsgt":
      return sa > sb;
    case "jsge":
      return sa >= sb;
    case "jslt":
      return sa < sb;
    case "jsle":
      return sa <= sb;
    default:
      return (ua & ub) !== 0n;
  }
}
function foldBranches(fn) {
  let changed = false;
  for (const b of fn.blocks) {
    const t = b.term;
    if (t.op === "br" && t.t === t.f) {
      b.term = { op: "jmp", t: t.t };
      changed = true;
    }
  }
  return changed;
}
function deadCode(fn) {
  const liveIn = /* @__PURE__ */ new Map();
  for (const b of fn.blocks) liveIn.set(b, /* @__PURE__ */ new Set());
  const blockLiveOut = (b) => {
    const s = /* @__PURE__ */ new Set();
    for (const x of successors(b)) for (const r of liveIn.get(x)) s.add(r);
    return s;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = fn.blocks.length - 1; k >= 0; k--) {
      const b = fn.blocks[k];
      const live = blockLiveOut(b);
      for (const r of termUses(b.term)) live.add(r);
      for (let j = b.insns.length - 1; j >= 0; j--) {
        const i = b.insns[j];
        for (const d of defs(i)) live.delete(d);
        for (const u of uses(i)) live.add(u);
      }
      const old = liveIn.get(b);
      if (live.size !== old.size || [...live].some((r) => !old.has(r))) {
        liveIn.set(b, live);
        changed = true;
      }
    }
  }
  let removed = false;
  for (const b of fn.blocks) {
    const live = blockLiveOut(b);
    for (const r of termUses(b.term)) live.add(r);
    const keep = [];
    for (let j = b.insns.length - 1; j >= 0; j--) {
      let i = b.insns[j];
      const ds = defs(i);
      const pure = i.op !== "st" && i.op !== "call" && i.op !== "calllocal" && i.op !== "atomic" && i.op !== "cmpxchg";
      const physDef = ds.some((d) => d < FIRST_VREG);
      if (pure && !physDef && ds.every((d) => !live.has(d))) {
        removed = true;
        continue;
      }
      if (i.op === "atomic" && i.d !== void 0 && !live.has(i.d) && i.aop !== "xchg") {
        i = { ...i, d: void 0 };
        removed = true;
      }
      for (const d of defs(i)) live.delete(d);
      for (const u of uses(i)) live.add(u);
      keep.push(i);
    }
    b.insns = keep.reverse();
  }
  return removed;
}
function coalesce(fn) {
  const useCount = /* @__PURE__ */ new Map();
  const defCount = /* @__PURE__ */ new Map();
  const bump = (m, r) => m.set(r, (m.get(r) ?? 0) + 1);
  for (const b of fn.blocks) {
    for (const i of b.insns) {
      for (const r of uses(i)) bump(useCount, r);
      for (const r of defs(i)) bump(defCount, r);
    }
    for (const r of termUses(b.term)) bump(useCount, r);
  }
  let changed = false;
  for (const b of fn.blocks) {
    const out = [];
    for (const i of b.insns) {
      const prev = out[out.length - 1];
      if (prev !== void 0 && i.op === "mov" && i.w === 64 && i.s.reg !== void 0 && i.s.reg >= FIRST_VREG && i.d >= FIRST_VREG && useCount.get(i.s.reg) === 1 && defCount.get(i.s.reg) === 1 && prev.op !== "call" && prev.op !== "calllocal" && prev.op !== "cmpxchg" && prev.op !== "st" && defs(prev).length === 1 && defs(prev)[0] === i.s.reg && !lateUses(prev).includes(i.d)) {
        const from = i.s.reg;
        out[out.length - 1] = mapRegs(
          prev,
          (r) => r,
          (r) => r === from ? i.d : r
        );
        changed = true;
        continue;
      }
      out.push(i);
    }
    b.insns = out;
  }
  return changed;
}

// packages/cc-frontend/src/lexer.ts
var PUNCTUATORS = [
  "<<=",
  ">>=",
  "...",
  "->",
  "++",
  "--",
  "<<",
  ">>",
  "<=",
  ">=",
  "==",
  "!=",
  "&&",
  "||",
  "*=",
  "/=",
  "%=",
  "+=",
  "-=",
  "&=",
  "^=",
  "|=",
  "##",
  "[",
  "]",
  "(",
  ")",
  "{",
  "}",
  ".",
  "&",
  "*",
  "+",
  "-",
  "~",
  "!",
  "/",
  "%",
  "<",
  ">",
  "^",
  "|",
  "?",
  ":",
  ";",
  "=",
  ",",
  "#"
];
function isIdentStart2(c) {
  return c >= "a" && c <= "z" || c >= "A" && c <= "Z" || c === "_" || c === "$";
}
function isIdentChar(c) {
  return isIdentStart2(c) || c >= "0" && c <= "9";
}
function isDigit2(c) {
  return c >= "0" && c <= "9";
}
function tokenize2(source, file, diags) {
  let text3 = source;
  let locAt;
  if (!source.includes("\r") && !/\\\n/.test(source)) {
    const starts = [0];
    for (let i2 = source.indexOf("\n"); i2 >= 0; i2 = source.indexOf("\n", i2 + 1)) starts.push(i2 + 1);
    locAt = (i2) => {
      let lo2 = 0;
      let hi = starts.length - 1;
      while (lo2 < hi) {
        const mid = lo2 + hi + 1 >> 1;
        if (starts[mid] <= i2) lo2 = mid;
        else hi = mid - 1;
      }
      return { file, line: lo2 + 1, col: i2 - starts[lo2] + 1 };
    };
  } else {
    const lines = [];
    const cols = [];
    let line = 1;
    let col = 1;
    const parts = [];
    for (let i2 = 0; i2 < source.length; i2++) {
      const c = source[i2];
      if (c === "\\" && (source[i2 + 1] === "\n" || source[i2 + 1] === "\r" && source[i2 + 2] === "\n")) {
        i2 += source[i2 + 1] === "\r" ? 2 : 1;
        line++;
        col = 1;
        continue;
      }
      if (c === "\r" && source[i2 + 1] === "\n") continue;
      parts.push(c);
      lines.push(line);
      cols.push(col);
      if (c === "\n") {
        line++;
        col = 1;
      } else col++;
    }
    lines.push(line);
    cols.push(col);
    text3 = parts.join("");
    locAt = (i2) => ({ file, line: lines[i2], col: cols[i2] });
  }
  const tokens = [];
  let bol = true;
  let space = false;
  let i = 0;
  const n = text3.length;
  while (i < n) {
    const c = text3[i];
    if (c === "\n") {
      bol = true;
      space = false;
      i++;
      continue;
    }
    if (c === " " || c === "	" || c === "\f" || c === "\v" || c === "\r") {
      space = true;
      i++;
      continue;
    }
    if (c === "/" && text3[i + 1] === "/") {
      while (i < n && text3[i] !== "\n") i++;
      space = true;
      continue;
    }
    if (c === "/" && text3[i + 1] === "*") {
      const end = text3.indexOf("*/", i + 2);
      if (end < 0) {
        diags.error(locAt(i), "unterminated /* comment");
        i = n;
      } else i = end + 2;
      space = true;
      continue;
    }
    const start = i;
    let kind;
    if (isDigit2(c) || c === "." && isDigit2(text3[i + 1] ?? "")) {
      i++;
      while (i < n) {
        const d = text3[i];
        if ((d === "+" || d === "-") && "eEpP".includes(text3[i - 1])) i++;
        else if (isIdentChar(d) || d === "." || d === "'") i++;
        else break;
      }
      kind = "num";
    } else if (c === '"' || c === "'" || (c === "L" || c === "u" || c === "U") && (text3[i + 1] === '"' || text3[i + 1] === "'") || c === "u" && text3[i + 1] === "8" && text3[i + 2] === '"') {
      while (text3[i] !== '"' && text3[i] !== "'") i++;
      const quote = text3[i];
      i++;
      while (i < n && text3[i] !== quote && text3[i] !== "\n") {
        if (text3[i] === "\\") i++;
        i++;
      }
      if (text3[i] !== quote) {
        diags.error(locAt(start), `missing terminating ${quote} character`);
      } else i++;
      kind = quote === '"' ? "str" : "char";
    } else if (isIdentStart2(c)) {
      i++;
      while (i < n && isIdentChar(text3[i])) i++;
      kind = "ident";
    } else {
      const p = PUNCTUATORS.find((q) => text3.startsWith(q, i));
      if (p === void 0) {
        diags.error(locAt(i), `unexpected character '${c}'`);
        i++;
        space = true;
        continue;
      }
      i += p.length;
      kind = "punct";
    }
    tokens.push({ kind, text: text3.slice(start, i), loc: locAt(start), space, bol });
    bol = false;
    space = false;
  }
  tokens.push({ kind: "eof", text: "", loc: locAt(n), space, bol: true });
  return tokens;
}

// packages/cc-frontend/src/preprocessor.ts
var PREDEFINED = {
  __STDC__: "1",
  __STDC_VERSION__: "201710L",
  __STDC_HOSTED__: "0",
  __BPF__: "1",
  __bpf__: "1",
  __BPF_CPU_VERSION__: "4",
  __TBPF__: "1",
  __GNUC__: "4",
  __LP64__: "1",
  _LP64: "1",
  __CHAR_BIT__: "8",
  __SIZEOF_POINTER__: "8",
  __SIZEOF_LONG__: "8",
  __SIZEOF_LONG_LONG__: "8",
  __SIZEOF_INT__: "4",
  __SIZEOF_SHORT__: "2",
  __SIZEOF_SIZE_T__: "8",
  __SIZEOF_PTRDIFF_T__: "8",
  __SIZEOF_INT128__: "16",
  __POINTER_WIDTH__: "64",
  __SCHAR_MAX__: "127",
  __SHRT_MAX__: "32767",
  __INT_MAX__: "2147483647",
  __LONG_MAX__: "9223372036854775807L",
  __LONG_LONG_MAX__: "9223372036854775807LL",
  __ORDER_LITTLE_ENDIAN__: "1234",
  __ORDER_BIG_ENDIAN__: "4321",
  __ORDER_PDP_ENDIAN__: "3412",
  __BYTE_ORDER__: "__ORDER_LITTLE_ENDIAN__",
  __SIZE_TYPE__: "long unsigned int",
  __PTRDIFF_TYPE__: "long int",
  __INTPTR_TYPE__: "long int",
  __UINTPTR_TYPE__: "long unsigned int",
  __INT8_TYPE__: "signed char",
  __INT16_TYPE__: "short",
  __INT32_TYPE__: "int",
  __INT64_TYPE__: "long int",
  __UINT8_TYPE__: "unsigned char",
  __UINT16_TYPE__: "unsigned short",
  __UINT32_TYPE__: "unsigned int",
  __UINT64_TYPE__: "long unsigned int"
};
var MAX_INCLUDE_DEPTH = 200;
var bundledTokens = /* @__PURE__ */ new Map();
var Preprocessor = class {
  constructor(opts, diags) {
    this.opts = opts;
    this.diags = diags;
    for (const [k, v] of Object.entries(PREDEFINED)) this.defineText(k, v);
    if (opts.optimize) this.defineText("__OPTIMIZE__", "1");
    this.macros.set("__FILE__", {
      name: "__FILE__",
      body: [],
      builtin: (t) => [{ ...t, kind: "str", text: JSON.stringify(t.loc.file) }]
    });
    this.macros.set("__LINE__", {
      name: "__LINE__",
      body: [],
      builtin: (t) => [{ ...t, kind: "num", text: String(t.loc.line) }]
    });
    const defs2 = opts.defines ?? {};
    const pairs = Array.isArray(defs2) ? defs2.map((d) => {
      const eq = d.indexOf("=");
      return eq < 0 ? [d, "1"] : [d.slice(0, eq), d.slice(eq + 1)];
    }) : Object.entries(defs2);
    for (const [k, v] of pairs) this.defineText(k, v);
  }
  macros = /* @__PURE__ */ new Map();
  stack = [];
  conds = [];
  onceFiles = /* @__PURE__ */ new Set();
  includeDepth = 0;
  /** Every file read, by name: for printing source lines in diagnostics. */
  sources = /* @__PURE__ */ new Map();
  defineText(name2, value) {
    const body = tokenize2(value, "<command line>", this.diags);
    body.pop();
    this.macros.set(name2, { name: name2, body: body.map((t) => ({ ...t, bol: false })) });
  }
  /** Preprocess the main file's text; returns the token stream ending with `eof`. */
  run(source) {
    this.pushFile(this.opts.fileName, source);
    const out = [];
    for (; ; ) {
      let t;
      try {
        t = this.next();
      } catch (e) {
        if (e instanceof Abort && !e.fatal) continue;
        throw e;
      }
      out.push(t);
      if (t.kind === "eof") return out;
    }
  }
  pushFile(name2, text3) {
    this.sources.set(name2, text3);
    const toks = this.tokensOf(name2, text3);
    const eof = toks.pop();
    toks.push({ ...eof, kind: "punct", text: "<end-of-file>" });
    this.stack.push({ toks, pos: 0, file: { name: name2, condDepth: this.conds.length } });
  }
  /** Tokens of a file; bundled headers are tokenized once per process (they never change). */
  tokensOf(name2, text3) {
    if (!name2.startsWith("<tbpf>/")) return tokenize2(text3, name2, this.diags);
    let toks = bundledTokens.get(text3);
    if (!toks) {
      toks = tokenize2(text3, name2, this.diags);
      bundledTokens.set(text3, toks);
    }
    return [...toks];
  }
  /** The next raw token (no expansion, no directives). */
  raw() {
    for (; ; ) {
      const seg = this.stack[this.stack.length - 1];
      if (seg === void 0)
        return {
          kind: "eof",
          text: "",
          loc: { file: this.opts.fileName, line: 0, col: 0 },
          space: false,
          bol: true
        };
      if (seg.pos < seg.toks.length) return seg.toks[seg.pos++];
      this.stack.pop();
    }
  }
  peekRaw() {
    for (let s = this.stack.length - 1; s >= 0; s--) {
      const seg = this.stack[s];
      if (seg.pos < seg.toks.length) return seg.toks[seg.pos];
    }
    return void 0;
  }
  unget(toks) {
    if (toks.length > 0) this.stack.push({ toks, pos: 0 });
  }
  /** The next token after directives and macro expansion. */
  next() {
    for (; ; ) {
      const t = this.raw();
      if (t.kind === "eof") {
        if (this.conds.length > 0)
          this.diags.error(this.conds[this.conds.length - 1].loc, "unterminated conditional directive");
        this.conds.length = 0;
        return t;
      }
      if (t.kind === "punct" && t.text === "<end-of-file>") {
        this.endFile(t);
        continue;
      }
      if (t.bol && t.kind === "punct" && t.text === "#" && !t.hide) {
        this.directive(t);
        continue;
      }
      if (t.kind === "ident" && this.expand(t)) continue;
      return t;
    }
  }
  endFile(t) {
    const depth = this.fileDepths.pop() ?? 0;
    if (this.conds.length > depth) {
      this.diags.error(this.conds[this.conds.length - 1].loc, "unterminated conditional directive");
      this.conds.length = depth;
    }
    this.includeDepth = Math.max(0, this.includeDepth - 1);
    void t;
  }
  fileDepths = [0];
  /** Tokens up to the end of the directive's line. */
  restOfLine() {
    const out = [];
    for (; ; ) {
      const p = this.peekRaw();
      if (p === void 0 || p.bol || p.kind === "eof") return out;
      out.push(this.raw());
    }
  }
  directive(hash) {
    const line = this.restOfLine();
    const name2 = line[0];
    if (name2 === void 0) return;
    const args = line.slice(1);
    try {
      switch (name2.text) {
        case "define": {
          this.define(name2, args);
          return;
        }
        case "undef":
          if (args[0]?.kind !== "ident") throw this.diags.error(name2.loc, "macro name missing");
          this.macros.delete(args[0].text);
          return;
        case "include": {
          this.include(name2, args);
          return;
        }
        case "if": {
          this.startCond(hash, this.evalCondition(name2, args));
          return;
        }
        case "ifdef":
        case "ifndef": {
          if (args[0]?.kind !== "ident") throw this.diags.error(name2.loc, "macro name missing");
          const defined = this.macros.has(args[0].text);
          this.startCond(hash, name2.text === "ifdef" ? defined : !defined);
          return;
        }
        case "elif":
        case "else":
        case "endif": {
          this.continueCond(name2, args);
          return;
        }
        case "error":
          throw this.diags.error(
            name2.loc,
            `#error ${args.map((a) => a.space ? ` ${a.text}` : a.text).join("").trim()}`
          );
        case "warning":
          this.diags.warn(name2.loc, `#warning ${args.map((a) => a.text).join(" ")}`);
          return;
        case "pragma": {
          this.pragma(name2, args);
          return;
        }
        case "line":
          return;
        default:
          throw this.diags.error(name2.loc, `invalid preprocessing directive '#${name2.text}'`);
      }
    } catch (e) {
      if (!(e instanceof Abort) || e.fatal) throw e;
    }
  }
  pragma(name2, args) {
    if (args[0]?.text === "once") {
      this.onceFiles.add(name2.loc.file);
      return;
    }
    const text3 = args.map((a) => a.text).join(" ");
    if (/^unroll\b/.test(text3) || /^clang loop unroll/.test(text3) || /^GCC unroll/.test(text3)) {
      this.unget([{ kind: "punct", text: "#pragma-unroll", loc: name2.loc, space: false, bol: false }]);
    }
  }
  define(name2, args) {
    const id = args[0];
    if (id?.kind !== "ident") throw this.diags.error(id?.loc ?? name2.loc, "macro name must be an identifier");
    if (id.text === "defined") throw this.diags.error(id.loc, "'defined' cannot be used as a macro name");
    const rest = args.slice(1);
    const macro = { name: id.text, body: [] };
    if (rest[0]?.text === "(" && !rest[0].space) {
      macro.params = [];
      let i = 1;
      if (rest[i]?.text === ")") i++;
      else {
        for (; ; ) {
          const p = rest[i];
          if (p?.text === "...") {
            macro.variadic = true;
            i++;
            if (rest[i]?.text !== ")")
              throw this.diags.error(rest[i]?.loc ?? p.loc, "missing ')' in macro parameter list");
            i++;
            break;
          }
          if (p?.kind !== "ident") throw this.diags.error(p?.loc ?? id.loc, "invalid macro parameter");
          macro.params.push(p.text);
          i++;
          if (rest[i]?.text === ",") {
            i++;
            continue;
          }
          if (rest[i]?.text === ")") {
            i++;
            break;
          }
          throw this.diags.error(rest[i]?.loc ?? p.loc, "expected ',' or ')' in macro parameter list");
        }
      }
      macro.body = rest.slice(i);
      const params = new Set(macro.params);
      for (let k = 0; k < macro.body.length; k++) {
        const t = macro.body[k];
        if (t.text === "#" && !(t.kind === "ident") && !params.has(macro.body[k + 1]?.text ?? "") && macro.body[k + 1]?.text !== "__VA_ARGS__")
          throw this.diags.error(t.loc, "'#' is not followed by a macro parameter");
      }
    } else {
      macro.body = rest;
    }
    const ends = macro.body;
    if (ends[0]?.text === "##" || ends.length > 0 && ends[ends.length - 1].text === "##")
      throw this.diags.error(
        ends[0].text === "##" ? ends[0].loc : ends[ends.length - 1].loc,
        "'##' cannot appear at either end of a macro expansion"
      );
    this.macros.set(id.text, macro);
  }
  include(name2, args) {
    let toks = args;
    if (toks[0]?.kind === "ident") toks = this.expandList(toks);
    let path2;
    let quoted;
    if (toks[0]?.kind === "str") {
      path2 = toks[0].text.slice(1, -1);
      quoted = true;
    } else if (toks[0]?.text === "<") {
      const end = toks.findIndex((t) => t.text === ">");
      if (end < 0) throw this.diags.error(toks[0].loc, "expected '>'");
      path2 = toks.slice(1, end).map((t, k) => t.space && k > 0 ? ` ${t.text}` : t.text).join("");
      quoted = false;
    } else throw this.diags.error(toks[0]?.loc ?? name2.loc, 'expected "FILENAME" or <FILENAME>');
    const found = this.findInclude(path2, quoted, name2.loc.file);
    if (found === void 0) throw this.diags.error(toks[0].loc, `'${path2}' file not found`);
    if (this.onceFiles.has(found.name)) return;
    if (++this.includeDepth > MAX_INCLUDE_DEPTH) {
      this.includeDepth--;
      throw this.diags.error(name2.loc, "#include nested too deeply");
    }
    this.fileDepths.push(this.conds.length);
    this.pushFile(found.name, found.text);
  }
  findInclude(path2, quoted, from) {
    const read = this.opts.readFile;
    const candidates = [];
    if (path2.startsWith("/")) candidates.push(path2);
    else {
      if (quoted) {
        const slash = from.lastIndexOf("/");
        candidates.push(slash < 0 ? path2 : `${from.slice(0, slash)}/${path2}`);
      }
      for (const dir of this.opts.includeDirs ?? []) candidates.push(`${dir.replace(/\/+$/, "")}/${path2}`);
    }
    if (read) {
      for (const c of candidates) {
        if (this.sources.has(c)) return { name: c, text: this.sources.get(c) };
        const text3 = read(c);
        if (text3 !== void 0) return { name: c, text: text3 };
      }
    }
    const bundled = this.opts.bundled?.get(path2);
    if (bundled !== void 0) return { name: `<tbpf>/${path2}`, text: bundled };
    return void 0;
  }
  startCond(hash, value) {
    this.conds.push({ taken: value, inElse: false, loc: hash.loc });
    if (!value) this.skip();
  }
  continueCond(name2, args) {
    const cond = this.conds[this.conds.length - 1];
    if (cond === void 0 || this.conds.length <= (this.fileDepths[this.fileDepths.length - 1] ?? 0))
      throw this.diags.error(name2.loc, `#${name2.text} without #if`);
    if (name2.text === "endif") {
      this.conds.pop();
      return;
    }
    if (cond.inElse) throw this.diags.error(name2.loc, `#${name2.text} after #else`);
    if (name2.text === "else") cond.inElse = true;
    void args;
    this.skipGroup(cond);
  }
  /** Skip a group whose condition was false, then evaluate following #elif/#else. */
  skip() {
    const cond = this.conds[this.conds.length - 1];
    for (; ; ) {
      const d = this.skipToDirective();
      if (d === void 0) return;
      const args = this.restOfLine();
      if (d.text === "endif") {
        this.conds.pop();
        return;
      }
      if (d.text === "else") {
        if (cond.inElse) this.diags.error(d.loc, "#else after #else");
        cond.inElse = true;
        if (!cond.taken) {
          cond.taken = true;
          return;
        }
        continue;
      }
      if (cond.inElse) this.diags.error(d.loc, "#elif after #else");
      if (!cond.taken) {
        let v = false;
        try {
          v = this.evalCondition(d, args);
        } catch (e) {
          if (!(e instanceof Abort) || e.fatal) throw e;
        }
        if (v) {
          cond.taken = true;
          return;
        }
      }
    }
  }
  skipGroup(cond) {
    cond.taken = true;
    this.skip();
  }
  /** Skip tokens (honouring nested #if groups) to the next #elif/#else/#endif of this level. */
  skipToDirective() {
    let depth = 0;
    for (; ; ) {
      const t = this.peekRaw();
      if (t === void 0 || t.kind === "eof" || t.kind === "punct" && t.text === "<end-of-file>")
        return void 0;
      this.raw();
      if (!(t.bol && t.text === "#")) continue;
      const d = this.peekRaw();
      if (d === void 0 || d.bol) continue;
      if (d.text === "if" || d.text === "ifdef" || d.text === "ifndef") depth++;
      else if (d.text === "endif" && depth > 0) depth--;
      else if (depth === 0 && (d.text === "elif" || d.text === "else" || d.text === "endif")) {
        this.raw();
        return d;
      }
    }
  }
  evalCondition(name2, args) {
    const resolved = [];
    for (let i = 0; i < args.length; i++) {
      const t = args[i];
      if (t.kind === "ident" && t.text === "defined") {
        let id = args[i + 1];
        let paren = false;
        if (id?.text === "(") {
          paren = true;
          id = args[i + 2];
        }
        if (id?.kind !== "ident") throw this.diags.error(t.loc, "macro name missing after 'defined'");
        if (paren && args[i + 3]?.text !== ")") throw this.diags.error(id.loc, "missing ')' after 'defined'");
        resolved.push({ ...t, kind: "num", text: this.macros.has(id.text) ? "1" : "0" });
        i += paren ? 3 : 1;
      } else resolved.push(t);
    }
    const expanded = this.expandList(resolved).map(
      (t) => t.kind === "ident" ? { ...t, kind: "num", text: t.text === "true" ? "1" : "0" } : t
    );
    if (expanded.length === 0) throw this.diags.error(name2.loc, `#${name2.text} with no expression`);
    return new CondEvaluator(expanded, this.diags, name2.loc).evaluate() !== 0n;
  }
  /** Fully macro-expand an isolated token list. */
  expandList(toks) {
    const saved = this.stack;
    this.stack = [
      {
        toks: [
          ...toks,
          {
            kind: "eof",
            text: "",
            loc: toks[0]?.loc ?? { file: "", line: 0, col: 0 },
            space: false,
            bol: false
          }
        ],
        pos: 0
      }
    ];
    const out = [];
    try {
      for (; ; ) {
        const t = this.raw();
        if (t.kind === "eof") break;
        if (t.kind === "ident" && this.expand(t)) continue;
        out.push(t);
      }
    } finally {
      this.stack = saved;
    }
    return out;
  }
  expansions = 0;
  /** If `t` names a macro that may expand here, push its expansion and return true. */
  expand(t) {
    const m = this.macros.get(t.text);
    if (m === void 0 || t.hide?.has(t.text)) return false;
    if (++this.expansions > 1e6) throw this.diags.error(t.loc, "macro expansion limit exceeded");
    if (m.builtin) {
      this.unget(m.builtin(t).map((x) => ({ ...x, bol: false, space: t.space })));
      return true;
    }
    if (m.params === void 0) {
      const hide2 = withName(t.hide, m.name);
      const body2 = this.substitute(m, [], t).map((x, k) => ({
        ...x,
        hide: union(x.hide, hide2),
        loc: t.loc,
        bol: false,
        space: k === 0 ? t.space : x.space
      }));
      this.unget(body2);
      return true;
    }
    const p = this.peekRaw();
    if (p?.text !== "(" || p.kind !== "punct") return false;
    this.raw();
    const { args, rparen } = this.readArgs(m, t);
    const hide = withName(intersect(t.hide, rparen.hide), m.name);
    const body = this.substitute(m, args, t).map((x, k) => ({
      ...x,
      hide: union(x.hide, hide),
      loc: t.loc,
      bol: false,
      space: k === 0 ? t.space : x.space
    }));
    this.unget(body);
    return true;
  }
  readArgs(m, name2) {
    const args = [[]];
    let depth = 0;
    const params = m.params ?? [];
    for (; ; ) {
      const t = this.raw();
      if (t.kind === "eof" || t.text === "<end-of-file>") {
        if (t.text === "<end-of-file>") this.unget([t]);
        throw this.diags.error(name2.loc, `unterminated function-like macro invocation '${m.name}'`);
      }
      if (t.bol && t.text === "#") {
        this.directive(t);
        continue;
      }
      if (t.text === "(") depth++;
      else if (t.text === ")") {
        if (depth === 0) {
          if (args.length === 1 && args[0].length === 0 && params.length === 0 && !m.variadic) args.pop();
          const want = params.length + (m.variadic ? 1 : 0);
          if (m.variadic && args.length === params.length) args.push([]);
          if (args.length !== want && !(want === 1 && args.length === 0 && params.length === 1)) {
            throw this.diags.error(
              name2.loc,
              `too ${args.length > want ? "many" : "few"} arguments provided to function-like macro invocation '${m.name}'`
            );
          }
          if (args.length === 0 && want === 1) args.push([]);
          return { args, rparen: t };
        }
        depth--;
      } else if (t.text === "," && depth === 0 && !(m.variadic && args.length > params.length)) {
        args.push([]);
        continue;
      }
      args[args.length - 1].push({ ...t, bol: false });
    }
  }
  /** Replace parameters in the body: `#x` stringifies, `a##b` pastes, others expand first. */
  substitute(m, args, site) {
    const params = m.params ?? [];
    const argOf = (name2) => {
      if (name2 === "__VA_ARGS__" && m.variadic) return args[params.length];
      const i = params.indexOf(name2);
      return i < 0 ? void 0 : args[i];
    };
    const body = m.body;
    const out = [];
    const expandedCache = /* @__PURE__ */ new Map();
    for (let i = 0; i < body.length; i++) {
      const t = body[i];
      if (m.params && t.text === "#" && t.kind === "punct") {
        const a2 = argOf(body[i + 1]?.text ?? "");
        if (a2 !== void 0) {
          out.push({ ...site, kind: "str", text: stringify(a2), space: t.space, hide: void 0 });
          i++;
          continue;
        }
      }
      if (t.text === "##" && t.kind === "punct") {
        const rhsTok = body[i + 1];
        i++;
        const rhsArg = argOf(rhsTok.text);
        const rhs = rhsArg ?? [rhsTok];
        if (rhsTok.text === "__VA_ARGS__" && rhs.length === 0 && out[out.length - 1]?.text === ",") {
          out.pop();
          continue;
        }
        if (rhs.length === 0) continue;
        const lhs = out.pop();
        if (lhs === void 0) {
          out.push(...rhs);
          continue;
        }
        out.push(this.paste(lhs, rhs[0]), ...rhs.slice(1));
        continue;
      }
      const a = argOf(t.text);
      if (a !== void 0 && t.kind === "ident") {
        if (body[i + 1]?.text === "##") {
          out.push(...a.map((x, k) => k === 0 ? { ...x, space: t.space } : x));
          if (a.length === 0) out.push({ ...t, kind: "punct", text: "", hide: void 0 });
          continue;
        }
        let ex = expandedCache.get(t.text);
        if (ex === void 0) {
          ex = this.expandList(a);
          expandedCache.set(t.text, ex);
        }
        out.push(...ex.map((x, k) => k === 0 ? { ...x, space: t.space } : x));
        continue;
      }
      out.push(t);
    }
    return out.filter((x) => !(x.kind === "punct" && x.text === ""));
  }
  paste(a, b) {
    const text3 = a.text + b.text;
    if (a.text === "") return b;
    if (b.text === "") return a;
    const toks = tokenize2(text3, a.loc.file, this.diags);
    if (toks.length !== 2)
      throw this.diags.error(
        a.loc,
        `pasting "${a.text}" and "${b.text}" does not give a valid preprocessing token`
      );
    return { ...toks[0], loc: a.loc, space: a.space, bol: false, hide: a.hide };
  }
};
function stringify(toks) {
  let s = "";
  toks.forEach((t, k) => {
    if (k > 0 && t.space) s += " ";
    s += t.kind === "str" || t.kind === "char" ? t.text.replace(/\\/g, "\\\\").replace(/"/g, '\\"') : t.text;
  });
  return `"${s}"`;
}
function withName(set, name2) {
  const s = new Set(set);
  s.add(name2);
  return s;
}
function union(a, b) {
  if (!a || a.size === 0) return b;
  const s = new Set(a);
  for (const x of b) s.add(x);
  return s;
}
function intersect(a, b) {
  if (!a || !b) return /* @__PURE__ */ new Set();
  return new Set([...a].filter((x) => b.has(x)));
}
var CondEvaluator = class _CondEvaluator {
  constructor(toks, diags, loc) {
    this.toks = toks;
    this.diags = diags;
    this.loc = loc;
  }
  i = 0;
  evaluate() {
    const v = this.ternary();
    if (this.i < this.toks.length)
      throw this.diags.error(
        this.toks[this.i].loc,
        "token is not a valid binary operator in a preprocessor subexpression"
      );
    return v;
  }
  peek() {
    return this.toks[this.i]?.text;
  }
  ternary() {
    const c = this.binary(0);
    if (this.peek() !== "?") return c;
    this.i++;
    const a = this.ternary();
    if (this.peek() !== ":") throw this.diags.error(this.toks[this.i]?.loc ?? this.loc, "expected ':'");
    this.i++;
    const b = this.ternary();
    return c !== 0n ? a : b;
  }
  static PREC = {
    "||": 1,
    "&&": 2,
    "|": 3,
    "^": 4,
    "&": 5,
    "==": 6,
    "!=": 6,
    "<": 7,
    ">": 7,
    "<=": 7,
    ">=": 7,
    "<<": 8,
    ">>": 8,
    "+": 9,
    "-": 9,
    "*": 10,
    "/": 10,
    "%": 10
  };
  binary(min4) {
    let lhs = this.unary();
    for (; ; ) {
      const op = this.peek() ?? "";
      const p = _CondEvaluator.PREC[op];
      if (p === void 0 || p <= min4) return lhs;
      const opTok = this.toks[this.i++];
      const rhs = this.binary(p);
      lhs = BigInt.asIntN(64, this.apply(op, lhs, rhs, opTok));
    }
  }
  apply(op, a, b, t) {
    const bool = (x) => x ? 1n : 0n;
    switch (op) {
      case "||":
        return bool(a !== 0n || b !== 0n);
      case "&&":
        return bool(a !== 0n && b !== 0n);
      case "|":
        return a | b;
      case "^":
        return a ^ b;
      case "&":
        return a & b;
      case "==":
        return bool(a === b);
      case "!=":
        return bool(a !== b);
      case "<":
        return bool(a < b);
      case ">":
        return bool(a > b);
      case "<=":
        return bool(a <= b);
      case ">=":
        return bool(a >= b);
      case "<<":
        return a << (b & 63n);
      case ">>":
        return a >> (b & 63n);
      case "+":
        return a + b;
      case "-":
        return a - b;
      case "*":
        return a * b;
      default:
        if (b === 0n) throw this.diags.error(t.loc, "division by zero in preprocessor expression");
        return op === "/" ? a / b : a % b;
    }
  }
  unary() {
    const t = this.toks[this.i++];
    if (t === void 0) throw this.diags.error(this.loc, "expected value in expression");
    switch (t.text) {
      case "(": {
        const v = this.ternary();
        if (this.peek() !== ")")
          throw this.diags.error(this.toks[this.i]?.loc ?? t.loc, "expected ')' in preprocessor expression");
        this.i++;
        return v;
      }
      case "!":
        return this.unary() === 0n ? 1n : 0n;
      case "-":
        return BigInt.asIntN(64, -this.unary());
      case "+":
        return this.unary();
      case "~":
        return BigInt.asIntN(64, ~this.unary());
    }
    if (t.kind === "num") {
      const v = parseIntegerLiteral(t.text);
      if (v === void 0)
        throw this.diags.error(t.loc, `invalid integer constant '${t.text}' in preprocessor expression`);
      return BigInt.asIntN(64, v.value);
    }
    if (t.kind === "char") return BigInt(decodeCharLiteral(t.text) ?? 0);
    throw this.diags.error(t.loc, "invalid token at start of a preprocessor expression");
  }
};
function parseIntegerLiteral(text3) {
  const m = /^(0[xX][0-9a-fA-F']+|0[bB][01']+|0[0-7']*|[1-9][0-9']*)((?:[uU](?:ll|LL|l|L)?)|(?:(?:ll|LL|l|L)[uU]?))?$/.exec(
    text3
  );
  if (m === null) return void 0;
  const body = m[1].replace(/'/g, "");
  let value;
  if (/^0[bB]/.test(body)) value = BigInt(body);
  else if (/^0[xX]/.test(body)) value = BigInt(body);
  else if (body.length > 1 && body[0] === "0") value = BigInt(`0o${body.slice(1)}`);
  else value = BigInt(body);
  const suffix = (m[2] ?? "").toLowerCase();
  return {
    value,
    unsigned: suffix.includes("u"),
    longs: suffix.includes("ll") ? 2 : suffix.includes("l") ? 1 : 0,
    decimal: !/^0/.test(body) || body === "0"
  };
}
function decodeEscapes(body) {
  const out = [];
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (body[i] !== "\\") {
      if (c < 128) out.push(c);
      else
        for (const b of new TextEncoder().encode(String.fromCodePoint(body.codePointAt(i))))
          out.push(b);
      if (c >= 55296 && c <= 56319) i++;
      continue;
    }
    const e = body[++i];
    const simple = {
      n: 10,
      t: 9,
      r: 13,
      "0": 0,
      a: 7,
      b: 8,
      f: 12,
      v: 11,
      e: 27,
      "\\": 92,
      "'": 39,
      '"': 34,
      "?": 63
    };
    if (e === "x") {
      let j = i + 1;
      while (j < body.length && /[0-9a-fA-F]/.test(body[j])) j++;
      if (j === i + 1) return "\\x used with no following hex digits";
      out.push(Number.parseInt(body.slice(i + 1, j), 16) & 255);
      i = j - 1;
    } else if (e !== void 0 && e >= "0" && e <= "7") {
      let j = i;
      while (j < body.length && j < i + 3 && body[j] >= "0" && body[j] <= "7") j++;
      out.push(Number.parseInt(body.slice(i, j), 8) & 255);
      i = j - 1;
    } else if (e !== void 0 && simple[e] !== void 0) out.push(simple[e]);
    else return `unknown escape sequence '\\${e ?? ""}'`;
  }
  return out;
}
function decodeCharLiteral(text3) {
  const q = text3.indexOf("'");
  const bytes = decodeEscapes(text3.slice(q + 1, -1));
  if (typeof bytes === "string" || bytes.length === 0) return void 0;
  if (bytes.length === 1) return bytes[0] << 24 >> 24;
  let v = 0;
  for (const b of bytes.slice(-4)) v = v << 8 | b;
  return v | 0;
}

// packages/cc-frontend/src/parser.ts
var BINARY_PREC = {
  "||": 1,
  "&&": 2,
  "|": 3,
  "^": 4,
  "&": 5,
  "==": 6,
  "!=": 6,
  "<": 7,
  ">": 7,
  "<=": 7,
  ">=": 7,
  "<<": 8,
  ">>": 8,
  "+": 9,
  "-": 9,
  "*": 10,
  "/": 10,
  "%": 10
};
var ASSIGN_OPS2 = /* @__PURE__ */ new Set(["=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="]);
var TYPE_KEYWORDS = /* @__PURE__ */ new Set([
  "void",
  "_Bool",
  "char",
  "short",
  "int",
  "long",
  "float",
  "double",
  "signed",
  "unsigned",
  "__signed__",
  "struct",
  "union",
  "enum",
  "const",
  "volatile",
  "restrict",
  "__restrict",
  "__restrict__",
  "__const",
  "__volatile__",
  "typedef",
  "static",
  "extern",
  "inline",
  "__inline",
  "__inline__",
  "register",
  "auto",
  "__attribute__",
  "__attribute",
  "_Alignas",
  "__typeof__",
  "__typeof",
  "typeof",
  "_Noreturn",
  "__extension__",
  "_Thread_local",
  "__int128",
  "_Atomic"
]);
var Parser = class {
  constructor(toks, diags) {
    this.toks = toks;
    this.diags = diags;
  }
  pos = 0;
  scopes = [/* @__PURE__ */ new Map()];
  tagScopes = [/* @__PURE__ */ new Map()];
  globals = [];
  funcs = [];
  nextId = 0;
  fn;
  breakable = 0;
  continuable = 0;
  switches = [];
  labels = /* @__PURE__ */ new Set();
  gotos = [];
  strCount = 0;
  /** Every struct/union/enum declared at file scope, in order: for the layout API. */
  tags = [];
  typedefs = /* @__PURE__ */ new Map();
  enumConsts = /* @__PURE__ */ new Map();
  /** File-scope enums with their constants, in declaration order. */
  enums = [];
  // ---- tokens ----
  peek(k = 0) {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)];
  }
  is(text3, k = 0) {
    const t = this.peek(k);
    return t.text === text3 && t.kind !== "str" && t.kind !== "char";
  }
  take() {
    const t = this.peek();
    if (t.kind !== "eof") this.pos++;
    return t;
  }
  accept(text3) {
    if (this.is(text3)) {
      this.pos++;
      return true;
    }
    return false;
  }
  expect(text3, what) {
    if (this.is(text3)) return this.take();
    const t = this.peek();
    throw this.error(
      t.loc,
      `expected '${text3}'${what ? ` ${what}` : ""}${t.kind === "eof" ? " at end of input" : ""}`
    );
  }
  error(loc, message2) {
    return this.diags.error(loc, message2);
  }
  // ---- scopes ----
  lookup(name2) {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const e = this.scopes[i].get(name2);
      if (e) return e;
    }
    return void 0;
  }
  lookupTag(name2) {
    for (let i = this.tagScopes.length - 1; i >= 0; i--) {
      const e = this.tagScopes[i].get(name2);
      if (e) return e;
    }
    return void 0;
  }
  enterScope() {
    this.scopes.push(/* @__PURE__ */ new Map());
    this.tagScopes.push(/* @__PURE__ */ new Map());
  }
  leaveScope() {
    this.scopes.pop();
    this.tagScopes.pop();
  }
  declare(name2, e) {
    this.scopes[this.scopes.length - 1].set(name2, e);
    if (this.scopes.length === 1) {
      if (e.kind === "typedef") this.typedefs.set(name2, e.type);
      if (e.kind === "enumconst") this.enumConsts.set(name2, e.value);
    }
  }
  isTypeName(k = 0) {
    const t = this.peek(k);
    if (t.kind !== "ident") return false;
    if (TYPE_KEYWORDS.has(t.text)) return true;
    return this.lookup(t.text)?.kind === "typedef";
  }
  // ---- translation unit ----
  parse(opts = {}) {
    while (this.peek().kind !== "eof") {
      const start = this.pos;
      try {
        this.topLevel(opts);
      } catch (e) {
        if (!(e instanceof Abort) || e.fatal) throw e;
        this.recoverTopLevel(start);
      }
    }
    for (const f of this.funcs) {
      if (f.used && f.body === void 0)
        this.diags.error(
          f.loc,
          `function '${f.name}' is declared but not defined (BPF cannot call external functions)`
        );
    }
    return { globals: this.globals, funcs: this.funcs };
  }
  /** Skip the rest of a broken declaration: rescan from its start with bracket depth. */
  recoverTopLevel(start) {
    const failedAt = this.pos;
    this.pos = start;
    let depth = 0;
    while (this.peek().kind !== "eof") {
      const t = this.take();
      if (t.text === "{" || t.text === "(" || t.text === "[") depth++;
      else if (t.text === "}" || t.text === ")" || t.text === "]") {
        depth = Math.max(0, depth - 1);
        if (depth === 0 && t.text === "}" && this.pos > failedAt) {
          if (this.accept(";")) return;
          const n = this.peek();
          if (!(n.kind === "ident" || n.text === "*")) return;
        }
      } else if (t.text === ";" && depth === 0 && this.pos > failedAt) return;
    }
  }
  topLevel(opts) {
    if (this.accept(";")) return;
    if (this.is("_Static_assert")) {
      this.staticAssert();
      return;
    }
    const spec = this.declSpec();
    if (this.accept(";")) return;
    for (let first = true; ; first = false) {
      const d = this.declarator(spec.type);
      const attrs = { ...spec.attrs, ...this.attributes() };
      if (spec.typedef) {
        if (d.name === void 0) throw this.error(d.loc, "typedef requires a name");
        this.declare(d.name, { kind: "typedef", type: d.type });
      } else if (d.type.kind === "func") {
        if (d.name === void 0) throw this.error(d.loc, "function requires a name");
        const f = this.declareFunc(d.name, d.type, d.loc, spec, attrs, d.paramVars);
        if (first && this.is("{")) {
          if (opts.functions === false)
            throw this.error(this.peek().loc, "function definitions are not allowed here");
          if (f.body !== void 0) throw this.error(d.loc, `redefinition of '${d.name}'`);
          this.funcBody(f, d.paramVars ?? []);
          return;
        }
      } else {
        if (d.name === void 0) throw this.error(d.loc, "declaration requires a name");
        this.globalVar(d.name, d.type, d.loc, spec, attrs);
      }
      if (this.accept(",")) continue;
      this.expect(";", "after top level declarator");
      return;
    }
  }
  staticAssert() {
    const kw = this.take();
    this.expect("(");
    const cond = this.constExpr();
    let msg = "";
    if (this.accept(",")) msg = this.stringLiteralText();
    this.expect(")");
    this.expect(";");
    if (cond === 0n) this.diags.error(kw.loc, `static assertion failed${msg ? `: ${msg}` : ""}`);
  }
  stringLiteralText() {
    let s = "";
    if (this.peek().kind !== "str") throw this.error(this.peek().loc, "expected string literal");
    while (this.peek().kind === "str") {
      const t = this.take();
      const bytes = decodeEscapes(t.text.slice(t.text.indexOf('"') + 1, -1));
      if (typeof bytes === "string") throw this.error(t.loc, bytes);
      s += new TextDecoder().decode(new Uint8Array(bytes));
    }
    return s;
  }
  declareFunc(name2, type, loc, spec, attrs, params) {
    const prev = this.lookup(name2);
    if (prev?.kind === "func") {
      if (attrs.section) prev.f.section = attrs.section;
      if (params && prev.f.body === void 0) prev.f.type = type;
      return prev.f;
    }
    if (prev && this.scopes.length === 1)
      throw this.error(loc, `redefinition of '${name2}' as a different kind of symbol`);
    const f = {
      name: name2,
      type,
      loc,
      isStatic: spec.isStatic,
      isInline: spec.isInline || !!attrs.alwaysInline,
      noInline: !!attrs.noInline,
      section: attrs.section,
      params: [],
      locals: []
    };
    this.funcs.push(f);
    this.scopes[0].set(name2, { kind: "func", f });
    return f;
  }
  newVar(name2, type, loc, storage, isStatic = false, isExtern = false) {
    return { name: name2, type, loc, storage, isStatic, isExtern, id: this.nextId++, addressTaken: false };
  }
  globalVar(name2, type, loc, spec, attrs, local = false) {
    this.checkVarType(type, loc);
    const prev = local ? void 0 : this.scopes[0].get(name2);
    let v;
    if (prev?.kind === "var") {
      v = prev.v;
      if (v.type.kind === "array" && v.type.len === void 0) v.type = type;
      v.isExtern = v.isExtern && spec.isExtern;
    } else {
      if (prev) throw this.error(loc, `redefinition of '${name2}' as a different kind of symbol`);
      v = this.newVar(name2, type, loc, "global", spec.isStatic, spec.isExtern);
      this.globals.push(v);
      this.declare(name2, { kind: "var", v });
    }
    if (attrs.section) v.section = attrs.section;
    if (this.accept("=")) {
      if (v.init) throw this.error(loc, `redefinition of '${name2}'`);
      this.globalInitializer(v);
    }
    if (!isComplete(v.type) && !v.isExtern && v.type.kind !== "array")
      throw this.error(loc, `variable has incomplete type '${typeToString(v.type)}'`);
    return v;
  }
  checkVarType(type, loc) {
    if (type.kind === "float") throw this.error(loc, "floating point is not supported by BPF");
    if (type.kind === "void") throw this.error(loc, "variable has incomplete type 'void'");
    if (type.kind === "array") this.checkVarType(type.of, loc);
  }
  // ---- declaration specifiers ----
  attributes(into = {}) {
    for (; ; ) {
      if (this.is("__attribute__") || this.is("__attribute")) {
        this.take();
        this.expect("(");
        this.expect("(");
        while (!this.is(")")) {
          const name2 = this.take();
          const n = name2.text.replace(/^__(.*)__$/, "$1");
          if (n === "section") {
            this.expect("(");
            into.section = this.stringLiteralText();
            this.expect(")");
          } else if (n === "aligned") {
            if (this.accept("(")) {
              into.aligned = Number(this.constExpr());
              this.expect(")");
            } else into.aligned = 8;
          } else {
            if (n === "packed") into.packed = true;
            else if (n === "always_inline") into.alwaysInline = true;
            else if (n === "noinline") into.noInline = true;
            if (this.is("(")) this.skipBalanced();
          }
          if (!this.accept(",")) break;
        }
        this.expect(")");
        this.expect(")");
      } else if (this.is("_Alignas")) {
        this.take();
        this.expect("(");
        into.aligned = this.isTypeName() ? alignOf(this.typeName()) : Number(this.constExpr());
        this.expect(")");
      } else if (this.is("__extension__")) this.take();
      else return into;
    }
  }
  skipBalanced() {
    let depth = 0;
    do {
      const t = this.take();
      if (t.kind === "eof") throw this.error(t.loc, "expected ')'");
      if (t.text === "(") depth++;
      else if (t.text === ")") depth--;
    } while (depth > 0);
  }
  declSpec() {
    const spec = {
      type: T.int,
      typedef: false,
      isStatic: false,
      isExtern: false,
      isInline: false,
      attrs: {}
    };
    const start = this.peek();
    let base;
    let signed;
    let longs = 0;
    let short = false;
    let sawInt = false;
    let sawChar = false;
    let quals = {};
    let any = false;
    for (; ; ) {
      const t = this.peek();
      if (t.kind !== "ident") break;
      const w2 = t.text;
      if (w2 === "__attribute__" || w2 === "__attribute" || w2 === "_Alignas" || w2 === "__extension__") {
        this.attributes(spec.attrs);
        continue;
      }
      if (w2 === "typedef") spec.typedef = true;
      else if (w2 === "static") spec.isStatic = true;
      else if (w2 === "extern") spec.isExtern = true;
      else if (w2 === "inline" || w2 === "__inline" || w2 === "__inline__") spec.isInline = true;
      else if (w2 === "register" || w2 === "auto" || w2 === "_Noreturn" || w2 === "_Thread_local" || w2 === "restrict" || w2 === "__restrict" || w2 === "__restrict__" || w2 === "_Atomic") {
      } else if (w2 === "const" || w2 === "__const") quals.const = true;
      else if (w2 === "volatile" || w2 === "__volatile__") quals.volatile = true;
      else if (w2 === "signed" || w2 === "__signed__") signed = true;
      else if (w2 === "unsigned") signed = false;
      else if (w2 === "short") short = true;
      else if (w2 === "long") longs++;
      else if (w2 === "int") sawInt = true;
      else if (w2 === "char") sawChar = true;
      else if (w2 === "__int128") throw this.error(t.loc, "__int128 is not supported by BPF");
      else if (w2 === "float" || w2 === "double") {
        this.take();
        base = { kind: "float", size: w2 === "float" ? 4 : 8, name: w2 };
        any = true;
        continue;
      } else if (w2 === "void" || w2 === "_Bool") {
        if (base) throw this.error(t.loc, "cannot combine with previous type specifier");
        base = w2 === "void" ? T.void : T.bool;
      } else if (w2 === "struct" || w2 === "union") {
        if (base) throw this.error(t.loc, "cannot combine with previous type specifier");
        this.take();
        base = this.structDecl(w2 === "union");
        any = true;
        continue;
      } else if (w2 === "enum") {
        if (base) throw this.error(t.loc, "cannot combine with previous type specifier");
        this.take();
        base = this.enumDecl();
        any = true;
        continue;
      } else if (w2 === "typeof" || w2 === "__typeof__" || w2 === "__typeof") {
        this.take();
        this.expect("(");
        base = this.isTypeName() ? this.typeName() : this.expr().type;
        this.expect(")");
        any = true;
        continue;
      } else {
        const e = this.lookup(w2);
        if (e?.kind === "typedef" && !base && signed === void 0 && longs === 0 && !short && !sawInt && !sawChar) {
          base = e.type;
        } else break;
      }
      any = true;
      this.take();
    }
    if (!any)
      throw this.error(
        start.loc,
        start.kind === "eof" ? "expected declaration" : `unknown type name '${start.text}'`
      );
    let type;
    if (base) {
      if (signed !== void 0 || longs || short || sawInt || sawChar) {
        if (base.kind === "float" && longs === 1) base = { kind: "float", size: 16, name: "long double" };
        else if (base.kind !== "float")
          throw this.error(start.loc, "cannot combine with previous type specifier");
      }
      type = base;
    } else if (sawChar) type = signed === void 0 ? T.char : signed ? T.schar : T.uchar;
    else if (short) type = signed === false ? T.ushort : T.short;
    else if (longs >= 2) type = signed === false ? T.ullong : T.llong;
    else if (longs === 1) type = signed === false ? T.ulong : T.long;
    else type = signed === false ? T.uint : T.int;
    if (quals.const || quals.volatile) type = { ...type, ...quals };
    spec.type = type;
    quals = {};
    return spec;
  }
  structDecl(union2) {
    const attrs = this.attributes();
    let tag;
    const tagTok = this.peek();
    if (tagTok.kind === "ident" && !this.is("{")) {
      tag = tagTok.text;
      this.take();
    }
    const kw = union2 ? "union" : "struct";
    if (tag !== void 0 && !this.is("{")) {
      const existing = this.lookupTag(tag);
      if (existing) {
        if (existing.kind !== "struct" || existing.def.union !== union2)
          throw this.error(
            tagTok.loc,
            `use of '${tag}' with tag type that does not match previous declaration`
          );
        return existing;
      }
      const def = { tag, union: union2, members: [], size: 0, align: 1, complete: false, packed: false };
      const t2 = { kind: "struct", def };
      this.tagScopes[this.tagScopes.length - 1].set(tag, t2);
      return t2;
    }
    let t;
    if (tag !== void 0) {
      const here = this.tagScopes[this.tagScopes.length - 1].get(tag);
      if (here?.kind === "struct" && here.def.union === union2 && !here.def.complete) t = here;
      else if (here?.kind === "struct" && here.def.complete)
        throw this.error(tagTok.loc, `redefinition of '${kw} ${tag}'`);
    }
    if (!t) {
      t = {
        kind: "struct",
        def: { tag, union: union2, members: [], size: 0, align: 1, complete: false, packed: false }
      };
      if (tag !== void 0) this.tagScopes[this.tagScopes.length - 1].set(tag, t);
    }
    this.expect("{");
    const fields = [];
    const names = /* @__PURE__ */ new Set();
    while (!this.accept("}")) {
      if (this.peek().kind === "eof") throw this.error(this.peek().loc, `expected '}'`);
      if (this.is("_Static_assert")) {
        this.staticAssert();
        continue;
      }
      const spec = this.declSpec();
      if (this.accept(";")) {
        if (spec.type.kind === "struct" && spec.type.def.tag === void 0)
          fields.push({ name: void 0, type: spec.type });
        continue;
      }
      for (; ; ) {
        let d;
        if (this.is(":")) d = { name: void 0, type: spec.type, loc: this.peek().loc };
        else d = this.declarator(spec.type);
        let bitWidth;
        if (this.accept(":")) {
          const wTok = this.peek();
          bitWidth = Number(this.constExpr());
          if (!isInteger(d.type))
            throw this.error(
              d.loc,
              `bit-field '${d.name ?? ""}' has non-integral type '${typeToString(d.type)}'`
            );
          if (bitWidth < 0 || bitWidth > sizeOf(d.type) * 8)
            throw this.error(
              wTok.loc,
              `width of bit-field '${d.name ?? ""}' (${bitWidth} bits) exceeds the width of its type`
            );
          if (bitWidth === 0 && d.name !== void 0)
            throw this.error(wTok.loc, `named bit-field '${d.name}' has zero width`);
        }
        const fattrs = this.attributes({ ...spec.attrs });
        if (d.name !== void 0) {
          if (names.has(d.name)) throw this.error(d.loc, `duplicate member '${d.name}'`);
          names.add(d.name);
        }
        if (d.type.kind === "func") throw this.error(d.loc, `field '${d.name}' declared as a function`);
        if (!isComplete(d.type) && !(d.type.kind === "array" && d.type.len === void 0))
          throw this.error(d.loc, `field has incomplete type '${typeToString(d.type)}'`);
        if (d.type.kind === "float") throw this.error(d.loc, "floating point is not supported by BPF");
        fields.push({ name: d.name, type: d.type, bitWidth, align: fattrs.aligned });
        if (!this.accept(",")) break;
      }
      this.expect(";", "at end of declaration list");
    }
    const after = this.attributes(attrs);
    t.def.packed = !!after.packed;
    if (after.aligned) t.def.align = after.aligned;
    layoutStruct(t.def, fields);
    if (this.scopes.length === 1) this.tags.push(t);
    return t;
  }
  enumDecl() {
    this.attributes();
    let tag;
    const tagTok = this.peek();
    if (tagTok.kind === "ident" && !this.is("{")) {
      tag = tagTok.text;
      this.take();
    }
    if (tag !== void 0 && !this.is("{")) {
      const existing = this.lookupTag(tag);
      if (existing) return existing;
      const t2 = { ...T.uint, enumTag: tag };
      this.tagScopes[this.tagScopes.length - 1].set(tag, t2);
      return t2;
    }
    this.expect("{");
    let value = 0n;
    const consts = [];
    while (!this.accept("}")) {
      const n = this.take();
      if (n.kind !== "ident") throw this.error(n.loc, "expected identifier");
      this.attributes();
      if (this.accept("=")) value = this.constExpr();
      consts.push({ name: n.text, value });
      value++;
      if (!this.accept(",")) {
        this.expect("}");
        break;
      }
    }
    const min4 = consts.reduce((m, c) => c.value < m ? c.value : m, 0n);
    const max4 = consts.reduce((m, c) => c.value > m ? c.value : m, 0n);
    let base;
    if (min4 >= 0n && max4 <= 0xffffffffn) base = T.uint;
    else if (min4 >= -0x80000000n && max4 <= 0x7fffffffn) base = T.int;
    else base = min4 < 0n ? T.long : T.ulong;
    const t = { ...base, enumTag: tag ?? "(anonymous)" };
    for (const c of consts) {
      const ctype = c.value >= -0x80000000n && c.value <= 0x7fffffffn ? T.int : base;
      this.declare(c.name, { kind: "enumconst", value: c.value, type: ctype });
    }
    if (tag !== void 0) this.tagScopes[this.tagScopes.length - 1].set(tag, t);
    if (this.scopes.length === 1) {
      this.tags.push(t);
      this.enums.push({ tag, consts: new Map(consts.map((c) => [c.name, c.value])) });
    }
    this.attributes();
    return t;
  }
  // ---- declarators ----
  pointers(type) {
    let t = type;
    while (this.accept("*")) {
      t = pointerTo(t);
      for (; ; ) {
        if (this.is("const") || this.is("__const")) {
          this.take();
          t = { ...t, const: true };
        } else if (this.is("volatile") || this.is("__volatile__")) {
          this.take();
          t = { ...t, volatile: true };
        } else if (this.is("restrict") || this.is("__restrict") || this.is("__restrict__") || this.is("_Nullable") || this.is("_Nonnull"))
          this.take();
        else if (this.is("__attribute__")) this.attributes();
        else break;
      }
    }
    return t;
  }
  /** Parses a (possibly abstract) declarator around `base`. */
  declarator(base) {
    const t = this.pointers(base);
    this.attributes();
    if (this.is("(") && !this.isTypeName(1) && !this.is(")", 1)) {
      this.take();
      const start = this.pos;
      this.declarator(T.int);
      this.expect(")");
      const outer = this.suffixes(t);
      const end = this.pos;
      this.pos = start;
      const inner = this.declarator(outer.type);
      this.expect(")");
      this.pos = end;
      return inner;
    }
    let name2;
    const loc = this.peek().loc;
    if (this.peek().kind === "ident" && !this.isTypeName()) name2 = this.take().text;
    else if (this.peek().kind === "ident" && this.lookup(this.peek().text)?.kind === "typedef" && !this.is("(", 1) && (this.is(";", 1) || this.is("[", 1) || this.is(",", 1) || this.is("=", 1) || this.is(")", 1) || this.is(":", 1))) {
      name2 = this.take().text;
    }
    const s = this.suffixes(t);
    return { name: name2, type: s.type, loc, paramVars: s.params };
  }
  suffixes(type) {
    if (this.is("[")) {
      const lb = this.take();
      let len;
      if (!this.is("]")) {
        const e = this.assign();
        const v = this.evalConst(e);
        if (v === void 0) throw this.error(lb.loc, "variable length arrays are not supported by BPF");
        if (v < 0n) throw this.error(e.loc, "array has negative size");
        len = Number(v);
      }
      this.expect("]");
      const inner = this.suffixes(type);
      if (inner.type.kind === "func") throw this.error(lb.loc, "array of functions is not allowed");
      return { type: arrayOf(inner.type, len) };
    }
    if (this.is("(")) {
      this.take();
      const params = [];
      const ptypes = [];
      let variadic = false;
      let unprototyped = false;
      if (this.is("void") && this.is(")", 1)) {
        this.take();
      } else if (this.is(")")) unprototyped = true;
      else {
        for (; ; ) {
          if (this.accept("...")) {
            variadic = true;
            break;
          }
          const spec = this.declSpec();
          const d = this.declarator(spec.type);
          let pt = d.type;
          if (pt.kind === "array") pt = pointerTo(pt.of);
          else if (pt.kind === "func") pt = pointerTo(pt);
          ptypes.push({ name: d.name, type: pt });
          params.push(this.newVar(d.name ?? "", pt, d.loc, "param"));
          if (!this.accept(",")) break;
        }
      }
      this.expect(")");
      const ret2 = this.suffixes(type).type;
      if (ret2.kind === "array" || ret2.kind === "func")
        throw this.error(this.peek().loc, "function cannot return an array or a function");
      return { type: { kind: "func", ret: ret2, params: ptypes, variadic, unprototyped }, params };
    }
    return { type };
  }
  typeName() {
    const spec = this.declSpec();
    return this.declarator(spec.type).type;
  }
  // ---- functions and statements ----
  funcBody(f, params) {
    this.fn = f;
    f.params = params;
    this.labels = /* @__PURE__ */ new Set();
    this.gotos = [];
    this.enterScope();
    params.forEach((p, i) => {
      p.paramIndex = i;
      if (p.name === "") this.diags.error(p.loc, "parameter name omitted");
      else this.declare(p.name, { kind: "var", v: p });
    });
    if (params.length > 5)
      this.diags.error(
        params[5].loc,
        `function '${f.name}' has ${params.length} parameters; BPF passes at most 5`
      );
    for (const p of params) {
      if (p.type.kind === "struct")
        this.diags.error(p.loc, "passing structs by value is not supported by BPF");
      if (p.type.kind === "float") this.diags.error(p.loc, "floating point is not supported by BPF");
    }
    if (f.type.ret.kind === "struct")
      this.diags.error(f.loc, "returning a struct by value is not supported by BPF");
    if (f.type.ret.kind === "float") this.diags.error(f.loc, "floating point is not supported by BPF");
    try {
      f.body = this.block();
    } finally {
      this.leaveScope();
      this.fn = void 0;
    }
    for (const g of this.gotos)
      if (!this.labels.has(g.label)) this.diags.error(g.loc, `use of undeclared label '${g.label}'`);
  }
  block() {
    const lb = this.expect("{");
    this.enterScope();
    const items = [];
    try {
      while (!this.is("}")) {
        if (this.peek().kind === "eof") throw this.error(this.peek().loc, "expected '}'");
        const start = this.pos;
        try {
          if (this.isDeclStart()) items.push(...this.localDecl());
          else items.push(this.stmt());
        } catch (e) {
          if (!(e instanceof Abort) || e.fatal) throw e;
          this.recoverStmt(start);
        }
      }
      this.take();
    } finally {
      this.leaveScope();
    }
    return { kind: "block", loc: lb.loc, items };
  }
  isDeclStart() {
    if (!this.isTypeName()) return false;
    return !(this.peek().kind === "ident" && this.is(":", 1));
  }
  recoverStmt(start) {
    if (this.pos === start) this.pos++;
    let depth = 0;
    while (this.peek().kind !== "eof") {
      if (this.is("}") && depth === 0) return;
      const t = this.take();
      if (t.text === "{" || t.text === "(") depth++;
      else if (t.text === "}" || t.text === ")") {
        depth--;
        if (depth === 0 && t.text === "}") return;
      } else if (t.text === ";" && depth <= 0) return;
    }
  }
  localDecl() {
    if (this.is("_Static_assert")) {
      this.staticAssert();
      return [];
    }
    const spec = this.declSpec();
    const out = [];
    if (this.accept(";")) return out;
    for (; ; ) {
      const d = this.declarator(spec.type);
      const attrs = { ...spec.attrs, ...this.attributes() };
      if (d.name === void 0) throw this.error(d.loc, "declaration requires a name");
      if (spec.typedef) this.declare(d.name, { kind: "typedef", type: d.type });
      else if (d.type.kind === "func") this.declareFunc(d.name, d.type, d.loc, spec, attrs);
      else if (spec.isStatic || spec.isExtern) {
        const v = this.globalVar(`${this.fn?.name}.${d.name}`, d.type, d.loc, spec, attrs, true);
        this.declare(d.name, { kind: "var", v });
      } else {
        this.checkVarType(d.type, d.loc);
        const v = this.newVar(d.name, d.type, d.loc, "local");
        if (this.accept("=")) {
          const init = this.localInitializer(v);
          this.declare(d.name, { kind: "var", v });
          out.push(init);
        } else {
          if (d.type.kind === "array" && d.type.len === void 0)
            throw this.error(
              d.loc,
              `definition of variable with array type needs an explicit size or an initializer`
            );
          this.declare(d.name, { kind: "var", v });
        }
        if (!isComplete(v.type))
          throw this.error(d.loc, `variable has incomplete type '${typeToString(v.type)}'`);
        this.fn?.locals.push(v);
      }
      if (this.accept(",")) continue;
      this.expect(";", "at end of declaration");
      return out;
    }
  }
  stmt() {
    const t = this.peek();
    const loc = t.loc;
    if (t.kind === "punct" && t.text === "#pragma-unroll") {
      this.take();
      const s = this.stmt();
      const loop = s.kind === "block" ? s.items[s.items.length - 1] : s;
      if (loop?.kind === "loop") loop.unroll = true;
      return s;
    }
    if (t.kind === "ident") {
      switch (t.text) {
        case "if": {
          this.take();
          this.expect("(");
          const c = this.condition(this.expr());
          this.expect(")");
          const then = this.stmt();
          const els = this.accept("else") ? this.stmt() : void 0;
          return { kind: "if", loc, c, then, else: els };
        }
        case "while": {
          this.take();
          this.expect("(");
          const c = this.condition(this.expr());
          this.expect(")");
          const body = this.loopBody();
          return { kind: "loop", loc, cond: c, step: void 0, body, doWhile: false, unroll: false };
        }
        case "do": {
          this.take();
          const body = this.loopBody();
          this.expect("while");
          this.expect("(");
          const c = this.condition(this.expr());
          this.expect(")");
          this.expect(";");
          return { kind: "loop", loc, cond: c, step: void 0, body, doWhile: true, unroll: false };
        }
        case "for": {
          this.take();
          this.expect("(");
          this.enterScope();
          try {
            const init = [];
            if (this.isDeclStart()) init.push(...this.localDecl());
            else if (!this.accept(";")) {
              init.push({ kind: "expr", loc: this.peek().loc, e: this.expr() });
              this.expect(";");
            }
            const cond = this.is(";") ? void 0 : this.condition(this.expr());
            this.expect(";");
            const step = this.is(")") ? void 0 : this.expr();
            this.expect(")");
            const body = this.loopBody();
            const loop = { kind: "loop", loc, cond, step, body, doWhile: false, unroll: false };
            return init.length ? { kind: "block", loc, items: [...init, loop] } : loop;
          } finally {
            this.leaveScope();
          }
        }
        case "switch": {
          this.take();
          this.expect("(");
          let e2 = this.rvalue(this.expr());
          if (!isInteger(e2.type))
            throw this.error(
              e2.loc,
              `statement requires expression of integer type ('${typeToString(e2.type)}' invalid)`
            );
          e2 = this.convert(e2, promote(e2.type));
          this.expect(")");
          const sw = { cases: [], default: void 0, type: e2.type };
          this.switches.push(sw);
          this.breakable++;
          try {
            const body = this.stmt();
            return { kind: "switch", loc, e: e2, body, cases: sw.cases, default: sw.default };
          } finally {
            this.switches.pop();
            this.breakable--;
          }
        }
        case "case":
        case "default": {
          this.take();
          const sw = this.switches[this.switches.length - 1];
          let value;
          if (t.text === "case") {
            value = this.constExpr();
            if (sw) value = truncate(value, sw.type);
          }
          this.expect(":");
          if (!sw) throw this.error(loc, `'${t.text}' statement not in switch statement`);
          const label = { kind: "case", loc, value, id: this.nextId++ };
          if (value === void 0) {
            if (sw.default) throw this.error(loc, "multiple default labels in one switch");
            sw.default = label;
          } else {
            if (sw.cases.some((c) => c.value === value))
              throw this.error(loc, `duplicate case value '${value}'`);
            sw.cases.push({ value, label });
          }
          return { kind: "block", loc, items: [label, this.is("}") ? { kind: "empty", loc } : this.stmt()] };
        }
        case "break":
          this.take();
          this.expect(";");
          if (this.breakable === 0)
            throw this.error(loc, "'break' statement not in loop or switch statement");
          return { kind: "break", loc };
        case "continue":
          this.take();
          this.expect(";");
          if (this.continuable === 0) throw this.error(loc, "'continue' statement not in loop statement");
          return { kind: "continue", loc };
        case "goto": {
          this.take();
          const l = this.take();
          if (l.kind !== "ident") throw this.error(l.loc, "expected identifier");
          this.expect(";");
          this.gotos.push({ label: l.text, loc: l.loc });
          return { kind: "goto", loc, label: l.text };
        }
        case "return": {
          this.take();
          const f = this.fn;
          if (this.accept(";")) {
            if (f.type.ret.kind !== "void")
              this.diags.warn(loc, `non-void function '${f.name}' should return a value`);
            return { kind: "return", loc, e: void 0 };
          }
          let e2 = this.expr();
          this.expect(";");
          if (f.type.ret.kind === "void") {
            if (this.rvalue(e2).type.kind !== "void")
              this.diags.error(e2.loc, `void function '${f.name}' should not return a value`);
            return {
              kind: "block",
              loc,
              items: [
                { kind: "expr", loc, e: e2 },
                { kind: "return", loc, e: void 0 }
              ]
            };
          }
          e2 = this.assignConvert(e2, f.type.ret, "returning");
          return { kind: "return", loc, e: e2 };
        }
        case "asm":
        case "__asm__":
        case "__asm":
          throw this.error(loc, "inline assembly is not supported by tbpf cc");
      }
      if (this.is(":", 1) && t.kind === "ident") {
        this.take();
        this.take();
        if (this.labels.has(t.text)) throw this.error(loc, `redefinition of label '${t.text}'`);
        this.labels.add(t.text);
        this.attributes();
        const body = this.is("}") ? { kind: "empty", loc } : this.stmt();
        return { kind: "label", loc, name: t.text, body };
      }
    }
    if (this.is("{")) return this.block();
    if (this.accept(";")) return { kind: "empty", loc };
    const e = this.expr();
    this.expect(";", "after expression");
    return { kind: "expr", loc, e };
  }
  loopBody() {
    this.breakable++;
    this.continuable++;
    try {
      return this.stmt();
    } finally {
      this.breakable--;
      this.continuable--;
    }
  }
  /** A controlling expression: any scalar. */
  condition(e) {
    const r = this.rvalue(e);
    if (!isScalar(r.type))
      throw this.error(
        e.loc,
        `statement requires expression of scalar type ('${typeToString(r.type)}' invalid)`
      );
    if (r.type.kind === "float") throw this.error(e.loc, "floating point is not supported by BPF");
    return r;
  }
  // ---- initializers ----
  localInitializer(v) {
    const loc = this.peek().loc;
    const items = [];
    if (!this.is("{") && v.type.kind !== "array") {
      const e = this.assignConvert(this.assign(), v.type, "initializing");
      return { kind: "init", loc, v, items: [{ offset: 0, type: v.type, value: e }], zero: false };
    }
    v.type = this.initializer(v.type, 0, items, true);
    return { kind: "init", loc, v, items, zero: true };
  }
  /** Reads an initializer for `type` at `offset`, appending the stores; returns the completed type. */
  initializer(type, offset, items, top) {
    if (type.kind === "array") {
      const elem = type.of;
      if (isInteger(elem) && elem.size === 1 && (this.peek().kind === "str" || this.is("{") && this.peek(1).kind === "str" && this.is("}", 2))) {
        const braced = this.accept("{");
        const strTok = this.peek();
        const bytes = this.stringBytes();
        if (braced) this.expect("}");
        const len = type.len ?? bytes.length + 1;
        if (bytes.length > len) throw this.error(strTok.loc, "initializer-string for char array is too long");
        for (const [i2, b] of bytes.slice(0, len).entries()) {
          items.push({ offset: offset + i2, type: elem, value: num(BigInt(b), elem, strTok.loc) });
        }
        return type.len === void 0 ? arrayOf(elem, len) : type;
      }
      if (!this.is("{")) {
        if (top) throw this.error(this.peek().loc, "array initializer must be an initializer list");
        let i2 = 0;
        for (; i2 < (type.len ?? 0) && !this.is("}"); i2++) {
          if (i2 > 0) {
            if (!this.is(",") || this.is("}", 1) || this.is(".", 1) || this.is("[", 1)) break;
            this.take();
          }
          this.initializer(elem, offset + i2 * sizeOf(elem), items, false);
        }
        return type;
      }
      this.take();
      let i = 0;
      let max4 = 0;
      const esize = sizeOf(elem);
      while (!this.accept("}")) {
        if (this.accept("[")) {
          const idx = this.constExpr();
          this.expect("]");
          this.expect("=");
          i = Number(idx);
          if (i < 0 || type.len !== void 0 && i >= type.len)
            throw this.error(this.peek().loc, `array index ${i} exceeds array bounds`);
        }
        if (type.len !== void 0 && i >= type.len)
          throw this.error(this.peek().loc, "excess elements in array initializer");
        this.initializer(elem, offset + i * esize, items, false);
        i++;
        max4 = Math.max(max4, i);
        if (!this.accept(",")) {
          this.expect("}");
          break;
        }
      }
      return type.len === void 0 ? arrayOf(elem, max4) : type;
    }
    if (type.kind === "struct") {
      if (!this.is("{")) {
        const e2 = this.rvalue(this.assign());
        if (e2.type.kind === "struct" && e2.type.def === type.def) {
          items.push({ offset, type, value: e2 });
          return type;
        }
        if (top)
          throw this.error(
            e2.loc,
            `initializing '${typeToString(type)}' with an expression of incompatible type '${typeToString(e2.type)}'`
          );
        this.pos = this.posOf(e2);
        return this.structElided(type, offset, items);
      }
      this.take();
      const members = type.def.members;
      let idx = 0;
      while (!this.accept("}")) {
        let m;
        let moff = 0;
        if (this.is(".")) {
          let curType = type;
          let curOff = offset;
          while (this.accept(".")) {
            const n = this.take();
            if (curType.kind !== "struct")
              throw this.error(n.loc, "field designator cannot initialize a non-struct, non-union type");
            const found = findMember(curType.def, n.text);
            if (!found)
              throw this.error(
                n.loc,
                `field designator '${n.text}' does not refer to any field in type '${typeToString(curType)}'`
              );
            m = found.member;
            curOff += found.offset;
            curType = m.type;
            if (curType === type || curType.kind !== "struct") idx = members.indexOf(m) + 1;
            else idx = members.indexOf(m) + 1;
          }
          this.expect("=");
          moff = curOff - offset;
          if (!m) throw this.error(this.peek().loc, "expected field designator");
          this.memberInit(m, offset + moff, items);
        } else {
          while (idx < members.length && members[idx].name === void 0 && members[idx].type.kind !== "struct")
            idx++;
          if (idx >= members.length || type.def.union && idx > 0)
            throw this.error(
              this.peek().loc,
              `excess elements in ${type.def.union ? "union" : "struct"} initializer`
            );
          m = members[idx++];
          this.memberInit(m, offset + m.offset, items);
        }
        if (!this.accept(",")) {
          this.expect("}");
          break;
        }
      }
      return type;
    }
    if (this.accept("{")) {
      const t = this.initializer(type, offset, items, false);
      this.accept(",");
      this.expect("}");
      return t;
    }
    const e = this.assignConvert(this.assign(), type, "initializing");
    items.push({ offset, type, value: e });
    return type;
  }
  structElided(type, offset, items) {
    const members = type.def.members.filter((m) => m.name !== void 0 || m.type.kind === "struct");
    for (let i = 0; i < members.length; i++) {
      if (i > 0) {
        if (!this.is(",") || this.is("}", 1) || this.is(".", 1) || this.is("[", 1)) break;
        this.take();
      }
      this.memberInit(members[i], offset + members[i].offset, items);
      if (type.def.union) break;
    }
    return type;
  }
  posOf(e) {
    for (let i = this.pos - 1; i >= 0; i--) if (this.toks[i].loc === e.loc) return i;
    return this.pos;
  }
  memberInit(m, offset, items) {
    if (m.bitWidth !== void 0) {
      const e = this.assignConvert(this.assign(), m.type, "initializing");
      items.push({ offset: m.offset, type: m.type, value: e, bitOffset: m.bitOffset, bitWidth: m.bitWidth });
      void offset;
      return;
    }
    this.initializer(m.type, offset, items, false);
  }
  stringBytes() {
    const out = [];
    while (this.peek().kind === "str") {
      const t = this.take();
      if (!t.text.startsWith('"') && !t.text.startsWith('u8"'))
        throw this.error(t.loc, "wide string literals are not supported");
      const b = decodeEscapes(t.text.slice(t.text.indexOf('"') + 1, -1));
      if (typeof b === "string") throw this.error(t.loc, b);
      out.push(...b);
    }
    return out;
  }
  globalInitializer(v) {
    const loc = this.peek().loc;
    const items = [];
    if (!this.is("{") && v.type.kind !== "array") {
      const e = this.assignConvert(this.assign(), v.type, "initializing");
      items.push({ offset: 0, type: v.type, value: e });
    } else v.type = this.initializer(v.type, 0, items, true);
    const size = sizeOf(v.type);
    const init = { bytes: new Uint8Array(size), relocs: [] };
    const view2 = new DataView(init.bytes.buffer);
    for (const it of items) {
      if (v.type.kind === "ptr" && v.type.to.kind === "func" && items.length === 1) {
        const id = this.evalConst(it.value);
        if (id !== void 0) v.helperId = Number(id);
      }
      const c = this.evalConst(it.value);
      if (c !== void 0) {
        if (it.bitWidth !== void 0 && it.bitOffset !== void 0) {
          for (let b = 0; b < it.bitWidth; b++) {
            if (c >> BigInt(b) & 1n) {
              const bit = it.bitOffset + b;
              init.bytes[bit >> 3] |= 1 << (bit & 7);
            }
          }
        } else writeInt(view2, it.offset, sizeOf(it.type), c);
        continue;
      }
      const a = this.evalAddress(it.value);
      if (a && sizeOf(it.type) === 8) {
        init.relocs.push({ offset: it.offset, target: a.v, addend: a.addend });
        a.v.used = true;
        continue;
      }
      if (it.type.kind === "struct" && it.value.kind === "var" && it.value.v.init) {
        init.bytes.set(it.value.v.init.bytes, it.offset);
        continue;
      }
      throw this.error(it.value.loc, "initializer element is not a compile-time constant");
    }
    void loc;
    v.init = init;
  }
  /** Address constants: `&global + k`, `"str"`, array decay of a global. */
  evalAddress(e) {
    switch (e.kind) {
      case "cast":
        return this.evalAddress(e.e);
      case "addr":
        if (e.e.kind === "var" && e.e.v.storage === "global") return { v: e.e.v, addend: 0 };
        if (e.e.kind === "member") {
          const b = this.evalAddress(e.e.base);
          return b && { v: b.v, addend: b.addend + e.e.offset };
        }
        if (e.e.kind === "deref") return this.evalAddress(e.e.e);
        return void 0;
      case "binary": {
        if (e.op !== "+" && e.op !== "-") return void 0;
        const b = this.evalAddress(e.l);
        const k = this.evalConst(e.r);
        if (!b || k === void 0) return void 0;
        return { v: b.v, addend: b.addend + Number(e.op === "+" ? k : -k) };
      }
      default:
        return void 0;
    }
  }
  // ---- expressions ----
  expr() {
    let e = this.assign();
    while (this.is(",")) {
      const loc = this.take().loc;
      const r = this.rvalue(this.assign());
      e = { kind: "comma", type: r.type, loc, l: e, r };
    }
    return e;
  }
  constExpr() {
    const e = this.ternary();
    const v = this.evalConst(e);
    if (v === void 0) throw this.error(e.loc, "expression is not an integer constant expression");
    return v;
  }
  assign() {
    const l = this.ternary();
    const opTok = this.peek();
    if (opTok.kind !== "punct" || !ASSIGN_OPS2.has(opTok.text)) return l;
    this.take();
    const r = this.assign();
    this.checkLvalue(l, opTok);
    if (opTok.text === "=") {
      return {
        kind: "assign",
        type: unqualified(l.type),
        loc: opTok.loc,
        l,
        r: this.assignConvert(r, l.type, "assigning to")
      };
    }
    const op = opTok.text.slice(0, -1);
    const rr = this.rvalue(r);
    if (l.type.kind === "ptr" && (op === "+" || op === "-")) {
      if (!isInteger(rr.type)) throw this.error(opTok.loc, "invalid operands to binary expression");
      const scaled = this.scale(this.convert(rr, T.long), this.pointeeSize(l.type, opTok.loc));
      return {
        kind: "opassign",
        type: unqualified(l.type),
        loc: opTok.loc,
        op,
        l,
        r: scaled,
        opType: T.ulong
      };
    }
    if (!isInteger(l.type) || !isInteger(rr.type))
      throw this.error(
        opTok.loc,
        `invalid operands to binary expression ('${typeToString(l.type)}' and '${typeToString(rr.type)}')`
      );
    const opType = op === "<<" || op === ">>" ? promote(l.type) : usualArithmetic(l.type, rr.type);
    const rc = op === "<<" || op === ">>" ? this.convert(rr, promote(rr.type)) : this.convert(rr, opType);
    this.checkDivisor(op, rc);
    return { kind: "opassign", type: unqualified(l.type), loc: opTok.loc, op, l, r: rc, opType };
  }
  checkLvalue(e, at) {
    if (e.kind !== "var" && e.kind !== "deref" && e.kind !== "member")
      throw this.error(e.loc, "expression is not assignable");
    if (e.type.kind === "array")
      throw this.error(e.loc, `array type '${typeToString(e.type)}' is not assignable`);
    if (e.type.const)
      throw this.error(
        e.loc,
        `cannot assign to variable with const-qualified type '${typeToString(e.type)}'`
      );
    if (e.type.kind === "func") throw this.error(at.loc, "expression is not assignable");
  }
  ternary() {
    const c = this.binary(0);
    if (!this.is("?")) return c;
    const q = this.take();
    const cond = this.condition(c);
    const a = this.is(":") ? cond : this.rvalue(this.expr());
    this.expect(":");
    const b = this.rvalue(this.ternary());
    let type;
    if (isInteger(a.type) && isInteger(b.type)) type = usualArithmetic(a.type, b.type);
    else if (a.type.kind === "void" || b.type.kind === "void") type = T.void;
    else if (a.type.kind === "ptr") type = a.type;
    else if (b.type.kind === "ptr") type = b.type;
    else if (a.type.kind === "struct" && sameType(a.type, b.type)) type = a.type;
    else
      throw this.error(
        q.loc,
        `incompatible operand types ('${typeToString(a.type)}' and '${typeToString(b.type)}')`
      );
    const conv = (x) => type.kind === "void" || type.kind === "struct" ? x : this.convert(x, type);
    return { kind: "cond", type, loc: q.loc, c: cond, a: conv(a), b: conv(b) };
  }
  binary(minPrec) {
    let lhs = this.cast();
    for (; ; ) {
      const t = this.peek();
      const p = t.kind === "punct" ? BINARY_PREC[t.text] : void 0;
      if (p === void 0 || p <= minPrec) return lhs;
      this.take();
      const rhs = this.binary(p);
      lhs = this.makeBinary(t.text, lhs, rhs, t.loc);
    }
  }
  pointeeSize(t, loc) {
    if (t.to.kind === "struct" && !t.to.def.complete)
      throw this.error(loc, `arithmetic on a pointer to an incomplete type '${typeToString(t.to)}'`);
    return sizeOf(t.to);
  }
  scale(e, by) {
    if (by === 1) return e;
    return this.fold({
      kind: "binary",
      type: e.type,
      loc: e.loc,
      op: "*",
      l: e,
      r: num(BigInt(by), e.type, e.loc)
    });
  }
  checkDivisor(op, r) {
    if ((op === "/" || op === "%") && this.evalConst(r) === 0n)
      this.diags.warn(r.loc, `${op === "/" ? "division" : "remainder"} by zero is undefined`);
  }
  makeBinary(op, l0, r0, loc) {
    const l = this.rvalue(l0);
    const r = this.rvalue(r0);
    if (l.type.kind === "float" || r.type.kind === "float")
      throw this.error(loc, "floating point is not supported by BPF");
    if (op === "&&" || op === "||") {
      const lc = this.condition(l);
      const rc2 = this.condition(r);
      return this.fold({ kind: op === "&&" ? "logand" : "logor", type: T.int, loc, l: lc, r: rc2 });
    }
    const bad = () => this.error(
      loc,
      `invalid operands to binary expression ('${typeToString(l.type)}' and '${typeToString(r.type)}')`
    );
    if (op === "+" || op === "-") {
      if (l.type.kind === "ptr" && isInteger(r.type)) {
        const s = this.scale(this.convert(r, T.long), this.pointeeSize(l.type, loc));
        return this.fold({ kind: "binary", type: l.type, loc, op, l, r: s });
      }
      if (op === "+" && isInteger(l.type) && r.type.kind === "ptr") {
        const s = this.scale(this.convert(l, T.long), this.pointeeSize(r.type, loc));
        return this.fold({ kind: "binary", type: r.type, loc, op, l: r, r: s });
      }
      if (op === "-" && l.type.kind === "ptr" && r.type.kind === "ptr") {
        const size = this.pointeeSize(l.type, loc);
        const diff = {
          kind: "binary",
          type: T.long,
          loc,
          op: "-",
          l: this.convert(l, T.long),
          r: this.convert(r, T.long)
        };
        return size === 1 ? diff : this.fold({
          kind: "binary",
          type: T.long,
          loc,
          op: "/",
          l: diff,
          r: num(BigInt(size), T.long, loc)
        });
      }
    }
    if (["==", "!=", "<", "<=", ">", ">="].includes(op)) {
      if (isInteger(l.type) && isInteger(r.type)) {
        const ct2 = usualArithmetic(l.type, r.type);
        return this.fold({
          kind: "binary",
          type: T.int,
          loc,
          op,
          l: this.convert(l, ct2),
          r: this.convert(r, ct2)
        });
      }
      if ((l.type.kind === "ptr" || isInteger(l.type)) && (r.type.kind === "ptr" || isInteger(r.type))) {
        return this.fold({
          kind: "binary",
          type: T.int,
          loc,
          op,
          l: this.convert(l, T.ulong),
          r: this.convert(r, T.ulong)
        });
      }
      throw bad();
    }
    if (!isInteger(l.type) || !isInteger(r.type)) throw bad();
    if (op === "<<" || op === ">>") {
      const lt = promote(l.type);
      const rc2 = this.evalConst(r);
      if (rc2 !== void 0 && (rc2 < 0n || rc2 >= BigInt(sizeOf(lt) * 8)))
        this.diags.warn(r.loc, `shift count ${rc2 < 0n ? "is negative" : ">= width of type"}`);
      return this.fold({
        kind: "binary",
        type: lt,
        loc,
        op,
        l: this.convert(l, lt),
        r: this.convert(r, promote(r.type))
      });
    }
    const ct = usualArithmetic(l.type, r.type);
    const rc = this.convert(r, ct);
    this.checkDivisor(op, rc);
    return this.fold({ kind: "binary", type: ct, loc, op, l: this.convert(l, ct), r: rc });
  }
  cast() {
    if (this.is("(") && this.isTypeName(1)) {
      const save = this.pos;
      const lp = this.take();
      const type = this.typeName();
      this.expect(")");
      if (this.is("{")) {
        this.pos = save;
        return this.postfix();
      }
      const e = this.rvalue(this.cast());
      return this.explicitCast(e, type, lp.loc);
    }
    return this.unary();
  }
  explicitCast(e, type, loc) {
    if (type.kind === "float" || e.type.kind === "float")
      throw this.error(loc, "floating point is not supported by BPF");
    if (type.kind === "void") return { kind: "cast", type: T.void, loc, e };
    if (!isScalar(type))
      throw this.error(loc, `used type '${typeToString(type)}' where arithmetic or pointer type is required`);
    if (!isScalar(e.type))
      throw this.error(
        loc,
        `operand of type '${typeToString(e.type)}' where arithmetic or pointer type is required`
      );
    return this.fold({ kind: "cast", type: unqualified(type), loc, e });
  }
  unary() {
    const t = this.peek();
    const loc = t.loc;
    if (t.kind === "punct") {
      switch (t.text) {
        case "+": {
          this.take();
          const e = this.rvalue(this.cast());
          if (!isInteger(e.type))
            throw this.error(loc, `invalid argument type '${typeToString(e.type)}' to unary expression`);
          return this.convert(e, promote(e.type));
        }
        case "-":
        case "~": {
          this.take();
          const e = this.rvalue(this.cast());
          if (e.type.kind === "float") throw this.error(loc, "floating point is not supported by BPF");
          if (!isInteger(e.type))
            throw this.error(loc, `invalid argument type '${typeToString(e.type)}' to unary expression`);
          const pt = promote(e.type);
          return this.fold({ kind: "unary", type: pt, loc, op: t.text, e: this.convert(e, pt) });
        }
        case "!": {
          this.take();
          const e = this.condition(this.cast());
          return this.fold({ kind: "unary", type: T.int, loc, op: "!", e });
        }
        case "&": {
          this.take();
          const e = this.cast();
          if (e.kind === "func") return { kind: "addr", type: pointerTo(e.type), loc, e };
          if (e.kind === "stmtexpr" && e.result?.kind === "var") return this.addressOf(e, loc);
          if (e.kind !== "var" && e.kind !== "deref" && e.kind !== "member")
            throw this.error(loc, `cannot take the address of an rvalue of type '${typeToString(e.type)}'`);
          if (e.kind === "member" && e.member.bitWidth !== void 0)
            throw this.error(loc, "address of bit-field requested");
          if (e.kind === "deref") return { ...e.e, type: pointerTo(e.type), loc };
          if (e.kind === "var") e.v.addressTaken = true;
          return { kind: "addr", type: pointerTo(e.type), loc, e };
        }
        case "*": {
          this.take();
          const e = this.rvalue(this.cast());
          if (e.type.kind !== "ptr")
            throw this.error(loc, `indirection requires pointer operand ('${typeToString(e.type)}' invalid)`);
          if (e.type.to.kind === "func") return e;
          if (e.type.to.kind === "void") throw this.error(loc, "dereferencing 'void *' pointer");
          return { kind: "deref", type: e.type.to, loc, e };
        }
        case "++":
        case "--": {
          this.take();
          const e = this.unary();
          return this.incdec(e, t, true);
        }
      }
    }
    if (t.kind === "ident") {
      if (t.text === "sizeof" || t.text === "_Alignof" || t.text === "__alignof__" || t.text === "alignof") {
        this.take();
        let type;
        if (this.is("(") && this.isTypeName(1)) {
          this.take();
          type = this.typeName();
          this.expect(")");
          if (this.is("{")) {
            throw this.error(this.peek().loc, "sizeof a compound literal is not supported");
          }
        } else type = this.unary().type;
        if (type.kind === "func") throw this.error(loc, "invalid application of 'sizeof' to a function type");
        if (!isComplete(type) && type.kind !== "void")
          throw this.error(
            loc,
            `invalid application of '${t.text}' to an incomplete type '${typeToString(type)}'`
          );
        const v = t.text === "sizeof" ? sizeOf(type) : alignOf(type);
        return num(BigInt(v), T.ulong, loc);
      }
      if (t.text === "__builtin_offsetof" || t.text === "offsetof") {
        this.take();
        this.expect("(");
        const type = this.typeName();
        this.expect(",");
        let off = 0;
        let cur = type;
        for (let first = true; ; first = false) {
          if (!first && this.accept("[")) {
            const i = this.constExpr();
            this.expect("]");
            if (cur.kind !== "array") throw this.error(loc, "subscript of a non-array in offsetof");
            off += Number(i) * sizeOf(cur.of);
            cur = cur.of;
            continue;
          }
          if (!first && !this.accept(".")) break;
          const n = this.take();
          if (cur.kind !== "struct") throw this.error(n.loc, "offsetof requires a struct or union type");
          const f = findMember(cur.def, n.text);
          if (!f) throw this.error(n.loc, `no member named '${n.text}' in '${typeToString(cur)}'`);
          off += f.offset;
          cur = f.member.type;
        }
        this.expect(")");
        return num(BigInt(off), T.ulong, loc);
      }
    }
    return this.postfix();
  }
  incdec(e, t, prefix) {
    this.checkLvalue(e, t);
    let delta = t.text === "++" ? 1n : -1n;
    if (e.type.kind === "ptr") delta *= BigInt(this.pointeeSize(e.type, t.loc));
    else if (!isInteger(e.type))
      throw this.error(t.loc, `cannot increment value of type '${typeToString(e.type)}'`);
    return { kind: "incdec", type: unqualified(e.type), loc: t.loc, prefix, delta, l: e };
  }
  postfix() {
    let e;
    if (this.is("(") && this.isTypeName(1)) {
      const lp = this.take();
      const type = this.typeName();
      this.expect(")");
      if (!this.fn) throw this.error(lp.loc, "compound literals at file scope are not supported");
      const v = this.newVar(`.compound.${this.nextId}`, type, lp.loc, "local");
      this.fn.locals.push(v);
      v.addressTaken = true;
      const init = this.localInitializer(v);
      const ref = { kind: "var", type: v.type, loc: lp.loc, v };
      e = { kind: "stmtexpr", type: v.type, loc: lp.loc, body: [init], result: ref };
    } else e = this.primary();
    for (; ; ) {
      const t = this.peek();
      if (t.kind !== "punct") return e;
      if (t.text === "(") {
        e = this.call(e);
        continue;
      }
      if (t.text === "[") {
        this.take();
        const idx = this.expr();
        this.expect("]");
        const sum = this.makeBinary("+", e, idx, t.loc);
        if (sum.type.kind !== "ptr") throw this.error(t.loc, "subscripted value is not an array or pointer");
        if (sum.type.to.kind === "void")
          throw this.error(t.loc, "subscript of pointer to incomplete type 'void'");
        e = { kind: "deref", type: sum.type.to, loc: t.loc, e: sum };
        continue;
      }
      if (t.text === "." || t.text === "->") {
        this.take();
        const n = this.take();
        if (n.kind !== "ident") throw this.error(n.loc, "expected member name");
        let base;
        let st;
        if (t.text === "->") {
          const p = this.rvalue(e);
          if (p.type.kind !== "ptr")
            throw this.error(t.loc, `member reference type '${typeToString(p.type)}' is not a pointer`);
          base = p;
          st = p.type.to;
        } else {
          st = e.type;
          if (st.kind !== "struct")
            throw this.error(
              t.loc,
              `member reference base type '${typeToString(st)}' is not a structure or union`
            );
          base = this.addressOf(e, t.loc);
        }
        if (st.kind !== "struct")
          throw this.error(
            t.loc,
            `member reference base type '${typeToString(st)}' is not a structure or union`
          );
        if (!st.def.complete) throw this.error(t.loc, `incomplete definition of type '${typeToString(st)}'`);
        const found = findMember(st.def, n.text);
        if (!found) throw this.error(n.loc, `no member named '${n.text}' in '${typeToString(st)}'`);
        let mtype = found.member.type;
        if (st.const || st.volatile)
          mtype = {
            ...mtype,
            const: st.const || mtype.const,
            volatile: st.volatile || mtype.volatile
          };
        e = { kind: "member", type: mtype, loc: n.loc, base, member: found.member, offset: found.offset };
        continue;
      }
      if (t.text === "++" || t.text === "--") {
        this.take();
        e = this.incdec(e, t, false);
        continue;
      }
      return e;
    }
  }
  addressOf(e, loc) {
    if (e.kind === "deref") return e.e;
    if (e.kind === "var") {
      e.v.addressTaken = true;
      return { kind: "addr", type: pointerTo(e.type), loc, e };
    }
    if (e.kind === "member") return { kind: "addr", type: pointerTo(e.type), loc, e };
    if (e.kind === "stmtexpr" && e.result?.kind === "var")
      return { ...e, type: pointerTo(e.type), result: this.addressOf(e.result, loc) };
    if (e.kind === "stmtexpr" || e.kind === "call" || e.kind === "cond" || e.kind === "comma" || e.kind === "assign")
      throw this.error(loc, "member access on a struct value that is not in memory is not supported");
    throw this.error(loc, "cannot take the address of this expression");
  }
  primary() {
    const t = this.take();
    const loc = t.loc;
    if (t.text === "(" && t.kind === "punct") {
      if (this.is("{")) {
        if (!this.fn) throw this.error(loc, "statement expression not allowed at file scope");
        const block = this.block();
        this.expect(")");
        const items = block.kind === "block" ? block.items : [block];
        const last = items[items.length - 1];
        if (last?.kind === "expr") {
          const result = this.rvalue(last.e);
          return { kind: "stmtexpr", type: result.type, loc, body: items.slice(0, -1), result };
        }
        return { kind: "stmtexpr", type: T.void, loc, body: items, result: void 0 };
      }
      const e = this.expr();
      this.expect(")");
      return e;
    }
    if (t.kind === "num") return this.numberLiteral(t);
    if (t.kind === "char") {
      if (!t.text.startsWith("'")) throw this.error(loc, "wide character literals are not supported");
      const v = decodeCharLiteral(t.text);
      if (v === void 0) throw this.error(loc, "invalid character literal");
      return num(BigInt(v), T.int, loc);
    }
    if (t.kind === "str") {
      this.pos--;
      const bytes = this.stringBytes();
      bytes.push(0);
      const v = this.newVar(`.str.${this.strCount++}`, arrayOf(T.char, bytes.length), loc, "global", true);
      v.type = { ...arrayOf({ ...T.char }, bytes.length) };
      v.init = { bytes: new Uint8Array(bytes), relocs: [] };
      v.section = ".rodata.str1.1";
      this.globals.push(v);
      return { kind: "var", type: v.type, loc, v };
    }
    if (t.kind === "ident") {
      if (t.text.startsWith("__builtin_") || t.text.startsWith("__sync_") || t.text.startsWith("__atomic_"))
        return this.builtin(t);
      const e = this.lookup(t.text);
      if (!e) {
        if (this.is("("))
          throw this.error(
            loc,
            `call to undeclared function '${t.text}'; ISO C99 and later do not support implicit function declarations`
          );
        throw this.error(loc, `use of undeclared identifier '${t.text}'`);
      }
      switch (e.kind) {
        case "var":
          e.v.used = true;
          return { kind: "var", type: e.v.type, loc, v: e.v };
        case "enumconst":
          return num(e.value, e.type, loc);
        case "func":
          return { kind: "func", type: e.f.type, loc, f: e.f };
        case "typedef":
          throw this.error(loc, `unexpected type name '${t.text}': expected expression`);
      }
    }
    throw this.error(loc, t.kind === "eof" ? "expected expression at end of input" : `expected expression`);
  }
  numberLiteral(t) {
    const lit = parseIntegerLiteral(t.text);
    if (lit === void 0) {
      if (/^[0-9.]/.test(t.text) && /[.eEpP]|[fF]$/.test(t.text) && !/^0[xX][0-9a-fA-F]+$/.test(t.text))
        throw this.error(t.loc, "floating point is not supported by BPF");
      throw this.error(t.loc, `invalid integer constant '${t.text}'`);
    }
    const v = lit.value;
    const candidates = [];
    const ints = [
      [T.int, T.uint],
      [T.long, T.ulong],
      [T.llong, T.ullong]
    ];
    for (let rank = lit.longs; rank < 3; rank++) {
      const [s, u] = ints[rank];
      if (!lit.unsigned) candidates.push(s);
      if (lit.unsigned || !lit.decimal) candidates.push(u);
    }
    for (const c of candidates) {
      const max4 = c.signed ? (1n << BigInt(c.size * 8 - 1)) - 1n : (1n << BigInt(c.size * 8)) - 1n;
      if (v <= max4) return num(v, c, t.loc);
    }
    if (v <= 0xffffffffffffffffn) return num(v, T.ulong, t.loc);
    throw this.error(t.loc, "integer literal is too large to be represented in any integer type");
  }
  builtin(t) {
    const name2 = t.text;
    const loc = t.loc;
    this.expect("(");
    const args = [];
    if (name2 === "__builtin_types_compatible_p") {
      const a = this.typeName();
      this.expect(",");
      const b = this.typeName();
      this.expect(")");
      return num(sameType(unqualified(a), unqualified(b)) ? 1n : 0n, T.int, loc);
    }
    if (name2 === "__builtin_offsetof") {
      this.pos -= 2;
      return this.unary();
    }
    if (!this.is(")")) {
      for (; ; ) {
        args.push(this.rvalue(this.assign()));
        if (!this.accept(",")) break;
      }
    }
    this.expect(")");
    const need = (n) => {
      if (args.length !== n)
        throw this.error(
          loc,
          `too ${args.length > n ? "many" : "few"} arguments to function call, expected ${n}, have ${args.length}`
        );
    };
    const constArg = (i, what) => {
      const v = this.evalConst(args[i]);
      if (v === void 0)
        throw this.error(args[i].loc, `${name2} needs a constant ${what} in BPF (it is expanded inline)`);
      return v;
    };
    switch (name2) {
      case "__builtin_expect":
      case "__builtin_expect_with_probability":
        return args[0] ?? num(0n, T.long, loc);
      case "__builtin_constant_p":
        need(1);
        return num(this.evalConst(args[0]) !== void 0 ? 1n : 0n, T.int, loc);
      case "__builtin_unreachable":
      case "__builtin_trap":
        return { kind: "builtin", type: T.void, loc, name: name2, args };
      case "__builtin_bswap16":
      case "__builtin_bswap32":
      case "__builtin_bswap64": {
        need(1);
        const bits = Number(name2.slice(-2));
        const type = bits === 16 ? T.ushort : bits === 32 ? T.uint : T.ulong;
        return this.fold({
          kind: "builtin",
          type,
          loc,
          name: name2,
          args: [this.convert(this.requireInt(args[0]), type)]
        });
      }
      case "__builtin_memcpy":
      case "__builtin_memmove":
      case "__builtin_memset":
      case "__builtin_memcmp": {
        need(3);
        const size = constArg(2, "size");
        if (size < 0n || size > 512n) throw this.error(args[2].loc, `${name2} size ${size} is out of range`);
        const a = this.requirePtr(args[0]);
        const b = name2 === "__builtin_memset" ? this.convert(this.requireInt(args[1]), T.uchar) : this.requirePtr(args[1]);
        return {
          kind: "builtin",
          type: name2 === "__builtin_memcmp" ? T.int : name2 === "__builtin_memset" ? a.type : a.type,
          loc,
          name: name2,
          args: [a, b, num(size, T.ulong, loc)]
        };
      }
      case "__sync_fetch_and_add":
      case "__sync_fetch_and_sub":
      case "__sync_fetch_and_or":
      case "__sync_fetch_and_and":
      case "__sync_fetch_and_xor":
      case "__sync_add_and_fetch":
      case "__sync_sub_and_fetch":
      case "__sync_or_and_fetch":
      case "__sync_and_and_fetch":
      case "__sync_xor_and_fetch":
      case "__sync_lock_test_and_set":
      case "__sync_val_compare_and_swap":
      case "__sync_bool_compare_and_swap": {
        need(name2.includes("compare") ? 3 : 2);
        const p = this.requirePtr(args[0]);
        const vt = p.type.to;
        if (!isInteger(vt) || vt.size !== 4 && vt.size !== 8)
          throw this.error(args[0].loc, `${name2} needs a pointer to a 32- or 64-bit integer in BPF`);
        const rest = args.slice(1).map((a) => this.convert(this.requireInt(a), unqualified(vt)));
        return {
          kind: "builtin",
          type: name2 === "__sync_bool_compare_and_swap" ? T.bool : unqualified(vt),
          loc,
          name: name2,
          args: [p, ...rest]
        };
      }
      case "__builtin_preserve_access_index":
        need(1);
        return args[0];
      default:
        throw this.error(loc, `builtin '${name2}' is not supported by tbpf cc`);
    }
  }
  requirePtr(e) {
    if (e.type.kind !== "ptr") throw this.error(e.loc, `expected a pointer, got '${typeToString(e.type)}'`);
    return e;
  }
  requireInt(e) {
    if (!isInteger(e.type)) throw this.error(e.loc, `expected an integer, got '${typeToString(e.type)}'`);
    return e;
  }
  call(callee0) {
    const lp = this.take();
    const args = [];
    if (!this.is(")")) {
      for (; ; ) {
        args.push(this.assign());
        if (!this.accept(",")) break;
      }
    }
    this.expect(")");
    let callee = callee0;
    let ftype;
    if (callee.kind === "func") ftype = callee.f.type;
    else {
      const c = this.rvalue(callee);
      if (c.type.kind !== "ptr" || c.type.to.kind !== "func")
        throw this.error(
          lp.loc,
          `called object type '${typeToString(c.type)}' is not a function or function pointer`
        );
      ftype = c.type.to;
      callee = c;
    }
    if (args.length > 5)
      throw this.error(
        args[5].loc,
        `too many arguments: BPF passes at most 5 (this call has ${args.length})`
      );
    if (!ftype.unprototyped && (args.length < ftype.params.length || args.length > ftype.params.length && !ftype.variadic))
      throw this.error(
        lp.loc,
        `too ${args.length < ftype.params.length ? "few" : "many"} arguments to function call, expected ${ftype.params.length}, have ${args.length}`
      );
    const conv = args.map((a, i) => {
      const p = ftype.params[i];
      if (p) return this.assignConvert(a, p.type, "passing");
      const r = this.rvalue(a);
      if (r.type.kind === "struct")
        throw this.error(a.loc, "passing structs by value is not supported by BPF");
      return isInteger(r.type) ? this.convert(
        r,
        promote(r.type).size < 8 ? promote(r.type).signed ? T.long : T.ulong : promote(r.type)
      ) : r;
    });
    const loc = callee0.loc;
    if (callee.kind === "func") {
      const f = callee.f;
      f.used = true;
      if (f === this.fn) throw this.error(loc, `recursive call to '${f.name}': BPF does not allow recursion`);
      return { kind: "call", type: ftype.ret, loc, callee: f, args: conv };
    }
    const id = this.helperIdOf(callee);
    if (id === void 0)
      throw this.error(
        loc,
        "call through a pointer whose target is not known at compile time: BPF cannot call unknown functions"
      );
    return {
      kind: "helper",
      type: ftype.ret,
      loc,
      id,
      args: conv,
      name: callee.kind === "var" ? callee.v.name : `helper #${id}`
    };
  }
  helperIdOf(e) {
    if (e.kind === "var" && e.v.helperId !== void 0) return e.v.helperId;
    if (e.kind === "cast") {
      const c = this.evalConst(e.e);
      if (c !== void 0) return Number(c);
      return this.helperIdOf(e.e);
    }
    return void 0;
  }
  /** Lvalue-to-rvalue: arrays and functions decay to pointers. */
  rvalue(e) {
    if (e.type.kind === "array") {
      if (e.kind === "var") e.v.addressTaken = true;
      return { kind: "addr", type: pointerTo(e.type.of), loc: e.loc, e };
    }
    if (e.type.kind === "func" && e.kind === "func")
      return { kind: "addr", type: pointerTo(e.type), loc: e.loc, e };
    return e;
  }
  /** Implicit conversion as by assignment, with clang's diagnostics for the obvious mistakes. */
  assignConvert(e0, to, what) {
    const e = this.rvalue(e0);
    const target3 = unqualified(to);
    if (target3.kind === "float" || e.type.kind === "float")
      throw this.error(e.loc, "floating point is not supported by BPF");
    if (target3.kind === "struct") {
      if (e.type.kind !== "struct" || e.type.def !== target3.def)
        throw this.error(
          e.loc,
          `${what} '${typeToString(to)}' from incompatible type '${typeToString(e.type)}'`
        );
      return e;
    }
    if (target3.kind === "ptr") {
      if (e.type.kind === "ptr") return e.type === target3 ? e : { kind: "cast", type: target3, loc: e.loc, e };
      if (isInteger(e.type)) {
        const c = this.evalConst(e);
        if (c !== 0n)
          this.diags.warn(
            e.loc,
            `incompatible integer to pointer conversion ${what} '${typeToString(to)}' from '${typeToString(e.type)}'`
          );
        return this.convert(e, target3);
      }
    }
    if (isInteger(target3)) {
      if (isInteger(e.type)) return this.convert(e, target3);
      if (e.type.kind === "ptr") {
        this.diags.warn(
          e.loc,
          `incompatible pointer to integer conversion ${what} '${typeToString(to)}' from '${typeToString(e.type)}'`
        );
        return this.convert(e, target3);
      }
    }
    throw this.error(e.loc, `${what} '${typeToString(to)}' from incompatible type '${typeToString(e.type)}'`);
  }
  /** An implicit conversion; no node when the representation does not change. */
  convert(e, to) {
    const t = unqualified(to);
    if (sameType(unqualified(e.type), t) && e.type.kind !== "array")
      return e.type === t ? e : { ...e, type: t };
    if (t.kind === "void") return { kind: "cast", type: t, loc: e.loc, e };
    return this.fold({ kind: "cast", type: t, loc: e.loc, e });
  }
  /** Replaces a constant expression with its value (keeps the tree small for codegen). */
  fold(e) {
    if (!isInteger(e.type) && e.type.kind !== "ptr") return e;
    if (e.kind === "num") return e;
    const v = this.evalConst(e);
    return v === void 0 ? e : num(v, e.type, e.loc);
  }
  /** Evaluates an integer constant expression, or undefined if it is not one. */
  evalConst(e) {
    return evalConst(e);
  }
  /** Parse one type name (for the layout API's helpers). */
  parseTypeName() {
    return this.typeName();
  }
};
function num(value, type, loc) {
  return {
    kind: "num",
    type,
    loc,
    value: isInteger(type) ? truncate(value, type) : BigInt.asUintN(64, value)
  };
}
function truncate(v, t) {
  if (t.bool) return v !== 0n ? 1n : 0n;
  const bits = t.size * 8;
  return t.signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}
function writeInt(view2, offset, size, v) {
  const u = BigInt.asUintN(64, v);
  if (size === 1) view2.setUint8(offset, Number(u & 0xffn));
  else if (size === 2) view2.setUint16(offset, Number(u & 0xffffn), true);
  else if (size === 4) view2.setUint32(offset, Number(u & 0xffffffffn), true);
  else view2.setBigUint64(offset, u, true);
}
function evalConst(e) {
  switch (e.kind) {
    case "num":
      return e.value;
    case "cast": {
      if (e.type.kind === "void") return void 0;
      const v = evalConst(e.e);
      if (v === void 0) return void 0;
      return isInteger(e.type) ? truncate(v, e.type) : BigInt.asUintN(64, v);
    }
    case "unary": {
      const v = evalConst(e.e);
      if (v === void 0) return void 0;
      const r = e.op === "-" ? -v : e.op === "~" ? ~v : v === 0n ? 1n : 0n;
      return isInteger(e.type) ? truncate(r, e.type) : r;
    }
    case "logand": {
      const l = evalConst(e.l);
      if (l === 0n) return 0n;
      const r = evalConst(e.r);
      return l === void 0 || r === void 0 ? void 0 : r !== 0n ? 1n : 0n;
    }
    case "logor": {
      const l = evalConst(e.l);
      if (l !== void 0 && l !== 0n) return 1n;
      const r = evalConst(e.r);
      return l === void 0 || r === void 0 ? void 0 : r !== 0n ? 1n : 0n;
    }
    case "cond": {
      const c = evalConst(e.c);
      if (c === void 0) return void 0;
      return evalConst(c !== 0n ? e.a : e.b);
    }
    case "comma":
      return void 0;
    case "binary": {
      const l = evalConst(e.l);
      const r = evalConst(e.r);
      if (l === void 0 || r === void 0) return void 0;
      const lt = e.l.type;
      const t = e.type;
      const it = isInteger(t) ? t : T.ulong;
      const operandType = isInteger(lt) ? lt : T.ulong;
      const bits = BigInt(it.size * 8);
      let v;
      switch (e.op) {
        case "+":
          v = l + r;
          break;
        case "-":
          v = l - r;
          break;
        case "*":
          v = l * r;
          break;
        case "/":
        case "%":
          if (r === 0n) return void 0;
          v = e.op === "/" ? l / r : l % r;
          break;
        case "<<":
          if (r < 0n || r >= bits) return void 0;
          v = l << r;
          break;
        case ">>":
          if (r < 0n || r >= bits) return void 0;
          v = l >> r;
          break;
        case "&":
          v = l & r;
          break;
        case "|":
          v = l | r;
          break;
        case "^":
          v = l ^ r;
          break;
        case "==":
          return l === r ? 1n : 0n;
        case "!=":
          return l !== r ? 1n : 0n;
        case "<":
          return cmpAs(operandType, l, r) < 0 ? 1n : 0n;
        case "<=":
          return cmpAs(operandType, l, r) <= 0 ? 1n : 0n;
        case ">":
          return cmpAs(operandType, l, r) > 0 ? 1n : 0n;
        case ">=":
          return cmpAs(operandType, l, r) >= 0 ? 1n : 0n;
      }
      return truncate(v, it);
    }
    default:
      return void 0;
  }
}
function cmpAs(t, a, b) {
  const x = truncate(a, t);
  const y = truncate(b, t);
  return x < y ? -1 : x > y ? 1 : 0;
}

// packages/cc-frontend/src/compile.ts
var MAP_SECTIONS = /* @__PURE__ */ new Set([".maps", "maps"]);
function compileToUnit(source, opts = {}) {
  const diags = new DiagnosticBag();
  const fileName = opts.fileName ?? "input.c";
  const level = opts.optimize ?? 2;
  const pp = new Preprocessor(
    {
      fileName,
      includeDirs: opts.includeDirs,
      defines: opts.defines,
      readFile: opts.readFile,
      bundled: BUNDLED_HEADERS,
      optimize: level > 0
    },
    diags
  );
  let unit;
  try {
    const toks = pp.run(source);
    const tu = new Parser(toks, diags).parse();
    if (diags.errorCount === 0) unit = lower(tu, diags, level, pp.sources, fileName);
  } catch (e) {
    if (!(e instanceof Abort)) {
      diags.error(
        { file: fileName, line: 1, col: 1 },
        `internal compiler error: ${e instanceof Error ? e.message : String(e)}`
      );
    }
  }
  const errorCount = diags.errorCount;
  return {
    unit: errorCount === 0 ? unit : void 0,
    diagnostics: diags.list,
    messages: diags.list.map((d) => formatDiagnostic(d, pp.sources)).join("\n"),
    errorCount
  };
}
function lower(tu, diags, level, sources, fileName) {
  const unit = { functions: [], maps: [], data: [], sources, fileName };
  const mapVars = /* @__PURE__ */ new Set();
  for (const v of tu.globals) {
    if (v.section !== void 0 && MAP_SECTIONS.has(v.section)) {
      const m = mapDefinition(v, diags);
      if (m) {
        unit.maps.push(m);
        mapVars.add(v);
      }
    }
  }
  const symbolOf = (v) => ({
    symbol: v.name,
    kind: mapVars.has(v) ? "map" : "data",
    addend: 0
  });
  const wanted = tu.funcs.filter(
    (f) => f.body !== void 0 && (f.section !== void 0 || !f.isStatic || f.used)
  );
  const usedGlobals = /* @__PURE__ */ new Set();
  for (const f of wanted) {
    const gen = new FuncGen(f, {
      diags,
      symbolOf: (v) => {
        usedGlobals.add(v);
        return symbolOf(v);
      }
    });
    const ir = gen.generate();
    optimize(ir, level);
    const alloc = allocate(ir, diags);
    const emitted = emitFunction(ir, alloc);
    unit.functions.push({
      ...emitted,
      section: f.section ?? ".text",
      global: !f.isStatic,
      loc: f.loc,
      func: f
    });
  }
  checkRecursion(unit.functions, diags);
  for (const v of tu.globals) {
    if (mapVars.has(v) || v.helperId !== void 0 || v.isExtern) continue;
    if (v.section === "license") {
      unit.license = new TextDecoder().decode(v.init?.bytes ?? new Uint8Array()).replace(/\0.*$/s, "");
      continue;
    }
    if (v.isStatic && !usedGlobals.has(v) && !v.used) continue;
    if (v.type.kind === "ptr" && v.type.to.kind === "func") continue;
    if (!isComplete(v.type)) continue;
    if (v.init && v.init.relocs.length > 0) {
      diags.error(v.loc, `global '${v.name}' holds an address; BPF global data cannot contain pointers`);
      continue;
    }
    const bytes = v.init?.bytes ?? new Uint8Array(sizeOf(v.type));
    const ro = v.type.const || v.type.kind === "array" && v.type.of.const;
    const section2 = v.section ?? (ro ? ".rodata" : bytes.some((b) => b !== 0) ? ".data" : ".bss");
    unit.data.push({ name: v.name, section: section2, bytes, global: !v.isStatic, type: v.type });
  }
  return unit;
}
function checkRecursion(funcs, diags) {
  const byName = new Map(funcs.map((f) => [f.name, f]));
  const state = /* @__PURE__ */ new Map();
  const visit = (f) => {
    state.set(f.name, "active");
    for (const r of f.relocs) {
      if (r.kind !== "call") continue;
      const g = byName.get(r.symbol);
      if (!g) continue;
      const s = state.get(g.name);
      if (s === "active") {
        diags.error(
          f.locs[r.insnIndex] ?? f.loc,
          `recursive call to '${g.name}' (through '${f.name}'): BPF does not allow recursion`
        );
      } else if (s === void 0) visit(g);
    }
    state.set(f.name, "done");
  };
  for (const f of funcs) if (!state.has(f.name)) visit(f);
}
function mapDefinition(v, diags) {
  const t = v.type;
  if (t.kind !== "struct") {
    diags.error(v.loc, `map '${v.name}' must be a struct`);
    return void 0;
  }
  if (v.section === "maps") {
    const b = v.init?.bytes ?? new Uint8Array(20);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const u32 = (o) => o + 4 <= b.length ? dv.getUint32(o, true) : 0;
    return {
      name: v.name,
      style: "legacy",
      type: u32(0),
      keySize: u32(4),
      valueSize: u32(8),
      maxEntries: u32(12),
      flags: u32(16)
    };
  }
  const m = {
    name: v.name,
    style: "btf",
    type: 0,
    keySize: 0,
    valueSize: 0,
    maxEntries: 0,
    flags: 0
  };
  for (const f of t.def.members) {
    if (f.type.kind !== "ptr") continue;
    const to = f.type.to;
    const n = to.kind === "array" ? to.len ?? 0 : 0;
    switch (f.name) {
      case "type":
        m.type = n;
        break;
      case "max_entries":
        m.maxEntries = n;
        break;
      case "map_flags":
        m.flags = n;
        break;
      case "key_size":
        m.keySize = n;
        break;
      case "value_size":
        m.valueSize = n;
        break;
      case "key":
        m.keySize = sizeOf(to);
        m.keyType = to;
        break;
      case "value":
        m.valueSize = sizeOf(to);
        m.valueType = to;
        break;
    }
  }
  if (m.type === 0) diags.error(v.loc, `map '${v.name}' has no type (use __uint(type, BPF_MAP_TYPE_\u2026))`);
  return m;
}
function compile3(source, opts = {}) {
  const r = compileToUnit(source, opts);
  if (!r.unit) return r;
  try {
    return { ...r, ...buildObject(r.unit) };
  } catch (e) {
    const d = {
      severity: "error",
      message: `internal compiler error while writing the object: ${e instanceof Error ? e.message : String(e)}`,
      loc: { file: r.unit.fileName, line: 1, col: 1 }
    };
    return {
      ...r,
      unit: void 0,
      diagnostics: [...r.diagnostics, d],
      messages: [r.messages, formatDiagnostic(d)].filter(Boolean).join("\n"),
      errorCount: r.errorCount + 1
    };
  }
}

// packages/cc-frontend/src/declarations.ts
function parseDeclarations(source, opts = {}) {
  const diags = new DiagnosticBag();
  const fileName = opts.fileName ?? "<declarations>";
  const pp = new Preprocessor({ ...opts, fileName, bundled: BUNDLED_HEADERS }, diags);
  const toks = pp.run(source);
  const parser = new Parser(toks, diags);
  if (diags.errorCount === 0) {
    try {
      parser.parse({ functions: false });
    } catch (e) {
      if (!(e instanceof Object && "fatal" in e)) throw e;
    }
  }
  if (diags.errorCount > 0) throw new CompileError(diags.list, pp.sources);
  const structs = /* @__PURE__ */ new Map();
  const enums = /* @__PURE__ */ new Map();
  for (const t of parser.tags) {
    if (t.kind === "struct" && t.def.tag !== void 0) structs.set(t.def.tag, layoutOf(t.def.tag, t.def));
  }
  const typedefs = /* @__PURE__ */ new Map();
  for (const [name2, type] of parser.typedefs) {
    typedefs.set(name2, { ctype: typeToString(type), size: sizeOf(type), align: alignOf(type), type });
    if (type.kind === "struct" && type.def.tag === void 0 && type.def.complete && !structs.has(name2))
      structs.set(name2, layoutOf(name2, type.def));
  }
  for (const e of parser.enums) {
    const key = e.tag ?? "(anonymous)";
    const into = enums.get(key) ?? /* @__PURE__ */ new Map();
    for (const [k, v] of e.consts) into.set(k, v);
    enums.set(key, into);
  }
  return { structs, typedefs, enums, diagnostics: diags.list };
}
function layoutOf(name2, def) {
  const fields = [];
  const walk = (members, base) => {
    for (const m of members) {
      if (m.name === void 0) {
        if (m.type.kind === "struct") walk(m.type.def.members, base + m.offset);
        continue;
      }
      const f = {
        name: m.name,
        ctype: typeToString(m.type),
        offset: base + m.offset,
        size: sizeOf(m.type),
        align: alignOf(m.type),
        type: m.type
      };
      if (m.bitWidth !== void 0) {
        f.bitWidth = m.bitWidth;
        f.bitOffset = (m.bitOffset ?? 0) + base * 8;
      }
      fields.push(f);
    }
  };
  walk(def.members, 0);
  return { name: name2, kind: def.union ? "union" : "struct", size: def.size, align: def.align, fields };
}

// packages/trace-host/src/filter-sources.ts
function message(e) {
  return e instanceof Error ? e.message : String(e);
}
function fromLinked(linked, origin2) {
  return {
    name: linked.name,
    section: linked.section,
    insns: linked.insns,
    maps: linked.maps,
    lineInfo: linked.lineInfo.map((l) => ({
      insnIndex: l.insnIndex,
      file: l.file,
      line: l.line,
      column: l.column,
      source: l.source
    })),
    origin: origin2
  };
}
function pickProgram(obj, name2) {
  if (name2) return name2;
  const progs = obj.programs;
  if (progs.length === 0) throw new FilterLoadError("the object has no program sections", void 0, "link");
  if (progs.length === 1) return progs[0].name;
  const traced = progs.find((p) => /^(tracepoint|tp|kprobe|kretprobe|filter)\b/.test(p.section));
  return (traced ?? progs[0]).name;
}
function programFromElf(bytes, program, origin2 = "elf") {
  let obj;
  try {
    obj = readObject(bytes);
  } catch (e) {
    throw new FilterLoadError(`not a usable BPF ELF object: ${message(e)}`, void 0, "parse");
  }
  try {
    return fromLinked(linkProgram(obj, pickProgram(obj, program)), origin2);
  } catch (e) {
    if (e instanceof FilterLoadError) throw e;
    throw new FilterLoadError(message(e), void 0, "link");
  }
}
function programFromRfcImage(bytes) {
  try {
    return fromLinked(translateRfcImage(bytes, { name: "rfc_filter" }), "rfc-image");
  } catch (e) {
    throw new FilterLoadError(`RFC image: ${message(e)}`, void 0, "parse");
  }
}
function compileFilterC(source, fileName = "filter.c", options = {}) {
  const r = compile3(source, { fileName, ...options });
  if (!r.bytes || r.errorCount > 0) {
    const first = r.diagnostics.find((d) => d.severity === "error");
    const where = first ? `${first.loc.file}:${first.loc.line}:${first.loc.col}: ` : `${fileName}: `;
    throw new FilterLoadError(`${where}${first?.message ?? "compilation failed"}`, r.messages, "compile");
  }
  return r.bytes;
}
function programFromC(source, fileName = "filter.c", program) {
  return programFromElf(compileFilterC(source, fileName), program, "c");
}

// packages/trace-host/src/pt-regs.ts
var PT_REGS = {
  r15: 0,
  r14: 8,
  r13: 16,
  r12: 24,
  bp: 32,
  bx: 40,
  r11: 48,
  r10: 56,
  r9: 64,
  r8: 72,
  ax: 80,
  cx: 88,
  dx: 96,
  si: 104,
  di: 112,
  orig_ax: 120,
  ip: 128,
  cs: 136,
  flags: 144,
  sp: 152,
  ss: 160
};
var PT_REGS_SIZE = 168;
var ARG_REGS = ["di", "si", "dx", "cx", "r8", "r9"];

// packages/trace-host/src/bpf-filter.ts
var DEFAULT_ENGINE_ORDER = ["wasm", "jit", "interp"];
var ENGINES = { wasm: wasmEngine, jit: x64Engine, interp: interpreter };
function readFilterSource(source) {
  const parse = (f) => {
    try {
      return f();
    } catch (e) {
      if (e instanceof FilterLoadError) throw e;
      throw new FilterLoadError(e instanceof Error ? e.message : String(e), void 0, "parse");
    }
  };
  switch (source.kind) {
    case "asm":
      return parse(() => ({
        name: "filter",
        insns: assemble(source.text, { fileName: "filter.s" }).insns,
        maps: [],
        origin: "asm"
      }));
    case "raw":
      return parse(() => ({ name: "filter", insns: decode(source.bytes), maps: [], origin: "raw" }));
    case "insns":
      return { name: "filter", insns: source.insns, maps: [], origin: "insns" };
    case "elf":
      return programFromElf(source.bytes, source.program);
    case "rfc":
      return programFromRfcImage(source.bytes);
    case "c":
      return programFromC(source.source, source.fileName, source.program);
  }
}
function programTypeFor(host, ev, form) {
  const helpers = helperSet(host.runtime.helpers.list().map((h) => h.proto));
  if (form === "regs") return kprobeType(helpers);
  return tracepointType(
    ev.fields.map((f) => ({ name: f.name, offset: f.offset, size: f.size })),
    helpers
  );
}
function defaultForm(program) {
  return program.section && /^(tracepoint|tp)\//.test(program.section) ? "record" : "regs";
}
function loadFilter(host, ev, source, options = {}) {
  const program = readFilterSource(source);
  const form = options.ctx ?? defaultForm(program);
  const type = programTypeFor(host, ev, form);
  const maps = program.maps.map((m) => ({
    name: m.name,
    type: m.type,
    keySize: m.keySize,
    valueSize: m.valueSize,
    maxEntries: m.maxEntries
  }));
  const result = verify(program.insns, { type, maps, logLevel: options.logLevel ?? 1 });
  if (!result.accepted) {
    const where = result.error ? `insn ${result.error.insnIndex}: ` : "";
    throw new FilterLoadError(
      `verifier rejected the program: ${where}${result.error?.reason ?? "rejected"}`,
      result.log,
      "verify"
    );
  }
  let loaded;
  try {
    const live = program.maps.map((m) => materialiseMap(host, m));
    loaded = loadInsns(host.runtime, program.insns, {
      name: program.name,
      section: program.section,
      maps: live
    });
  } catch (e) {
    throw new FilterLoadError(e instanceof Error ? e.message : String(e), result.log, "load");
  }
  const order = !options.engine || options.engine === "auto" ? DEFAULT_ENGINE_ORDER : [options.engine];
  const fallbacks = [];
  let prepared;
  for (const name2 of order) {
    const engine = ENGINES[name2];
    const avail = engine.available();
    if (!avail.ok) {
      fallbacks.push(`${name2}: ${avail.reason}`);
      continue;
    }
    try {
      prepared = engine.prepare(loaded, {
        boundsCheck: name2 === "interp",
        ...options.instructionLimit ? { instructionLimit: options.instructionLimit } : {}
      });
      break;
    } catch (e) {
      fallbacks.push(`${name2}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (!prepared)
    throw new FilterLoadError(
      `no engine could run the program (${fallbacks.join("; ")})`,
      result.log,
      "engine"
    );
  const mem = host.runtime.memory;
  const ctx = mem.alloc(form === "regs" ? PT_REGS_SIZE : ev.recordSize, {
    name: `${ev.path} ${form === "regs" ? "pt_regs" : "record"} context`,
    kind: "context",
    writable: false
  });
  const ctxOffset = ctx.start;
  const regs = form === "regs" ? new Uint32Array(mem.buffer, ctxOffset, PT_REGS_SIZE / 4) : null;
  if (regs && ev.kind === "tracepoint") {
    regs[PT_REGS.di >> 2] = BPF_ADDRESS_BASE + ctxOffset >>> 0;
    regs[(PT_REGS.di >> 2) + 1] = Math.floor((BPF_ADDRESS_BASE + ctxOffset) / 2 ** 32);
  }
  const run = prepared;
  const origin2 = options.origin ?? program.origin;
  const description = `bpf: ${origin2}${program.section && program.section !== origin2 && program.section !== ".text" ? ` ${program.section}` : ""}, ${program.insns.length} insns, ctx=${form === "regs" ? "pt_regs" : "record"}, engine=${run.engine}`;
  let disposed = false;
  return {
    form,
    ctxOffset,
    engine: run.engine,
    program,
    verifierLog: result.log,
    fallbacks,
    description,
    prepared: run,
    regs,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      run.dispose();
      mem.free(ctx);
    }
  };
}
function materialiseMap(host, spec) {
  if (spec.origin !== "global-data") {
    const old = host.runtime.mapByName(spec.name);
    if (old && old.type === spec.type && old.keySize === spec.keySize && old.valueSize === spec.valueSize && old.maxEntries === spec.maxEntries) {
      return old;
    }
  }
  return createMapFromSpec(host.runtime, spec);
}
function parseFilterWrite(data) {
  let body = data;
  const options = {};
  let lang;
  let program;
  if (data[0] === 35 && data[1] === 33) {
    const nl = data.indexOf(10);
    const head = new TextDecoder().decode(data.subarray(0, nl < 0 ? data.length : nl));
    body = nl < 0 ? new Uint8Array(0) : data.subarray(nl + 1);
    const words = head.slice(2).trim().split(/\s+/);
    if (words[0] !== "bpf") throw new FilterLoadError(`expected '#!bpf', got '${head}'`, void 0, "parse");
    for (const w2 of words.slice(1)) {
      const [k, v] = w2.includes("=") ? w2.split("=", 2) : ["lang", w2];
      if (k === "lang") lang = v;
      else if (k === "engine") {
        if (v !== "auto" && !(v in ENGINES))
          throw new FilterLoadError(`unknown engine '${v}' (wasm, jit, interp, auto)`, void 0, "parse");
        options.engine = v;
      } else if (k === "ctx") {
        if (v !== "regs" && v !== "record")
          throw new FilterLoadError(`unknown ctx '${v}' (regs, record)`, void 0, "parse");
        options.ctx = v;
      } else if (k === "program") program = v;
      else if (k === "from") options.origin = v;
      else if (k === "limit") {
        if (!/^[1-9]\d*$/.test(v))
          throw new FilterLoadError(`limit must be a positive integer, got '${v}'`, void 0, "parse");
        options.instructionLimit = Number(v);
      } else throw new FilterLoadError(`unknown filter option '${k}'`, void 0, "parse");
    }
  }
  const isElf = body[0] === 127 && body[1] === 69 && body[2] === 76 && body[3] === 70;
  const isRfc = body[0] === 98 && body[1] === 112 && body[2] === 102 && body[3] === 0;
  const text3 = () => new TextDecoder().decode(body);
  if (isElf) return { source: { kind: "elf", bytes: body, program }, options };
  if (isRfc) return { source: { kind: "rfc", bytes: body }, options };
  switch (lang) {
    case "c":
      return { source: { kind: "c", source: text3(), program }, options };
    case "asm":
      return { source: { kind: "asm", text: text3() }, options };
    case "raw":
      return { source: { kind: "raw", bytes: body }, options };
    default:
      throw new FilterLoadError(
        `a '#!bpf' filter needs a language: c, asm or raw (got '${lang ?? ""}')`,
        void 0,
        "parse"
      );
  }
}

// packages/trace-host/src/kprobe-events.ts
var DEFAULT_KPROBE_GROUP = "kprobes";
var MAX_PROBE_ARGS = 128;
var KprobeEventError = class extends Error {
  constructor(reason, column, command) {
    super(`${reason} at column ${column}`);
    this.reason = reason;
    this.column = column;
    this.command = command;
    this.name = "KprobeEventError";
  }
  /** ftrace's error_log entry body. */
  display() {
    return `trace_kprobe: error: ${this.reason}
  Command: ${this.command}
${" ".repeat(11 + this.column - 1)}^
`;
  }
};
var IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
var MAX_NAME = 64;
function parseKprobeCommand(line) {
  const cmd = line.replace(/\s+$/, "");
  const trimmed = cmd.trimStart();
  if (trimmed === "" || trimmed.startsWith("#")) return null;
  const lead = cmd.length - trimmed.length;
  const words = [];
  const re = /\S+/g;
  for (let m = re.exec(cmd); m; m = re.exec(cmd)) words.push({ text: m[0], col: m.index + 1 });
  const fail3 = (reason, col) => {
    throw new KprobeEventError(reason, col, cmd);
  };
  const head = words[0];
  const type = head.text[0];
  if (type !== "p" && type !== "r" && type !== "-") fail3("Unknown probe type", lead + 1);
  let rest = head.text.slice(1);
  if (type === "r" && /^\d+/.test(rest)) rest = rest.replace(/^\d+/, "");
  let group = null;
  let event = null;
  if (rest.startsWith(":")) {
    const name2 = rest.slice(1);
    const slash = name2.indexOf("/");
    const nameCol = head.col + head.text.length - name2.length;
    if (slash >= 0) {
      group = name2.slice(0, slash);
      if (!IDENT.test(group)) fail3("Group name must follow the same rules as C identifiers", nameCol);
      if (group.length > MAX_NAME) fail3("Group name is too long", nameCol);
      event = name2.slice(slash + 1);
    } else event = name2;
    if (event === "") fail3("Event name is not specified", nameCol + (slash + 1));
    if (!IDENT.test(event))
      fail3("Event name must follow the same rules as C identifiers", nameCol + (slash + 1));
    if (event.length > MAX_NAME) fail3("Event name is too long", nameCol + (slash + 1));
  } else if (rest !== "") fail3("Unknown probe type", head.col);
  if (type === "-") {
    if (!event) fail3("Event name is not specified", head.col + 1);
    if (words.length > 1) fail3("Too many arguments are specified", words[1].col);
    return { op: "remove", group, event };
  }
  const sym = words[1];
  if (!sym) return fail3("Invalid probed address or symbol", cmd.length + 2);
  if (!/^[A-Za-z_$][\w$.]*(\+0x0|\+0)?$/.test(sym.text)) fail3("Invalid probed address or symbol", sym.col);
  const symbol = sym.text.replace(/\+0x0$|\+0$/, "");
  const probe = type;
  const args = [];
  const used = /* @__PURE__ */ new Set();
  for (const w2 of words.slice(2)) {
    if (args.length >= MAX_PROBE_ARGS) fail3("Too many arguments are specified", w2.col);
    const eq = w2.text.indexOf("=");
    let name2;
    let body = w2.text;
    let bodyCol = w2.col;
    if (eq >= 0) {
      name2 = w2.text.slice(0, eq);
      body = w2.text.slice(eq + 1);
      bodyCol = w2.col + eq + 1;
      if (!IDENT.test(name2)) fail3("Argument name must follow the same rules as C identifiers", w2.col);
    } else name2 = `arg${args.length + 1}`;
    if (used.has(name2)) fail3("This argument name is already used", w2.col);
    used.add(name2);
    if (body === "") fail3("No argument body", bodyCol);
    const colon = findTypeColon(body);
    const fetchText = colon >= 0 ? body.slice(0, colon) : body;
    const typeText = colon >= 0 ? body.slice(colon + 1) : "";
    const fetch = parseFetch(fetchText, bodyCol, probe, fail3);
    let ftype = "x64";
    if (typeText) {
      if (!/^([usx](8|16|32|64)|string)$/.test(typeText))
        fail3("Unknown type is specified", bodyCol + colon + 1);
      ftype = typeText;
      if (ftype === "string" && fetch.kind !== "deref" && fetch.kind !== "comm" && fetch.kind !== "reg" && fetch.kind !== "arg")
        fail3("String type must be used with a pointer or dereference", bodyCol + colon + 1);
    } else if (fetch.kind === "comm") ftype = "string";
    args.push({ name: name2, fetch, type: ftype, text: `${name2}=${body}` });
  }
  return {
    op: "add",
    probe,
    group: group ?? DEFAULT_KPROBE_GROUP,
    event: event ?? `${probe}_${symbol}_0`,
    symbol,
    args
  };
}
function findTypeColon(s) {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "(") depth++;
    else if (s[i] === ")") depth--;
    else if (s[i] === ":" && depth === 0) return i;
  }
  return -1;
}
function parseFetch(s, col, probe, fail3) {
  if (s.startsWith("%")) {
    const reg2 = s.slice(1);
    if (!(reg2 in PT_REGS)) fail3("Invalid register name", col);
    return { kind: "reg", reg: reg2 };
  }
  if (s === "$retval") {
    if (probe !== "r") fail3("$retval is not available on probe", col);
    return { kind: "retval" };
  }
  if (s === "$comm") return { kind: "comm" };
  if (s.startsWith("$arg")) {
    const n = Number(s.slice(4));
    if (!Number.isInteger(n) || n < 1 || n > 6) fail3("Invalid argument number", col);
    return { kind: "arg", n };
  }
  if (s.startsWith("\\")) {
    const t = s.slice(1);
    if (!/^-?(0x[0-9a-fA-F]+|\d+)$/.test(t)) fail3("Invalid fetch argument", col);
    return { kind: "imm", value: t.startsWith("-") ? -BigInt(t.slice(1)) : BigInt(t) };
  }
  if (s.startsWith("+") || s.startsWith("-")) {
    const open = s.indexOf("(");
    if (open < 0) fail3("Dereference needs a brace", col);
    if (!s.endsWith(")")) fail3("Dereference needs a brace", col + s.length);
    const offText = s.slice(1, open).replace(/^u/, "");
    if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(offText)) fail3("Invalid dereference offset", col + 1);
    const off = s[0] === "-" ? -Number(offText) : Number(offText);
    const inner = parseFetch(s.slice(open + 1, -1), col + open + 1, probe, fail3);
    return { kind: "deref", offset: off, base: inner };
  }
  return fail3("Invalid fetch argument", col);
}
function formatProbeDefinition(d) {
  return [`${d.probe}:${d.group}/${d.event} ${d.symbol}`, ...d.args.map((a) => a.text)].join(" ");
}

// packages/trace-host/src/map-dump.ts
function readUint(bytes) {
  if (![1, 2, 4, 8].includes(bytes.length)) return null;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = v << 8n | BigInt(bytes[i]);
  return v;
}
function formatKey(key) {
  const n = readUint(key);
  if (n !== null) return key.length === 8 && n >= 1n << 32n ? `0x${n.toString(16)}` : n.toString();
  const nul = key.indexOf(0);
  const text3 = key.subarray(0, nul < 0 ? key.length : nul);
  if (text3.length > 0 && text3.every((b) => b >= 32 && b < 127) && key.subarray(text3.length).every((b) => b === 0)) {
    return String.fromCharCode(...text3);
  }
  return [...key].map((b) => b.toString(16).padStart(2, "0")).join(" ");
}
function formatValue2(v) {
  const n = readUint(v);
  return n !== null ? n.toString() : [...v].map((b) => b.toString(16).padStart(2, "0")).join(" ");
}
function formatMapJson(map) {
  const conv = (b) => {
    const n = readUint(b);
    if (n !== null) return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
    return formatKey(b);
  };
  return `${JSON.stringify(map.entries().map(([k, v]) => ({ key: conv(k), value: conv(v) })))}
`;
}
function formatMap(map) {
  const rows = map.entries().map(([k, v]) => ({ key: formatKey(k), value: formatValue2(v), n: readUint(v) }));
  rows.sort(
    (a, b) => a.n !== null && b.n !== null && a.n !== b.n ? a.n < b.n ? -1 : 1 : a.key.localeCompare(b.key, "en", { numeric: true })
  );
  return rows.map((r) => `@${map.name}[${r.key}]: ${r.value}
`).join("");
}
var SUFFIX = ["", "K", "M", "G", "T", "P", "E"];
function power(exp) {
  const unit = Math.floor(exp / 10);
  return `${2 ** (exp - unit * 10)}${SUFFIX[unit]}`;
}
function bucketLabel(k) {
  if (k === 0) return "[0]";
  if (k === 1) return "[1]";
  return `[${power(k - 1)}, ${power(k)})`;
}
var BAR = 52;
function formatLog2Histogram(name2, counts) {
  const keys = [...counts.entries()].filter(([, c]) => c > 0n).map(([k]) => k);
  if (keys.length === 0) return `@${name2}:
`;
  const lo2 = Math.min(...keys);
  const hi = Math.max(...keys);
  const max4 = [...counts.values()].reduce((a, b) => b > a ? b : a, 0n);
  let out = `@${name2}:
`;
  for (let k = lo2; k <= hi; k++) {
    const c = counts.get(k) ?? 0n;
    const w2 = max4 === 0n ? 0 : Number(c * BigInt(BAR) / max4);
    out += `${bucketLabel(k).padEnd(20)}${c.toString().padStart(8)} |${"@".repeat(w2)}${" ".repeat(BAR - w2)}|
`;
  }
  return out;
}
function formatMapHistogram(map) {
  const counts = /* @__PURE__ */ new Map();
  for (const [k, v] of map.entries()) {
    const key = readUint(k);
    const val = readUint(v);
    if (key === null || val === null)
      throw new Error(`map ${map.name}: a histogram needs integer keys and values`);
    counts.set(Number(key), (counts.get(Number(key)) ?? 0n) + val);
  }
  return formatLog2Histogram(map.name, counts);
}
function formatRingRecords(name2, records) {
  return records.map((r) => `@${name2}: ${[...r].map((b) => b.toString(16).padStart(2, "0")).join(" ")}
`).join("");
}

// packages/trace-host/src/predicate-parse.ts
var PARSE_ERRORS = {
  INVALID_OP: "Invalid operator",
  TOO_MANY_OPEN: "Too many '('",
  TOO_MANY_CLOSE: "Too few '('",
  MISSING_QUOTE: "Missing matching quote",
  OPERAND_TOO_LONG: "Operand too long",
  ILLEGAL_FIELD_OP: "Illegal operation for field type",
  FIELD_NOT_FOUND: "Field not found",
  ILLEGAL_INTVAL: "Illegal integer value",
  INVALID_FILTER: "Meaningless filter expression",
  INVALID_VALUE: "Invalid value (did you forget quotes)?",
  EXPECT_FIELD: "Expecting field name"
};
var PredicateError = class extends Error {
  constructor(code, column, expression) {
    super(`parse_error: ${PARSE_ERRORS[code]} at column ${column}`);
    this.code = code;
    this.column = column;
    this.expression = expression;
    this.name = "PredicateError";
  }
  /** What ftrace's `filter` file shows after a failed write: the text, a caret, the reason. */
  display() {
    return `${this.expression}
${" ".repeat(Math.max(0, this.column - 1))}^
parse_error: ${PARSE_ERRORS[this.code]}
`;
  }
};
var MAX_OPERAND = 256;
var OPS = ["&&", "||", "==", "!=", "<=", ">=", "<", ">", "&", "~", "!", "(", ")", "="];
function lex(src) {
  const toks = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const col = i + 1;
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new PredicateError("MISSING_QUOTE", col, src);
      const v2 = src.slice(i + 1, end);
      if (v2.length > MAX_OPERAND) throw new PredicateError("OPERAND_TOO_LONG", col, src);
      toks.push({ t: "str", v: v2, col });
      i = end + 1;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      toks.push({ t: "op", v: op, col });
      i += op.length;
      continue;
    }
    let j = i;
    while (j < src.length && !/[\s()!=<>&|~"']/.test(src[j])) j++;
    if (j === i) throw new PredicateError("INVALID_OP", col, src);
    const v = src.slice(i, j);
    if (v.length > MAX_OPERAND) throw new PredicateError("OPERAND_TOO_LONG", col, src);
    toks.push({ t: "word", v, col });
    i = j;
  }
  toks.push({ t: "end", col: src.length + 1 });
  return toks;
}
var COMPARE_OPS2 = /* @__PURE__ */ new Set(["==", "!=", "<", "<=", ">", ">=", "&", "~"]);
function parsePredicate(src, fields) {
  const toks = lex(src);
  let p = 0;
  let depth = 0;
  const peek = () => toks[p];
  const fail3 = (code, col) => {
    throw new PredicateError(code, col, src);
  };
  const parseOr = () => {
    let left = parseAnd();
    while (peek().t === "op" && peek().v === "||") {
      p++;
      left = { kind: "or", left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = () => {
    let left = parseUnary();
    while (peek().t === "op" && peek().v === "&&") {
      p++;
      left = { kind: "and", left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = () => {
    const t = peek();
    if (t.t === "op" && t.v === "!") {
      p++;
      return { kind: "not", operand: parseUnary() };
    }
    if (t.t === "op" && t.v === "(") {
      p++;
      depth++;
      const inner = parseOr();
      const close = peek();
      if (close.t !== "op" || close.v !== ")")
        fail3(close.t === "end" ? "TOO_MANY_OPEN" : "INVALID_FILTER", close.col);
      p++;
      depth--;
      return inner;
    }
    return parseTerm();
  };
  const parseTerm = () => {
    const ft = peek();
    if (ft.t === "end") return fail3("INVALID_FILTER", ft.col);
    if (ft.t === "op" && ft.v === ")") return fail3("TOO_MANY_CLOSE", ft.col);
    if (ft.t !== "word") return fail3("EXPECT_FIELD", ft.col);
    p++;
    const field = fields.find((f) => f.name === ft.v);
    const ot = peek();
    if (ot.t !== "op" || !COMPARE_OPS2.has(ot.v)) {
      if (!field) fail3("FIELD_NOT_FOUND", ft.col);
      return fail3(ot.t === "end" ? "INVALID_FILTER" : "INVALID_OP", ot.col);
    }
    if (!field) return fail3("FIELD_NOT_FOUND", ft.col);
    p++;
    const op = ot.v;
    const vt = peek();
    if (vt.t === "op" && (COMPARE_OPS2.has(vt.v) || vt.v === "=")) return fail3("INVALID_OP", ot.col);
    if (vt.t !== "word" && vt.t !== "str")
      return fail3(vt.t === "end" ? "INVALID_FILTER" : "INVALID_VALUE", vt.col);
    p++;
    if (field.kind === "string") {
      if (op !== "==" && op !== "!=" && op !== "~") fail3("ILLEGAL_FIELD_OP", ot.col);
      return { kind: "term", field, op, value: vt.v, column: ft.col };
    }
    if (op === "~") fail3("ILLEGAL_FIELD_OP", ot.col);
    if (vt.t === "str") fail3("ILLEGAL_INTVAL", vt.col);
    return { kind: "term", field, op, value: parseInteger(vt.v, vt.col, src), column: ft.col };
  };
  const tree = parseOr();
  const rest = peek();
  if (rest.t !== "end") {
    if (rest.t === "op" && rest.v === ")" && depth === 0) fail3("TOO_MANY_CLOSE", rest.col);
    fail3("INVALID_FILTER", rest.col);
  }
  return tree;
}
function parseInteger(text3, col, src) {
  const m = /^(-?)(0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text3);
  if (!m) throw new PredicateError(/^[A-Za-z_]/.test(text3) ? "INVALID_VALUE" : "ILLEGAL_INTVAL", col, src);
  const digits = m[2];
  const v = digits.startsWith("0x") || digits === "0" || !digits.startsWith("0") ? BigInt(digits) : BigInt(`0o${digits.slice(1)}`);
  const r = m[1] ? -v : v;
  if (r < -(1n << 63n) || r >= 1n << 64n) throw new PredicateError("ILLEGAL_INTVAL", col, src);
  return r;
}

// packages/trace-host/src/control-plane.ts
var ControlPlaneError = class extends Error {
  constructor(code, path2, message2, detail) {
    super(`${path2}: ${message2}`);
    this.code = code;
    this.path = path2;
    this.detail = detail;
    this.name = "ControlPlaneError";
  }
};
var decoder = new TextDecoder();
var text2 = (d) => typeof d === "string" ? d : decoder.decode(d);
function isBpfFilterData(data) {
  const b = typeof data === "string" ? new TextEncoder().encode(data.slice(0, 8)) : data;
  return b[0] === 127 && b[1] === 69 && b[2] === 76 && b[3] === 70 || b[0] === 98 && b[1] === 112 && b[2] === 102 && b[3] === 0 || b[0] === 35 && b[1] === 33 && b[2] === 98 && b[3] === 112 && b[4] === 102;
}
var ControlPlane = class {
  constructor(host, bpfLoader = null) {
    this.host = host;
    this.bpfLoader = bpfLoader;
  }
  /** Entries of a directory. */
  list(path2 = "") {
    const p = norm(path2);
    const h = this.host;
    if (p === "")
      return [
        "available_events",
        "available_filter_functions",
        "buffer_stats",
        "error_log",
        "events",
        "kprobe_events",
        "maps",
        "trace",
        "trace_pipe",
        "tracing_on"
      ];
    if (p === "events") return ["enable", ...new Set(h.events().map((e) => e.system))];
    if (p === "maps") return h.runtime.maps.map((m) => m.name);
    const parts = p.split("/");
    if (parts[0] === "events" && parts.length === 2) {
      const evs = h.events().filter((e) => e.system === parts[1]);
      if (evs.length === 0) throw new ControlPlaneError("ENOENT", p, "no such system");
      return ["enable", ...evs.map((e) => e.name)];
    }
    if (parts[0] === "events" && parts.length === 3) {
      this.eventAt(p, parts);
      return ["enable", "filter", "format", "id", "stats"];
    }
    throw new ControlPlaneError("ENOTDIR", p, "not a directory");
  }
  read(path2) {
    const p = norm(path2);
    const h = this.host;
    const parts = p.split("/");
    switch (p) {
      case "available_events":
        return h.events().map((e) => `${e.system}:${e.name}
`).join("");
      case "available_filter_functions":
        return h.registry.list().map((f) => `${f.name}
`).join("");
      case "tracing_on":
        return h.tracingOn ? "1\n" : "0\n";
      case "trace":
        return h.trace();
      case "trace_pipe":
        return h.readPipe().map((l) => `${l}
`).join("");
      case "buffer_stats": {
        const s = h.buffer.stats();
        return `entries: ${s.entries}
overrun: ${s.overrun}
dropped events: ${s.dropped}
written: ${s.written}
bytes: ${s.used}/${s.capacity}
filter faults: ${h.filterFaults}
`;
      }
      case "kprobe_events":
        return h.probeDefinitions().map((d) => `${formatProbeDefinition(d)}
`).join("");
      case "error_log":
        return h.errorLog();
      case "events/enable":
        return enableState(h.events());
      case "events":
      case "maps":
      case "":
        throw new ControlPlaneError("EISDIR", p, "is a directory");
    }
    if (parts[0] === "maps" && (parts.length === 2 || parts.length === 3 && (parts[2] === "hist" || parts[2] === "json"))) {
      const map = h.runtime.mapByName(parts[1]);
      if (!map) throw new ControlPlaneError("ENOENT", p, "no such map");
      if (map instanceof RingBuffer) return formatRingRecords(map.name, map.drain());
      if (parts[2] === "json") return formatMapJson(map);
      return parts.length === 3 || /hist/.test(map.name) ? formatMapHistogram(map) : formatMap(map);
    }
    if (parts[0] === "events" && parts.length === 3 && parts[2] === "enable") {
      const evs = h.events().filter((e) => e.system === parts[1]);
      if (evs.length === 0) throw new ControlPlaneError("ENOENT", p, "no such system");
      return enableState(evs);
    }
    if (parts[0] === "events" && parts.length === 4) {
      const ev = this.eventAt(p, parts);
      switch (parts[3]) {
        case "enable":
          return ev.enabled ? "1\n" : "0\n";
        case "filter":
          return `${ev.filterText}
`;
        case "format":
          return ev.format;
        case "id":
          return `${ev.id}
`;
        case "stats":
          return `filtered: ${ev.filtered}
filter errors: ${ev.filterErrors}
`;
      }
    }
    throw new ControlPlaneError("ENOENT", p, "no such file");
  }
  write(path2, data) {
    const p = norm(path2);
    const h = this.host;
    const parts = p.split("/");
    switch (p) {
      case "tracing_on":
        h.tracingOn = parseBool(p, data);
        return;
      case "trace":
        h.buffer.clear();
        return;
      case "error_log":
        h.errors.length = 0;
        return;
      case "kprobe_events":
        try {
          h.writeKprobeEvents(text2(data));
        } catch (e) {
          if (e instanceof KprobeEventError) {
            h.logError(
              "trace_kprobe",
              `${e.reason}
  Command: ${e.command}
${" ".repeat(11 + e.column - 1)}^`
            );
            throw new ControlPlaneError("EINVAL", p, e.message, e.display());
          }
          const msg = e instanceof Error ? e.message : String(e);
          throw new ControlPlaneError(
            /EBUSY/.test(msg) ? "EBUSY" : /no probe event/.test(msg) ? "ENOENT" : "EINVAL",
            p,
            msg
          );
        }
        return;
      case "events/enable": {
        const on = parseBool(p, data);
        for (const ev of h.events()) ev.enabled = on;
        return;
      }
    }
    if (parts[0] === "events" && parts.length === 3 && parts[2] === "enable") {
      const on = parseBool(p, data);
      const evs = h.events().filter((e) => e.system === parts[1]);
      if (evs.length === 0) throw new ControlPlaneError("ENOENT", p, "no such system");
      for (const ev of evs) ev.enabled = on;
      return;
    }
    if (parts[0] === "events" && parts.length === 4) {
      const ev = this.eventAt(p, parts);
      if (parts[3] === "enable") {
        ev.enabled = parseBool(p, data);
        return;
      }
      if (parts[3] === "filter") {
        this.writeFilter(p, ev, data);
        return;
      }
      throw new ControlPlaneError("EACCES", p, "read-only file");
    }
    if (parts[0] === "maps" && parts.length === 2) {
      const map = h.runtime.mapByName(parts[1]);
      if (!map) throw new ControlPlaneError("ENOENT", p, "no such map");
      map.clear();
      return;
    }
    throw new ControlPlaneError(
      this.exists(p) ? "EACCES" : "ENOENT",
      p,
      this.exists(p) ? "read-only file" : "no such file"
    );
  }
  writeFilter(p, ev, data) {
    const h = this.host;
    if (isBpfFilterData(data)) {
      if (!this.bpfLoader)
        throw new ControlPlaneError("EINVAL", p, "BPF filters are not available in this host");
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      try {
        this.bpfLoader(h, ev, bytes);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        const log = e.log;
        h.logError("event filter", `bpf: ${msg}`);
        throw new ControlPlaneError("EINVAL", p, msg, log);
      }
      return;
    }
    try {
      h.setPredicate(ev, text2(data));
    } catch (e) {
      if (e instanceof PredicateError) {
        h.logError(
          "event filter parse error",
          `${e.message}
  Command: ${e.expression}
${" ".repeat(11 + e.column - 1)}^`
        );
        throw new ControlPlaneError("EINVAL", p, e.message, e.display());
      }
      throw e;
    }
  }
  eventAt(p, parts) {
    const ev = this.host.event(`${parts[1]}/${parts[2]}`);
    if (!ev) throw new ControlPlaneError("ENOENT", p, "no such event");
    return ev;
  }
  exists(p) {
    try {
      this.read(p);
      return true;
    } catch {
      return false;
    }
  }
};
function norm(path2) {
  return path2.replace(/^\/+|\/+$/g, "").replace(/^(sys\/kernel\/)?(debug\/)?tracing(\/|$)/, "");
}
function enableState(evs) {
  const on = evs.filter((e) => e.enabled).length;
  return on === 0 ? "0\n" : on === evs.length ? "1\n" : "X\n";
}
function parseBool(p, data) {
  const t = text2(data).trim();
  if (t === "1") return true;
  if (t === "0") return false;
  throw new ControlPlaneError("EINVAL", p, `expected 0 or 1, got '${t}'`);
}

// packages/trace-host/src/field-types.ts
var FieldTypeError = class extends Error {
  constructor(message2, field) {
    super(message2);
    this.field = field;
    this.name = "FieldTypeError";
  }
};
var INTS = {
  char: [1, true],
  "signed char": [1, true],
  "unsigned char": [1, false],
  short: [2, true],
  "short int": [2, true],
  "unsigned short": [2, false],
  "unsigned short int": [2, false],
  int: [4, true],
  "signed int": [4, true],
  unsigned: [4, false],
  "unsigned int": [4, false],
  long: [8, true],
  "long int": [8, true],
  "unsigned long": [8, false],
  "unsigned long int": [8, false],
  "long long": [8, true],
  "unsigned long long": [8, false],
  bool: [1, false],
  _Bool: [1, false],
  pid_t: [4, true],
  size_t: [8, false],
  ssize_t: [8, true]
};
for (const bits of [8, 16, 32, 64]) {
  const n = bits / 8;
  for (const p of ["u", "__u", "uint", "u_int"])
    INTS[`${p}${bits}${p.startsWith("uint") || p === "u_int" ? "_t" : ""}`] = [n, false];
  for (const p of ["s", "__s"]) INTS[`${p}${bits}`] = [n, true];
  INTS[`int${bits}_t`] = [n, true];
}
function parseFieldType(field, type) {
  const t = type.trim().replace(/\s+/g, " ");
  const arr = /^(?:unsigned )?char ?\[(\d+)\]$/.exec(t);
  if (arr) {
    const n = Number(arr[1]);
    if (n < 1 || n > 4096)
      throw new FieldTypeError(`field ${field}: array size ${n} out of range 1..4096`, field);
    return { cName: "char", kind: "string", size: n, align: 1, signed: false };
  }
  if (t.endsWith("*")) {
    return { cName: t.replace(/ ?\*$/, " *"), kind: "ptr", size: 8, align: 8, signed: false };
  }
  const int2 = INTS[t.replace(/^const /, "")];
  if (!int2) throw new FieldTypeError(`field ${field}: unsupported type '${type}'`, field);
  const [size, signed] = int2;
  return { cName: t, kind: "int", size, align: size, signed };
}
function parseFieldDeclarations(text3) {
  const out = [];
  for (const raw of text3.split(";")) {
    const decl = raw.replace(/\/\/.*$|\/\*.*?\*\//gm, "").trim();
    if (!decl) continue;
    const m = /^(.*?)([A-Za-z_]\w*)\s*(\[\s*\d+\s*\])?$/.exec(decl);
    if (!m || !m[1].trim()) throw new FieldTypeError(`cannot parse field declaration '${decl}'`, decl);
    const type = `${m[1].trim()}${m[3] ? m[3].replace(/\s+/g, "") : ""}`;
    out.push({ name: m[2], type });
  }
  return out;
}

// packages/trace-host/src/event.ts
var COMMON_FIELDS = [
  { name: "common_type", cName: "unsigned short", kind: "int", size: 2, align: 2, signed: false, offset: 0 },
  { name: "common_flags", cName: "unsigned char", kind: "int", size: 1, align: 1, signed: false, offset: 2 },
  {
    name: "common_preempt_count",
    cName: "unsigned char",
    kind: "int",
    size: 1,
    align: 1,
    signed: false,
    offset: 3
  },
  { name: "common_pid", cName: "int", kind: "int", size: 4, align: 4, signed: true, offset: 4 }
];
var COMMON_SIZE = 8;
var TraceEvent = class {
  constructor(sink, kind, system, name2, id, fields, recordSize, args, fill, linePrefix2 = "") {
    this.sink = sink;
    this.kind = kind;
    this.system = system;
    this.name = name2;
    this.id = id;
    this.linePrefix = linePrefix2;
    this.fields = fields;
    this.recordSize = recordSize;
    this.args = args;
    this.fill = fill;
  }
  /** The predicate filter (ftrace's order: reserve, fill, evaluate, discard), or null. */
  predicate = null;
  /** The BPF filter (runs on the context before any buffer work), or null. */
  bpf = null;
  /** The `filter` file's text: `none`, the predicate, or the BPF program's description. */
  filterText = "none";
  /** Events the filter dropped; filter faults. */
  filtered = 0;
  filterErrors = 0;
  /**
   * The switch emit() checks. Set it through the control plane (`events/<sys>/<event>/enable`)
   * or `host.enable()`; it is a plain field so the disabled path is one load and one branch.
   */
  enabled = false;
  fields;
  recordSize;
  args;
  /** Written into a record after the common fields. */
  fill;
  /** Fire the event. Costs one property check while the event is disabled. */
  emit(a0, a1, a2, a3, a4, a5) {
    if (!this.enabled) return;
    this.sink.fire(this, a0, a1, a2, a3, a4, a5);
  }
  get path() {
    return `${this.system}/${this.name}`;
  }
  field(name2) {
    return this.fields.find((f) => f.name === name2);
  }
  /** The `format` file, in ftrace's layout. */
  get format() {
    const line = (f) => {
      const decl = f.kind === "string" ? `${f.cName} ${f.name}[${f.size}]` : `${f.cName} ${f.name}`;
      return `	field:${decl};	offset:${f.offset};	size:${f.size};	signed:${f.signed ? 1 : 0};
`;
    };
    const declared = this.fields.filter((f) => !f.name.startsWith("common_"));
    const own = declared.filter((f) => !f.name.startsWith("__probe_"));
    const fmt = own.map(
      (f) => `${f.name}=${f.kind === "ptr" ? "%p" : f.kind === "string" ? "%s" : f.signed ? "%d" : "%u"}`
    );
    const args = own.map((f) => `REC->${f.name}`);
    return `name: ${this.name}
ID: ${this.id}
format:
${COMMON_FIELDS.map(line).join("")}
${declared.map(line).join("")}
print fmt: "${this.linePrefix ? `${this.linePrefix} ` : ""}${fmt.join(" ")}"${args.map((a) => `, ${a}`).join("")}
`;
  }
  /** The fields of a record as ftrace prints them: `name=value …`. */
  formatFields(dv, u8, base) {
    const parts = [];
    for (const f of this.fields) {
      if (f.offset < COMMON_SIZE || f.name.startsWith("__probe_")) continue;
      parts.push(`${f.name}=${formatValue3(f, dv, u8, base)}`);
    }
    const text3 = parts.join(" ");
    return this.linePrefix ? text3 ? `${this.linePrefix} ${text3}` : this.linePrefix : text3;
  }
};
function readFieldBig(f, dv, base) {
  const o = base + f.offset;
  switch (f.size) {
    case 1:
      return BigInt(f.signed ? dv.getInt8(o) : dv.getUint8(o));
    case 2:
      return BigInt(f.signed ? dv.getInt16(o, true) : dv.getUint16(o, true));
    case 4:
      return BigInt(f.signed ? dv.getInt32(o, true) : dv.getUint32(o, true));
    default:
      return f.signed ? dv.getBigInt64(o, true) : dv.getBigUint64(o, true);
  }
}
function readFieldString(f, u8, base) {
  const start = base + f.offset;
  let end = start;
  while (end < start + f.size && u8[end] !== 0) end++;
  return latin1(u8, start, end);
}
function formatValue3(f, dv, u8, base) {
  if (f.kind === "string")
    return f.display === "quoted" ? `"${readFieldString(f, u8, base)}"` : readFieldString(f, u8, base);
  const v = readFieldBig(f, dv, base);
  return f.kind === "ptr" || f.display === "hex" ? `0x${BigInt.asUintN(f.size * 8, v).toString(16)}` : v.toString();
}
function layoutFields(specs, start = COMMON_SIZE) {
  const fields = [...COMMON_FIELDS];
  const seen = new Set(fields.map((f) => f.name));
  let off = start;
  for (const s of specs) {
    if (!/^[A-Za-z_]\w*$/.test(s.name)) throw new Error(`invalid field name '${s.name}'`);
    if (seen.has(s.name)) throw new Error(`duplicate field '${s.name}'`);
    seen.add(s.name);
    const t = parseFieldType(s.name, s.type);
    off = off + t.align - 1 & ~(t.align - 1);
    fields.push(
      s.display ? { ...t, name: s.name, offset: off, display: s.display } : { ...t, name: s.name, offset: off }
    );
    off += t.size;
  }
  return { fields, size: off + 7 & ~7 };
}
function normaliseFieldSpecs(fields) {
  return typeof fields === "string" ? parseFieldDeclarations(fields) : [...fields];
}
var textEncoder = new TextEncoder();
function writeStringField(u8, at, size, v, mem) {
  let n = 0;
  if (typeof v === "string") {
    const r = textEncoder.encodeInto(v, u8.subarray(at, at + size - 1));
    n = r.written;
  } else if (v instanceof Uint8Array) {
    n = Math.min(v.length, size - 1);
    u8.set(v.subarray(0, n), at);
  } else if (mem) {
    const addr = typeof v === "number" ? v : toNumber(v);
    const off = addr - BPF_ADDRESS_BASE;
    if (addr !== 0 && off >= 0 && off < mem.bytes.length) {
      const src = mem.bytes;
      const end = Math.min(src.length, off + size - 1);
      let i = off;
      while (i < end && src[i] !== 0) u8[at + n++] = src[i++];
    }
  }
  for (let i = at + n, end = at + size; i < end; i++) u8[i] = 0;
}
var scratch = new Uint32Array(2);
function writeU64Slow(dv, at, v) {
  u64Parts(v, scratch, 0);
  dv.setUint32(at, scratch[0], true);
  dv.setUint32(at + 4, scratch[1], true);
}
function compileTracepointFiller(id, fields, specs, mem) {
  const fns = [];
  const body = [
    `dv.setUint32(base, ${id}, true);`,
    // common_type, flags = 0, preempt_count = 0
    "dv.setInt32(base + 4, pid, true);"
  ];
  specs.forEach((s, i) => {
    const f = fields.find((x) => x.name === s.name);
    const from = s.from ?? i;
    let expr;
    if (typeof from === "function") {
      fns.push(from);
      expr = `fns[${fns.length - 1}](a0, a1, a2, a3, a4, a5, ret)`;
    } else {
      if (!Number.isInteger(from) || from < 0 || from > 5)
        throw new Error(`field ${s.name}: argument index ${from} out of 0..5`);
      expr = `a${from}`;
    }
    body.push(fieldWriter(f, expr));
  });
  const make = new Function(
    "fns",
    "mem",
    "writeU64Slow",
    "writeStringField",
    "toNumber",
    `return function fill(dv, u8, base, pid, a0, a1, a2, a3, a4, a5, ret) {
${body.join("\n")}
};`
  );
  return make(fns, mem, writeU64Slow, writeStringField, toNumber);
}
function fieldWriter(f, expr) {
  const o = `base + ${f.offset}`;
  if (f.kind === "string") return `writeStringField(u8, ${o}, ${f.size}, ${expr}, mem);`;
  if (f.size === 8) {
    return `{ const v = ${expr}; if (typeof v === 'number') { dv.setUint32(${o}, v >>> 0, true); dv.setUint32(${o} + 4, Math.floor(v / 4294967296) >>> 0, true); } else writeU64Slow(dv, ${o}, v); }`;
  }
  const num2 = `{ let v = ${expr}; if (typeof v !== 'number') v = toNumber(v);`;
  if (f.size === 4) return `${num2} dv.setUint32(${o}, v >>> 0, true); }`;
  if (f.size === 2) return `${num2} dv.setUint16(${o}, v & 0xffff, true); }`;
  return `${num2} u8[${o}] = v & 0xff; }`;
}

// packages/trace-host/src/function-registry.ts
var ProbeRegistryError = class extends Error {
  name = "ProbeRegistryError";
};
var SYMBOL_BASE = 93823560581120;
var SYMBOL_STRIDE = 4096;
var FunctionRegistry = class {
  byName = /* @__PURE__ */ new Map();
  register(name2, obj, key) {
    const target3 = obj;
    const fn = target3[key];
    if (typeof fn !== "function")
      throw new ProbeRegistryError(`${String(key)} is not a function (registering '${name2}')`);
    if (!/^[A-Za-z_$][\w$.]*$/.test(name2)) throw new ProbeRegistryError(`invalid symbol name '${name2}'`);
    const old = this.byName.get(name2);
    if (old && old.hooks.length > 0)
      throw new ProbeRegistryError(`'${name2}' has probes attached; remove them first`);
    const address5 = old?.address ?? SYMBOL_BASE + this.byName.size * SYMBOL_STRIDE;
    this.byName.set(name2, {
      name: name2,
      address: address5,
      obj: target3,
      key,
      original: fn,
      wrapper: null,
      hooks: []
    });
    return this.describe(this.byName.get(name2));
  }
  lookup(name2) {
    const e = this.byName.get(name2);
    return e && this.describe(e);
  }
  list() {
    return [...this.byName.values()].map((e) => this.describe(e));
  }
  attach(name2, hooks) {
    const e = this.byName.get(name2);
    if (!e) throw new ProbeRegistryError(`no registered function '${name2}'`);
    e.hooks = [...e.hooks, hooks];
    if (!e.wrapper) {
      e.wrapper = makeWrapper(e);
      e.obj[e.key] = e.wrapper;
    }
  }
  detach(name2, hooks) {
    const e = this.byName.get(name2);
    if (!e) return;
    e.hooks = e.hooks.filter((h) => h !== hooks);
    if (e.hooks.length === 0 && e.wrapper) {
      if (e.obj[e.key] === e.wrapper) e.obj[e.key] = e.original;
      e.wrapper = null;
    }
  }
  describe(e) {
    return { name: e.name, address: e.address, probes: e.hooks.length };
  }
};
function makeWrapper(e) {
  const original = e.original;
  const wrapper = function(...args) {
    const hooks = e.hooks;
    for (let i = 0; i < hooks.length; i++) hooks[i].entry?.(args);
    const ret2 = original.apply(this, args);
    for (let i = 0; i < hooks.length; i++) hooks[i].exit?.(args, ret2);
    return ret2;
  };
  Object.defineProperty(wrapper, "name", { value: original.name });
  Object.defineProperty(wrapper, "length", { value: original.length });
  return wrapper;
}

// packages/trace-host/src/host-helpers.ts
var HOST_HELPER = {
  get_current_pid_tgid: 14,
  get_current_comm: 16
};
function hostHelpers(seam) {
  const encoder3 = new TextEncoder();
  return [
    [
      { id: HOST_HELPER.get_current_pid_tgid, name: "get_current_pid_tgid", args: [], ret: "integer" },
      (call2) => {
        const pid = seam.pid() >>> 0;
        call2.set64(pid, pid);
        return void 0;
      }
    ],
    [
      {
        id: HOST_HELPER.get_current_comm,
        name: "get_current_comm",
        args: ["ptr_to_uninit_mem", "const_size"],
        ret: "integer"
      },
      (call2) => {
        const size = call2.num(2);
        const off = call2.offset(1);
        const mem = call2.runtime.memory;
        const region = off >= 0 && size > 0 ? mem.regionAt(off, size) : void 0;
        if (!region || !region.writable) return -EFAULT;
        const name2 = encoder3.encode(seam.comm()).subarray(0, size - 1);
        mem.bytes.set(name2, off);
        mem.bytes.fill(0, off + name2.length, off + size);
        return 0;
      }
    ]
  ];
}

// packages/trace-host/src/predicate-compile.ts
function compilePredicate(text3, fields) {
  return { text: text3.trim(), match: compileNode(parsePredicate(text3, fields)) };
}
function compileNode(n) {
  switch (n.kind) {
    case "and": {
      const l = compileNode(n.left);
      const r = compileNode(n.right);
      return (dv, u8, b) => l(dv, u8, b) && r(dv, u8, b);
    }
    case "or": {
      const l = compileNode(n.left);
      const r = compileNode(n.right);
      return (dv, u8, b) => l(dv, u8, b) || r(dv, u8, b);
    }
    case "not": {
      const o = compileNode(n.operand);
      return (dv, u8, b) => !o(dv, u8, b);
    }
    case "term":
      return n.field.kind === "string" ? compileString(n.field, n.op, n.value) : compileNumber(n.field, n.op, n.value);
  }
}
var encoder2 = new TextEncoder();
function compileString(f, op, value) {
  const off = f.offset;
  const size = f.size;
  if (op === "~") {
    const re = globToRegExp(value);
    return (_dv, u8, b) => {
      let s = "";
      for (let i = b + off, end = b + off + size; i < end && u8[i] !== 0; i++)
        s += String.fromCharCode(u8[i]);
      return re.test(s);
    };
  }
  const lit = encoder2.encode(value);
  const n = lit.length;
  const eq = n > size ? () => false : (_dv, u8, b) => {
    const o = b + off;
    for (let i = 0; i < n; i++) if (u8[o + i] !== lit[i]) return false;
    return n === size || u8[o + n] === 0;
  };
  return op === "==" ? eq : (dv, u8, b) => !eq(dv, u8, b);
}
function globToRegExp(glob) {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, "\\\\");
        re += `[${body.startsWith("!") ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "s");
}
function compileNumber(f, op, value) {
  const off = f.offset;
  const read = numberReader(f);
  if (f.size === 8 && (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))) {
    return bigCompare(f, op, value);
  }
  const bits = BigInt(f.size * 8);
  const lit = Number(f.signed ? BigInt.asIntN(Number(bits), value) : BigInt.asUintN(Number(bits), value));
  switch (op) {
    case "==":
      return (dv, _u8, b) => read(dv, b + off) === lit;
    case "!=":
      return (dv, _u8, b) => read(dv, b + off) !== lit;
    case "<":
      return (dv, _u8, b) => read(dv, b + off) < lit;
    case "<=":
      return (dv, _u8, b) => read(dv, b + off) <= lit;
    case ">":
      return (dv, _u8, b) => read(dv, b + off) > lit;
    case ">=":
      return (dv, _u8, b) => read(dv, b + off) >= lit;
    case "&": {
      const m = BigInt.asUintN(64, value);
      const lo2 = Number(m & 0xffffffffn);
      const hi = Number(m >> 32n);
      if (f.size < 8) return (dv, _u8, b) => (read(dv, b + off) & lo2) !== 0;
      return (dv, _u8, b) => (dv.getUint32(b + off, true) & lo2 | dv.getUint32(b + off + 4, true) & hi) !== 0;
    }
    default:
      throw new Error(`operator ${op} on a number`);
  }
}
function numberReader(f) {
  switch (f.size) {
    case 1:
      return f.signed ? (dv, at) => dv.getInt8(at) : (dv, at) => dv.getUint8(at);
    case 2:
      return f.signed ? (dv, at) => dv.getInt16(at, true) : (dv, at) => dv.getUint16(at, true);
    case 4:
      return f.signed ? (dv, at) => dv.getInt32(at, true) : (dv, at) => dv.getUint32(at, true);
    default:
      return f.signed ? (dv, at) => dv.getInt32(at + 4, true) * 4294967296 + dv.getUint32(at, true) : (dv, at) => dv.getUint32(at + 4, true) * 4294967296 + dv.getUint32(at, true);
  }
}
function bigCompare(f, op, value) {
  const off = f.offset;
  const lit = f.signed ? BigInt.asIntN(64, value) : BigInt.asUintN(64, value);
  const read = (dv, b) => f.signed ? dv.getBigInt64(b + off, true) : dv.getBigUint64(b + off, true);
  switch (op) {
    case "==":
      return (dv, _u, b) => read(dv, b) === lit;
    case "!=":
      return (dv, _u, b) => read(dv, b) !== lit;
    case "<":
      return (dv, _u, b) => read(dv, b) < lit;
    case "<=":
      return (dv, _u, b) => read(dv, b) <= lit;
    case ">":
      return (dv, _u, b) => read(dv, b) > lit;
    case ">=":
      return (dv, _u, b) => read(dv, b) >= lit;
    default:
      return (dv, _u, b) => (BigInt.asUintN(64, read(dv, b)) & BigInt.asUintN(64, lit)) !== 0n;
  }
}

// packages/trace-host/src/ring-buffer.ts
var ENTRY_HEADER = 16;
var COMMITTED = 1;
var PADDING = 2;
var FLAGS = 7;
var TraceRingBuffer = class {
  bytes;
  view;
  capacity;
  mode;
  head = 0;
  tail = 0;
  used = 0;
  entries = 0;
  written = 0;
  overrun = 0;
  dropped = 0;
  lostSinceRead = 0;
  /** Called after every commit (trace_pipe readers wait on it). Null when nobody waits. */
  onCommit = null;
  constructor(capacity, mode2 = "overwrite") {
    if (!Number.isInteger(capacity) || capacity < 64)
      throw new RangeError(`ring buffer capacity ${capacity} < 64`);
    this.capacity = capacity & ~7;
    this.bytes = new Uint8Array(this.capacity);
    this.view = new DataView(this.bytes.buffer);
    this.mode = mode2;
  }
  /**
   * Reserve room for a payload of `length` bytes stamped `ts`; returns the payload's offset in
   * `bytes`, or -1 when the entry is refused (counted as dropped).
   */
  reserve(length, ts) {
    const need = ENTRY_HEADER + length + 7 & ~7;
    const cap = this.capacity;
    if (need > cap) {
      this.drop();
      return -1;
    }
    if (this.used === 0) this.head = this.tail = 0;
    let pad2 = this.tail + need > cap ? cap - this.tail : 0;
    while (cap - this.used < pad2 + need) {
      if (this.mode === "drop-new" || !this.evictOldest()) {
        this.drop();
        return -1;
      }
      if (this.used === 0) {
        this.head = this.tail = 0;
        pad2 = 0;
      }
    }
    const dv = this.view;
    if (pad2 > 0) {
      dv.setUint32(this.tail, pad2 | PADDING | COMMITTED, true);
      this.used += pad2;
      this.tail = 0;
    }
    const at = this.tail;
    dv.setUint32(at, need, true);
    dv.setUint32(at + 4, length, true);
    dv.setFloat64(at + 8, ts, true);
    this.tail = at + need === cap ? 0 : at + need;
    this.used += need;
    return at + ENTRY_HEADER;
  }
  commit(offset) {
    const at = offset - ENTRY_HEADER;
    this.view.setUint32(at, this.view.getUint32(at, true) | COMMITTED, true);
    this.entries++;
    this.written++;
    if (this.onCommit !== null) this.onCommit();
  }
  /** Give a reserved entry back: rolled back when it is the newest, else turned into padding. */
  discard(offset) {
    const at = offset - ENTRY_HEADER;
    const size = this.view.getUint32(at, true) & ~FLAGS;
    const end = at + size === this.capacity ? 0 : at + size;
    if (end === this.tail) {
      this.tail = at;
      this.used -= size;
    } else {
      this.view.setUint32(at, size | PADDING | COMMITTED, true);
    }
  }
  drop() {
    this.dropped++;
    this.lostSinceRead++;
  }
  /** Remove the oldest entry; false if it is still being written (nested reservation). */
  evictOldest() {
    if (this.used === 0) return false;
    const word = this.view.getUint32(this.head, true);
    if ((word & COMMITTED) === 0) return false;
    if ((word & PADDING) === 0) {
      this.entries--;
      this.overrun++;
      this.lostSinceRead++;
    }
    this.advanceHead(word & ~FLAGS);
    return true;
  }
  advanceHead(size) {
    this.head = this.head + size === this.capacity ? 0 : this.head + size;
    this.used -= size;
  }
  /** Visit committed entries oldest first without consuming them (the `trace` file). */
  forEach(visit) {
    let at = this.head;
    let left = this.used;
    while (left > 0) {
      const word = this.view.getUint32(at, true);
      const size = word & ~FLAGS;
      if ((word & COMMITTED) === 0) return;
      if ((word & PADDING) === 0) {
        visit({
          offset: at + ENTRY_HEADER,
          length: this.view.getUint32(at + 4, true),
          ts: this.view.getFloat64(at + 8, true)
        });
      }
      left -= size;
      at = at + size === this.capacity ? 0 : at + size;
    }
  }
  /**
   * Take the oldest committed entry (the `trace_pipe` file). The payload stays readable until
   * the next reserve. Returns null when the buffer is empty.
   */
  consume() {
    while (this.used > 0) {
      const at = this.head;
      const word = this.view.getUint32(at, true);
      if ((word & COMMITTED) === 0) return null;
      this.advanceHead(word & ~FLAGS);
      if ((word & PADDING) === 0) {
        this.entries--;
        return {
          offset: at + ENTRY_HEADER,
          length: this.view.getUint32(at + 4, true),
          ts: this.view.getFloat64(at + 8, true)
        };
      }
    }
    return null;
  }
  /** Events lost since the last call (ftrace prints them as `[LOST N EVENTS]` in trace_pipe). */
  takeLost() {
    const n = this.lostSinceRead;
    this.lostSinceRead = 0;
    return n;
  }
  /** Empty the buffer (writing to the `trace` file); counters other than `entries` are kept. */
  clear() {
    this.head = this.tail = this.used = this.entries = 0;
  }
  stats() {
    return {
      entries: this.entries,
      written: this.written,
      overrun: this.overrun,
      dropped: this.dropped,
      lost: this.overrun + this.dropped,
      capacity: this.capacity,
      used: this.used
    };
  }
};

// packages/trace-host/src/seam.ts
var origin = performance.now();
function processInfo() {
  const proc = globalThis.process;
  const title = proc?.title ?? proc?.argv0 ?? "js";
  const base = title.split(/[\\/]/).pop() ?? title;
  return { pid: proc?.pid ?? 0, comm: base.slice(0, 15) };
}
var OWN_FRAME = /[\\/]trace-host[\\/](src|dist)[\\/]/;
function captureStack() {
  const text3 = new Error("stack").stack ?? "";
  const frames = text3.split("\n").slice(1).map((l) => l.trim().replace(/^at /, ""));
  return frames.filter((f) => !OWN_FRAME.test(f));
}
function realSeam() {
  const info = processInfo();
  return {
    now: () => (performance.now() - origin) * 1e6,
    pid: () => info.pid,
    comm: () => info.comm,
    cpu: () => 0,
    stack: captureStack
  };
}
var processSeam = realSeam();
function defaultSeam() {
  return processSeam;
}

// packages/trace-host/src/trace-format.ts
function linePrefix(comm, pid, cpu, tsNs) {
  const secs = Math.floor(tsNs / 1e9);
  const usecs = Math.floor((tsNs - secs * 1e9) / 1e3);
  return `${comm.padStart(16)}-${String(pid).padEnd(7)} [${String(cpu).padStart(3, "0")}] ..... ${String(secs).padStart(5)}.${String(usecs).padStart(6, "0")}: `;
}
function traceHeader(entries, written, cpus) {
  return [
    "# tracer: nop",
    "#",
    `# entries-in-buffer/entries-written: ${entries}/${written}   #P:${cpus}`,
    "#",
    "#                                _-----=> irqs-off/BH-disabled",
    "#                               / _----=> need-resched",
    "#                              | / _---=> hardirq/softirq",
    "#                              || / _--=> preempt-depth",
    "#                              ||| / _-=> migrate-disable",
    "#                              |||| /     delay",
    "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
    "#              | |         |   |||||     |         |",
    ""
  ].join("\n");
}
function lostLine(cpu, n) {
  return `CPU:${cpu} [LOST ${n} EVENTS]`;
}

// packages/trace-host/src/kprobe-event.ts
var PROBE_STRING_MAX = 128;
var REG_ARG = { di: 0, si: 1, dx: 2, cx: 3, r8: 4, r9: 5 };
function compileKprobeEvent(sink, def, id, ip, mem, comm) {
  const specs = [];
  const ipFn = () => ip;
  if (def.probe === "p")
    specs.push({ name: "__probe_ip", type: "unsigned long", from: ipFn, display: "hex" });
  else {
    specs.push({ name: "__probe_func", type: "unsigned long", from: ipFn, display: "hex" });
    specs.push({ name: "__probe_ret_ip", type: "unsigned long", from: () => 0, display: "hex" });
  }
  for (const arg of def.args) {
    const isString = arg.type === "string";
    const fetch = isString ? stringFetch(arg.fetch, mem, comm, ip) : valueFetch(arg.fetch, arg.type, mem, comm, ip, true);
    const from = (a0, a1, a2, a3, a4, a5, ret2) => fetch([a0, a1, a2, a3, a4, a5], ret2);
    if (isString) specs.push({ name: arg.name, type: `char[${PROBE_STRING_MAX}]`, from, display: "quoted" });
    else {
      const bits = arg.type.slice(1);
      specs.push({
        name: arg.name,
        type: `${arg.type[0] === "s" ? "s" : "u"}${bits}`,
        from,
        display: arg.type[0] === "x" ? "hex" : void 0
      });
    }
  }
  const { fields, size } = layoutFields(specs);
  const fill = compileTracepointFiller(id, fields, specs, mem);
  const prefix = def.probe === "p" ? `(${def.symbol}+0x0)` : `(<js> <- ${def.symbol})`;
  return new TraceEvent(
    sink,
    def.probe === "p" ? "kprobe" : "kretprobe",
    def.group,
    def.event,
    id,
    fields,
    size,
    [],
    fill,
    prefix
  );
}
function regFetch(f, ip) {
  const i = REG_ARG[f.reg];
  if (i !== void 0) return (a) => a[i];
  if (f.reg === "ax") return (_a, ret2) => ret2;
  if (f.reg === "ip") return () => ip;
  return () => 0;
}
function valueFetch(f, type, mem, comm, ip, outer) {
  switch (f.kind) {
    case "reg":
      return regFetch(f, ip);
    case "arg":
      return (a) => a[f.n - 1];
    case "retval":
      return (_a, ret2) => ret2;
    case "imm":
      return () => f.value;
    case "comm":
      return () => comm();
    case "deref": {
      const base = valueFetch(f.base, "u64", mem, comm, ip, false);
      const size = outer ? Number(type.slice(1)) / 8 : 8;
      const signed = outer && type[0] === "s";
      return (a, ret2) => load3(mem, toNumber(base(a, ret2)) + f.offset, size, signed);
    }
  }
}
function stringFetch(f, mem, comm, ip) {
  if (f.kind === "comm") return () => comm();
  const addr = f.kind === "deref" ? /* @__PURE__ */ ((base) => (a, ret2) => toNumber(base(a, ret2)) + f.offset)(valueFetch(f.base, "u64", mem, comm, ip, false)) : valueFetch(f, "u64", mem, comm, ip, true);
  return (a, ret2) => {
    const v = addr(a, ret2);
    if (typeof v === "string") return v;
    return readCString(mem, toNumber(v), PROBE_STRING_MAX - 1) ?? "(fault)";
  };
}
function load3(mem, addr, size, signed) {
  const off = addr - BPF_ADDRESS_BASE;
  if (off < 0 || off + size > mem.bytes.length) return 0;
  const dv = mem.view;
  switch (size) {
    case 1:
      return signed ? dv.getInt8(off) : dv.getUint8(off);
    case 2:
      return signed ? dv.getInt16(off, true) : dv.getUint16(off, true);
    case 4:
      return signed ? dv.getInt32(off, true) : dv.getUint32(off, true);
    default:
      return signed ? dv.getBigInt64(off, true) : dv.getBigUint64(off, true);
  }
}

// packages/trace-host/src/trace-host.ts
var PRINTK_TYPE = 5;
var STACK_TYPE = 6;
var FIRST_EVENT_ID = 100;
var SI = PT_REGS.si >> 2;
var DX = PT_REGS.dx >> 2;
var CX = PT_REGS.cx >> 2;
var MAX_ERRORS = 64;
var TraceHost = class {
  seam;
  runtime;
  arena;
  buffer;
  registry;
  faultPolicy;
  /** ftrace's tracing_on: when false nothing is written to the buffer (events still filter). */
  tracingOn = true;
  /** Total BPF filter faults; the last ones are in `errors` (the `error_log` file). */
  filterFaults = 0;
  errors = [];
  byPath = /* @__PURE__ */ new Map();
  byId = /* @__PURE__ */ new Map();
  probes = /* @__PURE__ */ new Map();
  comms = /* @__PURE__ */ new Map();
  nextId = FIRST_EVENT_ID;
  pid;
  cpu;
  pipeWaiters = [];
  /** The tracefs-shaped tree (see ./control-plane.ts). */
  control = new ControlPlane(this, (host, ev, data) => {
    const { source, options } = parseFilterWrite(data);
    host.setBpfFilter(ev, source, options);
  });
  constructor(options = {}) {
    this.seam = options.seam ?? defaultSeam();
    this.pid = this.seam.pid();
    this.cpu = this.seam.cpu();
    this.comms.set(this.pid, this.seam.comm());
    const helpers = options.helpers ?? standardHelpers();
    this.runtime = new Runtime({
      memoryBytes: options.memoryBytes,
      helpers,
      printk: (line) => this.printk(line),
      clock: () => Math.round(this.seam.now()),
      cpu: this.cpu,
      dumpStack: () => this.dumpStack()
    });
    for (const [proto, fn] of hostHelpers(this.seam)) {
      if (!options.helpers || !helpers.has(proto.id)) helpers.register(proto, fn);
    }
    this.arena = new Arena(this.runtime.memory, options.arenaBytes ?? 1 << 20);
    this.buffer = new TraceRingBuffer(options.bufferBytes ?? 1 << 20, options.overflow ?? "overwrite");
    this.registry = options.registry ?? new FunctionRegistry();
    this.faultPolicy = options.faultPolicy ?? "keep";
  }
  /**
   * Declare the host's C structs (the same header filters include): parsed by cc-frontend's
   * layout engine, then allocatable in the arena (`host.arena.alloc('sk_buff')`).
   * Throws cc-frontend's CompileError on a bad header.
   */
  declare(header2) {
    const decls = parseDeclarations(header2, { fileName: "host.h" });
    this.arena.declare(decls.structs.values());
    return [...decls.structs.keys()];
  }
  // ── events ────────────────────────────────────────────────────────────────────────────────
  /**
   * Define a static tracepoint. `fields` is a list (`{ name, type, from? }`) or C declarations
   * (`'void *skbaddr; unsigned short protocol; char name[16];'`); each field takes the emit()
   * argument at its position unless `from` says otherwise.
   */
  defineEvent(system, name2, fields, options = {}) {
    checkName(system, "system");
    checkName(name2, "event");
    if (this.byPath.has(`${system}/${name2}`)) throw new Error(`event ${system}/${name2} already exists`);
    const specs = normaliseFieldSpecs(fields);
    const { fields: laid, size } = layoutFields(specs);
    const id = this.nextId++;
    const args = options.args ?? specs.map((s) => s.name).slice(0, 6);
    if (args.length > 6) throw new Error(`event ${system}/${name2}: at most 6 arguments`);
    const fill = compileTracepointFiller(id, laid, specs, this.runtime.memory);
    const ev = new TraceEvent(this, "tracepoint", system, name2, id, laid, size, args, fill);
    this.add(ev);
    return ev;
  }
  add(ev) {
    this.byPath.set(ev.path, ev);
    this.byId.set(ev.id, ev);
  }
  /** Every event, sorted by system then name. */
  events() {
    return [...this.byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
  }
  /** The event at `system/name` (or a unique `name`). */
  event(path2) {
    const e = this.byPath.get(path2);
    if (e || path2.includes("/")) return e;
    const matches = [...this.byPath.values()].filter((x) => x.name === path2);
    return matches.length === 1 ? matches[0] : void 0;
  }
  eventById(id) {
    return this.byId.get(id);
  }
  enable(path2, on = true) {
    const ev = typeof path2 === "string" ? this.event(path2) : path2;
    if (!ev) throw new Error(`no event ${String(path2)}`);
    ev.enabled = on;
  }
  // ── filters ───────────────────────────────────────────────────────────────────────────────
  /**
   * Set ftrace's predicate filter (`name == "eth5" && len > 100`), or remove the filter with
   * `0`/empty. Throws PredicateError (with the column) and keeps the previous filter.
   */
  setPredicate(path2, text3) {
    const ev = this.resolve(path2);
    const t = text3.trim();
    if (t === "" || t === "0") {
      this.clearFilter(ev);
      return;
    }
    const compiled = compilePredicate(t, ev.fields);
    this.clearFilter(ev);
    ev.predicate = compiled.match;
    ev.filterText = compiled.text;
  }
  /**
   * Load, verify and attach a BPF filter (see ./bpf-filter.ts). Atomic: on any error
   * (FilterLoadError with the verifier's log) the previous filter stays.
   */
  setBpfFilter(path2, source, options = {}) {
    const ev = this.resolve(path2);
    const loaded = loadFilter(this, ev, source, options);
    this.attachBpf(ev, loaded);
    return loaded;
  }
  /** Attach a loaded BPF program as the event's filter, replacing any filter. */
  attachBpf(path2, attachment) {
    const ev = this.resolve(path2);
    this.clearFilter(ev);
    ev.bpf = attachment;
    ev.filterText = attachment.description;
  }
  clearFilter(path2) {
    const ev = this.resolve(path2);
    const old = ev.bpf;
    ev.bpf = null;
    ev.predicate = null;
    ev.filterText = "none";
    old?.dispose();
  }
  resolve(path2) {
    const ev = typeof path2 === "string" ? this.event(path2) : path2;
    if (!ev) throw new Error(`no event ${String(path2)}`);
    return ev;
  }
  // ── the event path ────────────────────────────────────────────────────────────────────────
  /** Called by emit() on an enabled tracepoint. */
  fire(ev, a0, a1, a2, a3, a4, a5) {
    const bpf = ev.bpf;
    if (bpf !== null) {
      if (bpf.form === "regs") {
        const r = bpf.regs;
        if (typeof a0 === "number") {
          r[SI] = a0 >>> 0;
          r[SI + 1] = Math.floor(a0 / 4294967296) >>> 0;
        } else this.setReg(r, PT_REGS.si, a0);
        if (typeof a1 === "number") {
          r[DX] = a1 >>> 0;
          r[DX + 1] = Math.floor(a1 / 4294967296) >>> 0;
        } else this.setReg(r, PT_REGS.dx, a1);
        if (typeof a2 === "number") {
          r[CX] = a2 >>> 0;
          r[CX + 1] = Math.floor(a2 / 4294967296) >>> 0;
        } else this.setReg(r, PT_REGS.cx, a2);
      } else {
        const mem = this.runtime.memory;
        ev.fill(mem.view, mem.bytes, bpf.ctxOffset, this.pid, a0, a1, a2, a3, a4, a5, void 0);
      }
      if (!this.runFilter(ev, bpf)) return;
      if (bpf.form === "record") {
        this.copyRecord(ev, bpf.ctxOffset);
        return;
      }
    }
    this.record(ev, a0, a1, a2, a3, a4, a5, void 0);
  }
  /** Reserve, fill, evaluate the predicate, commit or discard — ftrace's order. */
  record(ev, a0, a1, a2, a3, a4, a5, ret2) {
    if (!this.tracingOn) return;
    const rb = this.buffer;
    const off = rb.reserve(ev.recordSize, this.seam.now());
    if (off < 0) return;
    ev.fill(rb.view, rb.bytes, off, this.pid, a0, a1, a2, a3, a4, a5, ret2);
    const pred = ev.predicate;
    if (pred !== null && !pred(rb.view, rb.bytes, off)) {
      rb.discard(off);
      ev.filtered++;
      return;
    }
    rb.commit(off);
  }
  copyRecord(ev, ctxOffset) {
    if (!this.tracingOn) return;
    const rb = this.buffer;
    const off = rb.reserve(ev.recordSize, this.seam.now());
    if (off < 0) return;
    rb.bytes.set(this.runtime.memory.bytes.subarray(ctxOffset, ctxOffset + ev.recordSize), off);
    rb.commit(off);
  }
  /** Run a BPF filter; true keeps the event. Faults never reach the host's code. */
  runFilter(ev, bpf) {
    let r0;
    try {
      r0 = bpf.prepared.runFast(bpf.ctxOffset, 0);
    } catch (e) {
      ev.filterErrors++;
      this.filterFaults++;
      this.logError(`filter ${ev.path}`, e instanceof Error ? e.message : String(e));
      return this.faultPolicy === "keep";
    }
    if (r0 === 0) {
      ev.filtered++;
      return false;
    }
    return true;
  }
  setReg(r, off, v) {
    const i = off >> 2;
    if (typeof v === "number") {
      r[i] = v >>> 0;
      r[i + 1] = Math.floor(v / 4294967296) >>> 0;
    } else if (typeof v === "object" && v !== null && typeof v.address === "number") {
      const a = v.address;
      r[i] = a >>> 0;
      r[i + 1] = Math.floor(a / 4294967296) >>> 0;
    } else if (typeof v === "bigint") {
      r[i] = Number(BigInt.asUintN(32, v));
      r[i + 1] = Number(BigInt.asUintN(32, v >> 32n));
    } else {
      r[i] = v === true ? 1 : 0;
      r[i + 1] = 0;
    }
  }
  // ── kprobe-style probes ───────────────────────────────────────────────────────────────────
  /** Make `obj[key]` probe-able as `name` (wrapped only while a probe is attached). */
  registerFunction(name2, obj, key = name2) {
    return this.registry.register(name2, obj, key);
  }
  /** Apply `kprobe_events` lines (`p:…`, `r:…`, `-:…`); an empty write removes every probe. */
  writeKprobeEvents(text3) {
    if (text3.trim() === "") {
      for (const key of [...this.probes.keys()]) this.removeProbe(key);
      return;
    }
    for (const line of text3.split("\n")) {
      const cmd = parseKprobeCommand(line);
      if (!cmd) continue;
      if (cmd.op === "remove") {
        const key = cmd.group ? `${cmd.group}/${cmd.event}` : [...this.probes.keys()].find((k) => k.endsWith(`/${cmd.event}`));
        if (!key || !this.probes.has(key))
          throw new Error(`no probe event ${cmd.group ? `${cmd.group}/` : ""}${cmd.event}`);
        this.removeProbe(key);
        continue;
      }
      const path2 = `${cmd.group}/${cmd.event}`;
      if (this.byPath.has(path2))
        throw new Error(`Given group/event name is already used by another event: ${path2}`);
      const fn = this.registry.lookup(cmd.symbol);
      if (!fn)
        throw new Error(`Invalid probed address or symbol: ${cmd.symbol} is not a registered function`);
      const ev = compileKprobeEvent(
        this,
        cmd,
        this.nextId++,
        fn.address,
        this.runtime.memory,
        () => this.seam.comm()
      );
      const hooks = cmd.probe === "p" ? { entry: (args) => ev.enabled && this.fireProbe(ev, args, void 0, fn.address) } : { exit: (args, ret2) => ev.enabled && this.fireProbe(ev, args, ret2, fn.address) };
      this.registry.attach(cmd.symbol, hooks);
      this.probes.set(path2, { def: cmd, hooks, ev });
      this.add(ev);
    }
  }
  removeProbe(path2) {
    const p = this.probes.get(path2);
    if (!p) return;
    if (p.ev.enabled) throw new Error(`probe ${path2} is enabled; disable it first (EBUSY)`);
    this.registry.detach(p.def.symbol, p.hooks);
    this.clearFilter(p.ev);
    this.probes.delete(path2);
    this.byPath.delete(path2);
    this.byId.delete(p.ev.id);
  }
  /** The probe definitions, as `kprobe_events` reads back. */
  probeDefinitions() {
    return [...this.probes.values()].map((p) => p.def);
  }
  /** A probed function ran: pt_regs holds its arguments (di, si, dx, cx, r8, r9) and ax its return value. */
  fireProbe(ev, args, ret2, ip) {
    try {
      const bpf = ev.bpf;
      if (bpf !== null) {
        const r = bpf.regs;
        if (r !== null) {
          for (let i = 0; i < 6; i++) this.setReg(r, PT_REGS[ARG_REGS[i]], args[i]);
          this.setReg(r, PT_REGS.ax, ret2);
          this.setReg(r, PT_REGS.ip, ip);
        } else {
          const mem = this.runtime.memory;
          ev.fill(
            mem.view,
            mem.bytes,
            bpf.ctxOffset,
            this.pid,
            args[0],
            args[1],
            args[2],
            args[3],
            args[4],
            args[5],
            ret2
          );
        }
        if (!this.runFilter(ev, bpf)) return;
        if (bpf.form === "record") {
          this.copyRecord(ev, bpf.ctxOffset);
          return;
        }
      }
      this.record(ev, args[0], args[1], args[2], args[3], args[4], args[5], ret2);
    } catch (e) {
      this.logError(`probe ${ev.path}`, e instanceof Error ? e.message : String(e));
    }
  }
  // ── program output ────────────────────────────────────────────────────────────────────────
  /** A bpf_trace_printk line: a record of type PRINTK_TYPE holding the text. */
  printk(line) {
    this.writeText(PRINTK_TYPE, line.replace(/\n$/, ""));
  }
  /** The RFC's bpf_dump_stack: the JavaScript stack at the probe, as ftrace's `<stack trace>`. */
  dumpStack() {
    this.writeText(STACK_TYPE, this.seam.stack().join("\n"));
  }
  writeText(type, text3) {
    if (!this.tracingOn) return;
    const data = new TextEncoder().encode(text3);
    const rb = this.buffer;
    const off = rb.reserve(8 + data.length, this.seam.now());
    if (off < 0) return;
    rb.view.setUint32(off, type, true);
    rb.view.setInt32(off + 4, this.pid, true);
    rb.bytes.set(data, off + 8);
    rb.commit(off);
  }
  // ── reading the buffer ────────────────────────────────────────────────────────────────────
  /** The `trace` file: header plus every entry, oldest first; does not consume. */
  trace() {
    const st = this.buffer.stats();
    const lines = [];
    this.buffer.forEach((e) => {
      lines.push(this.formatEntry(e));
    });
    return traceHeader(st.entries, st.written, 1) + lines.map((l) => `${l}
`).join("");
  }
  /** Consume what is in the buffer now (the `trace_pipe` file, non-blocking). */
  readPipe(max4 = Number.POSITIVE_INFINITY) {
    const out = [];
    const lost = this.buffer.takeLost();
    if (lost > 0) out.push(lostLine(this.cpu, lost));
    while (out.length < max4) {
      const e = this.buffer.consume();
      if (!e) break;
      out.push(this.formatEntry(e));
    }
    return out;
  }
  /**
   * The `trace_pipe` file as a blocking async iterator of lines: waits for new entries, ends
   * when `signal` aborts.
   */
  async *tracePipe(signal) {
    while (!signal?.aborted) {
      const lines = this.readPipe();
      if (lines.length > 0) {
        yield* lines;
        continue;
      }
      await this.waitForData(signal);
    }
  }
  /** Resolves at the next commit (or when `signal` aborts). */
  waitForData(signal) {
    return new Promise((resolve2) => {
      const done = () => {
        signal?.removeEventListener("abort", done);
        this.pipeWaiters = this.pipeWaiters.filter((w2) => w2 !== done);
        if (this.pipeWaiters.length === 0) this.buffer.onCommit = null;
        resolve2();
      };
      if (signal?.aborted) return resolve2();
      signal?.addEventListener("abort", done);
      this.pipeWaiters.push(done);
      this.buffer.onCommit = () => this.wakeReaders();
    });
  }
  wakeReaders() {
    const waiters = this.pipeWaiters;
    this.pipeWaiters = [];
    this.buffer.onCommit = null;
    queueMicrotask(() => {
      for (const w2 of waiters) w2();
    });
  }
  /** Decoded records, oldest first, without consuming (binary access). */
  records() {
    const out = [];
    this.buffer.forEach((e) => {
      out.push(this.decode(e));
    });
    return out;
  }
  /** Consume and decode records. */
  consumeRecords(max4 = Number.POSITIVE_INFINITY) {
    const out = [];
    while (out.length < max4) {
      const e = this.buffer.consume();
      if (!e) break;
      out.push(this.decode(e));
    }
    return out;
  }
  decode(e) {
    const rb = this.buffer;
    const type = rb.view.getUint16(e.offset, true);
    const ev = this.byId.get(type);
    const name2 = type === PRINTK_TYPE ? "bpf_trace_printk" : type === STACK_TYPE ? "kernel_stack" : ev?.name ?? `type_${type}`;
    const system = type === PRINTK_TYPE ? "bpf_trace" : type === STACK_TYPE ? "ftrace" : ev?.system ?? "";
    return {
      event: name2,
      system,
      id: type,
      pid: rb.view.getInt32(e.offset + 4, true),
      timestamp: e.ts,
      data: rb.bytes.slice(e.offset, e.offset + e.length),
      text: this.formatEntry(e)
    };
  }
  formatEntry(e) {
    const rb = this.buffer;
    const type = rb.view.getUint16(e.offset, true);
    const pid = rb.view.getInt32(e.offset + 4, true);
    const head = linePrefix(this.comms.get(pid) ?? "<...>", pid, this.cpu, e.ts);
    if (type === PRINTK_TYPE)
      return `${head}bpf_trace_printk: ${utf82(rb.bytes, e.offset + 8, e.offset + e.length)}`;
    if (type === STACK_TYPE) {
      const frames = utf82(rb.bytes, e.offset + 8, e.offset + e.length).split("\n").filter(Boolean);
      return `${head}<stack trace>${frames.map((f) => `
 => ${f}`).join("")}`;
    }
    const ev = this.byId.get(type);
    if (!ev) return `${head}type ${type}: (unknown event, ${e.length} bytes)`;
    return `${head}${ev.name}: ${ev.formatFields(rb.view, rb.bytes, e.offset)}`;
  }
  /**
   * Detach everything: disable every event, remove every filter and probe (the wrapped host
   * functions get their originals back). The host can be reused; its buffer is kept.
   */
  dispose() {
    for (const ev of this.byPath.values()) {
      ev.enabled = false;
      this.clearFilter(ev);
    }
    for (const key of [...this.probes.keys()]) this.removeProbe(key);
  }
  [Symbol.dispose]() {
    this.dispose();
  }
  // ── control plane shortcuts ───────────────────────────────────────────────────────────────
  /** Read a control file, e.g. `events/skb/kfree_skb/format`, `trace`, `maps/counts`. */
  read(path2) {
    return this.control.read(path2);
  }
  /** Write a control file, e.g. `events/skb/kfree_skb/filter`; throws ControlPlaneError. */
  write(path2, data) {
    this.control.write(path2, data);
  }
  // ── errors ────────────────────────────────────────────────────────────────────────────────
  logError(source, message2) {
    this.errors.push({ time: this.seam.now() / 1e9, source, message: message2 });
    if (this.errors.length > MAX_ERRORS) this.errors.shift();
  }
  /** The `error_log` file, in ftrace's shape. */
  errorLog() {
    return this.errors.map((e) => {
      const secs = Math.floor(e.time);
      const usecs = Math.floor((e.time - secs) * 1e6);
      return `[${String(secs).padStart(5)}.${String(usecs).padStart(6, "0")}] ${e.source}: error: ${e.message}
`;
    }).join("");
  }
};
function checkName(name2, what) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name2))
    throw new Error(`invalid ${what} name '${name2}' (C identifier expected)`);
}
var decoder2 = new TextDecoder();
function utf82(bytes, from, to) {
  return to - from < 64 ? latin1OrUtf8(bytes, from, to) : decoder2.decode(bytes.subarray(from, to));
}
function latin1OrUtf8(bytes, from, to) {
  for (let i = from; i < to; i++) if (bytes[i] >= 128) return decoder2.decode(bytes.subarray(from, to));
  return latin1(bytes, from, to);
}

// apps/demo/src/netsim/netsim-header.ts
var NETSIM_H = `#ifndef NETSIM_H
#define NETSIM_H

#define IFNAMSIZ 16

struct net_device {
  char name[IFNAMSIZ];          /* +0 */
  int ifindex;                  /* +16 */
  unsigned int mtu;             /* +20 */
  unsigned long long rx_packets; /* +24 */
  unsigned long long tx_packets; /* +32 */
};

struct sk_buff {
  struct sk_buff *next;         /* +0 */
  struct sk_buff *prev;         /* +8 */
  unsigned long long tstamp;    /* +16 */
  void *sk;                     /* +24 */
  struct net_device *dev;       /* +32 */
  unsigned int len;             /* +40 */
  unsigned int data_len;        /* +44 */
  unsigned short protocol;      /* +48 */
  unsigned short mac_len;       /* +50 */
  unsigned int hash;            /* +52 */
};

#endif
`;

// apps/demo/src/netsim/index.ts
var DEVICE_NAMES = ["lo", "eth0", "eth1", "eth2", "eth3", "eth4", "eth5", "eth6", "eth7"];
var ETH_P_IP = 2048;
var KFREE_SKB_CALLER = 281472856535744;
function createNetsim(options = {}) {
  const host = new TraceHost({ arenaBytes: 1 << 20, ...options });
  host.declare(NETSIM_H);
  const devices = DEVICE_NAMES.map((name2, i) => {
    const d = host.arena.alloc("net_device");
    d.name = name2;
    d.ifindex = i + 1;
    d.mtu = name2 === "lo" ? 65536 : 1500;
    return d;
  });
  const kfreeSkb = host.defineEvent(
    "skb",
    "kfree_skb",
    [
      { name: "skbaddr", type: "void *", from: 1 },
      { name: "location", type: "void *", from: 2 },
      { name: "protocol", type: "unsigned short", from: 3 },
      // The device's name is copied from the arena: the dev pointer is emit()'s first argument.
      { name: "name", type: "char[16]", from: 0 },
      { name: "len", type: "unsigned int", from: 4 }
    ],
    { args: ["dev", "skb", "location", "protocol", "len"] }
  );
  const net2 = {
    netdev_alloc_skb(dev, len) {
      const skb = host.arena.alloc("sk_buff");
      skb.dev = dev.address;
      skb.len = len;
      skb.protocol = ETH_P_IP;
      return skb;
    },
    kfree_skb(skb) {
      if (kfreeSkb.enabled) kfreeSkb.emit(skb.dev, skb.address, KFREE_SKB_CALLER, skb.protocol, skb.len);
      host.arena.release(skb);
    }
  };
  host.registerFunction("netdev_alloc_skb", net2);
  host.registerFunction("kfree_skb", net2);
  return {
    host,
    devices,
    kfreeSkb,
    device: (name2) => devices[DEVICE_NAMES.indexOf(name2)],
    netdev_alloc_skb: (dev, len) => net2.netdev_alloc_skb(dev, len),
    kfree_skb: (skb) => net2.kfree_skb(skb)
  };
}

// apps/demo/src/filters.ts
var RFC_FILTER_C = `#include <tbpf/rfc2013.h>

void filter(struct bpf_context *ctx)
{
char devname[4] = "eth5";
struct net_device *dev;
struct sk_buff *skb = 0;
dev = (struct net_device *)ctx->regs.si;
if (bpf_memcmp(dev->name, devname, 4) == 0) {
char fmt[] = "skb %p dev %p eth5\\n";
bpf_trace_printk(fmt, skb, dev, 0, 0);
}
}
`;

// ../../tmp/prof-wasm.ts
var mode = process.argv[2] ?? "wasm";
var elf = compile3(RFC_FILTER_C, { fileName: "filter.c" }).bytes;
var net = createNetsim();
net.host.write("events/skb/kfree_skb/enable", mode === "none" ? "0" : "1");
if (mode === "pred") net.host.write("events/skb/kfree_skb/filter", 'name == "eth5"');
else if (mode !== "none" && mode !== "record") net.host.setBpfFilter("skb/kfree_skb", { kind: "elf", bytes: elf }, { engine: mode });
var lo = net.device("lo");
for (let r = 0; r < 6; r++) {
  const t0 = performance.now();
  for (let i = 0; i < 2e5; i++) net.kfree_skb(net.netdev_alloc_skb(lo, 128));
  if (r > 0) console.log(mode, ((performance.now() - t0) / 2e5 * 1e6).toFixed(0), "ns/iter", net.kfreeSkb.filtered);
}
