/**
 * State equivalence for pruning (Linux's states_equal / regsafe / stacksafe / refsafe): a path
 * can stop when a fully explored state `old` at the same instruction covers every concrete
 * state the current one stands for. Only what may still matter is compared: live registers
 * and stack slots, and of scalars only the precise ones (the others compare as unknown);
 * ranges and tnums by inclusion; ids (copies, packet-range groups, references) mapped
 * consistently.
 */
import { boundsEqual, boundsWithin } from './bounds.js';
import {
  curFrame,
  type Frame,
  NOT_INIT,
  type Reg,
  regPrecise,
  SLOT_INVALID,
  SLOT_MISC,
  SLOT_SPILL,
  STACK_INVALID,
  STACK_MISC,
  STACK_SPILL,
  STACK_ZERO,
  type State,
  scalarReg,
  slotAt,
  spillOf,
  spillPrecise,
} from './state.js';

/** What is live in each frame of a state: registers (bit n = rn) and stack slots (two words). */
export interface LiveSets {
  regs: Int32Array;
  slotsLo: Int32Array;
  slotsHi: Int32Array;
}

/**
 * Ids of `old` mapped to ids of `cur`, both ways one-to-one (Linux's check_ids); a scalar's id 0
 * ("linked to nothing") is a fresh id of its own each time (check_scalar_ids). Ids are small
 * positive integers (a verification's counter), so the two directions are arrays indexed by id,
 * valid for the current comparison when their stamp is the comparison's (no clearing, no scan).
 */
class IdMap {
  private toCur = new Int32Array(256);
  private oldStamp = new Int32Array(256);
  private curStamp = new Int32Array(256);
  private stamp = 1;

  reset(): void {
    if (++this.stamp === 0x7fffffff) {
      this.stamp = 1;
      this.oldStamp.fill(0);
      this.curStamp.fill(0);
    }
  }

  private grow(id: number): void {
    let n = this.toCur.length;
    while (n <= id) n *= 2;
    const bigger = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.toCur = bigger(this.toCur);
    this.oldStamp = bigger(this.oldStamp);
    this.curStamp = bigger(this.curStamp);
  }

  /** Map `o` to `c` (0 on either side: a fresh id, which no later pair can name). */
  private pair(o: number, c: number): boolean {
    if (o >= this.toCur.length || c >= this.toCur.length) this.grow(Math.max(o, c));
    const oldSeen = o !== 0 && this.oldStamp[o] === this.stamp;
    if (oldSeen) return c !== 0 && this.toCur[o] === c;
    if (c !== 0 && this.curStamp[c] === this.stamp) return false;
    if (o !== 0) {
      this.oldStamp[o] = this.stamp;
      this.toCur[o] = c;
    }
    if (c !== 0) this.curStamp[c] = this.stamp;
    return true;
  }

  check(o: number, c: number): boolean {
    if ((o === 0) !== (c === 0)) return false;
    return o === 0 || this.pair(o, c);
  }

  checkScalar(o: number, c: number): boolean {
    // Two fresh ids: a pair nothing else can name, nothing to record.
    return (o === 0 && c === 0) || this.pair(o, c);
  }
}

const ids = new IdMap();
const UNKNOWN: Reg = Object.freeze(scalarReg());

/**
 * Every behaviour possible from `cur` is possible from `old` (Linux's regsafe). `exact`: the
 * loop check — nothing is skipped for being uninitialised or imprecise. `precise`: a scalar
 * `old` is compared exactly (it is precise, or every scalar is).
 */
function regSafe(old: Reg, cur: Reg, exact: boolean, precise: boolean): boolean {
  // The same register (never modified once in a state) linked to nothing covers itself.
  if (old === cur && (old.id | old.id32 | old.refId) === 0) return true;
  if (old.type === 'not_init') return !exact || cur.type === 'not_init';
  if (cur.type !== old.type) return false;
  if (old.type === 'scalar') {
    if (!exact && !precise) return true;
    return boundsWithin(old, cur) && ids.checkScalar(old.id, cur.id) && ids.checkScalar(old.id32, cur.id32);
  }
  return (
    old.nullable === cur.nullable &&
    old.off === cur.off &&
    old.map === cur.map &&
    old.size === cur.size &&
    old.rdonly === cur.rdonly &&
    old.ringbuf === cur.ringbuf &&
    old.frame === cur.frame &&
    // A packet pointer's bytes known inside must be there still; at/beyond the end (negative) exactly.
    (old.range < 0 || cur.range < 0 ? old.range === cur.range : old.range <= cur.range) &&
    // Stack pointers must be exact: a narrower variable offset writes fewer slots.
    (old.type === 'fp' ? boundsEqual(old, cur) : boundsWithin(old, cur)) &&
    ids.check(old.id, cur.id) &&
    ids.check(old.refId, cur.refId)
  );
}

