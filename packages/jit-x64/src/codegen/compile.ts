/**
 * The code generator: BPF instructions → x86-64 machine code, pure TypeScript.
 *
 * Native entry (System V): `u64 entry(u64 r1, u64 r2, u8 *base, tbpf_env *env, u64 r10)`.
 * R1 and R2 arrive where BPF wants them; `base` goes to r12 (minus 2^32 in direct mode, which
 * the executor arranges), `env` is kept at [rsp] in every frame, and r10 becomes R10.
 *
 * One pass emits the code into a buffer sized once from per-instruction bounds
 * (./size-bounds.ts). A backward jump knows its distance and is short when that fits; a forward
 * one is short when the bounds of the instructions it skips sum to at most 127 bytes, near
 * otherwise, and its displacement (like a local call's) is patched when the pass ends. Should
 * a short one not reach after all (a bound too small), the program is emitted once more with
 * every forward jump near.
 */

import * as isa from '@tbpf/isa';
import {
  ALU_OP,
  ALU_OPS,
  BRANCH_OUT_OF_RANGE,
  CALL_TARGET,
  type Insn,
  IsaError,
  JMP_OP,
  JMP_OPS,
  LDDW_SOURCE,
  LDDW_SOURCES,
  type PackedInsns,
  packedBranchOffset,
  packedBranchTargets,
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
import { type ProgramShape, splitFunctions } from './functions.js';
import { lowerAtomic, lowerLdx, lowerSt, lowerStx, lowerZeroStack } from './memory.js';
import { FUNCTION_BOUND, sizeBounds } from './size-bounds.js';

/**
 * isa's opcode-row tables and instruction kinds as this module's own constants: V8 folds a
 * module's consts into optimised code but reloads an imported binding at every use, so a switch
 * over imported constants compares case by case instead of jumping (the prescan's loop took 2.3
 * times as long) and every table read loads the binding and checks it first.
 */
const {
  OP_KIND,
  OP_REG,
  OP_SUB,
  OP_WIDE,
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
} = isa;

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
   * loads Node's crypto module on first use; the engine passes the addon's randomFill).
   */
  randomFill?: RandomFill;
  /** Deepest chain of BPF-to-BPF frames allowed (default 8, as Linux's MAX_CALL_FRAMES). */
  maxFrames?: number;
  /** Bytes of BPF stack per frame: a local call moves R10 down by this much (default 512). */
  frameSize?: number;
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
  /** Per instruction: the helper id a call there names, -1 for a callx, 0 elsewhere; empty when the program calls no helper. */
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
  /** Emission passes: 1, or 2 when a forward jump sized short by the bounds did not reach. */
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

/** CompiledProgram.callIds of a program that calls no helper. */
const NO_CALLS = new Float64Array(0);

/** What a displacement to patch points at (`Compiler.fixups`). */
const TO_INSN = 0;
const TO_EXIT = 1;
const TO_ENTRY = 2;

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
 * The buffer the code is emitted into and the per-instruction tables only the compiler reads,
 * shared by every compilation (they run one at a time, and what a result keeps is copied out):
 * a handful of allocations per process rather than per program, which at a few microseconds
 * each are a visible part of compiling a large program.
 */
let scratch: CodeBuffer | undefined;
let boundScratch = new Int32Array(0);
let joinsScratch = new Uint8Array(0);
let fixupScratch = new Int32Array(192);

function scratchBuffer(capacity: number): CodeBuffer {
  // A huge program's buffer is not kept for the next one.
  if (!scratch || scratch.bytes.length > 1 << 22) scratch = new CodeBuffer(1 << 16);
  scratch.reset();
  scratch.ensure(capacity);
  return scratch;
}

/** A table of at least n entries, the old one when it is large enough (and not huge). */
function atLeast<T extends Int32Array | Uint8Array>(old: T, n: number, make: (n: number) => T): T {
  return old.length >= n && old.length <= Math.max(n * 4, 1 << 16) ? old : make(Math.max(n, 1024));
}

