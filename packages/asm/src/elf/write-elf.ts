/**
 * ELF64 relocatable object writer (the container only). Sections are laid out in the given
 * order, each `.rel<name>` section right after the section it relocates (as clang does), then
 * `.symtab`, `.strtab`, `.shstrtab` and the section header table.
 */
import type { Endian } from '@tbpf/isa';
import { encodeText } from './byte-reader.js';
import {
  EHDR_SIZE,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFDATA2MSB,
  EM_BPF,
  ET_REL,
  EV_CURRENT,
  REL_SIZE,
  SHDR_SIZE,
  SHF_INFO_LINK,
  SHN_ABS,
  SHN_UNDEF,
  SHT_NOBITS,
  SHT_PROGBITS,
  SHT_REL,
  SHT_STRTAB,
  SHT_SYMTAB,
  STB_GLOBAL,
  STB_LOCAL,
  STB_WEAK,
  STT_FILE,
  STT_FUNC,
  STT_NOTYPE,
  STT_OBJECT,
  STT_SECTION,
  SYM_SIZE,
} from './constants.js';
import { ElfError } from './errors.js';

export interface ElfOutSection {
  name: string;
  /** SHT_*; default SHT_PROGBITS. */
  type?: number;
  flags: number;
  /** Contents (ignored for SHT_NOBITS). */
  data?: Uint8Array;
  /** Size of an SHT_NOBITS section. */
  size?: number;
  align?: number;
  entsize?: number;
}

export type SymbolBinding = 'local' | 'global' | 'weak';
/** ELF symbol visibility (st_other): libbpf verifies a `hidden` global function as a static one. */
export type SymbolVisibility = 'default' | 'internal' | 'hidden' | 'protected';
export type SymbolType = 'notype' | 'object' | 'func' | 'section' | 'file';

export interface ElfOutSymbol {
  name: string;
  /** Section name; undefined for an undefined (extern) symbol, 'ABS' for an absolute one. */
  section?: string;
  value: number;
  size: number;
  binding: SymbolBinding;
  type: SymbolType;
  visibility?: SymbolVisibility;
}

export interface ElfOutRelocation {
  /** Name of the section whose bytes are relocated. */
  section: string;
  offset: number;
  /** R_BPF_* */
  type: number;
  /** Index into the `symbols` array given to `writeElf`. */
  symbol: number;
}

export interface ElfOutput {
  endian: Endian;
  sections: ElfOutSection[];
  symbols: ElfOutSymbol[];
  relocations: ElfOutRelocation[];
}

const BINDINGS: Record<SymbolBinding, number> = { local: STB_LOCAL, global: STB_GLOBAL, weak: STB_WEAK };
const VISIBILITIES: Record<SymbolVisibility, number> = { default: 0, internal: 1, hidden: 2, protected: 3 };
const TYPES: Record<SymbolType, number> = {
  notype: STT_NOTYPE,
  object: STT_OBJECT,
  func: STT_FUNC,
  section: STT_SECTION,
  file: STT_FILE,
};

/** A string table: "\0" first, each distinct string once. */
export class StringTable {
  private readonly offsets = new Map<string, number>();
  private readonly parts: Uint8Array[] = [new Uint8Array(1)];
  private length = 1;

