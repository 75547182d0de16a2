/**
 * The code generator: BPF instructions → x86-64 machine code, pure TypeScript.
 *
 * Native entry (System V): `u64 entry(u64 r1, u64 r2, u8 *base, tbpf_env *env, u64 r10)`.
 * R1 and R2 arrive where BPF wants them; `base` goes to r12 (minus 2^32 in direct mode, which
 * the executor arranges), `env` is kept at [rsp] in every frame, and r10 becomes R10.
 *
 * Jump sizes: one layout pass emits every jump near and records where each one is and goes;
 * branch relaxation on those sizes (no emission) shrinks every jump whose short form reaches
 * (sizes only shrink, so it converges); then the code is assembled from the layout pass's
 * bytes with each jump re-encoded and each local call re-aimed — everything else is
 * position-independent. (The `iterate` mode, Linux's addrs[] loop of whole passes until two
 * agree, remains as a fallback.)
 */
import {
  ALU_OP,
  ALU_OPS,
  CALL_TARGET,
  type Insn,
  IsaError,
  JMP_OP,
  JMP_OPS,
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
  OP_KIND,
  OP_REG,
  OP_SUB,
  OP_WIDE,
  type PackedInsns,
  packInsns,
} from '@tbpf/isa';
import { HELPER_CLOBBERS_ZEROED, type ZeroedStack } from '@tbpf/vm';
import { ENV_LAYOUT } from '../env-layout.js';
import { CodeBuffer } from '../x64/code-buffer.js';
import { isInt8, NO_INDEX } from '../x64/encoding.js';
import {
  ALU_EXT,
  ALU_RR,
  aluRI,
  aluRR,
  CC,
  callMem,
  callRel32,
  cmovLoadQ,
  cmpDMemImm8,
  JCC_NEAR,
  JCC_SHORT,
  JMP_NEAR,
  JMP_SHORT,
  jcc,
  jmp,
  loadQ,
  movRR,
  pop,
  push,
  pushMem,
  ret,
  storeDImm,
  storeQ,
  testRI,
} from '../x64/instructions.js';
import {
  ADDR,
  BPF_TO_X64,
  ENV,
  MEM_BASE,
  R8,
  R11,
  R12,
  R13,
  R14,
  R15,
  RBP,
  RBX,
  RCX,
  RDX,
  RSP,
} from '../x64/registers.js';
import { lowerAlu, lowerEnd } from './alu.js';
import {
  type Addressing,
  blindedOperand,
  type Ctx,
  cryptoRandom,
  movImm64,
  type RandomFill,
  seededRandom,
} from './context.js';
import { JitError } from './errors.js';
import { analyse, type ProgramShape } from './functions.js';
import { assembleRelaxed, type JumpLayout, newJumpLayout } from './jump-sizing.js';
import { lowerAtomic, lowerLdx, lowerSt, lowerStx, lowerZeroStack } from './memory.js';

export interface CompileOptions {
  /** Constant blinding (Linux's bpf_jit_harden): true for fresh randomness, or a seed for tests. */
  blind?: boolean | { seed: number };
  /**
   * How accesses reach the linear memory (./memory.ts): 'segment' — GS-relative 32-bit
   * addresses, no extra instruction (the executor sets GS); 'confined' (default) — `lea` into a
   * 32-bit index; 'direct' — no sandbox, for measurements on verified programs.
   */
  addressing?: Addressing;
  /**
   * Where blinding's random values come from (default Web Crypto's getRandomValues, which
   * loads Node's crypto module on first use; the engine passes the addon's getrandom).
   */
  randomFill?: RandomFill;
  /** Deepest chain of BPF-to-BPF frames allowed (default 8, as Linux's MAX_CALL_FRAMES). */
  maxFrames?: number;
  /** Bytes of BPF stack per frame: a local call moves R10 down by this much (default 512). */
  frameSize?: number;
  /**
   * How jump sizes are chosen: 'relax' (default) — one layout pass, branch relaxation, assembly
   * from the layout bytes; 'passes' — Linux's whole passes until two agree (also the fallback
   * should relaxation's prediction ever miss).
   */
  jumpSizing?: 'relax' | 'passes';
  /** Functions whose stack is zeroed on entry (vm's ZeroedStack): the entry's in its prologue, others' at each call. */
  zeroedStacks?: readonly ZeroedStack[];
  /**
   * The value of the `lddw` at an instruction index whose source is not a plain constant (map
   * or global-data references) as 32-bit halves, as the loader resolved it (vm's
   * LoadedProgram.constants); undefined means it cannot be compiled.
   */
  resolveLddw?: (index: number) => { lo: number; hi: number } | undefined;
}

