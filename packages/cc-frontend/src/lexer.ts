/**
 * Tokenizer for C source and preprocessing directives. One pass over character codes; line
 * continuations (backslash-newline) are removed first, remembering where each was, so every
 * token's line and column are those of the original text. Errors count towards the error limit
 * like any other (binary input stops after the limit, not after every byte).
 */
import type { DiagnosticBag, SourceLoc } from './diagnostics.js';
import type { HideSet } from './hide-set.js';

export type TokenKind = 'ident' | 'num' | 'char' | 'str' | 'punct' | 'eof';

/** What a copy of a token may change. */
export interface TokenChanges {
  kind?: TokenKind;
  text?: string;
  loc?: SourceLoc;
  space?: boolean;
  bol?: boolean;
  hide?: HideSet | undefined;
}

/**
 * The place of a token of macro `name`'s definition (spelled at `spelling`) in the expansion of
 * the macro name token `site`: made into a SourceLoc (the site's place with the chain of
 * expansions) only when asked, which is rare — building it for every expanded token costs a
 * chain of up to MAX_MACRO_TRACE objects per token.
 */
export class ExpandedFrom {
  constructor(
    readonly site: Token,
    readonly name: string,
    readonly spelling: SourceLoc,
  ) {}
}

/**
 * A token. Its place is kept as plain fields and `loc` is made on first use (most tokens are
 * never asked): a big header is ~600,000 tokens, so their size is the preprocessor's memory.
 * Copy with `with(…)`, never with an object spread (it would lose `loc`).
 */
export class Token {
  /**
   * A field, not a getter: the parser and preprocessor test it several times per token, and
   * before V8 optimises them (most of a header's cold parse) each getter call is a real call.
   */
  readonly kind: TokenKind;
  /** `space` (bit 0) and `bol` (bit 1). */
  private readonly bits: number;
  /**
   * The location object once made (or as given); before that, for a token made by macro
   * expansion, where to make it from: the token whose place this one shares, or an ExpandedFrom.
   */
  private place: SourceLoc | Token | ExpandedFrom | undefined;
  private readonly file: string;
  /** line * 4096 + col (a small integer), or -1 when `place` holds or makes the location. */
  private readonly pos: number;

  constructor(
    kind: TokenKind,
    readonly text: string,
    /** The place, or a token with the same place, or where an expanded token comes from. */
    loc: SourceLoc | Token | ExpandedFrom,
    /** Whitespace precedes the token (matters for `#` stringification and function-like macros). */
    space: boolean,
    /** First token of a logical line (a `#` here starts a directive). */
    bol: boolean,
    /** Macro names that must not be expanded again inside this token (the hide set). */
    readonly hide: HideSet | undefined = undefined,
  ) {
    this.kind = kind;
    this.bits = (space ? 1 : 0) | (bol ? 2 : 0);
    // The lexer's scratch location is copied; any other object is kept (the parser compares
    // token locations by identity), as are places that do not fit the packed form.
    if (loc instanceof PlainLoc) {
      this.file = loc.file;
      if (loc.col < 4096 && loc.line < 500_000) {
        this.pos = loc.line * 4096 + loc.col;
        this.place = undefined;
      } else {
        this.pos = -1;
        this.place = { file: loc.file, line: loc.line, col: loc.col };
      }
    } else if (loc instanceof Token) {
      // The same place as that token: its packed place or location object, or made from it.
      this.file = loc.file;
      this.pos = loc.pos;
      this.place = loc.place instanceof Token || loc.place instanceof ExpandedFrom ? loc : loc.place;
    } else {
      this.file = '';
      this.pos = -1;
      this.place = loc;
    }
  }

  get space(): boolean {
    return (this.bits & 1) !== 0;
  }

  get bol(): boolean {
    return (this.bits & 2) !== 0;
  }

  get loc(): SourceLoc {
    const p = this.place;
    if (p === undefined) {
      const loc = { file: this.file, line: Math.floor(this.pos / 4096), col: this.pos % 4096 };
      this.place = loc;
      return loc;
    }
    if (!(p instanceof Token || p instanceof ExpandedFrom)) return p;
    // Tokens whose places are made from other tokens' places, innermost first; made in the
    // reverse order, each from a place already made (no recursion, however long the chain).
    const pending: Token[] = [];
    for (let t: Token = this; ; ) {
      const q = t.place;
      if (!(q instanceof Token || q instanceof ExpandedFrom)) break;
      pending.push(t);
      t = q instanceof Token ? q : q.site;
    }
    for (let k = pending.length - 1; k >= 0; k--) {
      const t = pending[k];
      const q = t.place as Token | ExpandedFrom;
      t.place = q instanceof Token ? q.loc : expansionLoc(q.site.loc, q.name, q.spelling);
    }
    return this.place as SourceLoc;
  }

