/**
 * The abstract interpreter: walks every path of the program from the entry with abstract
 * register and stack states (Linux's do_check), forking at conditional jumps, pruning a path
 * when a fully explored state at the same instruction covers it (is_state_visited), and
 * rejecting at the first unsafe instruction.
 */

import { formatKernel } from '@tbpf/asm';
import type { AluInsn, AluOp, AtomicInsn, Insn, JmpInsn, LdxInsn, StInsn, StxInsn } from '@tbpf/isa';
import {
  type Bounds,
  boundsCopy,
  boundsEqual,
  constSigned,
  isConst,
  isConstValue,
  narrow,
  newView,
  setBounds,
  setConst,
  smaxOf,
  smaxUnbounded,
  sminOf,
  sminUnbounded,
  sync,
  umaxOf,
  unknownBounds,
  viewInto,
} from './bounds.js';
import type { Structure } from './cfg.js';
import { ctxAccess, sockAccess } from './ctx-access.js';
import {
  type LiveSets,
  noteFailure,
  regsKey,
  sameRegs,
  stateSafe,
  stillUnsafe,
  uninitCoveredFrames,
} from './equivalence.js';
import { Reject } from './errors.js';
import { checkHelperCall } from './helper-call.js';
import { liveness } from './liveness.js';
import {
  backtrack,
  type Checkpoint,
  HistLog,
  type History,
  LINKED_SLOT,
  markAllPrecise,
  NO_HIST,
  touchedRegs,
  Want,
} from './precision.js';
import { AluMemo, scalarAlu, scalarEnd } from './scalar-alu.js';
import { BranchMemo, type Cond, EdgeRegMemo, FALLEN, TAKEN } from './scalar-branch.js';
import { StackLiveness } from './stack-liveness.js';
import {
  byteAt,
  constReg,
  constRegWords,
  copyFrames,
  copyState,
  curFrame,
  type Frame,
  formatReg,
  isPointer,
  NOT_INIT,
  newFrame,
  ptrReg,
  type Reg,
  type RegType,
  regPrecise,
  SLOT_INVALID,
  SLOT_MISC,
  STACK_INVALID,
  STACK_MISC,
  STACK_SIZE,
  STACK_SPILL,
  STACK_ZERO,
  type State,
  scalarReg,
  scrubbedSlot,
  setByte,
  setSlot,
  setSpill,
  slotAt,
  spillOf,
  spillPrecise,
  spillWidth,
  typeName,
  withBounds,
} from './state.js';
import { tnumStr } from './tnum.js';
import type {
  CtxRange,
  CtxReads,
  FrameState,
  InsnState,
  MapInfo,
  VerifyOptions,
  VerifyStats,
} from './types.js';
import { toBigInt } from './u64.js';

/** `bpf_<name>` of a helper the program type knows, for the log. */
export function helperName(opts: VerifyOptions, id: number): string | undefined {
  const name = opts.type.helpers.get(id)?.name;
  return name === undefined ? undefined : `bpf_${name}`;
}

/** Linux's limits. */
export const COMPLEXITY_LIMIT_INSNS = 1_000_000;
const MAX_PENDING = 8192;
const MAX_CALL_FRAMES = 8;
const MAX_VAR_OFF = 1 << 29;
const ARRAY_MAP = 2;
/** Linux's BPF_FUNC_tail_call and BPF_FUNC_spin_unlock. */
const HELPER_TAIL_CALL = 12;
const HELPER_SPIN_UNLOCK = 94;
/** Linux's MAX_PACKET_OFF: variable packet offsets beyond it prove nothing. */
const MAX_PACKET_OFF = 0xffff;
/** Ranges of a packet pointer known to be beyond / at the packet's end (Linux's values). */
const BEYOND_PKT_END = -2;
const AT_PKT_END = -1;
/** Pointers no arithmetic may move (Linux: "pointer arithmetic on sock prohibited"). */
const SOCKETS = new Set(['sock', 'sock_common', 'tcp_sock', 'xdp_sock']);
/** Pointers whose accesses Linux rewrites after verification (reg_type_mismatch_ok is false). */
const CONVERTED_PTRS = new Set<RegType>(['ctx', 'sock', 'sock_common', 'tcp_sock', 'xdp_sock']);

/** r10 of each call frame (shared: registers are never modified once made). */
const FRAME_POINTERS = Array.from({ length: MAX_CALL_FRAMES }, (_, frame) => ptrReg('fp', { frame }));

/** Linux's BPF_COMPLEXITY_LIMIT_STATES: states kept per instruction without CAP_BPF. */
const MAX_STATES_UNPRIV = 64;
/** A path's jump history this long forces a checkpoint (bounds backtracking). */
const MAX_HIST = 40;

/** How pruning works: Linux's policy, a checkpoint at every prune point, or none (see verifyPruned). */
export type PruningMode = 'linux' | 'every-prune-point' | 'off';

/** A branch still to explore: its state and where its path segment stands. */
interface Pending {
  state: State;
  pc: number;
  from: number;
  parent: Checkpoint | null;
  first: number;
  hist: History;
}

/** The arguments a helper reads, as a register mask (its prototype's non-dontcare args). */
function helperArgMask(opts: VerifyOptions, id: number): number {
  const proto = opts.type.helpers.get(id);
  if (!proto) return 0b111110;
  let mask = 0;
  proto.args.forEach((a, i) => {
    if (a !== 'dontcare') mask |= 1 << (i + 1);
  });
  return mask;
}

/**
 * A conditional jump's operands narrowed on the taken and the fall-through edge: BranchMemo
 * writes them here, refineReg copies them into new registers (no bounds allocated per jump).
 */
const TAKEN_DST = unknownBounds();
const TAKEN_SRC = unknownBounds();
const FALLEN_DST = unknownBounds();
const FALLEN_SRC = unknownBounds();
/** Where EdgeRegMemo keeps each edge's refined operands (dst, then src). */
const TAKEN_EDGE = 0;
const FALLEN_EDGE = 2;
/** The low half of a refined register, for the scalars linked to it by `w1 = w2` (refineReg). */
const LOW_HALF = newView();
/** A scalar linked by `w1 = w2` narrowed by that low half (refineReg). */
const NARROWED = unknownBounds();

const ALU_STR: Record<string, string> = {
  add: '+=',
  sub: '-=',
  mul: '*=',
  div: '/=',
  sdiv: '/=',
  or: '|=',
  and: '&=',
  lsh: '<<=',
  rsh: '>>=',
  neg: 'neg',
  mod: '%=',
  smod: '%=',
  xor: '^=',
  mov: '=',
  arsh: 's>>=',
};

/**
 * The value a load of `size` bytes gives (zero- or sign-extended). Shared: registers are never
 * modified once stored in a state.
 */
function loadedScalar(size: number, signed: boolean): Reg {
  const i = size + (signed ? 8 : 0);
  let r = LOADED[i];
  if (!r) {
    r = loadedScalarOf(size, signed);
    LOADED[i] = r;
  }
  return r;
}
const LOADED: Reg[] = [];

function loadedScalarOf(size: number, signed: boolean): Reg {
  if (size === 8) return scalarReg();
  const bits = size * 8;
  const b = unknownBounds();
  if (signed) {
    // [-2^(bits-1), 2^(bits-1) - 1], sign-extended
    b.sminh = -1;
    b.sminl = -(2 ** (bits - 1)) | 0;
    b.smaxh = 0;
    b.smaxl = (2 ** (bits - 1) - 1) | 0; // int32, see Reg
  } else {
    b.umaxh = 0;
    b.umaxl = bits === 32 ? -1 : (2 ** bits - 1) | 0; // int32, see Reg
  }
  return scalarFrom(b);
}

/** The constant a load of `size` bytes at `at` of a read-only map's value gives (little-endian). */
function directRead(data: Uint8Array, at: number, size: number, signed: boolean): Reg {
  let lo = 0;
  let hi = 0;
  for (let i = Math.min(size, 4) - 1; i >= 0; i--) lo = (lo << 8) | (data[at + i] ?? 0);
  for (let i = size - 1; i >= 4; i--) hi = (hi << 8) | (data[at + i] ?? 0);
  if (signed && size < 8) {
    // Sign-extend from the loaded width (1, 2 or 4 bytes: the low word holds it all).
    const shift = 32 - size * 8;
    lo = (lo << shift) >> shift;
    hi = lo >> 31;
  }
  return constRegWords(hi | 0, lo | 0);
}

/** A scalar from partially set bounds, with every other fact derived. */
function scalarFrom(b: Bounds): Reg {
  const c = boundsCopy(b);
  if (!sync(c)) throw new Error('internal: infeasible scalar');
  return scalarReg(c);
}

/** The value 0 (shared: registers are never modified once made). */
const ZERO = constReg(0);
/** The masks of a 1- and 2-byte fill (narrowFill), and its sign extensions by size. */
const BYTE_MASK = constReg(0xff);
const HALF_MASK = constReg(0xffff);
const SIGN_EXTEND: Record<number, AluOp> = { 1: 'movsx8', 2: 'movsx16', 4: 'movsx32' };

const isZeroConst = (r: Reg): boolean => r.type === 'scalar' && isConstValue(r, 0);

/** Append `x` to `out` unless it is among its first `known` items. */
function addNew(out: number[], known: number, x: number): void {
  for (let k = 0; k < known; k++) if (out[k] === x) return;
  out.push(x);
}

/** `x` is a scalar sharing an id (64- or 32-bit) with `r`. */
const linkedTo = (r: Reg, x: Reg | undefined): boolean =>
  !!x && x.type === 'scalar' && ((r.id !== 0 && x.id === r.id) || (r.id32 !== 0 && x.id32 === r.id32));

/**
 * Slot `s` of `f` holds a spilled scalar linked with `r`: the spilled register is looked at
 * first (most slots have none), the slot's byte states only then.
 */
const linkedSpill = (r: Reg, f: Frame, s: number): boolean => {
  const x = f.spills[s];
  return x !== undefined && linkedTo(r, x) && spillOf(f, s) === x;
};

/** Bits needed for a scalar's largest unsigned value (Linux's get_reg_width, fls64(umax)). */
const umaxBits = (r: Reg): number => (r.umaxh !== 0 ? 64 - Math.clz32(r.umaxh) : 32 - Math.clz32(r.umaxl));

/**
 * The address `reg + fixed` is a multiple of `size` for every value of the variable part
 * (Linux's tnum_is_aligned(tnum_add(var_off, fixed), size)); only the low bits matter.
 */
