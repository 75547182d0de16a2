/**
 * The C preprocessor: directives, macro expansion with hide sets (Prosser's algorithm), conditional
 * inclusion with clang's `__has_*` queries, `#include_next`, `_Pragma`, and GNU named variadic
 * parameters (`args...`). File access goes through `readFile` so the package needs no `node:`.
 */
import { Abort, type DiagnosticBag, RerunDiagnostics, type SourceLoc } from './diagnostics.js';
import { BUILTIN_NAMES, hasAttribute, hasFeature } from './features.js';
import { type HideSet, HideSets } from './hide-set.js';
import { ExpandedFrom, Lexer, Token, tokenize } from './lexer.js';
import { decodeEscapes } from './literals.js';
import { evaluateCondition, MAX_BRACKET_DEPTH } from './pp-condition.js';
import { type CpuVersion, predefinedMacros } from './target-macros.js';
import { TokenStream } from './token-stream.js';

export interface PreprocessOptions {
  fileName: string;
  /** `-I`: searched before the bundled headers. */
  includeDirs?: readonly string[];
  /** Searched after the bundled headers (clang's /usr/include and `-idirafter` places). */
  systemIncludeDirs?: readonly string[];
  /** `NAME` → `1`, `NAME=VALUE` → VALUE; a record maps names to values. */
  defines?: Readonly<Record<string, string>> | readonly string[];
  /** `-U`: applied after the predefined macros and `defines`. */
  undefines?: readonly string[];
  /** Returns a file's text, or undefined when it does not exist. */
  readFile?: (path: string) => string | undefined;
  /** Headers available without a file system (path relative to an include dir → text). */
  bundled?: ReadonlyMap<string, string>;
  /** Predefine `__OPTIMIZE__` (else `__NO_INLINE__`), as clang does for -O1 and up. */
  optimize?: boolean;
  /** `-mcpu=vN`: `__BPF_CPU_VERSION__` and the `__BPF_FEATURE_*` macros (default 4). */
  cpu?: CpuVersion;
  /** `-include FILE`: read before the main file, found as `#include "FILE"` from it would be. */
  forceIncludes?: readonly string[];
  /** Tokens `stream` produces ahead of the parser at a time (default 32; 1: each when it is taken). */
  readAhead?: number;
}

interface Macro {
  name: string;
  params?: string[];
  /** The name the variadic argument goes by: `__VA_ARGS__`, or `args` for GNU's `args...`. */
  variadic?: string;
  body: Token[];
  /** Object-like macros computed at the use (`__LINE__`, `__COUNTER__`). */
  dynamic?: (t: Token) => Token[];
  /** Function-like queries (`__has_include(…)`): get the raw, unexpanded argument tokens. */
  query?: (t: Token, args: Token[][]) => Token[];
}

/** A file being read: where its `#if` depth started and where in the search path it was found. */
interface OpenFile {
  name: string;
  condDepth: number;
  /** Index in the search path, or -1 (main file, found relative to its includer, absolute path). */
  dirIndex: number;
}

/**
 * Where raw tokens come from: a list (a macro's expansion), or a file's lexer, which makes them
 * as they are read (a big header is never all in memory). A file ends with an end-of-file
 * marker (the main file with the real `eof`).
 */
/** Every segment has every field (one object layout: `raw()` reads them for every token). */
interface Segment {
  toks: Token[];
  pos: number;
  lexer: Lexer | undefined;
  /** The lexer's next token, when it was peeked at. */
  ahead: Token | undefined;
  main: boolean;
}

interface Cond {
  /** Some branch of this #if group has been taken. */
  taken: boolean;
  inElse: boolean;
  loc: SourceLoc;
}

/** An include directory, or the bundled headers (which sit where clang's resource dir does). */
type SearchDir = { dir: string } | { bundled: true };

/** Target macros for the default CPU (v4: tbpf emits v4 instructions) with optimisation on. */
export const PREDEFINED: Readonly<Record<string, string>> = Object.fromEntries(predefinedMacros(4, true));

const MAX_INCLUDE_DEPTH = 200;
/** Macro arguments nested deeper than this (`M(M(M(…)))`) are an error, not a stack overflow. */
const MAX_ARGUMENT_NESTING = 256;
/**
 * Macros expanding inside each other deeper than this are an error: each level's hide set holds
 * the names above it, so a chain of n macros costs n² (20,000 would need gigabytes).
 */
const MAX_MACRO_NESTING = 1000;
/**
 * Bounds on the work one compilation's macros may do (a "macro bomb" grows exponentially): a
 * hundred times what real programs need (bcc's libbpf-tools with vmlinux.h and libbpf's headers:
 * at most 1,600 expansions and 21,000 expanded tokens), and reached in about a second.
 */
const MAX_EXPANSIONS = 500_000;
const MAX_EXPANDED_TOKENS = 2_000_000;
const END_OF_FILE = '<end-of-file>';

/** Special tokens the preprocessor hands the parser for pragmas that matter to it. */
export const PRAGMA_UNROLL = '#pragma-unroll';
export const PRAGMA_ATTRIBUTE_PUSH = '#pragma-attribute-push';
export const PRAGMA_ATTRIBUTE_POP = '#pragma-attribute-pop';
export const PRAGMA_PACK = '#pragma-pack';
/** Ends the argument tokens of a PRAGMA_ATTRIBUTE_PUSH or PRAGMA_PACK. */
export const PRAGMA_END = '#pragma-end';

