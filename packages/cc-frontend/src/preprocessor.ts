/**
 * The C preprocessor: directives, macro expansion with hide sets (Prosser's algorithm), and
 * conditional inclusion. File access goes through `readFile` so the package needs no `node:`.
 */
import { Abort, type DiagnosticBag, type SourceLoc } from './diagnostics.js';
import { type Token, tokenize } from './lexer.js';

export interface PreprocessOptions {
  fileName: string;
  includeDirs?: readonly string[];
  /** `NAME` → `1`, `NAME=VALUE` → VALUE; a record maps names to values. */
  defines?: Readonly<Record<string, string>> | readonly string[];
  /** Returns a file's text, or undefined when it does not exist. */
  readFile?: (path: string) => string | undefined;
  /** Headers available without a file system (path relative to an include dir → text). */
  bundled?: ReadonlyMap<string, string>;
  /** Predefine `__OPTIMIZE__`. */
  optimize?: boolean;
}

interface Macro {
  name: string;
  params?: string[];
  variadic?: boolean;
  body: Token[];
  builtin?: (t: Token) => Token[];
}

interface Segment {
  toks: Token[];
  pos: number;
  /** Set for a file's own tokens: where conditional state must balance at its end. */
  file?: { name: string; condDepth: number };
}

interface Cond {
  /** Some branch of this #if group has been taken. */
  taken: boolean;
  inElse: boolean;
  loc: SourceLoc;
}

/** Target macros, as `clang -target bpf -dM -E` prints them (CPU v4: tbpf emits v4 instructions). */
export const PREDEFINED: Readonly<Record<string, string>> = {
  __STDC__: '1',
  __STDC_VERSION__: '201710L',
  __STDC_HOSTED__: '0',
  __BPF__: '1',
  __bpf__: '1',
  __BPF_CPU_VERSION__: '4',
  __TBPF__: '1',
  __GNUC__: '4',
  __LP64__: '1',
  _LP64: '1',
  __CHAR_BIT__: '8',
  __SIZEOF_POINTER__: '8',
  __SIZEOF_LONG__: '8',
  __SIZEOF_LONG_LONG__: '8',
  __SIZEOF_INT__: '4',
  __SIZEOF_SHORT__: '2',
  __SIZEOF_SIZE_T__: '8',
  __SIZEOF_PTRDIFF_T__: '8',
  __SIZEOF_INT128__: '16',
  __POINTER_WIDTH__: '64',
  __SCHAR_MAX__: '127',
  __SHRT_MAX__: '32767',
  __INT_MAX__: '2147483647',
  __LONG_MAX__: '9223372036854775807L',
  __LONG_LONG_MAX__: '9223372036854775807LL',
  __ORDER_LITTLE_ENDIAN__: '1234',
  __ORDER_BIG_ENDIAN__: '4321',
  __ORDER_PDP_ENDIAN__: '3412',
  __BYTE_ORDER__: '__ORDER_LITTLE_ENDIAN__',
  __SIZE_TYPE__: 'long unsigned int',
  __PTRDIFF_TYPE__: 'long int',
  __INTPTR_TYPE__: 'long int',
  __UINTPTR_TYPE__: 'long unsigned int',
  __INT8_TYPE__: 'signed char',
  __INT16_TYPE__: 'short',
  __INT32_TYPE__: 'int',
  __INT64_TYPE__: 'long int',
  __UINT8_TYPE__: 'unsigned char',
  __UINT16_TYPE__: 'unsigned short',
  __UINT32_TYPE__: 'unsigned int',
  __UINT64_TYPE__: 'long unsigned int',
};

const MAX_INCLUDE_DEPTH = 200;
const bundledTokens = new Map<string, Token[]>();

export class Preprocessor {
  private macros = new Map<string, Macro>();
  private stack: Segment[] = [];
  private conds: Cond[] = [];
  private onceFiles = new Set<string>();
  private includeDepth = 0;
  /** Every file read, by name: for printing source lines in diagnostics. */
  readonly sources = new Map<string, string>();

