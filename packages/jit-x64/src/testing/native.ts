/** Test support: skip native tests cleanly where the addon is unavailable — except in CI. */
import { nativeAddon } from '../native.js';

const status = nativeAddon();

/** True when native tests can run. In CI (process.env.CI) an unavailable addon is an error. */
export function nativeAvailable(): boolean {
  if (status.ok) return true;
  if (process.env.CI) throw new Error(`CI: the native executor must build here: ${status.reason}`);
  return false;
}
