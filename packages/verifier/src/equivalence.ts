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
  type RegType,
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
import { ule } from './u64.js';

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
        failedReg((f << 7) | r, of.regs[r], precise);
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
          failedSlot((f << 7) | (SLOT_ITEM + slot), of, slot, unpriv);
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
 * frames, references, lock, call sites; or never); `unsafeNeeds` (a NEEDS_ kind) and its
 * operands `unsafeA` to `unsafeD` say what that item of the old state requires of the states it
 * covers — as numbers, so that the check reads the checkpoint and the current state alone, not
 * the old registers and stack.
 */
export interface UnsafeAt {
  unsafeItem: number;
  unsafeNeeds: number;
  unsafeA: number;
  unsafeB: number;
  unsafeC: number;
  unsafeD: number;
}
const SLOT_ITEM = 16;

/** Nothing this check can tell (the old item is unknown data, or compared by its ids). */
const NEEDS_ITEM = 0;
/** A scalar of the constant A (high word), B (low word): the old one is a precise constant. */
const NEEDS_CONST = 1;
/** A pointer of type code | nullable << 8 = A, fixed offset B and map C. */
const NEEDS_PTR = 2;
/** A scalar. */
const NEEDS_SCALAR = 3;
/** A scalar whose unsigned range is within [A:B, C:D] (high:low words): the old one is precise. */
const NEEDS_RANGE = 4;
/** An 8-byte spill of the constant A (high word), B (low word): the old spill is a precise constant. */
const NEEDS_SPILLED_CONST = 5;
/** An 8-byte spill of a pointer of type code | nullable << 8 = A, fixed offset B and map C. */
const NEEDS_SPILLED_PTR = 6;
/** A slot that reads as a scalar (see slotScalar): the old one is an 8-byte spill of a scalar. */
const NEEDS_SCALAR_SLOT = 7;
/** A slot that reads as a scalar within [A:B, C:D], unsigned: the old spill is precise. */
const NEEDS_SLOT_RANGE = 8;
/**
 * The slot's bytes in mask B (2 bits per byte) in the states A: zero and spilled bytes of a
 * slot that is not one 8-byte spill are covered only by the same (such a slot is not read as
 * one scalar: slotScalar).
 */
const NEEDS_BYTES = 9;
/** NEEDS_BYTES, and the spill those bytes start with (a narrow one) a scalar. */
const NEEDS_NARROW_SCALAR = 10;
/** NEEDS_BYTES, and the spill those bytes start with the constant C (high word), D (low word). */
const NEEDS_NARROW_CONST = 11;

const TYPE_CODES: readonly RegType[] = [
  'not_init',
  'scalar',
  'ctx',
  'fp',
  'map_ptr',
  'map_value',
  'mem',
  'pkt',
  'pkt_end',
  'pkt_meta',
  'sock',
  'sock_common',
  'tcp_sock',
  'xdp_sock',
  'flow_keys',
];

const isConstScalar = (r: Reg): boolean => r.type === 'scalar' && (r.mh | r.ml) === 0;

const lastFailure: UnsafeAt = {
  unsafeItem: -1,
  unsafeNeeds: NEEDS_ITEM,
  unsafeA: 0,
  unsafeB: 0,
  unsafeC: 0,
  unsafeD: 0,
};

function needs(kind: number, a: number, b: number, c: number, d: number): void {
  lastFailure.unsafeNeeds = kind;
  lastFailure.unsafeA = a;
  lastFailure.unsafeB = b;
  lastFailure.unsafeC = c;
  lastFailure.unsafeD = d;
}

const ptrCode = (r: Reg): number => TYPE_CODES.indexOf(r.type) | (r.nullable ? 256 : 0);

/** What an old register failing regSafe requires of the register it covers (`precise`: as compared). */
function regNeeds(old: Reg, precise: boolean): void {
  if (old.type !== 'scalar') needs(NEEDS_PTR, ptrCode(old), old.off, old.map, 0);
  else if (!precise) needs(NEEDS_SCALAR, 0, 0, 0, 0);
  else if (isConstScalar(old)) needs(NEEDS_CONST, old.vh, old.vl, 0, 0);
  else needs(NEEDS_RANGE, old.uminh, old.uminl, old.umaxh, old.umaxl);
}

/** What an old slot failing slotSafe requires of the slot it covers. */
function slotNeeds(old: Frame, slot: number, unpriv: boolean): void {
  const v = slotAt(old, slot);
  const spill = (v & 3) === STACK_SPILL ? old.spills[slot]! : undefined;
  const precise = unpriv || spillPrecise(old, slot);
  if (v === SLOT_SPILL) {
    if (spill!.type !== 'scalar') needs(NEEDS_SPILLED_PTR, ptrCode(spill!), spill!.off, spill!.map, 0);
    else if (!precise) needs(NEEDS_SCALAR_SLOT, 0, 0, 0, 0);
    else if (isConstScalar(spill!)) needs(NEEDS_SPILLED_CONST, spill!.vh, spill!.vl, 0, 0);
    else needs(NEEDS_SLOT_RANGE, spill!.uminh, spill!.uminl, spill!.umaxh, spill!.umaxl);
    return;
  }
  // 0b11 for each byte whose state has bit 1 set (zero or spilled).
  const high = (v >> 1) & 0x5555;
  const mask = high | (high << 1);
  if (mask === 0) needs(NEEDS_ITEM, 0, 0, 0, 0);
  else if (spill?.type !== 'scalar') needs(NEEDS_BYTES, v & mask, mask, 0, 0);
  else if (precise && isConstScalar(spill)) needs(NEEDS_NARROW_CONST, v & mask, mask, spill.vh, spill.vl);
  else needs(NEEDS_NARROW_SCALAR, v & mask, mask, 0, 0);
}