/**
 * A slot read as a 64-bit scalar (Linux's scalar_reg_for_stack): an 8-byte spilled scalar, or
 * eight bytes of unknown data — with CAP_PERFMON uninitialised bytes read as unknown data too
 * (no byte of the slot is zero or spilled: bit 1 of every 2-bit byte state is clear).
 */
function slotScalar(f: Frame, slot: number, unpriv: boolean): Reg | undefined {
  const v = slotAt(f, slot);
  if (v === SLOT_SPILL) return f.spills[slot]?.type === 'scalar' ? f.spills[slot] : undefined;
  return v === SLOT_MISC || (!unpriv && (v & 0xaaaa) === 0) ? UNKNOWN : undefined;
}

/** Bit 2k set when byte k of a packed slot is initialised (its state is not STACK_INVALID). */
const initialised = (v: number): number => (v | (v >> 1)) & 0x5555;

/**
 * Frames (bit f = frame f) of the last `stateSafe` comparison where `cur` has uninitialised
 * bytes in live slots that `old` had initialised: a path pruned there may read them (see
 * `stateSafe`).
 */
let uninitCovered = 0;

/**
 * Linux's stacksafe for one slot. `unpriv`: every scalar compared exactly, and unknown data
 * does not cover uninitialised bytes (without CAP_PERFMON reading them is refused).
 */
function slotSafe(old: Frame, cur: Frame, slot: number, exact: boolean, unpriv: boolean): boolean {
  const ov = slotAt(old, slot);
  const cv = slotAt(cur, slot);
  if (exact) {
    if (ov !== cv) return false;
    const os = spillOf(old, slot);
    return !os || regSafe(os, cur.spills[slot] ?? NOT_INIT, true, true);
  }
  // Most live slots have the same byte states in both (copy-on-write often shares the arrays):
  // they cover each other, and a spill comes down to its registers (what the rest finds, without
  // its walk over the bytes).
  if (ov === cv)
    return (
      (ov & 3) !== STACK_SPILL ||
      regSafe(old.spills[slot]!, cur.spills[slot]!, false, unpriv || spillPrecise(old, slot))
    );
  if (ov === SLOT_INVALID) return true;
  const os = slotScalar(old, slot, unpriv);
  const cs = os && slotScalar(cur, slot, unpriv);
  if (os && cs) return regSafe(os, cs, false, unpriv || (os !== UNKNOWN && spillPrecise(old, slot)));
  const cspill = spillOf(cur, slot);
  for (let k = 0; k < 16; k += 2) {
    const o = (ov >> k) & 3;
    const c = (cv >> k) & 3;
    if (o === STACK_INVALID || o === c) continue;
    // Unknown data in old covers zeros, the bytes of a spilled scalar and, with CAP_PERFMON,
    // uninitialised bytes (reads of them give data no narrower than unknown); a zero does not
    // cover a spilled 0 (a read mixing spilled and zero bytes is unknown, as Linux reads it).
    if (o === STACK_MISC && (c === STACK_ZERO || (c === STACK_INVALID && !unpriv))) continue;
    if (o === STACK_MISC && c === STACK_SPILL && cspill?.type === 'scalar') continue;
    return false;
  }
  const ospill = spillOf(old, slot);
  return !ospill || !cspill || regSafe(ospill, cspill, false, unpriv || spillPrecise(old, slot));
}

/**
 * True when `old` covers `cur`. `live`: what may still be read in each frame (undefined with
 * `exact`, the loop check, which compares everything). `unpriv`: Linux's rules without
 * CAP_BPF/CAP_PERFMON — every scalar compared exactly, uninitialised stack never covered.
 * When true, `uninitCoveredFrames()` tells which frames of `cur` had uninitialised bytes
 * covered: the pruned path may read them, so those frames' stacks must be defined.
 */
export function stateSafe(
  old: State,
  cur: State,
  live: LiveSets | undefined,
  exact: boolean,
  unpriv: boolean,
): boolean {
  lastFailure.unsafeItem = -1;
  if (old.frames.length !== cur.frames.length || old.refs.length !== cur.refs.length) return false;
  ids.reset();
  uninitCovered = 0;
  for (let i = 0; i < old.refs.length; i++) if (!ids.check(old.refs[i].id, cur.refs[i].id)) return false;
  // The same lock held (Linux's refsafe: active lock, its map and its id mapped), or none.
  const ol = old.lock;
  const cl = cur.lock;
  if (ol || cl) {
    if (!ol || !cl || ol.map !== cl.map || !ids.check(ol.id, cl.id)) return false;
  }
  for (let f = 0; f < old.frames.length; f++) {
    const of = old.frames[f];
    const cf = cur.frames[f];
    if (of.callsite !== cf.callsite) return false;
    const regs = live ? live.regs[f] : 0x7ff;
    for (let r = 0; r < 11; r++) {
      if ((regs & (1 << r)) === 0) continue;
      const precise = unpriv || regPrecise(of, r);
      if (!regSafe(of.regs[r], cf.regs[r], exact, precise)) {
        failed((f << 7) | r, of.regs[r], precise, null);
        return false;
      }
    }
    // Live slots only, lowest first: each set bit of the two words.
    for (let half = 0; half < 2; half++) {
      let bits = live ? (half === 0 ? live.slotsLo[f] : live.slotsHi[f]) : -1;
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const slot = half * 32 + bit;
        if (!slotSafe(of, cf, slot, exact, unpriv)) {
          failed((f << 7) | (SLOT_ITEM + slot), null, false, of);
          return false;
        }
        if (initialised(slotAt(of, slot)) & ~initialised(slotAt(cf, slot))) uninitCovered |= 1 << f;
      }
    }
  }
  return true;
}