function stackAligned(reg: Reg, fixed: number, size: number): boolean {
  const sv = (reg.vl + fixed) | 0;
  const mu = ((reg.ml + sv) ^ sv) | reg.ml;
  return (((sv & ~mu) | mu) & (size - 1)) === 0;
}

/**
 * A copy of `r` to change before it is stored. Registers made by `withBounds` all share one
 * object shape, so the code that reads them stays monomorphic; `{ ...r }` makes another shape
 * (and costs several times as much).
 */
const copyReg = (r: Reg): Reg => withBounds(r, r);

/** `r` with the bounds `b`: `r` itself when it has them already (registers are never modified once stored). */
const refined = (r: Reg, b: Bounds): Reg => (boundsEqual(r, b) ? r : withBounds(r, b));

/** A copy of `r` linked with no other register. */
function unlinked(r: Reg): Reg {
  const c = copyReg(r);
  c.id = 0;
  c.id32 = 0;
  return c;
}

/** The memory a region access goes to, as its messages name it. */
export type Region = 'map value' | 'memory';

/** Linux's message for an access of `size` bytes at `o` outside a region of `limit` bytes. */
const regionError = (region: Region, limit: number, o: number, size: number): string =>
  `invalid access to ${region}, ${region === 'memory' ? 'mem_size' : 'value_size'}=${limit} off=${o} size=${size}`;

/** A known value as Linux's tnum_strn prints a constant: `0`, or hexadecimal. */
const formatConstHex = (r: Reg): string =>
  r.vh === 0 && r.vl === 0 ? '0' : `0x${toBigInt(r.vh, r.vl).toString(16)}`;

export class Checker {
  private readonly insns: readonly Insn[];
  private readonly s: Structure;
  readonly opts: VerifyOptions;
  readonly maps: readonly MapInfo[];
  private readonly level: number;
  readonly unpriv: boolean;
  private readonly limit: number;
  readonly lines: string[] = [];
  /**
   * Checkpoints kept at each instruction, oldest first: complete ones are pruning candidates,
   * those still being explored serve the infinite-loop check.
   */
  private readonly explored: (Checkpoint[] | undefined)[];
  private readonly pending: Pending[] = [];
  private idGen = 0;
  st!: State;
  pc = 0;
  private parent: Checkpoint | null = null;
  /** The current path segment: where it started (the parent's instruction) and its history. */
  private segFirst = 0;
  private hist: History = NO_HIST;
  private readonly histLog = new HistLog();
  /** The instruction executed before `pc` on this path (-1 at the entry). */
  private prevInsn = -1;
  /** Jump-class instructions processed (jumps, calls, exits), and both counts at the last checkpoint. */
  private jmpsProcessed = 0;
  private prevJmps = 0;
  private prevInsns = 0;
  /** Registers live before each instruction (static). */
  private readonly liveRegs: Uint16Array;
  /** What backtracking needs to know of each instruction first (see `touchedRegs`). */
  private readonly touchedRegs: Int32Array;
  private readonly stackLive: StackLiveness;
  private readonly want = new Want();
  /** The scalars linked with a jump's operands, while noteLinked collects them (the log keeps a copy). */
  private readonly linkedScratch: number[] = [];
  private readonly live: LiveSets = {
    regs: new Int32Array(MAX_CALL_FRAMES),
    slotsLo: new Int32Array(MAX_CALL_FRAMES),
    slotsHi: new Int32Array(MAX_CALL_FRAMES),
  };
  private readonly immScratch = scalarReg(unknownBounds());
  private readonly aluMemo: AluMemo<Reg>;
  private readonly branchMemo: BranchMemo;
  private readonly edgeRegs: EdgeRegMemo<Reg>;
  /**
   * By instruction index, the last pointer ptrArith moved there by a known offset and the
   * register that gave: the walk brings the same pointer to the same instruction again and
   * again (80 % of these moves on held-out Cilium), which then gets the same register back.
   */
  private readonly movedFrom: (Reg | undefined)[];
  private readonly moved: (Reg | undefined)[];
  /** Registers of the current frame the current instruction set (for the level-2 log). */
  private written = 0;
  /** The current store wrote zero bytes to the stack because its value is known (see checkStore). */
  private wroteZeroBytes = false;
  /** Deepest stack byte used by each sub-program. */
  readonly stackDepth: number[];
  /** Sub-programs whose stack may be read where no path wrote it (see `uninitStackRead`). */
  readonly readsUninitStack: boolean[];
  /**
   * Context loads seen (keyed by `offset * 16 + size`), and whether the context pointer reached
   * a helper.
   */
  private readonly ctxLoads = new Map<number, CtxRange>();
  private ctxEscaped = false;
  /**
   * The pointer type each load/store instruction dereferenced (Linux's insn_aux_data ptr_type),
   * by instruction index: what convert_ctx_access needs after verification.
   */
  private readonly insnPtr: (RegType | undefined)[];
  /**
   * The register each lddw loads and each st stores, by instruction index, made at its first
   * visit: the instruction alone decides it, and registers are never modified once made.
   */
  private readonly insnValue: (Reg | undefined)[];
  readonly stats: VerifyStats = {
    processed: 0,
    maxStatesPerInsn: 0,
    totalStates: 0,
    peakStates: 0,
    pruned: 0,
    stackDepth: 0,
    markRead: 0,
  };
  private curStates = 0;

  constructor(
    insns: readonly Insn[],
    structure: Structure,
    opts: VerifyOptions,
    private readonly pruning: PruningMode = 'linux',
  ) {
    this.insns = insns;
    this.s = structure;
    this.opts = opts;
    this.maps = opts.maps ?? [];
    this.level = opts.logLevel ?? 0;
    this.unpriv = opts.unprivileged ?? false;
    this.limit = opts.insnLimit ?? COMPLEXITY_LIMIT_INSNS;
    this.stackDepth = structure.subprogStarts.map(() => 0);
    this.readsUninitStack = structure.subprogStarts.map(() => false);
    this.explored = new Array(insns.length);
    // Filled, not grown at random indices (V8 would keep them as slow dictionaries).
    this.insnPtr = new Array<RegType | undefined>(insns.length).fill(undefined);
    this.insnValue = new Array<Reg | undefined>(insns.length).fill(undefined);
    this.aluMemo = new AluMemo(insns.length, () => scalarReg());
    this.branchMemo = new BranchMemo(insns.length);
    this.edgeRegs = new EdgeRegMemo(insns.length);
    this.movedFrom = new Array<Reg | undefined>(insns.length).fill(undefined);
    this.moved = new Array<Reg | undefined>(insns.length).fill(undefined);
    this.liveRegs = liveness(insns, structure.next, structure.target, (id) => helperArgMask(opts, id));
    this.touchedRegs = touchedRegs(insns);
    this.stackLive = new StackLiveness(insns, structure.next, structure.target, structure.subprogStarts);
  }

  // ---- logging -------------------------------------------------------------------------

  private helperName = (id: number): string | undefined => helperName(this.opts, id);
  private mapName = (i: number): string => this.maps[i]?.name ?? `map${i}`;
  private mapSizes = (i: number): [number, number] => [
    this.maps[i]?.keySize ?? 0,
    this.maps[i]?.valueSize ?? 0,
  ];

  private fmt(r: Reg, precise = false): string {
    return formatReg(r, this.mapName, this.mapSizes, precise);
  }

  /** The state as plain data: each frame's initialised registers, then its non-empty stack slots. */
  stateView(st: State): InsnState {
    const frames = st.frames.map((f): FrameState => {
      const regs: FrameState['regs'][number][] = [];
      f.regs.forEach((r, regno) => {
        if (r.type !== 'not_init') regs.push({ regno, value: this.fmt(r, regPrecise(f, regno)) });
      });
      const stack: FrameState['stack'][number][] = [];
      for (let slot = STACK_SIZE / 8 - 1; slot >= 0; slot--) {
        if (slotAt(f, slot) === SLOT_INVALID) continue;
        const off = slot * 8 - STACK_SIZE;
        const spill = spillOf(f, slot);
        // Bytes that are not the spill's (the highest address first), then the spilled register
        // (Linux prints the bytes above a narrow spill the same way).
        const width = spill ? spillWidth(f, slot) : 0;
        let value = '';
        for (let k = 7; k >= width; k--) value += '?m0s'[byteAt(f, slot * 8 + k)];
        if (spill) value += this.fmt(spill, spillPrecise(f, slot));
        stack.push({ off, value });
      }
      return { regs, stack };
    });
    return { frames };
  }

  /** Linux's print_verifier_state: initialised registers, then non-empty stack slots. */
  formatState(st: State): string {
    const { frames } = this.stateView(st);
    const parts: string[] = [];
    frames.forEach((f, fi) => {
      if (frames.length > 1) parts.push(`frame${fi}:`);
      for (const r of f.regs) parts.push(`R${r.regno}=${r.value}`);
      for (const s of f.stack) parts.push(`fp${s.off}=${s.value}`);
    });
    return parts.join(' ');
  }

  private log(line: string): void {
    this.lines.push(line);
  }

  private sourceOf(pc: number): string | undefined {
    const li = this.opts.lineInfo;
    if (!li || li.length === 0) return undefined;
    let best: (typeof li)[number] | undefined;
    for (const l of li) if (l.insnIndex <= pc && (!best || l.insnIndex >= best.insnIndex)) best = l;
    if (!best) return undefined;
    return `${best.file}:${best.line}${best.source ? `: ${best.source.trim()}` : ''}`;
  }

  // ---- state helpers -------------------------------------------------------------------

  private get frame(): Frame {
    return curFrame(this.st);
  }

  reject(reason: string): never {
    throw new Reject(this.pc, reason);
  }

  readReg(n: number): Reg {
    const r = this.frame.regs[n];
    if (r.type === 'not_init') this.reject(`R${n} !read_ok`);
    return r;
  }

  setReg(n: number, r: Reg): void {
    this.frame.regs[n] = r;
    this.written |= 1 << n;
  }

  newId(): number {
    return ++this.idGen;
  }

  /** Apply `fn` to every register and spilled register of every frame. */
  forEachReg(fn: (r: Reg) => Reg | undefined): void {
    for (const f of this.st.frames) {
      for (let i = 0; i < 11; i++) {
        const n = fn(f.regs[i]);
        if (n) f.regs[i] = n;
      }
      for (let i = 0; i < f.spills.length; i++) {
        const sp = f.spills[i];
        if (!sp) continue;
        const n = fn(sp);
        if (n) setSpill(f, i, n);
      }
    }
  }

  // ---- the walk --------------------------------------------------------------------------