function failedReg(item: number, reg: Reg, precise: boolean): void {
  lastFailure.unsafeItem = item;
  regNeeds(reg, precise);
}

function failedSlot(item: number, frame: Frame, slot: number, unpriv: boolean): void {
  lastFailure.unsafeItem = item;
  slotNeeds(frame, slot, unpriv);
}

/** Record where the last `stateSafe` that returned false failed, in `out`. */
export function noteFailure(out: UnsafeAt): void {
  out.unsafeItem = lastFailure.unsafeItem;
  out.unsafeNeeds = lastFailure.unsafeNeeds;
  out.unsafeA = lastFailure.unsafeA;
  out.unsafeB = lastFailure.unsafeB;
  out.unsafeC = lastFailure.unsafeC;
  out.unsafeD = lastFailure.unsafeD;
}

const samePtr = (r: Reg, code: number, off: number, map: number): boolean =>
  r.type === TYPE_CODES[code & 255] && r.nullable === code > 255 && r.off === off && r.map === map;

/** `r` is a scalar whose unsigned range is not within what the failed item needs. */
const outOfRange = (at: UnsafeAt, r: Reg): boolean =>
  !ule(at.unsafeA, at.unsafeB, r.uminh, r.uminl) || !ule(r.umaxh, r.umaxl, at.unsafeC, at.unsafeD);

/** Register `r` of the current state fails what the failed item needs (see `UnsafeAt`). */
function regUnmet(at: UnsafeAt, r: Reg): boolean {
  switch (at.unsafeNeeds) {
    case NEEDS_CONST:
      return !isConstScalar(r) || r.vh !== at.unsafeA || r.vl !== at.unsafeB;
    case NEEDS_PTR:
      return !samePtr(r, at.unsafeA, at.unsafeB, at.unsafeC);
    case NEEDS_SCALAR:
      return r.type !== 'scalar';
    case NEEDS_RANGE:
      return r.type !== 'scalar' || outOfRange(at, r);
    default:
      return false;
  }
}

/** Slot `slot` of frame `f` of the current state fails what the failed item needs (see `UnsafeAt`). */
function slotUnmet(at: UnsafeAt, f: Frame, slot: number, unpriv: boolean): boolean {
  const v = slotAt(f, slot);
  switch (at.unsafeNeeds) {
    case NEEDS_SPILLED_CONST: {
      if (v !== SLOT_SPILL) return true;
      const r = f.spills[slot]!;
      return !isConstScalar(r) || r.vh !== at.unsafeA || r.vl !== at.unsafeB;
    }
    case NEEDS_SPILLED_PTR:
      return v !== SLOT_SPILL || !samePtr(f.spills[slot]!, at.unsafeA, at.unsafeB, at.unsafeC);
    case NEEDS_SCALAR_SLOT:
    case NEEDS_SLOT_RANGE: {
      const r = slotScalar(f, slot, unpriv);
      return !r || (at.unsafeNeeds === NEEDS_SLOT_RANGE && outOfRange(at, r));
    }
    case NEEDS_BYTES:
      return ((v ^ at.unsafeA) & at.unsafeB) !== 0;
    case NEEDS_NARROW_SCALAR:
      return ((v ^ at.unsafeA) & at.unsafeB) !== 0 || f.spills[slot]!.type !== 'scalar';
    case NEEDS_NARROW_CONST: {
      if (((v ^ at.unsafeA) & at.unsafeB) !== 0) return true;
      const r = f.spills[slot]!;
      return !isConstScalar(r) || r.vh !== at.unsafeC || r.vl !== at.unsafeD;
    }
    default:
      return false;
  }
}

/**
 * The item where an old state failed to cover an earlier current state (see `noteFailure`)
 * fails to cover `cur` too, so `stateSafe(old, cur, live, false, unpriv)` is false: `cur` does
 * not meet what the item needs. Each NEEDS_ kind is a condition `stateSafe` checks of the item,
 * and it stays one: a complete checkpoint never changes (its precision only ever grew while
 * paths descended from it: a condition of a precise scalar holds of it still), and liveness
 * only grows (an item live then is live now).
 */
export function stillUnsafe(at: UnsafeAt, cur: State, live: LiveSets, unpriv: boolean): boolean {
  const item = at.unsafeItem;
  if (item < 0) return false;
  const f = item >> 7;
  const k = item & 127;
  if (f >= cur.frames.length) return false;
  const cf = cur.frames[f];
  if (k < SLOT_ITEM) return (live.regs[f] & (1 << k)) !== 0 && regUnmet(at, cf.regs[k]);
  const slot = k - SLOT_ITEM;
  const bits = slot < 32 ? live.slotsLo[f] : live.slotsHi[f];
  return (bits & (1 << (slot & 31))) !== 0 && slotUnmet(at, cf, slot, unpriv);
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