/** A segment reading a list of tokens. */
function tokenSegment(toks: Token[]): Segment {
  return { toks, pos: 0, lexer: undefined, ahead: undefined, main: false };
}

export class Preprocessor {
  private macros = new Map<string, Macro>();
  private stack: Segment[] = [];
  private conds: Cond[] = [];
  private openFiles: OpenFile[] = [];
  private onceFiles = new Set<string>();
  private searchPath: SearchDir[];
  private readonly hideSets = new HideSets();
  private expansions = 0;
  private expandedTokens = 0;
  private argumentNesting = 0;
  private counter = 0;
  private lastEof: Token | undefined;
  /** Every file read, by name: for printing source lines in diagnostics. */
  readonly sources: Map<string, string>;
  /** Each header → the `#include` that first brought it in (for "In file included from"). */
  readonly includedFrom: Map<string, SourceLoc>;
  /** The diagnostics as they were before this preprocessor reported any (see `rerun`). */
  private readonly startDiags: DiagnosticBag;

  /** `first`: the preprocessor this one runs again (see `rerun`); its files are this one's. */
  constructor(
    private readonly opts: PreprocessOptions,
    private readonly diags: DiagnosticBag,
    first?: Preprocessor,
  ) {
    this.sources = first?.sources ?? new Map();
    this.includedFrom = first?.includedFrom ?? new Map();
    this.startDiags = first?.startDiags ?? diags.fork();
    this.searchPath = [
      ...(opts.includeDirs ?? []).map((dir) => ({ dir })),
      { bundled: true as const },
      ...(opts.systemIncludeDirs ?? []).map((dir) => ({ dir })),
    ];
    for (const [k, v] of predefinedMacros(opts.cpu ?? 4, opts.optimize ?? true)) this.defineText(k, v);
    this.defineDynamic('__FILE__', (t) => [t.with({ kind: 'str', text: JSON.stringify(t.loc.file) })]);
    this.defineDynamic('__FILE_NAME__', (t) => [
      t.with({ kind: 'str', text: JSON.stringify(t.loc.file.slice(t.loc.file.lastIndexOf('/') + 1)) }),
    ]);
    this.defineDynamic('__BASE_FILE__', (t) => [
      t.with({ kind: 'str', text: JSON.stringify(opts.fileName) }),
    ]);
    this.defineDynamic('__LINE__', (t) => [t.with({ kind: 'num', text: String(t.loc.line) })]);
    this.defineDynamic('__COUNTER__', (t) => [t.with({ kind: 'num', text: String(this.counter++) })]);
    this.defineDynamic('__INCLUDE_LEVEL__', (t) => [
      t.with({ kind: 'num', text: String(Math.max(0, this.openFiles.length - 1)) }),
    ]);
    // Fixed, so that objects are reproducible (clang uses SOURCE_DATE_EPOCH the same way).
    this.defineText('__DATE__', '"Jan  1 1970"');
    this.defineText('__TIME__', '"00:00:00"');
    this.defineText('__TIMESTAMP__', '"Thu Jan  1 00:00:00 1970"');
    this.defineQueries();
    const defs = opts.defines ?? {};
    const pairs: [string, string][] = Array.isArray(defs)
      ? (defs as readonly string[]).map((d) => {
          const eq = d.indexOf('=');
          return eq < 0 ? [d, '1'] : [d.slice(0, eq), d.slice(eq + 1)];
        })
      : Object.entries(defs as Record<string, string>);
    for (const [k, v] of pairs) this.defineCommandLine(k, v);
    for (const u of opts.undefines ?? []) this.macros.delete(u);
  }

  private defineText(name: string, value: string): void {
    const body = tokenize(value, '<built-in>', this.diags);
    body.pop();
    this.macros.set(name, { name, body: body.map((t) => t.with({ bol: false })) });
  }

  /** `-D NAME(args)=body` defines a function-like macro, as in clang. */
  private defineCommandLine(name: string, value: string): void {
    const toks = tokenize(`${name} ${value}`, '<command line>', this.diags);
    toks.pop();
    if (toks[0]?.kind !== 'ident') {
      this.diags.error({ file: '<command line>', line: 1, col: 1 }, `invalid macro name '${name}'`);
      return;
    }
    try {
      this.define(toks[0], toks);
    } catch (e) {
      if (!(e instanceof Abort) || e.fatal) throw e;
    }
  }

  private defineDynamic(name: string, dynamic: (t: Token) => Token[]): void {
    this.macros.set(name, { name, body: [], dynamic });
  }

