/**
 * Precision tracking (Linux's mark_chain_precision): scalars start imprecise — pruning compares
 * them as unknown — and become precise in an explored state only when a later safety decision
 * depends on their exact value (a pointer offset, a size, a branch decided by their range, a
 * return value). The dependency is found by walking the path backwards, instruction by
 * instruction, through the jump history of the current path and of each explored state it
 * descends from, and every explored state on the way gets the registers and stack slots the
 * value came from marked precise.
 */
import type { Insn } from '@tbpf/isa';
import type { UnsafeAt } from './equivalence.js';
import { markRegPrecise, markSpillPrecise, regPrecise, type State, spillOf, spillPrecise } from './state.js';

/**
 * A path's jump history: the handle of its newest entry in the verification's `HistLog`, or
 * NO_HIST. Each entry links to the one before it in the same path segment; entries are never
 * changed, so a forked path shares its history instead of copying it.
 */
export type History = number;
export const NO_HIST = -1;

/** int32 words per entry of a HistLog, and where each field is. */
const ENTRY = 6;
const IDX = 0;
const PREV = 1;
const SLOT = 2;
const LINKED = 3;
const OLDER = 4;
const LENGTH = 5;

/**
 * The jump histories of one verification's paths, in one append-only log of int32 words: no
 * object per entry, so nothing for the garbage collector to trace or copy (an object per jump,
 * alive as long as the checkpoint whose segment it is in, made a good part of what survived
 * minor collections). An entry, for the instruction `idx`, holds the instruction executed just
 * before it (`idx - 1` unless a jump, call or return led there), the stack slot it spilled to or
 * filled from, the scalars linked with a conditional jump's operands (narrowed together), the
 * entry before it in its segment, and the segment's length up to it. The sets of linked scalars
 * are int32 words too: kept as long as the verification, an array each was a good part of what
 * the verifier's live data holds on a long walk.
 */
export class HistLog {
  private words = new Int32Array(ENTRY * 1024);
  private size = 0;
  /**
   * Sets of linked registers (frame * 16 + reg) and spills (LINKED_SLOT + frame * 64 + slot),
   * one after the other: a set is its size, then its items.
   */
  private sets = new Int32Array(256);
  private setsSize = 0;

  /**
   * The history `older` with an entry added. `slot`: frame * 64 + slot, or -1; `linked`: a set
   * from `addLinked`, or -1.
   */
  add(older: History, idx: number, prev: number, slot: number, linked: number): History {
    if (this.size + ENTRY > this.words.length) {
      const grown = new Int32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    const h = this.size;
    const w = this.words;
    w[h + IDX] = idx;
    w[h + PREV] = prev;
    w[h + SLOT] = slot;
    w[h + LINKED] = linked;
    w[h + OLDER] = older;
    w[h + LENGTH] = older === NO_HIST ? 1 : w[older + LENGTH] + 1;
    this.size += ENTRY;
    return h;
  }

  /** Keep a set of linked scalars for entries to name. */
  addLinked(linked: readonly number[]): number {
    const set = this.setsSize;
    const end = set + 1 + linked.length;
    if (end > this.sets.length) {
      const grown = new Int32Array(Math.max(this.sets.length * 2, end));
      grown.set(this.sets);
      this.sets = grown;
    }
    this.sets[set] = linked.length;
    for (let k = 0; k < linked.length; k++) this.sets[set + 1 + k] = linked[k];
    this.setsSize = end;
    return set;
  }

  idx(h: History): number {
    return this.words[h + IDX];
  }
  prev(h: History): number {
    return this.words[h + PREV];
  }
  slot(h: History): number {
    return this.words[h + SLOT];
  }
  /** The linked set of the entry (from `addLinked`), or -1. */
  linked(h: History): number {
    return this.words[h + LINKED];
  }
  older(h: History): History {
    return this.words[h + OLDER];
  }
  /** Entries in the history. */
  length(h: History): number {
    return h === NO_HIST ? 0 : this.words[h + LENGTH];
  }
  /** Scalars in a linked set (0 for -1, no set). */
  linkedCount(set: number): number {
    return set < 0 ? 0 : this.sets[set];
  }
  /** Item `k` of a linked set. */
  linkedItem(set: number, k: number): number {
    return this.sets[set + 1 + k];
  }
}

export const LINKED_SLOT = 1024;

/**
 * A kept state and the path segment that led to it from its parent (Linux's verifier state list
 * entry). It is the state itself (one object less per checkpoint, one pointer less to follow
 * when walking a list of them).
 */
export interface Checkpoint extends UnsafeAt, State {
  insn: number;
  /** The parent's instruction (0 for the root), the one before `insn`, and the history between. */
  first: number;
  last: number;
  hist: History;
  parent: Checkpoint | null;
  /** Paths from here still being explored: 0 once complete (then a pruning candidate). */
  branches: number;
  hit: number;
  miss: number;
  /** regsKey of the state, for the infinite-loop check (0 until a loop check first needs it). */
  key: number;
  /** No longer kept for pruning (it missed too often); still a parent until complete. */
  evicted: boolean;
}

const FRAMES = 8;
const CALLER_SAVED_ARGS = 0b111110;

/** What still needs precision while walking backwards: registers and slots per frame. */
export class Want {
  frame = 0;
  readonly regs = new Int32Array(FRAMES);
  readonly lo = new Int32Array(FRAMES);
  readonly hi = new Int32Array(FRAMES);
  /** No frame above this one has anything wanted (`empty` and `reset` look no further). */
  private top = 0;