  constructor(
    private readonly opts: PreprocessOptions,
    private readonly diags: DiagnosticBag,
  ) {
    for (const [k, v] of Object.entries(PREDEFINED)) this.defineText(k, v);
    if (opts.optimize) this.defineText('__OPTIMIZE__', '1');
    this.macros.set('__FILE__', {
      name: '__FILE__',
      body: [],
      builtin: (t) => [{ ...t, kind: 'str', text: JSON.stringify(t.loc.file) }],
    });
    this.macros.set('__LINE__', {
      name: '__LINE__',
      body: [],
      builtin: (t) => [{ ...t, kind: 'num', text: String(t.loc.line) }],
    });
    const defs = opts.defines ?? {};
    const pairs: [string, string][] = Array.isArray(defs)
      ? (defs as readonly string[]).map((d) => {
          const eq = d.indexOf('=');
          return eq < 0 ? [d, '1'] : [d.slice(0, eq), d.slice(eq + 1)];
        })
      : Object.entries(defs as Record<string, string>);
    for (const [k, v] of pairs) this.defineText(k, v);
  }

  private defineText(name: string, value: string): void {
    const body = tokenize(value, '<command line>', this.diags);
    body.pop();
    this.macros.set(name, { name, body: body.map((t) => ({ ...t, bol: false })) });
  }

  /** Preprocess the main file's text; returns the token stream ending with `eof`. */
  run(source: string): Token[] {
    this.pushFile(this.opts.fileName, source);
    const out: Token[] = [];
    for (;;) {
      let t: Token;
      try {
        t = this.next();
      } catch (e) {
        if (e instanceof Abort && !e.fatal) continue;
        throw e;
      }
      out.push(t);
      if (t.kind === 'eof') return out;
    }
  }

  private pushFile(name: string, text: string): void {
    this.sources.set(name, text);
    const toks = this.tokensOf(name, text);
    const eof = toks.pop() as Token;
    toks.push({ ...eof, kind: 'punct', text: '<end-of-file>' });
    this.stack.push({ toks, pos: 0, file: { name, condDepth: this.conds.length } });
  }

  /** Tokens of a file; bundled headers are tokenized once per process (they never change). */
  private tokensOf(name: string, text: string): Token[] {
    if (!name.startsWith('<tbpf>/')) return tokenize(text, name, this.diags);
    let toks = bundledTokens.get(text);
    if (!toks) {
      toks = tokenize(text, name, this.diags);
      bundledTokens.set(text, toks);
    }
    return [...toks];
  }

  /** The next raw token (no expansion, no directives). */
  private raw(): Token {
    for (;;) {
      const seg = this.stack[this.stack.length - 1];
      if (seg === undefined)
        return {
          kind: 'eof',
          text: '',
          loc: { file: this.opts.fileName, line: 0, col: 0 },
          space: false,
          bol: true,
        };
      if (seg.pos < seg.toks.length) return seg.toks[seg.pos++];
      this.stack.pop();
    }
  }

  private peekRaw(): Token | undefined {
    for (let s = this.stack.length - 1; s >= 0; s--) {
      const seg = this.stack[s];
      if (seg.pos < seg.toks.length) return seg.toks[seg.pos];
    }
    return undefined;
  }

  private unget(toks: Token[]): void {
    if (toks.length > 0) this.stack.push({ toks, pos: 0 });
  }

  /** The next token after directives and macro expansion. */
  private next(): Token {
    for (;;) {
      const t = this.raw();
      if (t.kind === 'eof') {
        if (this.conds.length > 0)
          this.diags.error(this.conds[this.conds.length - 1].loc, 'unterminated conditional directive');
        this.conds.length = 0;
        return t;
      }
      if (t.kind === 'punct' && t.text === '<end-of-file>') {
        this.endFile(t);
        continue;
      }
      if (t.bol && t.kind === 'punct' && t.text === '#' && !t.hide) {
        this.directive(t);
        continue;
      }
      if (t.kind === 'ident' && this.expand(t)) continue;
      return t;
    }
  }

  private endFile(t: Token): void {
    // The file's segment is the one just exhausted; find its recorded depth.
    const depth = this.fileDepths.pop() ?? 0;
    if (this.conds.length > depth) {
      this.diags.error(this.conds[this.conds.length - 1].loc, 'unterminated conditional directive');
      this.conds.length = depth;
    }
    this.includeDepth = Math.max(0, this.includeDepth - 1);
    void t;
  }

