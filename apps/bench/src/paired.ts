/**
 * Paired comparisons from groups of interleaved runs, with a bootstrap confidence interval.
 *
 * The data are `samples[g][r]`: group g (a set of processes started together, one per variant),
 * round r (one short run of each variant, back to back), the paired value of that round — the
 * difference or log-ratio between a variant and its reference. Rounds of one group share their
 * processes, so they are not independent: a process's own luck (code layout, JIT decisions)
 * counts for all of its rounds. The estimate is therefore the mean over groups of each group's
 * median over rounds, and its interval comes from a two-stage bootstrap — resample groups, then
 * the rounds within each — so that the spread between processes is in the interval as well as
 * the spread between rounds.
 */
import { seededRandom } from '@tbpf/isa/testing';
import { median } from './stats.js';

export interface Estimate {
  value: number;
  /** The interval of the given confidence (percentile bootstrap). */
  ci: [number, number];
}

export interface BootstrapOptions {
  /** Bootstrap resamples (default 4,000). */
  resamples?: number;
  /** Two-sided confidence (default 0.95). */
  confidence?: number;
  /** Seed of the resampling (default 1): the same data give the same interval. */
  seed?: number;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** The value at quantile q of sorted values (linear interpolation). */
function quantile(sorted: readonly number[], q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** Mean over groups of the median over rounds, with its bootstrap interval. */
export function pairedEstimate(
  samples: readonly (readonly number[])[],
  options: BootstrapOptions = {},
): Estimate {
  const groups = samples.filter((g) => g.length > 0);
  if (groups.length === 0) throw new Error('a paired estimate of no samples');
  const value = mean(groups.map(median));
  const rand = seededRandom(options.seed ?? 1);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const stats: number[] = [];
  for (let i = 0; i < (options.resamples ?? 4000); i++) {
    const medians = groups.map(() => {
      const g = pick(groups);
      return median(g.map(() => pick(g)));
    });
    stats.push(mean(medians));
  }
  stats.sort((a, b) => a - b);
  const tail = (1 - (options.confidence ?? 0.95)) / 2;
  return { value, ci: [quantile(stats, tail), quantile(stats, 1 - tail)] };
}

/** A ratio's estimate from paired ratios: the bootstrap runs on their logarithms. */
export function pairedRatio(
  ratios: readonly (readonly number[])[],
  options: BootstrapOptions = {},
): Estimate {
  const e = pairedEstimate(
    ratios.map((g) => g.map(Math.log)),
    options,
  );
  return { value: Math.exp(e.value), ci: [Math.exp(e.ci[0]), Math.exp(e.ci[1])] };
}