/**
 * Where an old state last failed to cover a current one (see `stateSafe`), to be checked first
 * next time (consecutive visits often fail on the same register or slot): `unsafeItem` is
 * frame << 7 | register, or frame << 7 | SLOT_ITEM + slot, or -1 (it failed on something else:
 * frames, references, lock, call sites; or never). A register is kept as the old register itself
 * with its precision then, a slot as the old frame.
 */
export interface UnsafeAt {
  unsafeItem: number;
  unsafeReg: Reg | null;
  unsafePrecise: boolean;
  unsafeFrame: Frame | null;
}
const SLOT_ITEM = 16;
const lastFailure: UnsafeAt = { unsafeItem: -1, unsafeReg: null, unsafePrecise: false, unsafeFrame: null };

function failed(item: number, reg: Reg | null, precise: boolean, frame: Frame | null): void {
  lastFailure.unsafeItem = item;
  lastFailure.unsafeReg = reg;
  lastFailure.unsafePrecise = precise;
  lastFailure.unsafeFrame = frame;
}

/** Record where the last `stateSafe` that returned false failed, in `out`. */
export function noteFailure(out: UnsafeAt): void {
  out.unsafeItem = lastFailure.unsafeItem;
  out.unsafeReg = lastFailure.unsafeReg;
  out.unsafePrecise = lastFailure.unsafePrecise;
  out.unsafeFrame = lastFailure.unsafeFrame;
}

/**
 * The item where an old state failed to cover an earlier current state (see `noteFailure`)
 * fails to cover `cur` too, so `stateSafe(old, cur, live, false, unpriv)` is false. It is the
 * check `stateSafe` makes of that item: old registers never change and their precision only
 * grows (a register precise then is precise now; one imprecise then is compared as imprecise,
 * which can only find fewer failures), and an item that fails alone fails among the others too
 * (ids it pairs inconsistently stay inconsistent with more pairs recorded).
 */
export function stillUnsafe(at: UnsafeAt, cur: State, live: LiveSets, unpriv: boolean): boolean {
  const item = at.unsafeItem;
  if (item < 0) return false;
  const f = item >> 7;
  const k = item & 127;
  if (f >= cur.frames.length) return false;
  const cf = cur.frames[f];
  ids.reset();
  if (k < SLOT_ITEM)
    return (live.regs[f] & (1 << k)) !== 0 && !regSafe(at.unsafeReg!, cf.regs[k], false, at.unsafePrecise);
  const slot = k - SLOT_ITEM;
  const bits = slot < 32 ? live.slotsLo[f] : live.slotsHi[f];
  return (bits & (1 << (slot & 31))) !== 0 && !slotSafe(at.unsafeFrame!, cf, slot, false, unpriv);
}

/** After `stateSafe` returned true: the frames of `cur` whose uninitialised bytes it covered (bit f = frame f). */
export const uninitCoveredFrames = (): number => uninitCovered;

function regEqual(a: Reg, b: Reg): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'not_init') return true;
  return (
    a.nullable === b.nullable &&
    a.off === b.off &&
    a.id === b.id &&
    a.id32 === b.id32 &&
    a.refId === b.refId &&
    a.map === b.map &&
    a.size === b.size &&
    a.range === b.range &&
    a.frame === b.frame &&
    boundsEqual(a, b)
  );
}

/** Registers of the innermost frame identical (Linux's states_maybe_looping). */
export function sameRegs(old: State, cur: State): boolean {
  if (old.frames.length !== cur.frames.length) return false;
  const a = curFrame(old).regs;
  const b = curFrame(cur).regs;
  for (let r = 0; r < 11; r++) if (!regEqual(a[r], b[r])) return false;
  return true;
}

/** A hash of the innermost frame's registers, to skip most exact comparisons (see sameRegs). */
export function regsKey(s: State): number {
  const regs = curFrame(s).regs;
  let k = s.frames.length;
  for (let i = 0; i < 11; i++) {
    const r = regs[i];
    k = Math.imul(k ^ (r.type.length + 31 * r.type.charCodeAt(0)), 0x9e3779b1);
    k = Math.imul(k ^ r.off ^ r.vh ^ Math.imul(r.vl, 0x85ebca6b), 0xc2b2ae35);
  }
  return k;
}
