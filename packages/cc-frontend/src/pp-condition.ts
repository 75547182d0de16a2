/**
 * `#if` expressions, evaluated after `defined`, the `__has_*` queries and macro expansion (leftover
 * identifiers are 0). Arithmetic is in intmax_t / uintmax_t (64-bit) with C's usual conversions:
 * one unsigned operand makes the operation unsigned. The unevaluated side of `&&`, `||` and `?:`
 * may divide by zero, as in C.
 */
import type { DiagnosticBag, SourceLoc } from './diagnostics.js';
import type { Token } from './lexer.js';
import { decodeCharLiteral, parseIntegerLiteral } from './literals.js';

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

/** Parentheses deeper than this are an error (clang's -fbracket-depth default), not a stack overflow. */
export const MAX_BRACKET_DEPTH = 256;

interface Value {
  v: bigint;
  unsigned: boolean;
}

/** Evaluates a fully expanded `#if` expression; errors throw the DiagnosticBag's Abort. */
export function evaluateCondition(toks: Token[], diags: DiagnosticBag, loc: SourceLoc): bigint {
  return new CondEvaluator(toks, diags, loc).evaluate();
}

const wrap = (v: bigint, unsigned: boolean): Value => ({
  v: unsigned ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v),
  unsigned,
});

class CondEvaluator {
  private i = 0;
  private depth = 0;
  /** Inside the unevaluated operand of `&&`, `||` or `?:`: no division-by-zero error. */
  private skipping = 0;

  constructor(
    private readonly toks: Token[],
    private readonly diags: DiagnosticBag,
    private readonly loc: SourceLoc,
  ) {}

  evaluate(): bigint {
    const r = this.ternary();
    if (this.i < this.toks.length)
      throw this.diags.error(
        this.toks[this.i].loc,
        'token is not a valid binary operator in a preprocessor subexpression',
      );
    return r.v;
  }

  private peek(): string | undefined {
    return this.toks[this.i]?.text;
  }

  private ternary(): Value {
    const c = this.binary(0);
    if (this.peek() !== '?') return c;
    this.i++;
    const a = this.unevaluatedIf(c.v === 0n, () => this.ternary());
    if (this.peek() !== ':') throw this.diags.error(this.toks[this.i]?.loc ?? this.loc, "expected ':'");
    this.i++;
    const b = this.unevaluatedIf(c.v !== 0n, () => this.ternary());
    const unsigned = a.unsigned || b.unsigned;
    return wrap(c.v !== 0n ? a.v : b.v, unsigned);
  }

  private unevaluatedIf(skip: boolean, f: () => Value): Value {
    if (skip) this.skipping++;
    try {
      return f();
    } finally {
      if (skip) this.skipping--;
    }
  }

  private binary(min: number): Value {
    let lhs = this.unary();
    for (;;) {
      const op = this.peek() ?? '';
      const p = BINARY_PRECEDENCE[op];
      if (p === undefined || p <= min) return lhs;
      const opTok = this.toks[this.i++];
      const skipRhs = (op === '&&' && lhs.v === 0n) || (op === '||' && lhs.v !== 0n);
      const rhs = this.unevaluatedIf(skipRhs, () => this.binary(p));
      lhs = this.apply(op, lhs, rhs, opTok);
    }
  }

  private apply(op: string, a: Value, b: Value, t: Token): Value {
    const bool = (x: boolean): Value => ({ v: x ? 1n : 0n, unsigned: false });
    if (op === '||') return bool(a.v !== 0n || b.v !== 0n);
    if (op === '&&') return bool(a.v !== 0n && b.v !== 0n);
    // Shifts take the left operand's type; the rest the usual arithmetic conversions.
    const unsigned = op === '<<' || op === '>>' ? a.unsigned : a.unsigned || b.unsigned;
    const x = unsigned ? BigInt.asUintN(64, a.v) : a.v;
    const y = unsigned && op !== '<<' && op !== '>>' ? BigInt.asUintN(64, b.v) : b.v;
    switch (op) {
      case '|':
        return wrap(x | y, unsigned);
      case '^':
        return wrap(x ^ y, unsigned);
      case '&':
        return wrap(x & y, unsigned);
      case '==':
        return bool(x === y);
      case '!=':
        return bool(x !== y);
      case '<':
        return bool(x < y);
      case '>':
        return bool(x > y);
      case '<=':
        return bool(x <= y);
      case '>=':
        return bool(x >= y);
      case '<<':
        return wrap(x << (y & 63n), unsigned);
      case '>>':
        return wrap(x >> (y & 63n), unsigned);
      case '+':
        return wrap(x + y, unsigned);
      case '-':
        return wrap(x - y, unsigned);
      case '*':
        return wrap(x * y, unsigned);
      default:
        if (y === 0n) {
          if (this.skipping > 0) return wrap(0n, unsigned);
          throw this.diags.error(t.loc, 'division by zero in preprocessor expression');
        }
        return wrap(op === '/' ? x / y : x % y, unsigned);
    }
  }

  private unary(): Value {
    const t = this.toks[this.i++];
    if (t === undefined) throw this.diags.error(this.loc, 'expected value in expression');
    if (++this.depth > MAX_BRACKET_DEPTH)
      throw this.diags.error(t.loc, `bracket nesting level exceeded maximum of ${MAX_BRACKET_DEPTH}`);
    try {
      return this.operand(t);
    } finally {
      this.depth--;
    }
  }

  private operand(t: Token): Value {
    switch (t.text) {
      case '(': {
        const v = this.ternary();
        if (this.peek() !== ')')
          throw this.diags.error(this.toks[this.i]?.loc ?? t.loc, "expected ')' in preprocessor expression");
        this.i++;
        return v;
      }
      case '!':
        return { v: this.unary().v === 0n ? 1n : 0n, unsigned: false };
      case '-': {
        const a = this.unary();
        return wrap(-a.v, a.unsigned);
      }
      case '+':
        return this.unary();
      case '~': {
        const a = this.unary();
        return wrap(~a.v, a.unsigned);
      }
    }
    if (t.kind === 'num') {
      const lit = parseIntegerLiteral(t.text);
      if (lit === undefined)
        throw this.diags.error(t.loc, `invalid integer constant '${t.text}' in preprocessor expression`);
      // A literal too big for intmax_t is unsigned (as clang, with a warning we do not give).
      return wrap(lit.value, lit.unsigned || lit.value > 0x7fffffffffffffffn);
    }
    if (t.kind === 'char') return { v: BigInt(decodeCharLiteral(t.text) ?? 0), unsigned: false };
    throw this.diags.error(t.loc, 'invalid token at start of a preprocessor expression');
  }
}