  run(initial: State): void {
    this.pending.push({ state: initial, pc: 0, from: -1, parent: null, first: 0, hist: NO_HIST });
    try {
      while (this.pending.length > 0) {
        const p = this.pending.pop()!;
        this.st = p.state;
        this.pc = p.pc;
        this.parent = p.parent;
        this.segFirst = p.first;
        this.hist = p.hist;
        this.prevInsn = p.from;
        if (p.from >= 0 && this.level >= 1)
          this.log(`from ${p.from} to ${p.pc}: ${this.formatState(this.st)}`);
        this.walkPath();
      }
    } finally {
      this.stats.markRead = this.stackLive.longestWalk;
    }
  }

  private walkPath(): void {
    // Logs and the onInsn hook cost per instruction: a walk without them does not test for them.
    const traced = this.level >= 1 || this.opts.onInsn !== undefined;
    for (;;) {
      if (++this.stats.processed > this.limit) {
        this.reject(`BPF program is too large. Processed ${this.stats.processed} insn`);
      }
      // A jump, call or return led here: the history records where from.
      if (this.prevInsn >= 0 && this.pc !== this.prevInsn + 1)
        this.hist = this.histLog.add(this.hist, this.pc, this.prevInsn, -1, -1);
      if (this.s.prunePoint[this.pc] && this.isStateVisited()) {
        this.endPath();
        return;
      }
      const at = this.pc;
      const next = traced ? this.tracedStep(this.insns[at]) : this.step(this.insns[at]);
      this.prevInsn = at;
      if (next < 0) {
        this.endPath();
        return;
      }
      this.pc = next;
    }
  }

  /** `step`, with the instruction's log lines and the onInsn hook. */
  private tracedStep(insn: Insn): number {
    const before = this.level >= 2 ? this.frame.regs.slice() : undefined;
    this.written = 0;
    const framesBefore = this.st.frames.length;
    const at = this.pc;
    if (this.level >= 1) {
      const src = this.opts.lineInfo ? this.sourceOf(at) : undefined;
      if (src && this.sourceOf(at - 1) !== src) this.log(`; ${src}`);
    }
    if (this.opts.onInsn) {
      const st = this.st;
      this.opts.onInsn(at, () => this.stateView(st));
    }
    const next = this.step(insn);
    if (this.level >= 1) {
      let line = `${at}: ${formatKernel(insn, { helperName: this.helperName })}`;
      if (before && this.st.frames.length === framesBefore && next !== -1) {
        const changed: string[] = [];
        this.frame.regs.forEach((r, i) => {
          const w = r !== before[i] || (this.written & (1 << i)) !== 0;
          if (w && r.type !== 'not_init') changed.push(`R${i}_w=${this.fmt(r, regPrecise(this.frame, i))}`);
        });
        if (changed.length) line = `${line.padEnd(40)}; ${changed.join(' ')}`;
      }
      this.log(line);
    }
    return next;
  }

  /** A path ended (exit or pruned): its checkpoints lose one branch in progress. */
  private endPath(): void {
    let c = this.parent;
    while (c) {
      c.branches--;
      if (c.branches > 0) break;
      // Complete: a pruning candidate if still kept, else forgotten.
      if (c.evicted) this.curStates--;
      const up = c.parent;
      this.keepForComparison(c);
      c = up;
    }
  }

  /**
   * A complete checkpoint is only ever compared from now on (no path descends from it, so
   * backtracking never walks it and the loop check never looks at it again), and a comparison
   * reads only its live registers: its dead registers, history and parent link are dropped so
   * that what only they kept can be collected.
   */
  private keepForComparison(c: Checkpoint): void {
    c.parent = null;
    c.hist = NO_HIST;
    const frames = c.frames;
    for (let k = 0; k < frames.length; k++) {
      const live = this.frameLiveRegs(frames, k, c.insn);
      const regs = frames[k].regs;
      for (let r = 0; r < 11; r++) if ((live & (1 << r)) === 0) regs[r] = NOT_INIT;
    }
  }

  /**
   * The registers live in frame `k` of a state at `pc`: in the innermost frame those read from
   * `pc` on; in a caller, the callee-saved ones its continuation from the return point reads.
   */
  private frameLiveRegs(frames: readonly Frame[], k: number, pc: number): number {
    return k === frames.length - 1 ? this.liveRegs[pc] : this.liveRegs[frames[k + 1].callsite + 1] & 0x7c0;
  }

  /**
   * What may still be read in each frame of the current state: in the innermost frame what is
   * live here; in a caller, what its continuation from the return point reads, plus the slots
   * its callees still read through pointers (r0-r5 are written by the return).
   */
  private liveSets(): LiveSets {
    const frames = this.st.frames;
    const n = frames.length - 1;
    // One object reused (entry k for frame k): the sets are consumed by the comparison that asked for them.
    const sets = this.live;
    for (let k = 0; k <= n; k++) {
      sets.regs[k] = this.frameLiveRegs(frames, k, this.pc);
      let lo = this.stackLive.liveWord(this.pc, n - k, 0);
      let hi = this.stackLive.liveWord(this.pc, n - k, 1);
      for (let j = k; j < n; j++) {
        const ret = frames[j + 1].callsite + 1;
        lo |= this.stackLive.liveWord(ret, j - k, 0);
        hi |= this.stackLive.liveWord(ret, j - k, 1);
      }
      sets.slotsLo[k] = lo;
      sets.slotsHi[k] = hi;
    }
    return sets;
  }

  /**
   * Linux's is_state_visited: prune when a fully explored state here covers the current one
   * (its precise values are then needed on this path too); stop a loop that made no progress;
   * otherwise keep the current state as a checkpoint, every few jumps and instructions.
   */
  private isStateVisited(): boolean {
    const pc = this.pc;
    // regsKey of the current state, computed when first needed (loop check, new checkpoint).
    let key: number | undefined;
    const force = this.histLog.length(this.hist) > MAX_HIST || this.pruning === 'every-prune-point';
    const jmps = this.jmpsProcessed - this.prevJmps;
    const insns = this.stats.processed - this.prevInsns;
    let addNew = force || (jmps >= 2 && insns >= 8);
    let list = this.explored[pc];
    let live: LiveSets | undefined;
    const count = list?.length ?? 0;
    // Newest first, as Linux's list.
    for (let i = count - 1; list && i >= 0; i--) {
      const c = list[i];
      if (c.branches > 0) {
        // Still being explored: we are in a loop. The same registers again: no progress.
        key ??= regsKey(this.st);
        // A checkpoint's key is computed the first time a loop check needs it (0 until then).
        if (c.key === 0) c.key = regsKey(c);
        if (c.key === key && sameRegs(c, this.st) && stateSafe(c, this.st, undefined, true, true)) {
          if (this.level >= 1) {
            this.log(`cur state: ${this.formatState(this.st)}`);
            this.log(`old state: ${this.formatState(c)}`);
          }
          this.reject(`infinite loop detected at insn ${pc}`);
        }
        // Iterations differ and rarely help pruning, while every kept state costs.
        if (!force && jmps < 20 && insns < 100) addNew = false;
      } else if (this.pruning !== 'off') {
        live ??= this.liveSets();
        // Most comparisons fail, often where they failed last time: that is checked first.
        if (!stillUnsafe(c, this.st, live, this.unpriv)) {
          if (stateSafe(c, this.st, live, false, this.unpriv)) {
            // Reads of bytes this path left uninitialised, where the explored path had written them.
            const covered = uninitCoveredFrames();
            for (let f = 0; f < this.st.frames.length; f++)
              if (covered & (1 << f)) this.readsUninitStack[this.st.frames[f].subprog] = true;
            c.hit++;
            this.stats.pruned++;
            if (this.level >= 1) this.log(`${pc}: safe`);
            this.propagatePrecision(c, live);
            return true;
          }
          noteFailure(c);
        }
      }
      if (addNew) c.miss++;
      // Drop states that keep failing to prune (Linux's miss_cnt heuristic); one still being
      // explored lives on as the parent of its paths until they end.
      if (c.miss > c.hit * 3 + 3) {
        for (let j = i + 1; j < list.length; j++) list[j - 1] = list[j];
        list.pop();
        if (c.branches > 0) c.evicted = true;
        else this.curStates--;
      }
    }
    if (count > this.stats.maxStatesPerInsn) this.stats.maxStatesPerInsn = count;
    if (this.unpriv && count > MAX_STATES_UNPRIV) return false;
    if (!addNew) return false;
    this.prevJmps = this.jmpsProcessed;
    this.prevInsns = this.stats.processed;
    // The jump that led here starts the new segment's history.
    const log = this.histLog;
    const last = this.hist;
    const into = last !== NO_HIST && log.idx(last) === pc ? last : NO_HIST;
    // What most visits read of a checkpoint first, together (one or two cache lines of it).
    const ckpt: Checkpoint = {
      branches: 1,
      hit: 0,
      miss: 0,
      unsafeItem: -1,
      unsafeNeeds: 0,
      unsafeA: 0,
      unsafeB: 0,
      unsafeC: 0,
      unsafeD: 0,
      frames: copyFrames(this.st),
      refs: this.st.refs,
      lock: this.st.lock,
      insn: pc,
      first: this.segFirst,
      last: this.prevInsn,
      hist: into === NO_HIST ? last : log.older(into),
      parent: this.parent,
      key: key ?? 0,
      evicted: false,
    };
    this.hist =
      into === NO_HIST ? NO_HIST : log.add(NO_HIST, pc, log.prev(into), log.slot(into), log.linked(into));
    this.segFirst = pc;
    if (!list) {
      list = [];
      this.explored[pc] = list;
    }
    list.push(ckpt);
    this.parent = ckpt;
    this.stats.totalStates++;
    this.curStates++;
    this.stats.peakStates = Math.max(this.stats.peakStates, this.curStates);
    return false;
  }

  // ---- precision ---------------------------------------------------------------------------

  /** Walk the path back marking what `w` wants; give up to "everything precise" if it must. */
  private runBacktrack(w: Want): void {
    const followed = backtrack(
      this.insns,
      this.touchedRegs,
      this.histLog,
      this.pc,
      this.segFirst,
      this.hist,
      this.parent,
      w,
    );
    if (!followed) markAllPrecise(this.parent);
  }

  /** Add the scalars linked with `r` (same id) in the current state to `w`. */
  private wantLinked(w: Want, r: Reg): void {
    const frames = this.st.frames;
    for (let fi = 0; fi < frames.length; fi++) {
      const f = frames[fi];
      for (let i = 0; i < 11; i++) if (linkedTo(r, f.regs[i])) w.setReg(fi, i);
      for (let s = 0; s < 64; s++) if (linkedSpill(r, f, s)) w.setSlot(fi, s);
    }
  }