  /** clang's feature queries; `#ifdef __has_include` is true, as in clang. */
  private defineQueries(): void {
    const number = (t: Token, v: boolean | number): Token[] => [
      t.with({ kind: 'num', text: String(typeof v === 'number' ? v : v ? 1 : 0) }),
    ];
    const oneName = (t: Token, args: Token[][]): string => {
      const a = args[0] ?? [];
      // `__has_attribute(gnu::x)` / `clang::x`: the scoped forms name the same attributes.
      const name = a[a.length - 1];
      if (args.length !== 1 || name === undefined || name.kind !== 'ident')
        throw this.diags.error(t.loc, `missing '(' after '${t.text}'`);
      return name.text;
    };
    const queries: Record<string, (t: Token, args: Token[][]) => Token[]> = {
      __has_attribute: (t, a) => number(t, hasAttribute(oneName(t, a))),
      __has_c_attribute: (t, a) => number(t, hasAttribute(oneName(t, a)) ? 201904 : 0),
      __has_cpp_attribute: (t) => number(t, 0),
      __has_declspec_attribute: (t) => number(t, 0),
      __has_builtin: (t, a) => number(t, BUILTIN_NAMES.has(oneName(t, a))),
      __has_feature: (t, a) => number(t, hasFeature(oneName(t, a), false)),
      __has_extension: (t, a) => number(t, hasFeature(oneName(t, a), true)),
      __is_identifier: (t, a) => number(t, !BUILTIN_NAMES.has(oneName(t, a))),
      __building_module: (t) => number(t, 0),
      __has_include: (t, a) => number(t, this.hasInclude(t, a, false)),
      __has_include_next: (t, a) => number(t, this.hasInclude(t, a, true)),
      __has_warning: (t) => number(t, 0),
    };
    for (const [name, query] of Object.entries(queries)) this.macros.set(name, { name, body: [], query });
  }

  private hasInclude(t: Token, args: Token[][], next: boolean): boolean {
    const spec = this.headerName(t, this.expandList(args[0] ?? []));
    return this.findInclude(spec.path, spec.quoted, t.loc.file, next) !== undefined;
  }

  /** Preprocess the main file's text; returns the token stream ending with `eof`. */
  run(source: string): Token[] {
    const stream = this.stream(source);
    const out: Token[] = [];
    for (;;) {
      const t = stream.next();
      out.push(t);
      if (t.kind === 'eof') return out;
    }
  }

  /**
   * Preprocess the main file's text one token at a time (the parser pulls them, so the tokens of
   * a big header need not all exist at once). After `eof`, keeps returning `eof`; errors are in
   * the diagnostics (a fatal one ends the stream), in the same order and under the same error limit
   * as if each token were produced only when asked for.
   */
  stream(source: string): TokenStream {
    return new TokenStream(
      this.produce(source),
      this.diags,
      (live, skip) => this.rerun(source, live, skip),
      this.opts.readAhead,
    );
  }

  /**
   * The stream again without reading ahead, from a new preprocessor over the same input, once the
   * first one was told an error was not fatal where the error limit had been reached meanwhile (by
   * the parser's errors): call `live` on and everything after token `skip` is this run's.
   */
  private rerun(source: string, live: number, skip: number): () => Token {
    const diags = new RerunDiagnostics(this.startDiags.fork(), this.diags, live);
    const again = new Preprocessor(this.opts, diags, this);
    const produce = again.produce(source);
    diags.streamStarted();
    for (let k = 0; k < skip; k++) produce();
    return produce;
  }

  /** The preprocessed tokens one at a time. */
  private produce(source: string): () => Token {
    let done = false;
    try {
      this.pushFile(this.opts.fileName, source, -1, true);
      for (const f of [...(this.opts.forceIncludes ?? [])].reverse()) {
        const at = new Token(
          'str',
          JSON.stringify(f),
          { file: '<command line>', line: 1, col: 1 },
          false,
          false,
        );
        this.include(at, [at]);
      }
    } catch (e) {
      if (!(e instanceof Abort)) throw e;
      done = true;
    }
    let depth = 0;
    return () => {
      while (!done) {
        let t: Token;
        try {
          t = this.next();
        } catch (e) {
          if (e instanceof Abort && !e.fatal) continue;
          if (!(e instanceof Abort)) throw e;
          break;
        }
        if (t.kind === 'eof') break;
        // Bracket depth, as clang's -fbracket-depth: the parser recurses per level.
        if (t.kind === 'punct') {
          const c = t.text;
          if (c === '(' || c === '[' || c === '{') {
            if (++depth > MAX_BRACKET_DEPTH) {
              this.diags.fatal(t.loc, `bracket nesting level exceeded maximum of ${MAX_BRACKET_DEPTH}`);
              break;
            }
          } else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
        }
        return t;
      }
      done = true;
      return this.eofToken();
    };
  }

  private eofToken(): Token {
    return this.lastEof ?? new Token('eof', '', { file: this.opts.fileName, line: 1, col: 1 }, false, true);
  }

  private pushFile(name: string, text: string, dirIndex: number, main = false): void {
    this.sources.set(name, text);
    this.openFiles.push({ name, condDepth: this.conds.length, dirIndex });
    this.stack.push({
      toks: [],
      pos: 0,
      lexer: new Lexer(text, name, this.diags),
      ahead: undefined,
      main,
    });
  }

  /** The next token of a file segment's lexer; at its end, the end-of-file marker (or `eof`). */
  private fromLexer(seg: Segment, lexer: Lexer): Token {
    const t = lexer.next();
    if (t.kind !== 'eof') return t;
    seg.lexer = undefined;
    if (seg.main) {
      this.lastEof = t;
      return t;
    }
    return t.with({ kind: 'punct', text: END_OF_FILE });
  }

  /** The next raw token (no expansion, no directives). */
  private raw(): Token {
    for (;;) {
      const seg = this.stack[this.stack.length - 1];
      if (seg === undefined) return this.eofToken();
      if (seg.ahead) {
        const t = seg.ahead;
        seg.ahead = undefined;
        return t;
      }
      if (seg.lexer) return this.fromLexer(seg, seg.lexer);
      if (seg.pos < seg.toks.length) return seg.toks[seg.pos++];
      this.stack.pop();
    }
  }