  private fileDepths: number[] = [0];

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
        case 'define': {
          this.define(name, args);
          return;
        }
        case 'undef':
          if (args[0]?.kind !== 'ident') throw this.diags.error(name.loc, 'macro name missing');
          this.macros.delete(args[0].text);
          return;
        case 'include': {
          this.include(name, args);
          return;
        }
        case 'if': {
          this.startCond(hash, this.evalCondition(name, args));
          return;
        }
        case 'ifdef':
        case 'ifndef': {
          if (args[0]?.kind !== 'ident') throw this.diags.error(name.loc, 'macro name missing');
          const defined = this.macros.has(args[0].text);
          this.startCond(hash, name.text === 'ifdef' ? defined : !defined);
          return;
        }
        case 'elif':
        case 'else':
        case 'endif': {
          this.continueCond(name, args);
          return;
        }
        case 'error':
          throw this.diags.error(
            name.loc,
            `#error ${args
              .map((a) => (a.space ? ` ${a.text}` : a.text))
              .join('')
              .trim()}`,
          );
        case 'warning':
          this.diags.warn(name.loc, `#warning ${args.map((a) => a.text).join(' ')}`);
          return;
        case 'pragma': {
          this.pragma(name, args);
          return;
        }
        case 'line':
          return;
        default:
          throw this.diags.error(name.loc, `invalid preprocessing directive '#${name.text}'`);
      }
    } catch (e) {
      if (!(e instanceof Abort) || e.fatal) throw e;
    }
  }

  private pragma(name: Token, args: Token[]): void {
    if (args[0]?.text === 'once') {
      this.onceFiles.add(name.loc.file);
      return;
    }
    // Loop pragmas reach the parser as one token; others are ignored (as clang does).
    const text = args.map((a) => a.text).join(' ');
    if (/^unroll\b/.test(text) || /^clang loop unroll/.test(text) || /^GCC unroll/.test(text)) {
      this.unget([{ kind: 'punct', text: '#pragma-unroll', loc: name.loc, space: false, bol: false }]);
    }
  }

  private define(name: Token, args: Token[]): void {
    const id = args[0];
    if (id?.kind !== 'ident') throw this.diags.error(id?.loc ?? name.loc, 'macro name must be an identifier');
    if (id.text === 'defined') throw this.diags.error(id.loc, "'defined' cannot be used as a macro name");
    const rest = args.slice(1);
    const macro: Macro = { name: id.text, body: [] };
    if (rest[0]?.text === '(' && !rest[0].space) {
      macro.params = [];
      let i = 1;
      if (rest[i]?.text === ')') i++;
      else {
        for (;;) {
          const p = rest[i];
          if (p?.text === '...') {
            macro.variadic = true;
            i++;
            if (rest[i]?.text !== ')')
              throw this.diags.error(rest[i]?.loc ?? p.loc, "missing ')' in macro parameter list");
            i++;
            break;
          }
          if (p?.kind !== 'ident') throw this.diags.error(p?.loc ?? id.loc, 'invalid macro parameter');
          macro.params.push(p.text);
          i++;
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
      const params = new Set(macro.params);
      for (let k = 0; k < macro.body.length; k++) {
        const t = macro.body[k];
        if (
          t.text === '#' &&
          !(t.kind === 'ident') &&
          !params.has(macro.body[k + 1]?.text ?? '') &&
          macro.body[k + 1]?.text !== '__VA_ARGS__'
        )
          throw this.diags.error(t.loc, "'#' is not followed by a macro parameter");
      }
    } else {
      macro.body = rest;
    }
    const ends = macro.body;
    if (ends[0]?.text === '##' || (ends.length > 0 && ends[ends.length - 1].text === '##'))
      throw this.diags.error(
        ends[0].text === '##' ? ends[0].loc : ends[ends.length - 1].loc,
        "'##' cannot appear at either end of a macro expansion",
      );
    this.macros.set(id.text, macro);
  }

  private include(name: Token, args: Token[]): void {
    let toks = args;
    if (toks[0]?.kind === 'ident') toks = this.expandList(toks);
    let path: string;
    let quoted: boolean;
    if (toks[0]?.kind === 'str') {
      path = toks[0].text.slice(1, -1);
      quoted = true;
    } else if (toks[0]?.text === '<') {
      const end = toks.findIndex((t) => t.text === '>');
      if (end < 0) throw this.diags.error(toks[0].loc, "expected '>'");
      path = toks
        .slice(1, end)
        .map((t, k) => (t.space && k > 0 ? ` ${t.text}` : t.text))
        .join('');
      quoted = false;
    } else throw this.diags.error(toks[0]?.loc ?? name.loc, 'expected "FILENAME" or <FILENAME>');
    const found = this.findInclude(path, quoted, name.loc.file);
    if (found === undefined) throw this.diags.error(toks[0].loc, `'${path}' file not found`);
    if (this.onceFiles.has(found.name)) return;
    if (++this.includeDepth > MAX_INCLUDE_DEPTH) {
      this.includeDepth--;
      throw this.diags.error(name.loc, '#include nested too deeply');
    }
    this.fileDepths.push(this.conds.length);
    this.pushFile(found.name, found.text);
  }

  private findInclude(
    path: string,
    quoted: boolean,
    from: string,
  ): { name: string; text: string } | undefined {
    const read = this.opts.readFile;
    const candidates: string[] = [];
    if (path.startsWith('/')) candidates.push(path);
    else {
      if (quoted) {
        const slash = from.lastIndexOf('/');
        candidates.push(slash < 0 ? path : `${from.slice(0, slash)}/${path}`);
      }
      for (const dir of this.opts.includeDirs ?? []) candidates.push(`${dir.replace(/\/+$/, '')}/${path}`);
    }
    if (read) {
      for (const c of candidates) {
        if (this.sources.has(c)) return { name: c, text: this.sources.get(c) as string };
        const text = read(c);
        if (text !== undefined) return { name: c, text };
      }
    }
    const bundled = this.opts.bundled?.get(path);
    if (bundled !== undefined) return { name: `<tbpf>/${path}`, text: bundled };
    return undefined;
  }

  private startCond(hash: Token, value: boolean): void {
    this.conds.push({ taken: value, inElse: false, loc: hash.loc });
    if (!value) this.skip();
  }

  private continueCond(name: Token, args: Token[]): void {
    const cond = this.conds[this.conds.length - 1];
    if (cond === undefined || this.conds.length <= (this.fileDepths[this.fileDepths.length - 1] ?? 0))
      throw this.diags.error(name.loc, `#${name.text} without #if`);
    if (name.text === 'endif') {
      this.conds.pop();
      return;
    }
    if (cond.inElse) throw this.diags.error(name.loc, `#${name.text} after #else`);
    // We were in a taken branch: everything up to #endif is skipped.
    if (name.text === 'else') cond.inElse = true;
    void args;
    this.skipGroup(cond);
  }

  /** Skip a group whose condition was false, then evaluate following #elif/#else. */
  private skip(): void {
    const cond = this.conds[this.conds.length - 1];
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
      // #elif
      if (cond.inElse) this.diags.error(d.loc, '#elif after #else');
      if (!cond.taken) {
        let v = false;
        try {
          v = this.evalCondition(d, args);
        } catch (e) {
          if (!(e instanceof Abort) || e.fatal) throw e;
        }
        if (v) {
          cond.taken = true;
          return;
        }
      }
    }
  }

  private skipGroup(cond: Cond): void {
    cond.taken = true;
    this.skip();
  }

  /** Skip tokens (honouring nested #if groups) to the next #elif/#else/#endif of this level. */
  private skipToDirective(): Token | undefined {
    let depth = 0;
    for (;;) {
      const t = this.peekRaw();
      if (t === undefined || t.kind === 'eof' || (t.kind === 'punct' && t.text === '<end-of-file>'))
        return undefined;
      this.raw();
      if (!(t.bol && t.text === '#')) continue;
      const d = this.peekRaw();
      if (d === undefined || d.bol) continue;
      if (d.text === 'if' || d.text === 'ifdef' || d.text === 'ifndef') depth++;
      else if (d.text === 'endif' && depth > 0) depth--;
      else if (depth === 0 && (d.text === 'elif' || d.text === 'else' || d.text === 'endif')) {
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
        resolved.push({ ...t, kind: 'num', text: this.macros.has(id.text) ? '1' : '0' });
        i += paren ? 3 : 1;
      } else resolved.push(t);
    }
    const expanded = this.expandList(resolved).map((t) =>
      t.kind === 'ident' ? { ...t, kind: 'num' as const, text: t.text === 'true' ? '1' : '0' } : t,
    );
    if (expanded.length === 0) throw this.diags.error(name.loc, `#${name.text} with no expression`);
    return new CondEvaluator(expanded, this.diags, name.loc).evaluate() !== 0n;
  }

  /** Fully macro-expand an isolated token list. */
  private expandList(toks: Token[]): Token[] {
    const saved = this.stack;
    this.stack = [
      {
        toks: [
          ...toks,
          {
            kind: 'eof',
            text: '',
            loc: toks[0]?.loc ?? { file: '', line: 0, col: 0 },
            space: false,
            bol: false,
          },
        ],
        pos: 0,
      },
    ];
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
    }
    return out;
  }

  private expansions = 0;

  /** If `t` names a macro that may expand here, push its expansion and return true. */
  private expand(t: Token): boolean {
    const m = this.macros.get(t.text);
    if (m === undefined || t.hide?.has(t.text)) return false;
    if (++this.expansions > 1_000_000) throw this.diags.error(t.loc, 'macro expansion limit exceeded');
    if (m.builtin) {
      this.unget(m.builtin(t).map((x) => ({ ...x, bol: false, space: t.space })));
      return true;
    }
    if (m.params === undefined) {
      const hide = withName(t.hide, m.name);
      const body = this.substitute(m, [], t).map((x, k) => ({
        ...x,
        hide: union(x.hide, hide),
        loc: t.loc,
        bol: false,
        space: k === 0 ? t.space : x.space,
      }));
      this.unget(body);
      return true;
    }
    const p = this.peekRaw();
    if (p?.text !== '(' || p.kind !== 'punct') return false;
    this.raw();
    const { args, rparen } = this.readArgs(m, t);
    const hide = withName(intersect(t.hide, rparen.hide), m.name);
    const body = this.substitute(m, args, t).map((x, k) => ({
      ...x,
      hide: union(x.hide, hide),
      loc: t.loc,
      bol: false,
      space: k === 0 ? t.space : x.space,
    }));
    this.unget(body);
    return true;
  }

  private readArgs(m: Macro, name: Token): { args: Token[][]; rparen: Token } {
    const args: Token[][] = [[]];
    let depth = 0;
    const params = m.params ?? [];
    for (;;) {
      const t = this.raw();
      if (t.kind === 'eof' || t.text === '<end-of-file>') {
        if (t.text === '<end-of-file>') this.unget([t]);
        throw this.diags.error(name.loc, `unterminated function-like macro invocation '${m.name}'`);
      }
      if (t.bol && t.text === '#') {
        // A directive inside macro arguments: process it (as GCC and clang do).
        this.directive(t);
        continue;
      }
      if (t.text === '(') depth++;
      else if (t.text === ')') {
        if (depth === 0) {
          if (args.length === 1 && args[0].length === 0 && params.length === 0 && !m.variadic) args.pop();
          const want = params.length + (m.variadic ? 1 : 0);
          if (m.variadic && args.length === params.length) args.push([]);
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
      } else if (t.text === ',' && depth === 0 && !(m.variadic && args.length > params.length)) {
        args.push([]);
        continue;
      }
      args[args.length - 1].push({ ...t, bol: false });
    }
  }

  /** Replace parameters in the body: `#x` stringifies, `a##b` pastes, others expand first. */
  private substitute(m: Macro, args: Token[][], site: Token): Token[] {
    const params = m.params ?? [];
    const argOf = (name: string): Token[] | undefined => {
      if (name === '__VA_ARGS__' && m.variadic) return args[params.length];
      const i = params.indexOf(name);
      return i < 0 ? undefined : args[i];
    };
    const body = m.body;
    const out: Token[] = [];
    const expandedCache = new Map<string, Token[]>();
    for (let i = 0; i < body.length; i++) {
      const t = body[i];
      if (m.params && t.text === '#' && t.kind === 'punct') {
        const a = argOf(body[i + 1]?.text ?? '');
        if (a !== undefined) {
          out.push({ ...site, kind: 'str', text: stringify(a), space: t.space, hide: undefined });
          i++;
          continue;
        }
      }
      if (t.text === '##' && t.kind === 'punct') {
        const rhsTok = body[i + 1];
        i++;
        const rhsArg = argOf(rhsTok.text);
        const rhs = rhsArg ?? [rhsTok];
        // GNU: `, ## __VA_ARGS__` drops the comma when the variadic argument is empty.
        if (rhsTok.text === '__VA_ARGS__' && m.variadic && out[out.length - 1]?.text === ',') {
          if (rhs.length === 0) out.pop();
          else out.push(...this.expandList(rhs));
          continue;
        }
        if (rhs.length === 0) continue;
        const lhs = out.pop();
        if (lhs === undefined) {
          out.push(...rhs);
          continue;
        }
        out.push(this.paste(lhs, rhs[0]), ...rhs.slice(1));
        continue;
      }
      const a = argOf(t.text);
      if (a !== undefined && t.kind === 'ident') {
        if (body[i + 1]?.text === '##') {
          out.push(...a.map((x, k) => (k === 0 ? { ...x, space: t.space } : x)));
          if (a.length === 0) out.push({ ...t, kind: 'punct', text: '', hide: undefined }); // placemarker
          continue;
        }
        let ex = expandedCache.get(t.text);
        if (ex === undefined) {
          ex = this.expandList(a);
          expandedCache.set(t.text, ex);
        }
        out.push(...ex.map((x, k) => (k === 0 ? { ...x, space: t.space } : x)));
        continue;
      }
      out.push(t);
    }
    return out.filter((x) => !(x.kind === 'punct' && x.text === ''));
  }

  private paste(a: Token, b: Token): Token {
    const text = a.text + b.text;
    if (a.text === '') return b;
    if (b.text === '') return a;
    const toks = tokenize(text, a.loc.file, this.diags);
    if (toks.length !== 2)
      throw this.diags.error(
        a.loc,
        `pasting "${a.text}" and "${b.text}" does not give a valid preprocessing token`,
      );
    return { ...toks[0], loc: a.loc, space: a.space, bol: false, hide: a.hide };
  }
}

