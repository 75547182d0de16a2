/**
 * Tokenizer for C source and preprocessing directives. Line continuations are removed first
 * while keeping each character's original line and column, so locations stay exact.
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
  hide?: ReadonlySet<string>;
}

const PUNCTUATORS = [
  '<<=',
  '>>=',
  '...',
  '->',
  '++',
  '--',
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '*=',
  '/=',
  '%=',
  '+=',
  '-=',
  '&=',
  '^=',
  '|=',
  '##',
  '[',
  ']',
  '(',
  ')',
  '{',
  '}',
  '.',
  '&',
  '*',
  '+',
  '-',
  '~',
  '!',
  '/',
  '%',
  '<',
  '>',
  '^',
  '|',
  '?',
  ':',
  ';',
  '=',
  ',',
  '#',
];

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '$';
}
function isIdentChar(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

export function tokenize(source: string, file: string, diags: DiagnosticBag): Token[] {
  // Splice lines: drop backslash-newline, remembering where each kept char came from. Without
  // splices or CRs (the usual case) locations come from a table of line starts instead.
  let text = source;
  let locAt: (i: number) => SourceLoc;
  if (!source.includes('\r') && !/\\\n/.test(source)) {
    const starts = [0];
    for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
    locAt = (i) => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= i) lo = mid;
        else hi = mid - 1;
      }
      return { file, line: lo + 1, col: i - starts[lo] + 1 };
    };
  } else {
    const lines: number[] = [];
    const cols: number[] = [];
    let line = 1;
    let col = 1;
    const parts: string[] = [];
    for (let i = 0; i < source.length; i++) {
      const c = source[i];
      if (c === '\\' && (source[i + 1] === '\n' || (source[i + 1] === '\r' && source[i + 2] === '\n'))) {
        i += source[i + 1] === '\r' ? 2 : 1;
        line++;
        col = 1;
        continue;
      }
      if (c === '\r' && source[i + 1] === '\n') continue;
      parts.push(c);
      lines.push(line);
      cols.push(col);
      if (c === '\n') {
        line++;
        col = 1;
      } else col++;
    }
    lines.push(line);
    cols.push(col);
    text = parts.join('');
    locAt = (i) => ({ file, line: lines[i], col: cols[i] });
  }

  const tokens: Token[] = [];
  let bol = true;
  let space = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      bol = true;
      space = false;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\r') {
      space = true;
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      space = true;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) {
        diags.error(locAt(i), 'unterminated /* comment');
        i = n;
      } else i = end + 2;
      space = true;
      continue;
    }
    const start = i;
    let kind: TokenKind;
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      // pp-number: digits, letters, '.', and exponent signs.
      i++;
      while (i < n) {
        const d = text[i];
        if ((d === '+' || d === '-') && 'eEpP'.includes(text[i - 1])) i++;
        else if (isIdentChar(d) || d === '.' || d === "'") i++;
        else break;
      }
      kind = 'num';
    } else if (
      c === '"' ||
      c === "'" ||
      ((c === 'L' || c === 'u' || c === 'U') && (text[i + 1] === '"' || text[i + 1] === "'")) ||
      (c === 'u' && text[i + 1] === '8' && text[i + 2] === '"')
    ) {
      while (text[i] !== '"' && text[i] !== "'") i++;
      const quote = text[i];
      i++;
      while (i < n && text[i] !== quote && text[i] !== '\n') {
        if (text[i] === '\\') i++;
        i++;
      }
      if (text[i] !== quote) {
        diags.error(locAt(start), `missing terminating ${quote} character`);
      } else i++;
      kind = quote === '"' ? 'str' : 'char';
    } else if (isIdentStart(c)) {
      i++;
      while (i < n && isIdentChar(text[i])) i++;
      kind = 'ident';
    } else {
      const p = PUNCTUATORS.find((q) => text.startsWith(q, i));
      if (p === undefined) {
        diags.error(locAt(i), `unexpected character '${c}'`);
        i++;
        space = true;
        continue;
      }
      i += p.length;
      kind = 'punct';
    }
    tokens.push({ kind, text: text.slice(start, i), loc: locAt(start), space, bol });
    bol = false;
    space = false;
  }
  tokens.push({ kind: 'eof', text: '', loc: locAt(n), space, bol: true });
  return tokens;
}
