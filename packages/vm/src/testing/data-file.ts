/** Parsing of bpf_conformance `.data` files (tests and the bench only). */

export interface DataFile {
  asm?: string;
  raw?: Uint8Array;
  mem: Uint8Array;
  result?: bigint;
  error?: string;
}

/** Split into `-- name` sections. */
export function sections(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^-- (\w[\w ]*)$/.exec(line.trim());
    if (m) {
      current = m[1];
      out[current] = '';
    } else if (current) out[current] += `${line}\n`;
  }
  return out;
}

/** Hex bytes separated by whitespace ("aa bb 11"), comments after '#'. */
export function hexBytes(text: string): Uint8Array {
  const tokens = text
    .split('\n')
    .map((l) => l.replace(/#.*/, ''))
    .join(' ')
    .split(/\s+/)
    .filter(Boolean);
  return Uint8Array.from(tokens.map((t) => Number.parseInt(t, 16)));
}

function rawWords(raw: string): Uint8Array {
  const words = raw
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((w) => BigInt(w));
  const bytes = new Uint8Array(words.length * 8);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => {
    view.setBigUint64(i * 8, w, true);
  });
  return bytes;
}

export function parseDataFile(text: string): DataFile {
  const s = sections(text);
  return {
    asm: s.asm,
    raw: s.raw === undefined ? undefined : rawWords(s.raw),
    mem: s.mem === undefined ? new Uint8Array() : hexBytes(s.mem),
    result: s.result === undefined ? undefined : BigInt(s.result.trim()),
    error: s.error?.trim(),
  };
}