function stringify(toks: Token[]): string {
  let s = '';
  toks.forEach((t, k) => {
    if (k > 0 && t.space) s += ' ';
    s += t.kind === 'str' || t.kind === 'char' ? t.text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : t.text;
  });
  return `"${s}"`;
}

function withName(set: ReadonlySet<string> | undefined, name: string): ReadonlySet<string> {
  const s = new Set(set);
  s.add(name);
  return s;
}
function union(a: ReadonlySet<string> | undefined, b: ReadonlySet<string>): ReadonlySet<string> {
  if (!a || a.size === 0) return b;
  const s = new Set(a);
  for (const x of b) s.add(x);
  return s;
}
function intersect(
  a: ReadonlySet<string> | undefined,
  b: ReadonlySet<string> | undefined,
): ReadonlySet<string> {
  if (!a || !b) return new Set();
  return new Set([...a].filter((x) => b.has(x)));
}

/** C's binary operators by precedence (higher binds tighter); shared by `#if` and the parser. */
export const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

/** Evaluates a `#if` expression in intmax_t (64-bit) arithmetic. */
class CondEvaluator {
  private i = 0;
  constructor(
    private readonly toks: Token[],
    private readonly diags: DiagnosticBag,
    private readonly loc: SourceLoc,
  ) {}

