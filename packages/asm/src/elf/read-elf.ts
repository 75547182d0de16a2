/**
 * ELF64 relocatable object parsing (the container only): header, section headers, symbols,
 * relocation entries. BPF meaning (programs, maps, BTF) is layered on top in ../object.
 */
import type { Endian } from '@tbpf/isa';
import { ByteReader } from './byte-reader.js';
import {
  EHDR_SIZE,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFDATA2MSB,
  EM_BPF,
  EM_NONE,
  ET_REL,
  REL_SIZE,
  RELA_SIZE,
  SHDR_SIZE,
  SHN_LORESERVE,
  SHN_XINDEX,
  SHT_NOBITS,
  SHT_NULL,
  SHT_REL,
  SHT_RELA,
  SHT_SYMTAB,
  SYM_SIZE,
} from './constants.js';
import { ElfError } from './errors.js';

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
  /** The section's bytes (empty for SHT_NOBITS and SHT_NULL). */
  data: Uint8Array;
}

export interface ElfSymbol {
  index: number;
  name: string;
  value: number;
  size: number;
  /** STB_* */
  bind: number;
  /** STT_* */
  type: number;
  /** STV_* */
  visibility: number;
  /** Section index (SHN_UNDEF 0, SHN_ABS 0xfff1, …). */
  shndx: number;
}

export interface ElfRelocation {
  /** Byte offset inside the target section. */
  offset: number;
  type: number;
  /** Index into `ElfFile.symbols`. */
  symbol: number;
  /** Explicit addend (SHT_RELA only). */
  addend?: bigint;
}

export interface ElfRelocationSection {
  /** The SHT_REL / SHT_RELA section. */
  section: ElfSection;
  /** Index of the section the entries apply to (sh_info). */
  target: number;
  entries: ElfRelocation[];
}

export interface ElfFile {
  endian: Endian;
  type: number;
  machine: number;
  flags: number;
  sections: ElfSection[];
  symbols: ElfSymbol[];
  /** Index of the SHT_SYMTAB section, or -1. */
  symtabIndex: number;
  relocations: ElfRelocationSection[];
}

const MAX_SECTIONS = 1 << 16;

/** Parse an ELF64 BPF relocatable object. Throws only `ElfError`. */
export function readElf(bytes: Uint8Array): ElfFile {
  if (bytes.length < EHDR_SIZE)
    throw new ElfError(`file is ${bytes.length} bytes, too short for an ELF header`);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('not an ELF file (bad magic)', undefined, 0);
  }
  if (bytes[4] !== ELFCLASS64) throw new ElfError(`ELF class ${bytes[4]} is not ELFCLASS64`, undefined, 4);
  if (bytes[5] !== ELFDATA2LSB && bytes[5] !== ELFDATA2MSB) {
    throw new ElfError(`unknown ELF data encoding ${bytes[5]}`, undefined, 5);
  }
  const endian: Endian = bytes[5] === ELFDATA2LSB ? 'little' : 'big';
  const file = new ByteReader(bytes, endian);
  const type = file.u16(16);
  const machine = file.u16(18);
  if (type !== ET_REL)
    throw new ElfError(`ELF type ${type} is not ET_REL (a relocatable object)`, undefined, 16);
  // Old LLVM releases wrote EM_NONE (0) into BPF objects; libbpf accepts those as well.
  if (machine !== EM_BPF && machine !== EM_NONE)
    throw new ElfError(`machine ${machine} is neither EM_BPF (247) nor EM_NONE (0, old LLVM)`, undefined, 18);
  const flags = file.u32(48);
  const shoff = file.u64(40, 'e_shoff');
  const shentsize = file.u16(58);
  let shnum = file.u16(60);
  let shstrndx = file.u16(62);
  if (shoff === 0)
    return { endian, type, machine, flags, sections: [], symbols: [], symtabIndex: -1, relocations: [] };
  if (shentsize !== SHDR_SIZE)
    throw new ElfError(`section header size ${shentsize} is not ${SHDR_SIZE}`, undefined, 58);
  // Extended numbering: the real counts live in section 0.
  if (shnum === 0) shnum = file.u64(shoff + 32, 'section count (sh_size of section 0)');
  if (shstrndx === SHN_XINDEX) shstrndx = file.u32(shoff + 44, 'string table index (sh_link of section 0)');
  if (shnum > MAX_SECTIONS)
    throw new ElfError(`${shnum} sections is more than ${MAX_SECTIONS}`, undefined, 60);
  file.check(shoff, shnum * SHDR_SIZE, 'section header table');

  const headers = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * SHDR_SIZE;
    headers.push({
      nameOffset: file.u32(at),
      type: file.u32(at + 4),
      flags: file.u64(at + 8, 'sh_flags'),
      addr: file.u64(at + 16, 'sh_addr'),
      offset: file.u64(at + 24, 'sh_offset'),
      size: file.u64(at + 32, 'sh_size'),
      link: file.u32(at + 40),
      info: file.u32(at + 44),
      addralign: file.u64(at + 48, 'sh_addralign'),
      entsize: file.u64(at + 56, 'sh_entsize'),
    });
  }
  if (shstrndx >= shnum)
    throw new ElfError(`section name table index ${shstrndx} is out of range`, undefined, 62);
  const shstr = headers[shstrndx];
  const names = new ByteReader(
    file.slice(shstr.offset, shstr.size, 'section name table'),
    endian,
    'section names',
  );

  const sections: ElfSection[] = headers.map((h, index) => {
    const name =
      index === 0 && h.type === SHT_NULL ? '' : names.cstring(h.nameOffset, `name of section ${index}`);
    const hasData = h.type !== SHT_NOBITS && h.type !== SHT_NULL;
    const data = hasData ? file.slice(h.offset, h.size, `contents of section '${name}'`) : new Uint8Array(0);
    const { nameOffset: _, ...rest } = h;
    return { ...rest, index, name, data };
  });

  const symtabIndex = sections.findIndex((s) => s.type === SHT_SYMTAB);
  const symbols = symtabIndex < 0 ? [] : readSymbols(sections, sections[symtabIndex], endian);
  const relocations = sections
    .filter((s) => s.type === SHT_REL || s.type === SHT_RELA)
    .map((s) => readRelocations(sections, s, symbols.length, endian));
  return { endian, type, machine, flags, sections, symbols, symtabIndex, relocations };
}

