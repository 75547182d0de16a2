import { describe, expect, it } from 'vitest';
import { checkPruning } from './testing/soundness.js';

/**
 * CI runs a seeded sample; `PRUNING_COUNT=100000 PRUNING_SEED=2 npx vitest run src/pruning.test.ts`
 * runs a large campaign.
 */
const count = Number(process.env.PRUNING_COUNT ?? 1500);
const seed = Number(process.env.PRUNING_SEED ?? 1);

describe('pruning never changes a verdict', () => {
  it(
    `${count} random programs from seed ${seed}: exhaustive walk = Linux's pruning = a checkpoint everywhere`,
    () => {
      const r = checkPruning(seed, count);
      console.log(
        `pruning: generated ${r.generated}, accepted ${r.accepted}, verifications that pruned ${r.pruned}, failures ${r.failures.length}`,
      );
      expect(r.failures.slice(0, 3)).toEqual([]);
      // The property says something only if pruning happened on many programs.
      expect(r.pruned).toBeGreaterThan(count / 10);
      // A large campaign takes tens of minutes on a loaded machine.
    },
    Math.max(600_000, count * 60),
  );
});