export interface CompiledProgram {
  code: Uint8Array;
  /** Helper id of each slot of the environment's helper table, in slot order. */
  helperSlots: number[];
  /** The program has a `callx` (a helper chosen at run time). */
  usesCallx: boolean;
  /** Per instruction: the helper id a call there names, -1 for a callx, 0 elsewhere. */
  callIds: Float64Array;
  /** `insnOffsets[i]`: byte offset of instruction i's code; the extra last entry is the code size. */
  insnOffsets: Int32Array;
  /** Byte offset of each BPF function's prologue. */
  functionOffsets: number[];
  /**
   * 'segment': the executor sets GS to the memory's base + CONFINED_BASE_OFFSET; 'confined': r12
   * gets that value; 'direct': r12 gets base - 2^32.
   */
  addressing: Addressing;
  /**
   * Where a faulting access resumes: the byte offset of the entry function's epilogue, entered
   * with the rsp the prologue stored at env.entryRsp; -1 when the program accesses no memory
   * (it cannot fault).
   */
  faultExit: number;
  /** Deepest chain of frames: the stack region must hold frames × frameSize bytes. */
  frames: number;
  frameSize: number;
  passes: number;
}

export type CompileResult = { ok: true; program: CompiledProgram } | { ok: false; error: JitError };

/** The x86 condition code of each jump operation (isa's OP_SUB). */
const JMP_CC = new Uint8Array(JMP_OPS.length);
JMP_CC[JMP_OP.jeq] = CC.e;
JMP_CC[JMP_OP.jne] = CC.ne;
JMP_CC[JMP_OP.jset] = CC.ne;
JMP_CC[JMP_OP.jgt] = CC.a;
JMP_CC[JMP_OP.jge] = CC.ae;
JMP_CC[JMP_OP.jlt] = CC.b;
JMP_CC[JMP_OP.jle] = CC.be;
JMP_CC[JMP_OP.jsgt] = CC.g;
JMP_CC[JMP_OP.jsge] = CC.ge;
JMP_CC[JMP_OP.jslt] = CC.l;
JMP_CC[JMP_OP.jsle] = CC.le;

/** ALU operations (isa's OP_SUB) whose x86 form ends with an instruction setting the zero flag from the result. */
const SETS_ZERO_FLAG = new Uint8Array(ALU_OPS.length);
for (const op of [ALU_OP.add, ALU_OP.sub, ALU_OP.and, ALU_OP.or, ALU_OP.xor]) SETS_ZERO_FLAG[op] = 1;

/** No condition: an unconditional jmp (`jumpTo`). */
const ALWAYS = -1;

const MAX_PASSES = 20;

/** Compile a program: instruction objects, or the packed form (vm's LoadedProgram.code). */
export function compile(program: readonly Insn[] | PackedInsns, options: CompileOptions = {}): CompileResult {
  try {
    const code = Array.isArray(program) ? pack(program) : (program as PackedInsns);
    return { ok: true, program: new Compiler(code, options).run() };
  } catch (e) {
    if (e instanceof JitError) return { ok: false, error: e };
    throw e;
  }
}

function pack(insns: readonly Insn[]): PackedInsns {
  try {
    return packInsns(insns);
  } catch (e) {
    if (!(e instanceof IsaError)) throw e;
    throw new JitError(e.code === 'bad-register' ? 'bad-register' : 'no-encoding', e.reason, e.index);
  }
}

/**
 * The buffer passes emit into, shared by every compilation (they run one at a time, and the
 * result is always copied out of it): one allocation per process, not one per program.
 */
let scratch: CodeBuffer | undefined;

function scratchBuffer(): CodeBuffer {
  // A huge program's buffer is not kept for the next one.
  if (!scratch || scratch.bytes.length > 1 << 22) scratch = new CodeBuffer(1 << 16);
  scratch.reset();
  return scratch;
}

/** Bytes a buffer must have free before one instruction (or a prologue/epilogue) is lowered: more than any emits. */
const MAX_INSN_BYTES = 128;

