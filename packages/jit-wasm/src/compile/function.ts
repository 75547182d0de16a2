/**
 * Compiles one BPF function (the entry or a BPF-to-BPF call target) to one WebAssembly
 * function `(r0, r1, …, r9, r10: i64) → r0: i64`: registers are the function's first eleven
 * locals. Calls behave as in the interpreter, which shares one register file: a callee starts
 * with the caller's r0–r9 and r10 one frame lower, and returns r0–r5 (multi-value) so the
 * caller sees the callee's scratch registers; the caller's r6–r9 are preserved by construction.
 * The entry function returns r0 alone unless the program calls it. Control flow follows the
 * function's plan (./structure.ts): nested blocks and loops, or the basic-block dispatcher.
 */
import {
  CALL_TARGET,
  KIND_ALU,
  KIND_ATOMIC,
  KIND_CALL,
  KIND_CALLX,
  KIND_END,
  KIND_EXIT,
  KIND_GOTOL,
  KIND_JA,
  KIND_JMP,
  KIND_LDABS,
  KIND_LDDW,
  KIND_LDIND,
  KIND_LDX,
  KIND_ST,
  KIND_STX,
  LDDW_SOURCE,
  LDDW_SOURCES,
  OP_SUB,
  type PackedInsns,
} from '@tbpf/isa';
import { BPF_ADDRESS_HIGH, HELPER_CLOBBERS_ZEROED, MAX_CALL_FRAMES } from '@tbpf/vm';
import { Code, I32, I64 } from '../wasm/code.js';
import { Op } from '../wasm/opcodes.js';
import { type ControlFlow, endsFlow, type Subprogram } from './cfg.js';
import { WasmCompileError } from './errors.js';
import { FailKind } from './imports.js';
import { CALLX_PC, type MemoryLayout, scratchHi, scratchLo } from './layout.js';
import {
  type Locals,
  lowerAlu,
  lowerAtomic,
  lowerCondition,
  lowerEnd,
  lowerLddw,
  lowerLdx,
  lowerPacketLoad,
  lowerSt,
  lowerStx,
  lowerZeroStack,
} from './lower.js';
import { type Plan, planFunction } from './structure.js';

/** Parameters of every BPF function: r0..r10. */
export const FUNC_PARAMS: readonly (typeof I64)[] = Array(11).fill(I64);
/** Parameters of an entry function that no BPF code calls: r1, r2 (r10 is set inside). */
export const ENTRY_PARAMS: readonly (typeof I64)[] = [I64, I64];
/** Results of a called BPF function: r0..r5 (the interpreter's shared register file). */
export const CALLEE_RESULTS: readonly (typeof I64)[] = Array(6).fill(I64);

export interface FunctionEnv {
  code: PackedInsns;
  cf: ControlFlow;
  layout: MemoryLayout;
  /** Wasm function index of subprogram k. */
  funcOf(sub: number): number;
  /** Whether the program uses legacy packet loads (the fast entry then sets the packet globals). */
  usesPacket: boolean;
  /** `slow(id: i32, pc: i32, r1..r5: i64) → r0`: a JavaScript helper call (./trampoline.ts); -1 without helper calls. */
  slowPath: number;
  /** The `fail` import; -1 where nothing can fail (cfg: no fell-off, packet load or local call). */
  failImport: number;
  /**
   * Wasm function index of a WebAssembly implementation of helper `id`
   * (`(r1..r5: i64, pc: i32) → r0: i64`), or undefined to call the JavaScript helper.
   */
  nativeHelper(id: number): number | undefined;
  /** Globals holding the run's packet (legacy ldabs/ldind): offset (i32) and length (i64). */
  packet: { off: number; len: number };
  /** Global holding the number of BPF-to-BPF calls in progress (i32). */
  callDepth: number;
  /** Compile every function with the dispatcher (measurement). */
  dispatchOnly?: boolean;
  /** Resolved lddw values by instruction index (map pointers, global data addresses). */
  constants: readonly ({ lo: number; hi: number } | undefined)[];
  /** Stack bytes zeroed on entering the function at instruction i (vm's ZeroedStack; 0 for most). */
  zeroed(i: number): number;
}

