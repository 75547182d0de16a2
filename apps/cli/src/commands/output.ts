/** Output shared by commands: option parsing of counts, values as JSON and as text, map listings. */
import type { TypedMap } from '@tbpf/object';
import { CliError } from '../io.js';

export function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${what} must be a positive integer, got '${text}'`);
  return n;
}

/**
 * A decoded map key or value as JSON, by the contract's rule that a value's JSON type depends
 * on its C type, not its size: 64-bit and wider integers are decimal strings, bytes a hex string.
 */
export function jsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('');
  if (Array.isArray(v)) return v.map(jsonValue);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonValue(x)]));
  return v;
}

/** `{ pid: 42, comm: "abc" }`, `[0, 0]`, `7`, `"x"`, `00 ff` (bytes). */
export function textValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Uint8Array) return Array.from(v, (b) => b.toString(16).padStart(2, '0')).join(' ');
  if (Array.isArray(v)) return `[${v.map(textValue).join(', ')}]`;
  if (v && typeof v === 'object')
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k}: ${textValue(x)}`)
      .join(', ')} }`;
  return String(v);
}

/** A map after a run: a header line, then `key: value` per entry. */
export function mapListing(map: TypedMap): string {
  const entries = [...map];
  const head = `map ${map.name} (${map.typeName}, ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'})\n`;
  return head + entries.map(([k, v]) => `  ${textValue(k)}: ${textValue(v)}\n`).join('');
}