  add(s: string): number {
    if (s === '') return 0;
    const known = this.offsets.get(s);
    if (known !== undefined) return known;
    const bytes = encodeText(s);
    const at = this.length;
    this.parts.push(bytes, new Uint8Array(1));
    this.length += bytes.length + 1;
    this.offsets.set(s, at);
    return at;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

interface Planned {
  name: string;
  type: number;
  flags: number;
  data: Uint8Array;
  size: number;
  align: number;
  entsize: number;
  link: number;
  info: number;
  offset: number;
}

/** Serialise an ELF64 BPF relocatable object. Throws `ElfError` for inconsistent input. */
export function writeElf(out: ElfOutput): Uint8Array {
  const le = out.endian === 'little';
  const sectionIndex = new Map<string, number>();
  const planned: Planned[] = [];
  const plan = (p: Omit<Planned, 'offset'>) => planned.push({ ...p, offset: 0 }) - 1;
  plan({
    name: '',
    type: 0,
    flags: 0,
    data: new Uint8Array(0),
    size: 0,
    align: 0,
    entsize: 0,
    link: 0,
    info: 0,
  });

  // Symbols: locals first (required by sh_info), original order otherwise.
  const order = out.symbols.map((s, i) => ({ s, i }));
  const sorted = [
    ...order.filter((o) => o.s.binding === 'local'),
    ...order.filter((o) => o.s.binding !== 'local'),
  ];
  const newIndex = new Map<number, number>();
  sorted.forEach((o, k) => {
    newIndex.set(o.i, k + 1);
  });

  const relocsBySection = new Map<string, ElfOutRelocation[]>();
  const names = new Set(out.sections.map((s) => s.name));
  for (const r of out.relocations) {
    if (!names.has(r.section)) throw new ElfError(`relocation in unknown section '${r.section}'`);
    if (!newIndex.has(r.symbol))
      throw new ElfError(`relocation against unknown symbol #${r.symbol}`, r.section, r.offset);
    const list = relocsBySection.get(r.section) ?? [];
    list.push(r);
    relocsBySection.set(r.section, list);
  }
  const relFixups: { planIndex: number; target: string; entries: ElfOutRelocation[] }[] = [];
  for (const s of out.sections) {
    if (sectionIndex.has(s.name)) throw new ElfError('duplicate section', s.name);
    const type = s.type ?? SHT_PROGBITS;
    const data = type === SHT_NOBITS ? new Uint8Array(0) : (s.data ?? new Uint8Array(0));
    const size = type === SHT_NOBITS ? (s.size ?? 0) : data.length;
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
        info: 0,
      }),
    );
    const entries = relocsBySection.get(s.name);
    if (entries) {
      const relName = `.rel${s.name}`;
      const at = plan({
        name: relName,
        type: SHT_REL,
        flags: SHF_INFO_LINK,
        data: new Uint8Array(0),
        size: 0,
        align: 8,
        entsize: REL_SIZE,
        link: 0,
        info: 0,
      });
      relFixups.push({ planIndex: at, target: s.name, entries });
    }
  }
  const symtabIndex = plan({
    name: '.symtab',
    type: SHT_SYMTAB,
    flags: 0,
    data: new Uint8Array(0),
    size: 0,
    align: 8,
    entsize: SYM_SIZE,
    link: 0,
    info: 0,
  });
  const strtabIndex = plan({
    name: '.strtab',
    type: SHT_STRTAB,
    flags: 0,
    data: new Uint8Array(0),
    size: 0,
    align: 1,
    entsize: 0,
    link: 0,
    info: 0,
  });
  const shstrtabIndex = plan({
    name: '.shstrtab',
    type: SHT_STRTAB,
    flags: 0,
    data: new Uint8Array(0),
    size: 0,
    align: 1,
    entsize: 0,
    link: 0,
    info: 0,
  });

  // .symtab and .strtab
  const strtab = new StringTable();
  const symtab = new Uint8Array((sorted.length + 1) * SYM_SIZE);
  const sv = new DataView(symtab.buffer);
  sorted.forEach(({ s }, k) => {
    const at = (k + 1) * SYM_SIZE;
    let shndx = SHN_UNDEF;
    if (s.section === 'ABS') shndx = SHN_ABS;
    else if (s.section !== undefined) {
      const idx = sectionIndex.get(s.section);
      if (idx === undefined) throw new ElfError(`symbol '${s.name}' is in unknown section '${s.section}'`);
      shndx = idx;
    }
    sv.setUint32(at, s.type === 'section' ? 0 : strtab.add(s.name), le);
    sv.setUint8(at + 4, (BINDINGS[s.binding] << 4) | TYPES[s.type]);
    sv.setUint8(at + 5, VISIBILITIES[s.visibility ?? 'default']);
    sv.setUint16(at + 6, shndx, le);
    sv.setBigUint64(at + 8, BigInt(s.value), le);
    sv.setBigUint64(at + 16, BigInt(s.size), le);
  });
  Object.assign(planned[symtabIndex], {
    data: symtab,
    size: symtab.length,
    link: strtabIndex,
    info: 1 + sorted.filter((o) => o.s.binding === 'local').length,
  });
  const strBytes = strtab.bytes();
  Object.assign(planned[strtabIndex], { data: strBytes, size: strBytes.length });

  for (const f of relFixups) {
    const bytes = new Uint8Array(f.entries.length * REL_SIZE);
    const v = new DataView(bytes.buffer);
    f.entries.forEach((r, k) => {
      v.setBigUint64(k * REL_SIZE, BigInt(r.offset), le);
      v.setBigUint64(k * REL_SIZE + 8, (BigInt(newIndex.get(r.symbol)!) << 32n) | BigInt(r.type), le);
    });
    Object.assign(planned[f.planIndex], {
      data: bytes,
      size: bytes.length,
      link: symtabIndex,
      info: sectionIndex.get(f.target)!,
    });
  }

  const shstr = new StringTable();
  const nameOffsets = planned.map((p) => shstr.add(p.name));
  const shstrBytes = shstr.bytes();
  Object.assign(planned[shstrtabIndex], { data: shstrBytes, size: shstrBytes.length });

  // Layout: header, section contents (aligned), section header table (8-aligned).
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
  file.set([0x7f, 0x45, 0x4c, 0x46, ELFCLASS64, le ? ELFDATA2LSB : ELFDATA2MSB, EV_CURRENT]);
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
