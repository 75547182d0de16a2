/**
 * Lowers the typed tree to IR. Register representation of values: 64-bit types (long,
 * pointers) use all 64 bits; types of 32 bits or fewer live in the low 32 bits with the upper
 * half zero (what BPF's 32-bit ALU operations produce), narrow types normalised to their range.
 * So 32-bit C arithmetic uses `w` registers and widening unsigned values costs nothing.
 */
import type { AluOp, JmpOp, Size } from '@tbpf/isa';
import type { BinaryOp, Expr, Func, Stmt, Var } from './ast.js';
import { astSize } from './ast-walk.js';
import { coreAccess, ENUM_KINDS, FIELD_KINDS, fieldInfo, TYPE_ID_KINDS, TYPE_KINDS } from './core.js';
import { Abort, type DiagnosticBag, type SourceLoc } from './diagnostics.js';
import { lowerAsm } from './inline-asm.js';
import {
  type Block,
  FIRST_VREG,
  FP,
  type IrFunction,
  type IrInsn,
  type Mem,
  type Src,
  type Width,
} from './ir.js';
import { alignOf, isInteger, type Member, sizeOf, T, type Type } from './types.js';

export interface IrGenContext {
  diags: DiagnosticBag;
  /** Symbol kind of a global: maps are referenced as maps, everything else as data. */
  symbolOf(v: Var): { symbol: string; kind: 'map' | 'data'; addend: number };
  /** Whether a call to f should be inlined when possible (always_inline, or small/single-use static). */
  wantsInline(f: Func): boolean;
}

/** One function body being generated in place of a call. */
interface InlineFrame {
  f: Func;
  /** Where a `return` in the body continues. */
  exit: Block;
  /** The vreg receiving a scalar result (or the address of a struct result). */
  result: number;
  /** For a struct result: the caller-frame slot it is copied into. */
  resultSlot?: number;
  /** Slots this instance allocated; free for reuse once it is done. */
  slots: number[];
}

/** Upper bound on AST nodes inlined into one function (beyond it, calls stay calls). */
const MAX_INLINED_NODES = 200_000;

type LValue =
  | { kind: 'reg'; r: number; type: Type }
  | { kind: 'mem'; m: Mem; type: Type; member?: Member; bitShift?: number };

const MAX_STACK = 512;

function widthOf(t: Type): Width {
  return sizeOf(t) === 8 && t.kind !== 'struct' && t.kind !== 'array' ? 64 : 32;
}
function isSigned(t: Type): boolean {
  return t.kind === 'int' && t.signed;
}
function fitsImm(v: bigint, w: Width): boolean {
  if (w === 32) return true;
  const s = BigInt.asIntN(64, v);
  return s >= -0x80000000n && s <= 0x7fffffffn;
}
function imm32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

const ALU_OF: Partial<Record<BinaryOp, AluOp>> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '&': 'and',
  '|': 'or',
  '^': 'xor',
  '<<': 'lsh',
};

function cmpOp(op: BinaryOp, signed: boolean): JmpOp {
  switch (op) {
    case '==':
      return 'jeq';
    case '!=':
      return 'jne';
    case '<':
      return signed ? 'jslt' : 'jlt';
    case '<=':
      return signed ? 'jsle' : 'jle';
    case '>':
      return signed ? 'jsgt' : 'jgt';
    default:
      return signed ? 'jsge' : 'jge';
  }
}

export const INVERT: Record<JmpOp, JmpOp | undefined> = {
  jeq: 'jne',
  jne: 'jeq',
  jlt: 'jge',
  jge: 'jlt',
  jle: 'jgt',
  jgt: 'jle',
  jslt: 'jsge',
  jsge: 'jslt',
  jsle: 'jsgt',
  jsgt: 'jsle',
  jset: undefined,
};

export class FuncGen {
  private blocks: Block[] = [];
  private cur: Block;
  private nextV = FIRST_VREG;
  private regOf = new Map<Var, number>();
  private slotOf = new Map<Var, number>();
  private slots: { size: number; align: number }[] = [];
  private breaks: Block[] = [];
  private continues: Block[] = [];
  private labels = new Map<string, Block>();
  private loc: SourceLoc;
  private caseBlocks = new Map<number, Block>();
  private inlining: InlineFrame[] = [];
  /** Parameters of inlined calls bound to a constant argument (and never assigned). */
  private constParams = new Map<Var, bigint>();
  /** Slots of finished inline instances, reusable by later ones. */
  private freeSlots: number[] = [];
  private inlinedNodes = 0;

  constructor(
    private readonly f: Func,
    private readonly ctx: IrGenContext,
  ) {
    this.loc = f.loc;
    this.cur = this.newBlock();
  }

  private newBlock(): Block {
    const b: Block = { id: this.blocks.length, insns: [], term: { op: 'none' } };
    this.blocks.push(b);
    return b;
  }
  private vreg(): number {
    return this.nextV++;
  }
  private emit(i: IrInsn): void {
    i.loc = this.loc;
    this.cur.insns.push(i);
  }
  private terminate(t: Block['term']): void {
    if (this.cur.term.op === 'none') this.cur.term = t;
  }
  private jumpTo(b: Block): void {
    this.terminate({ op: 'jmp', t: b });
    this.cur = b;
  }
  private startBlock(b: Block): void {
    if (this.cur.term.op === 'none') this.cur.term = { op: 'jmp', t: b };
    this.cur = b;
  }
  private error(loc: SourceLoc, msg: string): Abort {
    return this.ctx.diags.error(loc, msg);
  }

  generate(): IrFunction {
    const f = this.f;
    for (const p of f.params) {
      const r = p.paramIndex === undefined ? 1 : p.paramIndex + 1;
      if (this.inMemory(p)) {
        const slot = this.slotFor(p);
        this.emit({ op: 'st', size: sizeOf(p.type) as Size, m: { base: FP, off: 0, slot }, s: { reg: r } });
      } else {
        const v = this.vreg();
        this.regOf.set(p, v);
        this.emit({ op: 'mov', w: 64, d: v, s: { reg: r } });
      }
    }
    if (f.body) this.stmt(f.body);
    if (this.cur.term.op === 'none') {
      // Falling off the end: return 0 (the verifier requires r0 to be set).
      this.emit({ op: 'mov', w: 64, d: 0, s: { imm: 0 } });
      this.terminate({ op: 'ret' });
    }
    let size = 0;
    for (const s of this.slots) size = Math.ceil((size + s.size) / s.align) * s.align;
    if (size > MAX_STACK)
      this.ctx.diags.error(
        f.loc,
        `stack size of ${size} bytes in function '${f.name}' exceeds BPF's limit of ${MAX_STACK} bytes`,
      );
    return { name: f.name, blocks: this.blocks, slots: this.slots, nextVreg: this.nextV, loc: f.loc };
  }

  private inMemory(v: Var): boolean {
    return v.addressTaken || v.type.kind === 'struct' || v.type.kind === 'array';
  }

  private slotFor(v: Var): number {
    let s = this.slotOf.get(v);
    if (s === undefined) {
      // Aggregates get 8-byte alignment so they can be initialised and copied 8 bytes at a time.
      const size = Math.max(1, sizeOf(v.type));
      const align =
        v.type.kind === 'struct' || v.type.kind === 'array'
          ? size >= 8
            ? 8
            : Math.min(8, alignOf(v.type))
          : Math.min(8, alignOf(v.type));
      s = this.newSlot(size, Math.max(1, align));
      this.slotOf.set(v, s);
    }
    return s;
  }