  with(c: TokenChanges): Token {
    return new Token(
      c.kind ?? this.kind,
      c.text ?? this.text,
      c.loc ?? this,
      c.space ?? this.space,
      c.bol ?? this.bol,
      'hide' in c ? c.hide : this.hide,
    );
  }
}

/** Macro expansions deeper than this are remembered for notes only down to this depth. */
const MAX_MACRO_TRACE = 32;

/**
 * Where a token of macro `name`'s definition, spelled at `spelling`, is located when the macro is
 * used at `site` (which may itself come from expansions): the site, with the chain of
 * expansions down to the spelling for clang's "expanded from macro" notes.
 */
function expansionLoc(site: SourceLoc, name: string, spelling: SourceLoc, depth = 0): SourceLoc {
  const { file, line, col } = site;
  if (site.macro === undefined || depth >= MAX_MACRO_TRACE)
    return { file, line, col, macro: { name, spelling } };
  return {
    file,
    line,
    col,
    macro: { name: site.macro.name, spelling: expansionLoc(site.macro.spelling, name, spelling, depth + 1) },
  };
}

/** The lexer's reusable location (copied into the token's fields, not kept). */
class PlainLoc implements SourceLoc {
  file = '';
  line = 0;
  col = 0;
}

// Character codes used by the scanner.
const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const VT = 11;
const FF = 12;
const BACKSLASH = 92;
const SLASH = 47;
const STAR = 42;
const DOT = 46;
const DQUOTE = 34;
const SQUOTE = 39;

/**
 * Identifier characters: letters, digits, `_`, `$`, and non-ASCII characters Unicode allows in
 * identifiers (C11 and clang accept UTF-8 names), surrogates included (the pair is checked as a
 * whole by nobody: names are rare outside ASCII). Binary input's bytes are mostly not letters.
 */
const IDENT = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9_$]/.test(ch)) IDENT[c] = 1;
}
const ID_CONTINUE = /\p{ID_Continue}/u;
const isIdentCode = (c: number): boolean =>
  c < 128 ? IDENT[c] === 1 : (c >= 0xd800 && c <= 0xdfff) || ID_CONTINUE.test(String.fromCharCode(c));
const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

/**
 * The punctuator starting at `i` (whose code is `c`), longest first, or undefined. Each result is
 * a string constant of this program, so the parser's comparisons with it are pointer tests.
 */
function punctuator(text: string, i: number, c: number): string | undefined {
  const c1 = text.charCodeAt(i + 1);
  switch (c) {
    case 40:
      return '(';
    case 41:
      return ')';
    case 44:
      return ',';
    case 59:
      return ';';
    case 123:
      return '{';
    case 125:
      return '}';
    case 91:
      return '[';
    case 93:
      return ']';
    case 42:
      return c1 === 61 ? '*=' : '*';
    case 58:
      return ':';
    case 61:
      return c1 === 61 ? '==' : '=';
    case 45:
      return c1 === 62 ? '->' : c1 === 45 ? '--' : c1 === 61 ? '-=' : '-';
    case 43:
      return c1 === 43 ? '++' : c1 === 61 ? '+=' : '+';
    case 38:
      return c1 === 38 ? '&&' : c1 === 61 ? '&=' : '&';
    case 124:
      return c1 === 124 ? '||' : c1 === 61 ? '|=' : '|';
    case 60:
      if (c1 === 60) return text.charCodeAt(i + 2) === 61 ? '<<=' : '<<';
      return c1 === 61 ? '<=' : '<';
    case 62:
      if (c1 === 62) return text.charCodeAt(i + 2) === 61 ? '>>=' : '>>';
      return c1 === 61 ? '>=' : '>';
    case 46:
      return c1 === 46 && text.charCodeAt(i + 2) === 46 ? '...' : '.';
    case 33:
      return c1 === 61 ? '!=' : '!';
    case 47:
      return c1 === 61 ? '/=' : '/';
    case 37:
      return c1 === 61 ? '%=' : '%';
    case 94:
      return c1 === 61 ? '^=' : '^';
    case 35:
      return c1 === 35 ? '##' : '#';
    case 126:
      return '~';
    case 63:
      return '?';
  }
  return undefined;
}