export interface CompiledFunction {
  code: Code;
  /** Code offset of each instruction's code, by instruction index − the function's start. */
  marks: Int32Array;
  plan: Plan['kind'];
}

/**
 * The shape of a compiled BPF function:
 * - `callee`: `(r0..r10) → (r0..r5)`, for functions BPF code calls;
 * - `entry`: `(r1, r2) → r0`, the entry when nothing calls it (fewer arguments per run);
 * - `fast`: `(ctx: i32, len: i32) → r0's low 32 bits`, a copy of the entry exported as
 *   `runFast` itself (no wrapper call on the hot path).
 */
export type FunctionShape = 'callee' | 'entry' | 'fast';

/**
 * Set r1, r2 and the legacy packet from `(ctx: i32, len: i32)` parameters by the host's address
 * convention (vm's engine.ts): r1 = the BPF address of offset `ctx`, or 0 (NULL) when ctx is 0;
 * r2 = len zero-extended; the packet is r1/r2 when there is a context, else empty.
 */
export function enterContext(
  c: Code,
  env: Pick<FunctionEnv, 'usesPacket' | 'packet'>,
  ctx: number,
  len: number,
  r1: number,
  r2: number,
): void {
  c.localGet(ctx).op(Op.i64ExtendI32U);
  c.i64Const(0, BPF_ADDRESS_HIGH).i64Const(0).localGet(ctx).op(Op.select);
  c.op(Op.i64Or).localSet(r1);
  c.localGet(len).op(Op.i64ExtendI32U).localSet(r2);
  if (env.usesPacket) {
    c.localGet(ctx).globalSet(env.packet.off);
    c.localGet(r2).i64Const(0).localGet(ctx).op(Op.select).globalSet(env.packet.len);
  }
}

export function compileFunction(env: FunctionEnv, sub: Subprogram, shape: FunctionShape): CompiledFunction {
  // About 12 bytes of WebAssembly per instruction: room enough that the buffer rarely grows.
  const c = new Code(shape === 'callee' ? FUNC_PARAMS.length : 2, 64 + 12 * (sub.end - sub.start));
  let reg = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  if (shape === 'entry') reg = [c.local(I64), 0, 1, ...Array.from({ length: 8 }, () => c.local(I64))];
  if (shape === 'fast') reg = Array.from({ length: 11 }, () => c.local(I64));
  if (shape === 'fast') enterContext(c, env, 0, 1, reg[1], reg[2]);
  if (shape !== 'callee') c.i64Const(env.layout.stackTop | 0, BPF_ADDRESS_HIGH).localSet(reg[10]);
  // A run starts at depth 0 (a trap or a helper's stop may have left the last run's depth);
  // only BPF-to-BPF calls read the depth, so a program without them skips the store.
  if (shape !== 'callee' && env.cf.subprograms.length > 1) c.i32Const(0).globalSet(env.callDepth);
  const locals: Locals = { reg, t64: c.local(I64), a32: c.local(I32), t32: c.local(I32) };
  if (shape !== 'callee') lowerZeroStack(c, reg[10], 0, env.zeroed(sub.start));
  const fn = new FunctionCompiler(env, c, locals, shape, sub.start, sub.end);
  const plan = planFunction(env.cf, sub, env.dispatchOnly);
  if (plan.kind === 'structured') fn.structured(sub, plan);
  else fn.dispatch(sub, plan.leaders, c.local(I32));
  return { code: c, marks: fn.marks, plan: plan.kind };
}

/** How a jump reaches its target: `br`/`br_if` to a label depth, or a dispatch through `next`. */
type Branch = (i: number, t: number, conditional: boolean) => void;

class FunctionCompiler {
  readonly marks: Int32Array;

  constructor(
    private readonly env: FunctionEnv,
    private readonly c: Code,
    private readonly l: Locals,
    private readonly shape: FunctionShape,
    private readonly start: number,
    end: number,
  ) {
    this.marks = new Int32Array(end - start);
  }