  /**
   * Registers (frame * 16 + reg) and spills (LINKED_SLOT + frame * 64 + slot) sharing r's ids,
   * added to `out` (those not in it already), which is returned.
   */
  private linkedScalars(r: Reg, out: number[]): number[] {
    const known = out.length;
    const frames = this.st.frames;
    for (let fi = 0; fi < frames.length; fi++) {
      const f = frames[fi];
      for (let i = 0; i < 11; i++) if (linkedTo(r, f.regs[i])) addNew(out, known, fi * 16 + i);
      for (let s = 0; s < 64; s++) if (linkedSpill(r, f, s)) addNew(out, known, LINKED_SLOT + fi * 64 + s);
    }
    return out;
  }

  /**
   * A safety decision depends on the exact value of scalar register `regno` of the current
   * frame, as it is before the current instruction (Linux's mark_chain_precision).
   */
  markPrecise(regno: number): void {
    const r = this.frame.regs[regno];
    if (this.unpriv || r.type !== 'scalar') return;
    const w = this.want;
    const f = this.st.frames.length - 1;
    w.reset(f);
    w.setReg(f, regno);
    if (r.id || r.id32) this.wantLinked(w, r);
    this.runBacktrack(w);
  }

  /**
   * The constant a helper's key argument points to on the stack, if the program's stack holds
   * one there (Linux's get_constant_map_key): all zero bytes, or an 8-byte spill of a known
   * scalar — whose exact value then matters (precision). Privileged programs only.
   */
  constStackKey(reg: Reg, size: number): number | undefined {
    if (this.unpriv || reg.type !== 'fp' || !isConst(reg)) return undefined;
    const f = this.stackFrame(reg);
    const start = reg.off + constSigned(reg) + STACK_SIZE;
    if (start < 0 || start + size > STACK_SIZE) return undefined;
    let zeros = true;
    for (let i = start; i < start + size; i++) if (byteAt(f, i) !== STACK_ZERO) zeros = false;
    if (zeros) return 0;
    // A spill of the key's size at the key's address.
    const spill = spillOf(f, start >> 3);
    if (start % 8 !== 0 || !spill || spillWidth(f, start >> 3) !== size) return undefined;
    if (spill.type !== 'scalar' || !isConst(spill)) return undefined;
    const w = this.want;
    w.reset(this.st.frames.length - 1);
    w.setSlot(reg.frame, start >> 3);
    this.runBacktrack(w);
    return constSigned(spill);
  }

  /**
   * Stack byte `i` (512 + offset) of the frame `reg` points into is known to be zero: a zero
   * byte, or a zero byte of a spilled constant (whose value then matters: precision).
   */
  zeroByte(reg: Reg, i: number): boolean {
    const f = this.stackFrame(reg);
    const b = byteAt(f, i);
    if (b === STACK_ZERO) return true;
    const spill = b === STACK_SPILL ? spillOf(f, i >> 3) : undefined;
    if (spill?.type !== 'scalar' || !isConst(spill)) return false;
    const k = i & 7;
    if ((((k < 4 ? spill.vl : spill.vh) >>> (8 * (k & 3))) & 0xff) !== 0) return false;
    if (!this.unpriv) {
      const w = this.want;
      w.reset(this.st.frames.length - 1);
      w.setSlot(reg.frame, i >> 3);
      this.runBacktrack(w);
    }
    return true;
  }

  /** The current path was pruned by `old`: what `old` needed precise, this path needs too. */
  private propagatePrecision(old: State, live: LiveSets): void {
    if (this.unpriv) return;
    const w = this.want;
    const frames = old.frames;
    w.reset(frames.length - 1);
    for (let fi = 0; fi < frames.length; fi++) {
      const f = frames[fi];
      const regs = live.regs[fi] & f.precise & 0x3ff;
      for (let r = 0; r < 10; r++) if (regs & (1 << r) && f.regs[r].type === 'scalar') w.setReg(fi, r);
      // Only the slots both live and precise (each set bit of the two words).
      for (let half = 0; half < 2; half++) {
        let bits = half === 0 ? live.slotsLo[fi] & f.preciseLo : live.slotsHi[fi] & f.preciseHi;
        while (bits !== 0) {
          const s = half * 32 + 31 - Math.clz32(bits & -bits);
          bits &= bits - 1;
          if (spillOf(f, s)?.type === 'scalar') w.setSlot(fi, s);
        }
      }
    }
    if (!w.empty()) this.runBacktrack(w);
  }

  /** Record a stack access of the current instruction in the history: a spill or fill of `slot`. */
  private noteSlot(frame: number, slot: number): void {
    const log = this.histLog;
    const last = this.hist;
    this.hist =
      last !== NO_HIST && log.idx(last) === this.pc
        ? log.add(log.older(last), this.pc, log.prev(last), frame * 64 + slot, log.linked(last))
        : log.add(last, this.pc, this.pc - 1, frame * 64 + slot, -1);
  }

  /**
   * A helper reads stack bytes [lo, hi) through `reg` (Linux's check_stack_range_initialized):
   * every byte must be initialised, and without CAP_BPF no spilled pointer may be read (it would
   * leak to the helper).
   */
  helperStackRead(regno: number, reg: Reg, lo: number, hi: number, size: number): void {
    this.noteStackRead(reg, lo, hi);
    const f = this.stackFrame(reg);
    for (let o = lo; o < hi; ) {
      const slot = (o + STACK_SIZE) >> 3;
      const end = Math.min(hi, (slot + 1) * 8 - STACK_SIZE);
      // The slot's bytes in range all readable (the common case): checked at once. Two bits a
      // byte: data (01, 10) differs in its bits, a spill (11) has both set.
      const v = slotAt(f, slot);
      const spillOk = !this.unpriv || f.spills[slot]?.type === 'scalar';
      const ok = ((v ^ (v >> 1)) | (spillOk ? v & (v >> 1) : 0)) & SLOT_MISC;
      const need = (SLOT_MISC >> (16 - 2 * (end - o))) << (((o + STACK_SIZE) & 7) << 1);
      if ((ok & need) === need) {
        o = end;
        continue;
      }
      for (; o < end; o++) {
        const b = byteAt(f, o + STACK_SIZE);
        if (b === STACK_MISC || b === STACK_ZERO || (b === STACK_SPILL && spillOk)) continue;
        const reason = isConst(reg)
          ? `invalid read from stack R${regno} off ${lo}+${o - lo} size ${size}`
          : `invalid read from stack R${regno} var_off ${tnumStr(reg)}+${o - lo} size ${size}`;
        if (b === STACK_INVALID) this.uninitStackRead(reg.frame, reason);
        else this.reject(reason);
      }
    }
  }

  /**
   * The current instruction reads stack bytes of call frame `frame` that nothing wrote on this
   * path. Without CAP_PERFMON that is refused with `reason`; with it (Linux's allow_uninit_stack)
   * the bytes are unknown data, and the frame's function gets its stack zeroed when entered
   * (VerifyResult.zeroedStacks), so what it reads is defined and the same on every engine.
   */
  uninitStackRead(frame: number, reason: string): void {
    if (this.unpriv) this.reject(reason);
    this.readsUninitStack[this.st.frames[frame].subprog] = true;
  }

  /** The current instruction reads stack bytes [lo, hi) (offsets from its frame pointer) of `reg`'s frame. */
  noteStackRead(reg: Reg, lo: number, hi: number): void {
    const depth = this.st.frames.length - 1 - reg.frame;
    for (let s = (lo + STACK_SIZE) >> 3; s <= (hi - 1 + STACK_SIZE) >> 3; s++)
      this.stackLive.read(this.pc, depth, s);
  }

  /** Continue the current path at `pc`; explore `other` later. */
  private fork(other: State, target: number): void {
    if (this.pending.length >= MAX_PENDING)
      this.reject(`The sequence of ${MAX_PENDING} jumps is too complex.`);
    this.pending.push({
      state: other,
      pc: target,
      from: this.pc,
      parent: this.parent,
      first: this.segFirst,
      hist: this.hist,
    });
    if (this.parent) this.parent.branches++;
  }

  /** Execute one instruction abstractly; returns the next pc, or -1 when the path ends. */
  private step(insn: Insn): number {
    switch (insn.kind) {
      case 'alu':
        this.checkAlu(insn);
        return this.pc + 1;
      case 'end': {
        const r = this.readReg(insn.dst);
        if (r.type !== 'scalar') this.reject(`R${insn.dst} pointer arithmetic prohibited`);
        this.setReg(insn.dst, scalarReg(scalarEnd(insn.op, insn.bits, r)));
        return this.pc + 1;
      }
      case 'lddw':
        this.checkLddw(insn);
        return this.pc + 1;
      case 'ldx':
        this.checkLdx(insn);
        return this.pc + 1;
      case 'st':
      case 'stx':
        this.checkStore(insn);
        return this.pc + 1;
      case 'atomic':
        this.checkAtomic(insn);
        return this.pc + 1;
      case 'ldabs':
      case 'ldind':
        this.checkLdAbs(insn.kind === 'ldind' ? insn.src : -1, insn.size);
        return this.pc + 1;
      case 'ja':
      case 'gotol':
        this.jmpsProcessed++;
        return this.s.target[this.pc];
      case 'jmp':
        this.jmpsProcessed++;
        return this.checkCondJmp(insn);
      case 'call':
        this.jmpsProcessed++;
        if (insn.target === 'local') return this.checkLocalCall();
        this.beforeHelperCall(insn.imm);
        checkHelperCall(this, insn.imm);
        return this.pc + 1;
      case 'callx': {
        this.jmpsProcessed++;
        const r = this.readReg(insn.reg);
        this.markPrecise(insn.reg);
        if (r.type !== 'scalar' || !isConst(r)) this.reject(`callx R${insn.reg} is not a known helper id`);
        this.beforeHelperCall(r.vl | 0);
        checkHelperCall(this, r.vl | 0);
        return this.pc + 1;
      }
      case 'exit':
        this.jmpsProcessed++;
        return this.checkExit();
    }
  }

  /**
   * Linux's save_aux_ptr_type: one load/store instruction dereferences one kind of pointer when
   * that kind is rewritten after verification (the context, sockets): the rewrite is per
   * instruction, so another pointer reaching it on another path is refused.
   */
  private notePtrType(base: Reg): void {
    const prev = this.insnPtr[this.pc];
    if (prev === undefined) this.insnPtr[this.pc] = base.type;
    else if (prev !== base.type && (CONVERTED_PTRS.has(prev) || CONVERTED_PTRS.has(base.type)))
      this.reject('same insn cannot be used with different pointers');
  }