  private peekRaw(): Token | undefined {
    for (let s = this.stack.length - 1; s >= 0; s--) {
      const seg = this.stack[s];
      if (seg.ahead) return seg.ahead;
      if (seg.lexer) {
        seg.ahead = this.fromLexer(seg, seg.lexer);
        return seg.ahead;
      }
      if (seg.pos < seg.toks.length) return seg.toks[seg.pos];
    }
    return undefined;
  }

  private unget(toks: Token[]): void {
    if (toks.length > 0) this.stack.push(tokenSegment(toks));
  }

  /** The next token after directives and macro expansion. */
  private next(): Token {
    for (;;) {
      const t = this.raw();
      if (t.kind === 'eof') {
        if (this.conds.length > 0) {
          const open = this.conds[this.conds.length - 1];
          this.conds.length = 0;
          throw this.diags.error(open.loc, 'unterminated conditional directive');
        }
        return t;
      }
      if (t.kind === 'punct') {
        if (t.text === END_OF_FILE) {
          this.endFile();
          continue;
        }
        if (t.bol && t.text === '#' && !t.hide) {
          this.directive(t);
          continue;
        }
      } else if (t.kind === 'ident') {
        if (t.text === '_Pragma' && this.pragmaOperator(t)) continue;
        if (this.expand(t)) continue;
      }
      return t;
    }
  }

  private endFile(): void {
    const file = this.openFiles.pop();
    if (file && this.conds.length > file.condDepth) {
      const open = this.conds[this.conds.length - 1];
      this.conds.length = file.condDepth;
      throw this.diags.error(open.loc, 'unterminated conditional directive');
    }
  }

  /** Tokens up to the end of the directive's line. */
  private restOfLine(): Token[] {
    const out: Token[] = [];
    for (;;) {
      const p = this.peekRaw();
      if (p === undefined || p.bol || p.kind === 'eof') return out;
      out.push(this.raw());
    }
  }

  private directive(hash: Token): void {
    const line = this.restOfLine();
    const name = line[0];
    if (name === undefined) return; // null directive
    const args = line.slice(1);
    try {
      switch (name.text) {
        case 'define':
          this.define(name, args);
          return;
        case 'undef':
          if (args[0]?.kind !== 'ident') throw this.diags.error(name.loc, 'macro name missing');
          this.macros.delete(args[0].text);
          return;
        case 'include':
        case 'include_next':
        case 'import':
          this.include(name, args);
          return;
        case 'if': {
          // Open the group before evaluating: a broken condition is false, and its #endif matches.
          const cond = this.openCond(hash);
          let value = false;
          try {
            value = this.evalCondition(name, args);
          } finally {
            if (value) cond.taken = true;
            else this.skip(cond);
          }
          return;
        }
        case 'ifdef':
        case 'ifndef': {
          const cond = this.openCond(hash);
          if (args[0]?.kind !== 'ident') {
            this.skip(cond);
            throw this.diags.error(name.loc, 'macro name missing');
          }
          const defined = this.macros.has(args[0].text);
          if (name.text === 'ifdef' ? defined : !defined) cond.taken = true;
          else this.skip(cond);
          return;
        }
        case 'elif':
        case 'elifdef':
        case 'elifndef':
        case 'else':
        case 'endif':
          this.continueCond(name);
          return;
        case 'error':
          throw this.diags.error(name.loc, `#error ${joinTokens(args)}`.trimEnd());
        case 'warning':
          this.diags.warn(name.loc, `#warning ${joinTokens(args)}`.trimEnd());
          return;
        case 'pragma':
          this.pragma(name, args);
          return;
        case 'line':
        case 'ident':
        case 'sccs':
          return;
        default:
          throw this.diags.error(name.loc, `invalid preprocessing directive '#${name.text}'`);
      }
    } catch (e) {
      if (!(e instanceof Abort) || e.fatal) throw e;
    }
  }

  /** `_Pragma("text")`: the same as `#pragma text`. Returns false when not followed by `(`. */
  private pragmaOperator(t: Token): boolean {
    if (this.peekRaw()?.text !== '(') return false;
    this.raw();
    const str = this.raw();
    const close = this.raw();
    if (str.kind !== 'str' || close.text !== ')')
      throw this.diags.error(t.loc, '_Pragma takes a parenthesized string literal');
    const bytes = decodeEscapes(str.text.slice(str.text.indexOf('"') + 1, -1));
    const text = typeof bytes === 'string' ? '' : new TextDecoder().decode(new Uint8Array(bytes));
    const toks = tokenize(text, t.loc.file, this.diags);
    toks.pop();
    this.pragma(
      t,
      toks.map((x) => x.with({ loc: t.loc, bol: false })),
    );
    return true;
  }