  /** A frame slot; inside an inlined body a free one of the same shape is reused. */
  private newSlot(size: number, align: number): number {
    const frame = this.inlining[this.inlining.length - 1];
    if (!frame) return this.slots.push({ size, align }) - 1;
    const k = this.freeSlots.findIndex((i) => this.slots[i].size === size && this.slots[i].align === align);
    const s = k >= 0 ? this.freeSlots.splice(k, 1)[0] : this.slots.push({ size, align }) - 1;
    frame.slots.push(s);
    return s;
  }

  // ---- statements ----

  private stmt(s: Stmt): void {
    try {
      this.stmtInner(s);
    } catch (e) {
      if (!(e instanceof Abort) || e.fatal) throw e;
    }
  }

  private stmtInner(s: Stmt): void {
    this.loc = s.loc;
    switch (s.kind) {
      case 'block':
        s.items.forEach((x, k) => {
          const unrolled = x.kind === 'loop' && x.unroll && this.unroll(x, s.items[k - 1]);
          if (!unrolled) this.stmt(x);
        });
        return;
      case 'empty':
        return;
      case 'expr':
        this.effect(s.e);
        return;
      case 'init': {
        this.init(s);
        return;
      }
      case 'if': {
        const then = this.newBlock();
        const end = this.newBlock();
        const els = s.else ? this.newBlock() : end;
        this.cond(s.c, then, els);
        this.cur = then;
        this.stmt(s.then);
        this.jumpTo(s.else ? end : end);
        if (s.else) {
          this.cur = els;
          this.stmt(s.else);
          this.jumpTo(end);
        }
        this.cur = end;
        return;
      }
      case 'loop': {
        const head = this.newBlock();
        const body = this.newBlock();
        const step = this.newBlock();
        const end = this.newBlock();
        if (s.doWhile) this.startBlock(body);
        else {
          this.startBlock(head);
          if (s.cond) this.cond(s.cond, body, end);
          else this.terminate({ op: 'jmp', t: body });
          this.cur = body;
        }
        this.breaks.push(end);
        this.continues.push(step);
        this.stmt(s.body);
        this.breaks.pop();
        this.continues.pop();
        this.startBlock(step);
        this.loc = s.loc;
        if (s.step) this.effect(s.step);
        if (s.doWhile) {
          if (s.cond) this.cond(s.cond, body, end);
          else this.terminate({ op: 'jmp', t: body });
        } else this.terminate({ op: 'jmp', t: head });
        this.cur = end;
        return;
      }
      case 'switch': {
        const v = this.gen(s.e);
        const w = widthOf(s.e.type);
        const end = this.newBlock();
        for (const c of s.cases) {
          const target = this.newBlock();
          this.caseBlocks.set(c.label.id, target);
          const next = this.newBlock();
          this.terminate({ op: 'br', cc: 'jeq', w, a: v, b: this.immOrReg(c.value, w), t: target, f: next });
          this.cur = next;
        }
        let dflt = end;
        if (s.default) {
          dflt = this.newBlock();
          this.caseBlocks.set(s.default.id, dflt);
        }
        this.terminate({ op: 'jmp', t: dflt });
        this.cur = this.newBlock(); // unreachable code before the first label
        this.breaks.push(end);
        this.stmt(s.body);
        this.breaks.pop();
        this.startBlock(end);
        return;
      }
      case 'case': {
        const b = this.caseBlocks.get(s.id) ?? this.newBlock();
        this.startBlock(b);
        return;
      }
      case 'break':
        this.terminate({ op: 'jmp', t: this.breaks[this.breaks.length - 1] });
        this.cur = this.newBlock();
        return;
      case 'continue':
        this.terminate({ op: 'jmp', t: this.continues[this.continues.length - 1] });
        this.cur = this.newBlock();
        return;
      case 'goto':
        this.terminate({ op: 'jmp', t: this.label(s.label) });
        this.cur = this.newBlock();
        return;
      case 'label':
        this.startBlock(this.label(s.name));
        this.stmt(s.body);
        return;
      case 'return': {
        const frame = this.inlining[this.inlining.length - 1];
        if (frame) {
          if (s.e && frame.resultSlot !== undefined) {
            const src = this.gen(s.e);
            const size = sizeOf(frame.f.type.ret);
            this.copy(
              { base: FP, off: 0, slot: frame.resultSlot },
              { base: src, off: 0 },
              size,
              this.slots[frame.resultSlot].align,
            );
          } else if (s.e) this.emit({ op: 'mov', w: 64, d: frame.result, s: { reg: this.gen(s.e) } });
          this.terminate({ op: 'jmp', t: frame.exit });
          this.cur = this.newBlock();
          return;
        }
        if (s.e) {
          const v = this.gen(s.e);
          this.emit({ op: 'mov', w: 64, d: 0, s: { reg: v } });
        } else this.emit({ op: 'mov', w: 64, d: 0, s: { imm: 0 } });
        this.terminate({ op: 'ret' });
        this.cur = this.newBlock();
        return;
      }
      case 'asm':
        lowerAsm(s, {
          value: (e) => this.gen(e),
          constant: (e) => this.constantOf(e),
          vreg: () => this.vreg(),
          emit: (i) => this.emit(i),
          store: (e, v, from) => this.store(this.lvalue(e), this.convertReg(v, from, e.type)),
          error: (loc, message) => this.error(loc, message),
        });
        return;
    }
  }

  /**
   * `#pragma unroll` on `for (v = C0; v op C1; v += d)` with a body that leaves v alone: emit
   * the body once per iteration with v constant. Returns false (keep the loop) otherwise.
   */
  private unroll(loop: Extract<Stmt, { kind: 'loop' }>, init: Stmt | undefined): boolean {
    const plan = unrollPlan(loop, init);
    if (!plan) return false;
    const { v, values, after } = plan;
    const reg = this.regFor(v);
    const w = widthOf(v.type);
    const end = this.newBlock();
    for (const value of values) {
      this.loc = loop.loc;
      this.emit({ op: 'const', d: reg, v: w === 32 ? BigInt.asUintN(32, value) : value });
      const next = this.newBlock();
      this.breaks.push(end);
      this.continues.push(next);
      this.stmt(loop.body);
      this.breaks.pop();
      this.continues.pop();
      this.startBlock(next);
    }
    this.emit({ op: 'const', d: reg, v: w === 32 ? BigInt.asUintN(32, after) : after });
    this.startBlock(end);
    return true;
  }

  private label(name: string): Block {
    let b = this.labels.get(name);
    if (!b) {
      b = this.newBlock();
      this.labels.set(name, b);
    }
    return b;
  }

