/**
 * Which registry helpers may run natively: only when the registry holds the vm's own standard
 * implementation (same function), so the native twin computes exactly what it would. A host
 * that replaces a helper gets its replacement, through the trampoline.
 */
import { type HelperDef, type Runtime, standardHelperEntries } from '@tbpf/vm';

const STANDARD = new Map(standardHelperEntries().map(([proto, fn]) => [fn, proto.name]));

/** The native helper to use for `def`, or undefined for the JavaScript trampoline. */
export function nativeHelperName(
  def: HelperDef,
  runtime: Runtime,
  available: readonly string[],
): string | undefined {
  let name = STANDARD.get(def.fn);
  // ktime's standard implementation is a fresh closure per registry; it reads the runtime's
  // clock, which is native-compatible only when it is the default monotonic clock.
  const standardKtime =
    def.proto.name === 'ktime_get_ns' && def.fn.toString() === '(call) => call.runtime.clock()';
  if (!name && standardKtime && runtime.clock.name === 'defaultClock') name = 'ktime_get_ns';
  return name && available.includes(name) ? name : undefined;
}
