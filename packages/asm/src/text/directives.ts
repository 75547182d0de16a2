/**
 * Assembler directives of the LLVM syntax: sections, symbol binding and type, `.size`, data
 * (`.byte` … `.quad`, `.ascii`, `.asciz`, `.zero`, `.p2align` padding, local `.comm`); the debug
 * directives that do not change code or data (`.file`, `.loc`, `.addrsig` …) are accepted and
 * ignored. Anything else is an error naming the directive.
 */

import { newSection, type PendingSection } from './assemble.js';
import { AsmError, type SourceLocation } from './errors.js';
import { parseIntLiteral, type Token, unquote } from './lexer.js';
import type { Statement } from './statements.js';

export interface SymbolAttrs {
  binding?: 'local' | 'global' | 'weak';
  type?: 'func' | 'object' | 'notype';
}

export interface DirectiveState {
  current: PendingSection | undefined;
  sections: Map<string, PendingSection>;
  symbols: Map<string, SymbolAttrs>;
  /** `.size` requests, evaluated once every label is known. */
  sizes: { name: string; resolve(): number }[];
}

/** Directives that describe debug info only. */
const IGNORED = new Set([
  '.file',
  '.loc',
  '.ident',
  '.addrsig',
  '.addrsig_sym',
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

function enterSection(state: DirectiveState, name: string, flags = ''): void {
  let s = state.sections.get(name);
  if (!s) {
    s = newSection(name);
    state.sections.set(name, s);
  }
  if (flags.includes('@nobits')) s.nobits = true;
  const quoted = /^"([^"]*)"/.exec(flags);
  if (quoted) s.flags = quoted[1];
  state.current = s;
}

const DATA_WIDTH: Record<string, 1 | 2 | 4 | 8> = {
  '.byte': 1,
  '.short': 2,
  '.hword': 2,
  '.2byte': 2,
  '.long': 4,
  '.int': 4,
  '.4byte': 4,
  '.quad': 8,
  '.8byte': 8,
};

/** The section data goes to (`.text` when none was named yet), marked as holding data. */
function dataSection(d: Directive, state: DirectiveState): PendingSection {
  if (!state.current) enterSection(state, '.text');
  const s = state.current as PendingSection;
  if (s.items.length > 0)
    fail(d.loc, `data in code section '${s.name}'`, d.name, 'a data section (.data, .rodata, …)');
  s.dataLoc ??= d.loc;
  return s;
}

/** `sym`, `sym+N` or `sym-N` (for `.quad` and `.long`); undefined for anything else. */
function symbolRef(toks: Token[]): { symbol: string; addend: bigint } | undefined {
  if (toks.length === 0 || toks[0].kind !== 'ident') return undefined;
  if (toks.length === 1) return { symbol: toks[0].text, addend: 0n };
  const [, op, num] = toks;
  if (toks.length !== 3 || (op.text !== '+' && op.text !== '-') || num.kind !== 'num') return undefined;
  const n = parseIntLiteral(num.text, true);
  return n === undefined ? undefined : { symbol: toks[0].text, addend: op.text === '-' ? -n : n };
}

/** A constant operand: an optionally signed integer literal. */
function constant(d: Directive, toks: Token[] | undefined, what: string): bigint {
  const t = toks ?? [];
  const sign = t.length === 2 && (t[0].text === '-' || t[0].text === '+') ? t[0].text : undefined;
  const num = sign ? t[1] : t[0];
  const value =
    t.length === (sign ? 2 : 1) && num.kind === 'num' ? parseIntLiteral(num.text, true) : undefined;
  if (value === undefined) {
    const text = t.map((x) => x.text).join(' ');
    const symbolic = t.some((x) => x.kind === 'ident');
    fail(
      locOf(d, t[0]),
      symbolic
        ? `an address in data takes .quad or .long, not '${text}' here`
        : `expected ${what}, found '${text}'`,
      text,
      what,
    );
  }
  return sign === '-' ? -value : value;
}

function emitInt(
  d: Directive,
  s: PendingSection,
  value: bigint,
  width: 1 | 2 | 4 | 8,
  tok: Token | undefined,
): void {
  const bits = BigInt(width * 8);
  if (value < -(1n << (bits - 1n)) || value >= 1n << bits) {
    fail(locOf(d, tok), `${value} does not fit in ${width} byte${width > 1 ? 's' : ''}`, String(value));
  }
  const v = BigInt.asUintN(width * 8, value);
  for (let i = 0n; i < BigInt(width); i++) s.bytes.push(Number((v >> (8n * i)) & 0xffn));
}

/** Bytes of a string: characters below 256 as themselves (escapes), others UTF-8. */
function stringBytes(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (c < 256) out.push(c);
    else out.push(...new TextEncoder().encode(ch));
  }
  return out;
}

const MAX_DATA = 64 << 20;

function pad(d: Directive, s: PendingSection, align: number, fill: number): void {
  if (!Number.isInteger(align) || align < 1 || align > 1 << 16 || (align & (align - 1)) !== 0) {
    fail(d.loc, `alignment ${align} is not a power of two up to 65536`, String(align));
  }
  // Code is 8-byte aligned already; larger alignment of code is not supported.
  if (s.items.length > 0 || (s.bytes.length === 0 && !s.dataLoc)) {
    if (align > 8)
      fail(d.loc, `code alignment ${align} is not supported (code is 8-byte aligned)`, String(align));
    return;
  }
  while (s.bytes.length % align !== 0) s.bytes.push(fill & 0xff);
}

