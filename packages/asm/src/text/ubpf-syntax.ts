/**
 * The ubpf / bpf_conformance mnemonic syntax, one instruction per line:
 *
 *     mov32 %r0, 1          ldxw %r0, [%r1+2]        stxdw [%r10-8], %r1
 *     jne %r1, 0, label     jeq %r1, %r2, +3         ja32 label
 *     lddw %r0, 0x1122334455667788                   lock fetch add [%r10-8], %r1
 *     call 5                call local fn            call %r2
 *     movsx832 %r0, %r1     ldxsb %r0, [%r1]         be16 %r0   swap64 %r0
 *
 * Registers may be written `%r1` or `r1`; numbers are decimal or 0x-hex, either sign. As in
 * bpf_conformance, the label `exit` names the first `exit` instruction unless defined.
 */
import {
  ALU_OPS,
  type AluOp,
  ATOMIC_OPS,
  type AtomicOp,
  type Insn,
  JMP_OPS,
  type JmpOp,
  type Reg,
  rowOf,
  type Size,
  splitImm64,
} from '@tbpf/isa';
import type { Token } from './lexer.js';
import type { Statement, SymbolRef } from './statements.js';
import { fitSigned, type TokenCursor } from './tokens.js';

const SIZE_SUFFIX: Record<string, Size> = { b: 1, h: 2, w: 4, dw: 8 };
const PLAIN_ALU = ALU_OPS.filter((op) => op !== 'neg' && !op.startsWith('movsx')) as AluOp[];

function register(cur: TokenCursor): Reg {
  const tok = cur.peek();
  const m = tok?.kind === 'ident' ? /^%?r(\d+)$/.exec(tok.text) : null;
  if (!m) cur.fail('a register (%r0-%r10)', tok);
  const n = Number(m[1]);
  if (n > 10) cur.error(`invalid register '${tok?.text}'`, tok, 'a register (%r0-%r10)');
  cur.next();
  return n;
}

function isRegister(tok: Token | undefined): boolean {
  return tok?.kind === 'ident' && /^%?r\d+$/.test(tok.text);
}

function imm32(cur: TokenCursor): number {
  const { value, token } = cur.integer('an immediate');
  return Number(fitSigned(cur, value, 32, 'immediate', token));
}

/** The second operand of ALU and jump instructions: a register or an immediate. */
function regOrImm(cur: TokenCursor): { src: Reg; imm: number; source: 'reg' | 'imm' } {
  if (isRegister(cur.peek())) return { src: register(cur), imm: 0, source: 'reg' };
  if (cur.peek()?.kind === 'ident') cur.fail('a register (%r0-%r10) or an immediate');
  return { src: 0, imm: imm32(cur), source: 'imm' };
}

function offset16(cur: TokenCursor, value: bigint, tok: Token | undefined): number {
  return Number(fitSigned(cur, value, 16, 'offset', tok));
}

/** `[%rN]`, `[%rN+off]`, `[%rN-off]`. */
function memory(cur: TokenCursor): { reg: Reg; off: number } {
  cur.expect('[');
  const reg = register(cur);
  let off = 0;
  if (cur.is('+') || cur.is('-')) {
    const { value, token } = cur.integer('an offset');
    off = offset16(cur, value, token);
  }
  cur.expect(']');
  return { reg, off };
}

/** A jump target: `+N`, `-N`, `N`, or a label. */
function target(cur: TokenCursor, wide: boolean): { off: number; ref?: SymbolRef } {
  const tok = cur.peek();
  if (tok?.kind === 'ident' && !isRegister(tok)) {
    cur.next();
    return { off: 0, ref: { name: tok.text, use: 'jump', loc: cur.location(tok) } };
  }
  if (!cur.atInteger()) cur.fail('a label or an offset such as +3', tok);
  const { value, token } = cur.integer('an offset');
  return { off: Number(fitSigned(cur, value, wide ? 32 : 16, 'offset', token, true)) };
}

function comma(cur: TokenCursor): void {
  cur.expect(',');
}

