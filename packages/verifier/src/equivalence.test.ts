import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Bounds, constBoundsOf, sync, unknownBounds } from './bounds.js';
import { type LiveSets, noteFailure, stateSafe, stillUnsafe, type UnsafeAt } from './equivalence.js';
import {
  constReg,
  type Frame,
  NOT_INIT,
  newFrame,
  ptrReg,
  type Reg,
  SLOT_INVALID,
  SLOT_MISC,
  SLOT_SPILL,
  SLOT_ZERO,
  type State,
  scalarReg,
  setSlot,
  setSpill,
} from './state.js';

/** A scalar in [lo, hi] (unsigned). */
function rangeReg(lo: number, hi: number, id = 0): Reg {
  const b: Bounds = unknownBounds();
  b.uminh = 0;
  b.uminl = lo;
  b.umaxh = 0;
  b.umaxl = hi;
  sync(b);
  return scalarReg(b, id);
}

/** Registers states are made of: every kind the comparison tells apart, shared between states. */
const REGS: readonly Reg[] = [
  NOT_INIT,
  constReg(0),
  constReg(1),
  constReg(-1),
  scalarReg(constBoundsOf(1), 1),
  rangeReg(0, 7),
  rangeReg(0, 255),
  rangeReg(2, 7),
  rangeReg(0, 7, 1),
  rangeReg(0, 7, 2),
  scalarReg(),
  ptrReg('map_value', { map: 0 }),
  ptrReg('map_value', { map: 1 }),
  ptrReg('map_value', { map: 0, off: 8 }),
  ptrReg('map_value', { map: 0, nullable: true, id: 3 }),
  ptrReg('ctx'),
  ptrReg('fp', { off: -8 }),
  ptrReg('pkt', { range: 8 }),
  ptrReg('pkt', { range: 0 }),
];

/** Byte states of a slot (2 bits per byte, byte 0 lowest): whole, mixed, narrow spills. */
const SLOTS: readonly number[] = [
  SLOT_INVALID,
  SLOT_MISC,
  SLOT_ZERO,
  SLOT_SPILL,
  SLOT_SPILL,
  0xaa55,
  0x5555 ^ 0x0005,
  0x00ff,
  0x55ff,
  0x000f,
  0xaaff,
];

/** The slots compared: the eight next to the frame pointer. */
const FIRST_SLOT = 56;

interface Item {
  reg: number;
  slot: number;
  spill: number;
}
const item = fc.record({
  reg: fc.nat(REGS.length - 1),
  slot: fc.nat(SLOTS.length - 1),
  spill: fc.nat(REGS.length - 2).map((i) => i + 1),
});
const frameItems = fc.array(item, { minLength: 11, maxLength: 11 });

function frameOf(items: Item[], precise: number): Frame {
  const f = newFrame(-1, 0);
  items.forEach((it, k) => {
    f.regs[k] = REGS[it.reg];
    const v = SLOTS[it.slot];
    if (k >= 8) return;
    setSlot(f, FIRST_SLOT + k, v);
    // Narrow spills are scalars (a pointer is only ever spilled whole).
    const spill = REGS[it.spill];
    if ((v & 3) === 3)
      setSpill(f, FIRST_SLOT + k, v === SLOT_SPILL || spill.type === 'scalar' ? spill : constReg(1));
  });
  f.precise = precise & 0x7ff;
  f.preciseHi = (precise >> 11) << 24;
  return f;
}

const stateOf = (items: Item[], precise: number): State => ({
  frames: [frameOf(items, precise)],
  refs: [],
  lock: undefined,
});

/** `base` with each item replaced by the one of `other` where `pick` says so. */
const mixed = (base: Item[], other: Item[], pick: number): Item[] =>
  base.map((it, k) => ((pick >> k) & 1 ? other[k] : it));

const memo = (): UnsafeAt => ({
  unsafeItem: -1,
  unsafeNeeds: 0,
  unsafeA: 0,
  unsafeB: 0,
  unsafeC: 0,
  unsafeD: 0,
});

describe('stillUnsafe', () => {
  it('is true only where stateSafe is false: what a failed item needs, checked on a later state', () => {
    let rejected = 0;
    fc.assert(
      fc.property(
        frameItems,
        frameItems,
        frameItems,
        fc.nat(0x7ffff),
        fc.nat(10),
        fc.array(fc.nat(0x7ff), { minLength: 3, maxLength: 3 }),
        fc.nat(0x7ff),
        fc.nat(0xff),
        fc.boolean(),
        (o, a, b, precise, changedA, pickB, liveRegs, liveSlots, unpriv) => {
          const old = stateOf(o, precise);
          const live: LiveSets = {
            regs: Int32Array.of(liveRegs),
            slotsLo: Int32Array.of(0),
            slotsHi: Int32Array.of(liveSlots << 24),
          };
          // A state that differs from the old one in one item and is not covered (the item is
          // noted), then one that differs in a few.
          if (stateSafe(old, stateOf(mixed(o, a, 1 << changedA), 0), live, false, unpriv)) return;
          const at = memo();
          noteFailure(at);
          const cur = stateOf(mixed(o, b, pickB[0] & pickB[1] & pickB[2]), 0);
          if (!stillUnsafe(at, cur, live, unpriv)) return;
          rejected++;
          expect(stateSafe(old, cur, live, false, unpriv)).toBe(false);
        },
      ),
      { numRuns: 20000, seed: 21 },
    );
    // The property says something only if many later states were rejected on the memo.
    expect(rejected).toBeGreaterThan(500);
  });
});