// What the scanner does with an ASCII character first (anything else: `scanOther`).
const OTHER = 0;
const SKIP_SPACE = 1;
const NEWLINE = 2;
const IDENTIFIER = 3;
const DIGIT = 4;
const PUNCT = 5;
const SCAN = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (c === SPACE || c === TAB || c === CR || c === VT || c === FF) SCAN[c] = SKIP_SPACE;
  else if (c === NL) SCAN[c] = NEWLINE;
  else if (/[0-9]/.test(ch)) SCAN[c] = DIGIT;
  // L, u and U may start a string or character literal: scanOther looks at them.
  else if (/[A-Za-z_$]/.test(ch) && !/[LuU]/.test(ch)) SCAN[c] = IDENTIFIER;
  else if (/[()[\]{},;:=*+\-&|<>!%^#~?]/.test(ch)) SCAN[c] = PUNCT;
}

/** A character as clang prints an unexpected one: itself if printable, else `<U+XXXX>`. */
export function printableChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code >= 0x20 && code < 0x7f) return c;
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** Removes backslash-newlines; `splices` are the offsets in the result where one was removed. */
function splice(source: string): { text: string; splices: number[] } {
  if (source.indexOf('\\\n') < 0 && source.indexOf('\\\r\n') < 0) return { text: source, splices: [] };
  const parts: string[] = [];
  const splices: number[] = [];
  let from = 0;
  let length = 0;
  for (let i = source.indexOf('\\'); i >= 0; i = source.indexOf('\\', i + 1)) {
    const n = source.charCodeAt(i + 1) === CR && source.charCodeAt(i + 2) === NL ? 3 : 2;
    if (n === 2 && source.charCodeAt(i + 1) !== NL) continue;
    parts.push(source.slice(from, i));
    length += i - from;
    splices.push(length);
    from = i + n;
    i = from - 1;
  }
  parts.push(source.slice(from));
  return { text: parts.join(''), splices };
}

/**
 * Tokenizes one file. Ends with an `eof` token located just past the last character. An error
 * beyond the error limit throws the fatal `Abort` (the caller stops the compilation).
 */
/** All tokens of a text, ending with `eof` (for small texts: macro values, pastes, `_Pragma`). */
export function tokenize(source: string, file: string, diags: DiagnosticBag): Token[] {
  const lexer = new Lexer(source, file, diags);
  const tokens: Token[] = [];
  for (;;) {
    const t = lexer.next();
    tokens.push(t);
    if (t.kind === 'eof') return tokens;
  }
}

/**
 * Tokens of one file, made as they are asked for: the preprocessor reads a big header without
 * holding all of its tokens. After the last token, `next()` keeps returning an `eof` token located
 * just past the last character.
 */
export class Lexer {
  private readonly text: string;
  private readonly splices: number[];
  private readonly n: number;
  private i = 0;
  private bol = true;
  private space = false;
  // Locations are asked for in increasing offsets: walk forward over newlines and splices.
  private line = 1;
  /** Offset (in `text`) where column 1 of `line` is. */
  private lineStart = 0;
  private nextNl: number;
  private spliceIdx = 0;
  private readonly scratch = new PlainLoc();
  constructor(
    source: string,
    file: string,
    private readonly diags: DiagnosticBag,
  ) {
    const s = splice(source);
    this.text = s.text;
    this.splices = s.splices;
    this.n = this.text.length;
    this.nextNl = this.text.indexOf('\n');
    this.scratch.file = file;
  }

  private locAt(i: number): SourceLoc {
    const splices = this.splices;
    for (;;) {
      const nl = this.nextNl >= 0 && this.nextNl < i ? this.nextNl + 1 : -1;
      const sp =
        this.spliceIdx < splices.length && splices[this.spliceIdx] <= i ? splices[this.spliceIdx] : -1;
      if (nl < 0 && sp < 0) break;
      this.line++;
      if (sp >= 0 && (nl < 0 || sp < nl)) {
        this.spliceIdx++;
        this.lineStart = sp;
      } else {
        this.lineStart = nl;
        this.nextNl = this.text.indexOf('\n', nl);
      }
    }
    this.scratch.line = this.line;
    this.scratch.col = i - this.lineStart + 1;
    return this.scratch;
  }

  private error(at: number, message: string): void {
    const a = this.diags.error({ ...this.locAt(at) }, message);
    if (a.fatal) throw a;
  }

  private token(kind: TokenKind, text: string, start: number): Token {
    const t = new Token(kind, text, this.locAt(start), this.space, this.bol);
    this.bol = false;
    this.space = false;
    return t;
  }