  private pragma(at: Token, args: Token[]): void {
    const words = args.map((a) => a.text);
    if (words[0] === 'once') {
      this.onceFiles.add(at.loc.file);
      return;
    }
    const special = (text: string): Token => new Token('punct', text, at.loc, false, false);
    // Loop pragmas reach the parser as one token; others that matter with their arguments.
    if (words[0] === 'unroll' || words[0] === 'nounroll' || (words[0] === 'GCC' && words[1] === 'unroll')) {
      this.unget([special(PRAGMA_UNROLL)]);
      return;
    }
    if (words[0] === 'clang' && words[1] === 'loop') {
      if (/unroll/.test(words.join(' '))) this.unget([special(PRAGMA_UNROLL)]);
      return;
    }
    if (words[0] === 'clang' && words[1] === 'attribute') {
      // `push (__attribute__((…)), apply_to = …)`, `push`, `(…)` (a push onto the last), `pop`.
      const rest = args.slice(2);
      if (rest[0]?.text === 'pop') this.unget([special(PRAGMA_ATTRIBUTE_POP)]);
      else {
        const from = rest[0]?.text === 'push' ? 1 : 0;
        this.unget([
          special(PRAGMA_ATTRIBUTE_PUSH),
          ...this.expandList(rest.slice(from)),
          special(PRAGMA_END),
        ]);
      }
      return;
    }
    if (words[0] === 'pack') {
      this.unget([special(PRAGMA_PACK), ...this.expandList(args.slice(1)), special(PRAGMA_END)]);
      return;
    }
    // Others (GCC diagnostic, …) do not change the code BPF gets; ignored as clang ignores the
    // ones it does not know.
  }

  private define(name: Token, args: Token[]): void {
    const id = args[0];
    if (id?.kind !== 'ident') throw this.diags.error(id?.loc ?? name.loc, 'macro name must be an identifier');
    if (id.text === 'defined') throw this.diags.error(id.loc, "'defined' cannot be used as a macro name");
    const rest = args.slice(1);
    const macro: Macro = { name: id.text, body: [] };
    if (rest[0]?.text === '(' && !rest[0].space) {
      const params: string[] = [];
      macro.params = params;
      let i = 1;
      if (rest[i]?.text === ')') i++;
      else {
        for (;;) {
          const p = rest[i];
          if (p?.text === '...') {
            macro.variadic = '__VA_ARGS__';
            i++;
          } else if (p?.kind === 'ident') {
            i++;
            if (rest[i]?.text === '...') {
              macro.variadic = p.text; // GNU: `args...` names the variadic argument
              i++;
            } else params.push(p.text);
          } else throw this.diags.error(p?.loc ?? id.loc, 'invalid macro parameter name');
          if (macro.variadic !== undefined) {
            if (rest[i]?.text !== ')')
              throw this.diags.error(rest[i]?.loc ?? p.loc, "missing ')' in macro parameter list");
            i++;
            break;
          }
          if (rest[i]?.text === ',') {
            i++;
            continue;
          }
          if (rest[i]?.text === ')') {
            i++;
            break;
          }
          throw this.diags.error(rest[i]?.loc ?? p.loc, "expected ',' or ')' in macro parameter list");
        }
      }
      macro.body = rest.slice(i);
      const names = new Set(params);
      if (macro.variadic) names.add(macro.variadic);
      for (let k = 0; k < macro.body.length; k++) {
        const t = macro.body[k];
        const nextText = macro.body[k + 1]?.text ?? '';
        if (t.kind === 'punct' && t.text === '#' && !names.has(nextText) && nextText !== '__VA_OPT__')
          throw this.diags.error(t.loc, "'#' is not followed by a macro parameter");
      }
    } else {
      macro.body = rest;
    }
    const body = macro.body;
    if (body.length > 0 && (body[0].text === '##' || body[body.length - 1].text === '##'))
      throw this.diags.error(
        body[0].text === '##' ? body[0].loc : body[body.length - 1].loc,
        "'##' cannot appear at either end of a macro expansion",
      );
    this.macros.set(id.text, macro);
  }

  /** The file name of `#include "x"` / `<x>` / a macro expanding to either. */
  private headerName(at: Token, args: Token[]): { path: string; quoted: boolean; loc: SourceLoc } {
    const toks = args[0]?.kind === 'ident' ? this.expandList(args) : args;
    const first = toks[0];
    if (first?.kind === 'str' && first.text.startsWith('"'))
      return { path: first.text.slice(1, -1), quoted: true, loc: first.loc };
    if (first?.text === '<') {
      const end = toks.findIndex((t) => t.text === '>');
      if (end < 0) throw this.diags.error(first.loc, "expected '>'");
      const path = toks
        .slice(1, end)
        .map((t, k) => (t.space && k > 0 ? ` ${t.text}` : t.text))
        .join('');
      return { path, quoted: false, loc: first.loc };
    }
    throw this.diags.error(first?.loc ?? at.loc, 'expected "FILENAME" or <FILENAME>');
  }

  private include(name: Token, args: Token[]): void {
    const next = name.text === 'include_next';
    const spec = this.headerName(name, args);
    const found = this.findInclude(spec.path, spec.quoted, name.loc.file, next);
    if (found === undefined) throw this.diags.fatal(spec.loc, `'${spec.path}' file not found`);
    if (this.onceFiles.has(found.name) || (name.text === 'import' && this.sources.has(found.name))) return;
    if (this.openFiles.length > MAX_INCLUDE_DEPTH)
      throw this.diags.fatal(name.loc, '#include nested too deeply');
    if (!this.includedFrom.has(found.name)) this.includedFrom.set(found.name, name.loc);
    this.pushFile(found.name, found.text, found.dirIndex);
  }

