/**
 * The assembler driver: split lines, parse each in the chosen syntax, then resolve labels in a
 * second pass (`offset = target - pc - width`, in slots). Names it cannot resolve (maps, global
 * functions) become relocations for the ELF writer, as llvm-mc does.
 */
import { type Insn, insnWidth, slotStarts } from '@tbpf/isa';
import { withBranchOffset } from './branches.js';
import { applyDirective, type DirectiveState } from './directives.js';
import { AsmError, type SourceLocation } from './errors.js';
import { type Token, tokenize } from './lexer.js';
import { parseLlvmLine } from './llvm-syntax.js';
import type {
  AsmDataRelocation,
  AsmDataSection,
  AsmDataSymbol,
  AsmProgram,
  AsmRelocation,
  AsmSection,
  AsmSymbol,
  Syntax,
} from './program.js';
import type { Statement, SymbolRef } from './statements.js';
import { TokenCursor } from './tokens.js';
import { parseUbpfLine } from './ubpf-syntax.js';

export interface AssembleOptions {
  /** Input syntax; detected from the text when absent (see `detectSyntax`). */
  syntax?: Syntax;
  /** Name used in error messages. Default `<input>`. */
  fileName?: string;
}

interface Item {
  insn: Insn;
  ref?: SymbolRef;
  loc: SourceLocation;
}

export interface PendingSection {
  name: string;
  items: Item[];
  /** Label → instruction index, and byte offset for data sections. */
  labels: Map<string, { index: number; byte: number; loc: SourceLocation }>;
  /** Data bytes (`.byte`, `.asciz`, `.zero` …); a section holds code or data, not both. */
  bytes: number[];
  /** Where the first data directive is, to point at when code and data mix. */
  dataLoc?: SourceLocation;
  /** `@nobits` sections (`.bss`): only the size counts. */
  nobits: boolean;
  /** The ELF flags string of `.section NAME,"FLAGS"` ('aw', 'a', '' …), when one was given. */
  flags?: string;
  /** Symbols in data (`.quad sym`). */
  dataRelocs: AsmDataRelocation[];
}

/** A fresh section. */
export function newSection(name: string): PendingSection {
  return {
    name,
    items: [],
    labels: new Map(),
    bytes: [],
    nobits: name === '.bss' || name.startsWith('.bss.'),
    dataRelocs: [],
  };
}

/**
 * A data section's ELF flags: as `.section` gave them, else by name — read-only `.rodata*`,
 * non-allocated `.BTF*` and debug sections, writable everything else (`.data`, `.bss`, `.maps`).
 */
function dataFlags(pending: PendingSection): { alloc: boolean; writable: boolean } {
  if (pending.flags !== undefined)
    return { alloc: pending.flags.includes('a'), writable: pending.flags.includes('w') };
  if (/^\.(BTF|debug)/.test(pending.name)) return { alloc: false, writable: false };
  return { alloc: true, writable: !pending.name.startsWith('.rodata') };
}

/**
 * Guess the syntax: `%r1`, `[`…`]` and bare mnemonics mean ubpf; assignments, `goto`,
 * `*(u32 *)` and directives mean LLVM. Text with neither (e.g. just `exit`) reads the same in
 * both, and is called ubpf.
 */
