/**
 * The helpers bpf_conformance's programs call (as ubpf's plugin defines them). Helper 5 is
 * "unwind": it returns its first argument, and when that is 0 the program stops at once with
 * r0 = 0. It replaces Linux's ktime_get_ns (also 5) in the registry it is added to.
 */
import type { HelperRegistry } from './registry.js';

export const UNWIND_HELPER_ID = 5;

/** Register the conformance suite's helpers into `registry` (returned for chaining). */
export function registerConformanceHelpers(registry: HelperRegistry): HelperRegistry {
  return registry.register(
    { id: UNWIND_HELPER_ID, name: 'unwind', args: ['anything'], ret: 'integer' },
    (call) => {
      if (call.lo[1] === 0 && call.hi[1] === 0) call.stop(0);
      return call.u64(1);
    },
  );
}