  structured(sub: Subprogram, plan: Plan & { kind: 'structured' }): void {
    const c = this.c;
    const { constructs, blockEnding, loopStarting } = plan;
    // The open constructs, innermost last: their indices, and each one's label position.
    const stack = new Int32Array(constructs.length);
    const labelOf = new Int32Array(constructs.length).fill(-1);
    let open = 0;
    const branch: Branch = (i, t, conditional) => {
      const k = (t > i ? blockEnding : loopStarting)[t - sub.start] - 1;
      const at = k >= 0 ? labelOf[k] : -1;
      if (at < 0) throw new WasmCompileError('internal: no label for branch target', i);
      const depth = open - 1 - at;
      if (conditional) c.brIf(depth);
      else c.br(depth);
    };
    let next = 0;
    for (let p = sub.start; p <= sub.end; p++) {
      while (open > 0 && constructs[stack[open - 1]].end === p) {
        c.end();
        labelOf[stack[--open]] = -1;
      }
      if (p === sub.end) break;
      for (; next < constructs.length && constructs[next].start === p; next++) {
        const k = constructs[next];
        // Each construct ends inside the one around it, so only the innermost can end next.
        if (open > 0 && k.end > constructs[stack[open - 1]].end)
          throw new WasmCompileError('internal: constructs do not nest', p);
        c.open(k.kind === 'block' ? Op.block : Op.loop);
        labelOf[next] = open;
        stack[open++] = next;
      }
      this.insn(p, branch);
    }
    this.fellOff(sub.end - 1);
  }

  dispatch(sub: Subprogram, leaders: number[], nextLocal: number): void {
    const c = this.c;
    const k = leaders.length;
    const blockOf = new Map<number, number>(leaders.map((at, n) => [at, n]));
    let current = 0;
    const branch: Branch = (i, t, conditional) => {
      const j = blockOf.get(t);
      if (j === undefined) throw new WasmCompileError('internal: branch target is not a leader', i);
      if (j > current) {
        if (conditional) c.brIf(j - current - 1);
        else c.br(j - current - 1);
        return;
      }
      const extra = conditional ? 1 : 0;
      if (conditional) c.open(Op.if);
      c.i32Const(j)
        .localSet(nextLocal)
        .br(k - 1 - current + extra);
      if (conditional) c.end();
    };
    c.open(Op.loop);
    for (let n = 0; n < k; n++) c.open(Op.block);
    c.localGet(nextLocal).brTable(
      leaders.map((_, n) => n),
      0,
    );
    for (; current < k; current++) {
      c.end();
      const stop = current + 1 < k ? leaders[current + 1] : sub.end;
      for (let p = leaders[current]; p < stop; p++) this.insn(p, branch);
    }
    this.fellOff(sub.end - 1);
    c.end().op(Op.unreachable);
  }

  /**
   * Running past the function's last instruction is an error, reported at that instruction;
   * after an exit or a jump nothing gets here (cfg's `fallsOff`: the module may not import fail).
   */
  private fellOff(pc: number): void {
    if (!endsFlow(this.env.cf.kind[pc]))
      this.c.i32Const(FailKind.FellOff).i32Const(pc).call(this.env.failImport);
    this.c.op(Op.unreachable);
  }

