/** Test support: the bpf_conformance `.data` format and the runtime setup its programs expect. */
import type { HelperRegistry, Runtime } from '@tbpf/vm';

export interface ConformanceCase {
  asm: string;
  /** Input memory (r1 points at it, r2 is its length), or undefined. */
  mem?: Uint8Array;
  /** Expected r0. */
  result?: bigint;
  error?: string;
}

/** Parse the `-- name` sections of a `.data` file. */
export function parseConformance(text: string): ConformanceCase {
  const sections: Record<string, string> = {};
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^-- (\w[\w ]*)$/.exec(line.trim());
    if (m) {
      current = m[1];
      sections[current] = '';
    } else if (current) sections[current] += `${line}\n`;
  }
  const hex = sections.mem?.replace(/#.*/g, '').trim();
  const result = sections.result?.replace(/#.*/g, '').trim();
  return {
    asm: sections.asm ?? '',
    mem: hex ? Uint8Array.from(hex.split(/\s+/), (b) => Number.parseInt(b, 16)) : undefined,
    result: result ? BigInt(result) : undefined,
    error: sections.error?.trim(),
  };
}

/**
 * The runtime's helpers plus the suite's helper 5 ("unwind"): returns r1, and stops the program
 * with r0 = 0 when r1 is 0.
 */
export function conformanceHelpers(runtime: Runtime): HelperRegistry {
  const helpers = runtime.helpers.clone();
  helpers.register({ id: 5, name: 'unwind', args: ['anything'], ret: 'integer' }, (call) => {
    if (call.lo[1] === 0 && call.hi[1] === 0) {
      call.stop(0);
      return 0;
    }
    call.set64(call.lo[1], call.hi[1]);
    return undefined;
  });
  return helpers;
}