class Compiler {
  private readonly ctx: Ctx;
  private readonly shape: ProgramShape;
  private readonly frameSize: number;
  /** Helper id → slot in the environment's helper table. */
  private readonly helperSlot = new Map<number, number>();
  /** Per instruction: the lddw's value (low and high halves). */
  private readonly lddwLo: Int32Array;
  private readonly lddwHi: Int32Array;
  /** Per instruction: the helper id a call there names, -1 for a callx, 0 elsewhere. */
  private readonly callIds: Float64Array;
  /** Stack bytes zeroed on entering the function at each instruction (0 for most; none without zeroed stacks). */
  private readonly zeroed: Int32Array | undefined;
  private usesCallx = false;
  /** BPF registers the program names anywhere, as a bit mask (R0 always: exit returns it). */
  private used = 1;
  /** Any helper, callx or local call: every frame keeps env at [rsp] and 16-byte alignment. */
  private calls = false;
  /** Any load, store or atomic: the program can fault, so the prologue records rsp. */
  private accesses = false;
  /** Any helper call or callx: a helper can end the run, so the prologue records rsp. */
  private helperCalls = false;
  /** Callee-saved registers the main prologue saves, in push order. */
  private savedRegs: number[] = [];
  /** Addresses from the pass before (forward references) or this pass (backward ones). */
  private readonly addrs: Int32Array;
  private readonly entryAddr: Int32Array;
  private readonly exitAddr: Int32Array;
  private changed = false;
  /** Where the current instruction started in the previous pass, minus where it starts now. */
  private shift = 0;
  private forceNear = false;
  /** 'layout' emits every jump near and records it; 'iterate' is a whole pass of the fallback. */
  private mode: 'layout' | 'iterate' = 'layout';
  /** The instruction being lowered. */
  private current = 0;
  /**
   * What the zero flag says after the instruction just lowered: the BPF register it tests
   * (× 2, + 1 for a 64-bit result) when that instruction ended with an add/sub/and/or/xor
   * writing the register, else -1. A jeq/jne against 0 right after it needs no `test`.
   */
  private zeroFlag = -1;
  /**
   * BPF registers the code knows hold 0 (bit mask): those the entry prologue zeroed, while the
   * program starts with `mov reg, 0`s — which then need no code. Anything else ends it.
   */
  private zeroRegs = 0;
  /** What the layout pass records for relaxation. */
  private readonly layout: JumpLayout;
  /** Where blinding's random values come from (null without blinding), and those drawn so far. */
  private readonly source: (() => number) | null;
  private readonly drawn: number[] = [];

  constructor(
    private readonly code: PackedInsns,
    private readonly options: CompileOptions,
  ) {
    const n = code.length;
    this.shape = analyse(code, options.maxFrames ?? 8);
    this.frameSize = options.frameSize ?? 512;
    const blind = options.blind;
    this.source = !blind
      ? null
      : typeof blind === 'object'
        ? seededRandom(blind.seed)
        : cryptoRandom(options.randomFill);
    this.ctx = {
      buf: scratchBuffer(),
      operand: { base: 0, index: NO_INDEX, disp: 0 },
      random: null,
      addressing: options.addressing ?? 'confined',
    };
    this.lddwLo = new Int32Array(n);
    this.lddwHi = new Int32Array(n);
    this.callIds = new Float64Array(n);
    const zeroedStacks = options.zeroedStacks?.filter((z) => z.bytes > 0) ?? [];
    this.zeroed = zeroedStacks.length > 0 ? new Int32Array(n) : undefined;
    for (const z of zeroedStacks) this.zeroed![z.insnIndex] = z.bytes;
    this.prescan();
    const nf = this.shape.starts.length;
    // Over-estimates for whole passes: the first chooses near jumps, later ones only shrink.
    this.addrs = new Int32Array(n + 1);
    for (let i = 0; i <= n; i++) this.addrs[i] = (i + 1) * 64;
    this.entryAddr = new Int32Array(nf);
    this.exitAddr = new Int32Array(nf);
    for (let f = 0; f < nf; f++) {
      this.entryAddr[f] = this.shape.starts[f] * 64;
      this.exitAddr[f] = ((this.shape.starts[f + 1] ?? n) + 1) * 64;
    }
    this.layout = newJumpLayout(this.shape, this.addrs, this.entryAddr, this.exitAddr);
  }