  private init(s: Extract<Stmt, { kind: 'init' }>): void {
    const v = s.v;
    if (!this.inMemory(v)) {
      const item = s.items[0];
      const r = this.gen(item.value);
      const d = this.regFor(v);
      this.emit({ op: 'mov', w: 64, d, s: { reg: r } });
      return;
    }
    const slot = this.slotFor(v);
    const size = sizeOf(v.type);
    // Constant bytes are folded into an image and stored in 8/4/2/1-byte pieces; the rest after.
    const image = new Uint8Array(size);
    const known = new Uint8Array(size);
    const dynamic: typeof s.items = [];
    for (const it of s.items) {
      const c = constValue(it.value);
      if (c !== undefined && it.bitWidth === undefined && it.type.kind !== 'struct') {
        const n = sizeOf(it.type);
        for (let i = 0; i < n; i++) {
          image[it.offset + i] = Number((BigInt.asUintN(64, c) >> BigInt(8 * i)) & 0xffn);
          known[it.offset + i] = 1;
        }
      } else dynamic.push(it);
    }
    if (s.zero) {
      this.storeImage({ base: FP, off: 0, slot }, image, 0, size, this.slots[slot].align);
    } else {
      // Without zeroing, only the known pieces are stored.
      for (let i = 0; i < size; ) {
        if (!known[i]) {
          i++;
          continue;
        }
        let j = i;
        while (j < size && known[j]) j++;
        this.storeImage({ base: FP, off: 0, slot }, image, i, j - i, this.slots[slot].align);
        i = j;
      }
    }
    for (const it of dynamic) {
      const m: Mem = { base: FP, off: it.offset, slot };
      if (it.type.kind === 'struct' || it.type.kind === 'array') {
        const src = this.gen(it.value);
        this.copy(m, { base: src, off: 0 }, sizeOf(it.type), alignOf(it.type));
        continue;
      }
      const val = this.gen(it.value);
      if (it.bitWidth !== undefined && it.bitOffset !== undefined) {
        this.storeBitfield(m, it.type, it.bitOffset - it.offset * 8, it.bitWidth, val);
        continue;
      }
      this.emit({ op: 'st', size: sizeOf(it.type) as Size, m, s: { reg: val } });
    }
  }

  /** Store bytes [from, from+len) of a constant image at m + from, widest pieces first. */
  private storeImage(m: Mem, image: Uint8Array, from: number, len: number, align: number): void {
    let i = from;
    const end = from + len;
    while (i < end) {
      let n: Size = 8;
      while (n > 1 && (i + n > end || n > align || (m.off + i) % n !== 0)) n = (n / 2) as Size;
      let v = 0n;
      for (let k = n - 1; k >= 0; k--) v = (v << 8n) | BigInt(image[i + k]);
      const dst: Mem = { ...m, off: m.off + i };
      const signed = BigInt.asIntN(n * 8, v);
      if (n < 8 || (signed >= -0x80000000n && signed <= 0x7fffffffn)) {
        this.emit({ op: 'st', size: n, m: dst, s: { imm: Number(BigInt.asIntN(32, v)) } });
      } else {
        const r = this.vreg();
        this.emit({ op: 'const', d: r, v });
        this.emit({ op: 'st', size: 8, m: dst, s: { reg: r } });
      }
      i += n;
    }
  }

  private regFor(v: Var): number {
    let r = this.regOf.get(v);
    if (r === undefined) {
      r = this.vreg();
      this.regOf.set(v, r);
    }
    return r;
  }

  // ---- conditions ----

  /** Branch to t if e is non-zero, else to f. */
  private cond(e: Expr, t: Block, f: Block): void {
    const c = constValue(e);
    if (c !== undefined) {
      this.terminate({ op: 'jmp', t: c !== 0n ? t : f });
      this.cur = this.newBlock();
      return;
    }
    switch (e.kind) {
      case 'logand': {
        const mid = this.newBlock();
        this.cond(e.l, mid, f);
        this.cur = mid;
        this.cond(e.r, t, f);
        return;
      }
      case 'logor': {
        const mid = this.newBlock();
        this.cond(e.l, t, mid);
        this.cur = mid;
        this.cond(e.r, t, f);
        return;
      }
      case 'unary':
        if (e.op === '!') {
          this.cond(e.e, f, t);
          return;
        }
        break;
      case 'binary':
        if (['==', '!=', '<', '<=', '>', '>='].includes(e.op)) {
          const w = widthOf(e.l.type);
          const signed = isSigned(e.l.type);
          let l = e.l;
          let r = e.r;
          let op = e.op;
          if (constValue(l) !== undefined && constValue(r) === undefined) {
            [l, r] = [r, l];
            op = ({ '<': '>', '>': '<', '<=': '>=', '>=': '<=' } as Record<string, BinaryOp>)[op] ?? op;
          }
          const a = this.gen(l);
          const b = this.src(r, w);
          this.terminate({ op: 'br', cc: cmpOp(op, signed), w, a, b, t, f });
          return;
        }
        if (e.op === '&') {
          const w = widthOf(e.type);
          const a = this.gen(e.l);
          const b = this.src(e.r, w);
          this.terminate({ op: 'br', cc: 'jset', w, a, b, t, f });
          return;
        }
        break;
      case 'cast':
        // A widening conversion does not change zero-ness.
        if (isInteger(e.type) && isInteger(e.e.type) && sizeOf(e.type) >= sizeOf(e.e.type) && !e.type.bool) {
          this.cond(e.e, t, f);
          return;
        }
        if (e.type.kind === 'ptr' && e.e.type.kind === 'ptr') {
          this.cond(e.e, t, f);
          return;
        }
        if (isInteger(e.type) && e.type.bool) {
          this.cond(e.e, t, f);
          return;
        }
        break;
      case 'comma':
        this.effect(e.l);
        {
          this.cond(e.r, t, f);
          return;
        }
    }
    const v = this.gen(e);
    this.terminate({ op: 'br', cc: 'jne', w: widthOf(e.type), a: v, b: { imm: 0 }, t, f });
  }

  // ---- expressions ----

  private immOrReg(v: bigint, w: Width): Src {
    if (fitsImm(v, w)) return { imm: imm32(v) };
    const r = this.vreg();
    this.emit({ op: 'const', d: r, v });
    return { reg: r };
  }

  /** An operand for a `w`-bit operation: an immediate when e is a constant that fits. */
  private src(e: Expr, w: Width): Src {
    const c = constValue(e);
    if (c !== undefined && fitsImm(c, w)) return { imm: imm32(c) };
    return { reg: this.gen(e) };
  }

  /** Evaluate for side effects only. */
  private effect(e: Expr): void {
    switch (e.kind) {
      case 'cast':
        if (e.type.kind === 'void') {
          this.effect(e.e);
          return;
        }
        break;
      case 'comma':
        this.effect(e.l);
        {
          this.effect(e.r);
          return;
        }
      case 'incdec':
        this.gen({ ...e, prefix: true });
        return;
      case 'num':
      case 'var':
        return;
    }
    this.gen(e);
  }

