/**
 * A function body under construction: locals plus the instruction bytes. One method per
 * instruction shape; the caller keeps track of the operand stack (as in hand-written wasm).
 */
import { ByteWriter } from './bytes.js';
import { writeI32, writeI64, writeU32 } from './leb128.js';
import { FcOp, I32, I64, Op, type ValType, VOID } from './opcodes.js';

export class Code {
  readonly bytes: ByteWriter;
  /** Types of the locals after the parameters, in order. */
  private readonly extraLocals: ValType[] = [];

  /**
   * @param paramCount number of parameters: the first local index handed out by `local`.
   * @param capacity the bytes to make room for at first.
   */
  constructor(
    private readonly paramCount: number,
    capacity = 256,
  ) {
    this.bytes = new ByteWriter(capacity);
  }

  /** Declare a new local and return its index. */
  local(type: ValType): number {
    this.extraLocals.push(type);
    return this.paramCount + this.extraLocals.length - 1;
  }

  /** Current length of the instruction bytes (for source maps). */
  get offset(): number {
    return this.bytes.length;
  }

  op(opcode: number): this {
    this.bytes.push(opcode);
    return this;
  }

  i32Const(value: number): this {
    const w = this.bytes;
    w.ensure(6);
    w.buf[w.length] = Op.i32Const;
    w.length = writeI32(w.buf, w.length + 1, value);
    return this;
  }

  /** i64.const of the value `hi:lo` (signed 32-bit halves); `hi` defaults to the sign of `lo`. */
  i64Const(lo: number, hi: number = lo < 0 ? -1 : 0): this {
    const w = this.bytes;
    w.ensure(11);
    w.buf[w.length] = Op.i64Const;
    w.length = writeI64(w.buf, w.length + 1, lo, hi);
    return this;
  }

  localGet(index: number): this {
    return this.indexed(Op.localGet, index);
  }

  localSet(index: number): this {
    return this.indexed(Op.localSet, index);
  }

  localTee(index: number): this {
    return this.indexed(Op.localTee, index);
  }

  globalGet(index: number): this {
    return this.indexed(Op.globalGet, index);
  }

  globalSet(index: number): this {
    return this.indexed(Op.globalSet, index);
  }

  call(funcIndex: number): this {
    return this.indexed(Op.call, funcIndex);
  }

  br(depth: number): this {
    return this.indexed(Op.br, depth);
  }

  brIf(depth: number): this {
    return this.indexed(Op.brIf, depth);
  }

  brTable(depths: readonly number[], fallback: number): this {
    this.bytes.push(Op.brTable);
    this.bytes.pushU32(depths.length);
    for (const d of depths) this.bytes.pushU32(d);
    this.bytes.pushU32(fallback);
    return this;
  }

  /** `block`, `loop` or `if` with an empty or single-value block type. */
  open(kind: typeof Op.block | typeof Op.loop | typeof Op.if, type: ValType | typeof VOID = VOID): this {
    this.bytes.push(kind);
    this.bytes.push(type);
    return this;
  }

  end(): this {
    this.bytes.push(Op.end);
    return this;
  }

  /** A load or store with its memarg: log2 of the alignment hint and an unsigned offset. */
  mem(opcode: number, alignLog2: number, offset = 0): this {
    const w = this.bytes;
    w.ensure(7);
    w.buf[w.length] = opcode;
    w.buf[w.length + 1] = alignLog2;
    w.length = writeU32(w.buf, w.length + 2, offset);
    return this;
  }

  /** i64.trunc_sat_f64_s: a double to i64, saturating (never traps). */
  i64TruncSatF64S(): this {
    this.bytes.push(Op.prefixFc);
    this.bytes.push(FcOp.i64TruncSatF64S);
    return this;
  }

  memoryCopy(): this {
    for (const b of [Op.prefixFc, FcOp.memoryCopy, 0, 0]) this.bytes.push(b);
    return this;
  }

  memoryFill(): this {
    for (const b of [Op.prefixFc, FcOp.memoryFill, 0]) this.bytes.push(b);
    return this;
  }

  /**
   * The body's local declarations (run-length grouped); the body is these, the instruction
   * bytes (`bytes.view()`) and `end` — the module encoder writes them out.
   */
  localDeclarations(): Uint8Array {
    const head = new ByteWriter(32);
    const groups: [number, ValType][] = [];
    for (const t of this.extraLocals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    head.pushU32(groups.length);
    for (const [n, t] of groups) {
      head.pushU32(n);
      head.push(t);
    }
    return head.view();
  }

  private indexed(opcode: number, index: number): this {
    const w = this.bytes;
    w.ensure(6);
    w.buf[w.length] = opcode;
    w.length = writeU32(w.buf, w.length + 1, index);
    return this;
  }
}

export { I32, I64 };