  /**
   * Resolves an include as clang does: `"x"` first next to the including file, then the search
   * path (-I dirs, the bundled headers, the system dirs); `#include_next` continues the search
   * after the directory where the current file was found.
   */
  private findInclude(
    path: string,
    quoted: boolean,
    from: string,
    next: boolean,
  ): { name: string; text: string; dirIndex: number } | undefined {
    const read = (name: string): string | undefined => this.sources.get(name) ?? this.opts.readFile?.(name);
    if (path.startsWith('/')) {
      const text = read(path);
      return text === undefined ? undefined : { name: path, text, dirIndex: -1 };
    }
    let start = 0;
    if (next) {
      const current = this.openFiles[this.openFiles.length - 1];
      start = current && current.dirIndex >= 0 ? current.dirIndex + 1 : 0;
    } else if (quoted && !from.startsWith('<tbpf>/')) {
      const slash = from.lastIndexOf('/');
      const name = slash < 0 ? path : `${from.slice(0, slash)}/${path}`;
      const text = read(name);
      if (text !== undefined) return { name, text, dirIndex: -1 };
    }
    for (let i = start; i < this.searchPath.length; i++) {
      const d = this.searchPath[i];
      if ('bundled' in d) {
        const text = this.opts.bundled?.get(path);
        if (text !== undefined) return { name: `<tbpf>/${path}`, text, dirIndex: i };
        continue;
      }
      const name = `${d.dir.replace(/\/+$/, '')}/${path}`;
      const text = read(name);
      if (text !== undefined) return { name, text, dirIndex: i };
    }
    return undefined;
  }

  private openCond(hash: Token): Cond {
    const cond = { taken: false, inElse: false, loc: hash.loc };
    this.conds.push(cond);
    return cond;
  }

  private continueCond(name: Token): void {
    const cond = this.conds[this.conds.length - 1];
    const fileDepth = this.openFiles[this.openFiles.length - 1]?.condDepth ?? 0;
    if (cond === undefined || this.conds.length <= fileDepth)
      throw this.diags.error(name.loc, `#${name.text} without #if`);
    if (name.text === 'endif') {
      this.conds.pop();
      return;
    }
    if (cond.inElse) throw this.diags.error(name.loc, `#${name.text} after #else`);
    // We were in a taken branch: everything up to #endif is skipped.
    if (name.text === 'else') cond.inElse = true;
    cond.taken = true;
    this.skip(cond);
  }

  /** Skip a group whose condition was false, then evaluate following #elif/#else. */
  private skip(cond: Cond): void {
    for (;;) {
      const d = this.skipToDirective();
      if (d === undefined) return;
      const args = this.restOfLine();
      if (d.text === 'endif') {
        this.conds.pop();
        return;
      }
      if (d.text === 'else') {
        if (cond.inElse) this.diags.error(d.loc, '#else after #else');
        cond.inElse = true;
        if (!cond.taken) {
          cond.taken = true;
          return;
        }
        continue;
      }
      // #elif, #elifdef, #elifndef
      if (cond.inElse) this.diags.error(d.loc, `#${d.text} after #else`);
      if (cond.taken) continue;
      let v = false;
      try {
        if (d.text === 'elif') v = this.evalCondition(d, args);
        else if (args[0]?.kind !== 'ident') throw this.diags.error(d.loc, 'macro name missing');
        else v = this.macros.has(args[0].text) === (d.text === 'elifdef');
      } catch (e) {
        if (!(e instanceof Abort) || e.fatal) throw e;
      }
      if (v) {
        cond.taken = true;
        return;
      }
    }
  }

  /** Skip tokens (honouring nested #if groups) to the next #elif/#else/#endif of this level. */
  private skipToDirective(): Token | undefined {
    let depth = 0;
    for (;;) {
      const t = this.peekRaw();
      if (t === undefined || t.kind === 'eof' || (t.kind === 'punct' && t.text === END_OF_FILE))
        return undefined;
      this.raw();
      if (!(t.bol && t.text === '#')) continue;
      const d = this.peekRaw();
      if (d === undefined || d.bol) continue;
      const w = d.text;
      if (w === 'if' || w === 'ifdef' || w === 'ifndef') depth++;
      else if (w === 'endif' && depth > 0) depth--;
      else if (
        depth === 0 &&
        (w === 'elif' || w === 'elifdef' || w === 'elifndef' || w === 'else' || w === 'endif')
      ) {
        this.raw();
        return d;
      }
    }
  }

  private evalCondition(name: Token, args: Token[]): boolean {
    // Resolve `defined` before expansion, then expand, then remaining identifiers are 0.
    const resolved: Token[] = [];
    for (let i = 0; i < args.length; i++) {
      const t = args[i];
      if (t.kind === 'ident' && t.text === 'defined') {
        let id = args[i + 1];
        let paren = false;
        if (id?.text === '(') {
          paren = true;
          id = args[i + 2];
        }
        if (id?.kind !== 'ident') throw this.diags.error(t.loc, "macro name missing after 'defined'");
        if (paren && args[i + 3]?.text !== ')') throw this.diags.error(id.loc, "missing ')' after 'defined'");
        resolved.push(t.with({ kind: 'num', text: this.macros.has(id.text) ? '1' : '0' }));
        i += paren ? 3 : 1;
      } else resolved.push(t);
    }
    const expanded = this.expandList(resolved).map((t) =>
      t.kind === 'ident' ? t.with({ kind: 'num', text: t.text === 'true' ? '1' : '0' }) : t,
    );
    if (expanded.length === 0) throw this.diags.error(name.loc, `#${name.text} with no expression`);
    const last = args[args.length - 1];
    const end = last.loc.macro ? last.loc : { ...last.loc, col: last.loc.col + last.text.length };
    return evaluateCondition(expanded, this.diags, end) !== 0n;
  }

