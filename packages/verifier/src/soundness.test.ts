import type { Insn } from '@tbpf/isa';
import { describe, expect, it } from 'vitest';
import { rawType, standardHelperSet } from './program-types.js';
import { CAMPAIGN_MAPS, checkSoundness } from './testing/soundness.js';
import { verify } from './verify.js';

/**
 * CI runs a seeded sample; `SOUNDNESS_COUNT=100000 npx vitest run src/soundness.test.ts` runs
 * the large campaign (seed from SOUNDNESS_SEED, default 1).
 */
const count = Number(process.env.SOUNDNESS_COUNT ?? 1500);
const seed = Number(process.env.SOUNDNESS_SEED ?? 1);

describe('soundness: accepted programs never fault or read undefined values in the interpreter', () => {
  it(
    `${count} random programs from seed ${seed}`,
    () => {
      const r = checkSoundness(seed, count);
      console.log(
        `soundness: generated ${r.generated}, accepted ${r.accepted} (${r.acceptedWithLoops} with loops, ${r.acceptedWithMaps} with map lookups, ${r.acceptedZeroed} with zeroed stacks), runs ${r.runs}, failures ${r.failures.length}`,
      );
      expect(r.failures.slice(0, 3)).toEqual([]);
      // The generator must produce accepted programs, or the property says nothing.
      expect(r.accepted).toBeGreaterThan(count / 10);
      expect(r.acceptedWithLoops).toBeGreaterThan(0);
      expect(r.acceptedWithMaps).toBeGreaterThan(0);
      expect(r.acceptedZeroed).toBeGreaterThan(0);
      // A large campaign takes tens of minutes on a loaded machine.
    },
    Math.max(600_000, count * 60),
  );

  it('detects reads of stack the run did not write when the stack is not zeroed (the check can fail)', () => {
    const judge = (insns: Insn[], memSize: number) => {
      const type = rawType(memSize, standardHelperSet());
      return { accepted: verify(insns, { type, maps: CAMPAIGN_MAPS }).accepted };
    };
    const r = checkSoundness(seed, 500, 1, judge, false);
    expect(r.failures.some((f) => f.includes('reads uninitialised stack byte'))).toBe(true);
  }, 600_000);

  it('detects faults and undefined reads when programs are not verified (the check can fail)', () => {
    const r = checkSoundness(seed, 300, 1, () => ({ accepted: true }), false);
    expect(r.failures.some((f) => f.includes('out-of-bounds'))).toBe(true);
    expect(r.failures.some((f) => f.includes('uninitialised'))).toBe(true);
  });
});
