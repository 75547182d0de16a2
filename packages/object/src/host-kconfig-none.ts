/** Browsers: no host kernel to read `__kconfig` values from (callers pass LoadOptions.kconfig). */
import type { KconfigValues } from '@tbpf/asm';

export function hostKconfig(): KconfigValues {
  return {};
}