  /** Fully macro-expand an isolated token list. */
  private expandList(toks: Token[]): Token[] {
    if (this.argumentNesting >= MAX_ARGUMENT_NESTING) {
      throw this.diags.fatal(toks[0]?.loc ?? this.eofToken().loc, 'macro arguments nested too deeply');
    }
    this.argumentNesting++;
    const saved = this.stack;
    const end = new Token('eof', '', toks[0]?.loc ?? { file: '', line: 0, col: 0 }, false, false);
    this.stack = [tokenSegment([...toks, end])];
    const out: Token[] = [];
    try {
      for (;;) {
        const t = this.raw();
        if (t.kind === 'eof') break;
        if (t.kind === 'ident' && this.expand(t)) continue;
        out.push(t);
      }
    } finally {
      this.stack = saved;
      this.argumentNesting--;
    }
    return out;
  }

  /** If `t` names a macro that may expand here, push its expansion and return true. */
  private expand(t: Token): boolean {
    const m = this.macros.get(t.text);
    if (m === undefined || t.hide?.has(t.text)) return false;
    if (++this.expansions > MAX_EXPANSIONS) throw this.diags.fatal(t.loc, 'macro expansion limit exceeded');
    if (m.dynamic) {
      this.unget(m.dynamic(t).map((x) => x.with({ bol: false, space: t.space })));
      return true;
    }
    let args: Token[][] = [];
    let hide: HideSet;
    if (m.params === undefined && !m.query) {
      hide = this.hideSets.with(t.hide, m.name);
    } else {
      const p = this.peekRaw();
      if (p?.text !== '(' || p.kind !== 'punct') return false;
      this.raw();
      const r = this.readArgs(m, t);
      args = r.args;
      hide = this.hideSets.with(this.hideSets.intersect(t.hide, r.rparen.hide), m.name);
    }
    if (hide.size > MAX_MACRO_NESTING)
      throw this.diags.fatal(
        t.loc,
        `macro expansion nested too deeply (more than ${MAX_MACRO_NESTING} macros inside each other)`,
      );
    if (m.query) {
      this.unget(m.query(t, args).map((x) => x.with({ bol: false, space: t.space, hide })));
      return true;
    }
    const body = this.substitute(m, args, t);
    this.expandedTokens += body.length;
    if (this.expandedTokens > MAX_EXPANDED_TOKENS)
      throw this.diags.fatal(t.loc, 'macro expansion limit exceeded');
    const out: Token[] = new Array(body.length);
    for (let k = 0; k < body.length; k++) {
      const { t: x, arg } = body[k];
      // Tokens from the definition are located at the use, remembering where they were spelled;
      // tokens from the arguments keep their own place (as clang reports them).
      out[k] = new Token(
        x.kind,
        x.text,
        arg ? x : new ExpandedFrom(t, m.name, x.loc),
        k === 0 ? t.space : x.space,
        false,
        this.hideSets.union(x.hide, hide),
      );
    }
    this.unget(out);
    return true;
  }

  private readArgs(m: Macro, name: Token): { args: Token[][]; rparen: Token } {
    const args: Token[][] = [[]];
    let depth = 0;
    const params = m.params ?? [];
    for (;;) {
      const t = this.raw();
      if (t.kind === 'eof' || t.text === END_OF_FILE) {
        if (t.text === END_OF_FILE) this.unget([t]);
        throw this.diags.error(name.loc, `unterminated function-like macro invocation '${m.name}'`);
      }
      if (t.bol && t.text === '#' && t.kind === 'punct') {
        // A directive inside macro arguments: process it (as GCC and clang do).
        this.directive(t);
        continue;
      }
      if (t.text === '(' && t.kind === 'punct') depth++;
      else if (t.text === ')' && t.kind === 'punct') {
        if (depth === 0) {
          if (m.query) return { args: args.length === 1 && args[0].length === 0 ? [] : args, rparen: t };
          if (args.length === 1 && args[0].length === 0 && params.length === 0 && !m.variadic) args.pop();
          const want = params.length + (m.variadic ? 1 : 0);
          if (m.variadic && args.length === params.length) args.push(OMITTED);
          // `E()` of `E(...)` counts as leaving the variadic argument out (GCC and clang).
          else if (m.variadic && params.length === 0 && args.length === 1 && args[0].length === 0)
            args[0] = OMITTED;
          if (args.length !== want && !(want === 1 && args.length === 0 && params.length === 1)) {
            throw this.diags.error(
              name.loc,
              `too ${args.length > want ? 'many' : 'few'} arguments provided to function-like macro invocation '${m.name}'`,
            );
          }
          if (args.length === 0 && want === 1) args.push([]);
          return { args, rparen: t };
        }
        depth--;
      } else if (
        t.text === ',' &&
        t.kind === 'punct' &&
        depth === 0 &&
        !(m.variadic && args.length > params.length)
      ) {
        args.push([]);
        continue;
      }
      args[args.length - 1].push(t.bol ? t.with({ bol: false }) : t);
    }
  }