  /** Evaluate to a register (for aggregates: their address). */
  gen(e: Expr): number {
    switch (e.kind) {
      case 'num': {
        const d = this.vreg();
        const w = widthOf(e.type);
        const v = w === 32 ? BigInt.asUintN(32, e.value) : e.value;
        if (w === 32) this.emit({ op: 'mov', w: 32, d, s: { imm: imm32(v) } });
        else this.emit({ op: 'const', d, v });
        return d;
      }
      case 'var':
      case 'deref':
      case 'member': {
        const lv = this.lvalue(e);
        if (e.type.kind === 'struct' || e.type.kind === 'array') return this.addressOfLValue(lv);
        return this.load(lv);
      }
      case 'addr':
        return this.addressOf(e.e);
      case 'func':
        return this.functionAddress(e);
      case 'cast':
        return this.convert(e.e, e.type);
      case 'unary': {
        if (e.op === '!')
          return this.setcc(e.e.type, 'jeq', e.e, { kind: 'num', value: 0n, type: e.e.type, loc: e.loc });
        const w = widthOf(e.type);
        const a = this.gen(e.e);
        const d = this.vreg();
        if (e.op === '-') this.emit({ op: 'neg', w, d, a });
        else this.emit({ op: 'alu', alu: 'xor', w, d, a, b: { imm: -1 } });
        return this.normalize(d, e.type);
      }
      case 'binary':
        return this.binary(e);
      case 'logand':
      case 'logor':
      case 'cond': {
        const d = this.vreg();
        const end = this.newBlock();
        const t = this.newBlock();
        const f = this.newBlock();
        if (e.kind === 'cond') {
          this.cond(e.c, t, f);
          this.cur = t;
          if (e.type.kind === 'void') this.effect(e.a);
          else this.emit({ op: 'mov', w: 64, d, s: { reg: this.gen(e.a) } });
          this.terminate({ op: 'jmp', t: end });
          this.cur = f;
          if (e.type.kind === 'void') this.effect(e.b);
          else this.emit({ op: 'mov', w: 64, d, s: { reg: this.gen(e.b) } });
          this.jumpTo(end);
          return d;
        }
        this.cond(e, t, f);
        this.cur = t;
        this.emit({ op: 'mov', w: 32, d, s: { imm: 1 } });
        this.terminate({ op: 'jmp', t: end });
        this.cur = f;
        this.emit({ op: 'mov', w: 32, d, s: { imm: 0 } });
        this.jumpTo(end);
        return d;
      }
      case 'comma':
        this.effect(e.l);
        return this.gen(e.r);
      case 'assign':
        return this.assign(e.l, e.r);
      case 'opassign':
        return this.opassign(e);
      case 'incdec':
        return this.incdec(e);
      case 'call':
        return this.call(e);
      case 'helper':
        return this.helper(e);
      case 'builtin':
        return this.builtin(e);
      case 'stmtexpr': {
        for (const s of e.body) this.stmt(s);
        if (e.result === undefined) return this.zero();
        return this.gen(e.result);
      }
      case 'coreinfo':
        return this.coreInfo(e);
    }
  }

  /** A CO-RE query (`__builtin_preserve_field_info` and friends): its local value, relocated. */
  private coreInfo(e: Extract<Expr, { kind: 'coreinfo' }>): number {
    const d = this.vreg();
    const emit = (
      kind: number | undefined,
      root: Type,
      access: string,
      v: bigint,
      wide: boolean,
      typeId = false,
    ) => {
      if (kind === undefined) throw this.error(e.loc, `invalid flag ${e.flag} for this CO-RE builtin`);
      this.emit({ op: 'coreconst', d, v, wide, typeId, relo: { kind, root: bare(root), access } });
      return d;
    };
    switch (e.what) {
      case 'field': {
        // Evaluated for its relocation only: the access is not performed.
        const a = coreAccess(e.access);
        if (!a)
          throw this.error(
            e.access.loc,
            'this access has no CO-RE access path (use a member or array element)',
          );
        const kind = FIELD_KINDS[e.flag];
        return emit(kind, a.root, a.indices.join(':'), fieldInfo(a, e.access.type, kind ?? 0), false);
      }
      case 'type': {
        const kind = TYPE_KINDS[e.flag];
        return emit(kind, e.target, '0', kind === 9 ? BigInt(sizeOf(e.target)) : 1n, false);
      }
      case 'typeid':
        return emit(TYPE_ID_KINDS[e.flag], e.target, '0', 0n, true, true);
      case 'enum': {
        const index = isInteger(e.target)
          ? (e.target.enumerators ?? []).findIndex((x) => x.name === e.enumerator)
          : -1;
        if (index < 0) throw this.error(e.loc, `'${e.enumerator}' is not an enumerator of a defined enum`);
        const kind = ENUM_KINDS[e.flag];
        return emit(kind, e.target, String(index), kind === 11 ? e.value : 1n, true);
      }
    }
  }

  /**
   * The address of a kfunc (`bpf_ksym_exists(f)` tests it): an lddw relocated against the
   * extern, which libbpf resolves (0 when a __weak kfunc is missing). Other functions' addresses
   * are not supported.
   */
  private functionAddress(e: Extract<Expr, { kind: 'func' }>): number {
    if (!(e.f.isExtern && e.f.body === undefined && e.f.section === '.ksyms'))
      throw this.error(e.loc, 'taking the address of a function is not supported');
    const d = this.vreg();
    this.emit({ op: 'sym', d, symbol: e.f.name, kind: 'data', addend: 0 });
    return d;
  }

  private zero(): number {
    const d = this.vreg();
    this.emit({ op: 'mov', w: 64, d, s: { imm: 0 } });
    return d;
  }

  private setcc(operandType: Type, cc: JmpOp, l: Expr, r: Expr): number {
    const w = widthOf(operandType);
    const a = this.gen(l);
    const b = this.src(r, w);
    const d = this.vreg();
    this.emit({ op: 'setcc', cc, w, d, a, b });
    return d;
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>): number {
    if (['==', '!=', '<', '<=', '>', '>='].includes(e.op)) {
      return this.setcc(e.l.type, cmpOp(e.op, isSigned(e.l.type)), e.l, e.r);
    }
    const a = this.gen(e.l);
    const d = this.vreg();
    this.arith(e.op, e.type, d, a, e.r);
    return this.normalize(d, e.type);
  }

  /** d = a op r in type t (no normalisation). */
  private arith(op: BinaryOp, t: Type, d: number, a: number, r: Expr): void {
    const w = widthOf(t);
    const signed = isSigned(t);
    let alu: AluOp | undefined = ALU_OF[op];
    if (op === '>>') alu = signed ? 'arsh' : 'rsh';
    else if (op === '/') alu = signed ? 'sdiv' : 'div';
    else if (op === '%') alu = signed ? 'smod' : 'mod';
    if (alu === undefined) throw this.error(r.loc, `operator '${op}' cannot be used here`);
    let b = this.src(r, w);
    // 64-bit shifts of a 32-bit-typed count: the count register is fine as is.
    if ((op === '<<' || op === '>>') && b.imm !== undefined) b = { imm: b.imm & (w - 1) };
    this.emit({ op: 'alu', alu, w, d, a, b });
  }

  /** Re-establish the register representation of a narrow type after arithmetic. */
  private normalize(r: number, t: Type): number {
    if (!isInteger(t)) return r;
    if (t.bool) return r;
    if (t.size === 1 || t.size === 2) {
      const d = this.vreg();
      if (t.signed) this.emit({ op: 'movsx', w: 32, bits: (t.size * 8) as 8 | 16, d, a: r });
      else this.emit({ op: 'alu', alu: 'and', w: 32, d, a: r, b: { imm: t.size === 1 ? 0xff : 0xffff } });
      return d;
    }
    return r;
  }

  /** Converts the value of e to type `to`. */
  private convert(e: Expr, to: Type): number {
    const from = e.type;
    if (to.kind === 'void') {
      this.effect(e);
      return this.zero();
    }
    const v = this.gen(e);
    return this.convertReg(v, from, to);
  }