  evaluate(): bigint {
    const v = this.ternary();
    if (this.i < this.toks.length)
      throw this.diags.error(
        this.toks[this.i].loc,
        'token is not a valid binary operator in a preprocessor subexpression',
      );
    return v;
  }

  private peek(): string | undefined {
    return this.toks[this.i]?.text;
  }

  private ternary(): bigint {
    const c = this.binary(0);
    if (this.peek() !== '?') return c;
    this.i++;
    const a = this.ternary();
    if (this.peek() !== ':') throw this.diags.error(this.toks[this.i]?.loc ?? this.loc, "expected ':'");
    this.i++;
    const b = this.ternary();
    return c !== 0n ? a : b;
  }

  private binary(min: number): bigint {
    let lhs = this.unary();
    for (;;) {
      const op = this.peek() ?? '';
      const p = BINARY_PRECEDENCE[op];
      if (p === undefined || p <= min) return lhs;
      const opTok = this.toks[this.i++];
      const rhs = this.binary(p);
      lhs = BigInt.asIntN(64, this.apply(op, lhs, rhs, opTok));
    }
  }

  private apply(op: string, a: bigint, b: bigint, t: Token): bigint {
    const bool = (x: boolean) => (x ? 1n : 0n);
    switch (op) {
      case '||':
        return bool(a !== 0n || b !== 0n);
      case '&&':
        return bool(a !== 0n && b !== 0n);
      case '|':
        return a | b;
      case '^':
        return a ^ b;
      case '&':
        return a & b;
      case '==':
        return bool(a === b);
      case '!=':
        return bool(a !== b);
      case '<':
        return bool(a < b);
      case '>':
        return bool(a > b);
      case '<=':
        return bool(a <= b);
      case '>=':
        return bool(a >= b);
      case '<<':
        return a << (b & 63n);
      case '>>':
        return a >> (b & 63n);
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      default:
        if (b === 0n) throw this.diags.error(t.loc, 'division by zero in preprocessor expression');
        return op === '/' ? a / b : a % b;
    }
  }