  /** Checks that do not depend on code addresses, the registers used, helper slots, lddw values. */
  private prescan(): void {
    const { length: n, op, dst, src, imm } = this.code;
    let used = this.used;
    // Zeroing a stack stores through R10 (and may fault, at a call from a moved R10).
    if (this.zeroed) {
      used |= 1 << 10;
      this.accesses = true;
    }
    for (let i = 0; i < n; i++) {
      const id = op[i];
      // Fields an instruction does not have are 0 in the packed form, and R0 is always used.
      if (dst[i] > 10 || src[i] > 10) {
        throw new JitError('bad-register', `no register r${Math.max(dst[i], src[i])}`, i);
      }
      used |= (1 << dst[i]) | (1 << src[i]);
      switch (OP_KIND[id]) {
        case KIND_LDX:
        case KIND_ST:
        case KIND_STX:
        case KIND_ATOMIC:
          this.accesses = true;
          break;
        case KIND_LDABS:
        case KIND_LDIND:
          throw new JitError(
            'legacy-packet-load',
            'legacy packet loads (ld_abs/ld_ind) are interpreter-only',
            i,
          );
        case KIND_CALL: {
          this.calls = true;
          const target = OP_SUB[id];
          if (target === CALL_TARGET.kfunc) throw new JitError('kfunc-call', `kfunc call ${imm[i]}`, i);
          if (target === CALL_TARGET.helper) {
            this.helperCalls = true;
            const helper = imm[i] >>> 0;
            if (!this.helperSlot.has(helper)) this.helperSlot.set(helper, this.helperSlot.size);
            this.callIds[i] = helper;
          }
          break;
        }
        case KIND_CALLX:
          this.calls = true;
          this.helperCalls = true;
          this.usesCallx = true;
          this.callIds[i] = -1;
          break;
        case KIND_LDDW:
          this.lddw(i);
          break;
      }
    }
    this.used = used;
  }

  /** Record the value of the lddw at i: a plain constant, or what the loader resolved. */
  private lddw(i: number): void {
    const { op, imm, imm2 } = this.code;
    const source = OP_SUB[op[i]];
    const resolved = this.options.resolveLddw?.(i);
    if (resolved) {
      this.lddwLo[i] = resolved.lo;
      this.lddwHi[i] = resolved.hi;
    } else if (source === LDDW_SOURCE.imm64) {
      this.lddwLo[i] = imm[i];
      this.lddwHi[i] = imm2[i];
    } else {
      throw new JitError(
        'unresolved-lddw',
        `lddw ${LDDW_SOURCES[source]} ${imm[i]} was not resolved by the loader`,
        i,
      );
    }
  }

  run(): CompiledProgram {
    // Save the callee-saved registers the program touches (R6–R9 anywhere in it: BPF
    // functions save their caller's themselves), R10's rbp when it is used or there are calls,
    // and r12 when it holds the memory's base.
    const calleeSaved: [number, number][] = [
      [6, RBX],
      [10, RBP],
      [-1, R12],
      [7, R13],
      [8, R14],
      [9, R15],
    ];
    // r12 is the memory's base, except in segment mode (GS is).
    const needsBase = this.ctx.addressing !== 'segment';
    const used = this.used | (this.calls ? 1 << 10 : 0);
    this.savedRegs = calleeSaved
      .filter(([bpf]) => (bpf < 0 ? needsBase : (used >> bpf) & 1))
      .map(([, x]) => x);
    let code: Uint8Array | undefined;
    let passes = 0;
    if (this.options.jumpSizing !== 'passes') {
      this.mode = 'layout';
      this.pass();
      code = assembleRelaxed(this.layout, this.ctx.buf.bytes, this.ctx.buf.len);
      passes = 1;
    }
    this.mode = 'iterate';
    this.changed = code === undefined;
    while (this.changed && passes < MAX_PASSES + 3) {
      if (passes === MAX_PASSES) this.forceNear = true; // sizes no longer depend on distances
      this.pass();
      passes++;
    }
    if (this.changed) throw new Error('internal: jump sizes did not converge');
    code ??= this.ctx.buf.finish();
    return {
      code,
      helperSlots: [...this.helperSlot.keys()],
      usesCallx: this.usesCallx,
      callIds: this.callIds,
      insnOffsets: this.addrs, // this compilation's own
      functionOffsets: Array.from(this.entryAddr),
      addressing: this.ctx.addressing,
      faultExit: this.accesses ? this.exitAddr[0] : -1,
      frames: this.shape.frames,
      frameSize: this.frameSize,
      passes,
    };
  }

