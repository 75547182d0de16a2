/** C literals: integer constants, character constants and the escape sequences of strings. */

/** Parses a C integer literal; the suffix says unsigned (u) and long (l/ll). */
export function parseIntegerLiteral(
  text: string,
): { value: bigint; unsigned: boolean; longs: number; decimal: boolean } | undefined {
  const m =
    /^(0[xX][0-9a-fA-F']+|0[bB][01']+|0[0-7']*|[1-9][0-9']*)((?:[uU](?:ll|LL|l|L)?)|(?:(?:ll|LL|l|L)[uU]?))?$/.exec(
      text,
    );
  if (m === null) return undefined;
  const body = m[1].replace(/'/g, '');
  let value: bigint;
  if (/^0[bB]/.test(body)) value = BigInt(body);
  else if (/^0[xX]/.test(body)) value = BigInt(body);
  else if (body.length > 1 && body[0] === '0') value = BigInt(`0o${body.slice(1)}`);
  else value = BigInt(body);
  const suffix = (m[2] ?? '').toLowerCase();
  return {
    value,
    unsigned: suffix.includes('u'),
    longs: suffix.includes('ll') ? 2 : suffix.includes('l') ? 1 : 0,
    decimal: !/^0/.test(body) || body === '0',
  };
}

/** Decodes escape sequences of a string or char literal's body into byte values. */
export function decodeEscapes(body: string): number[] | string {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (body[i] !== '\\') {
      if (c < 0x80) out.push(c);
      else
        for (const b of new TextEncoder().encode(String.fromCodePoint(body.codePointAt(i) as number)))
          out.push(b);
      if (c >= 0xd800 && c <= 0xdbff) i++;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, number> = {
      n: 10,
      t: 9,
      r: 13,
      '0': 0,
      a: 7,
      b: 8,
      f: 12,
      v: 11,
      e: 27,
      '\\': 92,
      "'": 39,
      '"': 34,
      '?': 63,
    };
    if (e === 'x') {
      let j = i + 1;
      while (j < body.length && /[0-9a-fA-F]/.test(body[j])) j++;
      if (j === i + 1) return '\\x used with no following hex digits';
      out.push(Number.parseInt(body.slice(i + 1, j), 16) & 0xff);
      i = j - 1;
    } else if (e !== undefined && e >= '0' && e <= '7') {
      let j = i;
      while (j < body.length && j < i + 3 && body[j] >= '0' && body[j] <= '7') j++;
      out.push(Number.parseInt(body.slice(i, j), 8) & 0xff);
      i = j - 1;
    } else if (e !== undefined && simple[e] !== undefined) out.push(simple[e]);
    else return `unknown escape sequence '\\${e ?? ''}'`;
  }
  return out;
}

export function decodeCharLiteral(text: string): number | undefined {
  const q = text.indexOf("'");
  const bytes = decodeEscapes(text.slice(q + 1, -1));
  if (typeof bytes === 'string' || bytes.length === 0) return undefined;
  // Multi-char constants: big-endian packing, as GCC and clang do; plain char is signed.
  if (bytes.length === 1) return (bytes[0] << 24) >> 24;
  let v = 0;
  for (const b of bytes.slice(-4)) v = (v << 8) | b;
  return v | 0;
}