  /**
   * Replace parameters in the body: `#x` stringifies, `a##b` pastes, `__VA_OPT__(…)` appears when
   * the variadic argument is not empty, other parameters are replaced by their expansion.
   */
  private substitute(m: Macro, args: Token[][], site: Token): BodyToken[] {
    const params = m.params ?? [];
    const argOf = (name: string): Token[] | undefined => {
      if (m.variadic !== undefined && name === m.variadic) return args[params.length];
      const i = params.indexOf(name);
      return i < 0 ? undefined : args[i];
    };
    // __VA_OPT__ looks at the variadic argument after expansion (as clang, C23 and C++20).
    const vaEmpty = (): boolean =>
      m.variadic === undefined || this.expandList(args[params.length] ?? []).length === 0;
    const body = m.body;
    const out: BodyToken[] = [];
    const expandedCache = new Map<string, Token[]>();
    const fromArg = (x: Token, space?: boolean): BodyToken => ({
      t: space === undefined || space === x.space ? x : x.with({ space }),
      arg: true,
    });
    const own = (t: Token): BodyToken => ({ t, arg: false });
    for (let i = 0; i < body.length; i++) {
      const t = body[i];
      if (m.params && t.kind === 'punct' && t.text === '#') {
        const a = argOf(body[i + 1]?.text ?? '');
        if (a !== undefined) {
          out.push(own(t.with({ kind: 'str', text: stringify(a), hide: undefined })));
          i++;
          continue;
        }
      }
      if (
        t.kind === 'ident' &&
        t.text === '__VA_OPT__' &&
        m.variadic !== undefined &&
        body[i + 1]?.text === '('
      ) {
        // Find the matching ')' and splice the group in (or drop it).
        let depth = 0;
        let j = i + 1;
        for (; j < body.length; j++) {
          if (body[j].text === '(') depth++;
          else if (body[j].text === ')' && --depth === 0) break;
        }
        const group = body.slice(i + 2, j);
        if (!vaEmpty()) for (const x of this.substitute({ ...m, body: group }, args, site)) out.push(x);
        i = j;
        continue;
      }
      if (t.kind === 'punct' && t.text === '##') {
        const rhsTok = body[i + 1];
        i++;
        const rhsArg = argOf(rhsTok.text);
        const rhs: BodyToken[] = rhsArg ? rhsArg.map((x) => fromArg(x)) : [own(rhsTok)];
        // GNU: `, ## __VA_ARGS__` drops the comma when the variadic argument is left out (an
        // empty one, `M(a,)`, keeps it, as in clang and GCC).
        if (m.variadic !== undefined && rhsTok.text === m.variadic && out[out.length - 1]?.t.text === ',') {
          // An operand of ## is not expanded first: the rescan expands it, under this macro's hide set.
          if (rhsArg === OMITTED) out.pop();
          else for (const x of rhsArg ?? []) out.push(fromArg(x));
          continue;
        }
        if (rhs.length === 0) continue;
        const lhs = out.pop();
        if (lhs === undefined) {
          for (const x of rhs) out.push(x);
          continue;
        }
        out.push(this.paste(lhs, rhs[0]));
        for (let k = 1; k < rhs.length; k++) out.push(rhs[k]);
        continue;
      }
      const a = t.kind === 'ident' ? argOf(t.text) : undefined;
      if (a !== undefined) {
        if (body[i + 1]?.text === '##') {
          for (let k = 0; k < a.length; k++) out.push(fromArg(a[k], k === 0 ? t.space : undefined));
          if (a.length === 0) out.push(own(t.with({ kind: 'punct', text: '', hide: undefined }))); // placemarker
          continue;
        }
        let ex = expandedCache.get(t.text);
        if (ex === undefined) {
          ex = this.expandList(a);
          expandedCache.set(t.text, ex);
        }
        // An argument used many times multiplies its tokens: stop before making them.
        if (this.expandedTokens + out.length + ex.length > MAX_EXPANDED_TOKENS)
          throw this.diags.fatal(site.loc, 'macro expansion limit exceeded');
        for (let k = 0; k < ex.length; k++) out.push(fromArg(ex[k], k === 0 ? t.space : undefined));
        continue;
      }
      out.push(own(t));
    }
    return out.filter((x) => !(x.t.kind === 'punct' && x.t.text === ''));
  }

  private paste(a: BodyToken, b: BodyToken): BodyToken {
    if (a.t.text === '') return b;
    if (b.t.text === '') return a;
    const toks = tokenize(a.t.text + b.t.text, a.t.loc.file, this.diags);
    if (toks.length !== 2)
      throw this.diags.error(
        a.t.loc,
        `pasting "${a.t.text}" and "${b.t.text}" does not give a valid preprocessing token`,
      );
    return { t: toks[0].with({ loc: a.t.loc, space: a.t.space, bol: false, hide: a.t.hide }), arg: a.arg };
  }
}

/** The variadic argument of an invocation that gave none (`M(a)` for `M(x, ...)`). */
const OMITTED: Token[] = [];

/** A token of a macro's replacement, and whether it came from an argument. */
interface BodyToken {
  t: Token;
  arg: boolean;
}

function joinTokens(toks: Token[]): string {
  return toks
    .map((a, k) => (a.space && k > 0 ? ` ${a.text}` : a.text))
    .join('')
    .trim();
}

function stringify(toks: Token[]): string {
  let s = '';
  toks.forEach((t, k) => {
    if (k > 0 && t.space) s += ' ';
    s += t.kind === 'str' || t.kind === 'char' ? t.text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : t.text;
  });
  return `"${s}"`;
}