function zeros(d: Directive, s: PendingSection, count: bigint, fill: number): void {
  if (count < 0n || s.bytes.length + Number(count) > MAX_DATA) {
    fail(d.loc, `cannot reserve ${count} bytes (at most ${MAX_DATA} per section)`, String(count));
  }
  for (let i = 0; i < Number(count); i++) s.bytes.push(fill & 0xff);
}

/** Data directives; false when `d` is not one. */
function applyData(d: Directive, args: Token[][], state: DirectiveState): boolean {
  const width = DATA_WIDTH[d.name];
  if (width) {
    const s = dataSection(d, state);
    for (const a of args) {
      const ref = width >= 4 ? symbolRef(a) : undefined;
      if (ref) {
        // An address in data: a relocation, its addend in the bytes (REL, as clang writes it).
        s.dataRelocs.push({
          offset: s.bytes.length,
          symbol: ref.symbol,
          type: width === 8 ? 'R_BPF_64_ABS64' : 'R_BPF_64_ABS32',
        });
        emitInt(d, s, ref.addend, width, a[0]);
      } else emitInt(d, s, constant(d, a, 'an integer'), width, a[0]);
    }
    return true;
  }
  switch (d.name) {
    case '.ascii':
    case '.asciz':
    case '.string': {
      const s = dataSection(d, state);
      for (const a of args) {
        if (a.length !== 1 || a[0].kind !== 'string')
          fail(locOf(d, a[0]), `${d.name} takes strings`, a[0]?.text ?? '', 'a "string"');
        s.bytes.push(...stringBytes(unquote(a[0].text)));
        if (d.name !== '.ascii') s.bytes.push(0);
      }
      return true;
    }
    case '.zero':
    case '.space':
    case '.skip': {
      const s = dataSection(d, state);
      zeros(
        d,
        s,
        constant(d, args[0], 'a byte count'),
        args[1] ? Number(constant(d, args[1], 'a fill byte')) : 0,
      );
      return true;
    }
    case '.p2align':
    case '.balign':
    case '.align': {
      if (!state.current) enterSection(state, '.text');
      const n = Number(constant(d, args[0], 'an alignment'));
      if (d.name === '.p2align' && (n < 0 || n > 16))
        fail(d.loc, `alignment 2^${n} is out of range`, String(n));
      const fill = args[1] ? Number(constant(d, args[1], 'a fill byte')) : 0;
      pad(d, state.current as PendingSection, d.name === '.p2align' ? 2 ** n : n, fill);
      return true;
    }
    case '.comm':
    case '.lcomm': {
      // A local common symbol lives in .bss, as llvm-mc places it.
      const name = nameOf(d, args[0], 'a symbol name');
      if (d.name === '.comm' && state.symbols.get(name)?.binding !== 'local') {
        fail(
          d.loc,
          `common symbol '${name}' is not supported (declare it .local, or define it in .bss)`,
          name,
        );
      }
      const size = constant(d, args[1], 'a size');
      const align = args[2] ? Number(constant(d, args[2], 'an alignment')) : 1;
      const previous = state.current;
      enterSection(state, '.bss', '@nobits');
      const bss = dataSection(d, state);
      pad(d, bss, align, 0);
      if (bss.labels.has(name)) fail(d.loc, `label '${name}' is already defined`, name);
      bss.labels.set(name, { index: 0, byte: bss.bytes.length, loc: d.loc });
      zeros(d, bss, size, 0);
      state.sizes.push({ name, resolve: () => Number(size) });
      state.current = previous;
      return true;
    }
    case '.data':
    case '.bss':
      enterSection(state, d.name, d.name === '.bss' ? '@nobits' : '');
      return true;
    default:
      return false;
  }
}

/** `.size name, expr` where expr is a number, `end-start` or `.-start` (labels of one section). */
function sizeRequest(d: Directive, args: Token[][], state: DirectiveState): void {
  const name = nameOf(d, args[0], 'a symbol name');
  const expr = args[1] ?? [];
  const here = state.current
    ? { section: state.current, index: state.current.items.length, byte: state.current.bytes.length }
    : undefined;
  const labelIndex = (tok: Token): { section: PendingSection; index: number; byte: number } => {
    if (tok.text === '.') {
      if (!here) fail(locOf(d, tok), "'.' outside a section", '.');
      return here;
    }
    for (const section of state.sections.values()) {
      const l = section.labels.get(tok.text);
      if (l) return { section, index: l.index, byte: l.byte };
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
        if (a.section.items.length === 0) return a.byte - b.byte;
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
      enterSection(
        state,
        nameOf(d, args[0], 'a section name'),
        args
          .slice(1)
          .flat()
          .map((t) => t.text)
          .join(','),
      );
      return;
    case '.local':
      for (const a of args) {
        const name = nameOf(d, a, 'a symbol name');
        state.symbols.set(name, { ...state.symbols.get(name), binding: 'local' });
      }
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
      else if (/^[@%]?object$|^"object"$|^STT_OBJECT$/.test(kind)) attrs.type = 'object';
      else if (/^[@%]?notype$|^"notype"$|^STT_NOTYPE$/.test(kind)) attrs.type = 'notype';
      else fail(locOf(d, args[1]?.[0]), `unknown symbol type '${kind}'`, kind, '@function or @object');
      state.symbols.set(name, attrs);
      return;
    }
    case '.size':
      sizeRequest(d, args, state);
      return;
    default:
      if (IGNORED.has(d.name) || d.name.startsWith('.cfi_') || applyData(d, args, state)) return;
      fail(
        d.loc,
        `unsupported directive '${d.name}'`,
        d.name,
        '.text, .section, .globl, .type, .size or an instruction',
      );
  }
}
