/** The values an object's `__kconfig` externs get when it is linked here. */
import type { KconfigValues } from '@tbpf/asm';
import { hostKconfig } from '#host-kconfig';
import type { ObjectSpec } from './spec.js';

/**
 * The host's values (in Node.js: what libbpf reads on this machine; in browsers none) with
 * `given` over them; undefined for an object without kconfig externs (the host is not read).
 */
export function kconfigFor(spec: ObjectSpec, given?: KconfigValues): KconfigValues | undefined {
  if (!spec.object?.externs?.some((e) => e.kind === 'kconfig')) return given;
  return { ...hostKconfig(), ...given };
}
