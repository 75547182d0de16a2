/**
 * Splits one line of assembler text into tokens with their columns. Both syntaxes share it:
 * `%r1`, `r1`, `w1`, `LBB0_2`, `.text` and `@function` are identifiers; signs are separate
 * tokens; `s<`, `s>>=`, `s/=` and friends (LLVM's signed operators) are single operators.
 * `#` and `//` start a comment that runs to the end of the line; so does `;` in the ubpf syntax,
 * while in the LLVM syntax it separates statements, as in llvm-mc (`r1 = 1; r2 = 2`).
 */
import { AsmError } from './errors.js';

export type TokenKind = 'ident' | 'num' | 'op' | 'string';

export interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based column of the first character. */
  column: number;
}

/** Longest first, so `<<=` wins over `<<` and `<`. */
const OPERATORS = [
  '<<=',
  '>>=',
  '==',
  '!=',
  '<=',
  '>=',
  '+=',
  '-=',
  '*=',
  '/=',
  '|=',
  '&=',
  '^=',
  '%=',
  '<<',
  '>>',
  '=',
  '+',
  '-',
  '*',
  '/',
  '(',
  ')',
  '[',
  ']',
  ',',
  ':',
  '<',
  '>',
  '&',
  '|',
  '^',
  '!',
  '~',
  '%',
  '{',
  '}',
];

const OPERATOR_SET = new Set(OPERATORS);

/** LLVM's signed operators, written with a leading `s`. */
const SIGNED_OPERATORS = ['s>>=', 's<=', 's>=', 's/=', 's%=', 's<', 's>'];

const isLetter = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdentStart = (c: string) => isLetter(c) || c === '_' || c === '.' || c === '$' || c === '@';
const isIdentPart = (c: string) => isIdentStart(c) || isDigit(c);

export function tokenize(text: string, fileName: string, line: number, semicolonSeparates = false): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (reason: string, at: number, offending: string): never => {
    throw new AsmError(reason, fileName, line, at + 1, offending);
  };
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '#' || (c === ';' && !semicolonSeparates) || (c === '/' && text[i + 1] === '/')) break;
    if (c === ';') {
      tokens.push({ kind: 'op', text: ';', column: i + 1 });
      i++;
      continue;
    }
    const start = i;
    if (c === 's' && !isIdentPart(text[i + 1] ?? '')) {
      const signed = SIGNED_OPERATORS.find((op) => text.startsWith(op, i));
      if (signed) {
        tokens.push({ kind: 'op', text: signed, column: start + 1 });
        i += signed.length;
        continue;
      }
    }
    if (isIdentStart(c) || (c === '%' && isLetter(text[i + 1] ?? ''))) {
      i++;
      while (i < text.length && isIdentPart(text[i])) i++;
      tokens.push({ kind: 'ident', text: text.slice(start, i), column: start + 1 });
      continue;
    }
    if (c >= '0' && c <= '9') {
      while (i < text.length && (isLetter(text[i]) || isDigit(text[i]) || text[i] === '_')) i++;
      tokens.push({ kind: 'num', text: text.slice(start, i), column: start + 1 });
      continue;
    }
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (i >= text.length) fail('unterminated string', start, text.slice(start));
      i++;
      tokens.push({ kind: 'string', text: text.slice(start, i), column: start + 1 });
      continue;
    }
    const op = [3, 2, 1].map((n) => text.slice(i, i + n)).find((o) => OPERATOR_SET.has(o));
    if (!op) fail(`unexpected character '${c}'`, start, c);
    tokens.push({ kind: 'op', text: op as string, column: start + 1 });
    i += (op as string).length;
  }
  return tokens;
}

const DIGITS: Record<number, RegExp> = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-f]+$/ };
const PREFIX: Record<number, string> = { 2: '0b', 8: '0o', 16: '0x' };

/**
 * The value of an integer literal. `cStyle` follows llvm-mc (a leading 0 means octal, `0b`
 * binary); otherwise a leading zero is still decimal, as in the ubpf assembler.
 */
export function parseIntLiteral(text: string, cStyle: boolean): bigint | undefined {
  const t = text.toLowerCase();
  let digits = t;
  let radix = 10;
  if (t.startsWith('0x')) [digits, radix] = [t.slice(2), 16];
  else if (t.startsWith('0b')) [digits, radix] = [t.slice(2), 2];
  else if (t.startsWith('0o')) [digits, radix] = [t.slice(2), 8];
  else if (cStyle && t.length > 1 && t.startsWith('0')) [digits, radix] = [t.slice(1), 8];
  if (!DIGITS[radix].test(digits)) return undefined;
  return BigInt(radix === 10 ? digits : PREFIX[radix] + digits);
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', '"': '"' };

/** The contents of a string token (`"kprobe/sys_write"`), with C escapes. */
export function unquote(token: string): string {
  return token
    .slice(1, -1)
    .replace(/\\(x[0-9a-fA-F]{1,2}|.)/g, (_, e: string) =>
      e.length > 1 ? String.fromCharCode(Number.parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e),
    );
}