function readSymbols(sections: ElfSection[], symtab: ElfSection, endian: Endian): ElfSymbol[] {
  if (symtab.size % SYM_SIZE !== 0) {
    throw new ElfError(`size ${symtab.size} is not a multiple of ${SYM_SIZE}`, symtab.name);
  }
  const strtab = sections[symtab.link];
  if (!strtab) throw new ElfError(`string table index ${symtab.link} is out of range`, symtab.name);
  const strings = new ByteReader(strtab.data, endian, strtab.name);
  const r = new ByteReader(symtab.data, endian, symtab.name);
  const symbols: ElfSymbol[] = [];
  for (let i = 0; i < symtab.size / SYM_SIZE; i++) {
    const at = i * SYM_SIZE;
    const nameOffset = r.u32(at);
    const info = r.u8(at + 4);
    const type = info & 0xf;
    const shndx = r.u16(at + 6);
    let name = nameOffset === 0 ? '' : strings.cstring(nameOffset, `name of symbol ${i}`);
    // Section symbols are nameless in the string table: use the section's name, as tools do.
    if (type === 3 && name === '' && shndx < SHN_LORESERVE && sections[shndx]) name = sections[shndx].name;
    symbols.push({
      index: i,
      name,
      value: r.u64(at + 8, `value of symbol ${i}`),
      size: r.u64(at + 16, `size of symbol ${i}`),
      bind: info >> 4,
      type,
      visibility: r.u8(at + 5) & 0x3,
      shndx,
    });
  }
  return symbols;
}

function readRelocations(
  sections: ElfSection[],
  rel: ElfSection,
  symbolCount: number,
  endian: Endian,
): ElfRelocationSection {
  const rela = rel.type === SHT_RELA;
  const entSize = rela ? RELA_SIZE : REL_SIZE;
  if (rel.size % entSize !== 0)
    throw new ElfError(`size ${rel.size} is not a multiple of ${entSize}`, rel.name);
  if (rel.info >= sections.length)
    throw new ElfError(`target section index ${rel.info} is out of range`, rel.name);
  const r = new ByteReader(rel.data, endian, rel.name);
  const entries: ElfRelocation[] = [];
  for (let i = 0; i < rel.size / entSize; i++) {
    const at = i * entSize;
    const offset = r.u64(at, 'r_offset');
    // r_info = symbol << 32 | type, read as two words so any value fits a number.
    const high = r.u32(endian === 'little' ? at + 12 : at + 8);
    const low = r.u32(endian === 'little' ? at + 8 : at + 12);
    const symbol = high;
    if (symbol >= symbolCount) {
      throw new ElfError(
        `relocation ${i} names symbol ${symbol}, but there are ${symbolCount}`,
        rel.name,
        at,
      );
    }
    const entry: ElfRelocation = { offset, type: low, symbol };
    if (rela) entry.addend = r.i64(at + 16, 'r_addend');
    entries.push(entry);
  }
  return { section: rel, target: rel.info, entries };
}