  /** Indices of the loads and stores that dereference the context pointer (ascending). */
  get ctxInsns(): number[] {
    const out: number[] = [];
    this.insnPtr.forEach((t, i) => {
      if (t === 'ctx') out.push(i);
    });
    return out;
  }

  /** A load of `size` bytes at ctx + `offset` (ctx-access.ts). */
  noteCtxRead(offset: number, size: number): void {
    const key = offset * 16 + size;
    if (!this.ctxLoads.has(key)) this.ctxLoads.set(key, { offset, size });
  }

  /** The context pointer is a helper's argument: the helper may read any of it (helper-call.ts). */
  noteCtxEscape(): void {
    this.ctxEscaped = true;
  }

  get ctxReads(): CtxReads {
    if (this.ctxEscaped) return 'all';
    return [...this.ctxLoads.values()].sort((a, b) => a.offset - b.offset || a.size - b.size);
  }

  // ---- ALU -------------------------------------------------------------------------------

  /**
   * A scalar register holding `d op s` that may be shared (the memo's, see AluMemo): store it,
   * never modify it.
   */
  private sharedAluResult(op: AluOp, d: Reg, s: Reg, width: 32 | 64): Reg {
    return this.aluMemo.alu(this.pc, op, d, s, width);
  }

  /**
   * The immediate operand as a scalar register — one reused object: an operand is only read,
   * never stored in a state.
   */
  private immediate(imm: number, width: 32 | 64): Reg {
    return setConst(this.immScratch, width === 64 && imm < 0 ? -1 : 0, imm | 0) as Reg;
  }

  private checkAlu(insn: AluInsn): void {
    const { dst, op, width } = insn;
    const isMov = op === 'mov' || op === 'movsx8' || op === 'movsx16' || op === 'movsx32';
    const src: Reg = insn.source === 'reg' ? this.readReg(insn.src) : this.immediate(insn.imm, width);
    if (isMov) {
      if (op === 'mov' && isPointer(src)) {
        if (width === 64) {
          this.setReg(dst, src);
          return;
        }
        // A 32-bit copy of a pointer keeps no pointer: an unknown 32-bit scalar.
        if (this.unpriv) this.reject(`R${insn.src} partial copy of pointer`);
        this.setReg(dst, this.sharedAluResult('mov', this.immediate(0, 32), scalarReg(), 32));
        return;
      }
      if (isPointer(src)) this.reject(`R${insn.src} sign-extension of pointer prohibited`);
      let res = this.sharedAluResult(op, src, src, width);
      if (op === 'mov' && width === 64 && insn.source === 'reg' && !isConst(src)) {
        // Link the copies so a later range check on one narrows both (find_equal_scalars).
        let id = src.id;
        if (!id) {
          id = this.newId();
          const linked = copyReg(src);
          linked.id = id;
          this.setReg(insn.src, linked);
        }
        res = copyReg(res);
        res.id = id;
        res.id32 = src.id32;
      } else if (op === 'mov' && width === 32 && insn.source === 'reg' && !isConst(src)) {
        // w1 = w2: equal low halves, so a 32-bit range check on one narrows the other.
        let id32 = src.id32;
        if (!id32) {
          id32 = this.newId();
          const linked = copyReg(src);
          linked.id32 = id32;
          this.setReg(insn.src, linked);
        }
        res = copyReg(res);
        res.id32 = id32;
      }
      this.setReg(dst, res);
      return;
    }
    const d = this.readReg(dst);
    if (op === 'neg') {
      if (d.type !== 'scalar') this.reject(`R${dst} pointer arithmetic prohibited`);
      this.setReg(dst, this.sharedAluResult('neg', d, d, width));
      return;
    }
    if (d.type === 'scalar' && src.type === 'scalar') {
      this.setReg(dst, this.sharedAluResult(op, d, src, width));
      return;
    }
    if (isPointer(d) && isPointer(src)) {
      if (op === 'sub' && !this.unpriv) {
        // ptr - ptr is a distance: a scalar (allowed for privileged programs in Linux).
        const sameFrame = d.type === 'fp' && src.type === 'fp' && d.frame === src.frame;
        if (width === 64 && sameFrame && isConst(d) && isConst(src)) {
          this.setReg(dst, constReg(d.off - src.off));
        } else this.setReg(dst, scalarReg());
        return;
      }
      this.reject(`R${dst} pointer ${ALU_STR[op]} pointer prohibited`);
    }
    if (d.type === 'scalar') {
      // scalar op ptr: the pointer moved by the scalar. The pointer's offset will be exactly
      // this value's range.
      this.markPrecise(dst);
      this.setReg(dst, this.ptrArith(op, width, src, d, dst, true));
      return;
    }
    if (insn.source === 'reg') this.markPrecise(insn.src);
    this.setReg(dst, this.ptrArith(op, width, d, src, dst));
  }

  /**
   * Linux's adjust_ptr_min_max_vals; `reversed`: the pointer is the source operand (dst is the
   * scalar `off`).
   */
  private ptrArith(op: string, width: 32 | 64, ptr: Reg, off: Reg, dst: number, reversed = false): Reg {
    if (width === 32) {
      // Privileged programs may subtract: the result is a meaningless scalar (as in Linux,
      // which checks the width first, so w1 -= w2 with a pointer in w2 passes too).
      if (op === 'sub' && !this.unpriv) return scalarReg();
      this.reject(`R${dst} 32-bit pointer arithmetic prohibited`);
    }
    if (op === 'and' || op === 'or' || op === 'xor') {
      this.reject(`R${dst} bitwise operator ${ALU_STR[op]} on pointer prohibited`);
    }
    if (op !== 'add' && op !== 'sub')
      this.reject(`R${dst} pointer arithmetic with ${ALU_STR[op]} operator prohibited`);
    if (ptr.nullable)
      this.reject(`R${dst} pointer arithmetic on ${typeName(ptr)} prohibited, null-check it first`);
    if (ptr.type === 'map_ptr' || ptr.type === 'pkt_end' || SOCKETS.has(ptr.type)) {
      if (!(ptr.type === 'map_ptr' && isZeroConst(off) && op === 'add')) {
        this.reject(`R${dst} pointer arithmetic on ${typeName(ptr)} prohibited`);
      }
    }
    const known = isConst(off);
    const val = constSigned(off);
    const tn = typeName(ptr);
    if (known && (val >= MAX_VAR_OFF || val <= -MAX_VAR_OFF))
      this.reject(
        `math between ${tn} pointer and ${BigInt.asIntN(64, toBigInt(off.vh, off.vl))} is not allowed`,
      );
    if (!known && sminUnbounded(off)) {
      this.reject(`math between ${tn} pointer and register with unbounded min value is not allowed`);
    }
    if (!known && (sminOf(off) >= MAX_VAR_OFF || sminOf(off) <= -MAX_VAR_OFF)) {
      this.reject(
        `value ${BigInt.asIntN(64, toBigInt(off.sminh, off.sminl))} makes ${tn} pointer be out of bounds`,
      );
    }
    if (reversed && op === 'sub') this.reject(`R${dst} tried to subtract pointer from scalar`);
    // JITs may not cope with subtraction from the frame pointer (Linux refuses it).
    if (op === 'sub' && ptr.type === 'fp') this.reject(`R${dst} subtraction from stack pointer prohibited`);
    if (known) {
      const n = op === 'add' ? ptr.off + val : ptr.off - val;
      if (n >= MAX_VAR_OFF || n <= -MAX_VAR_OFF) this.reject(`${tn} pointer offset ${n} is not allowed`);
      const last = this.moved[this.pc];
      if (last && this.movedFrom[this.pc] === ptr && last.off === n) return last;
      const moved = copyReg(ptr);
      moved.off = n | 0; // int32, see Reg
      this.movedFrom[this.pc] = ptr;
      this.moved[this.pc] = moved;
      return moved;
    }
    if (this.unpriv && ptr.type === 'fp')
      this.reject(`R${dst} variable stack access prohibited for !root, off=${ptr.off}`);
    const res = copyReg(ptr);
    scalarAlu(op === 'add' ? 'add' : 'sub', ptr, off, 64, res);
    if (ptr.type === 'pkt') {
      res.id = this.newId();
      res.range = 0;
    }
    return res;
  }

  // ---- lddw ------------------------------------------------------------------------------

  private checkLddw(insn: Extract<Insn, { kind: 'lddw' }>): void {
    let r = this.insnValue[this.pc];
    if (!r) {
      r = this.lddwValue(insn);
      this.insnValue[this.pc] = r;
    }
    this.setReg(insn.dst, r);
  }

  /** The register an lddw loads: its instruction alone decides it (checked at the first visit). */
  private lddwValue(insn: Extract<Insn, { kind: 'lddw' }>): Reg {
    if (insn.source === 'imm64') return constRegWords(insn.imm2 | 0, insn.imm | 0);
    const idx = insn.imm;
    const map = this.maps[idx];
    if (!map) this.reject(`fd_idx ${idx} is not pointing to valid bpf_map`);
    if (insn.source === 'map_fd' || insn.source === 'map_idx') return ptrReg('map_ptr', { map: idx });
    if (map.type !== ARRAY_MAP) this.reject(`map direct value access on map type ${map.type} not supported`);
    if (insn.imm2 < 0 || insn.imm2 >= map.valueSize) {
      this.reject(`invalid access to map value pointer, value_size=${map.valueSize} off=${insn.imm2}`);
    }
    return ptrReg('map_value', { map: idx, off: insn.imm2, rdonly: !!map.readOnly });
  }

  // ---- memory ----------------------------------------------------------------------------

  private checkLdx(insn: LdxInsn): void {
    const base = this.readReg(insn.src);
    this.notePtrType(base);
    const value = this.checkMemAccess(insn.src, base, insn.off, insn.size, 'read', undefined, insn.signed);
    this.setReg(insn.dst, value ?? loadedScalar(insn.size, insn.signed));
  }