export function detectSyntax(text: string): Syntax {
  let llvm = 0;
  let ubpf = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(#|\/\/).*$/, '').trim();
    if (line === '') continue;
    // ubpf lines never hold '=' or goto; LLVM lines never hold %r or a mnemonic before a register list.
    if (/=|\bgoto\b|\bgotol\b|^\.|^callx\b/.test(line)) llvm++;
    else if (/%r\d|\[/.test(line) || /^[a-z][a-z0-9]*\s+%?r\d+\s*,/i.test(line)) ubpf++;
  }
  return llvm > ubpf ? 'llvm' : 'ubpf';
}

function parseLines(text: string, syntax: Syntax, fileName: string): Statement[] {
  const statements: Statement[] = [];
  text.split('\n').forEach((lineText, i) => {
    const tokens: Token[] = tokenize(lineText, fileName, i + 1, syntax === 'llvm');
    const endColumn = lineText.trimEnd().length + 1;
    // LLVM syntax: `;` separates statements on one line.
    let start = 0;
    for (let k = 0; k <= tokens.length; k++) {
      if (k < tokens.length && tokens[k].text !== ';') continue;
      const part = tokens.slice(start, k);
      start = k + 1;
      if (part.length === 0) continue;
      const end = k < tokens.length ? tokens[k].column : endColumn;
      const cur = new TokenCursor(part, fileName, i + 1, end, syntax === 'llvm');
      statements.push(...(syntax === 'ubpf' ? parseUbpfLine(cur) : parseLlvmLine(cur)));
    }
  });
  return statements;
}

function fail(loc: SourceLocation, reason: string, text: string, expected?: string): never {
  throw AsmError.at(loc, reason, text, expected);
}

function resolveSection(
  section: PendingSection,
  syntax: Syntax,
  attrs: DirectiveState,
  relocations: AsmRelocation[],
): Insn[] {
  const insns = section.items.map((it) => it.insn);
  const starts = slotStarts(insns);
  section.items.forEach((item, i) => {
    const ref = item.ref;
    if (!ref) return;
    const at = insns[i];
    const target = section.labels.get(ref.name);
    const global = attrs.symbols.get(ref.name)?.binding;
    if (ref.use === 'lddw' || (ref.use === 'call' && (!target || (global && global !== 'local')))) {
      if (ref.use === 'call' && syntax === 'ubpf')
        fail(ref.loc, `unknown function '${ref.name}'`, ref.name, 'a label defined in this program');
      relocations.push({
        section: section.name,
        index: i,
        offset: starts[i] * 8,
        symbol: ref.name,
        type: ref.use === 'lddw' ? 'R_BPF_64_64' : 'R_BPF_64_32',
      });
      if (at.kind === 'call') insns[i] = { ...at, imm: -1 };
      return;
    }
    if (!target)
      fail(ref.loc, `unknown label '${ref.name}'`, ref.name, `a label defined in section ${section.name}`);
    const patched = withBranchOffset(at, starts[target.index] - (starts[i] + insnWidth(at)));
    if (typeof patched === 'string') fail(ref.loc, `'${ref.name}': ${patched}`, ref.name);
    insns[i] = patched;
  });
  return insns;
}

function dataSection(pending: PendingSection, state: DirectiveState): AsmDataSection {
  const labels: Record<string, number> = {};
  const symbols: AsmDataSymbol[] = [];
  for (const [name, { byte }] of pending.labels) {
    labels[name] = byte;
    if (name.startsWith('.L')) continue;
    const attrs = state.symbols.get(name);
    const type = attrs?.type === 'object' ? 'object' : 'notype';
    symbols.push({ name, offset: byte, size: 0, binding: attrs?.binding ?? 'local', type });
  }
  return {
    name: pending.name,
    bytes: Uint8Array.from(pending.bytes),
    labels,
    symbols,
    nobits: pending.nobits,
    ...dataFlags(pending),
    relocations: pending.dataRelocs,
  };
}

/** Assemble text in either syntax. Throws only `AsmError`. */
export function assemble(text: string, options: AssembleOptions = {}): AsmProgram {
  const fileName = options.fileName ?? '<input>';
  const syntax = options.syntax ?? detectSyntax(text);
  const statements = parseLines(text, syntax, fileName);
  const state: DirectiveState = { current: undefined, sections: new Map(), symbols: new Map(), sizes: [] };
  const sectionFor = (): PendingSection => {
    if (!state.current) {
      state.current = state.sections.get('.text') ?? newSection('.text');
      state.sections.set('.text', state.current);
    }
    return state.current;
  };
  let firstExit: { section: PendingSection; index: number } | undefined;
  let implicitExit = false;
  for (const st of statements) {
    if (st.kind === 'directive') {
      applyDirective(st, state);
      continue;
    }
    const section = sectionFor();
    if (st.kind === 'label') {
      const prev = section.labels.get(st.name);
      if (prev)
        fail(
          st.loc,
          `label '${st.name}' is already defined at line ${prev.loc.line}`,
          st.name,
          'a new label name',
        );
      section.labels.set(st.name, { index: section.items.length, byte: section.bytes.length, loc: st.loc });
      continue;
    }
    if (section.dataLoc) {
      fail(
        st.loc,
        `instruction in data section '${section.name}' (data from line ${section.dataLoc.line})`,
        section.name,
        'a code section',
      );
    }
    if (st.insn.kind === 'exit' && !firstExit) firstExit = { section, index: section.items.length };
    section.items.push({ insn: st.insn, loc: st.loc, ...(st.ref ? { ref: st.ref } : {}) });
  }
  // bpf_conformance convention: `exit` names the first exit instruction.
  if (syntax === 'ubpf' && firstExit && !firstExit.section.labels.has('exit')) {
    firstExit.section.labels.set('exit', {
      index: firstExit.index,
      byte: 0,
      loc: { fileName, line: 0, column: 0 },
    });
    implicitExit = true;
  }
  const relocations: AsmRelocation[] = [];
  // ubpf text has no `.type`: its local-call targets are the functions. (LLVM text says so itself.)
  const called = new Set<string>();
  for (const pending of syntax === 'ubpf' ? state.sections.values() : []) {
    for (const it of pending.items) if (it.ref?.use === 'call') called.add(`${pending.name}\0${it.ref.name}`);
  }
  const sections: AsmSection[] = [];
  const data: AsmDataSection[] = [];
  const symbols: AsmSymbol[] = [];
  for (const pending of state.sections.values()) {
    const isData = pending.bytes.length > 0 && pending.items.length === 0;
    if (isData) {
      data.push(dataSection(pending, state));
      continue;
    }
    const insns = resolveSection(pending, syntax, state, relocations);
    const starts = slotStarts(insns);
    const labels: Record<string, number> = {};
    for (const [name, { index }] of pending.labels) {
      labels[name] = index;
      if (name.startsWith('.L') || (implicitExit && name === 'exit' && pending === firstExit?.section))
        continue;
      const attrs = state.symbols.get(name);
      const type = attrs?.type === 'func' || called.has(`${pending.name}\0${name}`) ? 'func' : 'notype';
      symbols.push({
        name,
        section: pending.name,
        index,
        offset: starts[index] * 8,
        size: 0,
        binding: attrs?.binding ?? 'local',
        type,
      });
    }
    const lines = pending.items.map(({ loc }) => ({ line: loc.line, column: loc.column }));
    sections.push({ name: pending.name, insns, labels, lines });
  }
  for (const size of state.sizes) {
    const sym =
      symbols.find((s) => s.name === size.name) ??
      data.flatMap((d) => d.symbols).find((s) => s.name === size.name);
    if (sym) sym.size = size.resolve();
  }
  const first = sections[0] ?? { insns: [], labels: {} };
  const defined = new Set([...symbols, ...data.flatMap((d) => d.symbols)].map((s) => s.name));
  const weakUndefined = [...state.symbols]
    .filter(([name, attrs]) => attrs.binding === 'weak' && !defined.has(name))
    .map(([name]) => name);
  return {
    syntax,
    insns: first.insns,
    labels: first.labels,
    sections,
    data,
    symbols,
    relocations,
    weakUndefined,
  };
}
