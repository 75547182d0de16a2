/** Map contents as text: what the page shows and what the tests read. */
import type { BtfValue, TypedMap } from '@tbpf/object';
import type { MapView } from './protocol.js';

/** Entries shown per map. */
export const MAX_MAP_ENTRIES = 64;

/** A decoded value as C-ish text: integers in decimal, strings quoted, bytes in hex, structs by member. */
export function showValue(v: BtfValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Uint8Array) return [...v].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  if (Array.isArray(v)) return `[${v.map(showValue).join(', ')}]`;
  if (typeof v === 'object')
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k}: ${showValue(x)}`)
      .join(', ')} }`;
  return String(v);
}

export function mapViews(maps: readonly TypedMap[]): MapView[] {
  return maps.map((m) => {
    const entries: [string, string][] = [];
    let count = 0;
    try {
      for (const [k, v] of m) {
        if (count++ < MAX_MAP_ENTRIES) entries.push([showValue(k), showValue(v)]);
      }
    } catch (e) {
      // Maps that are not key/value stores (ring buffers) say so instead of listing.
      entries.push(['', e instanceof Error ? e.message : String(e)]);
    }
    return {
      name: m.name,
      type: m.typeName,
      keySize: m.spec.keySize,
      valueSize: m.spec.valueSize,
      maxEntries: m.maxEntries,
      entries,
      count,
    };
  });
}
