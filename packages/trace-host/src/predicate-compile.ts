/**
 * Compile a parsed predicate into closures over a record (DataView + bytes + base offset):
 * each term reads its field once, with the literal pre-encoded, so evaluation does no
 * parsing or allocation (glob terms decode the string and match it as ftrace's glob_match).
 */
import type { EventField } from './event.js';
import { globMatch } from './glob.js';
import { type PredNode, type PredOp, parsePredicate } from './predicate-parse.js';

export type RecordPredicate = (dv: DataView, u8: Uint8Array, base: number) => boolean;

export interface CompiledPredicate {
  text: string;
  match: RecordPredicate;
}

export function compilePredicate(text: string, fields: readonly EventField[]): CompiledPredicate {
  return { text: text.trim(), match: compileNode(parsePredicate(text, fields)) };
}

/**
 * A node as a closure. A chain of `&&` (or `||`) becomes one closure over an array of operands,
 * evaluated in a loop, so a long chain costs no stack depth — neither here nor when an event
 * is filtered; only parentheses and `!` nest, and the parser bounds their depth.
 */
function compileNode(n: PredNode): RecordPredicate {
  switch (n.kind) {
    case 'and':
    case 'or': {
      const parts = chain(n).map(compileNode);
      return n.kind === 'and'
        ? (dv, u8, b) => {
            for (const p of parts) if (!p(dv, u8, b)) return false;
            return true;
          }
        : (dv, u8, b) => {
            for (const p of parts) if (p(dv, u8, b)) return true;
            return false;
          };
    }
    case 'not': {
      const o = compileNode(n.operand);
      return (dv, u8, b) => !o(dv, u8, b);
    }
    case 'term':
      return n.field.kind === 'string'
        ? compileString(n.field, n.op, n.value as string)
        : compileNumber(n.field, n.op, n.value as bigint);
  }
}

/** The operands of a left-deep chain of the same operator, in order, found without recursion. */
function chain(n: PredNode & { kind: 'and' | 'or' }): PredNode[] {
  const rights: PredNode[] = [];
  let node: PredNode = n;
  while (node.kind === n.kind) {
    const link = node as PredNode & { kind: 'and' | 'or' };
    rights.push(link.right);
    node = link.left;
  }
  return [node, ...rights.reverse()];
}

const encoder = new TextEncoder();

function compileString(f: EventField, op: PredOp, value: string): RecordPredicate {
  const off = f.offset;
  const size = f.size;
  if (op === '~') {
    return (_dv, u8, b) => {
      let s = '';
      for (let i = b + off, end = b + off + size; i < end && u8[i] !== 0; i++)
        s += String.fromCharCode(u8[i]);
      return globMatch(value, s);
    };
  }
  const lit = encoder.encode(value);
  const n = lit.length;
  const eq: RecordPredicate =
    n > size
      ? () => false
      : (_dv, u8, b) => {
          const o = b + off;
          for (let i = 0; i < n; i++) if (u8[o + i] !== lit[i]) return false;
          return n === size || u8[o + n] === 0;
        };
  return op === '==' ? eq : (dv, u8, b) => !eq(dv, u8, b);
}

function compileNumber(f: EventField, op: PredOp, value: bigint): RecordPredicate {
  const off = f.offset;
  const read = numberReader(f);
  if (f.size === 8 && (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))) {
    return bigCompare(f, op, value);
  }
  // The literal as the field's type sees it (e.g. -1 against a u32 is 0xffffffff).
  const bits = BigInt(f.size * 8);
  const lit = Number(f.signed ? BigInt.asIntN(Number(bits), value) : BigInt.asUintN(Number(bits), value));
  switch (op) {
    case '==':
      return (dv, _u8, b) => read(dv, b + off) === lit;
    case '!=':
      return (dv, _u8, b) => read(dv, b + off) !== lit;
    case '<':
      return (dv, _u8, b) => read(dv, b + off) < lit;
    case '<=':
      return (dv, _u8, b) => read(dv, b + off) <= lit;
    case '>':
      return (dv, _u8, b) => read(dv, b + off) > lit;
    case '>=':
      return (dv, _u8, b) => read(dv, b + off) >= lit;
    case '&': {
      const m = BigInt.asUintN(64, value);
      const lo = Number(m & 0xffffffffn);
      const hi = Number(m >> 32n);
      if (f.size < 8) return (dv, _u8, b) => (read(dv, b + off) & lo) !== 0;
      return (dv, _u8, b) =>
        ((dv.getUint32(b + off, true) & lo) | (dv.getUint32(b + off + 4, true) & hi)) !== 0;
    }
    default:
      throw new Error(`operator ${op} on a number`);
  }
}

type NumberReader = (dv: DataView, at: number) => number;

function numberReader(f: EventField): NumberReader {
  switch (f.size) {
    case 1:
      return f.signed ? (dv, at) => dv.getInt8(at) : (dv, at) => dv.getUint8(at);
    case 2:
      return f.signed ? (dv, at) => dv.getInt16(at, true) : (dv, at) => dv.getUint16(at, true);
    case 4:
      return f.signed ? (dv, at) => dv.getInt32(at, true) : (dv, at) => dv.getUint32(at, true);
    default:
      return f.signed
        ? (dv, at) => dv.getInt32(at + 4, true) * 4294967296 + dv.getUint32(at, true)
        : (dv, at) => dv.getUint32(at + 4, true) * 4294967296 + dv.getUint32(at, true);
  }
}

function bigCompare(f: EventField, op: PredOp, value: bigint): RecordPredicate {
  const off = f.offset;
  const lit = f.signed ? BigInt.asIntN(64, value) : BigInt.asUintN(64, value);
  const read = (dv: DataView, b: number) =>
    f.signed ? dv.getBigInt64(b + off, true) : dv.getBigUint64(b + off, true);
  switch (op) {
    case '==':
      return (dv, _u, b) => read(dv, b) === lit;
    case '!=':
      return (dv, _u, b) => read(dv, b) !== lit;
    case '<':
      return (dv, _u, b) => read(dv, b) < lit;
    case '<=':
      return (dv, _u, b) => read(dv, b) <= lit;
    case '>':
      return (dv, _u, b) => read(dv, b) > lit;
    case '>=':
      return (dv, _u, b) => read(dv, b) >= lit;
    default:
      return (dv, _u, b) => (BigInt.asUintN(64, read(dv, b)) & BigInt.asUintN(64, lit)) !== 0n;
  }
}