  private convertReg(v: number, from: Type, to: Type): number {
    const fs = from.kind === 'array' || from.kind === 'func' ? 8 : sizeOf(from);
    const ts = sizeOf(to);
    if (isInteger(to) && to.bool) {
      if (isInteger(from) && from.bool) return v;
      const d = this.vreg();
      this.emit({ op: 'setcc', cc: 'jne', w: fs === 8 ? 64 : 32, d, a: v, b: { imm: 0 } });
      return d;
    }
    const fromSigned = isSigned(from);
    if (ts === 8) {
      if (fs === 8) return v;
      if (fromSigned) {
        const d = this.vreg();
        this.emit({ op: 'movsx', w: 64, bits: 32, d, a: v });
        return d;
      }
      return v;
    }
    // to a type of 4 bytes or fewer
    let r = v;
    if (fs === 8) {
      r = this.vreg();
      this.emit({ op: 'mov', w: 32, d: r, s: { reg: v } });
    }
    if (ts === 4) return r;
    const toSigned = isSigned(to);
    if (fs < ts && (fromSigned === toSigned || !fromSigned)) return r;
    if (fs === ts && fromSigned === toSigned) return r;
    return this.normalize(r, to);
  }

  // ---- lvalues and memory ----

  private lvalue(e: Expr): LValue {
    switch (e.kind) {
      case 'var': {
        const v = e.v;
        if (v.storage !== 'global' && !this.inMemory(v))
          return { kind: 'reg', r: this.regFor(v), type: e.type };
        if (v.storage !== 'global')
          return { kind: 'mem', m: { base: FP, off: 0, slot: this.slotFor(v) }, type: e.type };
        const d = this.vreg();
        const sym = this.ctx.symbolOf(v);
        this.emit({ op: 'sym', d, ...sym });
        return { kind: 'mem', m: { base: d, off: 0 }, type: e.type };
      }
      case 'deref': {
        const lv = this.coreLValue(e);
        if (lv) return lv;
        return { kind: 'mem', m: this.memOf(e.e), type: e.type };
      }
      case 'member': {
        if (e.core && e.member.bitWidth === undefined) {
          const lv = this.coreLValue(e);
          if (lv) return lv;
        }
        const m = this.memOf(e.base);
        const lv: LValue = { kind: 'mem', m: { ...m, off: m.off + e.offset }, type: e.type };
        if (e.member.bitWidth !== undefined) {
          lv.member = e.member;
          lv.bitShift = (e.member.bitOffset ?? 0) - e.member.offset * 8;
          // member.offset is relative to its own struct; e.offset includes enclosing anonymous members
        }
        return lv;
      }
      case 'stmtexpr': {
        for (const s of e.body) this.stmt(s);
        if (!e.result) throw this.error(e.loc, 'expression is not assignable');
        return this.lvalue(e.result);
      }
      default:
        throw this.error(e.loc, 'expression is not an lvalue');
    }
  }

  /**
   * A relocatable access as clang emits it: the base pointer's register and the field's local
   * offset, which the loader rewrites (FIELD_BYTE_OFFSET on the load or store itself).
   */
  private coreLValue(e: Expr): LValue | undefined {
    const a = coreAccess(e);
    if (!a) return undefined;
    const base = this.gen(a.base);
    const core = { kind: 0, root: bare(a.root), access: a.indices.join(':') };
    return { kind: 'mem', m: { base, off: a.offset, core }, type: e.type };
  }

  /** m as a plain operand: a relocated field offset is added to its base in a register first. */
  private plain(m: Mem): Mem {
    return m.core ? { base: this.materialize(m, 0), off: 0 } : m;
  }

  /** A memory operand for the address computed by pointer expression p (folds constant offsets). */
  private memOf(p: Expr): Mem {
    if (p.kind === 'addr') {
      const lv = this.lvalue(p.e);
      if (lv.kind === 'mem' && lv.member?.bitWidth === undefined) return this.plain(lv.m);
    }
    if (p.kind === 'binary' && (p.op === '+' || p.op === '-') && p.type.kind === 'ptr') {
      const c = constValue(p.r);
      if (c !== undefined) {
        const delta = Number(BigInt.asIntN(64, p.op === '+' ? c : -c));
        const inner = this.memOf(p.l);
        const off = inner.off + delta;
        if (off >= -32768 && off <= 32767) return { ...inner, off };
        return { base: this.materialize(inner, delta), off: 0 };
      }
    }
    if (p.kind === 'cast' && p.type.kind === 'ptr' && p.e.type.kind === 'ptr') return this.memOf(p.e);
    return { base: this.gen(p), off: 0 };
  }

  private materialize(m: Mem, extra: number): number {
    const d = this.vreg();
    if (m.core) {
      // clang's form: `rX = off` carrying the relocation, then `rD = base + rX`.
      const off = this.vreg();
      this.emit({ op: 'coreconst', d: off, v: BigInt(m.off), wide: false, relo: m.core });
      this.emit({ op: 'alu', alu: 'add', w: 64, d, a: m.base, b: { reg: off } });
      if (extra !== 0) this.emit({ op: 'alu', alu: 'add', w: 64, d, a: d, b: { imm: extra } });
      return d;
    }
    if (m.slot !== undefined) this.emit({ op: 'addr', d, slot: m.slot, off: m.off + extra });
    else {
      this.emit({ op: 'mov', w: 64, d, s: { reg: m.base } });
      const off = m.off + extra;
      if (off !== 0) this.emit({ op: 'alu', alu: 'add', w: 64, d, a: d, b: { imm: off } });
    }
    return d;
  }

  private addressOfLValue(lv: LValue): number {
    if (lv.kind === 'reg') throw new Error('internal: address of a register variable');
    if (lv.m.slot === undefined && lv.m.off === 0 && !lv.m.core) return lv.m.base;
    return this.materialize(lv.m, 0);
  }

  private addressOf(e: Expr): number {
    if (e.kind === 'var' && e.v.storage === 'global') {
      const d = this.vreg();
      this.emit({ op: 'sym', d, ...this.ctx.symbolOf(e.v) });
      return d;
    }
    if (e.kind === 'func') return this.functionAddress(e);
    return this.addressOfLValue(this.lvalue(e));
  }

  private load(lv: LValue): number {
    if (lv.kind === 'reg') return lv.r;
    const t = lv.type;
    const size = sizeOf(t) as Size;
    const d = this.vreg();
    this.emit({ op: 'ld', size, d, m: lv.m, volatile: t.volatile });
    if (lv.member?.bitWidth !== undefined)
      return this.extractBits(d, t, lv.bitShift ?? 0, lv.member.bitWidth);
    if (isInteger(t) && t.signed && size < 4) {
      const s = this.vreg();
      this.emit({ op: 'movsx', w: 32, bits: (size * 8) as 8 | 16, d: s, a: d });
      return s;
    }
    return d;
  }

  private extractBits(unit: number, t: Type, shift: number, width: number): number {
    const d = this.vreg();
    const left = 64 - shift - width;
    const signed = isSigned(t);
    this.emit({ op: 'alu', alu: 'lsh', w: 64, d, a: unit, b: { imm: left } });
    this.emit({ op: 'alu', alu: signed ? 'arsh' : 'rsh', w: 64, d, a: d, b: { imm: 64 - width } });
    if (sizeOf(t) <= 4) {
      const r = this.vreg();
      this.emit({ op: 'mov', w: 32, d: r, s: { reg: d } });
      return r;
    }
    return d;
  }

