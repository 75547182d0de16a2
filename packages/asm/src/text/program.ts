/** The result of assembling text: instructions per section, with the names they define and use. */
import type { Insn } from '@tbpf/isa';

export type Syntax = 'ubpf' | 'llvm';

/** A name defined in the text: a label, or a function declared with `.globl` / `.type`. */
export interface AsmSymbol {
  name: string;
  section: string;
  /** Instruction index within the section. */
  index: number;
  /** Byte offset within the section (8 bytes per slot). */
  offset: number;
  /** Size in bytes, from `.size`; 0 when unknown. */
  size: number;
  binding: 'local' | 'global' | 'weak';
  type: 'func' | 'notype';
}

/** A use of a name the assembler cannot resolve itself; the ELF writer emits it as a relocation. */
export interface AsmRelocation {
  section: string;
  /** Instruction index within the section. */
  index: number;
  /** Byte offset of the instruction within the section. */
  offset: number;
  symbol: string;
  /** R_BPF_64_64 for `lddw` (maps, globals), R_BPF_64_32 for calls. */
  type: 'R_BPF_64_64' | 'R_BPF_64_32';
}

export interface AsmSection {
  name: string;
  insns: Insn[];
  /** Every label of the section (including `.L` temporaries) → instruction index. */
  labels: Record<string, number>;
  /** Where each instruction is in the text (1-based line and column), by instruction index. */
  lines: { line: number; column: number }[];
}

/** A data section (`.data`, `.rodata`, `.bss`, `.maps`, `license` …) built from data directives. */
export interface AsmDataSection {
  name: string;
  /** Contents (zeros for `nobits`). */
  bytes: Uint8Array;
  /** Labels → byte offset. */
  labels: Record<string, number>;
  /** The labels that are symbols (not `.L` temporaries), with `.globl`/`.type`/`.size`. */
  symbols: AsmDataSymbol[];
  /** SHT_NOBITS (`.bss`): only the size is meaningful. */
  nobits: boolean;
  /** SHF_ALLOC: loaded with the program (not so `.BTF`, `.BTF.ext`). */
  alloc: boolean;
  /** SHF_WRITE (`.data`, `.bss`, `.maps`; not `.rodata`). */
  writable: boolean;
  /** `.quad sym` / `.long sym` — an address in data; the addend is in the bytes (REL, as clang). */
  relocations: AsmDataRelocation[];
}

export interface AsmDataRelocation {
  /** Byte offset in the section. */
  offset: number;
  symbol: string;
  type: 'R_BPF_64_ABS64' | 'R_BPF_64_ABS32';
}

/** A variable: a symbol in a data section. */
export interface AsmDataSymbol {
  name: string;
  /** Byte offset in the section. */
  offset: number;
  size: number;
  binding: 'local' | 'global' | 'weak';
  type: 'object' | 'notype';
}

export interface AsmProgram {
  syntax: Syntax;
  /** The instructions of the first section (the only one for plain programs). */
  insns: Insn[];
  /** The labels of the first section. */
  labels: Record<string, number>;
  /** Code sections, in first-use order. */
  sections: AsmSection[];
  /** Data sections, in first-use order. */
  data: AsmDataSection[];
  /** The code sections' labels and functions, in definition order, except `.L` temporaries. */
  symbols: AsmSymbol[];
  relocations: AsmRelocation[];
  /** Names declared `.weak` and defined nowhere: weak undefined symbols (`__weak` externs). */
  weakUndefined: string[];
}
