/**
 * Listings: a section's instructions with addresses, raw bytes, symbol headers and branch-target
 * annotations, in the layout of `llvm-objdump -d` (LLVM 19) or of `bpftool prog dump xlated`.
 */
import { decodeAt, type Endian, encode, type Insn, IsaError, insnWidth, readSlots } from '@tbpf/isa';
import { formatKernel, type KernelFormatOptions } from './format-kernel.js';
import { formatLlvm, type LlvmFormatOptions } from './format-llvm.js';
import { formatUbpf } from './format-ubpf.js';

/** `ubpf` prints the bpf_conformance mnemonic syntax (instruction text only; listings use llvm's layout). */
export type DisasmStyle = 'llvm' | 'kernel' | 'ubpf';

export interface FormatInsnOptions extends LlvmFormatOptions, KernelFormatOptions {
  /** Default 'llvm'. */
  style?: DisasmStyle;
}

/** One instruction's text in the chosen style (kernel style includes the `(op)` prefix). */
export function formatInsn(insn: Insn, options: FormatInsnOptions = {}): string {
  if (options.style === 'kernel') return formatKernel(insn, options);
  return options.style === 'ubpf' ? formatUbpf(insn) : formatLlvm(insn, options);
}

/** A symbol as the listing needs it: a name at a byte offset of the section. */
export interface ListingSymbol {
  name: string;
  /** Byte offset in the section. */
  offset: number;
  /** Functions win over objects over plain labels when several share an address (as in llvm-objdump). */
  type?: 'func' | 'object' | 'notype';
  /** Default 'local'. */
  binding?: 'local' | 'global' | 'weak';
  /** Size in bytes, when known. */
  size?: number;
}

/** A relocation to print under its instruction (like `llvm-objdump -dr`). */
export interface ListingRelocation {
  /** Byte offset in the section. */
  offset: number;
  type: string;
  /** The symbol's name; for a section symbol, the section's name. */
  symbol: string;
  /** The relocation is against a section symbol (how llvm-mc refers to local symbols). */
  sectionSymbol?: boolean;
  addend?: number;
  /** The symbol is undefined and weak (a `__weak` extern): assembly text declares it `.weak`. */
  weakUndefined?: boolean;
}

/** A data section (not SHF_EXECINSTR), for `formatAssembly`. */
export interface DataSectionInput {
  name: string;
  /** Contents; for `nobits` only the length counts. */
  bytes: Uint8Array;
  nobits: boolean;
  /** SHF_ALLOC (false for `.BTF` and `.BTF.ext`). */
  alloc: boolean;
  writable: boolean;
  /** Addresses in the data (pointers in `.data`): printed as `.quad symbol`. */
  relocations?: readonly ListingRelocation[];
  symbols: ListingSymbol[];
}

/** A line of source recorded for the instruction at `offset`. */
export interface SourceLine {
  offset: number;
  text: string;
  file?: string;
  line?: number;
}

/** One line of code: an instruction, a slot that does not decode, or a run of zero bytes. */
export interface ListingEntry {
  /** Byte offset in the section. */
  offset: number;
  bytes: Uint8Array;
  insn?: Insn;
  /** Why the bytes do not decode (when `insn` is absent and this is not a zero run). */
  error?: string;
  /** llvm-objdump prints runs of 8 or more zero bytes as `...`. */
  zeros?: boolean;
}

export interface DisasmSectionInput {
  name: string;
  /** The code: decoded instructions, or raw bytes (undecodable slots are shown, not thrown). */
  insns?: readonly Insn[];
  bytes?: Uint8Array;
  endian?: Endian;
  symbols?: readonly ListingSymbol[];
  relocations?: readonly ListingRelocation[];
  /** Source lines to print above the instruction at `offset` (from BTF line info), as `llvm-objdump -S`. */
  lines?: readonly SourceLine[];
}

export interface DisassembleOptions extends FormatInsnOptions {
  /** Show the raw instruction bytes (llvm style), like `llvm-objdump -d`; default false (`--no-show-raw-insn`). */
  rawBytes?: boolean;
  /** Print relocations under their instructions, like `llvm-objdump -dr`. Default false. */
  showRelocations?: boolean;
  /**
   * Kernel style: the map a relocated `lddw` loads, by the relocation's symbol — its id and,
   * for global data, the variable's offset in the map's value — so that the listing reads
   * `r1 = map[id:1]` / `r1 = map[id:3][0]+8` as bpftool prints a loaded program.
   */
  mapOf?: (symbol: string, sectionSymbol: boolean) => { id: number; valueOffset?: number } | undefined;
}