  private storeBitfield(m: Mem, t: Type, shift: number, width: number, val: number): void {
    const size = sizeOf(t) as Size;
    const unit = this.vreg();
    this.emit({ op: 'ld', size, d: unit, m });
    const mask = ((1n << BigInt(width)) - 1n) << BigInt(shift);
    const keep = this.vreg();
    const inv = BigInt.asUintN(64, ~mask);
    this.emit({ op: 'alu', alu: 'and', w: 64, d: keep, a: unit, b: this.immOrReg(inv, 64) });
    const part = this.vreg();
    this.emit({ op: 'alu', alu: 'lsh', w: 64, d: part, a: val, b: { imm: 64 - width } });
    this.emit({ op: 'alu', alu: 'rsh', w: 64, d: part, a: part, b: { imm: 64 - width - shift } });
    this.emit({ op: 'alu', alu: 'or', w: 64, d: keep, a: keep, b: { reg: part } });
    this.emit({ op: 'st', size, m, s: { reg: keep } });
  }

  private store(lv: LValue, val: number): void {
    if (lv.kind === 'reg') {
      this.emit({ op: 'mov', w: 64, d: lv.r, s: { reg: val } });
      return;
    }
    if (lv.member?.bitWidth !== undefined) {
      this.storeBitfield(lv.m, lv.type, lv.bitShift ?? 0, lv.member.bitWidth, val);
      return;
    }
    this.emit({
      op: 'st',
      size: sizeOf(lv.type) as Size,
      m: lv.m,
      s: { reg: val },
      volatile: lv.type.volatile,
    });
  }

  private assign(l: Expr, r: Expr): number {
    if (l.type.kind === 'struct') {
      const src = this.gen(r);
      const lv = this.lvalue(l);
      if (lv.kind !== 'mem') throw this.error(l.loc, 'internal: struct in a register');
      this.copy(lv.m, { base: src, off: 0 }, sizeOf(l.type), alignOf(l.type));
      return this.addressOfLValue(lv);
    }
    const lv0 = this.lvalue(l);
    const c = constValue(r);
    if (lv0.kind === 'mem' && c !== undefined && lv0.member === undefined && fitsImm(c, widthOf(l.type))) {
      this.emit({ op: 'st', size: sizeOf(l.type) as Size, m: lv0.m, s: { imm: imm32(c) } });
      const d = this.vreg();
      this.emit({ op: 'const', d, v: c });
      return d;
    }
    const v = this.gen(r);
    this.store(lv0, v);
    if (lv0.kind === 'mem' && lv0.member?.bitWidth !== undefined) {
      // The value of a bit-field assignment is the value stored (truncated to the field).
      return this.extractBits(v, lv0.type, 0, lv0.member.bitWidth);
    }
    return lv0.kind === 'reg' ? lv0.r : v;
  }

  private opassign(e: Extract<Expr, { kind: 'opassign' }>): number {
    const lv = this.lvalue(e.l);
    const old = this.load(lv);
    const cur = this.convertReg(old, e.l.type, e.opType);
    const d = this.vreg();
    this.arith(e.op, e.opType, d, cur, e.r);
    const res = this.convertReg(this.normalize(d, e.opType), e.opType, e.l.type);
    this.store(lv, res);
    return lv.kind === 'reg' ? lv.r : res;
  }

  private incdec(e: Extract<Expr, { kind: 'incdec' }>): number {
    const lv = this.lvalue(e.l);
    const t = e.l.type;
    const w = widthOf(t);
    const old = this.load(lv);
    let keep = old;
    if (!e.prefix && lv.kind === 'reg') {
      keep = this.vreg();
      this.emit({ op: 'mov', w: 64, d: keep, s: { reg: old } });
    }
    const d = this.vreg();
    this.emit({ op: 'alu', alu: 'add', w, d, a: old, b: { imm: Number(e.delta) } });
    const res = isInteger(t) && t.bool ? this.convertReg(d, T.int, t) : this.normalize(d, t);
    this.store(lv, res);
    if (e.prefix) return lv.kind === 'reg' ? lv.r : res;
    return keep;
  }

  /** Inline copy of n bytes, widest accesses the alignment allows. */
  private copy(dst0: Mem, src0: Mem, n: number, align: number): void {
    const dst = this.plain(dst0);
    const src = this.plain(src0);
    let i = 0;
    while (i < n) {
      let k: Size = 8;
      while (k > 1 && (k > align || i + k > n)) k = (k / 2) as Size;
      const t = this.vreg();
      this.emit({ op: 'ld', size: k, d: t, m: { ...src, off: src.off + i } });
      this.emit({ op: 'st', size: k, m: { ...dst, off: dst.off + i }, s: { reg: t } });
      i += k;
    }
  }

  // ---- calls ----

  /**
   * Arguments into r1–r5. Constants and global addresses have no side effects and cost one
   * instruction: they are made last, next to the call, so they do not hold registers while
   * the others are computed (C leaves the order of evaluation open).
   */
  private args(args: Expr[]): void {
    const regs: number[] = [];
    args.forEach((a, i) => {
      if (!isTrivial(a)) regs[i] = this.gen(a);
    });
    args.forEach((a, i) => {
      if (isTrivial(a)) regs[i] = this.gen(a);
    });
    regs.forEach((r, i) => {
      this.emit({ op: 'mov', w: 64, d: i + 1, s: { reg: r } });
    });
  }

  private result(type: Type, normalizeRet: boolean): number {
    const d = this.vreg();
    if (type.kind === 'void') {
      this.emit({ op: 'mov', w: 64, d, s: { imm: 0 } });
      return d;
    }
    if (normalizeRet && sizeOf(type) <= 4 && isInteger(type)) {
      this.emit({ op: 'mov', w: 32, d, s: { reg: 0 } });
      return this.normalize(d, type);
    }
    this.emit({ op: 'mov', w: 64, d, s: { reg: 0 } });
    return d;
  }

  private call(e: Extract<Expr, { kind: 'call' }>): number {
    const f = e.callee;
    if (this.canInline(f)) return this.inline(e);
    if (e.args.length > 5)
      throw this.error(
        e.loc,
        `call to '${f.name}' passes ${e.args.length} arguments; BPF passes at most 5 (make '${f.name}' static __always_inline)`,
      );
    if (e.args.some((a) => a.type.kind === 'struct') || e.type.kind === 'struct')
      throw this.error(
        e.loc,
        `call to '${f.name}' passes or returns a struct by value, which BPF cannot (make '${f.name}' static __always_inline)`,
      );
    this.args(e.args);
    this.emit({ op: 'calllocal', fn: f.name, nargs: e.args.length });
    return this.result(e.type, false);
  }

  private canInline(f: Func): boolean {
    if (f.body === undefined || f.noInline || f === this.f || this.inlining.some((x) => x.f === f))
      return false;
    if (!this.ctx.wantsInline(f)) return false;
    return this.inlinedNodes < MAX_INLINED_NODES;
  }