  private checkStore(insn: StInsn | StxInsn): void {
    const base = this.readReg(insn.dst);
    this.notePtrType(base);
    let value: Reg;
    if (insn.kind === 'stx') value = this.readReg(insn.src);
    else {
      value = this.insnValue[this.pc] ?? constReg(insn.imm | 0);
      this.insnValue[this.pc] = value;
    }
    if (this.unpriv && insn.kind === 'stx' && isPointer(value) && base.type !== 'fp') {
      this.reject(
        `R${insn.src} leaks addr into ${base.type === 'map_value' ? 'map' : base.type === 'ctx' ? 'ctx' : 'mem'}`,
      );
    }
    // A spilled scalar that fits is linked with its register (Linux's assign_scalar_id_before_mov).
    if (
      insn.kind === 'stx' &&
      base.type === 'fp' &&
      value.type === 'scalar' &&
      !this.unpriv &&
      !value.id &&
      !isConst(value) &&
      isConst(base) &&
      (base.off + constSigned(base) + insn.off) % 8 === 0 &&
      umaxBits(value) <= insn.size * 8
    ) {
      value = copyReg(value);
      value.id = this.newId();
      this.setReg(insn.src, value);
    }
    this.checkMemAccess(insn.dst, base, insn.off, insn.size, 'write', value, false);
    // Zero bytes written from a register holding 0: that value matters exactly.
    if (base.type === 'fp' && insn.kind === 'stx' && this.wroteZeroBytes) this.markPrecise(insn.src);
    this.wroteZeroBytes = false;
  }

  private checkAtomic(insn: AtomicInsn): void {
    const base = this.readReg(insn.dst);
    const src = this.readReg(insn.src);
    if (insn.op === 'cmpxchg') {
      const r0 = this.readReg(0);
      if (isPointer(r0)) this.reject('R0 leaks addr into mem');
    }
    if (isPointer(src)) this.reject(`R${insn.src} leaks addr into mem`);
    if (base.type === 'ctx' || base.type === 'pkt') {
      this.reject(`BPF_ATOMIC stores into R${insn.dst} ${typeName(base)} is not allowed`);
    }
    this.checkMemAccess(insn.dst, base, insn.off, insn.size, 'read', undefined, false);
    this.checkMemAccess(insn.dst, base, insn.off, insn.size, 'write', scalarReg(), false);
    const old = loadedScalar(insn.size, false);
    if (insn.op === 'cmpxchg') this.setReg(0, old);
    else if (insn.fetch) this.setReg(insn.src, old);
  }

  private checkLdAbs(src: number, size: number): void {
    if (!this.opts.type.ldAbs) this.reject('BPF_LD_[ABS|IND] instructions not allowed for this program type');
    // A legacy packet load may end the program (a packet too short): nothing may be held.
    this.checkResourceLeak('BPF_LD_[ABS|IND]', true);
    const r6 = this.readReg(6);
    if (r6.type !== 'ctx') this.reject('at the time of BPF_LD_ABS|IND R6 != pointer to skb');
    if (src >= 0 && this.readReg(src).type !== 'scalar') this.reject(`R${src} leaks addr into packet load`);
    for (let r = 1; r <= 5; r++) this.setReg(r, NOT_INIT);
    this.setReg(0, loadedScalar(size, false));
  }

