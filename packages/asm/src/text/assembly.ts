/**
 * Sections printed as LLVM-syntax assembler source that `assemble` and llvm-mc-19 turn back
 * into the same instructions: labels instead of branch offsets, `call fn` for local calls,
 * `r1 = map ll` / `call fn` where relocations name a symbol, `.globl`/`.type`/`.size` for
 * the symbols. What the syntax cannot say (kfunc calls, `skb[rN + imm]`, the second immediate
 * of `ld_pseudo`, undecodable bytes) is printed as close as it gets, with a `#` comment.
 */
import type { Insn } from '@tbpf/isa';
import { formatLlvm } from './format-llvm.js';
import {
  branchTarget,
  type DataSectionInput,
  type DisasmSectionInput,
  type ListingEntry,
  type ListingSymbol,
  listSection,
} from './listing.js';

const IDENT = /^[A-Za-z_.$][A-Za-z0-9_.$]*$/;

function sectionDirective(name: string): string {
  return name === '.text' ? '\t.text' : `\t.section\t${JSON.stringify(name)},"ax",@progbits`;
}

/** What LLVM syntax loses for this instruction, if anything. */
function loss(insn: Insn): string | undefined {
  if (insn.kind === 'call' && insn.target === 'kfunc') return 'a kfunc call (src 2): LLVM syntax has none';
  if (insn.kind === 'ldind' && insn.imm !== 0)
    return `skb[rN + ${insn.imm}]: LLVM syntax has no immediate here`;
  if (insn.kind === 'lddw' && insn.source !== 'imm64' && insn.imm2 !== 0)
    return `ld_pseudo drops the second immediate ${insn.imm2}`;
  return undefined;
}

interface SectionText {
  labels: Map<number, string[]>;
  lines: Map<number, string>;
}

/** Named symbols by section, to turn `call` + a section-symbol relocation back into `call name`. */
type SymbolsBySection = Map<string, readonly ListingSymbol[]>;

function sectionText(
  section: DisasmSectionInput,
  index: number,
  all: SymbolsBySection,
  dataNames: ReadonlySet<string>,
): SectionText {
  const entries = listSection(section);
  const starts = new Set(entries.filter((e) => e.insn).map((e) => e.offset));
  const symbols: ListingSymbol[] = (section.symbols ?? []).filter((s) => IDENT.test(s.name));
  const labels = new Map<number, string[]>();
  for (const s of symbols) labels.set(s.offset, [...(labels.get(s.offset) ?? []), s.name]);
  const global = new Set(symbols.filter((s) => (s.binding ?? 'local') !== 'local').map((s) => s.name));
  const relocs = new Map((section.relocations ?? []).map((r) => [r.offset, r]));

  /**
   * A local label at `offset`, existing or new (`.L…`): a call to a global name would become a
   * relocation, and llvm-mc rejects jumps to global names.
   */
  const labelAt = (offset: bigint): string | undefined => {
    const at = Number(offset);
    if (offset < 0n || offset > BigInt(Number.MAX_SAFE_INTEGER) || !starts.has(at)) return undefined;
    const names = labels.get(at) ?? [];
    const usable = names.find((n) => !global.has(n));
    if (usable) return usable;
    const made = `.L${index}_${at.toString(16)}`;
    labels.set(at, [...names, made]);
    return made;
  };

  const lines = new Map<number, string>();
  const text = (e: ListingEntry): string => {
    if (e.zeros) return `# ${e.bytes.length} zero bytes (no instruction)`;
    if (!e.insn)
      return `# <unknown>: ${Array.from(e.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ')}`;
    const insn = e.insn;
    const plain = formatLlvm(insn, { alu32: true });
    const reloc = relocs.get(e.offset);
    if (reloc && IDENT.test(reloc.symbol)) {
      // Through a section's symbol (a local variable or function) only when this text holds
      // that section: llvm-mc reads the section's name as its symbol.
      const reachable = !reloc.sectionSymbol || dataNames.has(reloc.symbol) || all.has(reloc.symbol);
      if (
        insn.kind === 'lddw' &&
        insn.source === 'imm64' &&
        insn.imm2 === 0 &&
        reloc.type === 'R_BPF_64_64' &&
        reachable
      ) {
        const addend = insn.imm === 0 ? '' : insn.imm < 0 ? `-${-insn.imm}` : `+${insn.imm}`;
        return `r${insn.dst} = ${reloc.symbol}${addend} ll`;
      }
      if (insn.kind === 'call' && reloc.type === 'R_BPF_64_32') {
        if (!reloc.sectionSymbol) return `call ${reloc.symbol}`;
        // llvm-mc's form for a local function in another section: the section's symbol, imm = slot - 1.
        const target = (insn.imm + 1) * 8;
        const callee = all.get(reloc.symbol)?.find((s) => s.offset === target && IDENT.test(s.name));
        if (callee) return `call ${callee.name}`;
      }
      if (reloc.sectionSymbol)
        return `${plain} # relocated against section ${reloc.symbol}, which this text does not hold`;
    }
    const target = branchTarget(e);
    if (target !== undefined) {
      const label = labelAt(target);
      return label ? plain.replace(/ [+-]0x[0-9a-f]+$/, ` ${label}`) : plain;
    }
    if (insn.kind === 'call' && insn.target === 'local') {
      const label = labelAt(BigInt(e.offset + 8 + insn.imm * 8));
      return label ? `call ${label}` : `${plain} # a local call whose target is not an instruction`;
    }
    const lost = loss(insn);
    return lost ? `${plain} # ${lost}` : plain;
  };
  for (const e of entries) lines.set(e.offset, text(e));
  return { labels, lines };
}

