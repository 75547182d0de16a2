import { CliError } from '../io.js';

/** Parse hex bytes: "aa bb 11", "aabb11", optional 0x prefixes. */
export function parseHexBytes(text: string, what: string): Uint8Array {
  const tokens = text
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean);
  const digits = tokens.map((t) => t.replace(/^0x/i, '')).join('');
  if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0) {
    throw new CliError(`${what}: expected hex bytes like "aa bb 11", got '${text.slice(0, 40)}'`);
  }
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
