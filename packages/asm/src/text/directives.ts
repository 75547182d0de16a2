/**
 * Assembler directives of the LLVM syntax: sections, symbol binding and type, `.size`; the
 * debug and layout directives that do not change code (`.file`, `.loc`, `.p2align` …) are
 * accepted and ignored. Anything else is an error naming the directive.
 */

import type { PendingSection } from './assemble.js';
import { AsmError, type SourceLocation } from './errors.js';
import { parseIntLiteral, type Token, unquote } from './lexer.js';
import type { Statement } from './statements.js';

export interface SymbolAttrs {
  binding?: 'local' | 'global' | 'weak';
  type?: 'func' | 'notype';
}

export interface DirectiveState {
  current: PendingSection | undefined;
  sections: Map<string, PendingSection>;
  symbols: Map<string, SymbolAttrs>;
  /** `.size` requests, evaluated once every label is known. */
  sizes: { name: string; resolve(): number }[];
}

/** Directives that describe debug info or layout only; code is always 8-byte aligned. */
const IGNORED = new Set([
  '.file',
  '.loc',
  '.p2align',
  '.align',
  '.balign',
  '.ident',
  '.addrsig',
  '.addrsig_sym',
  '.local',
  '.hidden',
  '.protected',
  '.internal',
  '.cfi_sections',
  '.cfi_startproc',
  '.cfi_endproc',
  '.cfi_def_cfa',
  '.cfi_offset',
  '.type_size',
]);

type Directive = Extract<Statement, { kind: 'directive' }>;

function fail(loc: SourceLocation, reason: string, text: string, expected?: string): never {
  throw AsmError.at(loc, reason, text, expected);
}

function locOf(d: Directive, tok: Token | undefined): SourceLocation {
  return tok ? { ...d.loc, column: tok.column } : d.loc;
}

/** Split directive arguments at top-level commas. */
function splitArgs(args: Token[]): Token[][] {
  const out: Token[][] = [[]];
  for (const t of args) {
    if (t.kind === 'op' && t.text === ',') out.push([]);
    else out[out.length - 1].push(t);
  }
  return args.length === 0 ? [] : out;
}

/** A name written as an identifier, a string, or glued tokens such as `kprobe/sys_write`. */
function nameOf(d: Directive, toks: Token[] | undefined, what: string): string {
  if (!toks || toks.length === 0) fail(d.loc, `${d.name} needs ${what}`, d.name, what);
  if (toks.length === 1 && toks[0].kind === 'string') return unquote(toks[0].text);
  if (toks.some((t) => t.kind === 'string')) fail(locOf(d, toks[0]), `malformed ${what}`, toks[0].text, what);
  return toks.map((t) => t.text).join('');
}

function enterSection(state: DirectiveState, name: string): void {
  let s = state.sections.get(name);
  if (!s) {
    s = { name, items: [], labels: new Map() };
    state.sections.set(name, s);
  }
  state.current = s;
}

/** `.size name, expr` where expr is a number, `end-start` or `.-start` (labels of one section). */
function sizeRequest(d: Directive, args: Token[][], state: DirectiveState): void {
  const name = nameOf(d, args[0], 'a symbol name');
  const expr = args[1] ?? [];
  const here = state.current ? { section: state.current, index: state.current.items.length } : undefined;
  const labelIndex = (tok: Token): { section: PendingSection; index: number } => {
    if (tok.text === '.') {
      if (!here) fail(locOf(d, tok), "'.' outside a section", '.');
      return here;
    }
    for (const section of state.sections.values()) {
      const l = section.labels.get(tok.text);
      if (l) return { section, index: l.index };
    }
    return fail(
      locOf(d, tok),
      `unknown label '${tok.text}' in .size`,
      tok.text,
      'a label defined above or below',
    );
  };
  if (expr.length === 1 && expr[0].kind === 'num') {
    const v = parseIntLiteral(expr[0].text, true);
    if (v === undefined)
      fail(locOf(d, expr[0]), `invalid size '${expr[0].text}'`, expr[0].text, 'an integer');
    state.sizes.push({ name, resolve: () => Number(v) });
    return;
  }
  if (expr.length === 3 && expr[1].text === '-' && expr[0].kind === 'ident' && expr[2].kind === 'ident') {
    const [endTok, , startTok] = expr;
    state.sizes.push({
      name,
      resolve: () => {
        const end = endTok.text === '.' ? here : undefined;
        const a = end ?? labelIndex(endTok);
        const b = labelIndex(startTok);
        if (a.section !== b.section)
          fail(locOf(d, endTok), 'size across sections', endTok.text, 'labels of one section');
        const slots = (s: PendingSection, upto: number) =>
          s.items.slice(0, upto).reduce((n, it) => n + (it.insn.kind === 'lddw' ? 2 : 1), 0);
        return (slots(a.section, a.index) - slots(b.section, b.index)) * 8;
      },
    });
    return;
  }
  fail(
    locOf(d, expr[0]),
    'unsupported .size expression',
    expr.map((t) => t.text).join(' '),
    "a number or 'end-start'",
  );
}

export function applyDirective(d: Directive, state: DirectiveState): void {
  const args = splitArgs(d.args);
  switch (d.name) {
    case '.text':
      enterSection(state, '.text');
      return;
    case '.section':
    case '.pushsection':
      enterSection(state, nameOf(d, args[0], 'a section name'));
      return;
    case '.globl':
    case '.global':
    case '.weak': {
      for (const a of args) {
        const name = nameOf(d, a, 'a symbol name');
        const attrs = state.symbols.get(name) ?? {};
        attrs.binding = d.name === '.weak' ? 'weak' : 'global';
        state.symbols.set(name, attrs);
      }
      return;
    }
    case '.type': {
      const name = nameOf(d, args[0], 'a symbol name');
      const kind = (args[1] ?? []).map((t) => t.text).join('');
      const attrs = state.symbols.get(name) ?? {};
      if (/^[@%]?function$|^"function"$|^STT_FUNC$/.test(kind)) attrs.type = 'func';
      else if (/^[@%]?(object|notype)$|^STT_(OBJECT|NOTYPE)$/.test(kind)) attrs.type = 'notype';
      else fail(locOf(d, args[1]?.[0]), `unknown symbol type '${kind}'`, kind, '@function or @object');
      state.symbols.set(name, attrs);
      return;
    }
    case '.size':
      sizeRequest(d, args, state);
      return;
    default:
      if (IGNORED.has(d.name) || d.name.startsWith('.cfi_')) return;
      fail(
        d.loc,
        `unsupported directive '${d.name}'`,
        d.name,
        '.text, .section, .globl, .type, .size or an instruction',
      );
  }
}
