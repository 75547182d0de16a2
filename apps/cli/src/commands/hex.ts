import { parseHexBytes as parseHex } from '@tbpf/asm';
import { CliError } from '../io.js';

/** Hex bytes ("aa bb 11", "aabb11", optional 0x prefixes), or a CliError naming `what`. */
export function parseHexBytes(text: string, what: string): Uint8Array {
  const bytes = parseHex(text);
  if (!bytes) throw new CliError(`${what}: expected hex bytes like "aa bb 11", got '${text.slice(0, 40)}'`);
  return bytes;
}