function call(cur: TokenCursor): Parsed {
  const first = cur.peek();
  if (isRegister(first)) return { insn: { kind: 'callx', reg: register(cur) } };
  const mode = first?.kind === 'ident' && cur.peek(1) ? first.text : undefined;
  if (mode === 'helper' || mode === 'runtime') {
    cur.next();
    return { insn: { kind: 'call', target: mode === 'helper' ? 'helper' : 'kfunc', imm: imm32(cur) } };
  }
  if (mode === 'local') cur.next();
  if (mode === 'local' || cur.peek()?.kind === 'ident') {
    const t = target(cur, true);
    const ref = t.ref && { ...t.ref, use: 'call' as const };
    return { insn: { kind: 'call', target: 'local', imm: t.off }, ...(ref ? { ref } : {}) };
  }
  return { insn: { kind: 'call', target: 'helper', imm: imm32(cur) } };
}

function lddw(cur: TokenCursor): Parsed {
  const dst = register(cur);
  comma(cur);
  const tok = cur.peek();
  if (tok?.kind === 'ident' && !isRegister(tok)) {
    cur.next();
    return {
      insn: { kind: 'lddw', source: 'imm64', dst, imm: 0, imm2: 0 },
      ref: { name: tok.text, use: 'lddw', loc: cur.location(tok) },
    };
  }
  const { value, token } = cur.integer('a 64-bit immediate or a symbol');
  const v = fitSigned(cur, value, 64, 'immediate', token);
  return { insn: { kind: 'lddw', source: 'imm64', dst, ...splitImm64(v) } };
}

/** `lock [fetch] op[32] [%rN+off], %rM`. */
function atomic(cur: TokenCursor): Insn {
  let fetch = cur.accept('fetch');
  const tok = cur.peek();
  const m = tok?.kind === 'ident' ? /^([a-z]+?)(32|64)?$/.exec(tok.text) : null;
  if (!m || !(ATOMIC_OPS as readonly string[]).includes(m[1])) {
    cur.fail(`an atomic operation (${ATOMIC_OPS.join(', ')})`, tok);
  }
  cur.next();
  const op = m[1] as AtomicOp;
  if (op === 'xchg' || op === 'cmpxchg') fetch = true;
  const mem = memory(cur);
  comma(cur);
  const src = register(cur);
  return { kind: 'atomic', size: m[2] === '32' ? 4 : 8, op, fetch, dst: mem.reg, src, off: mem.off };
}

type Parsed = { insn: Insn; ref?: SymbolRef };
type Rule = [RegExp, (m: RegExpExecArray, cur: TokenCursor) => Parsed | undefined];

const withRef = (insn: Insn, ref: SymbolRef | undefined): Parsed => (ref ? { insn, ref } : { insn });