  private setAddr(table: Int32Array, i: number, value: number): void {
    if (table[i] !== value) {
      table[i] = value;
      this.changed = true;
    }
  }

  private pass(): void {
    const { buf } = this.ctx;
    const { starts, functionOf } = this.shape;
    // Every pass sees the same random values, so blinded bytes are those of the final pass's sizes.
    const drawn = this.drawn;
    const source = this.source;
    let k = 0;
    this.ctx.random = source
      ? () => {
          if (k === drawn.length) drawn.push(source());
          return drawn[k++];
        }
      : null;
    buf.reset();
    this.changed = false;
    const n = this.code.length;
    const oneFunction = starts.length === 1;
    for (let i = 0; i < n; i++) {
      buf.ensure(MAX_INSN_BYTES);
      const f = oneFunction ? 0 : functionOf[i];
      if (starts[f] === i) {
        this.setAddr(this.entryAddr, f, buf.len);
        this.zeroFlag = -1; // the prologue's code comes between
        if (f === 0) this.mainPrologue();
        else this.functionPrologue();
        buf.ensure(MAX_INSN_BYTES);
      }
      this.shift = this.addrs[i] - buf.len;
      this.setAddr(this.addrs, i, buf.len);
      this.current = i;
      this.lower(i);
      if (i + 1 === n || (!oneFunction && functionOf[i + 1] !== f)) {
        buf.ensure(MAX_INSN_BYTES);
        this.setAddr(this.exitAddr, f, buf.len);
        if (f === 0) this.mainEpilogue();
        else this.functionEpilogue();
      }
    }
    this.setAddr(this.addrs, n, buf.len);
    buf.checkOverrun();
  }

  /** With calls, env's slot at [rsp] is pushed twice when an odd number of registers is saved: rsp stays 16-byte aligned. */
  private envSlots(): number {
    return this.calls ? 1 + (this.savedRegs.length & 1) : 0;
  }

  private mainPrologue(): void {
    const { buf } = this.ctx;
    for (const r of this.savedRegs) push(buf, r); // push callee-saved
    for (let k = this.envSlots(); k > 0; k--) push(buf, RCX); // push env: [rsp] = env, rsp 16-byte aligned
    if (this.accesses || this.helperCalls) storeQ(buf, RCX, ENV_LAYOUT.entryRsp, RSP); // mov [env + entryRsp], rsp: a fault or unwinding leaves from here
    if (this.ctx.addressing !== 'segment') movRR(buf, true, MEM_BASE, RDX); // mov r12, base
    if (this.calls || (this.used >> 10) & 1) movRR(buf, true, RBP, R8); // mov rbp, r10 (the frame pointer)
    // Registers start at 0 as in the interpreter, and no host value (pointers included) is
    // visible in a register the program may read — or pass to a helper (R0–R5 with calls).
    this.zeroRegs = 0;
    for (const bpf of [0, 3, 4, 5, 6, 7, 8, 9]) {
      if ((this.calls && bpf <= 5) || (this.used >> bpf) & 1) {
        aluRR(buf, ALU_RR.xor, false, BPF_TO_X64[bpf], BPF_TO_X64[bpf]); // xor r32, r32
        this.zeroRegs |= 1 << bpf;
      }
    }
    if (this.zeroed) lowerZeroStack(this.ctx, 0, this.zeroed[0]);
  }

  private mainEpilogue(): void {
    const { buf } = this.ctx;
    for (let k = this.envSlots(); k > 0; k--) pop(buf, R11); // drop env
    for (let k = this.savedRegs.length - 1; k >= 0; k--) pop(buf, this.savedRegs[k]); // pop callee-saved
    ret(buf);
  }

  /**
   * A BPF function: R6–R9 and R10 belong to the caller (R10 is saved, not recomputed, so a
   * program that was not verified and moved R10 in the callee gets the caller's back, as in the
   * interpreter), R10 moves down one frame. R10 is pushed twice to keep rsp 16-byte aligned.
   */
  private functionPrologue(): void {
    const { buf } = this.ctx;
    for (const r of [RBX, R13, R14, R15, RBP, RBP]) push(buf, r); // push R6–R9, R10 (twice)
    pushMem(buf, RSP, 56); // push qword [rsp + 56]: the caller's env, at [rsp] here too
    aluRI(buf, ALU_EXT.sub, true, RBP, this.frameSize); // sub rbp, frameSize
  }

