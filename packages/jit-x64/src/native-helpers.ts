/**
 * Which registry helpers may run natively: only when the registry holds the vm's own standard
 * implementation, so the native twin computes exactly what it would. A host that replaces a
 * helper gets its replacement, through the trampoline.
 */
import { type HelperDef, type Runtime, standardHelperEntries } from '@tbpf/vm';

const STANDARD = standardHelperEntries();
const BY_FUNCTION = new Map(STANDARD.map(([proto, fn]) => [fn, proto.name]));
/** Some standard helpers are closures made per registry (ktime, ringbuf submit/discard): match their source. */
const SOURCE_BY_NAME = new Map(STANDARD.map(([proto, fn]) => [proto.name, fn.toString()]));

/** The native helper to use for `def`, or undefined for the JavaScript trampoline. */
export function nativeHelperName(
  def: HelperDef,
  runtime: Runtime,
  available: readonly string[],
): string | undefined {
  const { name } = def.proto;
  const standard = BY_FUNCTION.get(def.fn) === name || SOURCE_BY_NAME.get(name) === def.fn.toString();
  if (!standard || !available.includes(name)) return undefined;
  // ktime reads the runtime's clock: native only for the default (monotonic) one.
  if (name === 'ktime_get_ns' && runtime.clock.name !== 'defaultClock') return undefined;
  return name;
}
