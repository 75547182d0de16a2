/** Median of a non-empty list (the mean of the two middle values for even lengths). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Ratio a/b, or NaN when b is not positive (an overhead that vanished into noise). */
export function ratio(a: number, b: number): number {
  return b > 0 ? a / b : Number.NaN;
}

export function formatRatio(r: number): string {
  return Number.isFinite(r) ? r.toFixed(2) : 'n/a';
}

/**
 * Milliseconds of this process's CPU time (user + system) spent in `work`. The benchmarks use
 * it instead of wall-clock time so that other load on a shared machine does not count.
 */
export function cpuMs(work: () => void): number {
  const t0 = process.cpuUsage();
  work();
  return cpuMsSince(t0);
}

/** Milliseconds of this process's CPU time since `process.cpuUsage()` gave `t0` (for asynchronous work). */
export function cpuMsSince(t0: NodeJS.CpuUsage): number {
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000;
}