/** One rule per mnemonic family; a rule returning undefined passes the mnemonic on. */
const RULES: Rule[] = [
  [
    /^([a-z]+?)(32|64)?$/,
    (m, cur) => {
      if (!(PLAIN_ALU as string[]).includes(m[1])) return undefined;
      const width = m[2] === '32' ? 32 : 64;
      const op = m[1] as AluOp;
      const dst = register(cur);
      comma(cur);
      return { insn: { kind: 'alu', width, op, dst, ...regOrImm(cur) } };
    },
  ],
  [
    /^neg(32|64)?$/,
    (m, cur) => ({
      insn: {
        kind: 'alu',
        width: m[1] === '32' ? 32 : 64,
        op: 'neg',
        source: 'imm',
        dst: register(cur),
        src: 0,
        imm: 0,
      },
    }),
  ],
  [
    /^movsx(8|16|32)(32|64)$/,
    (m, cur) => {
      if (m[1] === '32' && m[2] === '32') return undefined;
      const dst = register(cur);
      comma(cur);
      const op = `movsx${m[1]}` as AluOp;
      return {
        insn: {
          kind: 'alu',
          width: m[2] === '32' ? 32 : 64,
          op,
          source: 'reg',
          dst,
          src: register(cur),
          imm: 0,
        },
      };
    },
  ],
  [
    /^(le|be|swap|bswap)(16|32|64)$/,
    (m, cur) => {
      const op = m[1] === 'le' ? 'le' : m[1] === 'be' ? 'be' : 'bswap';
      return { insn: { kind: 'end', op, bits: Number(m[2]) as 16 | 32 | 64, dst: register(cur) } };
    },
  ],
  [
    /^([a-z]+?)(32)?$/,
    (m, cur) => {
      if (!(JMP_OPS as readonly string[]).includes(m[1])) return undefined;
      const dst = register(cur);
      comma(cur);
      const operand = regOrImm(cur);
      comma(cur);
      const t = target(cur, false);
      return withRef(
        { kind: 'jmp', width: m[2] ? 32 : 64, op: m[1] as JmpOp, dst, ...operand, off: t.off },
        t.ref,
      );
    },
  ],
  [
    /^ja$/,
    (_m, cur) => {
      const t = target(cur, false);
      return withRef({ kind: 'ja', off: t.off }, t.ref);
    },
  ],
  [
    /^(ja32|gotol)$/,
    (_m, cur) => {
      const t = target(cur, true);
      return withRef({ kind: 'gotol', imm: t.off }, t.ref);
    },
  ],
  [/^call$/, (_m, cur) => call(cur)],
  [/^callx$/, (_m, cur) => ({ insn: { kind: 'callx', reg: register(cur) } })],
  [/^exit$/, () => ({ insn: { kind: 'exit' } })],
  [/^lddw$/, (_m, cur) => lddw(cur)],
  [
    /^ld(abs|ind)(b|h|w)$/,
    (m, cur) => {
      const size = SIZE_SUFFIX[m[2]] as 1 | 2 | 4;
      if (m[1] === 'abs') return { insn: { kind: 'ldabs', size, imm: imm32(cur) } };
      const src = register(cur);
      comma(cur);
      return { insn: { kind: 'ldind', size, src, imm: imm32(cur) } };
    },
  ],
  [
    /^ldx(s?)(b|h|w|dw)$/,
    (m, cur) => {
      if (m[1] && m[2] === 'dw') return undefined;
      const dst = register(cur);
      comma(cur);
      const mem = memory(cur);
      return {
        insn: { kind: 'ldx', size: SIZE_SUFFIX[m[2]], signed: m[1] === 's', dst, src: mem.reg, off: mem.off },
      };
    },
  ],
  [
    /^st(x?)(b|h|w|dw)$/,
    (m, cur) => {
      const mem = memory(cur);
      comma(cur);
      const size = SIZE_SUFFIX[m[2]];
      if (m[1]) return { insn: { kind: 'stx', size, dst: mem.reg, src: register(cur), off: mem.off } };
      return { insn: { kind: 'st', size, dst: mem.reg, off: mem.off, imm: imm32(cur) } };
    },
  ],
  [/^lock$/, (_m, cur) => ({ insn: atomic(cur) })],
];

/** Parse the instruction whose mnemonic token is `mn` (already consumed). */
function instruction(cur: TokenCursor, mn: Token): Parsed {
  const name = mn.text.toLowerCase();
  for (const [re, parse] of RULES) {
    const m = re.exec(name);
    const parsed = m && parse(m, cur);
    if (parsed) return parsed;
  }
  return cur.error(
    `unknown instruction '${mn.text}'`,
    mn,
    'a ubpf mnemonic such as mov, ldxw, jeq, lddw, call, exit',
  );
}

/** Parse one tokenized line of ubpf syntax: optional `label:` prefixes, then an optional instruction. */
export function parseUbpfLine(cur: TokenCursor): Statement[] {
  const out: Statement[] = [];
  while (cur.peek()?.kind === 'ident' && cur.is(':', 1)) {
    const tok = cur.next() as Token;
    cur.next();
    out.push({ kind: 'label', name: tok.text, loc: cur.location(tok) });
  }
  if (cur.atEnd()) return out;
  const mn = cur.next() as Token;
  if (mn.kind !== 'ident') cur.fail('an instruction or a label', mn);
  const loc = cur.location(mn);
  const { insn, ref } = instruction(cur, mn);
  cur.end();
  if (!rowOf(insn)) cur.error(`'${mn.text}' has no encoding with these operands`, mn);
  out.push({ kind: 'insn', insn, loc, ...(ref ? { ref } : {}) });
  return out;
}
