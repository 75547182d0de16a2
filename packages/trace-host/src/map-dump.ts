/**
 * Map dumps as bpftrace prints them: `@name[key]: value` lines, and log2 histograms
 * (`[256, 512)   27 |@@@@@@@@@           |`).
 *
 * Histogram maps use bpftrace's bucket numbering shifted to unsigned values: key 0 counts the
 * value 0, key 1 the value 1, key k ≥ 2 the values [2^(k-1), 2^k) — i.e. key = 64 - clz(v)
 * (`v ? 64 - __builtin_clzll(v) : 0` in a filter).
 */

/** A map's user-space view (vm's BpfMap fits). */
export interface DumpableMap {
  readonly name: string;
  readonly keySize: number;
  readonly valueSize: number;
  entries(): [Uint8Array, Uint8Array][];
}

/** Little-endian unsigned integer of 1, 2, 4 or 8 bytes; null for other sizes. */
export function readUint(bytes: Uint8Array): bigint | null {
  if (![1, 2, 4, 8].includes(bytes.length)) return null;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

function formatKey(key: Uint8Array): string {
  const n = readUint(key);
  // 8-byte keys at or above 2^32 are pointers (BPF addresses), as filter_ex2's `void *dev` key.
  if (n !== null) return key.length === 8 && n >= 1n << 32n ? `0x${n.toString(16)}` : n.toString();
  const nul = key.indexOf(0);
  const text = key.subarray(0, nul < 0 ? key.length : nul);
  if (
    text.length > 0 &&
    text.every((b) => b >= 0x20 && b < 0x7f) &&
    key.subarray(text.length).every((b) => b === 0)
  ) {
    return String.fromCharCode(...text);
  }
  return [...key].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

function formatValue(v: Uint8Array): string {
  const n = readUint(v);
  return n !== null ? n.toString() : [...v].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Entries as JSON. A value's JSON type follows its size, never its magnitude: 1, 2 and 4 bytes
 * are numbers, 8 bytes decimal strings (a u64 does not fit a JSON number), printable strings
 * as text, other bytes as hex.
 */
export function formatMapJson(map: DumpableMap): string {
  const conv = (b: Uint8Array): number | string => {
    const n = readUint(b);
    if (n !== null) return b.length === 8 ? n.toString() : Number(n);
    return formatKey(b);
  };
  return `${JSON.stringify(map.entries().map(([k, v]) => ({ key: conv(k), value: conv(v) })))}\n`;
}

/**
 * `@name[key]: value`, one line per entry, sorted by value then key (as bpftrace prints counts).
 * Keys: integers (8-byte values ≥ 2^32 in hex: pointers), printable strings, else hex bytes.
 */
export function formatMap(map: DumpableMap): string {
  const rows = map.entries().map(([k, v]) => ({ key: formatKey(k), value: formatValue(v), n: readUint(v) }));
  rows.sort((a, b) =>
    a.n !== null && b.n !== null && a.n !== b.n
      ? a.n < b.n
        ? -1
        : 1
      : a.key.localeCompare(b.key, 'en', { numeric: true }),
  );
  return rows.map((r) => `@${map.name}[${r.key}]: ${r.value}\n`).join('');
}

const SUFFIX = ['', 'K', 'M', 'G', 'T', 'P', 'E'];

function power(exp: number): string {
  const unit = Math.floor(exp / 10);
  return `${2 ** (exp - unit * 10)}${SUFFIX[unit]}`;
}

/** bpftrace's label for bucket `k` (see the module comment). */
export function bucketLabel(k: number): string {
  if (k === 0) return '[0]';
  if (k === 1) return '[1]';
  return `[${power(k - 1)}, ${power(k)})`;
}

const BAR = 52;

/** A log2 histogram of `counts[k]` (bucket k as above), from the lowest to the highest non-empty bucket. */
export function formatLog2Histogram(name: string, counts: ReadonlyMap<number, bigint>): string {
  const keys = [...counts.entries()].filter(([, c]) => c > 0n).map(([k]) => k);
  if (keys.length === 0) return `@${name}:\n`;
  const lo = Math.min(...keys);
  const hi = Math.max(...keys);
  const max = [...counts.values()].reduce((a, b) => (b > a ? b : a), 0n);
  let out = `@${name}:\n`;
  for (let k = lo; k <= hi; k++) {
    const c = counts.get(k) ?? 0n;
    const w = max === 0n ? 0 : Number((c * BigInt(BAR)) / max);
    out += `${bucketLabel(k).padEnd(20)}${c.toString().padStart(8)} |${'@'.repeat(w)}${' '.repeat(BAR - w)}|\n`;
  }
  return out;
}

/** A map of bucket → count as a histogram (keys and values read as unsigned integers). */
export function formatMapHistogram(map: DumpableMap): string {
  const counts = new Map<number, bigint>();
  for (const [k, v] of map.entries()) {
    const key = readUint(k);
    const val = readUint(v);
    if (key === null || val === null)
      throw new Error(`map ${map.name}: a histogram needs integer keys and values`);
    counts.set(Number(key), (counts.get(Number(key)) ?? 0n) + val);
  }
  return formatLog2Histogram(map.name, counts);
}

/** Bucket of a value in the scheme above (for host code that fills histograms). */
export function log2Bucket(v: number): number {
  return v < 1 ? 0 : Math.floor(Math.log2(v)) + 1;
}

/** Records drained from a BPF ring buffer map, one line each: `@name: 2a 00 00 00`. */
export function formatRingRecords(name: string, records: readonly Uint8Array[]): string {
  return records
    .map((r) => `@${name}: ${[...r].map((b) => b.toString(16).padStart(2, '0')).join(' ')}\n`)
    .join('');
}