  private functionEpilogue(): void {
    const { buf } = this.ctx;
    pop(buf, R11); // drop env
    for (const r of [RBP, RBP, R15, R14, R13, RBX]) pop(buf, r); // pop R10 (twice), R6–R9
    ret(buf);
  }

  /**
   * After a helper call: r1–r5 are 0 (vm's engine contract: nothing a C helper left in them
   * reaches the program), and a helper that ended the run (env.unwinding: a JavaScript helper
   * threw or asked to stop) makes the program leave through the entry function's epilogue —
   * from a BPF function's frame after restoring the rsp the entry prologue stored.
   */
  private afterHelperCall(): void {
    const { buf } = this.ctx;
    for (const r of HELPER_CLOBBERS_ZEROED) aluRR(buf, ALU_RR.xor, false, BPF_TO_X64[r], BPF_TO_X64[r]); // xor r32, r32
    loadQ(buf, ADDR, RSP, 0); // mov r11, [rsp]: env
    cmpDMemImm8(buf, ADDR, ENV_LAYOUT.unwinding, 0); // cmp dword [r11 + unwinding], 0
    if (this.shape.functionOf[this.current] !== 0) cmovLoadQ(buf, CC.ne, RSP, ADDR, ENV_LAYOUT.entryRsp); // cmovne rsp, [r11 + entryRsp]
    this.jumpTo(CC.ne, -1); // jne the entry function's epilogue
  }

  /**
   * jmp (cc ALWAYS) or jcc to a code address, short when it fits. A forward target's address
   * is from the previous pass, so the distance is measured in that pass's layout (as Linux
   * does); it is exact once a pass changes nothing.
   */
  private jumpTo(cc: number, target: number): void {
    const { buf } = this.ctx;
    const i = this.current;
    const always = cc === ALWAYS;
    const shortLen = always ? JMP_SHORT : JCC_SHORT;
    const nearLen = always ? JMP_NEAR : JCC_NEAR;
    const to = target >= 0 ? this.addrs[target] : this.exitAddr[-target - 1];
    let short: boolean;
    let from = buf.len;
    if (this.mode === 'layout') {
      const { layout } = this;
      layout.jumps.push(i);
      layout.jumpSaving.push(nearLen - shortLen);
      layout.jumpTarget.push(target);
      layout.jumpAt.push(buf.len);
      short = false;
    } else {
      if (target < 0 || target > i) from += this.shift; // a forward target: previous pass's layout
      short = !this.forceNear && isInt8(to - (from + shortLen));
    }
    const rel = to - (from + (short ? shortLen : nearLen));
    if (always) jmp(buf, short, rel);
    else jcc(buf, cc, short, rel);
  }