  private insn(i: number, branch: Branch): void {
    const { c, l, env } = this;
    const { code, cf } = env;
    this.marks[i - this.start] = c.offset;
    switch (cf.kind[i]) {
      case KIND_ALU:
        lowerAlu(c, l, code, i);
        return;
      case KIND_END:
        lowerEnd(c, l, code, i);
        return;
      case KIND_LDX:
        lowerLdx(c, l, code, i, cf.inLoop[i] === 0);
        return;
      case KIND_ST:
        lowerSt(c, l, code, i);
        return;
      case KIND_STX:
        lowerStx(c, l, code, i);
        return;
      case KIND_ATOMIC:
        lowerAtomic(c, l, code, i);
        return;
      case KIND_LDDW: {
        const k = env.constants[i];
        if (k) {
          lowerLddw(c, l, code.dst[i], k.lo, k.hi);
          return;
        }
        const source = OP_SUB[code.op[i]];
        if (source !== LDDW_SOURCE.imm64) {
          throw new WasmCompileError(
            `lddw ${LDDW_SOURCES[source]} must be resolved by the loader before compiling`,
            i,
          );
        }
        lowerLddw(c, l, code.dst[i], code.imm[i], code.imm2[i]);
        return;
      }
      case KIND_JMP:
        if (cf.target[i] === i + 1) return;
        lowerCondition(c, l, code, i);
        branch(i, cf.target[i], true);
        return;
      case KIND_JA:
      case KIND_GOTOL:
        if (cf.target[i] === i + 1) return;
        branch(i, cf.target[i], false);
        return;
      case KIND_EXIT:
        for (let n = 0; n <= (this.shape === 'callee' ? 5 : 0); n++) c.localGet(l.reg[n]);
        if (this.shape === 'fast') c.op(Op.i32WrapI64);
        c.op(Op.return);
        return;
      case KIND_CALL: {
        const target = OP_SUB[code.op[i]];
        if (target === CALL_TARGET.kfunc) throw new WasmCompileError('kfunc calls are not supported', i);
        if (target === CALL_TARGET.helper) this.callHelper(i, code.imm[i]);
        else this.callLocal(i);
        return;
      }
      case KIND_CALLX: {
        const reg = code.dst[i]; // callx's register is in dst, as on the wire
        // The whole register goes to JavaScript in r0's exchange slot (free until the helper
        // returns), which looks the helper up as the interpreter does and names the full value.
        const { scratch } = this.env.layout;
        c.i32Const(0)
          .localGet(l.reg[reg])
          .mem(Op.i64Store32, 2, scratch + scratchLo(0));
        c.i32Const(0)
          .localGet(l.reg[reg])
          .i64Const(32)
          .op(Op.i64ShrU)
          .mem(Op.i64Store32, 2, scratch + scratchHi(0));
        this.trampoline(i | CALLX_PC, () => c.i32Const(0));
        return;
      }
      case KIND_LDABS:
      case KIND_LDIND:
        lowerPacketLoad(c, l, code, i, env.packet, () => {
          c.i32Const(FailKind.PacketEnd).i32Const(i).call(env.failImport);
        });
        return;
    }
  }

  private callHelper(i: number, id: number): void {
    const native = this.env.nativeHelper(id);
    if (native === undefined) {
      this.trampoline(i, () => this.c.i32Const(id));
      return;
    }
    for (let n = 1; n <= 5; n++) this.c.localGet(this.l.reg[n]);
    this.c.i32Const(i).call(native).localSet(this.l.reg[0]);
    this.zeroHelperClobbers();
  }

  /** After a helper call r1–r5 are 0 (vm's engine contract). */
  private zeroHelperClobbers(): void {
    for (const r of HELPER_CLOBBERS_ZEROED) this.c.i64Const(0).localSet(this.l.reg[r]);
  }

  /** Call a JavaScript helper through the module's `slow` function. */
  private trampoline(i: number, pushId: () => void): void {
    const { c, l } = this;
    pushId();
    c.i32Const(i);
    for (let n = 1; n <= 5; n++) c.localGet(l.reg[n]);
    c.call(this.env.slowPath).localSet(l.reg[0]);
    this.zeroHelperClobbers();
  }

  private callLocal(i: number): void {
    const { c, l, env } = this;
    const { frameSize } = env.layout;
    const fp = l.reg[10];
    // Frames are counted, as the interpreter counts them (r10 may have been moved).
    c.globalGet(env.callDepth)
      .i32Const(MAX_CALL_FRAMES - 1)
      .op(Op.i32GeU)
      .open(Op.if);
    c.i32Const(FailKind.CallDepth).i32Const(i).call(env.failImport);
    c.end();
    c.globalGet(env.callDepth).i32Const(1).op(Op.i32Add).globalSet(env.callDepth);
    // The callee's frame is r10 - frameSize; zeroed here, so a trap is the call's.
    lowerZeroStack(c, fp, -frameSize, env.zeroed(env.cf.target[i]));
    for (let n = 0; n <= 9; n++) c.localGet(l.reg[n]);
    c.localGet(fp).i64Const(frameSize).op(Op.i64Sub);
    c.call(env.funcOf(env.cf.owner[env.cf.target[i]]));
    for (let n = 5; n >= 0; n--) c.localSet(l.reg[n]);
    c.globalGet(env.callDepth).i32Const(1).op(Op.i32Sub).globalSet(env.callDepth);
  }
}
