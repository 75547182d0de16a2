import { describe, expect, it } from 'vitest';
import { checkSoundness } from './testing/soundness.js';

/**
 * CI runs a seeded sample; `SOUNDNESS_COUNT=100000 npx vitest run src/soundness.test.ts` runs
 * the large campaign (seed from SOUNDNESS_SEED, default 1).
 */
const count = Number(process.env.SOUNDNESS_COUNT ?? 1500);
const seed = Number(process.env.SOUNDNESS_SEED ?? 1);

describe('soundness: accepted programs never fault or read undefined values in the interpreter', () => {
  it(`${count} random programs from seed ${seed}`, () => {
    const r = checkSoundness(seed, count);
    console.log(
      `soundness: generated ${r.generated}, accepted ${r.accepted} (${r.acceptedWithLoops} with loops, ${r.acceptedWithMaps} with map lookups), runs ${r.runs}, failures ${r.failures.length}`,
    );
    expect(r.failures.slice(0, 3)).toEqual([]);
    // The generator must produce accepted programs, or the property says nothing.
    expect(r.accepted).toBeGreaterThan(count / 10);
    expect(r.acceptedWithLoops).toBeGreaterThan(0);
    expect(r.acceptedWithMaps).toBeGreaterThan(0);
  }, 600_000);

  it('detects faults and undefined reads when programs are not verified (the check can fail)', () => {
    const r = checkSoundness(seed, 300, 1, () => true, false);
    expect(r.failures.some((f) => f.includes('out-of-bounds'))).toBe(true);
    expect(r.failures.some((f) => f.includes('uninitialised'))).toBe(true);
  });
});