/**
 * Decode bytes slot by slot; what does not decode becomes an entry with `error`, never an
 * exception. Runs of zero bytes are folded as llvm-objdump does, never across a `stops` offset
 * (symbol addresses).
 */
export function listBytes(
  bytes: Uint8Array,
  endian: Endian = 'little',
  stops: readonly number[] = [],
): ListingEntry[] {
  const whole = bytes.subarray(0, bytes.length - (bytes.length % 8));
  const slots = readSlots(whole, endian);
  const entries: ListingEntry[] = [];
  let at = 0;
  const sortedStops = [...stops].sort((a, b) => a - b);
  let nextStop = 0;
  while (at < bytes.length) {
    while (nextStop < sortedStops.length && sortedStops[nextStop] <= at) nextStop++;
    const limit = Math.min(bytes.length, sortedStops[nextStop] ?? bytes.length);
    let zeros = 0;
    while (at + zeros < limit && bytes[at + zeros] === 0) zeros++;
    if (zeros >= 8) {
      const n = zeros & ~3;
      entries.push({ offset: at, bytes: bytes.subarray(at, at + n), zeros: true });
      at += n;
      continue;
    }
    if (at % 8 !== 0 || at + 8 > whole.length) {
      const size = Math.min(8 - (at % 8), bytes.length - at);
      entries.push({ offset: at, bytes: bytes.subarray(at, at + size), error: 'truncated instruction' });
      at += size;
      continue;
    }
    try {
      const { insn, width } = decodeAt(slots, at / 8, entries.length);
      entries.push({ offset: at, bytes: bytes.subarray(at, at + width * 8), insn });
      at += width * 8;
    } catch (e) {
      const error = e instanceof IsaError ? e.reason : (e as Error).message;
      entries.push({ offset: at, bytes: bytes.subarray(at, at + 8), error });
      at += 8;
    }
  }
  return entries;
}

/** Entries for already decoded instructions (encoded once, then sliced). */
export function listInsns(insns: readonly Insn[], endian: Endian = 'little'): ListingEntry[] {
  const bytes = encode(insns, endian);
  const entries: ListingEntry[] = [];
  let at = 0;
  for (const insn of insns) {
    const size = insnWidth(insn) * 8;
    entries.push({ offset: at, bytes: bytes.subarray(at, at + size), insn });
    at += size;
  }
  return entries;
}

interface SortedSymbol {
  name: string;
  offset: number;
  rank: number;
}

/** llvm-objdump ranks by ELF symbol type number: STT_NOTYPE 0, STT_OBJECT 1, STT_FUNC 2. */
const RANK = { section: -1, notype: 0, object: 1, func: 2 };

/**
 * Symbols in llvm-objdump's order: by address, then type (FUNC above NOTYPE), then name. The
 * last one at an address is the one it prints. The section name stands in at offset 0 with
 * the lowest rank.
 */