  /**
   * Bounds of an access of `size` bytes at `reg + off` into a `region` of `limit` bytes: Linux's
   * check_mem_region_access.
   */
  checkRegion(
    regno: number,
    reg: Reg,
    off: number,
    size: number,
    limit: number,
    region: Region,
    zeroOk = false,
  ): void {
    const fixed = off + reg.off;
    if (isConst(reg)) {
      const o = fixed + constSigned(reg);
      if (o < 0 || (size === 0 && !zeroOk) || o + size > limit)
        this.reject(regionError(region, limit, o, size));
      return;
    }
    if (sminOf(reg) < 0 && (sminUnbounded(reg) || sminOf(reg) + fixed < 0)) {
      this.reject(`R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
    }
    const lo = sminOf(reg) + fixed;
    if (lo < 0 || lo + size > limit) {
      this.log(regionError(region, limit, lo, size));
      this.reject(`R${regno} min value is outside of the allowed memory range`);
    }
    if (umaxOf(reg) >= MAX_VAR_OFF) {
      this.reject(`R${regno} unbounded memory access, make sure to bounds check any such access`);
    }
    const hi = umaxOf(reg) + fixed;
    if (hi + size > limit) {
      this.log(regionError(region, limit, hi, size));
      this.reject(`R${regno} max value is outside of the allowed memory range`);
    }
  }

  /**
   * Check a load or store of `size` bytes at `reg + off`. Returns the loaded register when the
   * access restores a spilled register or a typed context field; undefined for plain loads.
   */
  private checkMemAccess(
    regno: number,
    reg: Reg,
    off: number,
    size: number,
    kind: 'read' | 'write',
    value: Reg | undefined,
    signed: boolean,
  ): Reg | undefined {
    if (reg.nullable || reg.type === 'scalar' || reg.type === 'map_ptr' || reg.type === 'pkt_end') {
      this.reject(`R${regno} invalid mem access '${typeName(reg)}'`);
    }
    switch (reg.type) {
      case 'fp':
        if (kind === 'read') return this.stackRead(regno, reg, off, size, signed);
        this.stackWrite(regno, reg, off, size, value!);
        return undefined;
      case 'map_value': {
        const map = this.maps[reg.map];
        if (kind === 'write' && (map.readOnly || reg.rdonly)) {
          this.reject(
            `write into map forbidden, value_size=${map.valueSize} off=${off + reg.off} size=${size}`,
          );
        }
        this.checkRegion(regno, reg, off, size, map.valueSize, 'map value');
        // A frozen read-only map (libbpf freezes .rodata and .kconfig; tbpf's are never written
        // after loading): a load at a constant offset gives the value itself, as Linux's
        // bpf_map_direct_read does — so `if (LINUX_HAS_SYSCALL_WRAPPER)` takes one branch.
        if (kind === 'read' && map.readOnly && map.initialData && isConst(reg))
          return directRead(map.initialData, reg.off + constSigned(reg) + off, size, signed);
        return undefined;
      }
      case 'mem':
        if (kind === 'write' && reg.rdonly) this.reject(`R${regno} cannot write into ${typeName(reg)}`);
        this.checkRegion(regno, reg, off, size, reg.size, 'memory');
        return undefined;
      case 'pkt':
      case 'pkt_meta':
        if (kind === 'write' && !this.opts.type.pktWrite) this.reject(`cannot write into packet`);
        this.checkPacketAccess(regno, reg, off, size, false);
        return undefined;
      case 'ctx':
        return ctxAccess(this, regno, reg, off, size, kind);
      case 'sock':
      case 'sock_common':
      case 'tcp_sock':
      case 'xdp_sock':
      case 'flow_keys':
        sockAccess(this, regno, reg, off, size, kind);
        return undefined;
      default:
        this.reject(`R${regno} invalid mem access '${typeName(reg)}'`);
    }
  }

  // ---- stack -----------------------------------------------------------------------------

  stackFrame(reg: Reg): Frame {
    return this.st.frames[reg.frame];
  }

  /**
   * Check a stack access of `size` bytes at `reg + off`; returns the first byte it may touch
   * (an offset from the frame pointer). `stackEnd` gives the end of that range.
   */
  stackStart(regno: number, reg: Reg, off: number, size: number, what: string): number {
    const fixed = reg.off + off;
    // Loads and stores must be aligned on the stack, whatever the offset (Linux's strict
    // alignment for stack pointers); helpers' accesses need not be.
    if (what !== 'indirect access to' && !stackAligned(reg, fixed, size)) {
      const varOff = isConst(reg) ? formatConstHex(reg) : tnumStr(reg);
      this.reject(`misaligned stack access off ${varOff}+${reg.off}+${off} size ${size}`);
    }
    if (isConst(reg)) {
      const o = fixed + constSigned(reg);
      if (o < -STACK_SIZE || o + size > 0 || size <= 0)
        this.reject(`invalid ${what} stack R${regno} off=${o} size=${size}`);
      this.noteDepth(reg, -o);
      return o;
    }
    const lo = sminOf(reg) + fixed;
    const hi = smaxOf(reg) + fixed;
    if (sminOf(reg) <= -MAX_VAR_OFF || smaxOf(reg) >= MAX_VAR_OFF || lo < -STACK_SIZE || hi + size > 0) {
      this.reject(
        `invalid variable-offset ${what} stack R${regno} var_off=${tnumStr(reg)} off=${fixed} size=${size}`,
      );
    }
    this.noteDepth(reg, -lo);
    return lo;
  }

  /** The end (exclusive) of the bytes a stack access checked by `stackStart` may touch. */
  stackEnd(reg: Reg, off: number, size: number): number {
    return (isConst(reg) ? constSigned(reg) : smaxOf(reg)) + reg.off + off + size;
  }

  noteDepth(reg: Reg, depth: number): void {
    const sub = this.st.frames[reg.frame].subprog;
    if (depth > this.stackDepth[sub]) this.stackDepth[sub] = depth;
  }

  /** Turn the spilled register of the slot holding byte `i` into plain initialised bytes. */
  scrubSlot(f: Frame, i: number): void {
    const slot = i >> 3;
    const spill = spillOf(f, slot);
    if (!spill) return;
    if (this.unpriv && isPointer(spill)) this.reject('attempt to corrupt spilled pointer on stack');
    setSpill(f, slot, undefined);
    setSlot(f, slot, scrubbedSlot(slotAt(f, slot)));
  }

  /** `scrubSlot` for every slot holding a byte of [from, to). */
  scrubSlots(f: Frame, from: number, to: number): void {
    if (from >= to) return;
    for (let slot = from >> 3; slot <= (to - 1) >> 3; slot++) this.scrubSlot(f, slot << 3);
  }

  /**
   * Spill `value` into the first `size` bytes of `slot` (Linux's save_register_state): bytes of
   * an earlier spill beyond them become unknown data.
   */
  private spill(f: Frame, slot: number, value: Reg, size: number): void {
    const spilled = 0xffff >> (16 - 2 * size);
    // The bytes beyond: a spill's (11) become data (01), the others stay.
    const rest = slotAt(f, slot) & ~spilled;
    setSlot(f, slot, spilled | (rest & ~((rest & (rest >> 1) & SLOT_MISC) << 1)));
    setSpill(f, slot, value);
  }

  private stackWrite(regno: number, reg: Reg, off: number, size: number, value: Reg): void {
    const f = this.stackFrame(reg);
    if (value.type === 'fp' && value.frame > reg.frame) {
      this.reject('cannot spill pointers to stack into stack frame of the caller');
    }
    const lo = this.stackStart(regno, reg, off, size, 'write to');
    if (!isConst(reg)) {
      // Any byte may or may not be written: initialised bytes stay initialised (as unknown data).
      const hi = this.stackEnd(reg, off, size);
      for (let o = lo; o < hi; o++) {
        const i = o + STACK_SIZE;
        this.scrubSlot(f, i);
        if (byteAt(f, i) === STACK_ZERO && !isZeroConst(value)) setByte(f, i, STACK_MISC);
      }
      this.wroteZeroBytes = isZeroConst(value);
      return;
    }
    const base = lo + STACK_SIZE;
    const slot = base >> 3;
    // A scalar stored at the start of a slot is kept as a spill, narrow ones too with CAP_BPF
    // (Linux); without it only whole 8-byte ones, where Linux keeps none (tbpf is more precise).
    if (value.type === 'scalar' && base % 8 === 0 && (size === 8 || !this.unpriv)) {
      // A narrowing spill is linked with nothing (Linux breaks the relation).
      const narrowing = size < 8 && (value.id || value.id32) && umaxBits(value) > size * 8;
      this.spill(f, slot, narrowing ? unlinked(value) : value, size);
      this.noteSlot(reg.frame, slot);
      return;
    }
    if (isPointer(value)) {
      if (size !== 8) this.reject('invalid size of register spill');
      this.spill(f, slot, value, 8);
      this.noteSlot(reg.frame, slot);
      return;
    }
    // Plain data: a spilled register there is no more. A register holding 0 writes zero bytes
    // (and becomes precise, as in Linux); other registers write unknown data (Linux), since
    // tracking their zero bytes would make their values precise. An immediate is the same on
    // every path: its zero bytes are tracked (tbpf's stack strings look for the NUL).
    this.scrubSlot(f, base);
    const known = isConst(value) && (isZeroConst(value) || this.insns[this.pc].kind === 'st');
    // The access is aligned (stackStart): its bytes lie in one slot, set in one write.
    let mask = 0;
    let bytes = 0;
    for (let k = 0; k < size; k++) {
      const byte = known ? ((k < 4 ? value.vl : value.vh) >>> (8 * (k & 3))) & 0xff : 1;
      const at = ((base + k) & 7) << 1;
      mask |= 3 << at;
      bytes |= (byte === 0 ? STACK_ZERO : STACK_MISC) << at;
      if (byte === 0) this.wroteZeroBytes = true;
    }
    setSlot(f, slot, (slotAt(f, slot) & ~mask) | bytes);
  }

  private stackRead(regno: number, reg: Reg, off: number, size: number, signed: boolean): Reg {
    const f = this.stackFrame(reg);
    const lo = this.stackStart(regno, reg, off, size, 'read from');
    const hi = this.stackEnd(reg, off, size);
    this.noteStackRead(reg, lo, hi);
    if (!isConst(reg)) {
      for (let o = lo; o < hi; o++) {
        if (byteAt(f, o + STACK_SIZE) === STACK_INVALID) {
          this.uninitStackRead(
            reg.frame,
            `invalid variable-offset read from stack R${regno} var_off=${tnumStr(reg)}+${reg.off + off} size=${size}`,
          );
        }
      }
      return loadedScalar(size, signed);
    }
    const base = lo + STACK_SIZE;
    const slot = base >> 3;
    const spill = spillOf(f, slot);
    let spilled = 0;
    if (spill) {
      const width = spillWidth(f, slot);
      if (size === 8 && width === 8) {
        this.noteSlot(reg.frame, slot);
        return spill;
      }
      if (spill.type !== 'scalar') this.reject('invalid size of register fill');
      if (base % 8 === 0 && size <= width) {
        // A narrow fill of a spilled scalar: its value, truncated (Linux's coerce_reg_to_size).
        this.noteSlot(reg.frame, slot);
        return this.narrowFill(f, slot, spill, size, signed);
      }
      spilled = width;
    }
    let allZero = true;
    let allSpill = true;
    for (let i = 0; i < size; i++) {
      const b = byteAt(f, base + i);
      if (b === STACK_INVALID)
        this.uninitStackRead(reg.frame, `invalid read from stack off ${lo}+${i} size ${size}`);
      if (b !== STACK_ZERO) allZero = false;
      if (b !== STACK_SPILL) allSpill = false;
    }
    if (allZero || (spilled && allSpill && isZeroConst(spill!))) return ZERO;
    return loadedScalar(size, signed);
  }

  /** The register a fill of `size` bytes at the start of `slot` gives from its spilled scalar. */
  private narrowFill(f: Frame, slot: number, spill: Reg, size: number, signed: boolean): Reg {
    const fits = umaxBits(spill) <= size * 8;
    // A 4-byte fill of a 4-byte spill that fits links the two (Linux's assign_scalar_id_before_mov).
    if (!this.unpriv && size === 4 && fits && !spill.id && !isConst(spill) && spillWidth(f, slot) === 4) {
      spill = copyReg(spill);
      spill.id = this.newId();
      setSpill(f, slot, spill);
    }
    const r = signed
      ? this.sharedAluResult(SIGN_EXTEND[size], spill, spill, 64)
      : size === 4
        ? this.sharedAluResult('mov', spill, spill, 32)
        : this.sharedAluResult('and', spill, size === 1 ? BYTE_MASK : HALF_MASK, 64);
    // The truncated value equals the spilled one only when that fits: then they stay linked
    // (the low halves when at least 4 bytes are kept). The shared result is linked with nothing.
    const id = fits && !signed ? spill.id : 0;
    const id32 = !signed && (fits || size >= 4) ? spill.id32 : 0;
    if (id === 0 && id32 === 0) return r;
    const linked = copyReg(r);
    linked.id = id;
    linked.id32 = id32;
    return linked;
  }

  // ---- jumps -----------------------------------------------------------------------------

  private checkCondJmp(insn: JmpInsn): number {
    const target = this.s.target[this.pc];
    const d = this.readReg(insn.dst);
    const s = insn.source === 'reg' ? this.readReg(insn.src) : this.immediate(insn.imm, insn.width);
    const cond: Cond = insn.op;

    // Null check of a maybe-null pointer: `if rX == 0` / `if rX != 0`.
    if (d.nullable && insn.width === 64 && isZeroConst(s) && (cond === 'jeq' || cond === 'jne')) {
      if (insn.source === 'reg') this.markPrecise(insn.src);
      const other = copyState(this.st);
      const taken = this.st;
      // taken edge of jeq: null; of jne: non-null
      this.st = other;
      this.markNull(d, cond === 'jne');
      const fallthrough = other;
      this.st = taken;
      this.markNull(d, cond === 'jeq');
      this.fork(taken, target);
      this.st = fallthrough;
      return this.pc + 1;
    }
    if (d.type === 'scalar' && s.type === 'scalar') {
      const edges = this.branchMemo.edges(
        this.pc,
        cond,
        d,
        s,
        insn.width,
        TAKEN_DST,
        TAKEN_SRC,
        FALLEN_DST,
        FALLEN_SRC,
      );
      this.edgeRegs.visit(this.pc, d, s);
      const yes = (edges & TAKEN) !== 0;
      const no = (edges & FALLEN) !== 0;
      if (!yes && !no) this.reject('internal: both branches impossible');
      this.noteLinked(insn, d, s);
      if (!yes || !no) {
        // The values decide the branch: pruning must not treat them as unknown.
        this.markPrecise(insn.dst);
        if (insn.source === 'reg') this.markPrecise(insn.src);
      }
      if (yes && no) {
        const other = copyState(this.st);
        this.applyRefinement(other, insn, TAKEN_DST, TAKEN_SRC, TAKEN_EDGE);
        this.applyRefinement(this.st, insn, FALLEN_DST, FALLEN_SRC, FALLEN_EDGE);
        this.fork(other, target);
        return this.pc + 1;
      }
      if (yes) {
        this.applyRefinement(this.st, insn, TAKEN_DST, TAKEN_SRC, TAKEN_EDGE);
        return target;
      }
      this.applyRefinement(this.st, insn, FALLEN_DST, FALLEN_SRC, FALLEN_EDGE);
      return this.pc + 1;
    }
    if (this.unpriv && !(d.type.startsWith('pkt') && s.type.startsWith('pkt'))) {
      this.reject(
        `R${isPointer(s) && insn.source === 'reg' ? insn.src : insn.dst} pointer comparison prohibited`,
      );
    }
    // A non-null pointer compared with 0 has a known outcome.
    if (isPointer(d) && !d.nullable && isZeroConst(s) && (cond === 'jeq' || cond === 'jne')) {
      if (insn.source === 'reg') this.markPrecise(insn.src);
      return cond === 'jne' ? target : this.pc + 1;
    }
    const next = this.pktCompare(insn, d, s, target);
    if (next !== undefined) return next;
    this.fork(copyState(this.st), target);
    return this.pc + 1;
  }

  /**
   * Scalars sharing an id with a jump's operands are narrowed with them: the history records
   * them, so that backtracking wants all of them when it wants one (Linux's linked_regs).
   */
  private noteLinked(insn: JmpInsn, d: Reg, s: Reg): void {
    if (!d.id && !d.id32 && (insn.source !== 'reg' || (!s.id && !s.id32))) return;
    const linked = this.linkedScratch;
    linked.length = 0;
    if (d.id || d.id32) this.linkedScalars(d, linked);
    if (insn.source === 'reg' && (s.id || s.id32)) this.linkedScalars(s, linked);
    if (linked.length < 2) return;
    const log = this.histLog;
    const last = this.hist;
    const set = log.addLinked(linked);
    this.hist =
      last !== NO_HIST && log.idx(last) === this.pc
        ? log.add(log.older(last), this.pc, log.prev(last), log.slot(last), set)
        : log.add(last, this.pc, this.pc - 1, -1, set);
  }

  /** An edge's bounds for the operands; `memo`: EdgeRegMemo's refinement for the dst (the src's next). */
  private applyRefinement(st: State, insn: JmpInsn, nd: Bounds, ns: Bounds, memo: number): void {
    this.refineReg(st, insn.dst, nd, memo);
    if (insn.source === 'reg') this.refineReg(st, insn.src, ns, memo + 1);
  }

  /**
   * Register `n` of the innermost frame gets the bounds `b`, and so do the scalars linked with it.
   * A register the edge does not narrow is kept as it is (half of them on held-out Cilium): a
   * copy would have the same fields. On the path being walked, every register given bounds
   * counts as written all the same, for the log (level 2 lists written registers).
   */
  private refineReg(st: State, n: number, b: Bounds, memo: number): void {
    const f = curFrame(st);
    const old = f.regs[n];
    let r = this.edgeRegs.get(memo, old);
    if (!r) {
      r = refined(old, b);
      this.edgeRegs.set(memo, old, r);
    }
    f.regs[n] = r;
    let written = 1 << n;
    if (old.id) {
      // Registers linked to it (copies) learn the same range.
      for (const fr of st.frames) {
        for (let i = 0; i < 11; i++) {
          const x = fr.regs[i];
          if (x.type !== 'scalar' || x.id !== old.id) continue;
          fr.regs[i] = refined(x, b);
          if (fr === f) written |= 1 << i;
        }
        for (let i = 0; i < fr.spills.length; i++) {
          const sp = fr.spills[i];
          if (sp && sp.type === 'scalar' && sp.id === old.id) setSpill(fr, i, refined(sp, b));
        }
      }
    }
    if (old.id32) {
      // Registers with the same low half learn its 32-bit range.
      const low = viewInto(b, 32, LOW_HALF);
      for (const fr of st.frames) {
        for (let i = 0; i < 11; i++) {
          const x = fr.regs[i];
          if (x.type !== 'scalar' || x.id32 !== old.id32 || (fr === f && i === n)) continue;
          setBounds(NARROWED, x);
          if (!narrow(NARROWED, low, 32)) continue;
          fr.regs[i] = refined(x, NARROWED);
          if (fr === f) written |= 1 << i;
        }
      }
    }
    if (st === this.st) this.written |= written;
  }

  private holdsSpinLock(r: Reg): boolean {
    return r.type === 'map_value' && this.maps[r.map]?.spinLockOff !== undefined;
  }

  /** `r` known not to be NULL. */
  private nonNull(r: Reg): Reg {
    const n = copyReg(r);
    n.nullable = false;
    n.id = this.holdsSpinLock(r) ? r.id : 0;
    return n;
  }

  /** On one edge of a null check: every copy of the pointer becomes NULL (0) or non-null. */
  private markNull(ptr: Reg, isNull: boolean): void {
    const id = ptr.id;
    this.forEachReg((r) =>
      // The id only linked the copies for this check (Linux resets it so pruning can match),
      // unless it names a value holding a bpf_spin_lock (locks are matched by it).
      r.id === id && r.nullable ? (isNull ? constReg(0) : this.nonNull(r)) : undefined,
    );
    // NULL from an acquiring helper holds no reference; a cast (sk_fullsock) keeps its source's.
    if (isNull && ptr.refId && ptr.refId === ptr.id)
      this.st.refs = this.st.refs.filter((x) => x.id !== ptr.refId);
  }

  /**
   * A packet access (Linux's check_packet_access). A packet pointer's range counts from the
   * pointer's variable part, which every pointer of its id shares (the constant offsets apart):
   * only the fixed offset is checked against it.
   */
  checkPacketAccess(regno: number, reg: Reg, off: number, size: number, zeroOk: boolean): void {
    if (sminOf(reg) < 0)
      this.reject(`R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
    const o = off + reg.off;
    if (o >= 0 && (size > 0 || zeroOk) && o + size <= reg.range) return;
    this.log(
      `invalid access to packet, off=${o} size=${size}, R${regno}(id=${reg.id},off=${o},r=${reg.range})`,
    );
    this.reject(`R${regno} offset is outside of the packet`);
  }

  /**
   * A packet pointer compared with the packet's end (or a metadata pointer with the packet's
   * start): on the edge where it lies within, every pointer of its id gets that many bytes
   * (Linux's try_match_pkt_pointers / find_good_pkt_pointers); on the other, the pointer
   * itself is known to be at or beyond the end (mark_pkt_end), which decides a later compare.
   */
  private pktCompare(insn: JmpInsn, d: Reg, s: Reg, target: number): number | undefined {
    if (insn.width !== 64 || insn.source !== 'reg') return undefined;
    // `low op high`, the pointer to grant first: pkt' against pkt_end, pkt_meta' against pkt.
    const isStart = (r: Reg) => r.type === 'pkt' && r.id === 0 && r.off === 0 && isConstValue(r, 0);
    const pair = (p: Reg, q: Reg) =>
      (p.type === 'pkt' && q.type === 'pkt_end') || (p.type === 'pkt_meta' && isStart(q));
    let ptr: Reg;
    let ptrReg: number;
    let cond: Cond = insn.op;
    if (pair(d, s)) {
      ptr = d;
      ptrReg = insn.dst;
    } else if (pair(s, d)) {
      ptr = s;
      ptrReg = insn.src;
      const swap: Partial<Record<Cond, Cond>> = { jgt: 'jlt', jge: 'jle', jlt: 'jgt', jle: 'jge' };
      cond = swap[cond] ?? cond;
    } else return undefined;
    if (cond !== 'jgt' && cond !== 'jge' && cond !== 'jlt' && cond !== 'jle') return undefined;
    // A pointer known beyond (or at) the end decides the compare (Linux's is_pkt_ptr_branch_taken).
    if (ptr.type === 'pkt' && ptr.range < 0) {
      // The written condition is `ptr cond end` (operands swapped with the condition).
      if (cond === 'jge' || cond === 'jlt') return cond === 'jge' ? target : this.pc + 1;
      if (ptr.range === BEYOND_PKT_END) return cond === 'jgt' ? target : this.pc + 1;
    }
    // On the edge where ptr <= end (closed) or ptr < end (open) the pointer's bytes are inside.
    const insideTaken = cond === 'jlt' || cond === 'jle';
    const open = cond === 'jge' || cond === 'jlt';
    const other = copyState(this.st);
    const inside = insideTaken ? other : this.st;
    const outside = insideTaken ? this.st : other;
    this.grantRange(inside, ptr, open);
    if (ptr.type === 'pkt') {
      // The pointer is at (ptr >= end) or beyond (ptr > end) the end on the other edge.
      const f = curFrame(outside);
      const atEnd = copyReg(ptr);
      atEnd.range = open ? AT_PKT_END : BEYOND_PKT_END;
      f.regs[ptrReg] = atEnd;
    }
    this.fork(other, target);
    return this.pc + 1;
  }

  /** find_good_pkt_pointers: every pointer of `ptr`'s type and id gets `ptr.off` (+1 when open) bytes. */
  private grantRange(st: State, ptr: Reg, open: boolean): void {
    if (ptr.off < 0 || (ptr.off === 0 && open)) return;
    // A variable part that might wrap around the packet proves nothing.
    if (umaxOf(ptr) > MAX_PACKET_OFF || umaxOf(ptr) + ptr.off > MAX_PACKET_OFF) return;
    const range = ptr.off + (open ? 1 : 0);
    const grant = (r: Reg): Reg | undefined => {
      if (r.type !== ptr.type || r.id !== ptr.id || r.range >= range) return undefined;
      const n = copyReg(r);
      n.range = range;
      return n;
    };
    for (const f of st.frames) {
      for (let i = 0; i < 11; i++) {
        const n = grant(f.regs[i]);
        if (n) f.regs[i] = n;
      }
      for (let i = 0; i < f.spills.length; i++) {
        const sp = f.spills[i];
        const n = sp ? grant(sp) : undefined;
        if (n) setSpill(f, i, n);
      }
    }
  }

  // ---- calls -----------------------------------------------------------------------------

  /** What no helper call may do: run inside a bpf_spin_lock region, or tail-call while holding references. */
  private beforeHelperCall(id: number): void {
    if (this.st.lock && id !== HELPER_SPIN_UNLOCK)
      this.reject('function calls are not allowed while holding a lock');
    if (id === HELPER_TAIL_CALL) this.checkResourceLeak('tail_call', true);
  }

  /**
   * Leaving the program (`prefix` says how) holding a lock or an acquired reference (a socket, a
   * ring buffer record) is refused (Linux's check_resource_leak), every reference named.
   */
  private checkResourceLeak(prefix: string, checkLock: boolean): void {
    if (checkLock && this.st.lock) this.reject(`${prefix} cannot be used inside bpf_spin_lock-ed region`);
    if (this.st.refs.length === 0) return;
    for (const ref of this.st.refs) this.log(`Unreleased reference id=${ref.id} alloc_insn=${ref.insn}`);
    this.reject(`${prefix} would lead to reference leak`);
  }

  /** bpf_spin_lock on the lock inside the map value `reg` points to. */
  lockAcquire(reg: Reg): void {
    if (this.st.lock) this.reject('Locking two bpf_spin_locks are not allowed');
    this.st.lock = { map: reg.map, id: reg.id };
  }

  /** bpf_spin_unlock: the same lock (same map, same value pointer) must be held. */
  lockRelease(reg: Reg): void {
    const held = this.st.lock;
    if (!held) this.reject('bpf_spin_unlock without taking a lock');
    if (held.map !== reg.map || held.id !== reg.id) this.reject('bpf_spin_unlock of different lock');
    this.st.lock = undefined;
  }

  private checkLocalCall(): number {
    const target = this.s.target[this.pc];
    if (this.st.frames.length >= MAX_CALL_FRAMES) {
      this.reject(`the call stack of ${this.st.frames.length + 1} frames is too deep !`);
    }
    const caller = this.frame;
    const callee = newFrame(this.pc, this.s.subprogOf[target]);
    for (let r = 1; r <= 5; r++) callee.regs[r] = caller.regs[r];
    callee.regs[10] = FRAME_POINTERS[this.st.frames.length];
    this.st.frames.push(callee);
    return target;
  }

  private checkExit(): number {
    if (this.st.frames.length > 1) {
      const r0 = this.readReg(0);
      if (r0.type === 'fp' && r0.frame === this.st.frames.length - 1)
        this.reject('cannot return stack pointer to the caller');
      const callee = this.st.frames.pop()!;
      const caller = this.frame;
      caller.regs[0] = r0;
      for (let r = 1; r <= 5; r++) caller.regs[r] = NOT_INIT;
      return callee.callsite + 1;
    }
    this.checkResourceLeak('BPF_EXIT instruction in main prog', true);
    const r0 = this.readReg(0);
    const range = this.opts.type.ret;
    if (r0.type !== 'scalar') {
      this.reject(
        range
          ? `At program exit the register R0 is not a known value (${typeName(r0)})`
          : 'R0 leaks addr as return value',
      );
    }
    if (range) this.markPrecise(0);
    if (range && (sminOf(r0) < range.min || smaxOf(r0) > range.max)) {
      let has = '';
      if (!sminUnbounded(r0)) has += ` smin=${BigInt.asIntN(64, toBigInt(r0.sminh, r0.sminl))}`;
      if (!smaxUnbounded(r0)) has += ` smax=${BigInt.asIntN(64, toBigInt(r0.smaxh, r0.smaxl))}`;
      if (!has) has = ' unknown scalar value';
      this.reject(
        `At program exit the register R0 has${has} should have been in [${range.min}, ${range.max}]`,
      );
    }
    return -1;
  }
}
