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
import { type Insn, type LddwInsn, lddwValue } from '@tbpf/isa';
import { HELPER_CLOBBERS_ZEROED } from '@tbpf/vm';
import { ENV_LAYOUT } from '../env-layout.js';
import { CodeBuffer } from '../x64/code-buffer.js';
import { isInt8 } from '../x64/encoding.js';
import {
  aluRI,
  aluRR,
  type Cc,
  callMem,
  callRel32,
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
import { lowerAtomic, lowerLdx, lowerSt, lowerStx } from './memory.js';

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
  /**
   * The value of an `lddw` whose source is not a plain constant (map or global-data
   * references), as the loader resolved it; undefined means it cannot be compiled.
   */
  resolveLddw?: (insn: LddwInsn, index: number) => bigint | undefined;
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

const JMP_CC: Record<string, Cc> = {
  jeq: 'e',
  jne: 'ne',
  jset: 'ne',
  jgt: 'a',
  jge: 'ae',
  jlt: 'b',
  jle: 'be',
  jsgt: 'g',
  jsge: 'ge',
  jslt: 'l',
  jsle: 'le',
};

const MAX_PASSES = 20;

export function compile(insns: readonly Insn[], options: CompileOptions = {}): CompileResult {
  try {
    return { ok: true, program: new Compiler(insns, options).run() };
  } catch (e) {
    if (e instanceof JitError) return { ok: false, error: e };
    throw e;
  }
}

class Compiler {
  private readonly ctx: Ctx;
  private readonly shape: ProgramShape;
  private readonly frameSize: number;
  private readonly helperSlot = new Map<number, number>();
  private readonly lddwValues = new Map<number, bigint>();
  private usesCallx = false;
  /** BPF registers the program names anywhere, as a bit mask (R0 always: exit returns it). */
  private used = 1;
  /** Any helper, callx or local call: every frame keeps env at [rsp] and 16-byte alignment. */
  private calls = false;
  /** Any load, store or atomic: the program can fault, so the prologue records rsp. */
  private accesses = false;
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
  /** What the layout pass records for relaxation. */
  private readonly layout: JumpLayout;
  private readonly seed: number | undefined;

  constructor(
    private readonly insns: readonly Insn[],
    private readonly options: CompileOptions,
  ) {
    this.shape = analyse(insns, options.maxFrames ?? 8);
    this.frameSize = options.frameSize ?? 512;
    const blind = options.blind;
    this.seed = typeof blind === 'object' ? blind.seed : undefined;
    this.ctx = {
      buf: new CodeBuffer(insns.length * 8 + 64),
      random: null,
      addressing: options.addressing ?? 'confined',
    };
    this.prescan();
    const n = insns.length;
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

  /** Checks that do not depend on code addresses, and the helper slots. */
  private prescan(): void {
    this.insns.forEach((insn, i) => {
      this.used |= registerMask(insn, i);
      if (insn.kind === 'call' || insn.kind === 'callx') this.calls = true;
      if (insn.kind === 'ldx' || insn.kind === 'st' || insn.kind === 'stx' || insn.kind === 'atomic') {
        this.accesses = true;
      }
      switch (insn.kind) {
        case 'ldabs':
        case 'ldind':
          throw new JitError(
            'legacy-packet-load',
            'legacy packet loads (ld_abs/ld_ind) are interpreter-only',
            i,
          );
        case 'call':
          if (insn.target === 'kfunc') throw new JitError('kfunc-call', `kfunc call ${insn.imm}`, i);
          if (insn.target === 'helper' && !this.helperSlot.has(insn.imm)) {
            this.helperSlot.set(insn.imm, this.helperSlot.size);
          }
          return;
        case 'callx':
          this.usesCallx = true;
          return;
        case 'lddw': {
          const value =
            this.options.resolveLddw?.(insn, i) ?? (insn.source === 'imm64' ? lddwValue(insn) : undefined);
          if (value === undefined) {
            throw new JitError(
              'unresolved-lddw',
              `lddw ${insn.source} ${insn.imm} was not resolved by the loader`,
              i,
            );
          }
          this.lddwValues.set(i, value);
          return;
        }
      }
    });
  }

  run(): CompiledProgram {
    // With calls, save all six (an even count, so env's push realigns the stack); without,
    // only r12 and the registers the program touches.
    const calleeSaved: [number, number][] = [
      [6, RBX],
      [10, RBP],
      [-1, R12],
      [7, R13],
      [8, R14],
      [9, R15],
    ];
    // r12 is the memory's base, except in segment mode (GS is); with calls all six stay.
    const needsBase = this.ctx.addressing !== 'segment';
    this.savedRegs = calleeSaved
      .filter(([bpf]) => this.calls || (bpf < 0 ? needsBase : (this.used >> bpf) & 1))
      .map(([, x]) => x);
    let code: Uint8Array | undefined;
    let passes = 0;
    if (this.options.jumpSizing !== 'passes') {
      this.mode = 'layout';
      this.pass();
      code = assembleRelaxed(this.layout, this.ctx.buf.finish());
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
      callIds: Float64Array.from(this.insns, (insn) =>
        insn.kind === 'callx' ? -1 : insn.kind === 'call' && insn.target === 'helper' ? insn.imm >>> 0 : 0,
      ),
      insnOffsets: this.addrs.slice(),
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
    const blind = this.options.blind;
    // Same random stream every pass, so blinded bytes are those of the final pass's sizes.
    this.ctx.random = blind
      ? this.seed !== undefined
        ? seededRandom(this.seed)
        : cryptoRandom(this.options.randomFill)
      : null;
    buf.reset();
    this.changed = false;
    const n = this.insns.length;
    for (let i = 0; i < n; i++) {
      const f = functionOf[i];
      if (starts[f] === i) {
        this.setAddr(this.entryAddr, f, buf.len);
        if (f === 0) this.mainPrologue();
        else this.functionPrologue();
      }
      this.shift = this.addrs[i] - buf.len;
      this.setAddr(this.addrs, i, buf.len);
      this.current = i;
      this.lower(i);
      if (i + 1 === n || functionOf[i + 1] !== f) {
        this.setAddr(this.exitAddr, f, buf.len);
        if (f === 0) this.mainEpilogue();
        else this.functionEpilogue();
      }
    }
    this.setAddr(this.addrs, n, buf.len);
  }

  private mainPrologue(): void {
    const { buf } = this.ctx;
    for (const r of this.savedRegs) push(buf, r); // push callee-saved
    if (this.calls) push(buf, RCX); // push env: [rsp] = env, rsp 16-byte aligned
    if (this.accesses) storeQ(buf, RCX, ENV_LAYOUT.entryRsp, RSP); // mov [env + entryRsp], rsp: a fault resumes here
    if (this.ctx.addressing !== 'segment') movRR(buf, true, MEM_BASE, RDX); // mov r12, base
    if (this.calls || (this.used >> 10) & 1) movRR(buf, true, RBP, R8); // mov rbp, r10 (the frame pointer)
    // Registers start at 0 as in the interpreter, and no host value (pointers included) is
    // visible in a register the program may read.
    for (const bpf of [0, 3, 4, 5, 6, 7, 8, 9]) {
      if (this.calls || (this.used >> bpf) & 1) aluRR(buf, 'xor', false, BPF_TO_X64[bpf], BPF_TO_X64[bpf]); // xor r32, r32
    }
  }

  private mainEpilogue(): void {
    const { buf } = this.ctx;
    if (this.calls) pop(buf, R11); // drop env
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
    aluRI(buf, 'sub', true, RBP, this.frameSize); // sub rbp, frameSize
  }

  private functionEpilogue(): void {
    const { buf } = this.ctx;
    pop(buf, R11); // drop env
    for (const r of [RBP, RBP, R15, R14, R13, RBX]) pop(buf, r); // pop R10 (twice), R6–R9
    ret(buf);
  }

  /** After a helper call r1–r5 are 0 (vm's engine contract): nothing a C helper left in them reaches the program. */
  private zeroHelperClobbers(): void {
    for (const r of HELPER_CLOBBERS_ZEROED) aluRR(this.ctx.buf, 'xor', false, BPF_TO_X64[r], BPF_TO_X64[r]); // xor r32, r32
  }

  /**
   * jmp/jcc to a code address, short when it fits. A forward target's address is from the
   * previous pass, so the distance is measured in that pass's layout (as Linux does); it is
   * exact once a pass changes nothing.
   */
  private jumpTo(cc: Cc | null, target: number): void {
    const { buf } = this.ctx;
    const i = this.current;
    const shortLen = cc ? JCC_SHORT : JMP_SHORT;
    const nearLen = cc ? JCC_NEAR : JMP_NEAR;
    const to = target >= 0 ? this.addrs[target] : this.exitAddr[-target - 1];
    let short: boolean;
    let from = buf.len;
    if (this.mode === 'layout') {
      this.layout.jumpSaving[i] = nearLen - shortLen;
      this.layout.jumpTarget[i] = target;
      this.layout.jumpAt[i] = buf.len;
      short = false;
    } else {
      if (target < 0 || target > i) from += this.shift; // a forward target: previous pass's layout
      short = !this.forceNear && isInt8(to - (from + shortLen));
    }
    const rel = to - (from + (short ? shortLen : nearLen));
    if (cc) jcc(buf, cc, short, rel);
    else jmp(buf, short, rel);
  }

  private lower(i: number): void {
    const insn = this.insns[i];
    const { ctx } = this;
    const { buf } = ctx;
    switch (insn.kind) {
      case 'alu':
        lowerAlu(ctx, insn);
        return;
      case 'end':
        lowerEnd(ctx, insn);
        return;
      case 'ldx':
        lowerLdx(ctx, insn);
        return;
      case 'stx':
        lowerStx(ctx, insn);
        return;
      case 'st':
        lowerSt(ctx, insn);
        return;
      case 'atomic':
        lowerAtomic(ctx, insn);
        return;
      case 'lddw': {
        const v = BigInt.asUintN(64, this.lddwValues.get(i)!);
        movImm64(ctx, BPF_TO_X64[insn.dst], Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0);
        return;
      }
      case 'ja':
      case 'gotol': {
        const t = this.shape.target[i];
        if (t !== i + 1) this.jumpTo(null, t);
        return;
      }
      case 'jmp': {
        const t = this.shape.target[i];
        if (t === i + 1) return; // a branch to the next instruction does nothing
        const w64 = insn.width === 64;
        const d = BPF_TO_X64[insn.dst];
        if (insn.source === 'reg') {
          aluRR(buf, insn.op === 'jset' ? 'test' : 'cmp', w64, d, BPF_TO_X64[insn.src]);
        } else {
          const blinded = blindedOperand(ctx, w64, insn.imm);
          if (blinded >= 0) aluRR(buf, insn.op === 'jset' ? 'test' : 'cmp', w64, d, blinded);
          else if (insn.op === 'jset') testRI(buf, w64, d, insn.imm);
          else if (insn.imm === 0 && (insn.op === 'jeq' || insn.op === 'jne')) aluRR(buf, 'test', w64, d, d);
          else aluRI(buf, 'cmp', w64, d, insn.imm);
        }
        this.jumpTo(JMP_CC[insn.op], t);
        return;
      }
      case 'exit': {
        const f = this.shape.functionOf[i];
        const last = i + 1 === this.insns.length || this.shape.functionOf[i + 1] !== f;
        if (!last) this.jumpTo(null, -(f + 1));
        return;
      }
      case 'call':
        if (insn.target === 'local') {
          const callee = this.shape.functionOf[this.shape.target[i]];
          if (this.mode === 'layout') this.layout.callSites.push([buf.len, i, callee]);
          callRel32(buf, this.entryAddr[callee] - (buf.len + 5)); // call function
        } else {
          const slot = this.helperSlot.get(insn.imm)!;
          loadQ(buf, ENV, RSP, 0); // mov r9, [rsp]: env, the helper's sixth argument
          storeDImm(buf, ENV, ENV_LAYOUT.pendingPc, i); // mov dword [r9 + pendingPc], pc
          callMem(buf, ENV, ENV_LAYOUT.helpers + 8 * slot); // call [r9 + helpers + 8 * slot]
          this.zeroHelperClobbers();
        }
        return;
      case 'callx':
        loadQ(buf, ENV, RSP, 0); // mov r9, [rsp]
        storeDImm(buf, ENV, ENV_LAYOUT.pendingPc, i); // mov dword [r9 + pendingPc], pc
        storeQ(buf, ENV, ENV_LAYOUT.callxId, BPF_TO_X64[insn.reg]); // mov [r9 + callxId], reg
        callMem(buf, ENV, ENV_LAYOUT.callxFn); // call [r9 + callxFn]
        this.zeroHelperClobbers();
        return;
      case 'ldabs':
      case 'ldind':
        throw new JitError('legacy-packet-load', 'legacy packet loads are interpreter-only', i);
    }
  }
}

/** A register number, checked, as a bit. */
function bit(r: number, i: number): number {
  if (!(r >= 0 && r <= 10)) throw new JitError('bad-register', `no register r${r}`, i);
  return 1 << r;
}

/** The registers an instruction names, as a bit mask (no allocation: this runs per instruction). */
function registerMask(insn: Insn, i: number): number {
  switch (insn.kind) {
    case 'alu':
    case 'jmp':
      return bit(insn.dst, i) | (insn.source === 'reg' ? bit(insn.src, i) : 0);
    case 'end':
    case 'lddw':
    case 'st':
      return bit(insn.dst, i);
    case 'ldx':
    case 'stx':
    case 'atomic':
      return bit(insn.dst, i) | bit(insn.src, i);
    case 'ldind':
      return bit(insn.src, i);
    case 'callx':
      return bit(insn.reg, i);
    default:
      return 0;
  }
}