function sortSymbols(section: string, symbols: readonly ListingSymbol[]): SortedSymbol[] {
  const all: SortedSymbol[] = [
    { name: section, offset: 0, rank: RANK.section },
    ...symbols.map((s) => ({ name: s.name, offset: s.offset, rank: RANK[s.type ?? 'notype'] })),
  ];
  return all.sort(
    (a, b) => a.offset - b.offset || a.rank - b.rank || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

const U64 = (1n << 64n) - 1n;

/** `<sym>` or `<sym+0x10>` for a branch target, with llvm-objdump's unsigned 64-bit wrap-around. */
function targetAnnotation(symbols: SortedSymbol[], target: bigint): string {
  const t = target & U64;
  let best: SortedSymbol | undefined;
  for (const s of symbols) if (BigInt(s.offset) <= t) best = s;
  if (!best) return '';
  const delta = t - BigInt(best.offset);
  return ` <${best.name}${delta === 0n ? '' : `+0x${delta.toString(16)}`}>`;
}

/** Byte offset a jump or gotol goes to (unsigned 64-bit, as llvm-objdump computes it). */
export function branchTarget(entry: ListingEntry): bigint | undefined {
  const insn = entry.insn;
  if (!insn) return undefined;
  const next = BigInt(entry.offset + entry.bytes.length);
  if (insn.kind === 'jmp' || insn.kind === 'ja') return next + BigInt(insn.off) * 8n;
  if (insn.kind === 'gotol') return next + BigInt(insn.imm) * 8n;
  return undefined;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hexBytes = (b: Uint8Array) => {
  let s = HEX[b[0]] ?? '';
  for (let i = 1; i < b.length; i++) s += ` ${HEX[b[i]]}`;
  return s;
};

/**
 * The source line to print above each instruction, chosen as llvm-objdump -S does: the first
 * record at the instruction's offset, unless the previous instruction had a record for the
 * same file and line (so a statement spanning several instructions is shown once, but shown
 * again after instructions without a record).
 */
function sourceLines(section: DisasmSectionInput, entries: readonly ListingEntry[]): Map<number, string> {
  const at = new Map<number, SourceLine>();
  for (const l of section.lines ?? []) if (!at.has(l.offset)) at.set(l.offset, l);
  const shown = new Map<number, string>();
  let previous: SourceLine | undefined;
  for (const e of entries) {
    const line = at.get(e.offset);
    const same =
      line &&
      previous &&
      line.file === previous.file &&
      (line.line ?? line.text) === (previous.line ?? previous.text);
    if (line && line.text !== '' && !same) shown.set(e.offset, line.text);
    previous = line;
  }
  return shown;
}

/** The entries of a section, from its instructions or its bytes. */
export function listSection(section: DisasmSectionInput): ListingEntry[] {
  if (section.insns) return listInsns(section.insns, section.endian);
  const stops = (section.symbols ?? []).map((s) => s.offset);
  return listBytes(section.bytes ?? new Uint8Array(), section.endian, stops);
}

function llvmSection(section: DisasmSectionInput, options: DisassembleOptions): string {
  const symbols = sortSymbols(section.name, section.symbols ?? []);
  const headers = new Map<number, string>();
  for (const s of symbols) headers.set(s.offset, s.name);
  const relocs = new Map<number, ListingRelocation[]>();
  for (const r of section.relocations ?? []) relocs.set(r.offset, [...(relocs.get(r.offset) ?? []), r]);
  const entries = listSection(section);
  const lines = sourceLines(section, entries);
  const out: string[] = [`\nDisassembly of section ${section.name}:\n`];
  for (const e of entries) {
    const header = headers.get(e.offset);
    if (header !== undefined) out.push(`\n${e.offset.toString(16).padStart(16, '0')} <${header}>:\n`);
    const line = lines.get(e.offset);
    if (line) out.push(`; ${line}\n`);
    if (e.zeros) {
      out.push('\t\t...\n');
      continue;
    }
    const index = `${String(Math.floor(e.offset / 8)).padStart(8)}:`;
    const bytes = options.rawBytes ? `\t${hexBytes(e.bytes)}` : '';
    let text = e.insn ? formatLlvm(e.insn, options) : '<unknown>';
    const target = branchTarget(e);
    if (target !== undefined) text += targetAnnotation(symbols, target);
    out.push(`${index}${bytes}\t${text}\n`);
    if (options.showRelocations) {
      for (let at = e.offset; at < e.offset + e.bytes.length; at++) {
        for (const r of relocs.get(at) ?? []) {
          const addend = r.addend ? `+0x${r.addend.toString(16)}` : '';
          out.push(`\t\t${r.offset.toString(16).padStart(16, '0')}:  ${r.type}\t${r.symbol}${addend}\n`);
        }
      }
    }
  }
  return out.join('');
}

function kernelSection(section: DisasmSectionInput, options: DisassembleOptions): string {
  const relocs = new Map((section.relocations ?? []).map((r) => [r.offset, r]));
  const names = new Map<number, string>();
  for (const s of sortSymbols(section.name, section.symbols ?? []))
    if (s.rank >= 0) names.set(s.offset, s.name);
  let out = '';
  for (const e of listSection(section)) {
    const name = names.get(e.offset);
    if (name !== undefined) out += `${name}:\n`;
    const index = String(Math.floor(e.offset / 8)).padStart(4);
    if (e.zeros) out += `${index}: (00) ...\n`;
    else if (!e.insn)
      out += `${index}: (${(e.bytes[0] ?? 0).toString(16).padStart(2, '0')}) BUG: ${e.error}\n`;
    else out += `${index}: ${formatKernel(asLoaded(e.insn, relocs.get(e.offset), options), options)}\n`;
  }
  return out;
}

/** A relocated `lddw` as the kernel holds it once loaded: the map's id, or a map value's address. */
function asLoaded(insn: Insn, reloc: ListingRelocation | undefined, options: DisassembleOptions): Insn {
  if (!reloc || !options.mapOf || insn.kind !== 'lddw' || insn.source !== 'imm64') return insn;
  const map = options.mapOf(reloc.symbol, !!reloc.sectionSymbol);
  if (!map) return insn;
  if (map.valueOffset === undefined) return { ...insn, source: 'map_fd', imm: map.id, imm2: 0 };
  return { ...insn, source: 'map_value', imm: map.id, imm2: map.valueOffset + insn.imm };
}

/**
 * A listing of one section (instructions or bytes) or several. llvm style reproduces
 * `llvm-objdump -d` from the `Disassembly of section` line on (add `rawBytes` for the bytes
 * column); kernel style reproduces `bpftool prog dump xlated`.
 */
export function disassemble(
  input: readonly Insn[] | DisasmSectionInput | readonly DisasmSectionInput[],
  options: DisassembleOptions = {},
): string {
  const sections: readonly DisasmSectionInput[] = isSectionList(input)
    ? input
    : [isInsnList(input) ? { name: '.text', insns: input } : input];
  const one = options.style === 'kernel' ? kernelSection : llvmSection;
  return sections.map((s) => one(s, options)).join(options.style === 'kernel' ? '\n' : '');
}

function isInsnList(x: unknown): x is readonly Insn[] {
  return Array.isArray(x) && (x.length === 0 || 'kind' in (x[0] as object));
}

function isSectionList(x: unknown): x is readonly DisasmSectionInput[] {
  return Array.isArray(x) && x.length > 0 && 'name' in (x[0] as object) && !('kind' in (x[0] as object));
}

/** A machine-readable listing: one object per line of code. */
export interface JsonListingEntry {
  section: string;
  /** Slot index. */
  index: number;
  offset: number;
  bytes: string;
  text: string;
  insn?: Insn;
  error?: string;
  /** Branch target as a slot index, when the instruction branches. */
  target?: number;
  /** Symbols defined at this offset. */
  labels?: string[];
  /** Relocations applying to this instruction. */
  relocations?: { type: string; symbol: string }[];
  /** The source line recorded for this instruction (BTF line info), when given. */
  source?: string;
}

export function disassembleJson(
  input: readonly Insn[] | DisasmSectionInput | readonly DisasmSectionInput[],
  options: FormatInsnOptions = {},
): JsonListingEntry[] {
  const sections: readonly DisasmSectionInput[] = isSectionList(input)
    ? input
    : [isInsnList(input) ? { name: '.text', insns: input } : input];
  const out: JsonListingEntry[] = [];
  for (const s of sections) {
    const entries = listSection(s);
    const lines = sourceLines(s, entries);
    for (const e of entries) {
      const labels = (s.symbols ?? []).filter((sym) => sym.offset === e.offset).map((sym) => sym.name);
      const relocations = (s.relocations ?? [])
        .filter((r) => r.offset >= e.offset && r.offset < e.offset + e.bytes.length)
        .map((r) => ({ type: r.type, symbol: r.symbol }));
      const source = lines.get(e.offset);
      const target = branchTarget(e);
      out.push({
        section: s.name,
        index: Math.floor(e.offset / 8),
        offset: e.offset,
        bytes: hexBytes(e.bytes),
        text: e.insn ? formatInsn(e.insn, options) : e.zeros ? '...' : '<unknown>',
        ...(e.insn ? { insn: e.insn } : {}),
        ...(e.error ? { error: e.error } : {}),
        ...(target !== undefined ? { target: Number(BigInt.asIntN(64, target) / 8n) } : {}),
        ...(labels.length ? { labels } : {}),
        ...(relocations.length ? { relocations } : {}),
        ...(source ? { source } : {}),
      });
    }
  }
  return out;
}