  private unary(): bigint {
    const t = this.toks[this.i++];
    if (t === undefined) throw this.diags.error(this.loc, 'expected value in expression');
    switch (t.text) {
      case '(': {
        const v = this.ternary();
        if (this.peek() !== ')')
          throw this.diags.error(this.toks[this.i]?.loc ?? t.loc, "expected ')' in preprocessor expression");
        this.i++;
        return v;
      }
      case '!':
        return this.unary() === 0n ? 1n : 0n;
      case '-':
        return BigInt.asIntN(64, -this.unary());
      case '+':
        return this.unary();
      case '~':
        return BigInt.asIntN(64, ~this.unary());
    }
    if (t.kind === 'num') {
      const v = parseIntegerLiteral(t.text);
      if (v === undefined)
        throw this.diags.error(t.loc, `invalid integer constant '${t.text}' in preprocessor expression`);
      return BigInt.asIntN(64, v.value);
    }
    if (t.kind === 'char') return BigInt(decodeCharLiteral(t.text) ?? 0);
    throw this.diags.error(t.loc, 'invalid token at start of a preprocessor expression');
  }
}

/** Parses a C integer literal; the suffix says unsigned (u) and long (l/ll). */
export function parseIntegerLiteral(
  text: string,
): { value: bigint; unsigned: boolean; longs: number; decimal: boolean } | undefined {
  const m =
    /^(0[xX][0-9a-fA-F']+|0[bB][01']+|0[0-7']*|[1-9][0-9']*)((?:[uU](?:ll|LL|l|L)?)|(?:(?:ll|LL|l|L)[uU]?))?$/.exec(
      text,
    );
  if (m === null) return undefined;
  const body = m[1].replace(/'/g, '');
  let value: bigint;
  if (/^0[bB]/.test(body)) value = BigInt(body);
  else if (/^0[xX]/.test(body)) value = BigInt(body);
  else if (body.length > 1 && body[0] === '0') value = BigInt(`0o${body.slice(1)}`);
  else value = BigInt(body);
  const suffix = (m[2] ?? '').toLowerCase();
  return {
    value,
    unsigned: suffix.includes('u'),
    longs: suffix.includes('ll') ? 2 : suffix.includes('l') ? 1 : 0,
    decimal: !/^0/.test(body) || body === '0',
  };
}

/** Decodes escape sequences of a string or char literal's body into byte values. */
export function decodeEscapes(body: string): number[] | string {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (body[i] !== '\\') {
      if (c < 0x80) out.push(c);
      else
        for (const b of new TextEncoder().encode(String.fromCodePoint(body.codePointAt(i) as number)))
          out.push(b);
      if (c >= 0xd800 && c <= 0xdbff) i++;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, number> = {
      n: 10,
      t: 9,
      r: 13,
      '0': 0,
      a: 7,
      b: 8,
      f: 12,
      v: 11,
      e: 27,
      '\\': 92,
      "'": 39,
      '"': 34,
      '?': 63,
    };
    if (e === 'x') {
      let j = i + 1;
      while (j < body.length && /[0-9a-fA-F]/.test(body[j])) j++;
      if (j === i + 1) return '\\x used with no following hex digits';
      out.push(Number.parseInt(body.slice(i + 1, j), 16) & 0xff);
      i = j - 1;
    } else if (e !== undefined && e >= '0' && e <= '7') {
      let j = i;
      while (j < body.length && j < i + 3 && body[j] >= '0' && body[j] <= '7') j++;
      out.push(Number.parseInt(body.slice(i, j), 8) & 0xff);
      i = j - 1;
    } else if (e !== undefined && simple[e] !== undefined) out.push(simple[e]);
    else return `unknown escape sequence '\\${e ?? ''}'`;
  }
  return out;
}

export function decodeCharLiteral(text: string): number | undefined {
  const q = text.indexOf("'");
  const bytes = decodeEscapes(text.slice(q + 1, -1));
  if (typeof bytes === 'string' || bytes.length === 0) return undefined;
  // Multi-char constants: big-endian packing, as GCC and clang do; plain char is signed.
  if (bytes.length === 1) return (bytes[0] << 24) >> 24;
  let v = 0;
  for (const b of bytes.slice(-4)) v = (v << 8) | b;
  return v | 0;
}