  next(): Token {
    const text = this.text;
    const n = this.n;
    for (let i = this.i; i < n; i = this.i) {
      const c = text.charCodeAt(i);
      const scan = c < 128 ? SCAN[c] : OTHER;
      if (scan === SKIP_SPACE) {
        this.space = true;
        this.i = i + 1;
      } else if (scan === NEWLINE) {
        this.bol = true;
        this.space = false;
        this.i = i + 1;
      } else if (scan === IDENTIFIER) return this.identifier(i);
      else if (scan === PUNCT) {
        const p = punctuator(text, i, c) as string;
        this.i = i + p.length;
        return this.token('punct', p, i);
      } else if (scan === DIGIT) return this.number(i);
      else {
        const t = this.scanOther(i, c);
        if (t !== undefined) return t;
      }
    }
    this.i = n;
    return new Token('eof', '', this.locAt(n), this.space, true);
  }

  /**
   * An identifier from `start`: a slice of the text (not interned in a table of names: keeping
   * every distinct name of a big header alive cost more in garbage collection than the pointer
   * comparisons and shared strings saved; a keyword test with a slice compares lengths first).
   */
  private identifier(start: number): Token {
    const text = this.text;
    const n = this.n;
    let i = start + 1;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d < 128 ? IDENT[d] !== 1 : !isIdentCode(d)) break;
      i++;
    }
    this.i = i;
    return this.token('ident', text.slice(start, i), start);
  }

  /** A pp-number from `start`: digits, letters, `.`, digit separators, and exponent signs. */
  private number(start: number): Token {
    const text = this.text;
    const n = this.n;
    let i = start + 1;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d === 43 || d === 45) {
        const e = text.charCodeAt(i - 1) | 0x20; // '+'/'-' after e, E, p or P
        if (e === 101 || e === 112) i++;
        else break;
      } else if (isIdentCode(d) || d === DOT || d === SQUOTE) i++;
      else break;
    }
    this.i = i;
    return this.token('num', text.slice(start, i), start);
  }

  /**
   * What the common cases do not cover: comments and `/`, `.` and numbers starting with it,
   * string and character literals (with their prefixes), identifiers starting with L, u, U or a
   * non-ASCII letter, and characters that start no token. Returns the token, or undefined after
   * skipping a comment or a bad character (`this.i` moved past it).
   */
  private scanOther(i: number, c: number): Token | undefined {
    const text = this.text;
    const n = this.n;
    const c1 = text.charCodeAt(i + 1);
    if (c === SLASH && c1 === SLASH) {
      const end = text.indexOf('\n', i);
      this.i = end < 0 ? n : end;
      this.space = true;
      return undefined;
    }
    if (c === SLASH && c1 === STAR) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) {
        this.i = n;
        this.error(i, 'unterminated /* comment');
        return undefined;
      }
      this.i = end + 2;
      this.space = true;
      return undefined;
    }
    if (c === DOT && isDigitCode(c1)) return this.number(i);
    if (
      c === DQUOTE ||
      c === SQUOTE ||
      ((c === 76 || c === 117 || c === 85) && (c1 === DQUOTE || c1 === SQUOTE)) || // L" u" U"
      (c === 117 && c1 === 56 && text.charCodeAt(i + 2) === DQUOTE) // u8"
    )
      return this.literal(i);
    if (isIdentCode(c) && !isDigitCode(c)) return this.identifier(i);
    const p = punctuator(text, i, c);
    if (p !== undefined) {
      this.i = i + p.length;
      return this.token('punct', p, i);
    }
    this.i = i + (c >= 0xd800 && c <= 0xdbff ? 2 : 1);
    this.space = true;
    if (c === 0xfeff && i === 0) return undefined; // byte order mark
    if (c === 0) this.diags.warn({ ...this.locAt(i) }, 'null character ignored');
    else
      this.error(i, `unexpected character ${printableChar(String.fromCodePoint(text.codePointAt(i) ?? c))}`);
    return undefined;
  }

  /** A string or character literal from `start` (its prefix included). */
  private literal(start: number): Token {
    const text = this.text;
    const n = this.n;
    let i = start;
    while (text.charCodeAt(i) !== DQUOTE && text.charCodeAt(i) !== SQUOTE) i++;
    const quote = text.charCodeAt(i);
    i++;
    for (;;) {
      const d = text.charCodeAt(i);
      if (i >= n || d === quote || d === NL) break;
      i += d === BACKSLASH && text.charCodeAt(i + 1) !== NL ? 2 : 1;
    }
    if (i < n && text.charCodeAt(i) === quote) i++;
    else {
      this.i = i;
      this.error(start, `missing terminating ${quote === DQUOTE ? '"' : "'"} character`);
    }
    this.i = i;
    return this.token(quote === DQUOTE ? 'str' : 'char', text.slice(start, i), start);
  }
}
