/**
 * The LLVM / kernel C-like BPF syntax, as llvm-mc (`-triple bpfel -mcpu=v4`) accepts it:
 *
 *     r0 = *(u32 *)(r1 + 4)        *(u64 *)(r10 - 8) = r1       w0 = (s8)w1
 *     if r1 > 5 goto LBB0_2        if w1 s< w2 goto +3          gotol +2
 *     r1 = 0 ll                    r1 = map_name ll             call 1   call fn   callx r2
 *     lock *(u64 *)(r10 - 8) += r1                              r1 = be16 r1
 *     r0 = atomic_fetch_add((u64 *)(r10 - 8), r0)               r0 = xchg_64(r10 - 8, r0)
 *     r0 = cmpxchg_64(r10 - 8, r0, r1)                          w1 = -w1     r1 s>>= 3
 *
 * `rN` registers mean a 64-bit operation, `wN` a 32-bit one (ALU32 / JMP32 classes).
 */
import {
  type AluOp,
  type AtomicOp,
  type Insn,
  LDDW_SOURCES,
  type Reg,
  rowOf,
  type Size,
  splitImm64,
  type Width,
} from '@tbpf/isa';
import { type Token, unquote } from './lexer.js';
import { ALU_OP_OF_OPERATOR, ATOMIC_OP_OF_OPERATOR, JMP_OP_OF_OPERATOR } from './operators.js';
import type { Statement, SymbolRef } from './statements.js';
import { fitSigned, type TokenCursor } from './tokens.js';

type Parsed = { insn: Insn; ref?: SymbolRef };

const SIZES: Record<string, Size> = { u8: 1, u16: 2, u32: 4, u64: 8 };

interface RegOperand {
  n: Reg;
  width: Width;
  tok: Token;
}

function regOf(tok: Token | undefined): RegOperand | undefined {
  const m = tok?.kind === 'ident' ? /^([rw])(\d+)$/.exec(tok.text) : null;
  if (!m || !tok) return undefined;
  const n = Number(m[2]);
  return n <= 10 ? { n, width: m[1] === 'w' ? 32 : 64, tok } : undefined;
}

function register(cur: TokenCursor, width?: Width): RegOperand {
  const tok = cur.peek();
  const r = regOf(tok);
  const want = width === 32 ? 'a register w0-w10' : width === 64 ? 'a register r0-r10' : 'a register';
  if (!r || (width && r.width !== width)) cur.fail(want, tok);
  cur.next();
  return r;
}

function imm32(cur: TokenCursor): number {
  const { value, token } = cur.integer('an immediate');
  return Number(fitSigned(cur, value, 32, 'immediate', token));
}

/** `(rN + off)` / `(rN - off)` / `(rN)`; the parentheses are optional for xchg/cmpxchg operands. */
function address(cur: TokenCursor, parens = true): { reg: Reg; off: number } {
  if (parens) cur.expect('(');
  const reg = register(cur, 64).n;
  let off = 0;
  const signTok = cur.peek();
  if (cur.accept('+') || cur.accept('-')) {
    const negative = signTok?.text === '-';
    const { value, token } = cur.integer('an offset');
    off = Number(fitSigned(cur, negative ? -value : value, 16, 'offset', token, true));
  }
  if (parens) cur.expect(')');
  return { reg, off };
}

/** `*(u32 *)` — returns the size and whether the type was signed (`s8` …). */
function pointerCast(cur: TokenCursor, allowSigned: boolean): { size: Size; signed: boolean } {
  cur.expect('*');
  cur.expect('(');
  const tok = cur.peek();
  const name = tok?.kind === 'ident' ? tok.text : '';
  const signed = allowSigned && /^s(8|16|32)$/.test(name);
  const size = signed ? SIZES[`u${name.slice(1)}`] : SIZES[name];
  if (!size) cur.fail(allowSigned ? 'u8, u16, u32, u64, s8, s16 or s32' : 'u8, u16, u32 or u64', tok);
  cur.next();
  cur.expect('*');
  cur.expect(')');
  return { size, signed };
}