  reset(frame: number): void {
    for (let f = 0; f <= this.top; f++) {
      this.regs[f] = 0;
      this.lo[f] = 0;
      this.hi[f] = 0;
    }
    this.frame = frame;
    this.top = frame;
  }

  empty(): boolean {
    for (let f = 0; f <= this.top; f++) if (this.regs[f] | this.lo[f] | this.hi[f]) return false;
    return true;
  }

  hasReg(f: number, r: number): boolean {
    return (this.regs[f] & (1 << r)) !== 0;
  }
  setReg(f: number, r: number): void {
    this.regs[f] |= 1 << r;
    if (f > this.top) this.top = f;
  }
  clearReg(f: number, r: number): void {
    this.regs[f] &= ~(1 << r);
  }
  hasSlot(f: number, s: number): boolean {
    return ((s < 32 ? this.lo[f] : this.hi[f]) & (1 << (s & 31))) !== 0;
  }
  setSlot(f: number, s: number): void {
    if (s < 32) this.lo[f] |= 1 << s;
    else this.hi[f] |= 1 << (s & 31);
    if (f > this.top) this.top = f;
  }
  clearSlot(f: number, s: number): void {
    if (s < 32) this.lo[f] &= ~(1 << s);
    else this.hi[f] &= ~(1 << (s & 31));
  }

  private hasLinked(x: number): boolean {
    return x >= LINKED_SLOT
      ? this.hasSlot((x - LINKED_SLOT) >> 6, (x - LINKED_SLOT) & 63)
      : this.hasReg(x >> 4, x & 15);
  }