  private lower(i: number): void {
    const { op, dst, src, off, imm } = this.code;
    const id = op[i];
    const { ctx } = this;
    const { buf } = ctx;
    const zeroFlag = this.zeroFlag;
    this.zeroFlag = -1;
    if (this.zeroRegs !== 0) {
      const movZero =
        OP_KIND[id] === KIND_ALU && OP_SUB[id] === ALU_OP.mov && OP_REG[id] === 0 && imm[i] === 0;
      if (!movZero || this.shape.joins[i] === 1) this.zeroRegs = 0;
      else if ((this.zeroRegs >> dst[i]) & 1)
        return; // already 0
      else this.zeroRegs |= 1 << dst[i];
    }
    switch (OP_KIND[id]) {
      case KIND_ALU:
        lowerAlu(ctx, id, dst[i], src[i], imm[i]);
        if (SETS_ZERO_FLAG[OP_SUB[id]]) this.zeroFlag = dst[i] * 2 + OP_WIDE[id];
        return;
      case KIND_LDX:
        lowerLdx(ctx, id, dst[i], src[i], off[i]);
        return;
      case KIND_STX:
        lowerStx(ctx, id, dst[i], src[i], off[i]);
        return;
      case KIND_JMP:
        this.lowerJmp(i, id, zeroFlag);
        return;
      case KIND_ST:
        lowerSt(ctx, id, dst[i], off[i], imm[i]);
        return;
      case KIND_END:
        lowerEnd(ctx, id, dst[i]);
        return;
      case KIND_ATOMIC:
        lowerAtomic(ctx, id, dst[i], src[i], off[i]);
        return;
      case KIND_LDDW:
        movImm64(ctx, BPF_TO_X64[dst[i]], this.lddwLo[i], this.lddwHi[i]);
        return;
      case KIND_JA:
      case KIND_GOTOL: {
        const t = this.shape.target[i];
        if (t !== i + 1) this.jumpTo(ALWAYS, t);
        return;
      }
      case KIND_EXIT: {
        const f = this.shape.functionOf[i];
        const last = i + 1 === this.code.length || this.shape.functionOf[i + 1] !== f;
        if (!last) this.jumpTo(ALWAYS, -(f + 1));
        return;
      }
      case KIND_CALL:
        if (OP_SUB[id] === CALL_TARGET.local) {
          const callee = this.shape.functionOf[this.shape.target[i]];
          // The callee's frame is R10 - frameSize; zeroed here, so a fault is the call's.
          if (this.zeroed) lowerZeroStack(this.ctx, -this.frameSize, this.zeroed[this.shape.target[i]]);
          if (this.mode === 'layout') this.layout.callSites.push(buf.len, i, callee);
          callRel32(buf, this.entryAddr[callee] - (buf.len + 5)); // call function
        } else {
          const slot = this.helperSlot.get(imm[i] >>> 0)!;
          loadQ(buf, ENV, RSP, 0); // mov r9, [rsp]: env, the helper's sixth argument
          storeDImm(buf, ENV, ENV_LAYOUT.pendingPc, i); // mov dword [r9 + pendingPc], pc
          callMem(buf, ENV, ENV_LAYOUT.helpers + 8 * slot); // call [r9 + helpers + 8 * slot]
          this.afterHelperCall();
        }
        return;
      case KIND_CALLX:
        loadQ(buf, ENV, RSP, 0); // mov r9, [rsp]
        storeDImm(buf, ENV, ENV_LAYOUT.pendingPc, i); // mov dword [r9 + pendingPc], pc
        storeQ(buf, ENV, ENV_LAYOUT.callxId, BPF_TO_X64[dst[i]]); // mov [r9 + callxId], reg
        callMem(buf, ENV, ENV_LAYOUT.callxFn); // call [r9 + callxFn]
        this.afterHelperCall();
        return;
      default:
        throw new JitError('legacy-packet-load', 'legacy packet loads are interpreter-only', i);
    }
  }

  /** A conditional jump; `zeroFlag` is what the instruction before left in the zero flag (see `zeroFlag`). */
  private lowerJmp(i: number, id: number, zeroFlag: number): void {
    const t = this.shape.target[i];
    if (t === i + 1) return; // a branch to the next instruction does nothing
    const { ctx } = this;
    const { buf } = ctx;
    const w64 = OP_WIDE[id] === 1;
    const jop = OP_SUB[id];
    const d = BPF_TO_X64[this.code.dst[i]];
    const test = jop === JMP_OP.jset;
    if (OP_REG[id] === 1) {
      aluRR(buf, test ? ALU_RR.test : ALU_RR.cmp, w64, d, BPF_TO_X64[this.code.src[i]]);
    } else {
      const imm = this.code.imm[i];
      const blinded = blindedOperand(ctx, w64, imm);
      if (blinded >= 0) aluRR(buf, test ? ALU_RR.test : ALU_RR.cmp, w64, d, blinded);
      else if (test) testRI(buf, w64, d, imm);
      else if (imm === 0 && (jop === JMP_OP.jeq || jop === JMP_OP.jne)) {
        // The flags of an add/sub/and/or/xor that just wrote this register already say whether it
        // is 0 — unless a branch also arrives here, or the jump is 32-bit after a 64-bit result.
        const flagsSay = zeroFlag >> 1 === this.code.dst[i] && (w64 || (zeroFlag & 1) === 0);
        if (!(flagsSay && zeroFlag >= 0 && this.shape.joins[i] === 0)) aluRR(buf, ALU_RR.test, w64, d, d);
      } else aluRI(buf, ALU_EXT.cmp, w64, d, imm);
    }
    this.jumpTo(JMP_CC[jop], t);
  }
}
