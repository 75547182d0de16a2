import { describe, expect, it } from 'vitest';
import {
  byteAt,
  copyState,
  newFrame,
  ptrReg,
  STACK_INVALID,
  STACK_MISC,
  STACK_SPILL,
  STACK_ZERO,
  scalarReg,
  setByte,
  setBytes,
  setSlot,
  setSpill,
  slotAt,
} from './state.js';

/** A frame whose first three slots hold every byte state, in a pattern. */
function patterned() {
  const f = newFrame(-1, 0);
  for (let i = 0; i < 24; i++) setByte(f, i, (i * 7 + 1) & 3);
  return f;
}

describe('stack byte states', () => {
  it('setBytes sets a range as setByte does byte by byte', () => {
    for (const t of [STACK_INVALID, STACK_MISC, STACK_ZERO, STACK_SPILL]) {
      for (let from = 0; from <= 24; from++) {
        for (let to = from; to <= 24; to++) {
          const have = patterned();
          const want = patterned();
          setBytes(have, from, to, t);
          for (let i = from; i < to; i++) setByte(want, i, t);
          expect(have.slots, `${t} [${from}, ${to})`).toEqual(want.slots);
        }
      }
    }
  });

  it('a write that changes nothing copies no stack shared with another state', () => {
    const f = patterned();
    setSpill(f, 5, scalarReg());
    const st = { frames: [f], refs: [], lock: undefined };
    const copy = copyState(st).frames[0];
    const { slots, spills } = copy;
    setSlot(copy, 1, slotAt(copy, 1));
    setByte(copy, 9, byteAt(copy, 9));
    setSpill(copy, 5, copy.spills[5]);
    expect(copy.slots).toBe(slots);
    expect(copy.spills).toBe(spills);
    // A change copies, and leaves the other state as it was.
    setSpill(copy, 5, ptrReg('fp', { frame: 0 }));
    setByte(copy, 9, byteAt(copy, 9) ^ 1);
    expect(copy.spills).not.toBe(spills);
    expect(copy.slots).not.toBe(slots);
    expect(f.spills[5]?.type).toBe('scalar');
    expect(byteAt(f, 9)).toBe(byteAt(patterned(), 9));
  });

  it('ptrReg sets the fields it is given and leaves the others as a new register has them', () => {
    const r = ptrReg('map_value', { map: 2, off: 8, nullable: true, id: 3, rdonly: true });
    expect(r).toEqual({
      ...scalarReg(),
      type: 'map_value',
      map: 2,
      off: 8,
      nullable: true,
      id: 3,
      rdonly: true,
      vh: 0,
      vl: 0,
      mh: 0,
      ml: 0,
      uminh: 0,
      uminl: 0,
      umaxh: 0,
      umaxl: 0,
      sminh: 0,
      sminl: 0,
      smaxh: 0,
      smaxl: 0,
      u32min: 0,
      u32max: 0,
      s32min: 0,
      s32max: 0,
    });
    expect(Object.keys(r)).toEqual(Object.keys(scalarReg()));
  });
});
