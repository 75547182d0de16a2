/**
 * Bytes written as hex text — "aa bb 11", "aabb11", "0xaa,0xbb" — as `tbpf run --mem`, the
 * conformance plugin's arguments and hex program files give them. Undefined when the text is
 * not that (callers word the error for their context).
 */
export function parseHexBytes(text: string): Uint8Array | undefined {
  const digits = text
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((t) => t.replace(/^0x/i, ''))
    .join('');
  if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0) return undefined;
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