  /**
   * Generates the callee's body in place: arguments evaluated first, parameters bound to fresh
   * registers or slots, each `return` a jump to the continuation with the result in a vreg.
   */
  private inline(e: Extract<Expr, { kind: 'call' }>): number {
    const f = e.callee;
    this.inlinedNodes += astSize(f.body as Stmt);
    const args = e.args.map((a) => this.gen(a));
    const saved = { labels: this.labels, loc: this.loc };
    const bindings = [...f.params, ...f.locals];
    const before = bindings.map((v) => ({
      v,
      reg: this.regOf.get(v),
      slot: this.slotOf.get(v),
      c: this.constParams.get(v),
    }));
    for (const v of bindings) {
      this.regOf.delete(v);
      this.slotOf.delete(v);
      this.constParams.delete(v);
    }
    const struct = f.type.ret.kind === 'struct';
    const frame: InlineFrame = {
      f,
      exit: this.newBlock(),
      result: this.vreg(),
      resultSlot: struct
        ? this.slots.push({ size: Math.max(1, sizeOf(f.type.ret)), align: 8 }) - 1
        : undefined,
      slots: [],
    };
    if (!struct && f.type.ret.kind !== 'void')
      this.emit({ op: 'mov', w: 64, d: frame.result, s: { imm: 0 } });
    this.inlining.push(frame);
    this.labels = new Map();
    f.params.forEach((p, i) => {
      const a = args[i];
      if (a === undefined) return;
      const c = this.constantOf(e.args[i]);
      if (c !== undefined && !writes(f.body as Stmt, p)) this.constParams.set(p, c);
      if (this.inMemory(p)) {
        const slot = this.slotFor(p);
        const m: Mem = { base: FP, off: 0, slot };
        if (p.type.kind === 'struct')
          this.copy(m, { base: a, off: 0 }, sizeOf(p.type), this.slots[slot].align);
        else this.emit({ op: 'st', size: sizeOf(p.type) as Size, m, s: { reg: a } });
      } else this.emit({ op: 'mov', w: 64, d: this.regFor(p), s: { reg: a } });
    });
    this.stmt(f.body as Stmt);
    this.startBlock(frame.exit);
    this.inlining.pop();
    for (const s of frame.slots) this.freeSlots.push(s);
    this.labels = saved.labels;
    this.loc = saved.loc;
    for (const b of before) {
      if (b.reg !== undefined) this.regOf.set(b.v, b.reg);
      else this.regOf.delete(b.v);
      if (b.slot !== undefined) this.slotOf.set(b.v, b.slot);
      else this.slotOf.delete(b.v);
      if (b.c !== undefined) this.constParams.set(b.v, b.c);
      else this.constParams.delete(b.v);
    }
    if (frame.resultSlot !== undefined) {
      const d = this.vreg();
      this.emit({ op: 'addr', d, slot: frame.resultSlot, off: 0 });
      return d;
    }
    if (f.type.ret.kind === 'void') return this.zero();
    return frame.result;
  }

  /** The size argument of a memory builtin, constant once inlined (the copy is expanded inline). */
  private constantSize(e: Extract<Expr, { kind: 'builtin' }>): number {
    const n = this.constantOf(e.args[2]);
    if (n === undefined)
      throw this.error(e.args[2].loc, `${e.name} needs a constant size in BPF (it is expanded inline)`);
    if (n < 0n || n > 512n) throw this.error(e.args[2].loc, `${e.name} size ${n} is out of range`);
    return Number(n);
  }

  /** The value of e when it is constant here (literals, and parameters of inlined calls bound to constants). */
  constantOf(e: Expr): bigint | undefined {
    const c = constValue(e);
    if (c !== undefined) return c;
    if (e.kind === 'var') return this.constParams.get(e.v);
    if (e.kind === 'cast' && isInteger(e.type) && isInteger(e.e.type)) {
      const inner = this.constantOf(e.e);
      if (inner === undefined) return undefined;
      const bits = e.type.size * 8;
      return e.type.signed ? BigInt.asIntN(bits, inner) : BigInt.asUintN(bits, inner);
    }
    return undefined;
  }

  private helper(e: Extract<Expr, { kind: 'helper' }>): number {
    this.args(e.args);
    this.emit({ op: 'call', helper: e.id, nargs: e.args.length });
    return this.result(e.type, true);
  }

  private builtin(e: Extract<Expr, { kind: 'builtin' }>): number {
    const a = e.args;
    switch (e.name) {
      case '__builtin_unreachable':
      case '__builtin_trap':
        return this.zero();
      case '__builtin_constant_p': {
        const d = this.vreg();
        this.emit({ op: 'mov', w: 32, d, s: { imm: this.constantOf(a[0]) !== undefined ? 1 : 0 } });
        return d;
      }
      case '__builtin_bswap16':
      case '__builtin_bswap32':
      case '__builtin_bswap64': {
        const v = this.gen(a[0]);
        const d = this.vreg();
        this.emit({ op: 'bswap', bits: Number(e.name.slice(-2)) as 16 | 32 | 64, d, a: v });
        return d;
      }
      case '__builtin_memcpy':
      case '__builtin_memmove': {
        const n = this.constantSize(e);
        const dst = this.memOf(a[0]);
        const src = this.memOf(a[1]);
        const align = Math.min(pointeeAlign(a[0].type), pointeeAlign(a[1].type));
        if (e.name === '__builtin_memmove' && n > 0) {
          // Load everything first, then store: correct for overlapping ranges.
          const parts: { off: number; k: Size; r: number }[] = [];
          let i = 0;
          while (i < n) {
            let k: Size = 8;
            while (k > 1 && (k > align || i + k > n)) k = (k / 2) as Size;
            const r = this.vreg();
            this.emit({ op: 'ld', size: k, d: r, m: { ...src, off: src.off + i } });
            parts.push({ off: i, k, r });
            i += k;
          }
          for (const p of parts)
            this.emit({ op: 'st', size: p.k, m: { ...dst, off: dst.off + p.off }, s: { reg: p.r } });
        } else this.copy(dst, src, n, align);
        return this.gen(a[0]);
      }
      case '__builtin_memset': {
        const n = this.constantSize(e);
        const dst = this.memOf(a[0]);
        const c = constValue(a[1]);
        const align = pointeeAlign(a[0].type);
        if (c !== undefined) {
          this.storeImage(dst, new Uint8Array(n).fill(Number(c) & 0xff), 0, n, align);
        } else {
          const byte = this.gen(a[1]);
          for (let i = 0; i < n; i++)
            this.emit({ op: 'st', size: 1, m: { ...dst, off: dst.off + i }, s: { reg: byte } });
        }
        return this.gen(a[0]);
      }
      case '__builtin_memcmp': {
        // Byte by byte: the first difference decides (as unsigned chars).
        const n = this.constantSize(e);
        const pa = this.memOf(a[0]);
        const pb = this.memOf(a[1]);
        const d = this.vreg();
        const end = this.newBlock();
        this.emit({ op: 'mov', w: 32, d, s: { imm: 0 } });
        for (let i = 0; i < n; i++) {
          const x = this.vreg();
          const y = this.vreg();
          this.emit({ op: 'ld', size: 1, d: x, m: { ...pa, off: pa.off + i } });
          this.emit({ op: 'ld', size: 1, d: y, m: { ...pb, off: pb.off + i } });
          this.emit({ op: 'alu', alu: 'sub', w: 32, d, a: x, b: { reg: y } });
          const next = this.newBlock();
          this.terminate({ op: 'br', cc: 'jne', w: 32, a: d, b: { imm: 0 }, t: end, f: next });
          this.cur = next;
        }
        this.jumpTo(end);
        return d;
      }
    }
    if (e.name.startsWith('__sync_')) return this.atomic(e);
    throw this.error(e.loc, `builtin '${e.name}' is not supported`);
  }

