/**
 * `llvm-objdump -d` for ELF objects: the executable sections of a relocatable object, with their
 * symbols (functions above labels, no section or file symbols) and relocations.
 */
import {
  BPF_RELOC_NAMES,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHN_UNDEF,
  SHT_NOBITS,
  STB_GLOBAL,
  STB_WEAK,
  STT_FILE,
  STT_FUNC,
  STT_OBJECT,
  STT_SECTION,
} from '../elf/constants.js';
import { type ElfFile, readElf } from '../elf/read-elf.js';
import { type BtfExtLineInfo, readBtf, readBtfExt } from '../object/btf-read.js';
import {
  type DataSectionInput,
  type DisasmSectionInput,
  type DisassembleOptions,
  disassemble,
  type ListingRelocation,
} from './listing.js';

function symbolType(type: number): 'func' | 'object' | 'notype' {
  return type === STT_FUNC ? 'func' : type === STT_OBJECT ? 'object' : 'notype';
}

export interface ObjectListingOptions {
  /** Attach the BTF line info's source lines (`.BTF` + `.BTF.ext`), for `llvm-objdump -S`-style output. */
  source?: boolean;
}

/**
 * BTF line info of an object, or [] when it has none. Malformed BTF only costs the source
 * lines (the code still lists), as in llvm-objdump, which warns and goes on.
 */
function btfLines(elf: ElfFile): BtfExtLineInfo[] {
  const btf = elf.sections.find((s) => s.name === '.BTF');
  const ext = elf.sections.find((s) => s.name === '.BTF.ext');
  if (!btf || !ext) return [];
  try {
    return readBtfExt(ext.data, elf.endian, readBtf(btf.data, elf.endian)).lineInfo;
  } catch {
    return [];
  }
}

/** The named function/object symbols defined in section `index`, as listing input. */
function sectionSymbols(elf: ElfFile, index: number) {
  return elf.symbols
    .filter(
      (sym) => sym.shndx === index && sym.type !== STT_SECTION && sym.type !== STT_FILE && sym.name !== '',
    )
    .map((sym) => ({
      name: sym.name,
      offset: sym.value,
      type: symbolType(sym.type),
      binding:
        sym.bind === STB_GLOBAL
          ? ('global' as const)
          : sym.bind === STB_WEAK
            ? ('weak' as const)
            : ('local' as const),
      size: sym.size,
    }));
}

/** The relocations of section `index`, as listing input. */
function sectionRelocations(elf: ElfFile, index: number): ListingRelocation[] {
  return elf.relocations
    .filter((r) => r.target === index)
    .flatMap((r) => r.entries)
    .map((e) => {
      const sym = elf.symbols[e.symbol];
      const type = BPF_RELOC_NAMES[e.type] ?? `R_BPF_${e.type}`;
      if (sym?.type === STT_SECTION) {
        return { offset: e.offset, type, symbol: elf.sections[sym.shndx]?.name ?? '', sectionSymbol: true };
      }
      const weakUndefined = sym !== undefined && sym.shndx === SHN_UNDEF && sym.bind === STB_WEAK;
      return { offset: e.offset, type, symbol: sym?.name ?? '', ...(weakUndefined ? { weakUndefined } : {}) };
    });
}

/** The non-empty executable sections of an object, as listing input. */
export function objectSections(elf: ElfFile, options: ObjectListingOptions = {}): DisasmSectionInput[] {
  const lines = options.source ? btfLines(elf) : [];
  return elf.sections
    .filter((s) => (s.flags & SHF_EXECINSTR) !== 0 && s.data.length > 0)
    .map((s) => {
      const symbols = sectionSymbols(elf, s.index);
      const relocations = sectionRelocations(elf, s.index);
      const source = lines
        .filter((l) => l.section === s.name)
        .map((l) => ({ offset: l.insnOffset, text: l.source, file: l.file, line: l.line }));
      return { name: s.name, bytes: s.data, endian: elf.endian, symbols, relocations, lines: source };
    });
}

/**
 * The whole `llvm-objdump -d` output for an object file named `fileName` (llvm style), or the
 * kernel-style listing of its code sections. Throws `ElfError` for a malformed object.
 */
export function disassembleObject(
  bytes: Uint8Array,
  fileName: string,
  options: DisassembleOptions & ObjectListingOptions = {},
): string {
  const sections = objectSections(readElf(bytes), options);
  const listing = disassemble(sections, options);
  return options.style === 'kernel' ? listing : `\n${fileName}:\tfile format elf64-bpf\n${listing}`;
}

/** BTF: not loaded with the program, but what defines its maps' types and its line info. */
const BTF_SECTIONS = new Set(['.BTF', '.BTF.ext']);

/**
 * The non-empty allocated data sections of an object with their symbols, and its `.BTF` and
 * `.BTF.ext` (what gives `.maps` entries their definitions): what an object is made of
 * besides its code.
 */
export function objectData(elf: ElfFile): DataSectionInput[] {
  return elf.sections
    .filter(
      (s) =>
        ((s.flags & SHF_ALLOC) !== 0 || BTF_SECTIONS.has(s.name)) &&
        (s.flags & SHF_EXECINSTR) === 0 &&
        s.size > 0,
    )
    .map((s) => ({
      name: s.name,
      bytes: s.type === SHT_NOBITS ? new Uint8Array(s.size) : s.data,
      nobits: s.type === SHT_NOBITS,
      alloc: (s.flags & SHF_ALLOC) !== 0,
      writable: (s.flags & SHF_WRITE) !== 0,
      symbols: sectionSymbols(elf, s.index),
      relocations: sectionRelocations(elf, s.index),
    }));
}