class Compiler {
  private readonly ctx: Ctx;
  private readonly shape: ProgramShape;
  private readonly frameSize: number;
  /** Helper id → slot in the environment's helper table. */
  private readonly helperSlot = new Map<number, number>();
  /** Per instruction: the helper id a call there names, -1 for a callx, 0 elsewhere (empty without any). */
  private callIds = NO_CALLS;
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
  /**
   * `bound[i]`: the sum of the size bounds of instructions 0..i-1 (./size-bounds.ts); the bytes
   * between two instructions of one function are at most the difference.
   */
  private readonly bound: Int32Array;
  /** Code offset of each instruction (the extra last entry: the end), of each function's prologue and epilogue. */
  private readonly addrs: Int32Array;
  private readonly entryAddr: Int32Array;
  private readonly exitAddr: Int32Array;
  /** Whether forward jumps may be short (false on the second pass). */
  private shortForward = true;
  /**
   * Displacements to patch once every address is known, three numbers each: where the
   * displacement is, its width (1 or 4) × 4 + what it points at (TO_INSN, TO_EXIT, TO_ENTRY),
   * and the instruction or function.
   */
  private fixups = fixupScratch;
  private fixupCount = 0;
  /** `joins[i]`: 1 when a branch or local call goes to instruction i (it is not only fallen into). */
  private readonly joins: Uint8Array;
  /** The instruction being lowered, and the function it is in. */
  private current = 0;
  private currentFunction = 0;
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

  constructor(
    private readonly code: PackedInsns,
    private readonly options: CompileOptions,
  ) {
    const n = code.length;
    if (n === 0) throw new JitError('empty-program', 'the program has no instructions');
    const branches = packedBranchTargets(code);
    this.frameSize = options.frameSize ?? 512;
    const blind = options.blind;
    const addressing = options.addressing ?? 'confined';
    boundScratch = atLeast(boundScratch, n + 1, (k) => new Int32Array(k));
    this.bound = boundScratch;
    joinsScratch = atLeast(joinsScratch, n, (k) => new Uint8Array(k));
    this.joins = joinsScratch;
    this.joins.fill(0, 0, n);
    const zeroedStacks = options.zeroedStacks?.filter((z) => z.bytes > 0) ?? [];
    this.zeroed = zeroedStacks.length > 0 ? new Int32Array(n) : undefined;
    for (const z of zeroedStacks) this.zeroed![z.insnIndex] = z.bytes;
    const entry = this.prescan(branches, sizeBounds(!!blind, addressing));
    this.shape = splitFunctions(code, branches.target, entry, options.maxFrames ?? 8);
    const nf = this.shape.starts.length;
    let functionBytes = nf * FUNCTION_BOUND;
    if (this.zeroed) for (const f of this.shape.starts) functionBytes += 2 * this.zeroed[f];
    this.ctx = {
      buf: scratchBuffer(this.bound[n] + functionBytes),
      operand: { base: 0, index: NO_INDEX, disp: 0 },
      random: !blind
        ? null
        : typeof blind === 'object'
          ? seededRandom(blind.seed)
          : cryptoRandom(options.randomFill),
      addressing,
    };
    this.addrs = new Int32Array(n + 1);
    this.entryAddr = new Int32Array(nf);
    this.exitAddr = new Int32Array(nf);
  }