  private atomic(e: Extract<Expr, { kind: 'builtin' }>): number {
    const name = e.name;
    const vt = e.args[0].type.kind === 'ptr' ? e.args[0].type.to : T.long;
    const size = sizeOf(vt) as 4 | 8;
    const w: Width = size === 8 ? 64 : 32;
    const m = this.memOf(e.args[0]);
    if (name === '__sync_val_compare_and_swap' || name === '__sync_bool_compare_and_swap') {
      const expected = this.gen(e.args[1]);
      const nv = this.gen(e.args[2]);
      this.emit({ op: 'mov', w: 64, d: 0, s: { reg: expected } });
      this.emit({ op: 'cmpxchg', size, m, s: nv });
      const old = this.vreg();
      this.emit({ op: 'mov', w, d: old, s: { reg: 0 } });
      if (name === '__sync_val_compare_and_swap') return old;
      const d = this.vreg();
      this.emit({ op: 'setcc', cc: 'jeq', w, d, a: old, b: { reg: expected } });
      return d;
    }
    const v = this.gen(e.args[1]);
    if (name === '__sync_lock_test_and_set') {
      const d = this.vreg();
      this.emit({ op: 'atomic', aop: 'xchg', size, m, s: v, d });
      return d;
    }
    const base = name.replace(/^__sync_(fetch_and_)?/, '').replace(/_and_fetch$/, '');
    const fetchFirst = name.startsWith('__sync_fetch_and_');
    let operand = v;
    const aop = base === 'sub' ? 'add' : (base as 'add' | 'or' | 'and' | 'xor');
    if (base === 'sub') {
      operand = this.vreg();
      this.emit({ op: 'neg', w, d: operand, a: v });
    }
    const d = this.vreg();
    this.emit({ op: 'atomic', aop, size, m, s: operand, d });
    if (fetchFirst) return d;
    const r = this.vreg();
    const alu: AluOp = base === 'sub' ? 'sub' : (base as AluOp);
    this.emit({ op: 'alu', alu, w, d: r, a: d, b: { reg: v } });
    return r;
  }
}

const MAX_UNROLL = 128;

/** The iteration values of an unrollable counted loop, or undefined. */
function unrollPlan(
  loop: Extract<Stmt, { kind: 'loop' }>,
  init: Stmt | undefined,
): { v: Var; values: bigint[]; after: bigint } | undefined {
  if (loop.doWhile || !loop.cond || !loop.step || !init) return undefined;
  // The counter and its start value, from `T v = C` or `v = C` just before the loop.
  let v: Var | undefined;
  let start: bigint | undefined;
  if (init.kind === 'init' && init.items.length === 1 && init.items[0].offset === 0) {
    v = init.v;
    start = constValue(init.items[0].value);
  } else if (init.kind === 'expr' && init.e.kind === 'assign' && init.e.l.kind === 'var') {
    v = init.e.l.v;
    start = constValue(init.e.r);
  }
  if (!v || start === undefined || !isInteger(v.type) || v.addressTaken || v.storage === 'global')
    return undefined;
  const counter = v;
  const isV = (e: Expr): boolean => (e.kind === 'var' && e.v === counter) || (e.kind === 'cast' && isV(e.e));
  const c = loop.cond;
  if (c.kind !== 'binary' || !isV(c.l)) return undefined;
  const limit = constValue(c.r);
  if (limit === undefined) return undefined;
  let delta: bigint | undefined;
  const st = loop.step;
  if (st.kind === 'incdec' && st.l.kind === 'var' && st.l.v === counter) delta = st.delta;
  else if (
    st.kind === 'opassign' &&
    st.l.kind === 'var' &&
    st.l.v === counter &&
    (st.op === '+' || st.op === '-')
  ) {
    const k = constValue(st.r);
    if (k !== undefined) delta = st.op === '+' ? k : -k;
  }
  if (delta === undefined || writes(loop.body, counter)) return undefined;
  const vt = v.type;
  const ct = c.l.type;
  const wrap = (x: bigint) =>
    vt.kind === 'int' ? (vt.signed ? BigInt.asIntN(vt.size * 8, x) : BigInt.asUintN(vt.size * 8, x)) : x;
  const asCmp = (x: bigint) =>
    ct.kind === 'int' ? (ct.signed ? BigInt.asIntN(ct.size * 8, x) : BigInt.asUintN(ct.size * 8, x)) : x;
  const holds = (x: bigint): boolean => {
    const a = asCmp(x);
    const b = asCmp(limit);
    switch (c.op) {
      case '<':
        return a < b;
      case '<=':
        return a <= b;
      case '>':
        return a > b;
      case '>=':
        return a >= b;
      case '!=':
        return a !== b;
      default:
        return false;
    }
  };
  const values: bigint[] = [];
  let x = wrap(start);
  while (holds(x)) {
    if (values.length >= MAX_UNROLL) return undefined;
    values.push(x);
    x = wrap(x + delta);
  }
  return { v, values, after: x };
}

/** Whether a statement may assign to (or take the address of) variable v. */
function writes(s: Stmt, v: Var): boolean {
  const e = (x: Expr | undefined): boolean => {
    if (!x) return false;
    switch (x.kind) {
      case 'assign':
      case 'opassign':
      case 'incdec':
        return (x.l.kind === 'var' && x.l.v === v) || e(x.l) || ('r' in x && e(x.r));
      case 'addr':
        return (x.e.kind === 'var' && x.e.v === v) || e(x.e);
      case 'unary':
      case 'cast':
      case 'deref':
        return e(x.e);
      case 'binary':
      case 'logand':
      case 'logor':
      case 'comma':
        return e(x.l) || e(x.r);
      case 'cond':
        return e(x.c) || e(x.a) || e(x.b);
      case 'member':
        return e(x.base);
      case 'call':
      case 'helper':
      case 'builtin':
        return x.args.some(e);
      case 'stmtexpr':
        return x.body.some((b) => writes(b, v)) || e(x.result);
      default:
        return false;
    }
  };
  switch (s.kind) {
    case 'block':
      return s.items.some((x) => writes(x, v));
    case 'expr':
      return e(s.e);
    case 'if':
      return e(s.c) || writes(s.then, v) || (s.else !== undefined && writes(s.else, v));
    case 'loop':
      return e(s.cond) || e(s.step) || writes(s.body, v);
    case 'switch':
      return e(s.e) || writes(s.body, v);
    case 'label':
      return writes(s.body, v);
    case 'return':
      return e(s.e);
    case 'init':
      return s.v === v || s.items.some((it) => e(it.value));
    case 'asm':
      return (
        s.outputs.some((o) => (o.e.kind === 'var' && o.e.v === v) || e(o.e)) || s.inputs.some((o) => e(o.e))
      );
    case 'goto':
      return true; // a jump out of (or into) the body: keep the loop
    default:
      return false;
  }
}

function pointeeAlign(t: Type): number {
  if (t.kind !== 'ptr' || t.to.kind === 'void') return 1;
  return Math.min(8, alignOf(t.to));
}

/** A constant or the address of a global: no side effects, one instruction. */
function isTrivial(e: Expr): boolean {
  if (e.kind === 'num') return true;
  if (e.kind === 'cast') return isTrivial(e.e);
  return e.kind === 'addr' && e.e.kind === 'var' && e.e.v.storage === 'global';
}

/** A type as a relocation's root: without qualifiers (the typedef it was spelled through stays). */
function bare(t: Type): Type {
  return t.const || t.volatile ? { ...t, const: false, volatile: false } : t;
}

/** The value of a constant expression node (the parser already folded constants). */
export function constValue(e: Expr): bigint | undefined {
  if (e.kind === 'num') return e.value;
  return undefined;
}
