/**
 * ftrace's event filter language: `field OP value` terms joined by `&&`, `||`, `!` and
 * parentheses. Numbers: == != < <= > >= &; strings: == != ~ (glob). Errors carry ftrace's
 * messages and the column (1-based) where the problem starts.
 */
import type { EventField } from './event.js';

export type PredOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&' | '~';

export type PredNode =
  | { kind: 'and' | 'or'; left: PredNode; right: PredNode }
  | { kind: 'not'; operand: PredNode }
  | { kind: 'term'; field: EventField; op: PredOp; value: bigint | string; column: number };

/** ftrace's parse errors (kernel/trace/trace_events_filter.c). */
export const PARSE_ERRORS = {
  INVALID_OP: 'Invalid operator',
  TOO_MANY_OPEN: "Too many '('",
  TOO_MANY_CLOSE: "Too few '('",
  MISSING_QUOTE: 'Missing matching quote',
  OPERAND_TOO_LONG: 'Operand too long',
  ILLEGAL_FIELD_OP: 'Illegal operation for field type',
  FIELD_NOT_FOUND: 'Field not found',
  ILLEGAL_INTVAL: 'Illegal integer value',
  INVALID_FILTER: 'Meaningless filter expression',
  INVALID_VALUE: 'Invalid value (did you forget quotes)?',
  EXPECT_FIELD: 'Expecting field name',
  TOO_MANY_PREDS: 'Too many terms in predicate expression',
  /** tbpf's own: Linux's parser keeps its stack on the heap; ours recurses, so it is bounded. */
  TOO_DEEP: 'Too many nested parentheses or negations',
} as const;
export type ParseErrorCode = keyof typeof PARSE_ERRORS;

export class PredicateError extends Error {
  constructor(
    readonly code: ParseErrorCode,
    /** 1-based column in the expression. */
    readonly column: number,
    readonly expression: string,
  ) {
    super(`parse_error: ${PARSE_ERRORS[code]} at column ${column}`);
    this.name = 'PredicateError';
  }

  /** What ftrace's `filter` file shows after a failed write: the text, a caret, the reason. */
  display(): string {
    return `${this.expression}\n${' '.repeat(Math.max(0, this.column - 1))}^\nparse_error: ${PARSE_ERRORS[this.code]}\n`;
  }
}

type Tok =
  | { t: 'word'; v: string; col: number }
  | { t: 'str'; v: string; col: number }
  | { t: 'op'; v: string; col: number }
  | { t: 'end'; col: number };

const MAX_OPERAND = 256;
/** Terms in one expression, as Linux's MAX_FILTER_PRED. */
export const MAX_PREDICATE_TERMS = 16384;
/** Nesting of parentheses and `!` (each level is a stack frame here and when filtering). */
export const MAX_PREDICATE_NESTING = 128;
const OPS = ['&&', '||', '==', '!=', '<=', '>=', '<', '>', '&', '~', '!', '(', ')', '='];

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const col = i + 1;
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new PredicateError('MISSING_QUOTE', col, src);
      const v = src.slice(i + 1, end);
      if (v.length > MAX_OPERAND) throw new PredicateError('OPERAND_TOO_LONG', col, src);
      toks.push({ t: 'str', v, col });
      i = end + 1;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      toks.push({ t: 'op', v: op, col });
      i += op.length;
      continue;
    }
    let j = i;
    while (j < src.length && !/[\s()!=<>&|~"']/.test(src[j])) j++;
    if (j === i) throw new PredicateError('INVALID_OP', col, src);
    const v = src.slice(i, j);
    if (v.length > MAX_OPERAND) throw new PredicateError('OPERAND_TOO_LONG', col, src);
    toks.push({ t: 'word', v, col });
    i = j;
  }
  toks.push({ t: 'end', col: src.length + 1 });
  return toks;
}

const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=', '&', '~']);

