/** A cursor over one line's tokens that turns every surprise into an `AsmError` with a column. */
import { AsmError, type SourceLocation } from './errors.js';
import { parseIntLiteral, type Token } from './lexer.js';

export class TokenCursor {
  private pos = 0;
  constructor(
    readonly tokens: readonly Token[],
    readonly fileName: string,
    readonly line: number,
    /** Column just past the end of the line, for "expected … at end of line". */
    readonly endColumn: number,
    /** LLVM rules for integer literals (a leading 0 is octal). */
    readonly cStyle: boolean,
  ) {}

  peek(ahead = 0): Token | undefined {
    return this.tokens[this.pos + ahead];
  }

  next(): Token | undefined {
    return this.tokens[this.pos++];
  }

  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  /** True if the next token's text is `text` (case-sensitive). */
  is(text: string, ahead = 0): boolean {
    return this.tokens[this.pos + ahead]?.text === text;
  }

  accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.pos++;
    return true;
  }

  expect(text: string): Token {
    if (!this.is(text)) this.fail(`'${text}'`);
    return this.next() as Token;
  }

  /** Location of the next token (or of the end of the line). */
  location(tok: Token | undefined = this.peek()): SourceLocation {
    return { fileName: this.fileName, line: this.line, column: tok ? tok.column : this.endColumn };
  }

  /** Throw "expected X, found 'tok'" at the next token. */
  fail(expected: string, tok: Token | undefined = this.peek()): never {
    const found = tok ? `'${tok.text}'` : 'end of line';
    throw AsmError.at(this.location(tok), `expected ${expected}, found ${found}`, tok?.text ?? '', expected);
  }

  /** Throw a free-form error at a token. */
  error(reason: string, tok: Token | undefined = this.peek(), expected?: string): never {
    throw AsmError.at(this.location(tok), reason, tok?.text ?? '', expected);
  }

  /** Require the end of the line. */
  end(): void {
    if (!this.atEnd()) this.fail('end of line');
  }

  /** An optionally signed integer literal. */
  integer(what: string): { value: bigint; token: Token } {
    const first = this.peek();
    let sign = 1n;
    if (this.accept('-')) sign = -1n;
    else this.accept('+');
    const tok = this.peek();
    if (tok?.kind !== 'num') this.fail(what, tok);
    const value = parseIntLiteral(tok.text, this.cStyle);
    if (value === undefined) this.error(`invalid integer literal '${tok.text}'`, tok, what);
    this.pos++;
    return { value: sign * value, token: first as Token };
  }

  /** True if the next tokens start an integer literal. */
  atInteger(): boolean {
    const k = this.is('-') || this.is('+') ? 1 : 0;
    return this.peek(k)?.kind === 'num';
  }
}

/**
 * Range check for a field; returns the signed value of its bit pattern. Immediates may be
 * spelled signed or unsigned (0xffffffff is -1, as in llvm-mc); with `signedOnly` (jump and
 * LLVM memory offsets) only the signed range is accepted: `goto +40000` must not wrap.
 */
export function fitSigned(
  cur: TokenCursor,
  value: bigint,
  bits: 16 | 32 | 64,
  what: string,
  tok: Token | undefined,
  signedOnly = false,
): bigint {
  const min = -(1n << BigInt(bits - 1));
  const max = signedOnly ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  if (value < min || value > max) {
    const range = signedOnly ? `a signed ${bits}-bit value` : `a ${bits}-bit value`;
    cur.error(`${what} ${value} does not fit in ${bits} bits`, tok, range);
  }
  return BigInt.asIntN(bits, value);
}