function target(cur: TokenCursor, wide: boolean): { off: number; ref?: SymbolRef } {
  const tok = cur.peek();
  if (tok?.kind === 'ident' && !regOf(tok)) {
    cur.next();
    return { off: 0, ref: { name: tok.text, use: 'jump', loc: cur.location(tok) } };
  }
  if (!cur.atInteger()) cur.fail('a label or an offset such as +3', tok);
  const { value, token } = cur.integer('an offset');
  return { off: Number(fitSigned(cur, value, wide ? 32 : 16, 'offset', token, true)) };
}

const withRef = (insn: Insn, ref: SymbolRef | undefined): Parsed => (ref ? { insn, ref } : { insn });

function conditional(cur: TokenCursor): Parsed {
  const dst = register(cur);
  const opTok = cur.next();
  const op = opTok ? JMP_OP_OF_OPERATOR[opTok.text] : undefined;
  if (!op) cur.fail('a comparison (==, !=, >, >=, <, <=, &, s>, s>=, s<, s<=)', opTok);
  const src = regOf(cur.peek()) ? register(cur, dst.width) : undefined;
  const imm = src ? 0 : imm32(cur);
  const gotoTok = cur.peek();
  if (!cur.accept('goto')) cur.fail("'goto'", gotoTok);
  const t = target(cur, false);
  const source = src ? 'reg' : 'imm';
  const insn: Insn = {
    kind: 'jmp',
    width: dst.width,
    op,
    source,
    dst: dst.n,
    src: src?.n ?? 0,
    imm,
    off: t.off,
  };
  return withRef(insn, t.ref);
}

function lock(cur: TokenCursor): Insn {
  const { size } = pointerCast(cur, false);
  if (size !== 4 && size !== 8)
    cur.error('atomic operations are 32 or 64 bits wide', cur.peek(), 'u32 or u64');
  const mem = address(cur);
  const opTok = cur.next();
  const op = opTok ? ATOMIC_OP_OF_OPERATOR[opTok.text] : undefined;
  if (!op) cur.fail('+=, |=, &= or ^=', opTok);
  const src = register(cur, size === 4 ? 32 : 64);
  return { kind: 'atomic', size, op, fetch: false, dst: mem.reg, src: src.n, off: mem.off };
}

function store(cur: TokenCursor): Insn {
  const { size } = pointerCast(cur, false);
  const mem = address(cur);
  cur.expect('=');
  const src = regOf(cur.peek());
  if (src) {
    cur.next();
    return { kind: 'stx', size, dst: mem.reg, src: src.n, off: mem.off };
  }
  return { kind: 'st', size, dst: mem.reg, off: mem.off, imm: imm32(cur) };
}

/** `dst = atomic_fetch_op((u64 *)(rN + off), src)`, `xchg_64(rN + off, src)`, `cmpxchg_64(rN + off, r0, src)`. */
function atomicCall(cur: TokenCursor, dst: RegOperand, fn: Token): Insn | undefined {
  const m = /^(?:atomic_fetch_(add|and|or|xor)|(xchg|cmpxchg)(?:_64|32_32))$/.exec(fn.text);
  if (!m) return undefined;
  cur.next();
  cur.expect('(');
  let size: 4 | 8;
  let mem: { reg: Reg; off: number };
  if (m[1]) {
    cur.expect('(');
    const tok = cur.peek();
    if (!cur.accept('u32') && !cur.accept('u64')) cur.fail('u32 or u64', tok);
    size = tok?.text === 'u32' ? 4 : 8;
    cur.expect('*');
    cur.expect(')');
    mem = address(cur);
  } else {
    size = fn.text.endsWith('32_32') ? 4 : 8;
    mem = address(cur, false);
  }
  const width: Width = size === 4 ? 32 : 64;
  if (dst.width !== width) cur.error(`'${dst.tok.text}' must be a ${width}-bit register here`, dst.tok);
  cur.expect(',');
  const op = (m[1] ?? m[2]) as AtomicOp;
  if (op === 'cmpxchg') {
    const r0 = register(cur, width);
    if (r0.n !== 0 || dst.n !== 0) cur.error('cmpxchg compares with r0 and returns into r0', r0.tok, 'r0');
    cur.expect(',');
  }
  const src = register(cur, width);
  if (op !== 'cmpxchg' && src.n !== dst.n)
    cur.error(`the result register must be the source register ${dst.tok.text}`, src.tok);
  cur.expect(')');
  return { kind: 'atomic', size, op, fetch: true, dst: mem.reg, src: src.n, off: mem.off };
}