/** Parse an expression against an event's fields. */
export function parsePredicate(src: string, fields: readonly EventField[]): PredNode {
  const toks = lex(src);
  let p = 0;
  let depth = 0;
  /** Parentheses and negations open around the current position. */
  let nesting = 0;
  let terms = 0;
  const peek = () => toks[p];
  const fail = (code: ParseErrorCode, col: number): never => {
    throw new PredicateError(code, col, src);
  };

  const parseOr = (): PredNode => {
    let left = parseAnd();
    while (peek().t === 'op' && (peek() as { v: string }).v === '||') {
      p++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): PredNode => {
    let left = parseUnary();
    while (peek().t === 'op' && (peek() as { v: string }).v === '&&') {
      p++;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): PredNode => {
    const t = peek();
    if (t.t === 'op' && (t.v === '!' || t.v === '(') && ++nesting > MAX_PREDICATE_NESTING)
      fail('TOO_DEEP', t.col);
    if (t.t === 'op' && t.v === '!') {
      p++;
      const operand = parseUnary();
      nesting--;
      return { kind: 'not', operand };
    }
    if (t.t === 'op' && t.v === '(') {
      p++;
      depth++;
      const inner = parseOr();
      nesting--;
      const close = peek();
      if (close.t !== 'op' || close.v !== ')')
        fail(close.t === 'end' ? 'TOO_MANY_OPEN' : 'INVALID_FILTER', close.col);
      p++;
      depth--;
      return inner;
    }
    return parseTerm();
  };
  const parseTerm = (): PredNode => {
    const ft = peek();
    if (ft.t === 'end') return fail('INVALID_FILTER', ft.col);
    if (++terms > MAX_PREDICATE_TERMS) return fail('TOO_MANY_PREDS', ft.col);
    if (ft.t === 'op' && ft.v === ')') return fail('TOO_MANY_CLOSE', ft.col);
    if (ft.t !== 'word') return fail('EXPECT_FIELD', ft.col);
    p++;
    const field = fields.find((f) => f.name === ft.v);
    const ot = peek();
    if (ot.t !== 'op' || !COMPARE_OPS.has(ot.v)) {
      if (!field) fail('FIELD_NOT_FOUND', ft.col);
      return fail(ot.t === 'end' ? 'INVALID_FILTER' : 'INVALID_OP', ot.col);
    }
    if (!field) return fail('FIELD_NOT_FOUND', ft.col);
    p++;
    const op = ot.v as PredOp;
    const vt = peek();
    if (vt.t === 'op' && (COMPARE_OPS.has(vt.v) || vt.v === '=')) return fail('INVALID_OP', ot.col); // `>>`, `===`
    if (vt.t !== 'word' && vt.t !== 'str')
      return fail(vt.t === 'end' ? 'INVALID_FILTER' : 'INVALID_VALUE', vt.col);
    p++;
    if (field.kind === 'string') {
      if (op !== '==' && op !== '!=' && op !== '~') fail('ILLEGAL_FIELD_OP', ot.col);
      return { kind: 'term', field, op, value: vt.v, column: ft.col };
    }
    if (op === '~') fail('ILLEGAL_FIELD_OP', ot.col);
    if (vt.t === 'str') fail('ILLEGAL_INTVAL', vt.col);
    return { kind: 'term', field, op, value: parseInteger(vt.v, vt.col, src), column: ft.col };
  };

  const tree = parseOr();
  const rest = peek();
  if (rest.t !== 'end') {
    if (rest.t === 'op' && rest.v === ')' && depth === 0) fail('TOO_MANY_CLOSE', rest.col);
    fail('INVALID_FILTER', rest.col);
  }
  return tree;
}

function parseInteger(text: string, col: number, src: string): bigint {
  const m = /^(-?)(0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) throw new PredicateError(/^[A-Za-z_]/.test(text) ? 'INVALID_VALUE' : 'ILLEGAL_INTVAL', col, src);
  const digits = m[2];
  const v =
    digits.startsWith('0x') || digits === '0' || !digits.startsWith('0')
      ? BigInt(digits)
      : BigInt(`0o${digits.slice(1)}`);
  const r = m[1] ? -v : v;
  if (r < -(1n << 63n) || r >= 1n << 64n) throw new PredicateError('ILLEGAL_INTVAL', col, src);
  return r;
}
