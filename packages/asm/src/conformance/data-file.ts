/**
 * The bpf_conformance `.data` format: a program and its expected outcome in `-- name` sections.
 *
 *     # header comment (ignored)
 *     -- asm
 *     ldxh %r0, [%r1]
 *     exit
 *     -- mem
 *     11 22
 *     -- result
 *     0x2211
 *
 * `-- raw` holds the same program as one 64-bit instruction word per line, `-- error` an expected
 * error text instead of a result; other sections (`-- c`, `-- no register offset`) are notes for
 * other runtimes and are kept, uninterpreted, in `sections`. `#` starts a comment in `-- raw`,
 * `-- mem` and `-- result`; `-- asm` is left to the assembler, which reads `#` comments itself.
 */

export interface ConformanceData {
  /** `-- asm`: the program in ubpf syntax, as written. */
  asm?: string;
  /** `-- raw`: the instruction words as little-endian bytes (8 per word). */
  raw?: Uint8Array;
  /** `-- mem`: the input memory (r1 points at it, r2 is its length); empty without the section. */
  mem: Uint8Array;
  /** `-- result`: the expected r0. */
  result?: bigint;
  /** `-- error`: the expected error text, trimmed. */
  error?: string;
  /** Every section's text by name (each line followed by '\n'), the ones above included. */
  sections: Record<string, string>;
}

/** A malformed `.data` file: the message is `file:line: error: -- section: reason`. */
export class ConformanceDataError extends Error {
  override readonly name = 'ConformanceDataError';
  constructor(
    readonly reason: string,
    readonly fileName: string,
    /** 1-based line of the file. */
    readonly line: number,
    readonly section: string,
    /** The offending text. */
    readonly text: string,
  ) {
    super(`${fileName}:${line}: error: -- ${section}: ${reason}`);
  }
}

interface Section {
  name: string;
  /** 1-based line number of the section's first body line. */
  firstLine: number;
  text: string;
}

const HEADER = /^-- (\w[\w ]*)$/;

function splitSections(text: string): Map<string, Section> {
  const out = new Map<string, Section>();
  let current: Section | undefined;
  text.split('\n').forEach((line, i) => {
    const header = HEADER.exec(line.trim());
    if (header) {
      current = { name: header[1], firstLine: i + 2, text: '' };
      out.set(current.name, current);
    } else if (current) current.text += `${line}\n`;
  });
  return out;
}

/** The section's whitespace-separated tokens outside `#` comments, with their file line. */
function tokens(section: Section): { token: string; line: number }[] {
  return section.text.split('\n').flatMap((l, i) =>
    l
      .replace(/#.*/, '')
      .split(/\s+/)
      .filter(Boolean)
      .map((token) => ({ token, line: section.firstLine + i })),
  );
}

function malformed(
  section: Section,
  fileName: string,
  line: number,
  reason: string,
  text: string,
): ConformanceDataError {
  return new ConformanceDataError(reason, fileName, line, section.name, text);
}

function memBytes(section: Section, fileName: string): Uint8Array {
  return Uint8Array.from(tokens(section), ({ token, line }) => {
    if (!/^(0x)?[0-9a-f]{1,2}$/i.test(token))
      throw malformed(section, fileName, line, 'expected hex bytes like "aa bb 11"', token);
    return Number.parseInt(token, 16);
  });
}

function rawWords(section: Section, fileName: string): Uint8Array {
  const words = tokens(section);
  const bytes = new Uint8Array(words.length * 8);
  const view = new DataView(bytes.buffer);
  words.forEach(({ token, line }, i) => {
    const word = integer(token);
    if (word === undefined || word < 0n || word >= 1n << 64n)
      throw malformed(section, fileName, line, 'expected a 64-bit instruction word', token);
    view.setBigUint64(i * 8, word, true);
  });
  return bytes;
}

function resultValue(section: Section, fileName: string): bigint {
  const [first, ...rest] = tokens(section);
  const value = first && rest.length === 0 ? integer(first.token) : undefined;
  if (value === undefined) {
    const line = rest[0]?.line ?? first?.line ?? section.firstLine;
    throw malformed(section, fileName, line, 'expected one number', section.text.trim());
  }
  return value;
}

/** `0x…` hex or decimal, as `BigInt` reads them; undefined if it is neither. */
function integer(token: string): bigint | undefined {
  try {
    return BigInt(token);
  } catch {
    return undefined;
  }
}

/**
 * Parse a bpf_conformance `.data` file. Throws only `ConformanceDataError` (file, line, section)
 * for a malformed `-- raw`, `-- mem` or `-- result`.
 */
export function parseConformanceData(text: string, fileName = '<data>'): ConformanceData {
  const found = splitSections(text);
  const raw = found.get('raw');
  const mem = found.get('mem');
  const result = found.get('result');
  return {
    asm: found.get('asm')?.text,
    raw: raw && rawWords(raw, fileName),
    mem: mem ? memBytes(mem, fileName) : new Uint8Array(),
    result: result && resultValue(result, fileName),
    error: found.get('error')?.text.trim(),
    sections: Object.fromEntries([...found.values()].map((s) => [s.name, s.text])),
  };
}
