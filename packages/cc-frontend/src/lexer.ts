/**
 * Tokenizer for C source and preprocessing directives. One pass over character codes; line
 * continuations (backslash-newline) are removed first, remembering where each was, so every
 * token's line and column are those of the original text. Errors count towards the error limit
 * like any other (binary input stops after the limit, not after every byte).
 */
import type { DiagnosticBag, SourceLoc } from './diagnostics.js';

export type TokenKind = 'ident' | 'num' | 'char' | 'str' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  loc: SourceLoc;
  /** Whitespace precedes the token (matters for `#` stringification and function-like macros). */
  space: boolean;
  /** First token of a logical line (a `#` here starts a directive). */
  bol: boolean;
  /** Macro names that must not be expanded again inside this token (the hide set). */
  hide: ReadonlySet<string> | undefined;
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
 * Identifier characters: letters, digits, `_`, `$`, and non-ASCII characters (UTF-8 names), except
 * U+FFFD (what undecodable bytes became) and the byte order mark.
 */
const IDENT = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9_$]/.test(ch)) IDENT[c] = 1;
}
const isIdentCode = (c: number): boolean => (c < 128 ? IDENT[c] === 1 : c !== 0xfffd && c !== 0xfeff);
const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

/** Punctuators by first character, longest first. */
const PUNCTUATORS: ReadonlyMap<number, readonly string[]> = (() => {
  const all = [
    '<<=', '>>=', '...', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=',
    '%=', '+=', '-=', '&=', '^=', '|=', '##', '[', ']', '(', ')', '{', '}', '.', '&', '*', '+', '-',
    '~', '!', '/', '%', '<', '>', '^', '|', '?', ':', ';', '=', ',', '#',
  ]; // biome-ignore format: a table
  const m = new Map<number, string[]>();
  for (const p of all) {
    const list = m.get(p.charCodeAt(0)) ?? [];
    list.push(p);
    m.set(p.charCodeAt(0), list);
  }
  for (const list of m.values()) list.sort((a, b) => b.length - a.length);
  return m;
})();

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
export function tokenize(source: string, file: string, diags: DiagnosticBag): Token[] {
  const { text, splices } = splice(source);
  const n = text.length;

  // Locations are asked for in increasing offsets: walk forward over newlines and splices.
  let line = 1;
  let lineStart = 0; // offset (in `text`) where column 1 of `line` is
  let nextNl = text.indexOf('\n');
  let spliceIdx = 0;
  const locAt = (i: number): SourceLoc => {
    for (;;) {
      const nl = nextNl >= 0 && nextNl < i ? nextNl + 1 : -1;
      const sp = spliceIdx < splices.length && splices[spliceIdx] <= i ? splices[spliceIdx] : -1;
      if (nl < 0 && sp < 0) break;
      if (sp >= 0 && (nl < 0 || sp < nl)) {
        spliceIdx++;
        line++;
        lineStart = sp;
      } else {
        line++;
        lineStart = nl;
        nextNl = text.indexOf('\n', nl);
      }
    }
    return { file, line, col: i - lineStart + 1 };
  };
  const error = (at: number, message: string): void => {
    const a = diags.error(locAt(at), message);
    if (a.fatal) throw a;
  };

  const tokens: Token[] = [];
  let bol = true;
  let space = false;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === NL) {
      bol = true;
      space = false;
      i++;
      continue;
    }
    if (c === SPACE || c === TAB || c === CR || c === VT || c === FF) {
      space = true;
      i++;
      continue;
    }
    if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
      space = true;
      continue;
    }
    if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) {
        error(i, 'unterminated /* comment');
        i = n;
      } else i = end + 2;
      space = true;
      continue;
    }
    const start = i;
    let kind: TokenKind;
    const c1 = text.charCodeAt(i + 1);
    if (isDigitCode(c) || (c === DOT && isDigitCode(c1))) {
      // pp-number: digits, letters, '.', digit separators, and exponent signs.
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 43 || d === 45) {
          const e = text.charCodeAt(i - 1) | 0x20; // '+'/'-' after e, E, p or P
          if (e === 101 || e === 112) i++;
          else break;
        } else if (isIdentCode(d) || d === DOT || d === SQUOTE) i++;
        else break;
      }
      kind = 'num';
    } else if (
      c === DQUOTE ||
      c === SQUOTE ||
      ((c === 76 || c === 117 || c === 85) && (c1 === DQUOTE || c1 === SQUOTE)) || // L" u" U"
      (c === 117 && c1 === 56 && text.charCodeAt(i + 2) === DQUOTE) // u8"
    ) {
      while (text.charCodeAt(i) !== DQUOTE && text.charCodeAt(i) !== SQUOTE) i++;
      const quote = text.charCodeAt(i);
      i++;
      for (;;) {
        const d = text.charCodeAt(i);
        if (i >= n || d === quote || d === NL) break;
        i += d === BACKSLASH && text.charCodeAt(i + 1) !== NL ? 2 : 1;
      }
      if (i < n && text.charCodeAt(i) === quote) i++;
      else error(start, `missing terminating ${quote === DQUOTE ? '"' : "'"} character`);
      kind = quote === DQUOTE ? 'str' : 'char';
    } else if (isIdentCode(c) && !isDigitCode(c)) {
      i++;
      while (i < n && isIdentCode(text.charCodeAt(i))) i++;
      kind = 'ident';
    } else {
      const list = PUNCTUATORS.get(c);
      const p = list?.find((q) => q.length === 1 || text.startsWith(q, i));
      if (p === undefined) {
        if (c === 0xfeff && i === 0) {
          i++; // byte order mark
          continue;
        }
        if (c === 0) {
          diags.warn(locAt(i), 'null character ignored');
        } else {
          error(i, `unexpected character ${printableChar(String.fromCodePoint(text.codePointAt(i) ?? c))}`);
        }
        i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
        space = true;
        continue;
      }
      i += p.length;
      kind = 'punct';
    }
    tokens.push({ kind, text: text.slice(start, i), loc: locAt(start), space, bol, hide: undefined });
    bol = false;
    space = false;
  }
  tokens.push({ kind: 'eof', text: '', loc: locAt(n), space, bol: true, hide: undefined });
  return tokens;
}