  /**
   * Checks that do not depend on code addresses (every branch resolved), the registers used,
   * helper slots, where branches land, and the running sum of the size bounds. Returns the
   * local calls' targets (undefined without any).
   */
  private prescan(
    branches: { target: Int32Array; slot: Int32Array },
    bounds: Uint8Array,
  ): Uint8Array | undefined {
    const { length: n, op, dst, src, imm } = this.code;
    const { bound, zeroed, joins } = this;
    const { target } = branches;
    let entry: Uint8Array | undefined;
    let used = this.used;
    // Zeroing a stack stores through R10 (and may fault, at a call from a moved R10).
    if (zeroed) {
      used |= 1 << 10;
      this.accesses = true;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const id = op[i];
      bound[i] = sum;
      sum += bounds[id];
      // Fields an instruction does not have are 0 in the packed form, and R0 is always used.
      if (dst[i] > 10 || src[i] > 10) {
        throw new JitError('bad-register', `no register r${Math.max(dst[i], src[i])}`, i);
      }
      used |= (1 << dst[i]) | (1 << src[i]);
      const t = target[i];
      if (t >= 0) joins[t] = 1;
      else if (t < -1) {
        const to = branches.slot[i + 1] + (packedBranchOffset(this.code, i) ?? 0);
        const why = t === BRANCH_OUT_OF_RANGE ? 'out-of-range' : 'lddw-middle';
        throw new JitError('bad-jump', `branch to slot ${to} (${why})`, i);
      }
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
          const kind = OP_SUB[id];
          if (kind === CALL_TARGET.kfunc) throw new JitError('kfunc-call', `kfunc call ${imm[i]}`, i);
          if (kind === CALL_TARGET.helper) {
            this.helperCalls = true;
            const helper = imm[i] >>> 0;
            if (!this.helperSlot.has(helper)) this.helperSlot.set(helper, this.helperSlot.size);
            if (this.callIds === NO_CALLS) this.callIds = new Float64Array(n);
            this.callIds[i] = helper;
          } else {
            entry ??= new Uint8Array(n);
            entry[t] = 1;
            if (zeroed) sum += 2 * zeroed[t]; // the callee's stack, zeroed at the call
          }
          break;
        }
        case KIND_CALLX:
          this.calls = true;
          this.helperCalls = true;
          this.usesCallx = true;
          if (this.callIds === NO_CALLS) this.callIds = new Float64Array(n);
          this.callIds[i] = -1;
          break;
      }
    }
    bound[n] = sum;
    this.used = used;
    return entry;
  }

  /** dst = the lddw at i's value: a plain constant, or what the loader resolved. */
  private lowerLddw(i: number): void {
    const { op, dst, imm, imm2 } = this.code;
    const resolved = this.options.resolveLddw?.(i);
    if (resolved) movImm64(this.ctx, BPF_TO_X64[dst[i]], resolved.lo, resolved.hi);
    else if (OP_SUB[op[i]] === LDDW_SOURCE.imm64) movImm64(this.ctx, BPF_TO_X64[dst[i]], imm[i], imm2[i]);
    else {
      throw new JitError(
        'unresolved-lddw',
        `lddw ${LDDW_SOURCES[OP_SUB[op[i]]]} ${imm[i]} was not resolved by the loader`,
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
    let passes = 1;
    this.pass();
    if (!this.patch()) {
      this.shortForward = false;
      this.pass();
      passes++;
      if (!this.patch()) throw new Error('internal: a near jump does not reach');
    }
    this.ctx.buf.checkOverrun();
    return {
      code: this.ctx.buf.finish(),
      helperSlots: [...this.helperSlot.keys()],
      usesCallx: this.usesCallx,
      callIds: this.callIds,
      insnOffsets: this.addrs,
      functionOffsets: Array.from(this.entryAddr),
      addressing: this.ctx.addressing,
      faultExit: this.accesses ? this.exitAddr[0] : -1,
      frames: this.shape.frames,
      frameSize: this.frameSize,
      passes,
    };
  }

  private pass(): void {
    const { buf } = this.ctx;
    const { starts, functionOf } = this.shape;
    const { addrs } = this;
    buf.reset();
    this.fixupCount = 0;
    const n = this.code.length;
    for (let i = 0; i < n; i++) {
      const f = functionOf ? functionOf[i] : 0;
      if (starts[f] === i) {
        this.currentFunction = f;
        this.entryAddr[f] = buf.len;
        this.zeroFlag = -1; // the prologue's code comes between
        if (f === 0) this.mainPrologue();
        else this.functionPrologue();
      }
      addrs[i] = buf.len;
      this.current = i;
      this.lower(i);
      if (i + 1 === n || (functionOf && functionOf[i + 1] !== f)) {
        this.exitAddr[f] = buf.len;
        if (f === 0) this.mainEpilogue();
        else this.functionEpilogue();
      }
    }
    addrs[n] = buf.len;
  }

  /** Patch every recorded displacement; false when a short one does not reach. */
  private patch(): boolean {
    const { fixups, addrs, entryAddr, exitAddr } = this;
    const { buf } = this.ctx;
    for (let k = 0; k < this.fixupCount * 3; k += 3) {
      const at = fixups[k];
      const how = fixups[k + 1];
      const to = fixups[k + 2];
      const kind = how & 3;
      const dest = kind === TO_INSN ? addrs[to] : kind === TO_EXIT ? exitAddr[to] : entryAddr[to];
      if (how >> 2 === 1) {
        const rel = dest - (at + 1);
        if (!isInt8(rel)) return false;
        buf.patch1(at, rel);
      } else {
        buf.patch4(at, dest - (at + 4));
      }
    }
    return true;
  }

  /** Record a displacement of `width` bytes ending the code so far, to patch when `kind` `to` is placed. */
  private fixup(width: number, kind: number, to: number): void {
    if (this.fixupCount * 3 === this.fixups.length) {
      const bigger = new Int32Array(this.fixups.length * 2);
      bigger.set(this.fixups);
      this.fixups = bigger;
      if (bigger.length <= 1 << 16) fixupScratch = bigger;
    }
    const k = this.fixupCount++ * 3;
    this.fixups[k] = this.ctx.buf.len - width;
    this.fixups[k + 1] = width * 4 + kind;
    this.fixups[k + 2] = to;
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
    if (this.currentFunction !== 0) cmovLoadQ(buf, CC.ne, RSP, ADDR, ENV_LAYOUT.entryRsp); // cmovne rsp, [r11 + entryRsp]
    this.jumpTo(CC.ne, -1); // jne the entry function's epilogue
  }

  /**
   * jmp (cc ALWAYS) or jcc to instruction `target`, or to function -(target + 1)'s epilogue —
   * always the last code of the instruction being lowered. Backward: the distance is known.
   * Forward: short when the bounds of everything in between sum to at most 127 bytes, the
   * displacement patched at the end of the pass.
   */
  private jumpTo(cc: number, target: number): void {
    const { buf } = this.ctx;
    const always = cc === ALWAYS;
    const shortLen = always ? JMP_SHORT : JCC_SHORT;
    const nearLen = always ? JMP_NEAR : JCC_NEAR;
    const g = -target - 1; // the function whose epilogue is the target
    if (target >= 0 ? target <= this.current : g < this.currentFunction) {
      const to = target >= 0 ? this.addrs[target] : this.exitAddr[g];
      const short = isInt8(to - (buf.len + shortLen));
      const rel = to - (buf.len + (short ? shortLen : nearLen));
      if (always) jmp(buf, short, rel);
      else jcc(buf, cc, short, rel);
      return;
    }
    // The bytes between this jump's end and the target: at most those of the instructions after
    // this one up to the target (exclusive), or to the end of the function (its epilogue).
    const until = target >= 0 ? target : (this.shape.starts[g + 1] ?? this.code.length);
    const short = this.shortForward && this.bound[until] - this.bound[this.current + 1] <= 127;
    if (always) jmp(buf, short, 0);
    else jcc(buf, cc, short, 0);
    this.fixup(short ? 1 : 4, target >= 0 ? TO_INSN : TO_EXIT, target >= 0 ? target : g);
  }

  /**
   * Lower instruction i. The common kinds are lowered here and the rest in `lowerOther`:
   * V8 inlines only small functions, and this one is called once per instruction.
   */
  private lower(i: number): void {
    const { op, dst, src, off, imm } = this.code;
    const id = op[i];
    const { ctx } = this;
    const zeroFlag = this.zeroFlag;
    this.zeroFlag = -1;
    if (this.zeroRegs !== 0 && this.knownZero(i)) return;
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
      default:
        this.lowerOther(i, id);
    }
  }

  /**
   * While the program starts with `mov reg, 0`s into registers the entry prologue zeroed, they
   * need no code: true for such a mov (and the registers known to be 0 stay known). Anything
   * else ends it.
   */
  private knownZero(i: number): boolean {
    const id = this.code.op[i];
    const dst = this.code.dst[i];
    const movZero =
      OP_KIND[id] === KIND_ALU && OP_SUB[id] === ALU_OP.mov && OP_REG[id] === 0 && this.code.imm[i] === 0;
    if (!movZero || this.joins[i] === 1) {
      this.zeroRegs = 0;
      return false;
    }
    if ((this.zeroRegs >> dst) & 1) return true;
    this.zeroRegs |= 1 << dst;
    return false;
  }

  /** The kinds `lower` leaves: byte order, atomics, lddw, jumps, exits, calls. */
  private lowerOther(i: number, id: number): void {
    const { dst, src, off, imm } = this.code;
    const { ctx } = this;
    const { buf } = ctx;
    switch (OP_KIND[id]) {
      case KIND_END:
        lowerEnd(ctx, id, dst[i]);
        return;
      case KIND_ATOMIC:
        lowerAtomic(ctx, id, dst[i], src[i], off[i]);
        return;
      case KIND_LDDW:
        this.lowerLddw(i);
        return;
      case KIND_JA:
      case KIND_GOTOL: {
        const t = this.shape.target[i];
        if (t !== i + 1) this.jumpTo(ALWAYS, t);
        return;
      }
      case KIND_EXIT: {
        const f = this.currentFunction;
        const last = i + 1 === (this.shape.starts[f + 1] ?? this.code.length);
        if (!last) this.jumpTo(ALWAYS, -(f + 1));
        return;
      }
      case KIND_CALL:
        if (OP_SUB[id] === CALL_TARGET.local) {
          const callee = this.shape.functionOf![this.shape.target[i]];
          // The callee's frame is R10 - frameSize; zeroed here, so a fault is the call's.
          if (this.zeroed) lowerZeroStack(this.ctx, -this.frameSize, this.zeroed[this.shape.target[i]]);
          callRel32(buf, this.entryAddr[callee] - (buf.len + 5)); // call function
          if (callee > this.currentFunction) this.fixup(4, TO_ENTRY, callee); // not placed yet
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
        if (!(flagsSay && zeroFlag >= 0 && this.joins[i] === 0)) aluRR(buf, ALU_RR.test, w64, d, d);
      } else aluRI(buf, ALU_EXT.cmp, w64, d, imm);
    }
    this.jumpTo(JMP_CC[jop], t);
  }
}