const DATA_ADDRESS: Record<string, { width: number; directive: string }> = {
  R_BPF_64_ABS64: { width: 8, directive: '.quad' },
  R_BPF_64_ABS32: { width: 4, directive: '.long' },
};

/** The little-endian value of `bytes` (a REL relocation's addend). */
function addendOf(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return BigInt.asIntN(bytes.length * 8, v);
}

/**
 * Data as `.byte` lines (16 a line) and `.zero` runs, with the section's symbols as labels and
 * addresses (`.quad sym+8`) where a relocation says the bytes hold one.
 */
function dataText(d: DataSectionInput, dataNames: ReadonlySet<string>): string {
  const flags = `"${d.alloc ? 'a' : ''}${d.writable ? 'w' : ''}",${d.nobits ? '@nobits' : '@progbits'}`;
  let out = `\t.section\t${IDENT.test(d.name) ? d.name : JSON.stringify(d.name)},${flags}\n`;
  const symbols = d.symbols.filter((s) => IDENT.test(s.name));
  for (const s of symbols) {
    if (s.binding === 'global') out += `\t.globl\t${s.name}\n`;
    if (s.binding === 'weak') out += `\t.weak\t${s.name}\n`;
    if (s.type === 'object') out += `\t.type\t${s.name},@object\n`;
  }
  // Addresses llvm-mc can write back: of a symbol, or of a section this text holds.
  const addresses = new Map(
    (d.alloc && !d.nobits ? (d.relocations ?? []) : [])
      .filter(
        (r) => DATA_ADDRESS[r.type] && IDENT.test(r.symbol) && (!r.sectionSymbol || dataNames.has(r.symbol)),
      )
      .map((r) => [r.offset, r]),
  );
  const cuts = [
    ...new Set([
      0,
      d.bytes.length,
      ...symbols.map((s) => s.offset),
      ...[...addresses.values()].flatMap((r) => [r.offset, r.offset + DATA_ADDRESS[r.type].width]),
    ]),
  ]
    .filter((o) => o <= d.bytes.length)
    .sort((a, b) => a - b);
  for (let i = 0; i < cuts.length; i++) {
    for (const s of symbols) if (s.offset === cuts[i]) out += `${s.name}:\n`;
    const end = cuts[i + 1] ?? cuts[i];
    if (d.nobits) {
      if (end > cuts[i]) out += `\t.zero\t${end - cuts[i]}\n`;
      continue;
    }
    const address = addresses.get(cuts[i]);
    if (address) {
      const { width, directive } = DATA_ADDRESS[address.type];
      const addend = addendOf(d.bytes.subarray(cuts[i], cuts[i] + width));
      out += `\t${directive}\t${address.symbol}${addend === 0n ? '' : addend < 0n ? addend : `+${addend}`}\n`;
      continue;
    }
    for (let at = cuts[i]; at < end; at += 16) {
      out += `\t.byte\t${Array.from(d.bytes.subarray(at, Math.min(at + 16, end)), (b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')}\n`;
    }
  }
  for (const s of symbols) if (s.size) out += `\t.size\t${s.name}, ${s.size}\n`;
  return out;
}

/**
 * LLVM-syntax assembler source for code sections (for example `objectSections(readElf(bytes))`)
 * and, optionally, data sections (`objectData(readElf(bytes))`), which code may refer to.
 */
export function formatAssembly(
  sections: readonly DisasmSectionInput[],
  data: readonly DataSectionInput[] = [],
): string {
  const all: SymbolsBySection = new Map(sections.map((s) => [s.name, s.symbols ?? []]));
  const dataNames = new Set(data.map((d) => d.name));
  let out = '';
  sections.forEach((section, index) => {
    const { labels, lines } = sectionText(section, index, all, dataNames);
    out += `${sectionDirective(section.name)}\n`;
    for (const s of section.symbols ?? []) {
      if (!IDENT.test(s.name)) continue;
      if (s.binding === 'global') out += `\t.globl\t${s.name}\n`;
      if (s.binding === 'weak') out += `\t.weak\t${s.name}\n`;
      if (s.type === 'func') out += `\t.type\t${s.name},@function\n`;
    }
    const offsets = [...new Set([...lines.keys(), ...labels.keys()])].sort((a, b) => a - b);
    for (const offset of offsets) {
      for (const name of labels.get(offset) ?? []) out += `${name}:\n`;
      const line = lines.get(offset);
      if (line !== undefined) out += `\t${line}\n`;
    }
    for (const s of section.symbols ?? []) {
      if (IDENT.test(s.name) && s.type === 'func' && s.size) out += `\t.size\t${s.name}, ${s.size}\n`;
    }
  });
  for (const d of data) out += dataText(d, dataNames);
  // Weak undefined symbols (`__weak` externs), as clang's assembly output declares them.
  const weak = new Set(
    sections.flatMap((s) => (s.relocations ?? []).filter((r) => r.weakUndefined).map((r) => r.symbol)),
  );
  for (const name of weak) if (IDENT.test(name)) out += `\t.weak\t${name}\n`;
  return out;
}