/** Everything that starts `rN = …` or `wN = …`. */
function assignment(cur: TokenCursor, dst: RegOperand): Parsed {
  const w = dst.width;
  const next = cur.peek();
  if (cur.is('-') && regOf(cur.peek(1))) {
    cur.next();
    const src = register(cur, w);
    if (src.n !== dst.n) cur.error('negation works in place: write rN = -rN', src.tok);
    return { insn: { kind: 'alu', width: w, op: 'neg', source: 'imm', dst: dst.n, src: 0, imm: 0 } };
  }
  if (cur.is('(')) {
    cur.next();
    const t = cur.next();
    const bits = t && /^s(8|16|32)$/.exec(t.text)?.[1];
    if (!bits || (w === 32 && bits === '32')) cur.fail(w === 32 ? 's8 or s16' : 's8, s16 or s32', t);
    cur.expect(')');
    const src = register(cur, w);
    const op = `movsx${bits}` as AluOp;
    return { insn: { kind: 'alu', width: w, op, source: 'reg', dst: dst.n, src: src.n, imm: 0 } };
  }
  if (cur.is('*')) {
    const { size, signed } = pointerCast(cur, true);
    if (cur.accept('skb')) {
      if (dst.n !== 0 || w !== 64) cur.error('packet loads write r0', dst.tok, 'r0');
      if (size === 8 || signed) cur.error('packet loads are u8, u16 or u32', cur.peek());
      cur.expect('[');
      const reg = regOf(cur.peek());
      if (reg) cur.next();
      const narrow = size as 1 | 2 | 4;
      const insn: Insn = reg
        ? { kind: 'ldind', size: narrow, src: reg.n, imm: 0 }
        : { kind: 'ldabs', size: narrow, imm: imm32(cur) };
      cur.expect(']');
      return { insn };
    }
    const mem = address(cur);
    return { insn: { kind: 'ldx', size, signed, dst: dst.n, src: mem.reg, off: mem.off } };
  }
  if (next?.kind === 'ident' && !regOf(next)) {
    const end = /^(be|le|bswap)(16|32|64)$/.exec(next.text);
    if (end) {
      cur.next();
      const src = register(cur, w);
      if (src.n !== dst.n || w !== 64)
        cur.error('byte swaps work in place on a 64-bit register: rN = be16 rN', src.tok);
      const op = end[1] as 'be' | 'le' | 'bswap';
      return { insn: { kind: 'end', op, bits: Number(end[2]) as 16 | 32 | 64, dst: dst.n } };
    }
    const atomic = atomicCall(cur, dst, next);
    if (atomic) return { insn: atomic };
    cur.next();
    // `name+8 ll`: like llvm-mc, the addend goes into the (32-bit) immediate.
    let addend = 0;
    if (cur.is('+') || cur.is('-')) {
      const { value, token } = cur.integer('an addend');
      addend = Number(fitSigned(cur, value, 32, 'addend', token));
    }
    if (!cur.is('ll')) cur.fail("'ll' after a symbol (r1 = name ll)");
    cur.next();
    if (w !== 64) cur.error('64-bit loads need an r register', dst.tok);
    return {
      insn: { kind: 'lddw', source: 'imm64', dst: dst.n, imm: addend, imm2: 0 },
      ref: { name: next.text, use: 'lddw', loc: cur.location(next) },
    };
  }
  const src = regOf(next);
  if (src) {
    if (src.width !== w) cur.fail(w === 32 ? 'a register w0-w10' : 'a register r0-r10', next);
    cur.next();
    return { insn: { kind: 'alu', width: w, op: 'mov', source: 'reg', dst: dst.n, src: src.n, imm: 0 } };
  }
  const { value, token } = cur.integer('a register, an immediate, or a memory load');
  if (cur.accept('ll')) {
    if (w !== 64) cur.error('64-bit loads need an r register', dst.tok);
    const v = fitSigned(cur, value, 64, 'immediate', token);
    return { insn: { kind: 'lddw', source: 'imm64', dst: dst.n, ...splitImm64(v) } };
  }
  const imm = Number(fitSigned(cur, value, 32, 'immediate', token));
  return { insn: { kind: 'alu', width: w, op: 'mov', source: 'imm', dst: dst.n, src: 0, imm } };
}