  /**
   * When one of a set of linked scalars (`set` of `log`, or -1) is wanted, all are (they were
   * narrowed together).
   */
  syncLinked(log: HistLog, set: number): void {
    const n = log.linkedCount(set);
    let any = false;
    for (let k = 0; k < n && !any; k++) any = this.hasLinked(log.linkedItem(set, k));
    if (!any) return;
    for (let k = 0; k < n; k++) {
      const x = log.linkedItem(set, k);
      if (x >= LINKED_SLOT) this.setSlot((x - LINKED_SLOT) >> 6, (x - LINKED_SLOT) & 63);
      else this.setReg(x >> 4, x & 15);
    }
  }
}

/**
 * What is wanted before `insn` given what is wanted after it (Linux's backtrack_insn). `next`
 * is the instruction executed after it on this path; `slot` and `linked` its history entry's
 * (-1 without one; `linked` a set of `log`). False when the dependency cannot be followed (the
 * caller then marks every scalar precise).
 */
function backtrackInsn(
  insn: Insn,
  insns: readonly Insn[],
  next: number,
  slot: number,
  log: HistLog,
  linked: number,
  w: Want,
): boolean {
  w.syncLinked(log, linked);
  const f = w.frame;
  switch (insn.kind) {
    case 'alu':
      if (!w.hasReg(f, insn.dst) || insn.op === 'neg') break;
      if (insn.op === 'mov' || insn.op.startsWith('movsx')) {
        // dst = src: src is wanted instead; dst = imm: a constant, nothing before it matters
        w.clearReg(f, insn.dst);
        if (insn.source === 'reg' && insn.src !== 10) w.setReg(f, insn.src);
      } else if (insn.source === 'reg' && insn.src !== 10) w.setReg(f, insn.src);
      break;
    case 'end':
      break;
    case 'lddw':
      w.clearReg(f, insn.dst);
      break;
    case 'ldx':
      if (!w.hasReg(f, insn.dst)) break;
      w.clearReg(f, insn.dst);
      // A fill restores a spilled scalar: the slot is wanted. Other loads give unknown values.
      if (slot >= 0) w.setSlot(slot >> 6, slot & 63);
      break;
    case 'st':
    case 'stx':
      // A scalar used as a base address: pointer arithmetic this walk cannot follow.
      if (w.hasReg(f, insn.dst)) return false;
      if (slot < 0 || !w.hasSlot(slot >> 6, slot & 63)) break;
      w.clearSlot(slot >> 6, slot & 63);
      if (insn.kind === 'stx') w.setReg(f, insn.src);
      break;
    case 'atomic':
      if (w.hasReg(f, insn.dst)) return false;
      // Fetched old values are unknown loads.
      if (insn.op === 'cmpxchg') w.clearReg(f, 0);
      else if (insn.fetch) w.clearReg(f, insn.src);
      break;
    case 'ldabs':
    case 'ldind':
      if (w.hasReg(f, 0)) return false;
      break;
    case 'call':
      if (insn.target === 'local') {
        // Walking out of the callee into its caller: only arguments can still be wanted.
        if (w.regs[f] & ~CALLER_SAVED_ARGS || w.lo[f] || w.hi[f] || f === 0) return false;
        for (let r = 1; r <= 5; r++) {
          if (!w.hasReg(f, r)) continue;
          w.clearReg(f, r);
          w.setReg(f - 1, r);
        }
        w.frame = f - 1;
        break;
      }
      w.clearReg(f, 0);
      if (w.regs[f] & CALLER_SAVED_ARGS) return false;
      break;
    case 'callx':
      w.clearReg(f, 0);
      if (w.regs[f] & CALLER_SAVED_ARGS) return false;
      break;
    case 'exit': {
      // Walking back from the caller into the callee that returned: r0 moves into the callee.
      if (w.regs[f] & CALLER_SAVED_ARGS || f + 1 >= FRAMES) return false;
      const call = insns[next - 1];
      const r0 = w.hasReg(f, 0) && call?.kind === 'call' && call.target === 'local';
      w.clearReg(f, 0);
      w.frame = f + 1;
      if (r0) w.setReg(f + 1, 0);
      break;
    }
    case 'jmp':
      if (insn.source === 'reg' && (w.hasReg(f, insn.dst) || w.hasReg(f, insn.src))) {
        w.setReg(f, insn.dst);
        w.setReg(f, insn.src);
      }
      break;
    default:
      break;
  }
  w.syncLinked(log, linked);
  return true;
}

/** Slot `s` of frame `f` holds a spilled scalar. */
function spilledScalar(st: State, f: number, s: number): boolean {
  return spillOf(st.frames[f], s)?.type === 'scalar';
}

/** In `touchedRegs`: the instruction is always walked in full, whatever is wanted. */
const ALWAYS = 1 << 16;

/**
 * For each instruction, as a bit mask, the registers whose being wanted is the only way walking
 * back through it changes what is wanted (see backtrackInsn), unless its history entry names a
 * stack slot or linked scalars: the destination of an ALU operation or load, the base of a
 * store; none for instructions that change nothing; ALWAYS for those always walked in full
 * (calls, exits, atomics, register jumps, …). Lets `backtrack` skip what changes nothing wanted
 * by reading one number per instruction instead of the instruction.
 */
export function touchedRegs(insns: readonly Insn[]): Int32Array {
  const out = new Int32Array(insns.length).fill(ALWAYS);
  for (let i = 0; i < insns.length; i++) {
    const insn = insns[i];
    switch (insn.kind) {
      case 'alu':
      case 'ldx':
      case 'lddw':
      case 'st':
      case 'stx':
        out[i] = 1 << insn.dst;
        break;
      case 'end':
      case 'ja':
      case 'gotol':
        out[i] = 0;
        break;
      case 'jmp':
        if (insn.source !== 'reg') out[i] = 0;
        break;
      default:
        break;
    }
  }
  return out;
}

/**
 * Walk backwards from `pc` (not yet executed, so not walked) on the current path — its segment
 * starting at `first` with the history `hist` (in `log`), below the checkpoint `parent` — marking what `w`
 * wants in every explored state on the way, until nothing is wanted. False when the walk had to
 * give up (see `markAllPrecise`).
 */
export function backtrack(
  insns: readonly Insn[],
  touched: Int32Array,
  log: HistLog,
  pc: number,
  first: number,
  hist: History,
  parent: Checkpoint | null,
  w: Want,
): boolean {
  let i = pc;
  let next = -1;
  let skip = true;
  for (;;) {
    for (;;) {
      const e = hist !== NO_HIST && log.idx(hist) === i ? hist : NO_HIST;
      if (skip) skip = false;
      else {
        const slot = e === NO_HIST ? -1 : log.slot(e);
        const linked = e === NO_HIST ? -1 : log.linked(e);
        // Only linked scalars, a wanted register it writes or a wanted slot it spills to make
        // an instruction change what is wanted (a history entry without them is a jump's).
        if (
          linked >= 0 ||
          (touched[i] & (w.regs[w.frame] | ALWAYS)) !== 0 ||
          (slot >= 0 && w.hasSlot(slot >> 6, slot & 63))
        ) {
          if (!backtrackInsn(insns[i], insns, next, slot, log, linked, w)) return false;
          if (w.empty()) return true;
        }
      }
      if (i === first && (hist === NO_HIST || (log.older(hist) === NO_HIST && log.idx(hist) === i))) break;
      if (e !== NO_HIST) {
        next = i;
        i = log.prev(e);
        hist = log.older(e);
      } else {
        // Straight-line code down to the next history entry (or the segment's start): skip the
        // instructions that change nothing wanted.
        const stop = hist !== NO_HIST ? log.idx(hist) : first;
        const wanted = w.regs[w.frame] | ALWAYS;
        i--;
        while (i > stop && (touched[i] & wanted) === 0) i--;
        next = i + 1;
      }
    }
    // At the program's entry what is still wanted is the initial state, the same on every path.
    if (!parent) return true;
    const st: State = parent;
    for (let f = w.frame; f >= 0; f--) {
      // Each wanted register and slot: the set bits of the want's words. The precision bits
      // are read first: when they are set (most walks find them so) the register or spilled
      // register itself, cold memory, is not read.
      const frame = st.frames[f];
      for (let bits = w.regs[f]; bits !== 0; bits &= bits - 1) {
        const r = 31 - Math.clz32(bits & -bits);
        if (regPrecise(frame, r) || frame.regs[r].type !== 'scalar') w.clearReg(f, r);
        else markRegPrecise(frame, r);
      }
      for (let half = 0; half < 2; half++) {
        for (let bits = half === 0 ? w.lo[f] : w.hi[f]; bits !== 0; bits &= bits - 1) {
          const s = half * 32 + 31 - Math.clz32(bits & -bits);
          if (spillPrecise(frame, s) || !spilledScalar(st, f, s)) w.clearSlot(f, s);
          else markSpillPrecise(frame, s);
        }
      }
    }
    if (w.empty() || parent.last < 0) return true;
    next = first;
    i = parent.last;
    first = parent.first;
    hist = parent.hist;
    parent = parent.parent;
  }
}

/** The fallback when backtracking cannot follow a value: every scalar of every explored state above is precise. */
export function markAllPrecise(parent: Checkpoint | null): void {
  for (let c = parent; c; c = c.parent) {
    const st: State = c;
    for (let f = 0; f < st.frames.length; f++) {
      const frame = st.frames[f];
      for (let r = 0; r < 11; r++) if (frame.regs[r].type === 'scalar') markRegPrecise(frame, r);
      for (let s = 0; s < 64; s++) if (spilledScalar(st, f, s)) markSpillPrecise(frame, s);
    }
  }
}