/** `ld_pseudo rN, src, imm`: an lddw with a pseudo source (map by fd, map value, …); the second imm is 0. */
function ldPseudo(cur: TokenCursor): Insn {
  const dst = register(cur, 64);
  cur.expect(',');
  const srcTok = cur.peek();
  const src = imm32(cur);
  const source = LDDW_SOURCES[src];
  if (!source) cur.error(`invalid lddw source ${src}`, srcTok, `0-${LDDW_SOURCES.length - 1}`);
  cur.expect(',');
  return { kind: 'lddw', source, dst: dst.n, imm: imm32(cur), imm2: 0 };
}

function instruction(cur: TokenCursor): Parsed {
  const first = cur.peek() as Token;
  const word = first.kind === 'ident' ? first.text : '';
  const dst = regOf(first);
  if (dst) {
    cur.next();
    const opTok = cur.next();
    if (opTok?.text === '=') return assignment(cur, dst);
    const op = opTok ? ALU_OP_OF_OPERATOR[opTok.text] : undefined;
    if (!op) cur.fail("'=' or a compound assignment such as '+='", opTok);
    const src = regOf(cur.peek()) ? register(cur, dst.width) : undefined;
    const insn: Insn = src
      ? { kind: 'alu', width: dst.width, op, source: 'reg', dst: dst.n, src: src.n, imm: 0 }
      : { kind: 'alu', width: dst.width, op, source: 'imm', dst: dst.n, src: 0, imm: imm32(cur) };
    return { insn };
  }
  if (first.text === '*') return { insn: store(cur) };
  cur.next();
  switch (word) {
    case 'exit':
      return { insn: { kind: 'exit' } };
    case 'goto': {
      const t = target(cur, false);
      return withRef({ kind: 'ja', off: t.off }, t.ref);
    }
    case 'gotol': {
      const t = target(cur, true);
      return withRef({ kind: 'gotol', imm: t.off }, t.ref);
    }
    case 'call': {
      const tok = cur.peek();
      if (tok?.kind === 'ident' && !regOf(tok)) {
        cur.next();
        return {
          insn: { kind: 'call', target: 'local', imm: 0 },
          ref: { name: tok.text, use: 'call', loc: cur.location(tok) },
        };
      }
      return { insn: { kind: 'call', target: 'helper', imm: imm32(cur) } };
    }
    case 'callx':
      return { insn: { kind: 'callx', reg: register(cur).n } };
    case 'if':
      return conditional(cur);
    case 'lock':
      return { insn: lock(cur) };
    case 'ld_pseudo':
      return { insn: ldPseudo(cur) };
    default:
      return cur.error(
        `unknown instruction starting with '${first.text}'`,
        first,
        'a register assignment, a store, if/goto/gotol/call/callx/exit or lock',
      );
  }
}

/** Parse one tokenized line of LLVM syntax: labels, then a directive or an instruction. */
export function parseLlvmLine(cur: TokenCursor): Statement[] {
  const out: Statement[] = [];
  while ((cur.peek()?.kind === 'ident' || cur.peek()?.kind === 'string') && cur.is(':', 1)) {
    const tok = cur.next() as Token;
    cur.next();
    const name = tok.kind === 'string' ? unquote(tok.text) : tok.text;
    out.push({ kind: 'label', name, loc: cur.location(tok) });
  }
  if (cur.atEnd()) return out;
  const first = cur.peek() as Token;
  if (first.kind === 'ident' && first.text.startsWith('.') && !regOf(first)) {
    cur.next();
    const args: Token[] = [];
    while (!cur.atEnd()) args.push(cur.next() as Token);
    out.push({ kind: 'directive', name: first.text, args, loc: cur.location(first) });
    return out;
  }
  const loc = cur.location(first);
  const { insn, ref } = instruction(cur);
  cur.end();
  if (!rowOf(insn)) cur.error('this instruction has no encoding', first);
  out.push({ kind: 'insn', insn, loc, ...(ref ? { ref } : {}) });
  return out;
}
